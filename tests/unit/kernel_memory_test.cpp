// The memory kernels are linked into (compiler/jit/kernel_memory.h), under an LLJIT: code written
// through one view runs from the other; many small objects share a slab; an object bigger than a
// slab gets one of its own; memory freed is used again, and its zero-filled data reads zero.
#include "compiler/jit/kernel_memory.h"

#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ObjectLinkingLayer.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/Support/TargetSelect.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

namespace {

std::unique_ptr<llvm::orc::LLJIT> MakeJit() {
  static const bool initialised = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    return true;
  }();
  (void)initialised;
  auto jit =
      llvm::orc::LLJITBuilder()
          .setObjectLinkingLayerCreator(
              [](llvm::orc::ExecutionSession& session,
                 const llvm::Triple&) -> llvm::Expected<std::unique_ptr<llvm::orc::ObjectLayer>> {
                auto memory = huntc::jit::CreateKernelMemory();
                if (!memory) return memory.takeError();
                return std::make_unique<llvm::orc::ObjectLinkingLayer>(session, std::move(*memory));
              })
          .create();
  if (!jit) FAIL(llvm::toString(jit.takeError()));
  return std::move(*jit);
}

// A module whose function `name` returns `value`.
llvm::orc::ThreadSafeModule Constant(const std::string& name, int64_t value) {
  auto context = std::make_unique<llvm::LLVMContext>();
  auto module = std::make_unique<llvm::Module>(name, *context);
  llvm::IRBuilder<> b(*context);
  auto* fn = llvm::Function::Create(llvm::FunctionType::get(b.getInt64Ty(), false),
                                    llvm::Function::ExternalLinkage, name, *module);
  b.SetInsertPoint(llvm::BasicBlock::Create(*context, "entry", fn));
  b.CreateRet(b.getInt64(value));
  return {std::move(module), std::move(context)};
}

// A module with a zero-filled array of `size` bytes and a function `name` that stores its argument
// into the array's last byte and returns what was there.
llvm::orc::ThreadSafeModule Swap(const std::string& name, uint64_t size) {
  auto context = std::make_unique<llvm::LLVMContext>();
  auto module = std::make_unique<llvm::Module>(name, *context);
  llvm::IRBuilder<> b(*context);
  auto* type = llvm::ArrayType::get(b.getInt8Ty(), size);
  auto* array = new llvm::GlobalVariable(*module, type, false, llvm::GlobalValue::InternalLinkage,
                                         llvm::ConstantAggregateZero::get(type), name + "_array");
  auto* fn = llvm::Function::Create(llvm::FunctionType::get(b.getInt8Ty(), {b.getInt8Ty()}, false),
                                    llvm::Function::ExternalLinkage, name, *module);
  b.SetInsertPoint(llvm::BasicBlock::Create(*context, "entry", fn));
  llvm::Value* last = b.CreateConstInBoundsGEP2_64(type, array, 0, size - 1);
  llvm::Value* old = b.CreateLoad(b.getInt8Ty(), last, /*isVolatile=*/true);
  b.CreateStore(fn->getArg(0), last, /*isVolatile=*/true);
  b.CreateRet(old);
  return {std::move(module), std::move(context)};
}

template <typename F>
F* Find(llvm::orc::LLJIT& jit, const std::string& name) {
  auto address = jit.lookup(name);
  if (!address) FAIL(llvm::toString(address.takeError()));
  return address->toPtr<F*>();
}

}  // namespace

TEST_CASE("kernel memory: many small objects share a slab and run") {
  auto jit = MakeJit();
  constexpr int kCount = 300;
  uintptr_t low = UINTPTR_MAX;
  uintptr_t high = 0;
  for (int i = 0; i < kCount; ++i) {
    REQUIRE(!jit->addIRModule(Constant("constant_" + std::to_string(i), 1000 + i)));
  }
  for (int i = 0; i < kCount; ++i) {
    auto* fn = Find<int64_t()>(*jit, "constant_" + std::to_string(i));
    REQUIRE(fn() == 1000 + i);
    low = std::min(low, reinterpret_cast<uintptr_t>(fn));
    high = std::max(high, reinterpret_cast<uintptr_t>(fn));
  }
  // Packed, not a page each: 300 objects' code in well under 300 pages.
  CHECK(high - low < 64 * 1024);
}

TEST_CASE("kernel memory: freed memory is used again, zero-filled again") {
  auto jit = MakeJit();
  REQUIRE(!jit->addIRModule(Constant("before", 1)));
  REQUIRE(Find<int64_t()>(*jit, "before")() == 1);
  auto tracker = jit->getMainJITDylib().createResourceTracker();
  REQUIRE(!jit->addIRModule(tracker, Swap("swap", 4096)));
  auto* first = Find<uint8_t(uint8_t)>(*jit, "swap");
  CHECK(first(7) == 0);
  CHECK(first(8) == 7);
  REQUIRE(!tracker->remove());
  tracker = jit->getMainJITDylib().createResourceTracker();
  REQUIRE(!jit->addIRModule(tracker, Swap("swap", 4096)));
  auto* second = Find<uint8_t(uint8_t)>(*jit, "swap");
  CHECK(second == first);
  CHECK(second(9) == 0);
  CHECK(second(1) == 9);
}

TEST_CASE("kernel memory: an object bigger than a slab") {
  auto jit = MakeJit();
  REQUIRE(!jit->addIRModule(Constant("small", 2)));
  REQUIRE(!jit->addIRModule(Swap("big", uint64_t{9} << 20)));
  REQUIRE(!jit->addIRModule(Constant("after", 3)));
  auto* big = Find<uint8_t(uint8_t)>(*jit, "big");
  CHECK(big(5) == 0);
  CHECK(big(6) == 5);
  CHECK(Find<int64_t()>(*jit, "small")() == 2);
  CHECK(Find<int64_t()>(*jit, "after")() == 3);
}
