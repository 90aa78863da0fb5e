// The summarize kernel: a loop over the selected rows of a batch, a chunk of rows at a time, that
// computes each row's group keys and their hash, finds or inserts the chunk's groups in the
// runtime's group table at once (runtime/exec/agg_table.h; a lone string column key is looked up
// once per distinct value of the batch: by its dictionary code where the batch has it encoded,
// else in the key cache), and updates every aggregate's state in the
// group's state block: counts, sums, averages and min/max/any of numbers in place, without
// branches; dcount, make_set/make_list (of dynamic values too, as the interpreter's JSON texts),
// strings' min/max/any and arg_max/arg_min through the table's helpers.
#include <array>
#include <cstddef>
#include <optional>

#include "compiler/jit/codegen.h"
#include "runtime/exec/agg_table.h"

namespace huntc::jit {

namespace {

using exec::AggKind;
using exec::AggSlot;

class AggregateBuilder {
 public:
  AggregateBuilder(llvm::Module& module, const exec::AggregateNode& node, KernelObjects& objects)
      : module_(module), node_(node), gen_(module, node.inputs[0]->schema, objects), b_(gen_.builder()) {}

  llvm::Function* Build(const std::string& name) {
    std::string why;
    if (!exec::AggLayout::Of(node_, layout_, why)) throw Unsupported{why};
    llvm::LLVMContext& ctx = module_.getContext();
    auto* ptr = b_.getPtrTy();
    auto* fn_type = llvm::FunctionType::get(b_.getVoidTy(), {ptr, b_.getInt32Ty(), ptr, ptr, ptr}, false);
    fn_ = llvm::Function::Create(fn_type, llvm::Function::ExternalLinkage, name, module_);
    for (unsigned i : {0u, 2u, 3u}) {
      fn_->addParamAttr(i, llvm::Attribute::NoAlias);
      fn_->addParamAttr(i, llvm::Attribute::ReadOnly);
    }
    auto* entry = llvm::BasicBlock::Create(ctx, "entry", fn_);
    auto* loop = llvm::BasicBlock::Create(ctx, "chunk", fn_);
    auto* done = llvm::BasicBlock::Create(ctx, "done", fn_);

    // Entry: load what the loop reads; the keys' buffers for the table.
    b_.SetInsertPoint(entry);
    std::vector<const ir::Expr*> exprs;
    for (const exec::NamedExpr& k : node_.keys) exprs.push_back(&k.expr);
    for (const exec::AggregateSpec& a : node_.aggregates) {
      for (const ir::Expr& e : a.args) exprs.push_back(&e);
    }
    gen_.LoadInputs(fn_->getArg(0), fn_->getArg(3), exprs);
    table_ = fn_->getArg(4);
    LoadCodeCaches();
    llvm::Value* n = b_.CreateZExt(fn_->getArg(1), b_.getInt64Ty());
    if (layout_.keys.empty()) {
      // One group for every row: found once.
      auto* null = llvm::ConstantPointerNull::get(ptr);
      llvm::Value* state = b_.CreateCall(GroupHelper(), {table_, b_.getInt64(0), null, null, null}, "state");
      b_.CreateCondBr(b_.CreateICmpEQ(n, b_.getInt64(0)), done, loop);
      b_.SetInsertPoint(loop);
      auto* i = b_.CreatePHI(b_.getInt64Ty(), 2, "i");
      i->addIncoming(b_.getInt64(0), entry);
      SetRow(i);
      for (size_t k = 0; k < node_.aggregates.size(); ++k) Update(k, state);
      llvm::Value* next = b_.CreateAdd(i, b_.getInt64(1));
      i->addIncoming(next, b_.GetInsertBlock());
      b_.CreateCondBr(b_.CreateICmpULT(next, n), loop, done);
    } else {
      BuildChunks(n, loop, done);
    }

    b_.SetInsertPoint(done);
    b_.CreateRetVoid();
    return fn_;
  }

 private:
  llvm::FunctionCallee Declare(const char* name, llvm::Type* result, std::vector<llvm::Type*> params) {
    auto callee = module_.getOrInsertFunction(name, llvm::FunctionType::get(result, params, false));
    if (auto* f = llvm::dyn_cast<llvm::Function>(callee.getCallee())) {
      f->setDoesNotThrow();
      f->setWillReturn();
    }
    return callee;
  }
  llvm::FunctionCallee GroupHelper() {
    auto* ptr = b_.getPtrTy();
    return Declare("huntc_agg_group", ptr, {ptr, b_.getInt64Ty(), ptr, ptr, ptr});
  }

  // A value of an integer-like type as int64, as the interpreter's IntOf reads it.
  llvm::Value* IntOf(const Val& v, Type t) {
    if (t == Type::Bool) return b_.CreateZExt(v.v, b_.getInt64Ty());
    if (t == Type::Int) return b_.CreateSExt(v.v, b_.getInt64Ty());
    return v.v;
  }
  llvm::Value* RealOf(const Val& v, Type t) {
    if (t == Type::Real || t == Type::Decimal) return v.v;
    return b_.CreateSIToFP(IntOf(v, t), b_.getDoubleTy());
  }
  llvm::Value* And(llvm::Value* a, llvm::Value* b) { return a ? (b ? b_.CreateAnd(a, b) : a) : b; }

