// The group table of compiled summarize kernels: groups found or inserted by a hash of their
// keys, each with flat, fixed-size state per aggregate in an arena, plus the runtime helpers
// generated kernels call for the states that vary in size (dcount's sketch, make_set/make_list,
// the min/max/any of strings, arg_max/arg_min with their rows' other columns).
//
// A kernel (runtime/kernel.h AggregateKernel) computes a row's keys and their hash, asks
// huntc_agg_group for the group's state block and updates each aggregate's slot in it: counts,
// sums, averages and min/max/any of numbers in place; the rest through the helpers below. The
// layout of the state block is AggLayout's, which the JIT and this table both follow. The
// results are the interpreter's (runtime/exec/aggregate.h) value for value, and groups come
// out in the order they were first seen, as the interpreter's do. Partial tables merge
// (AggTable::Merge), as threads and shards need.
//
// Per-group cost is what a summarize with many small groups pays (hunt b: about 8 rows a group),
// so small states live in the state block itself, without heap memory of their own: dcount's
// first hashes or ids, make_set/make_list's first values. Strings that make_set/make_list and
// dcount keep are interned once per table, and the states hold their ids.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/batch.h"
#include "runtime/exec/plan.h"
#include "runtime/exec/rows.h"

namespace huntc::exec {

// How an aggregate's state is kept.
enum class AggSlot : uint8_t {
  Count,       // int64 count
  SumInt,      // int64 sum (wrapping, as the interpreter's)
  SumReal,     // double sum
  Avg,         // double sum, int64 count
  Variance,    // stdev/variance: int64 count, double mean, double sum of squared deviations (Welford's)
  PickInt,     // min/max/any of bool, int, long, datetime, timespan: int64 value, int64 has
  PickReal,    // the same for reals (NaN counts as null): double value, int64 has
  PickString,  // min/max/any of strings: an object (huntc_agg_pick_str)
  DCount,      // a DistinctCounter object (huntc_agg_dcount_int/_real)
  DCountString,  // dcount of strings: a set of interned ids, then a DistinctCounter (huntc_agg_dcount_str)
  List,        // make_set/make_list: an object (huntc_agg_list_*); strings and dynamic texts interned
  Arg,         // arg_max/arg_min: an object, the value and the row's other columns (huntc_agg_arg_*)
};

struct AggSlotSpec {
  AggSlot slot = AggSlot::Count;
  uint32_t offset = 0;  // in the group's state block
  Type arg = Type::Long;  // the value's type (args[0]), Long when there is none
};

// Where each aggregate of a summarize keeps its state, or why a compiled kernel cannot.
struct AggLayout {
  std::vector<Type> keys;
  std::vector<AggSlotSpec> slots;  // one per aggregate
  uint32_t state_bytes = 0;

  // The layout of `node`'s aggregates; false, naming the aggregate or type in `why`, when one
  // has no compiled form (those run in the interpreter's operator).
  static bool Of(const AggregateNode& node, AggLayout& out, std::string& why);
};

// Open addressing from 64-bit hashes to dense ids 0, 1, ...: entries (hash high half << 32) |
// (id + 1), 0 = free, at most half full, probed linearly from the hash's low bits.
class IdIndex {
 public:
  // The id with this hash for which same(id) holds; if none, `count` (the next id), added. When
  // the index grows, hash_of(id) gives the hash of each of the `count` ids added before.
  template <class Same, class HashOf>
  uint32_t FindOrAdd(uint64_t hash, uint32_t count, Same same, HashOf hash_of) {
    if (size_t{count} * 2 >= entries_.size()) Grow(count, hash_of);
    const size_t mask = entries_.size() - 1;
    const uint64_t tag = hash >> 32 << 32;
    for (size_t pos = hash & mask;; pos = (pos + 1) & mask) {
      const uint64_t entry = entries_[pos];
      if (entry == 0) {
        entries_[pos] = tag | (uint64_t{count} + 1);
        return count;
      }
      if ((entry & ~uint64_t{0xffffffff}) != tag) continue;
      const uint32_t id = static_cast<uint32_t>(entry & 0xffffffff) - 1;
      if (same(id)) return id;
    }
  }

