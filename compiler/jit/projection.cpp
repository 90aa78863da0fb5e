// The projection kernel: one loop over the selected rows of a batch computing a Project's
// computed columns (runtime/kernel.h ProjectKernel).
//
// Each column's value and validity are generated apart (ExprCodegen keeps them so): a
// null-in-null-out function's validity is the AND of its operands' validity bytes, and its value
// is computed for every row whatever they hold, so the loop has no branch per row. A fixed-width
// value is stored as 0 where the result is null, as the interpreter stores a null. A string or
// dynamic value is appended to its output column by huntc_column_append, which stores a null as
// the interpreter's Column does (a string "", a dynamic null): the text the kernel made, often in
// the helpers' scratch, is copied there before the next row's.
#include <fmt/format.h>

#include "compiler/jit/codegen.h"

namespace huntc::jit {

llvm::Function* BuildProjection(llvm::Module& module, const std::string& name,
                                const std::vector<const ir::Expr*>& exprs,
                                const std::vector<ColumnSpec>& columns, KernelObjects& objects) {
  for (const ir::Expr* e : exprs) {
    if (!IsFixedWidth(e->type) && e->type != Type::String && e->type != Type::Dynamic) {
      throw Unsupported{fmt::format("a computed {} column", TypeName(e->type))};
    }
  }
  llvm::LLVMContext& ctx = module.getContext();
  ExprCodegen gen(module, columns, objects);
  llvm::IRBuilder<>& b = gen.builder();
  auto* ptr = b.getPtrTy();
  llvm::Type* i64 = b.getInt64Ty();
  auto* fn_type = llvm::FunctionType::get(b.getVoidTy(), {ptr, b.getInt32Ty(), ptr, ptr, ptr}, false);
  auto* fn = llvm::Function::Create(fn_type, llvm::Function::ExternalLinkage, name, module);
  for (unsigned i : {0u, 2u, 3u, 4u}) {
    fn->addParamAttr(i, llvm::Attribute::NoAlias);
    fn->addParamAttr(i, llvm::Attribute::ReadOnly);
  }
  llvm::Value* selection = fn->getArg(2);

  auto* entry = llvm::BasicBlock::Create(ctx, "entry", fn);
  auto* loop = llvm::BasicBlock::Create(ctx, "row", fn);
  auto* done = llvm::BasicBlock::Create(ctx, "done", fn);

  // Entry: the input and output pointers, loaded once.
  b.SetInsertPoint(entry);
  gen.LoadInputs(fn->getArg(0), fn->getArg(3), exprs);
  auto* output_type = llvm::StructType::get(ctx, {ptr, ptr});
  std::vector<std::pair<llvm::Value*, llvm::Value*>> outputs;  // values, valid
  for (size_t k = 0; k < exprs.size(); ++k) {
    llvm::Value* out = b.CreateConstInBoundsGEP1_64(output_type, fn->getArg(4), k);
    outputs.emplace_back(b.CreateLoad(ptr, b.CreateStructGEP(output_type, out, 0)),
                         b.CreateLoad(ptr, b.CreateStructGEP(output_type, out, 1)));
  }
  llvm::Value* n = b.CreateZExt(fn->getArg(1), i64);
  b.CreateCondBr(b.CreateICmpEQ(n, b.getInt64(0)), done, loop);

  b.SetInsertPoint(loop);
  auto* i = b.CreatePHI(i64, 2, "i");
  i->addIncoming(b.getInt64(0), entry);
  llvm::Value* row = b.CreateLoad(b.getInt32Ty(), b.CreateInBoundsGEP(b.getInt32Ty(), selection, i));
  gen.SetRow(b.CreateZExt(row, i64));
  llvm::FunctionCallee append = module.getOrInsertFunction(
      "huntc_column_append", llvm::FunctionType::get(b.getVoidTy(), {ptr, ptr, b.getInt32Ty(), b.getInt32Ty()}, false));
  for (size_t k = 0; k < exprs.size(); ++k) {
    const Val v = gen.Gen(*exprs[k]);
    llvm::Value* valid = gen.Valid(v);
    if (!IsFixedWidth(exprs[k]->type)) {
      b.CreateCall(append, {outputs[k].first, v.v, v.len, b.CreateZExt(valid, b.getInt32Ty())});
      continue;
    }
    llvm::Value* value = v.v;
    // A bool is stored as a byte.
    llvm::Type* stored = exprs[k]->type == Type::Bool ? b.getInt8Ty() : gen.LlvmType(exprs[k]->type);
    if (exprs[k]->type == Type::Bool) value = b.CreateZExt(value, stored);
    if (value->getType() != stored) {
      throw Unsupported{fmt::format("a {} column computed from a value of another width", TypeName(exprs[k]->type))};
    }
    value = b.CreateSelect(valid, value, llvm::Constant::getNullValue(stored));
    b.CreateStore(value, b.CreateInBoundsGEP(stored, outputs[k].first, i));
    b.CreateStore(b.CreateZExt(valid, b.getInt8Ty()), b.CreateInBoundsGEP(b.getInt8Ty(), outputs[k].second, i));
  }
  llvm::Value* next = b.CreateAdd(i, b.getInt64(1));
  i->addIncoming(next, b.GetInsertBlock());
  b.CreateCondBr(b.CreateICmpULT(next, n), loop, done);

  b.SetInsertPoint(done);
  b.CreateRetVoid();
  return fn;
}

}  // namespace huntc::jit