  // A plain string column's dictionary in this batch, if the expression is one.
  std::optional<size_t> StringColumn(const ir::Expr& e) const {
    if (e.kind != ir::ExprKind::Column || e.type != Type::String) return std::nullopt;
    return static_cast<size_t>(e.column);
  }

  // At the entry: the dictionaries of the columns whose values are looked up per distinct value
  // when the batch has them encoded (a lone string key: its group; the strings dcount and
  // make_set/make_list intern: their ids), and a cleared code cache for each.
  void LoadCodeCaches() {
    llvm::FunctionCallee cache_fn = Declare("huntc_agg_code_cache", b_.getPtrTy(), {b_.getPtrTy(), b_.getInt32Ty()});
    uint32_t next = 0;
    const auto load = [&](size_t column, Coded& out) {
      out.codes = gen_.LoadDictionary(fn_->getArg(0), column).codes;
      out.cache = b_.CreateCall(cache_fn, {table_, b_.getInt32(next++)});
    };
    if (node_.keys.size() == 1) {
      if (auto c = StringColumn(node_.keys[0].expr)) {
        load(*c, key_codes_);
        key_cache_ = b_.CreateCall(Declare("huntc_agg_key_cache", b_.getPtrTy(), {b_.getPtrTy(), b_.getInt32Ty()}),
                                   {table_, fn_->getArg(1)});
      }
    }
    arg_codes_.resize(node_.aggregates.size());
    for (size_t k = 0; k < node_.aggregates.size(); ++k) {
      const AggSlot slot = layout_.slots[k].slot;
      if (slot != AggSlot::DCountString && !(slot == AggSlot::List && layout_.slots[k].arg == Type::String)) continue;
      if (auto c = StringColumn(node_.aggregates[k].args[0])) load(*c, arg_codes_[k]);
    }
  }

  // Row i of the selection is the current row.
  void SetRow(llvm::Value* i) {
    row_ = b_.CreateZExt(b_.CreateLoad(b_.getInt32Ty(), b_.CreateInBoundsGEP(b_.getInt32Ty(), fn_->getArg(2), i)),
                         b_.getInt64Ty());
    gen_.SetRow(row_);
  }