  // The id with this hash for which same(id) holds, or -1.
  template <class Same>
  int64_t Find(uint64_t hash, Same same) const {
    if (entries_.empty()) return -1;
    const size_t mask = entries_.size() - 1;
    const uint64_t tag = hash >> 32 << 32;
    for (size_t pos = hash & mask;; pos = (pos + 1) & mask) {
      const uint64_t entry = entries_[pos];
      if (entry == 0) return -1;
      if ((entry & ~uint64_t{0xffffffff}) != tag) continue;
      const uint32_t id = static_cast<uint32_t>(entry & 0xffffffff) - 1;
      if (same(id)) return id;
    }
  }

  size_t bytes() const { return entries_.size() * sizeof(uint64_t); }
  // Brings the hash's first slot into the cache ahead of FindOrAdd.
  void Prefetch(uint64_t hash) const {
    if (!entries_.empty()) __builtin_prefetch(&entries_[hash & (entries_.size() - 1)]);
  }
  // The id in the hash's first slot if its tag matches (most likely the one FindOrAdd finds),
  // else -1; a hint, to prefetch the id's record.
  int64_t Likely(uint64_t hash) const {
    if (entries_.empty()) return -1;
    const uint64_t entry = entries_[hash & (entries_.size() - 1)];
    if (entry == 0 || (entry & ~uint64_t{0xffffffff}) != (hash >> 32 << 32)) return -1;
    return static_cast<int64_t>(entry & 0xffffffff) - 1;
  }

 private:
  template <class HashOf>
  void Grow(uint32_t count, HashOf hash_of) {
    entries_.assign(std::max<size_t>(1024, entries_.size() * 2), 0);
    const size_t mask = entries_.size() - 1;
    for (uint32_t id = 0; id < count; ++id) {
      const uint64_t hash = hash_of(id);
      size_t pos = hash & mask;
      while (entries_[pos] != 0) pos = (pos + 1) & mask;
      entries_[pos] = (hash >> 32 << 32) | (uint64_t{id} + 1);
    }
  }
  std::vector<uint64_t> entries_;
};

class AggTable {
 public:
  AggTable(const AggregateNode& node, AggLayout layout);
  ~AggTable();
  AggTable(const AggTable&) = delete;
  AggTable& operator=(const AggTable&) = delete;

