// The pack scan kernel (runtime/kernel.h PackKernel) of one part of a layout: one loop over a
// batch's rows that runs the scan filters of the part's consumers of the table
// (runtime/exec/pack_scan.h) and writes one selection per consumer.
//
// Per row, each consumer's conjuncts are tested in order and the consumer leaves at its first
// false one, as in the filter kernel. A shared conjunct is computed at its first use in the row
// and its truth kept for the other consumers' uses (a per-row state that LLVM keeps in
// registers); the pooled string tests read the truths the stage computed before the loop.
#include "compiler/jit/codegen.h"

namespace huntc::jit {

void ExprCodegen::SetPrecomputed(const std::vector<ir::Expr>& precomputed, llvm::Value* tests) {
  precomputed_ = &precomputed;
  tests_ = tests;
  precomputed_by_hash_.clear();
  for (size_t k = 0; k < precomputed.size(); ++k) precomputed_by_hash_.emplace(precomputed[k].Hash(), k);
}

std::optional<Val> ExprCodegen::GenPrecomputed(const ir::Expr& e) {
  const auto [begin, end] = precomputed_by_hash_.equal_range(e.Hash());
  for (auto it = begin; it != end; ++it) {
    if ((*precomputed_)[it->second] != e) continue;
    auto* ptr = b_.getPtrTy();
    llvm::Value* truths = b_.CreateLoad(ptr, b_.CreateConstInBoundsGEP1_64(ptr, tests_, it->second));
    llvm::Value* byte = b_.CreateLoad(b_.getInt8Ty(), b_.CreateInBoundsGEP(b_.getInt8Ty(), truths, row_));
    return Val{b_.CreateICmpNE(byte, b_.getInt8(0))};  // never null, as string tests are
  }
  return std::nullopt;
}

llvm::Function* BuildPack(llvm::Module& module, const std::string& name, const exec::PackScanLayout& layout,
                          size_t part, const std::vector<ColumnSpec>& columns, KernelObjects& objects) {
  llvm::LLVMContext& ctx = module.getContext();
  ExprCodegen gen(module, columns, objects);
  llvm::IRBuilder<>& b = gen.builder();
  auto* ptr = b.getPtrTy();
  auto* i8 = b.getInt8Ty();
  auto* i32 = b.getInt32Ty();
  auto* i64 = b.getInt64Ty();
  auto* fn_type = llvm::FunctionType::get(b.getVoidTy(), {ptr, i32, ptr, ptr, ptr, ptr, ptr}, false);
  auto* fn = llvm::Function::Create(fn_type, llvm::Function::ExternalLinkage, name, module);
  for (unsigned i : {0u, 2u, 3u, 4u, 5u, 6u}) fn->addParamAttr(i, llvm::Attribute::NoAlias);
  for (unsigned i : {0u, 2u, 3u, 4u}) fn->addParamAttr(i, llvm::Attribute::ReadOnly);
  llvm::Value* rows = fn->getArg(1);
  llvm::Value* selections = fn->getArg(4);
  llvm::Value* counts_out = fn->getArg(5);
  llvm::Value* evaluations_out = fn->getArg(6);

  auto* entry = llvm::BasicBlock::Create(ctx, "entry", fn);
  auto* loop = llvm::BasicBlock::Create(ctx, "row", fn);
  auto* latch = llvm::BasicBlock::Create(ctx, "latch", fn);
  auto* done = llvm::BasicBlock::Create(ctx, "done", fn);

  // Entry: load the inputs of the conjuncts this part's consumers use; per consumer of the part
  // its selection and a running count, per shared conjunct it uses its per-row state (0 not yet
  // computed, 1 false, 2 true) and its evaluation count. Locals in allocas, which the optimiser
  // turns into registers.
  b.SetInsertPoint(entry);
  const size_t first = part == 0 ? 0 : layout.part_ends[part - 1];
  const size_t end = layout.part_ends[part];
  std::vector<bool> used(layout.conjuncts.size(), false);
  for (size_t c = first; c < end; ++c) {
    for (const uint32_t k : layout.consumers[c]) used[k] = true;
  }
  std::vector<const ir::Expr*> exprs;
  for (size_t k = 0; k < layout.conjuncts.size(); ++k) {
    if (used[k]) exprs.push_back(&layout.conjuncts[k]);
  }
  gen.LoadInputs(fn->getArg(0), fn->getArg(2), exprs);
  gen.SetPrecomputed(layout.pooled, fn->getArg(3));
  std::vector<llvm::Value*> selection(end), count(end);
  for (size_t c = first; c < end; ++c) {
    selection[c] = b.CreateLoad(ptr, b.CreateConstInBoundsGEP1_64(ptr, selections, c));
    count[c] = b.CreateAlloca(i32);
    b.CreateStore(b.getInt32(0), count[c]);
  }
  std::vector<llvm::Value*> state(layout.conjuncts.size(), nullptr), evaluated(layout.conjuncts.size(), nullptr);
  std::vector<size_t> shared_index(layout.conjuncts.size(), 0);
  size_t shared = 0;
  for (size_t k = 0; k < layout.conjuncts.size(); ++k) {
    if (!layout.shared[k]) continue;
    shared_index[k] = shared++;
    if (!used[k]) continue;
    state[k] = b.CreateAlloca(i8);
    evaluated[k] = b.CreateAlloca(i64);
    b.CreateStore(b.getInt64(0), evaluated[k]);
  }
  llvm::Value* n = b.CreateZExt(rows, i64);
  b.CreateCondBr(b.CreateICmpEQ(n, b.getInt64(0)), done, loop);

  // The row loop.
  b.SetInsertPoint(loop);
  auto* row = b.CreatePHI(i64, 2, "i");
  row->addIncoming(b.getInt64(0), entry);
  gen.SetRow(row);
  for (llvm::Value* s : state) {
    if (s) b.CreateStore(b.getInt8(0), s);
  }
  // The truth of conjunct k at this row: computed here, or for a shared one at its first use.
  const auto truth_of = [&](size_t k) -> llvm::Value* {
    if (!state[k]) return gen.IsTrue(gen.Gen(layout.conjuncts[k]));
    auto* compute = llvm::BasicBlock::Create(ctx, "shared", fn, latch);
    auto* known = llvm::BasicBlock::Create(ctx, "known", fn, latch);
    b.CreateCondBr(b.CreateICmpEQ(b.CreateLoad(i8, state[k]), b.getInt8(0)), compute, known);
    b.SetInsertPoint(compute);
    llvm::Value* t = gen.IsTrue(gen.Gen(layout.conjuncts[k]));
    b.CreateStore(b.CreateAdd(b.CreateZExt(t, i8), b.getInt8(1)), state[k]);
    b.CreateStore(b.CreateAdd(b.CreateLoad(i64, evaluated[k]), b.getInt64(1)), evaluated[k]);
    b.CreateBr(known);
    b.SetInsertPoint(known);
    return b.CreateICmpEQ(b.CreateLoad(i8, state[k]), b.getInt8(2));
  };
  for (size_t c = first; c < end; ++c) {
    auto* keep = llvm::BasicBlock::Create(ctx, "keep", fn, latch);
    auto* next = llvm::BasicBlock::Create(ctx, "next", fn, latch);
    const std::vector<uint32_t>& mine = layout.consumers[c];
    for (size_t j = 0; j < mine.size(); ++j) {
      llvm::Value* truth = truth_of(mine[j]);
      auto* pass = j + 1 == mine.size() ? keep : llvm::BasicBlock::Create(ctx, "and", fn, keep);
      b.CreateCondBr(truth, pass, next);
      b.SetInsertPoint(pass);
    }
    if (mine.empty()) b.CreateBr(keep);
    // keep: append the row to this consumer's selection.
    b.SetInsertPoint(keep);
    llvm::Value* at = b.CreateLoad(i32, count[c]);
    b.CreateStore(b.CreateTrunc(row, i32), b.CreateInBoundsGEP(i32, selection[c], b.CreateZExt(at, i64)));
    b.CreateStore(b.CreateAdd(at, b.getInt32(1)), count[c]);
    b.CreateBr(next);
    b.SetInsertPoint(next);
  }
  b.CreateBr(latch);
  b.SetInsertPoint(latch);
  llvm::Value* row_next = b.CreateAdd(row, b.getInt64(1));
  row->addIncoming(row_next, latch);
  b.CreateCondBr(b.CreateICmpULT(row_next, n), loop, done);

  // done: hand out the counts.
  b.SetInsertPoint(done);
  for (size_t c = first; c < end; ++c) {
    b.CreateStore(b.CreateLoad(i32, count[c]), b.CreateConstInBoundsGEP1_64(i32, counts_out, c));
  }
  for (size_t k = 0; k < layout.conjuncts.size(); ++k) {
    if (!evaluated[k]) continue;
    llvm::Value* slot = b.CreateConstInBoundsGEP1_64(i64, evaluations_out, shared_index[k]);
    b.CreateStore(b.CreateAdd(b.CreateLoad(i64, slot), b.CreateLoad(i64, evaluated[k])), slot);
  }
  b.CreateRetVoid();
  return fn;
}

}  // namespace huntc::jit