  // The row loop with keys, a chunk of kChunk rows at a time: the chunk's keys and hashes, then
  // its groups found together (huntc_agg_groups: the index and records fetched for all its rows
  // at once), then each row's aggregates updated.
  void BuildChunks(llvm::Value* n, llvm::BasicBlock* chunk, llvm::BasicBlock* done) {
    llvm::LLVMContext& ctx = module_.getContext();
    auto* i64 = b_.getInt64Ty();
    auto* i8 = b_.getInt8Ty();
    auto* ptr = b_.getPtrTy();
    const uint32_t nkeys = static_cast<uint32_t>(layout_.keys.size());
    values_ = b_.CreateAlloca(i64, b_.getInt32(kChunk * nkeys), "key.values");
    bytes_ = b_.CreateAlloca(ptr, b_.getInt32(kChunk * nkeys), "key.bytes");
    valid_ = b_.CreateAlloca(i8, b_.getInt32(kChunk * nkeys), "key.valid");
    hashes_ = b_.CreateAlloca(i64, b_.getInt32(kChunk), "hashes");
    llvm::Value* states = b_.CreateAlloca(ptr, b_.getInt32(kChunk), "states");
    llvm::Value* codes = b_.CreateAlloca(i8, b_.getInt32(kChunk), "codes");
    if (key_cache_) key_entries_ = b_.CreateAlloca(b_.getInt32Ty(), b_.getInt32(kChunk), "key.entries");
    llvm::BasicBlock* entry = b_.GetInsertBlock();
    b_.CreateCondBr(b_.CreateICmpEQ(n, b_.getInt64(0)), done, chunk);

    auto* keys = llvm::BasicBlock::Create(ctx, "keys", fn_);
    auto* lookup = llvm::BasicBlock::Create(ctx, "lookup", fn_);
    auto* update = llvm::BasicBlock::Create(ctx, "update", fn_);
    auto* chunk_end = llvm::BasicBlock::Create(ctx, "chunk.end", fn_);
    b_.SetInsertPoint(chunk);
    auto* c = b_.CreatePHI(i64, 2, "c");
    c->addIncoming(b_.getInt64(0), entry);
    llvm::Value* rest = b_.CreateSub(n, c);
    llvm::Value* m = b_.CreateSelect(b_.CreateICmpULT(rest, b_.getInt64(kChunk)), rest, b_.getInt64(kChunk), "m");
    b_.CreateBr(keys);

    // The chunk's keys; with a lone string column key, rows whose code's group (where the batch
    // has the column encoded) or whose key's group (in the key cache, where not) is known
    // already take it from there.
    b_.SetInsertPoint(keys);
    auto* j = b_.CreatePHI(i64, 2, "j");
    j->addIncoming(b_.getInt64(0), chunk);
    SetRow(b_.CreateAdd(c, j));
    llvm::Value* state_at = b_.CreateInBoundsGEP(ptr, states, j);
    auto* compute = llvm::BasicBlock::Create(ctx, "key", fn_);
    auto* key_done = llvm::BasicBlock::Create(ctx, "key.done", fn_);
    if (key_codes_.codes) {
      auto* coded = llvm::BasicBlock::Create(ctx, "key.coded", fn_);
      auto* hit = llvm::BasicBlock::Create(ctx, "key.hit", fn_);
      auto* plain = llvm::BasicBlock::Create(ctx, "key.plain", fn_);
      b_.CreateStore(b_.getInt32(-1), b_.CreateInBoundsGEP(b_.getInt32Ty(), key_entries_, j));
      b_.CreateCondBr(b_.CreateIsNull(key_codes_.codes), plain, coded);
      b_.SetInsertPoint(plain);
      ProbeKeyCache(j, state_at, compute, key_done);
      b_.SetInsertPoint(coded);
      llvm::Value* code = b_.CreateLoad(i8, b_.CreateInBoundsGEP(i8, key_codes_.codes, row_));
      b_.CreateStore(code, b_.CreateInBoundsGEP(i8, codes, j));
      llvm::Value* known = b_.CreateLoad(ptr, b_.CreateInBoundsGEP(i64, key_codes_.cache, b_.CreateZExt(code, i64)));
      b_.CreateCondBr(b_.CreateIsNull(known), compute, hit);
      b_.SetInsertPoint(hit);
      b_.CreateStore(known, state_at);
      b_.CreateBr(key_done);
    } else {
      b_.CreateBr(compute);
    }
    b_.SetInsertPoint(compute);
    b_.CreateStore(llvm::ConstantPointerNull::get(ptr), state_at);
    ComputeKeys(j);
    b_.CreateBr(key_done);
    b_.SetInsertPoint(key_done);
    llvm::Value* j_next = b_.CreateAdd(j, b_.getInt64(1));
    j->addIncoming(j_next, key_done);
    b_.CreateCondBr(b_.CreateICmpULT(j_next, m), keys, lookup);

    b_.SetInsertPoint(lookup);
    llvm::Value* cache = llvm::ConstantPointerNull::get(ptr);
    if (key_codes_.codes) cache = b_.CreateSelect(b_.CreateIsNull(key_codes_.codes), cache, key_codes_.cache);
    b_.CreateCall(Declare("huntc_agg_groups", b_.getVoidTy(), {ptr, b_.getInt32Ty(), ptr, ptr, ptr, ptr, ptr, ptr, ptr}),
                  {table_, b_.CreateTrunc(m, b_.getInt32Ty()), hashes_, values_, bytes_, valid_, states, cache, codes});
    b_.CreateBr(update);

    b_.SetInsertPoint(update);
    auto* u = b_.CreatePHI(i64, 2, "u");
    u->addIncoming(b_.getInt64(0), lookup);
    SetRow(b_.CreateAdd(c, u));
    llvm::Value* state = b_.CreateLoad(ptr, b_.CreateInBoundsGEP(ptr, states, u), "state");
    if (key_cache_) {
      // A key the key cache took in this chunk learns its group.
      auto* fill = llvm::BasicBlock::Create(ctx, "key.fill", fn_);
      auto* filled = llvm::BasicBlock::Create(ctx, "key.filled", fn_);
      llvm::Value* entry = b_.CreateLoad(b_.getInt32Ty(), b_.CreateInBoundsGEP(b_.getInt32Ty(), key_entries_, u));
      b_.CreateCondBr(b_.CreateICmpSGE(entry, b_.getInt32(0)), fill, filled);
      b_.SetInsertPoint(fill);
      b_.CreateStore(state, KeyCacheField(entry, offsetof(exec::AggTable::KeyCacheEntry, state)));
      b_.CreateBr(filled);
      b_.SetInsertPoint(filled);
    }
    for (size_t k = 0; k < node_.aggregates.size(); ++k) Update(k, state);
    llvm::Value* u_next = b_.CreateAdd(u, b_.getInt64(1));
    u->addIncoming(u_next, b_.GetInsertBlock());
    b_.CreateCondBr(b_.CreateICmpULT(u_next, m), update, chunk_end);

    b_.SetInsertPoint(chunk_end);
    llvm::Value* c_next = b_.CreateAdd(c, m);
    c->addIncoming(c_next, chunk_end);
    b_.CreateCondBr(b_.CreateICmpULT(c_next, n), chunk, done);
  }

  // Field `offset` of key cache entry `entry` (i32 or i64).
  llvm::Value* KeyCacheField(llvm::Value* entry, size_t offset) {
    using Cache = exec::AggTable::KeyCache;
    llvm::Value* at = b_.CreateAdd(b_.CreateMul(b_.CreateZExt(entry, b_.getInt64Ty()),
                                                b_.getInt64(sizeof(exec::AggTable::KeyCacheEntry))),
                                   b_.getInt64(offsetof(Cache, entries) + offset));
    return b_.CreateInBoundsGEP(b_.getInt8Ty(), key_cache_, at);
  }