  // The state block of the group with these keys, inserted (its states empty) if new. Key k is
  // values[k] (integers as int64, reals as their bits; strings: the length, with the bytes at
  // bytes[k]) unless valid[k] is 0. `hash` is any hash of the keys that equal keys share
  // (reals: -0.0 as 0.0); the table keeps it for growing and merging.
  uint8_t* Group(uint64_t hash, const int64_t* values, const char* const* bytes, const uint8_t* valid);
  // The state blocks of n rows' groups, as Group's for each row in turn: row j's keys are
  // values/bytes/valid[j * keys .. ], its hash hashes[j], its state block goes to states[j]
  // (rows whose states[j] is set already are skipped). Looking the rows up together lets the
  // index slots and then the records of all of them be fetched from memory at once, instead of
  // two waits a row. With `cache`, states[j] also goes to cache[codes[j]] (the group of a
  // dictionary code of the batch, AggCodeCache); with `ids`, the group's id to ids[j] (rows
  // skipped keep theirs).
  void Groups(uint32_t n, const uint64_t* hashes, const int64_t* values, const char* const* bytes,
              const uint8_t* valid, uint8_t** states, uint64_t* cache, const uint8_t* codes,
              uint32_t* ids = nullptr);
  // Dictionary code cache k of the batch a kernel is on: per code of one of the batch's
  // dictionary-encoded columns (ColumnView::codes) what it stands for (its group's state block,
  // or its string's interned id + 1), 0 where not known yet; cleared, as a kernel asks for it
  // when it starts on a batch, so that each distinct value of a batch is hashed and looked up once.
  static constexpr size_t kCodes = 256;
  uint64_t* CodeCache(uint32_t k);
  // The key cache, for a lone string column key where a batch does not have it
  // dictionary-encoded (a few hundred to a few thousand names in a batch, beyond a dictionary's
  // 256 values): keys seen so far, each found by its length and first, second and last words
  // (the whole key up to 24 bytes; a longer one's bytes are kept here too) instead of a hash of
  // all its bytes and a probe of the group table, with its group's state block. A kernel probes
  // `slots` from the words' mix, adds a key it misses (huntc_agg_key_add; state still null),
  // counts the rows it missed, and sets the state once its chunk's groups are found
  // (compiler/jit/aggregate.cpp). The cache lasts from batch to batch, so that a key is looked up
  // in the group table once, not once a batch. It pays only while most rows find their key, and
  // its entries stay in the core's nearest caches: one that missed more than a quarter of a
  // window of kKeyCacheWindow rows (more keys than it holds, or keys that changed) is emptied and
  // rests for kKeyCacheRest windows, its probes saved; then it tries again.
  struct KeyCacheEntry {
    uint8_t* state;      // the group's state block; null until the chunk's lookup
    uint64_t length;
    uint64_t words[3];   // first, second (0 up to 16 bytes) and last; shorter keys: see aggregate.cpp
    const char* bytes;   // the key's copy in KeyCache::bytes, for the bytes the words leave out; or null
  };
  static constexpr uint32_t kKeyCacheSlots = 8192;  // a power of two, at most half full
  static constexpr uint32_t kKeyCacheEntries = kKeyCacheSlots / 2;
  static constexpr uint32_t kKeyCacheBytes = 64 << 10;
  static constexpr uint64_t kKeyCacheWindow = 1 << 16;
  static constexpr uint32_t kKeyCacheRest = 32;
  struct KeyCache {
    uint64_t misses;    // rows of this window the kernel did not find
    uint64_t rows;      // rows of this window
    uint32_t resting;   // windows left without the cache
    uint32_t count;
    uint32_t bytes_used;
    uint16_t slots[kKeyCacheSlots];  // entry + 1; 0: free
    KeyCacheEntry entries[kKeyCacheEntries];
    char bytes[kKeyCacheBytes];
  };
  // The key cache for a kernel starting on a batch of `rows` rows, or null while it rests.
  KeyCache* KeyCacheForBatch(uint32_t rows);
  // Adds key p, n with these words at free slot `slot` of `cache`: its entry, or -1 when there is
  // no room for it.
  static int32_t AddKey(KeyCache& cache, uint64_t slot, const char* p, uint64_t n, const uint64_t (&words)[3]);
  size_t groups() const { return hashes_.size() + adopted_groups_; }

  // The input range the rows fed next come from (0 until set): a table fed several ranges in
  // increasing order keeps per group the range it was first seen in, and per make_set/make_list
  // value the range it came in, so that tables fed different ranges merge in input order.
  void set_range(uint32_t range) { range_ = range; }
  uint32_t range() const { return range_; }

  // Adds another table's groups and states (of the same node) to this one: the result is that
  // of one table fed this table's rows and then the other's (of the same or later ranges).
  void Merge(const AggTable& other);
  // Merges tables fed disjoint sets of ranges (each in increasing order) into this one, which
  // has no groups, as one table fed all their rows in input order would hold them (groups in
  // order of first sight, make_set's and make_list's first values), for aggregates whose result
  // does not depend on the order of their rows otherwise (MergesInOrder,
  // runtime/exec/partial_summary.h). This table takes over the groups of the part with most,
  // which is left empty, and merges the others' into them: with two parts, the other's groups
  // this one has are found and merged on up to `threads` threads, and its others stay in its
  // table, which this one takes over too (the other part is left empty), not copied here. The
  // merged table then takes no more rows nor merges: only its results are read.
  void Merge(const std::vector<AggTable*>& parts, unsigned threads = 1);

