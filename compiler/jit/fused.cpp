// The fused scan kernel (runtime/kernel.h ScanKernel): a scan's filter kernel and the projection
// kernel above it as one function per batch, so that the Scan's batch goes through one call
// (and one set of column loads) instead of an operator per kernel.
//
// Both are generated as they are alone (filter.cpp, projection.cpp), as internal functions the
// kernel calls once each and LLVM inlines: the selection the first writes is the second's input.
#include "compiler/jit/codegen.h"

namespace huntc::jit {

llvm::Function* BuildScan(llvm::Module& module, const std::string& name, const ir::Expr& predicate,
                          const std::vector<const ir::Expr*>& exprs, const std::vector<ColumnSpec>& columns,
                          KernelObjects& objects) {
  llvm::Function* filter = BuildFilter(module, name + ".filter", predicate, columns, objects);
  llvm::Function* project = BuildProjection(module, name + ".project", exprs, columns, objects);
  for (llvm::Function* part : {filter, project}) {
    part->setLinkage(llvm::Function::InternalLinkage);
    part->addFnAttr(llvm::Attribute::AlwaysInline);
  }
  llvm::LLVMContext& ctx = module.getContext();
  llvm::IRBuilder<> b(ctx);
  auto* ptr = b.getPtrTy();
  auto* fn_type = llvm::FunctionType::get(b.getInt32Ty(), {ptr, b.getInt32Ty(), ptr, ptr, ptr}, false);
  auto* fn = llvm::Function::Create(fn_type, llvm::Function::ExternalLinkage, name, module);
  b.SetInsertPoint(llvm::BasicBlock::Create(ctx, "entry", fn));
  llvm::Value* columns_arg = fn->getArg(0);
  llvm::Value* context = fn->getArg(2);
  llvm::Value* selection = fn->getArg(3);
  llvm::Value* selected = b.CreateCall(filter, {columns_arg, fn->getArg(1), context, selection});
  b.CreateCall(project, {columns_arg, selected, selection, context, fn->getArg(4)});
  b.CreateRet(selected);
  return fn;
}

}  // namespace huntc::jit