  // The key cache's words of a string (p, n: i64) of any length, without reading past it: up to
  // 3 bytes, its first, middle and last byte; up to 7, its first and last 4; then its first and
  // last 8, and for more than 16 its second 8 (else 0). With the length they are the string
  // itself up to 24 bytes. A fourth, only mixed into the slot: for more than 24 bytes, the 8 in
  // its middle (else 0), so that keys alike at both ends (URLs, paths) spread.
  std::array<llvm::Value*, 4> KeyWords(llvm::Value* p, llvm::Value* n) {
    llvm::LLVMContext& ctx = module_.getContext();
    auto* i64 = b_.getInt64Ty();
    auto* i32 = b_.getInt32Ty();
    auto* i8 = b_.getInt8Ty();
    const auto load = [&](llvm::Type* t, llvm::Value* at) {
      return b_.CreateZExt(b_.CreateAlignedLoad(t, b_.CreateInBoundsGEP(i8, p, at), llvm::MaybeAlign(1)), i64);
    };
    auto* wide = llvm::BasicBlock::Create(ctx, "words.8", fn_);
    auto* not_wide = llvm::BasicBlock::Create(ctx, "words.lt8", fn_);
    auto* half = llvm::BasicBlock::Create(ctx, "words.4", fn_);
    auto* not_half = llvm::BasicBlock::Create(ctx, "words.lt4", fn_);
    auto* bytes = llvm::BasicBlock::Create(ctx, "words.1", fn_);
    auto* join = llvm::BasicBlock::Create(ctx, "words", fn_);
    b_.CreateCondBr(b_.CreateICmpUGE(n, b_.getInt64(8)), wide, not_wide);

    b_.SetInsertPoint(wide);
    llvm::Value* w0_wide = load(i64, b_.getInt64(0));
    llvm::Value* w2_wide = load(i64, b_.CreateSub(n, b_.getInt64(8)));
    // The second word is read from offset 8 only when the string is that long (else from 0).
    llvm::Value* long_key = b_.CreateICmpUGT(n, b_.getInt64(16));
    llvm::Value* second = load(i64, b_.CreateSelect(long_key, b_.getInt64(8), b_.getInt64(0)));
    llvm::Value* w1_wide = b_.CreateSelect(long_key, second, b_.getInt64(0));
    llvm::Value* longer_key = b_.CreateICmpUGT(n, b_.getInt64(24));
    llvm::Value* middle_at = b_.CreateSub(b_.CreateLShr(n, 1), b_.getInt64(4));
    llvm::Value* middle = load(i64, b_.CreateSelect(longer_key, middle_at, b_.getInt64(0)));
    llvm::Value* w3_wide = b_.CreateSelect(longer_key, middle, b_.getInt64(0));
    b_.CreateBr(join);

    b_.SetInsertPoint(not_wide);
    b_.CreateCondBr(b_.CreateICmpUGE(n, b_.getInt64(4)), half, not_half);
    b_.SetInsertPoint(half);
    llvm::Value* w0_half = load(i32, b_.getInt64(0));
    llvm::Value* w2_half = load(i32, b_.CreateSub(n, b_.getInt64(4)));
    b_.CreateBr(join);

    b_.SetInsertPoint(not_half);
    b_.CreateCondBr(b_.CreateICmpEQ(n, b_.getInt64(0)), join, bytes);
    b_.SetInsertPoint(bytes);
    llvm::Value* w0_bytes =
        b_.CreateOr(b_.CreateOr(load(i8, b_.getInt64(0)), b_.CreateShl(load(i8, b_.CreateLShr(n, 1)), 8)),
                    b_.CreateShl(load(i8, b_.CreateSub(n, b_.getInt64(1))), 16));
    b_.CreateBr(join);

    b_.SetInsertPoint(join);
    llvm::Value* zero = b_.getInt64(0);
    const auto phi = [&](llvm::Value* a, llvm::Value* b, llvm::Value* c) {
      auto* w = b_.CreatePHI(i64, 4);
      w->addIncoming(a, wide);
      w->addIncoming(b, half);
      w->addIncoming(zero, not_half);
      w->addIncoming(c, bytes);
      return w;
    };
    return {phi(w0_wide, w0_half, w0_bytes), phi(w1_wide, zero, zero), phi(w2_wide, w2_half, zero),
            phi(w3_wide, zero, zero)};
  }