  // The summarize's result rows (the node's schema): one per group in order of first sight; for
  // a summarize without keys, one row even when no rows came. With `columns`, only the result
  // columns it marks are filled (the rest stay empty), for a filter above to test before the
  // others (make_set's JSON) are made; with `groups`, only those rows of the whole result (by
  // their positions in it), in that order.
  // Only rows [begin, end) of that result are made: calls for different rows may run at once on
  // several threads (the table is only read, once it has a group).
  Batch Result(const std::vector<bool>* columns = nullptr,
               const std::vector<uint32_t>* groups = nullptr, size_t begin = 0,
               size_t end = SIZE_MAX);

  // arg_max/arg_min (aggregate `k`, its slot `state`): offers row `row` of the batch `columns`
  // whose value is `value` (null or NaN: `present` false).
  void OfferArg(size_t k, uint8_t* state, const ColumnView* columns, uint64_t row, const Cell& value, bool present);

  // The id of a string that make_set/make_list and dcount keep (they hold ids, not copies): equal
  // bytes, equal ids, so a set compares ids, and each distinct string is stored once per table.
  int64_t Intern(const char* p, uint32_t n);
  size_t interned_bytes() const { return intern_bytes_.size(); }
  std::string_view Interned(int64_t id) const {
    const size_t at = intern_at_[static_cast<size_t>(id)];
    return std::string_view(intern_bytes_).substr(at, intern_at_[static_cast<size_t>(id) + 1] - at);
  }

 private:
  // A record's keys, packed so that with the small states after them they share its first cache
  // line: each fixed-width key's 8 bytes (integers, reals' bits), then each string key's first
  // kInlineKey bytes (a string up to that length whole, so comparing it reads no other memory; a
  // longer one's offset in strings_ in the first 8), then the strings' lengths (4 bytes each),
  // then a valid byte per key, then the state block, 8-byte aligned (hunt b's port and address:
  // 32 bytes, where 24 a key took 48).
  static constexpr uint32_t kInlineKey = 16;
  std::vector<uint32_t> key_at_;     // per key, the offset of its value or bytes
  std::vector<uint32_t> length_at_;  // per key, the offset of a string's length
  uint32_t valid_at_ = 0;            // of key 0's valid byte
  uint32_t keys_bytes_ = 0;          // the offset of the state block
  bool KeyValid(const uint8_t* record, uint32_t k) const { return record[valid_at_ + k] != 0; }
  // A fixed-width key's value; a long string key's offset in strings_.
  int64_t KeyValue(const uint8_t* record, uint32_t k) const;
  uint32_t KeyLength(const uint8_t* record, uint32_t k) const;
  // A valid string key's bytes, in the record or strings_.
  std::string_view KeyText(const uint8_t* record, uint32_t k) const;
  uint8_t* Record(size_t g) const;
  // Exchanges the groups, strings and caches of two tables of the same summarize.
  void Swap(AggTable& other);
  // Finds or adds here, in order, group taken[j].second of sources[taken[j].first] for j < n
  // (with `ids`, its id here to ids[j]), and merges its states into the group's; groups of this
  // table (a source) and those `found` only get their ids. `interned`: per source, its strings'
  // ids here + 1, 0 until looked up (MergeState), empty until needed. `found`: per source, empty,
  // or per group its id here when its states were merged already (MergeFound) or it is one of
  // adopted_'s, else -1.
  void MergeGroups(const std::vector<const AggTable*>& sources,
                   const std::pair<size_t, size_t>* taken, size_t n,
                   std::vector<std::vector<uint64_t>>& interned,
                   const std::vector<std::vector<int64_t>>& found, uint32_t* ids);
  // Finds groups [begin, end) of `other` here, each id to found[g] (-1 if new), and merges the
  // states of those found. Only reads this table but for those groups' states, so that calls for
  // different groups may run at once, when `interned` holds the id here of each of other's
  // strings already (so that no state interns one).
  void MergeFound(const AggTable& other, size_t begin, size_t end, uint64_t* interned, int64_t* found);
  // Merges the states of group g of `other` into the state block `into` here (MergeState).
  void MergeStates(uint8_t* into, const AggTable& other, size_t g, uint64_t* interned);
  // Group g of `other`'s keys as Groups takes them.
  void KeysOf(const AggTable& other, size_t g, int64_t* values, const char** bytes, uint8_t* valid) const;
  uint8_t* Insert(uint64_t hash, const int64_t* values, const char* const* bytes, const uint8_t* valid);
  bool Equal(const uint8_t* record, const int64_t* values, const char* const* bytes, const uint8_t* valid) const;
  // Equal's order of the keys: fixed-width ones first (a compare each, in the record's first line;
  // most rows that differ, differ there), then strings (length, then bytes); and whether any is a
  // real (compared as numbers, -0.0 = 0.0), so that the others need no per-key type switch.
  std::vector<uint32_t> fixed_keys_;
  std::vector<uint32_t> string_keys_;
  bool real_keys_ = false;
  // The slots whose state holds an array (a dcount's bitmap, a list's values) that Groups fetches.
  std::vector<AggSlotSpec> array_slots_;
  // `ids`: per string from_table interned, its id in this table + 1, or 0 until looked up.
  void MergeState(const AggSlotSpec& s, const AggregateSpec& spec, uint8_t* into, const AggTable& from_table,
                  const uint8_t* from, uint64_t* ids);
  void AppendResult(size_t k, const uint8_t* state, Column* const* out) const;

