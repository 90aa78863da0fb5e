// Linking the embedded helper bitcode into kernel modules (see helpers_bitcode.h).
#include "compiler/jit/helpers_bitcode.h"

#include <llvm/Bitcode/BitcodeReader.h>
#include <llvm/IR/Module.h>
#include <llvm/Linker/Linker.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/SHA256.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/Transforms/IPO/Internalize.h>

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

bool LinkHelpers(llvm::Module& module, const llvm::TargetMachine& target, std::string& error) {
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