  // Looks the current row's key (the lone string column key) up in the key cache, unless it
  // rests: a key whose group is known stores it at state_at and goes on to key_done; any other
  // goes on to compute, its entry in the cache (added now if new and there is room, else -1)
  // noted at chunk row j for the update loop to give the group to, and counted as a miss.
  void ProbeKeyCache(llvm::Value* j, llvm::Value* state_at, llvm::BasicBlock* compute, llvm::BasicBlock* key_done) {
    using Cache = exec::AggTable::KeyCache;
    using Entry = exec::AggTable::KeyCacheEntry;
    llvm::LLVMContext& ctx = module_.getContext();
    auto* i64 = b_.getInt64Ty();
    auto* i32 = b_.getInt32Ty();
    auto* i16 = b_.getInt16Ty();
    auto* i8 = b_.getInt8Ty();
    auto* ptr = b_.getPtrTy();
    // A resting cache is null.
    auto* on = llvm::BasicBlock::Create(ctx, "cache.on", fn_);
    b_.CreateCondBr(b_.CreateIsNull(key_cache_), compute, on);
    b_.SetInsertPoint(on);
    const Val v = gen_.Gen(node_.keys[0].expr);  // a string column: never null
    llvm::Value* n = b_.CreateZExt(v.len, i64);
    const std::array<llvm::Value*, 4> w = KeyWords(v.v, n);
    // The slot: the words and the length mixed, its high bits.
    const auto rotate = [&](llvm::Value* x, unsigned by) {
      return b_.CreateOr(b_.CreateShl(x, by), b_.CreateLShr(x, 64 - by));
    };
    llvm::Value* h = b_.CreateXor(b_.CreateXor(w[0], rotate(w[1], 21)),
                                  b_.CreateXor(rotate(w[2], 42), b_.CreateXor(rotate(w[3], 11), n)));
    h = b_.CreateMul(h, b_.getInt64(0x9e3779b97f4a7c15ULL));
    h = b_.CreateMul(b_.CreateXor(h, b_.CreateLShr(h, 32)), b_.getInt64(0xbf58476d1ce4e5b9ULL));
    static_assert((exec::AggTable::kKeyCacheSlots & (exec::AggTable::kKeyCacheSlots - 1)) == 0);
    const unsigned slot_bits = static_cast<unsigned>(__builtin_ctz(exec::AggTable::kKeyCacheSlots));
    llvm::Value* first = b_.CreateLShr(h, 64 - slot_bits);
    llvm::Value* entry_at = b_.CreateInBoundsGEP(i32, key_entries_, j);

    llvm::BasicBlock* start = b_.GetInsertBlock();
    auto* probe = llvm::BasicBlock::Create(ctx, "cache.probe", fn_);
    auto* miss = llvm::BasicBlock::Create(ctx, "cache.miss", fn_);
    auto* occupied = llvm::BasicBlock::Create(ctx, "cache.occupied", fn_);
    auto* same_words = llvm::BasicBlock::Create(ctx, "cache.words", fn_);
    auto* rest = llvm::BasicBlock::Create(ctx, "cache.rest", fn_);
    auto* found = llvm::BasicBlock::Create(ctx, "cache.found", fn_);
    auto* pending = llvm::BasicBlock::Create(ctx, "cache.pending", fn_);
    auto* hit = llvm::BasicBlock::Create(ctx, "cache.hit", fn_);
    auto* next = llvm::BasicBlock::Create(ctx, "cache.next", fn_);
    auto* empty = llvm::BasicBlock::Create(ctx, "cache.empty", fn_);
    b_.CreateBr(probe);

    b_.SetInsertPoint(probe);
    auto* slot = b_.CreatePHI(i64, 2, "slot");
    slot->addIncoming(first, start);
    auto* probes = b_.CreatePHI(i32, 2, "probes");
    probes->addIncoming(b_.getInt32(0), start);
    llvm::Value* slot_at =
        b_.CreateInBoundsGEP(i8, key_cache_, b_.CreateAdd(b_.getInt64(offsetof(Cache, slots)), b_.CreateShl(slot, 1)));
    llvm::Value* taken = b_.CreateZExt(b_.CreateLoad(i16, slot_at), i32);
    b_.CreateCondBr(b_.CreateICmpEQ(taken, b_.getInt32(0)), empty, occupied);

    b_.SetInsertPoint(occupied);
    llvm::Value* entry = b_.CreateSub(taken, b_.getInt32(1));
    llvm::Value* same = b_.CreateICmpEQ(b_.CreateLoad(i64, KeyCacheField(entry, offsetof(Entry, length))), n);
    for (size_t k = 0; k < 3; ++k) {
      llvm::Value* word = b_.CreateLoad(i64, KeyCacheField(entry, offsetof(Entry, words) + 8 * k));
      same = b_.CreateAnd(same, b_.CreateICmpEQ(word, w[k]));
    }
    b_.CreateCondBr(same, same_words, next);
    // Beyond 24 bytes the words leave bytes [16, n - 8) out.
    b_.SetInsertPoint(same_words);
    b_.CreateCondBr(b_.CreateICmpUGT(n, b_.getInt64(24)), rest, found);
    b_.SetInsertPoint(rest);
    llvm::Value* theirs = b_.CreateLoad(ptr, KeyCacheField(entry, offsetof(Entry, bytes)));
    llvm::Value* equal = b_.CreateCall(Declare("huntc_agg_bytes_equal", i32, {ptr, ptr, i64}),
                                       {b_.CreateInBoundsGEP(i8, v.v, b_.getInt64(16)),
                                        b_.CreateInBoundsGEP(i8, theirs, b_.getInt64(16)),
                                        b_.CreateSub(n, b_.getInt64(24))});
    b_.CreateCondBr(b_.CreateICmpNE(equal, b_.getInt32(0)), found, next);

    b_.SetInsertPoint(found);
    llvm::Value* known = b_.CreateLoad(ptr, KeyCacheField(entry, offsetof(Entry, state)));
    b_.CreateCondBr(b_.CreateIsNull(known), pending, hit);
    b_.SetInsertPoint(hit);
    b_.CreateStore(known, state_at);
    b_.CreateBr(key_done);
    // Taken by an earlier row of this chunk: its group comes with this chunk's lookup.
    b_.SetInsertPoint(pending);
    b_.CreateStore(entry, entry_at);
    b_.CreateBr(miss);

    // Keys whose words are alike (so are their slots) stop after kMaxProbes: they take the group
    // table's way, uncached, rather than a long walk each.
    b_.SetInsertPoint(next);
    slot->addIncoming(b_.CreateAnd(b_.CreateAdd(slot, b_.getInt64(1)), b_.getInt64(exec::AggTable::kKeyCacheSlots - 1)), next);
    llvm::Value* probes_next = b_.CreateAdd(probes, b_.getInt32(1));
    probes->addIncoming(probes_next, next);
    b_.CreateCondBr(b_.CreateICmpULT(probes_next, b_.getInt32(kMaxProbes)), probe, miss);

    // A new key: added while the cache has room.
    b_.SetInsertPoint(empty);
    llvm::Value* added = b_.CreateCall(Declare("huntc_agg_key_add", i32, {ptr, i64, ptr, i64, i64, i64, i64}),
                                       {key_cache_, slot, v.v, n, w[0], w[1], w[2]});
    b_.CreateStore(added, entry_at);
    b_.CreateBr(miss);

    // The window's misses (AggTable::KeyCacheForBatch).
    b_.SetInsertPoint(miss);
    llvm::Value* misses_at = b_.CreateConstInBoundsGEP1_64(i8, key_cache_, offsetof(Cache, misses));
    b_.CreateStore(b_.CreateAdd(b_.CreateLoad(i64, misses_at), b_.getInt64(1)), misses_at);
    b_.CreateBr(compute);
  }

