// The filter kernel: a loop over a batch's rows writing the selection vector of the rows whose
// predicate is true (runtime/kernel.h FilterKernel).
//
// Branches cost most where a predicate is cheap and its outcome unpredictable (a port compared
// on rows that pass about half the time): a branch per row mispredicts every other row and takes
// longer than the test. So the conjuncts that are straight-line arithmetic (no call, no string)
// are evaluated together without branches, block by block: one loop writes a byte per row (0 or
// 1), which LLVM vectorises. When nothing else is to be tested, a second loop reads those bytes
// eight at a time and appends the indices of the set rows to the selection with one table
// lookup and one vector store per eight rows, without a branch on the data. Otherwise it walks the
// bytes eight at a time, skips the words that are all zero (most of them, in a hunt), and only
// the rows whose byte is set run the conjuncts that call helpers, each with a branch, so a row
// leaves at its first false one and no helper runs for a row already rejected. A predicate with
// no straight-line conjunct runs as one loop over the rows, its last test writing the selection
// without a branch.
//
// A conjunct that reads one string column alone (SingleStringColumn: ActionType == "x", a file
// name in~ a list, a regex) has one truth per distinct value of that column. When the batch has
// every such column dictionary-encoded (ColumnView::codes), the kernel first computes those
// truths once per distinct value into a table per column, and the conjuncts become
// straight-line tests of each row's code in the byte-mask pass: when every such column has at
// most a few true values in the batch (one for ==), comparisons of the code with theirs, which
// LLVM vectorises; else a load from the table per row. The test is made once per batch; a batch
// with a column not encoded runs the plain loops.
#include <algorithm>
#include <functional>
#include <map>

#include <llvm/IR/Intrinsics.h>

#include "compiler/jit/codegen.h"

