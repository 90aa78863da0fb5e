// The filter kernel: one loop over a batch's rows writing the selection vector of the rows
// whose predicate is true (runtime/kernel.h FilterKernel).
#include "compiler/jit/codegen.h"

namespace huntc::jit {

llvm::Function* BuildFilter(llvm::Module& module, const std::string& name, const ir::Expr& predicate,
                            const std::vector<ColumnSpec>& columns, KernelObjects& objects) {
  llvm::LLVMContext& ctx = module.getContext();
  ExprCodegen gen(module, columns, objects);
  llvm::IRBuilder<>& b = gen.builder();
  auto* ptr = b.getPtrTy();
  auto* fn_type = llvm::FunctionType::get(b.getInt32Ty(), {ptr, b.getInt32Ty(), ptr, ptr}, false);
  auto* fn = llvm::Function::Create(fn_type, llvm::Function::ExternalLinkage, name, module);
  for (unsigned i : {0u, 2u, 3u}) fn->addParamAttr(i, llvm::Attribute::NoAlias);
  fn->addParamAttr(0, llvm::Attribute::ReadOnly);
  fn->addParamAttr(2, llvm::Attribute::ReadOnly);
  llvm::Value* rows = fn->getArg(1);
  llvm::Value* selection = fn->getArg(3);

  auto* entry = llvm::BasicBlock::Create(ctx, "entry", fn);
  auto* loop = llvm::BasicBlock::Create(ctx, "row", fn);
  auto* keep = llvm::BasicBlock::Create(ctx, "keep", fn);
  auto* next = llvm::BasicBlock::Create(ctx, "next", fn);
  auto* done = llvm::BasicBlock::Create(ctx, "done", fn);

  // Entry: load what the loop reads, so the loop body does no pointer chasing.
  b.SetInsertPoint(entry);
  gen.LoadInputs(fn->getArg(0), fn->getArg(2), {&predicate});
  llvm::Value* n = b.CreateZExt(rows, b.getInt64Ty());
  b.CreateCondBr(b.CreateICmpEQ(n, b.getInt64(0)), done, loop);

  // The row loop.
  b.SetInsertPoint(loop);
  auto* row = b.CreatePHI(b.getInt64Ty(), 2, "i");
  auto* count = b.CreatePHI(b.getInt32Ty(), 2, "count");
  row->addIncoming(b.getInt64(0), entry);
  count->addIncoming(b.getInt32(0), entry);
  gen.SetRow(row);
  // Top-level conjuncts are tested one after another: a row leaves at its first false one.
  std::vector<const ir::Expr*> conjuncts;
  if (predicate.kind == ir::ExprKind::Call && predicate.fn == ir::Fn::And) {
    for (const ir::Expr& t : predicate.args) conjuncts.push_back(&t);
  } else {
    conjuncts.push_back(&predicate);
  }
  for (size_t k = 0; k < conjuncts.size(); ++k) {
    llvm::Value* truth = gen.IsTrue(gen.Gen(*conjuncts[k]));
    auto* pass = k + 1 == conjuncts.size() ? keep : llvm::BasicBlock::Create(ctx, "and", fn, keep);
    b.CreateCondBr(truth, pass, next);
    b.SetInsertPoint(pass);
  }
  // keep: append the row to the selection.
  b.CreateStore(b.CreateTrunc(row, b.getInt32Ty()),
                b.CreateInBoundsGEP(b.getInt32Ty(), selection, b.CreateZExt(count, b.getInt64Ty())));
  llvm::Value* count_kept = b.CreateAdd(count, b.getInt32(1));
  b.CreateBr(next);

  b.SetInsertPoint(next);
  auto* count_next = b.CreatePHI(b.getInt32Ty(), 0, "count.next");
  for (llvm::BasicBlock* pred : llvm::predecessors(next)) {
    count_next->addIncoming(pred == keep ? count_kept : count, pred);
  }
  llvm::Value* row_next = b.CreateAdd(row, b.getInt64(1));
  row->addIncoming(row_next, next);
  count->addIncoming(count_next, next);
  b.CreateCondBr(b.CreateICmpULT(row_next, n), loop, done);

  b.SetInsertPoint(done);
  auto* result = b.CreatePHI(b.getInt32Ty(), 2, "result");
  result->addIncoming(b.getInt32(0), entry);
  result->addIncoming(count_next, next);
  b.CreateRet(result);
  return fn;
}

}  // namespace huntc::jit