  // Computes the keys of the current row into the buffers at chunk row j, and their hash.
  void ComputeKeys(llvm::Value* j) {
    auto* i64 = b_.getInt64Ty();
    const uint64_t nkeys = layout_.keys.size();
    llvm::Value* base = b_.CreateMul(j, b_.getInt64(nkeys));
    llvm::Value* h = b_.getInt64(0x9e3779b97f4a7c15ULL);
    for (size_t k = 0; k < node_.keys.size(); ++k) {
      const Type t = layout_.keys[k];
      const Val v = gen_.Gen(node_.keys[k].expr);
      llvm::Value* value = nullptr;
      llvm::Value* text = llvm::ConstantPointerNull::get(b_.getPtrTy());
      llvm::Value* part = nullptr;
      if (t == Type::String) {
        value = b_.CreateZExt(v.len, i64);
        text = v.v;
        part = b_.CreateCall(Declare("huntc_agg_hash_str", i64, {b_.getPtrTy(), b_.getInt32Ty()}), {v.v, v.len});
      } else if (t == Type::Real || t == Type::Decimal) {
        value = b_.CreateBitCast(v.v, i64);
        // -0.0 and 0.0 are one key: they must hash alike.
        llvm::Value* zero = llvm::ConstantFP::get(b_.getDoubleTy(), 0.0);
        part = b_.CreateBitCast(b_.CreateSelect(b_.CreateFCmpOEQ(v.v, zero), zero, v.v), i64);
      } else {
        value = IntOf(v, t);
        part = value;
      }
      llvm::Value* is_valid = gen_.Valid(v);
      part = b_.CreateSelect(is_valid, part, b_.getInt64(0x5851f42d4c957f2dULL));
      llvm::Value* at = b_.CreateAdd(base, b_.getInt64(k));
      b_.CreateStore(value, b_.CreateInBoundsGEP(i64, values_, at));
      b_.CreateStore(text, b_.CreateInBoundsGEP(b_.getPtrTy(), bytes_, at));
      b_.CreateStore(b_.CreateZExt(is_valid, b_.getInt8Ty()), b_.CreateInBoundsGEP(b_.getInt8Ty(), valid_, at));
      llvm::Value* rotated = b_.CreateOr(b_.CreateShl(h, 27), b_.CreateLShr(h, 37));
      h = b_.CreateMul(b_.CreateXor(rotated, part), b_.getInt64(0x9e3779b97f4a7c15ULL));
    }
    // Mix the high bits down: the table indexes by the low bits.
    h = b_.CreateXor(h, b_.CreateLShr(h, 33));
    h = b_.CreateMul(h, b_.getInt64(0xff51afd7ed558ccdULL));
    h = b_.CreateXor(h, b_.CreateLShr(h, 33));
    b_.CreateStore(h, b_.CreateInBoundsGEP(i64, hashes_, j));
  }

  // Calls `coded` (with the row's code, i32) where aggregate k's column is dictionary-encoded in
  // this batch, else `plain`.
  template <class CodedCall, class PlainCall>
  void ByCode(size_t k, CodedCall coded, PlainCall plain) {
    const Coded& d = arg_codes_[k];
    if (!d.codes) {
      plain();
      return;
    }
    auto* with = llvm::BasicBlock::Create(module_.getContext(), "agg.coded", fn_);
    auto* without = llvm::BasicBlock::Create(module_.getContext(), "agg.plain", fn_);
    auto* cont = llvm::BasicBlock::Create(module_.getContext(), "agg.coded.next", fn_);
    b_.CreateCondBr(b_.CreateIsNull(d.codes), without, with);
    b_.SetInsertPoint(with);
    llvm::Value* code = b_.CreateLoad(b_.getInt8Ty(), b_.CreateInBoundsGEP(b_.getInt8Ty(), d.codes, row_));
    coded(d.cache, b_.CreateZExt(code, b_.getInt32Ty()));
    b_.CreateBr(cont);
    b_.SetInsertPoint(without);
    plain();
    b_.CreateBr(cont);
    b_.SetInsertPoint(cont);
  }

  // Runs `body` only where `ok` (null: always) holds.
  template <class Body>
  void Guarded(llvm::Value* ok, Body body) {
    if (!ok) {
      body();
      return;
    }
    auto* then = llvm::BasicBlock::Create(module_.getContext(), "agg.add", fn_);
    auto* cont = llvm::BasicBlock::Create(module_.getContext(), "agg.next", fn_);
    b_.CreateCondBr(ok, then, cont);
    b_.SetInsertPoint(then);
    body();
    b_.CreateBr(cont);
    b_.SetInsertPoint(cont);
  }

