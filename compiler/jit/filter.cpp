// The filter kernel: one loop over a batch's rows writing the selection vector of the rows
// whose predicate is true (runtime/kernel.h FilterKernel).
//
// Branches cost most where a predicate is cheap and its outcome unpredictable (a port compared
// on rows that pass about half the time): then the branch mispredicts every other row and takes
// longer than the test. So the conjuncts that are straight-line arithmetic (no call, no string)
// are evaluated together without branches, before the others, and the last test of a row does
// not branch either: every row's index is written at the end of the selection, which grows by
// one only when the row passes. The conjuncts that call helpers keep a branch each, so a row
// leaves at its first false one and no helper runs for a row already rejected.
#include <algorithm>

#include "compiler/jit/codegen.h"

namespace huntc::jit {
namespace {

// Whether `e` compiles to straight-line code over fixed-width values: no call of a helper, no
// string, nothing that can fault (division), so evaluating it for every row costs a few
// instructions. A worklist, not recursion: the tree is as deep as the rule's expression.
bool IsStraightLine(const ir::Expr& e) {
  std::vector<const ir::Expr*> work{&e};
  while (!work.empty()) {
    const ir::Expr& x = *work.back();
    work.pop_back();
    if (IsStringLike(x.type) || x.type == Type::Dynamic) return false;
    if (x.kind != ir::ExprKind::Call) continue;
    switch (x.fn) {
      case ir::Fn::And: case ir::Fn::Or: case ir::Fn::Not:
      case ir::Fn::Eq: case ir::Fn::Ne: case ir::Fn::Lt: case ir::Fn::Le: case ir::Fn::Gt: case ir::Fn::Ge:
      case ir::Fn::In: case ir::Fn::IsNull:
      case ir::Fn::Add: case ir::Fn::Sub: case ir::Fn::Mul: case ir::Fn::Neg: break;
      default: return false;
    }
    for (const ir::Expr& a : x.args) work.push_back(&a);
  }
  return true;
}

}  // namespace

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
  // The top-level conjuncts: the straight-line ones first, all in one test, then the others in
  // their order. Conjuncts have no effects, and each of the others still runs only for rows that
  // passed every conjunct it followed before, so the order changes no result.
  std::vector<const ir::Expr*> conjuncts;
  if (predicate.kind == ir::ExprKind::Call && predicate.fn == ir::Fn::And) {
    for (const ir::Expr& t : predicate.args) conjuncts.push_back(&t);
  } else {
    conjuncts.push_back(&predicate);
  }
  std::stable_partition(conjuncts.begin(), conjuncts.end(), [](const ir::Expr* c) { return IsStraightLine(*c); });
  size_t k = 0;
  llvm::Value* straight = nullptr;
  for (; k < conjuncts.size() && IsStraightLine(*conjuncts[k]); ++k) {
    llvm::Value* truth = gen.IsTrue(gen.Gen(*conjuncts[k]));
    straight = straight ? b.CreateAnd(straight, truth) : truth;
  }
  // Every test but the last branches to `next` when false.
  llvm::Value* last = straight;
  std::vector<llvm::BasicBlock*> rejects;
  for (; k < conjuncts.size(); ++k) {
    if (last) {
      auto* pass = llvm::BasicBlock::Create(ctx, "and", fn, next);
      rejects.push_back(b.GetInsertBlock());
      b.CreateCondBr(last, pass, next);
      b.SetInsertPoint(pass);
    }
    last = gen.IsTrue(gen.Gen(*conjuncts[k]));
  }
  // The last test: write the row's index after the kept ones, and keep it only if it passed.
  b.CreateStore(b.CreateTrunc(row, b.getInt32Ty()),
                b.CreateInBoundsGEP(b.getInt32Ty(), selection, b.CreateZExt(count, b.getInt64Ty())));
  llvm::Value* count_tested = b.CreateAdd(count, b.CreateZExt(last, b.getInt32Ty()));
  llvm::BasicBlock* tested = b.GetInsertBlock();
  b.CreateBr(next);

  b.SetInsertPoint(next);
  auto* count_next = b.CreatePHI(b.getInt32Ty(), 1 + rejects.size(), "count.next");
  count_next->addIncoming(count_tested, tested);
  for (llvm::BasicBlock* reject : rejects) count_next->addIncoming(count, reject);
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