  const AggregateNode& node_;
  AggLayout layout_;
  size_t record_bytes_;  // keys, then the state block
  std::vector<std::unique_ptr<uint64_t[]>> chunks_;  // records, kChunkRecords each: never move
  std::vector<uint8_t*> records_;                     // per chunk its first record, line-aligned
  std::vector<uint64_t> hashes_;                      // per group
  std::vector<uint32_t> first_ranges_;                // per group, the range it was first seen in
  uint32_t range_ = 0;
  // The groups in order of first sight, when they were not added in that order (a Merge of
  // parts); else empty. Ids from hashes_.size() on are those of adopted_, after this table's.
  std::vector<uint32_t> order_;
  // The table of a merged part whose groups not found here stay there (Merge of two parts): its
  // groups that were found here are merged, and only those not are this table's too.
  std::unique_ptr<AggTable> adopted_;
  size_t adopted_groups_ = 0;  // those not found here
  IdIndex index_;                // of groups
  std::string strings_;          // the bytes of string keys
  IdIndex intern_index_;         // of interned strings
  std::vector<size_t> intern_at_{0};  // per interned string its offset in intern_bytes_, then the end
  std::string intern_bytes_;
  // Strings of up to kWordsLength bytes interned, found again in one of two slots by their
  // length and four words that cover them (so are the string itself), without hashing their
  // bytes, probing intern_index_ or comparing them: a string column that a batch does not have
  // dictionary-encoded (hunt b's few hundred device names) is interned once a row. A new string
  // takes its first slot, and the string there moves to its own second, so that strings sharing
  // a first slot (a few dozen of hunt b's 320) do not keep evicting each other.
  static constexpr uint32_t kWordsLength = 32;
  static constexpr size_t kInternSlots = 4096;  // a power of two
  struct InternSlot {
    uint32_t length;  // + 1; 0: free
    uint32_t id;
    uint64_t words[4];
  };
  std::unique_ptr<InternSlot[]> intern_slots_;
  // Intern without the slots.
  uint32_t InternIndexed(const char* p, uint32_t n);
  std::vector<std::unique_ptr<uint64_t[]>> code_caches_;  // kCodes entries each
  std::unique_ptr<KeyCache> key_cache_;
};

}  // namespace huntc::exec