  void Update(size_t k, llvm::Value* state) {
    const exec::AggregateSpec& spec = node_.aggregates[k];
    const exec::AggSlotSpec& s = layout_.slots[k];
    auto* i64 = b_.getInt64Ty();
    auto* f64 = b_.getDoubleTy();
    auto* ptr = b_.getPtrTy();
    llvm::Value* slot = b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), state, s.offset);
    llvm::Value* second = b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), state, s.offset + 8);
    // Whether the row counts: the *if predicate is the last argument.
    llvm::Value* counts = exec::IsConditional(spec.kind) ? gen_.IsTrue(gen_.Gen(spec.args.back())) : nullptr;
    if (s.slot == AggSlot::Count) {
      llvm::Value* add = counts ? b_.CreateZExt(counts, i64) : b_.getInt64(1);
      b_.CreateStore(b_.CreateAdd(b_.CreateLoad(i64, slot), add), slot);
      return;
    }
    const Val v = gen_.Gen(spec.args[0]);
    const Type t = s.arg;
    llvm::Value* ok = And(v.valid, counts);  // strings are never null
    auto* i32 = b_.getInt32Ty();
    switch (s.slot) {
      case AggSlot::Count: return;
      case AggSlot::SumInt:
      case AggSlot::SumReal: {
        const bool real = s.slot == AggSlot::SumReal;
        llvm::Type* type = real ? f64 : static_cast<llvm::Type*>(i64);
        llvm::Value* old = b_.CreateLoad(type, slot);
        llvm::Value* sum = real ? b_.CreateFAdd(old, RealOf(v, t)) : b_.CreateAdd(old, IntOf(v, t));
        b_.CreateStore(ok ? b_.CreateSelect(ok, sum, old) : sum, slot);
        return;
      }
      case AggSlot::Avg: {
        llvm::Value* old = b_.CreateLoad(f64, slot);
        llvm::Value* sum = b_.CreateFAdd(old, RealOf(v, t));
        b_.CreateStore(ok ? b_.CreateSelect(ok, sum, old) : sum, slot);
        llvm::Value* count = b_.CreateLoad(i64, second);
        b_.CreateStore(b_.CreateAdd(count, ok ? b_.CreateZExt(ok, i64) : b_.getInt64(1)), second);
        return;
      }
      case AggSlot::Variance: {
        // Welford's step, as the interpreter's VarianceAgg takes it (the same operations, so the
        // same doubles): n + 1, delta = x - mean, mean + delta / n, m2 + delta * (x - new mean).
        llvm::Value* third = b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), state, s.offset + 16);
        llvm::Value* x = RealOf(v, t);
        llvm::Value* n = b_.CreateLoad(i64, slot);
        llvm::Value* mean = b_.CreateLoad(f64, second);
        llvm::Value* m2 = b_.CreateLoad(f64, third);
        llvm::Value* n1 = b_.CreateAdd(n, b_.getInt64(1));
        llvm::Value* delta = b_.CreateFSub(x, mean);
        llvm::Value* mean1 = b_.CreateFAdd(mean, b_.CreateFDiv(delta, b_.CreateSIToFP(n1, f64)));
        llvm::Value* m21 = b_.CreateFAdd(m2, b_.CreateFMul(delta, b_.CreateFSub(x, mean1)));
        b_.CreateStore(ok ? b_.CreateSelect(ok, n1, n) : n1, slot);
        b_.CreateStore(ok ? b_.CreateSelect(ok, mean1, mean) : mean1, second);
        b_.CreateStore(ok ? b_.CreateSelect(ok, m21, m2) : m21, third);
        return;
      }
      case AggSlot::PickInt:
      case AggSlot::PickReal: {
        const bool real = s.slot == AggSlot::PickReal;
        llvm::Value* x = real ? v.v : IntOf(v, t);
        llvm::Type* type = real ? f64 : static_cast<llvm::Type*>(i64);
        if (real) ok = And(ok, b_.CreateFCmpORD(x, x));  // NaN counts as null
        llvm::Value* best = b_.CreateLoad(type, slot);
        llvm::Value* has = b_.CreateICmpNE(b_.CreateLoad(i64, second), b_.getInt64(0));
        llvm::Value* better = b_.CreateNot(has);
        const bool max = spec.kind == AggKind::Max || spec.kind == AggKind::MaxIf;
        if (spec.kind != AggKind::TakeAny) {
          llvm::Value* wins = real ? (max ? b_.CreateFCmpOGT(x, best) : b_.CreateFCmpOLT(x, best))
                                   : (max ? b_.CreateICmpSGT(x, best) : b_.CreateICmpSLT(x, best));
          better = b_.CreateOr(better, wins);
        }
        llvm::Value* take = And(ok, better);
        b_.CreateStore(b_.CreateSelect(take, x, best), slot);
        b_.CreateStore(b_.CreateZExt(b_.CreateOr(has, take), i64), second);
        return;
      }
      case AggSlot::PickString: {
        const int mode = spec.kind == AggKind::TakeAny ? 0 : (spec.kind == AggKind::Min || spec.kind == AggKind::MinIf) ? 1 : 2;
        auto helper = Declare("huntc_agg_pick_str", b_.getVoidTy(), {ptr, ptr, i32, i32});
        Guarded(ok, [&] { b_.CreateCall(helper, {slot, v.v, v.len, b_.getInt32(mode)}); });
        return;
      }
      case AggSlot::DCountString:
        Guarded(ok, [&] {
          ByCode(
              k,
              [&](llvm::Value* cache, llvm::Value* code) {
                b_.CreateCall(Declare("huntc_agg_dcount_code", b_.getVoidTy(), {ptr, ptr, ptr, i32, ptr, i32}),
                              {table_, slot, v.v, v.len, cache, code});
              },
              [&] {
                b_.CreateCall(Declare("huntc_agg_dcount_str", b_.getVoidTy(), {ptr, ptr, ptr, i32}),
                              {table_, slot, v.v, v.len});
              });
        });
        return;
      case AggSlot::DCount: {
        Guarded(ok, [&] {
          if (t == Type::Real || t == Type::Decimal) {
            b_.CreateCall(Declare("huntc_agg_dcount_real", b_.getVoidTy(), {ptr, f64}), {slot, v.v});
          } else {
            b_.CreateCall(Declare("huntc_agg_dcount_int", b_.getVoidTy(), {ptr, i64}), {slot, IntOf(v, t)});
          }
        });
        return;
      }
      case AggSlot::Arg: {
        // The helper compares and copies the row's other columns when it wins.
        llvm::Value* index = b_.getInt32(static_cast<uint32_t>(k));
        llvm::Value* columns = fn_->getArg(0);
        if (t == Type::String) {
          b_.CreateCall(Declare("huntc_agg_arg_str", b_.getVoidTy(), {ptr, i32, ptr, ptr, i64, ptr, i32}),
                        {table_, index, slot, columns, row_, v.v, v.len});
        } else {
          const bool real = t == Type::Real || t == Type::Decimal;
          llvm::Value* is_valid = b_.CreateZExt(gen_.Valid(v), i32);
          b_.CreateCall(Declare(real ? "huntc_agg_arg_real" : "huntc_agg_arg_int", b_.getVoidTy(),
                                {ptr, i32, ptr, ptr, i64, real ? f64 : static_cast<llvm::Type*>(i64), i32}),
                        {table_, index, slot, columns, row_, real ? v.v : IntOf(v, t), is_valid});
        }
        return;
      }
      case AggSlot::List: {
        const bool set = spec.kind == AggKind::MakeSet || spec.kind == AggKind::MakeSetIf;
        llvm::Value* limit = b_.getInt64(static_cast<uint64_t>(spec.limit));
        llvm::Value* is_set = b_.getInt32(set ? 1 : 0);
        Guarded(ok, [&] {
          if (t == Type::String) {
            ByCode(
                k,
                [&](llvm::Value* cache, llvm::Value* code) {
                  b_.CreateCall(Declare("huntc_agg_list_code", b_.getVoidTy(), {ptr, ptr, ptr, i32, i64, i32, ptr, i32}),
                                {table_, slot, v.v, v.len, limit, is_set, cache, code});
                },
                [&] {
                  b_.CreateCall(Declare("huntc_agg_list_str", b_.getVoidTy(), {ptr, ptr, ptr, i32, i64, i32}),
                                {table_, slot, v.v, v.len, limit, is_set});
                });
          } else if (t == Type::Dynamic) {
            b_.CreateCall(Declare("huntc_agg_list_dyn", b_.getVoidTy(), {ptr, ptr, ptr, i32, i64, i32}),
                          {table_, slot, v.v, v.len, limit, is_set});
          } else {
            llvm::Value* x = t == Type::Real || t == Type::Decimal ? b_.CreateBitCast(v.v, i64) : IntOf(v, t);
            b_.CreateCall(Declare("huntc_agg_list_int", b_.getVoidTy(), {ptr, ptr, i64, i64, i32}),
                          {table_, slot, x, limit, is_set});
          }
        });
        return;
      }
    }
  }

  llvm::Module& module_;
  const exec::AggregateNode& node_;
  ExprCodegen gen_;
  llvm::IRBuilder<>& b_;
  exec::AggLayout layout_;
  llvm::Function* fn_ = nullptr;
  llvm::Value* table_ = nullptr;
  llvm::Value* row_ = nullptr;
  // A chunk's keys (kChunk rows of the keys' values, bytes and validity, row-major) and hashes.
  static constexpr uint32_t kChunk = 128;
  // The most slots a key cache probe visits.
  static constexpr uint32_t kMaxProbes = 16;
  llvm::Value* values_ = nullptr;
  llvm::Value* bytes_ = nullptr;
  llvm::Value* valid_ = nullptr;
  llvm::Value* hashes_ = nullptr;
  // A column's codes in this batch (null when not encoded) and its code cache.
  struct Coded {
    llvm::Value* codes = nullptr;
    llvm::Value* cache = nullptr;
  };
  Coded key_codes_;                // a lone string key's
  // A lone string column key's key cache (AggTable::KeyCache) and, per chunk row, the entry the
  // row's key took or waits on (-1: none).
  llvm::Value* key_cache_ = nullptr;
  llvm::Value* key_entries_ = nullptr;
  std::vector<Coded> arg_codes_;   // per aggregate, its string value's
};

}  // namespace

llvm::Function* BuildAggregate(llvm::Module& module, const std::string& name, const exec::AggregateNode& node,
                               KernelObjects& objects) {
  return AggregateBuilder(module, node, objects).Build(name);
}

}  // namespace huntc::jit