namespace huntc::jit {
namespace {

// Rows per block of the straight-line pass: its byte mask lives on the stack.
constexpr uint64_t kBlockRows = 1024;
// Rows whose indices are packed into the selection at once (BuildCompress).
constexpr unsigned kGroupRows = 8;

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

// Generates the tests of `conjuncts` for the current row, each but the last branching to
// `reject` when false (the blocks that do are added to `rejects`), and returns the last one's
// truth; `first` (may be null) is a truth already computed, tested before them.
llvm::Value* GenChain(ExprCodegen& gen, llvm::Function* fn, llvm::Value* first,
                      const std::vector<const ir::Expr*>& conjuncts, llvm::BasicBlock* reject,
                      std::vector<llvm::BasicBlock*>& rejects) {
  llvm::IRBuilder<>& b = gen.builder();
  llvm::Value* last = first;
  for (const ir::Expr* c : conjuncts) {
    if (last) {
      auto* pass = llvm::BasicBlock::Create(fn->getContext(), "and", fn, reject);
      rejects.push_back(b.GetInsertBlock());
      b.CreateCondBr(last, pass, reject);
      b.SetInsertPoint(pass);
    }
    last = gen.IsTrue(gen.Gen(*c));
  }
  return last;
}

// A table of truths per distinct value of a dictionary-encoded column, and the rows' codes.
// When at most kFewTrue values are true (one for ==, a few for in), the codes of those values
// (i16; kNoCode fills the rest) are also known, and a row's truth is whether its code is one of
// them: compares LLVM vectorises, where a lookup in the table is a load per row.
constexpr unsigned kFewTrue = 8;
constexpr uint16_t kNoCode = Column::kMaxDistinct;  // no code is this
struct Lookup {
  llvm::Value* codes = nullptr;
  llvm::Value* table = nullptr;  // [Column::kMaxDistinct x i8]
  llvm::Value* few = nullptr;    // i1: at most kFewTrue values are true
  std::vector<llvm::Value*> true_codes;  // kFewTrue i16
};

// Appends `row` to the selection at `count`; returns the new count (count + 1 if `keep`).
llvm::Value* Append(llvm::IRBuilder<>& b, llvm::Value* selection, llvm::Value* count, llvm::Value* row,
                    llvm::Value* keep) {
  b.CreateStore(b.CreateTrunc(row, b.getInt32Ty()),
                b.CreateInBoundsGEP(b.getInt32Ty(), selection, b.CreateZExt(count, b.getInt64Ty())));
  return b.CreateAdd(count, keep ? b.CreateZExt(keep, b.getInt32Ty()) : b.getInt32(1));
}

// The predicate has no straight-line conjunct: one loop over the rows, a branch per test but
// the last. Returns the block that ends the loop and the count it leaves.
std::pair<llvm::BasicBlock*, llvm::Value*> BuildRowLoop(ExprCodegen& gen, llvm::Function* fn, llvm::Value* n,
                                                        llvm::Value* selection,
                                                        const std::vector<const ir::Expr*>& conjuncts,
                                                        llvm::BasicBlock* entry, llvm::BasicBlock* done) {
  llvm::LLVMContext& ctx = fn->getContext();
  llvm::IRBuilder<>& b = gen.builder();
  auto* loop = llvm::BasicBlock::Create(ctx, "row", fn, done);
  auto* next = llvm::BasicBlock::Create(ctx, "next", fn, done);
  b.CreateBr(loop);
  b.SetInsertPoint(loop);
  auto* row = b.CreatePHI(b.getInt64Ty(), 2, "i");
  auto* count = b.CreatePHI(b.getInt32Ty(), 2, "count");
  row->addIncoming(b.getInt64(0), entry);
  count->addIncoming(b.getInt32(0), entry);
  gen.SetRow(row);
  std::vector<llvm::BasicBlock*> rejects;
  llvm::Value* last = GenChain(gen, fn, nullptr, conjuncts, next, rejects);
  llvm::Value* count_tested = Append(b, selection, count, row, last);
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
  return {next, count_next};
}

// The rows of a group of kGroupRows kept by each value of its mask's bits (bit k for row k, as
// LLVM makes the bits of an <8 x i1> on this target), in increasing order, padded with zeros:
// BuildCompress's table, a constant of the module.
llvm::Constant* CompressTable(llvm::Module& module) {
  static_assert(kGroupRows == 8, "a row of the table is one byte per row of a group");
  const bool big = module.getDataLayout().isBigEndian();
  std::vector<uint8_t> table(256 * kGroupRows, 0);
  for (unsigned m = 0; m < 256; ++m) {
    unsigned kept = 0;
    for (unsigned k = 0; k < kGroupRows; ++k) {
      if (m >> (big ? kGroupRows - 1 - k : k) & 1) table[m * kGroupRows + kept++] = static_cast<uint8_t>(k);
    }
  }
  llvm::Constant* init = llvm::ConstantDataArray::get(module.getContext(), table);
  return new llvm::GlobalVariable(module, init->getType(), /*isConstant=*/true, llvm::GlobalValue::PrivateLinkage,
                                  init, "compress_rows");
}

// Appends the rows of a block whose mask byte is set, when nothing else is to be tested: the
// mask is read kGroupRows bytes at a time, made a number of kGroupRows bits, and the table's
// row for that number gives the offsets of the set rows, which become their indices, stored at
// the end of the selection in one store; the count grows by the number of bits set. No branch
// depends on the data, so a predicate kept by half the rows costs no more than a rare one, and
// only the table (2 KB) is read besides the mask. The store writes kGroupRows indices from the
// current count, which is at most the group's first row, so only a full group of real rows
// stores that way; the rows of a last short group are appended one by one. Starts at the
// builder's block and leaves the builder in the block ending the pass; returns the count there.
llvm::Value* BuildCompress(llvm::IRBuilder<>& b, llvm::Function* fn, llvm::Value* mask, llvm::Value* base,
                           llvm::Value* len, llvm::Value* selection, llvm::Value* count) {
  llvm::LLVMContext& ctx = fn->getContext();
  llvm::Type* i8 = b.getInt8Ty();
  llvm::Type* i32 = b.getInt32Ty();
  llvm::Type* i64 = b.getInt64Ty();
  llvm::Constant* table = CompressTable(*fn->getParent());
  auto* bytes_type = llvm::FixedVectorType::get(i8, kGroupRows);
  auto* rows_type = llvm::FixedVectorType::get(i32, kGroupRows);
  llvm::BasicBlock* before = b.GetInsertBlock();
  auto* group = llvm::BasicBlock::Create(ctx, "group", fn);
  auto* pack = llvm::BasicBlock::Create(ctx, "pack", fn);
  auto* short_group = llvm::BasicBlock::Create(ctx, "short", fn);
  auto* one = llvm::BasicBlock::Create(ctx, "one", fn);
  auto* out = llvm::BasicBlock::Create(ctx, "packed", fn);
  b.CreateBr(group);

  b.SetInsertPoint(group);
  auto* g = b.CreatePHI(i64, 2, "g");
  auto* group_count = b.CreatePHI(i32, 2, "count.group");
  g->addIncoming(b.getInt64(0), before);
  group_count->addIncoming(count, before);
  b.CreateCondBr(b.CreateICmpULE(b.CreateAdd(g, b.getInt64(kGroupRows)), len), pack, short_group);

  b.SetInsertPoint(pack);
  llvm::Value* bytes = b.CreateAlignedLoad(bytes_type, b.CreateInBoundsGEP(i8, mask, g), llvm::MaybeAlign(1));
  llvm::Value* bits = b.CreateBitCast(b.CreateICmpNE(bytes, llvm::Constant::getNullValue(bytes_type)), i8);
  llvm::Value* entry = b.CreateInBoundsGEP(i8, table, b.CreateMul(b.CreateZExt(bits, i64), b.getInt64(kGroupRows)));
  llvm::Value* offsets = b.CreateZExt(b.CreateAlignedLoad(bytes_type, entry, llvm::MaybeAlign(1)), rows_type);
  llvm::Value* rows = b.CreateAdd(b.CreateVectorSplat(kGroupRows, b.CreateTrunc(b.CreateAdd(base, g), i32)), offsets);
  b.CreateAlignedStore(rows, b.CreateInBoundsGEP(i32, selection, b.CreateZExt(group_count, i64)),
                       llvm::MaybeAlign(4));
  llvm::Value* kept = b.CreateZExt(b.CreateUnaryIntrinsic(llvm::Intrinsic::ctpop, bits), i32);
  g->addIncoming(b.CreateAdd(g, b.getInt64(kGroupRows)), pack);
  group_count->addIncoming(b.CreateAdd(group_count, kept), pack);
  b.CreateBr(group);

  b.SetInsertPoint(short_group);
  b.CreateCondBr(b.CreateICmpULT(g, len), one, out);

  b.SetInsertPoint(one);
  auto* j = b.CreatePHI(i64, 2, "j.short");
  auto* one_count = b.CreatePHI(i32, 2, "count.one");
  j->addIncoming(g, short_group);
  one_count->addIncoming(group_count, short_group);
  llvm::Value* byte = b.CreateLoad(i8, b.CreateInBoundsGEP(i8, mask, j));
  llvm::Value* one_next =
      Append(b, selection, one_count, b.CreateAdd(base, j), b.CreateICmpNE(byte, b.getInt8(0)));
  llvm::Value* j_next = b.CreateAdd(j, b.getInt64(1));
  j->addIncoming(j_next, one);
  one_count->addIncoming(one_next, one);
  b.CreateCondBr(b.CreateICmpULT(j_next, len), one, out);

  b.SetInsertPoint(out);
  auto* result = b.CreatePHI(i32, 2, "count.packed");
  result->addIncoming(group_count, short_group);
  result->addIncoming(one_next, one);
  return result;
}

// Visits the rows of a block whose mask byte is set and runs `others` for them, each with a
// branch, so a row leaves at its first false one and no helper runs for a row already rejected.
// The mask is read eight bytes at a time; an all-zero word skips eight rows. Starts at the
// builder's block and leaves the builder in the block ending the pass; returns the count there.
llvm::Value* BuildVisit(ExprCodegen& gen, llvm::Function* fn, llvm::Value* mask, llvm::Value* base,
                        llvm::Value* len, llvm::Value* selection, const std::vector<const ir::Expr*>& others,
                        llvm::Value* count) {
  llvm::LLVMContext& ctx = fn->getContext();
  llvm::IRBuilder<>& b = gen.builder();
  llvm::Type* i8 = b.getInt8Ty();
  llvm::Type* i32 = b.getInt32Ty();
  llvm::Type* i64 = b.getInt64Ty();
  llvm::BasicBlock* before = b.GetInsertBlock();
  auto* word = llvm::BasicBlock::Create(ctx, "word", fn);
  auto* bit = llvm::BasicBlock::Create(ctx, "bit", fn);
  auto* bit_next = llvm::BasicBlock::Create(ctx, "bit.next", fn);
  auto* word_next = llvm::BasicBlock::Create(ctx, "word.next", fn);
  auto* out = llvm::BasicBlock::Create(ctx, "visited", fn);
  // The bytes after a short last block are zeroed, so its last word has no row beyond it.
  b.CreateAlignedStore(b.getInt64(0), b.CreateInBoundsGEP(i8, mask, len), llvm::MaybeAlign(1));
  b.CreateBr(word);

  b.SetInsertPoint(word);
  auto* w = b.CreatePHI(i64, 2, "w");
  auto* word_count = b.CreatePHI(i32, 2, "count.word");
  w->addIncoming(b.getInt64(0), before);
  word_count->addIncoming(count, before);
  llvm::Value* bits = b.CreateAlignedLoad(i64, b.CreateInBoundsGEP(i8, mask, w), llvm::MaybeAlign(1));
  // Byte k of the word must be bit 8k: swap on a big-endian host.
  if (fn->getParent()->getDataLayout().isBigEndian()) {
    bits = b.CreateUnaryIntrinsic(llvm::Intrinsic::bswap, bits);
  }
  b.CreateCondBr(b.CreateICmpEQ(bits, b.getInt64(0)), word_next, bit);

  // bit: the row of the lowest set bit, through the other conjuncts.
  b.SetInsertPoint(bit);
  auto* rest = b.CreatePHI(i64, 2, "rest");
  auto* bit_count = b.CreatePHI(i32, 2, "count.bit");
  rest->addIncoming(bits, word);
  bit_count->addIncoming(word_count, word);
  llvm::Value* zeros = b.CreateBinaryIntrinsic(llvm::Intrinsic::cttz, rest, b.getTrue());
  llvm::Value* row = b.CreateAdd(b.CreateAdd(base, w), b.CreateLShr(zeros, b.getInt64(3)));
  gen.SetRow(row);
  std::vector<llvm::BasicBlock*> rejects;
  llvm::Value* last = GenChain(gen, fn, nullptr, others, bit_next, rejects);
  llvm::Value* count_tested = Append(b, selection, bit_count, row, last);
  llvm::BasicBlock* tested = b.GetInsertBlock();
  b.CreateBr(bit_next);

  b.SetInsertPoint(bit_next);
  auto* count_next = b.CreatePHI(i32, 1 + rejects.size(), "count.next");
  count_next->addIncoming(count_tested, tested);
  for (llvm::BasicBlock* reject : rejects) count_next->addIncoming(bit_count, reject);
  llvm::Value* rest_next = b.CreateAnd(rest, b.CreateSub(rest, b.getInt64(1)));
  rest->addIncoming(rest_next, bit_next);
  bit_count->addIncoming(count_next, bit_next);
  b.CreateCondBr(b.CreateICmpNE(rest_next, b.getInt64(0)), bit, word_next);

  b.SetInsertPoint(word_next);
  auto* count_word_out = b.CreatePHI(i32, 2, "count.word.out");
  count_word_out->addIncoming(word_count, word);
  count_word_out->addIncoming(count_next, bit_next);
  llvm::Value* w_next = b.CreateAdd(w, b.getInt64(8));
  w->addIncoming(w_next, word_next);
  word_count->addIncoming(count_word_out, word_next);
  b.CreateCondBr(b.CreateICmpULT(w_next, len), word, out);

  b.SetInsertPoint(out);
  return count_word_out;
}

// A loop over the rows base + j of a block (j below `len`) setting mask[j] to the truth `truth`
// generates for the row (a byte 0 or 1, or an i1), and-ed with mask[j] when `and_mask`. LLVM
// vectorises the loop unless `scalar`: the table lookups (a byte loaded per row at an address
// from another load, which it would vectorise as a gather of single bytes, slower than the
// scalar loop) are kept scalar.
void BuildFill(ExprCodegen& gen, llvm::Function* fn, llvm::Value* mask, llvm::Value* base, llvm::Value* len,
               bool and_mask, bool scalar, const std::function<llvm::Value*(llvm::Value* row)>& truth) {
  llvm::LLVMContext& ctx = fn->getContext();
  llvm::IRBuilder<>& b = gen.builder();
  llvm::Type* i8 = b.getInt8Ty();
  llvm::Type* i64 = b.getInt64Ty();
  llvm::BasicBlock* before = b.GetInsertBlock();
  auto* fill = llvm::BasicBlock::Create(ctx, "fill", fn);
  auto* filled = llvm::BasicBlock::Create(ctx, "filled", fn);
  b.CreateBr(fill);
  b.SetInsertPoint(fill);
  auto* j = b.CreatePHI(i64, 2, "j");
  j->addIncoming(b.getInt64(0), before);
  llvm::Value* row = b.CreateAdd(base, j);
  gen.SetRow(row);
  llvm::Value* t = truth(row);
  t = t->getType() == i8 ? t : b.CreateZExt(t, i8);
  llvm::Value* at = b.CreateInBoundsGEP(i8, mask, j);
  if (and_mask) t = b.CreateAnd(t, b.CreateLoad(i8, at));
  b.CreateStore(t, at);
  llvm::Value* j_next = b.CreateAdd(j, b.getInt64(1));
  j->addIncoming(j_next, b.GetInsertBlock());
  llvm::BranchInst* latch = b.CreateCondBr(b.CreateICmpULT(j_next, len), fill, filled);
  if (scalar) {
    llvm::Metadata* width[] = {llvm::MDString::get(ctx, "llvm.loop.vectorize.width"),
                               llvm::ConstantAsMetadata::get(b.getInt32(1))};
    llvm::Metadata* loop[] = {nullptr, llvm::MDNode::get(ctx, width)};
    llvm::MDNode* id = llvm::MDNode::getDistinct(ctx, loop);
    id->replaceOperandWith(0, id);
    latch->setMetadata(llvm::LLVMContext::MD_loop, id);
  }
  b.SetInsertPoint(filled);
}

// Blocks of kBlockRows: the straight-line conjuncts and the lookups into a byte mask, then the
// set rows appended (BuildCompress) or, when other conjuncts remain, visited and tested
// (BuildVisit). Returns the block that ends the loop and its count.
std::pair<llvm::BasicBlock*, llvm::Value*> BuildBlockLoop(ExprCodegen& gen, llvm::Function* fn, llvm::Value* n,
                                                          llvm::Value* selection,
                                                          const std::vector<const ir::Expr*>& straight,
                                                          const std::vector<Lookup>& lookups,
                                                          const std::vector<const ir::Expr*>& others,
                                                          llvm::BasicBlock* entry, llvm::BasicBlock* done) {
  llvm::LLVMContext& ctx = fn->getContext();
  llvm::IRBuilder<>& b = gen.builder();
  llvm::Type* i8 = b.getInt8Ty();
  llvm::Type* i64 = b.getInt64Ty();
  llvm::Type* i32 = b.getInt32Ty();
  // The mask has 8 bytes more than a block: BuildVisit zeroes the bytes after a short last block.
  llvm::Value* mask = b.CreateAlloca(llvm::ArrayType::get(i8, kBlockRows + 8), nullptr, "mask");
  auto* block = llvm::BasicBlock::Create(ctx, "block", fn, done);
  b.CreateBr(block);

  b.SetInsertPoint(block);
  auto* base = b.CreatePHI(i64, 2, "base");
  auto* count = b.CreatePHI(i32, 2, "count");
  base->addIncoming(b.getInt64(0), entry);
  count->addIncoming(b.getInt32(0), entry);
  llvm::Value* left = b.CreateSub(n, base);
  llvm::Value* len = b.CreateSelect(b.CreateICmpULT(left, b.getInt64(kBlockRows)), left, b.getInt64(kBlockRows), "len");
  if (!straight.empty()) {
    BuildFill(gen, fn, mask, base, len, false, false, [&](llvm::Value*) {
      llvm::Value* truth = nullptr;
      for (const ir::Expr* c : straight) {
        llvm::Value* t = gen.IsTrue(gen.Gen(*c));
        truth = truth ? b.CreateAnd(truth, t) : t;
      }
      return truth;
    });
  }
  if (!lookups.empty()) {
    // Compares with the true codes when every column has few, else loads from the tables.
    llvm::Value* few = b.getTrue();
    for (const Lookup& l : lookups) few = b.CreateAnd(few, l.few);
    auto* compare = llvm::BasicBlock::Create(ctx, "compare", fn);
    auto* look_up = llvm::BasicBlock::Create(ctx, "look.up", fn);
    auto* looked_up = llvm::BasicBlock::Create(ctx, "looked.up", fn);
    b.CreateCondBr(few, compare, look_up);
    b.SetInsertPoint(compare);
    BuildFill(gen, fn, mask, base, len, !straight.empty(), false, [&](llvm::Value* row) {
      llvm::Value* truth = nullptr;
      for (const Lookup& l : lookups) {
        llvm::Value* code = b.CreateZExt(b.CreateLoad(i8, b.CreateInBoundsGEP(i8, l.codes, row)), b.getInt16Ty());
        llvm::Value* t = nullptr;
        for (llvm::Value* c : l.true_codes) {
          llvm::Value* hit = b.CreateICmpEQ(code, c);
          t = t ? b.CreateOr(t, hit) : hit;
        }
        truth = truth ? b.CreateAnd(truth, t) : t;
      }
      return truth;
    });
    b.CreateBr(looked_up);
    b.SetInsertPoint(look_up);
    BuildFill(gen, fn, mask, base, len, !straight.empty(), true, [&](llvm::Value* row) {
      llvm::Value* truth = nullptr;
      for (const Lookup& l : lookups) {
        llvm::Value* code = b.CreateLoad(i8, b.CreateInBoundsGEP(i8, l.codes, row));
        llvm::Value* t = b.CreateLoad(i8, b.CreateInBoundsGEP(i8, l.table, b.CreateZExt(code, i64)));
        truth = truth ? b.CreateAnd(truth, t) : t;
      }
      return truth;
    });
    b.CreateBr(looked_up);
    b.SetInsertPoint(looked_up);
  }
  llvm::Value* count_out = others.empty() ? BuildCompress(b, fn, mask, base, len, selection, count)
                                          : BuildVisit(gen, fn, mask, base, len, selection, others, count);
  llvm::BasicBlock* block_next = b.GetInsertBlock();
  llvm::Value* base_next = b.CreateAdd(base, b.getInt64(kBlockRows));
  base->addIncoming(base_next, block_next);
  count->addIncoming(count_out, block_next);
  b.CreateCondBr(b.CreateICmpULT(base_next, n), block, done);
  return {block_next, count_out};
}

// Fills `table` with the truth of `conjuncts` (all over column `column` alone) for each distinct
// value of its dictionary `d`, evaluated at the value's first row, and returns the lookup, with
// the first kFewTrue true codes. `slots` (kFewTrue + 1 i16, the last a sink for the codes after
// those) holds them while the table is filled.
Lookup FillTable(ExprCodegen& gen, llvm::Function* fn, const ExprCodegen::Dictionary& d, llvm::Value* table,
                 llvm::Value* slots, const std::vector<const ir::Expr*>& conjuncts) {
  llvm::LLVMContext& ctx = fn->getContext();
  llvm::IRBuilder<>& b = gen.builder();
  llvm::Type* i32 = b.getInt32Ty();
  llvm::BasicBlock* before = b.GetInsertBlock();
  auto* prefetch = llvm::BasicBlock::Create(ctx, "prefetch", fn);
  auto* loop = llvm::BasicBlock::Create(ctx, "value", fn);
  auto* after = llvm::BasicBlock::Create(ctx, "values.done", fn);
  // A column is encoded only in a batch with rows, so it has at least one value.
  b.CreateBr(prefetch);
  // The values' first rows are scattered over the batch, most of them not in the cache: their
  // offsets are loaded and their bytes prefetched all together first, so the misses overlap,
  // rather than one by one in the loop of tests (which calls helpers).
  b.SetInsertPoint(prefetch);
  auto* p = b.CreatePHI(i32, 2, "p");
  p->addIncoming(b.getInt32(0), before);
  llvm::Value* first_row = b.CreateLoad(i32, b.CreateInBoundsGEP(i32, d.distinct_rows, p));
  llvm::Value* start = b.CreateLoad(i32, b.CreateInBoundsGEP(i32, d.offsets, first_row));
  b.CreateIntrinsic(llvm::Intrinsic::prefetch, {b.getPtrTy()},
                    {b.CreateInBoundsGEP(b.getInt8Ty(), d.bytes, b.CreateZExt(start, b.getInt64Ty())),
                     b.getInt32(0), b.getInt32(3), b.getInt32(1)});
  llvm::Value* p_next = b.CreateAdd(p, b.getInt32(1));
  p->addIncoming(p_next, prefetch);
  b.CreateCondBr(b.CreateICmpULT(p_next, d.distinct), prefetch, loop);

  b.SetInsertPoint(loop);
  auto* k = b.CreatePHI(b.getInt32Ty(), 2, "k");
  auto* trues = b.CreatePHI(i32, 2, "trues");
  k->addIncoming(b.getInt32(0), prefetch);
  trues->addIncoming(b.getInt32(0), prefetch);
  llvm::Value* first = b.CreateLoad(b.getInt32Ty(), b.CreateInBoundsGEP(b.getInt32Ty(), d.distinct_rows, k));
  gen.SetRow(b.CreateZExt(first, b.getInt64Ty()));
  llvm::Value* truth = nullptr;
  for (const ir::Expr* c : conjuncts) {
    llvm::Value* t = gen.IsTrue(gen.Gen(*c));
    truth = truth ? b.CreateAnd(truth, t) : t;
  }
  b.CreateStore(b.CreateZExt(truth, b.getInt8Ty()), b.CreateInBoundsGEP(b.getInt8Ty(), table, k));
  // A true value's code goes to the next slot while there is one, else to the sink.
  llvm::Value* sink = b.getInt32(kFewTrue);
  llvm::Value* slot = b.CreateSelect(truth, b.CreateSelect(b.CreateICmpULT(trues, sink), trues, sink), sink);
  b.CreateStore(b.CreateTrunc(k, b.getInt16Ty()), b.CreateInBoundsGEP(b.getInt16Ty(), slots, slot));
  llvm::Value* trues_next = b.CreateAdd(trues, b.CreateZExt(truth, i32));
  llvm::Value* k_next = b.CreateAdd(k, b.getInt32(1));
  k->addIncoming(k_next, b.GetInsertBlock());
  trues->addIncoming(trues_next, b.GetInsertBlock());
  b.CreateCondBr(b.CreateICmpULT(k_next, d.distinct), loop, after);
  b.SetInsertPoint(after);
  Lookup l{d.codes, table, b.CreateICmpULE(trues_next, b.getInt32(kFewTrue)), {}};
  for (unsigned c = 0; c < kFewTrue; ++c) {
    l.true_codes.push_back(b.CreateLoad(b.getInt16Ty(), b.CreateConstInBoundsGEP1_32(b.getInt16Ty(), slots, c)));
  }
  return l;
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
  auto* start = llvm::BasicBlock::Create(ctx, "start", fn);
  auto* done = llvm::BasicBlock::Create(ctx, "done", fn);

  // Entry: load what the loop reads, so the loop body does no pointer chasing.
  b.SetInsertPoint(entry);
  gen.LoadInputs(fn->getArg(0), fn->getArg(2), {&predicate});
  llvm::Value* n = b.CreateZExt(rows, b.getInt64Ty());
  b.CreateCondBr(b.CreateICmpEQ(n, b.getInt64(0)), done, start);

  // The top-level conjuncts: the straight-line ones, tested together first, then the others in
  // their order. Conjuncts have no effects, and each of the others still runs only for rows that
  // passed every conjunct it followed before, so the order changes no result.
  std::vector<const ir::Expr*> straight, others;
  const auto add = [&](const ir::Expr& c) { (IsStraightLine(c) ? straight : others).push_back(&c); };
  if (predicate.kind == ir::ExprKind::Call && predicate.fn == ir::Fn::And) {
    for (const ir::Expr& t : predicate.args) add(t);
  } else {
    add(predicate);
  }
  // The others of one string column alone, by column, for batches where those are encoded.
  std::map<int, std::vector<const ir::Expr*>> by_column;
  std::vector<const ir::Expr*> rest;
  for (const ir::Expr* c : others) {
    const int column = exec::SingleStringColumn(*c);
    (column >= 0 ? by_column[column] : rest).push_back(c);
  }
  b.SetInsertPoint(start);
  std::vector<std::pair<llvm::BasicBlock*, llvm::Value*>> ends;  // of each version of the loop
  if (!by_column.empty()) {
    std::vector<ExprCodegen::Dictionary> dictionaries;
    llvm::Value* encoded = b.getTrue();
    for (const auto& [column, conjuncts] : by_column) {
      dictionaries.push_back(gen.LoadDictionary(fn->getArg(0), static_cast<size_t>(column)));
      encoded = b.CreateAnd(encoded, b.CreateIsNotNull(dictionaries.back().codes));
    }
    auto* with_codes = llvm::BasicBlock::Create(ctx, "encoded", fn, done);
    auto* plain = llvm::BasicBlock::Create(ctx, "plain", fn, done);
    b.CreateCondBr(encoded, with_codes, plain);
    b.SetInsertPoint(with_codes);
    std::vector<Lookup> lookups;
    llvm::IRBuilder<> at_entry(entry, entry->begin());  // the tables live in the entry block
    size_t g = 0;
    for (const auto& [column, conjuncts] : by_column) {
      llvm::Value* table =
          at_entry.CreateAlloca(llvm::ArrayType::get(b.getInt8Ty(), Column::kMaxDistinct), nullptr, "truths");
      llvm::Value* slots = at_entry.CreateAlloca(llvm::ArrayType::get(b.getInt16Ty(), kFewTrue + 1), nullptr, "trues");
      for (unsigned c = 0; c < kFewTrue; ++c) {
        b.CreateStore(b.getInt16(kNoCode), b.CreateConstInBoundsGEP1_32(b.getInt16Ty(), slots, c));
      }
      lookups.push_back(FillTable(gen, fn, dictionaries[g], table, slots, conjuncts));
      ++g;
    }
    ends.push_back(BuildBlockLoop(gen, fn, n, selection, straight, lookups, rest, b.GetInsertBlock(), done));
    b.SetInsertPoint(plain);
  }
  llvm::BasicBlock* plain_start = b.GetInsertBlock();
  ends.push_back(straight.empty() ? BuildRowLoop(gen, fn, n, selection, others, plain_start, done)
                                  : BuildBlockLoop(gen, fn, n, selection, straight, {}, others, plain_start, done));

  b.SetInsertPoint(done);
  auto* result = b.CreatePHI(b.getInt32Ty(), 1 + ends.size(), "result");
  result->addIncoming(b.getInt32(0), entry);
  for (const auto& [last_block, count] : ends) result->addIncoming(count, last_block);
  b.CreateRet(result);
  return fn;
}

}  // namespace huntc::jit