// The helpers compiled summarize kernels call (by these names, jit::KernelHelpers()). `state`
// is the aggregate's slot in a group's state block.
extern "C" {
uint8_t* huntc_agg_group(void* table, uint64_t hash, const int64_t* values, const char* const* bytes,
                         const uint8_t* valid);
// The state blocks of n rows' groups (AggTable::Groups).
void huntc_agg_groups(void* table, uint32_t n, const uint64_t* hashes, const int64_t* values,
                      const char* const* bytes, const uint8_t* valid, uint8_t** states, uint64_t* cache,
                      const uint8_t* codes);
// AggTable::CodeCache, cleared.
uint64_t* huntc_agg_code_cache(void* table, uint32_t k);
// AggTable::KeyCacheForBatch.
void* huntc_agg_key_cache(void* table, uint32_t rows);
// AggTable::AddKey.
int32_t huntc_agg_key_add(void* cache, uint64_t slot, const char* p, uint64_t n, uint64_t w0, uint64_t w1,
                          uint64_t w2);
// Whether n bytes at a and b are equal (the bytes of a long key the key cache's words leave out).
int32_t huntc_agg_bytes_equal(const char* a, const char* b, uint64_t n);
// A hash of a string key's bytes, which kernels mix into the keys' hash.
uint64_t huntc_agg_hash_str(const char* p, uint32_t n);
// dcount: adds a non-null value (integer-like as int64, real, string: with its table).
void huntc_agg_dcount_int(void* state, int64_t v);
void huntc_agg_dcount_real(void* state, double v);
void huntc_agg_dcount_str(void* table, void* state, const char* p, uint32_t n);
// The same for a value of a dictionary-encoded column with code `code`: its interned id is
// looked up once per batch in `cache` (AggTable::CodeCache).
void huntc_agg_dcount_code(void* table, void* state, const char* p, uint32_t n, uint64_t* cache, uint32_t code);
// make_list (set = 0) or make_set (set = 1) of at most `limit` values: adds a non-null value
// (integer-like as int64, real as its bits: lists only, string: interned in its table).
void huntc_agg_list_int(void* table, void* state, int64_t v, int64_t limit, int32_t set);
void huntc_agg_list_str(void* table, void* state, const char* p, uint32_t n, int64_t limit, int32_t set);
// A dynamic value's text (valid): what the interpreter's make_set/make_list adds of it
// (ForEachListItem, runtime/exec/aggregate.h), as interned JSON texts.
void huntc_agg_list_dyn(void* table, void* state, const char* p, uint32_t n, int64_t limit, int32_t set);
void huntc_agg_list_code(void* table, void* state, const char* p, uint32_t n, int64_t limit, int32_t set,
                         uint64_t* cache, uint32_t code);
// take_any (mode 0), min (1), max (2) of strings.
void huntc_agg_pick_str(void* state, const char* p, uint32_t n, int32_t mode);
// arg_max/arg_min, aggregate `k` of the table's summarize: offers row `row` of the batch
// `columns` with its value (integer-like as int64, real, string; valid = 0: null).
void huntc_agg_arg_int(void* table, uint32_t k, void* state, const void* columns, uint64_t row, int64_t v,
                       int32_t valid);
void huntc_agg_arg_real(void* table, uint32_t k, void* state, const void* columns, uint64_t row, double v,
                        int32_t valid);
void huntc_agg_arg_str(void* table, uint32_t k, void* state, const void* columns, uint64_t row, const char* p,
                       uint32_t n);
}
