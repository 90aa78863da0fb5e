// Linking the embedded helper bitcode into kernel modules (see helpers_bitcode.h).
#include "compiler/jit/helpers_bitcode.h"

#include <llvm/Bitcode/BitcodeReader.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Linker/Linker.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/SHA256.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/Transforms/IPO/Internalize.h>

#include <algorithm>
#include <set>

namespace huntc::jit {

namespace {

llvm::StringRef Bitcode() {
  return llvm::StringRef(reinterpret_cast<const char*>(kHelpersBitcode), kHelpersBitcodeSize);
}

}  // namespace

const std::array<uint8_t, 32>& HelpersBitcodeHash() {
  static const std::array<uint8_t, 32> hash =
      llvm::SHA256::hash(llvm::ArrayRef(kHelpersBitcode, kHelpersBitcodeSize));
  return hash;
}

// The functions the bitcode defines, read once: a kernel calling none of them skips the link.
const std::set<std::string>& BitcodeFunctions() {
  static const std::set<std::string> names = [] {
    std::set<std::string> out;
    llvm::LLVMContext context;
    auto helpers = llvm::getLazyBitcodeModule(llvm::MemoryBufferRef(Bitcode(), "kernel_helpers.bc"), context);
    if (!helpers) {
      // Reported by LinkHelpers, which reads it again; here the module stays unknown.
      llvm::consumeError(helpers.takeError());
      return out;
    }
    for (const llvm::Function& f : **helpers) {
      if (!f.isDeclaration()) out.insert(f.getName().str());
    }
    return out;
  }();
  return names;
}

bool LinkHelpers(llvm::Module& module, const llvm::TargetMachine& target, std::string& error) {
  const std::set<std::string>& defined = BitcodeFunctions();
  const bool calls_helpers = std::any_of(module.begin(), module.end(), [&](const llvm::Function& f) {
    return f.isDeclaration() && (defined.empty() || defined.count(f.getName().str()) != 0);
  });
  if (!calls_helpers) return true;
  // Read lazily: only the bodies of the helpers the kernel calls are materialised. A module
  // belongs to one LLVMContext, and every kernel has its own, so the bitcode is read per kernel.
  auto helpers = llvm::getLazyBitcodeModule(llvm::MemoryBufferRef(Bitcode(), "kernel_helpers.bc"),
                                            module.getContext());
  if (!helpers) {
    error = "internal error: cannot read the kernel helpers' bitcode: " + llvm::toString(helpers.takeError());
    return false;
  }
  (*helpers)->setDataLayout(module.getDataLayout());
  (*helpers)->setTargetTriple(module.getTargetTriple());
  std::set<std::string> kernel_names;  // what the kernel module defines: kept visible
  for (const llvm::GlobalValue& g : module.global_values()) {
    if (!g.isDeclaration()) kernel_names.insert(g.getName().str());
  }
  if (llvm::Linker::linkModules(module, std::move(*helpers), llvm::Linker::LinkOnlyNeeded)) {
    error = "internal error: cannot link the kernel helpers' bitcode";
    return false;
  }
  llvm::internalizeModule(module, [&](const llvm::GlobalValue& g) {
    return kernel_names.count(g.getName().str()) != 0;
  });
  // Compiled by clang for a generic CPU; here for the kernel's, which also lets them inline.
  for (llvm::Function& f : module) {
    if (f.isDeclaration() || kernel_names.count(f.getName().str())) continue;
    f.removeFnAttr("target-cpu");
    f.removeFnAttr("target-features");
    f.removeFnAttr("tune-cpu");
    f.addFnAttr("target-cpu", target.getTargetCPU());
    f.addFnAttr("target-features", target.getTargetFeatureString());
  }
  return true;
}

}  // namespace huntc::jit
