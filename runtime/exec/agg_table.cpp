// The group table of compiled summarize kernels and the helpers they call.
#include "runtime/exec/agg_table.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <new>
#include <utility>
#include <unordered_set>

#include <fmt/format.h>

#include "runtime/exec/aggregate.h"
#include "runtime/exec/eval.h"
#include "runtime/exec/json.h"
#include "runtime/exec/rows.h"
#include "runtime/output.h"
#include "runtime/parallel.h"

namespace huntc::exec {

namespace {

constexpr size_t kChunkRecords = 1024;
// Groups a merge looks up at once (AggTable::Groups).
constexpr size_t kMergeChunk = 256;
// Groups a thread takes at a time when a merge finds groups on several threads (MergeFound).
constexpr size_t kMergePiece = size_t{16} << 10;
constexpr size_t kLine = 64;  // a cache line's bytes
// About what of a group table a core's caches keep: a larger table's index slots and records are
// prefetched (AggTable::Groups).
constexpr size_t kCachedBytes = size_t{512} << 10;

// min/max/any of strings.
struct StringPick {
  std::string value;
  int64_t has = 0;
};

// Whether n bytes at a and b are equal, compared a word at a time without a call: keys and
// interned strings are short, and after a hash match almost always equal.
bool BytesEqual(const char* a, const char* b, size_t n) {
  const auto word = [](const char* p) {
    uint64_t w;
    std::memcpy(&w, p, sizeof w);
    return w;
  };
  const auto differ = [&](size_t at) { return word(a + at) ^ word(b + at); };
  // Up to 32 bytes without a loop (its exit, which depends on the length, mispredicts): the
  // first and last words, and for more than 16 bytes the second and the last but one, overlapping.
  if (n >= 8 && n <= 16) return (differ(0) | differ(n - 8)) == 0;
  if (n > 16 && n <= 32) return (differ(0) | differ(8) | differ(n - 16) | differ(n - 8)) == 0;
  if (n > 32) {
    for (size_t i = 0; i + 8 < n; i += 8) {
      if (differ(i) != 0) return false;
    }
    return differ(n - 8) == 0;  // the last word, overlapping the one before
  }
  if (n >= 4) {
    const auto half = [](const char* p) {
      uint32_t w;
      std::memcpy(&w, p, sizeof w);
      return w;
    };
    return ((half(a) ^ half(b)) | (half(a + n - 4) ^ half(b + n - 4))) == 0;
  }
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// Whether one of the first kFewTexts of `n` interned ids (a set's values) is the string p, len,
// found by comparing its bytes with theirs, without interning it: most rows of a group repeat
// one of its few values (hunt b: 8 rows a group, 1.2 processes and 2.9 devices), and the table's
// interned bytes that a few values span are near, where the string's interning slot is often
// not (each row's group brings a few cache lines of its own).
constexpr uint32_t kFewTexts = 4;
template <class Id>
bool HoldsText(const AggTable& table, const Id* ids, uint32_t n, const char* p, uint32_t len) {
  for (uint32_t i = 0; i < std::min(n, kFewTexts); ++i) {
    const std::string_view have = table.Interned(static_cast<int64_t>(ids[i]));
    if (have.size() == len && BytesEqual(have.data(), p, len)) return true;
  }
  return false;
}

// make_set/make_list: the values in order of arrival, integer-like ones as int64 (reals as their
// bits), strings as the table's ids for their bytes (AggTable::Intern), each with the input range
// it came in (AggTable::set_range), by which tables fed different ranges merge (AggTable::Merge).
// The first kInline values are kept in the state itself, as most groups hold few; more in one
// array whose address the state holds (so a row's add waits for no memory but the state's and
// that array's, which AggTable::Groups fetches ahead). A set finds duplicates by a linear scan
// while small, then by a hash set. The state is 48 bytes, as the compiled kernels' layout has it.
struct ListState {
  static constexpr uint32_t kInline = 2;
  static constexpr size_t kLinear = 16;
  int64_t inline_values[kInline] = {};
  uint32_t inline_ranges[kInline] = {};
  uint32_t size = 0;
  uint32_t capacity = kInline;  // even: the array's ranges fill whole words
  // The values once more than kInline: `capacity` of them, then their ranges, two a word.
  std::unique_ptr<int64_t[]> heap;
  std::unique_ptr<std::unordered_set<int64_t>> seen;  // a set's values once more than kLinear

  const int64_t* values() const { return heap ? heap.get() : inline_values; }
  uint32_t range(uint32_t i) const {
    if (!heap) return inline_ranges[i];
    uint32_t r;
    std::memcpy(&r, reinterpret_cast<const char*>(heap.get() + capacity) + size_t{i} * 4, sizeof r);
    return r;
  }

  void Add(int64_t v, uint32_t range, size_t limit, bool set) {
    if (size >= limit) return;
    if (set) {
      if (size < kLinear) {
        const int64_t* have = values();
        if (std::find(have, have + size, v) != have + size) return;
      } else {
        if (!seen) seen = std::make_unique<std::unordered_set<int64_t>>(heap.get(), heap.get() + size);
        if (!seen->insert(v).second) return;
      }
    }
    if (size == capacity) {
      const uint32_t grown = capacity * 2 + 2;  // 6, 14, 30, ...
      auto wider = std::make_unique<int64_t[]>(grown + grown / 2);
      std::copy(values(), values() + size, wider.get());
      for (uint32_t i = 0; i < size; ++i) {
        const uint32_t r = this->range(i);
        std::memcpy(reinterpret_cast<char*>(wider.get() + grown) + size_t{i} * 4, &r, sizeof r);
      }
      heap = std::move(wider);
      capacity = grown;
    }
    if (heap) {
      heap[size] = v;
      std::memcpy(reinterpret_cast<char*>(heap.get() + capacity) + size_t{size} * 4, &range,
                  sizeof range);
    } else {
      inline_values[size] = v;
      inline_ranges[size] = range;
    }
    ++size;
  }
};
static_assert(sizeof(ListState) == 48, "the compiled kernels' state layout (kCodegenVersion)");

// dcount of strings: the distinct strings' interned ids, the first kInline in the state itself,
// then as a bitmap over the ids (a bit a string, where DistinctCounter keeps a hash set of 64-bit
// hashes); once more than DistinctCounter::kExactLimit, or when the ids are too sparse for a
// bitmap, a DistinctCounter fed the strings' hashes. The count is the interpreter's: a set of
// distinct strings counts what a set of their hashes counts, and the counter gets the same hashes.
// The state is 40 bytes, the bitmap and the counter one pointer, so that with the group's keys
// and a make_set a record is two cache lines (most groups hold one or two strings).
struct StringDistinct {
  static constexpr uint32_t kInline = 6;
  static constexpr size_t kMinWords = 16;  // a bitmap may span this many words whatever its count
  // `size` once `far` is the counter.
  static constexpr uint32_t kCounting = ~uint32_t{0};
  // Past this many bytes of interned strings in the table, counters take hashes instead: where
  // DistinctCounter keeps 8 bytes a value, ids keep the strings themselves (long, distinct ones
  // would grow the table past what the counters need).
  static constexpr size_t kInternBudget = size_t{64} << 20;
  uint32_t ids[kInline] = {};
  uint32_t size = 0;  // distinct strings while counted by id, or kCounting
  uint32_t words = 0;  // of the bitmap
  // The bitmap (new uint64_t[words]; one allocation: a group's bitmap is often the row's one
  // cache miss) or the counter, or null.
  void* far = nullptr;

  StringDistinct() = default;
  StringDistinct(const StringDistinct&) = delete;
  StringDistinct& operator=(const StringDistinct&) = delete;
  ~StringDistinct() {
    if (counting()) {
      delete counter();
    } else {
      delete[] bits();
    }
  }
  bool counting() const { return size == kCounting; }
  DistinctCounter* counter() const { return counting() ? static_cast<DistinctCounter*>(far) : nullptr; }
  uint64_t* bits() const { return counting() ? nullptr : static_cast<uint64_t*>(far); }

  void Add(AggTable& table, const char* p, uint32_t n) {
    if (!counting() && table.interned_bytes() >= kInternBudget) ToCounter(table);
    if (counting()) {
      counter()->Add(HashKeyString(std::string_view(p, n)));
      return;
    }
    if (!far && HoldsText(table, ids, size, p, n)) return;
    AddId(table, static_cast<uint32_t>(table.Intern(p, n)));
  }
  // Add of a value whose interned id + 1 the batch's code cache keeps in `cached` (0: not yet).
  void AddCoded(AggTable& table, const char* p, uint32_t n, uint64_t& cached) {
    if (!counting() && table.interned_bytes() >= kInternBudget) ToCounter(table);
    if (counting()) {
      counter()->Add(HashKeyString(std::string_view(p, n)));
      return;
    }
    if (cached == 0) cached = static_cast<uint64_t>(table.Intern(p, n)) + 1;
    AddId(table, static_cast<uint32_t>(cached - 1));
  }
  void AddId(const AggTable& table, uint32_t id) {
    uint32_t top = id;  // the highest id the bitmap must hold
    if (!far) {
      for (uint32_t i = 0; i < size; ++i) {
        if (ids[i] == id) return;
        top = std::max(top, ids[i]);
      }
      if (size < kInline) {
        ids[size++] = id;
        return;
      }
    }
    const size_t need = size_t{top} / 64 + 1;
    if (need > words && need > std::max<size_t>(kMinWords, size_t{size} * 2)) {
      ToCounter(table);  // too sparse: a bitmap would take more than the counter's hash set
      counter()->Add(HashKeyString(table.Interned(id)));
      return;
    }
    if (!far) {
      for (uint32_t i = 0; i < size; ++i) Set(ids[i]);  // the first allocates the bitmap
    }
    if (Set(id) && ++size > DistinctCounter::kExactLimit) ToCounter(table);
  }
  // Sets id's bit; whether it was clear.
  bool Set(uint32_t id) {
    const size_t w = id / 64;
    if (w >= words) {
      const size_t grown = std::max(w + 1, size_t{words} * 2);
      auto* wider = new uint64_t[grown]();
      std::copy(bits(), bits() + words, wider);
      delete[] bits();
      far = wider;
      words = static_cast<uint32_t>(grown);
    }
    const uint64_t bit = uint64_t{1} << (id % 64);
    const bool added = (bits()[w] & bit) == 0;
    bits()[w] |= bit;
    return added;
  }
  template <class Fn>
  void ForEachId(Fn fn) const {
    if (!far) {
      for (uint32_t i = 0; i < size; ++i) fn(ids[i]);
      return;
    }
    for (size_t w = 0; w < words; ++w) {
      for (uint64_t word = bits()[w]; word != 0; word &= word - 1) {
        fn(static_cast<uint32_t>(w * 64 + static_cast<size_t>(__builtin_ctzll(word))));
      }
    }
  }
  void ToCounter(const AggTable& table) {
    auto counted = std::make_unique<DistinctCounter>();
    ForEachId([&](uint32_t id) { counted->Add(HashKeyString(table.Interned(id))); });
    delete[] bits();
    far = counted.release();
    words = 0;
    size = kCounting;
  }
  int64_t Estimate() const { return counting() ? counter()->Estimate() : size; }
};
static_assert(sizeof(StringDistinct) == 40, "the compiled kernels' state layout (kCodegenVersion)");

// arg_max/arg_min: the best value and its row's other columns, as the interpreter keeps them.
struct ArgState {
  Cell best;
  std::vector<Cell> outputs;
  bool taken = false;
};

// Brings the start of the array an aggregate's state holds, if any, into the cache.
void PrefetchArray(AggSlot slot, const uint8_t* state) {
  const void* array = nullptr;
  if (slot == AggSlot::DCountString) array = std::launder(reinterpret_cast<const StringDistinct*>(state))->far;
  if (slot == AggSlot::List) array = std::launder(reinterpret_cast<const ListState*>(state))->heap.get();
  if (array) __builtin_prefetch(array, 1);
}

constexpr size_t Align8(size_t n) { return (n + 7) & ~size_t{7}; }
static_assert(alignof(StringPick) <= 8 && alignof(ListState) <= 8 && alignof(DistinctCounter) <= 8 &&
              alignof(StringDistinct) <= 8 &&
              alignof(ArgState) <= 8);

// A cell of a batch's column as ReadCell reads it from the Column.
Cell ViewCell(const ColumnView& v, Type t, uint64_t row) {
  Cell cell;
  if (v.valid[row] == 0) return cell;
  cell.null = false;
  switch (t) {
    case Type::Bool: cell.integer = static_cast<const uint8_t*>(v.values)[row] != 0; break;
    case Type::Int: cell.integer = static_cast<const int32_t*>(v.values)[row]; break;
    case Type::Long:
    case Type::DateTime:
    case Type::TimeSpan: cell.integer = static_cast<const int64_t*>(v.values)[row]; break;
    case Type::Real:
    case Type::Decimal: cell.real = static_cast<const double*>(v.values)[row]; break;
    default: cell.text.assign(v.bytes + v.offsets[row], v.offsets[row + 1] - v.offsets[row]); break;
  }
  return cell;
}

bool IntegerLike(Type t) {
  return t == Type::Bool || t == Type::Int || t == Type::Long || t == Type::DateTime || t == Type::TimeSpan;
}
bool RealLike(Type t) { return t == Type::Real || t == Type::Decimal; }

bool IsMax(AggKind k) { return k == AggKind::Max || k == AggKind::MaxIf; }
bool IsMin(AggKind k) { return k == AggKind::Min || k == AggKind::MinIf; }
bool IsSet(AggKind k) { return k == AggKind::MakeSet || k == AggKind::MakeSetIf; }
size_t LimitOf(const AggregateSpec& spec) { return static_cast<size_t>(std::max<int64_t>(spec.limit, 0)); }

int64_t Bits(double v) {
  int64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return bits;
}
double Real(int64_t bits) {
  double v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

// The slot kind of an aggregate over a value of type `arg`, or false naming what has none.
bool SlotOf(const AggregateSpec& spec, Type arg, AggSlot& slot, std::string& why) {
  const std::string_view name = AggKindName(spec.kind);
  switch (spec.kind) {
    case AggKind::Count:
    case AggKind::CountIf: slot = AggSlot::Count; return true;
    case AggKind::Sum:
    case AggKind::SumIf:
      if (!IntegerLike(arg) && !RealLike(arg)) break;
      slot = RealLike(AggregateOutputTypes(spec)[0]) ? AggSlot::SumReal : AggSlot::SumInt;
      return true;
    case AggKind::Avg:
    case AggKind::AvgIf:
      if (!IntegerLike(arg) && !RealLike(arg)) break;
      slot = AggSlot::Avg;
      return true;
    case AggKind::Stdev:
    case AggKind::StdevIf:
    case AggKind::Variance:
    case AggKind::VarianceIf:
      if (!IntegerLike(arg) && !RealLike(arg)) break;
      slot = AggSlot::Variance;
      return true;
    case AggKind::Min:
    case AggKind::Max:
    case AggKind::MinIf:
    case AggKind::MaxIf:
    case AggKind::TakeAny:
      if (IntegerLike(arg)) slot = AggSlot::PickInt;
      else if (RealLike(arg)) slot = AggSlot::PickReal;
      else if (arg == Type::String) slot = AggSlot::PickString;
      else break;
      return true;
    case AggKind::DCount:
    case AggKind::DCountIf:
      if (!IntegerLike(arg) && !RealLike(arg) && arg != Type::String) break;
      slot = arg == Type::String ? AggSlot::DCountString : AggSlot::DCount;
      return true;
    case AggKind::MakeSet:
    case AggKind::MakeSetIf:
    case AggKind::MakeList:
    case AggKind::MakeListIf:
      // A set of reals would have to find duplicates by their JSON text (-0.0, NaN): not here.
      // Dynamic values are kept as the JSON texts the interpreter keeps (ForEachListItem).
      if (!IntegerLike(arg) && arg != Type::String && arg != Type::Dynamic && !(RealLike(arg) && !IsSet(spec.kind))) {
        break;
      }
      slot = AggSlot::List;
      return true;
    case AggKind::ArgMax:
    case AggKind::ArgMin:
      if (!IntegerLike(arg) && !RealLike(arg) && arg != Type::String) break;
      // The row's other columns are copied as they are; computed ones are not. Without any,
      // the interpreter's arg_max keeps a later null row over a value: not here.
      if (spec.outputs.empty()) {
        why = fmt::format("{} without other columns", name);
        return false;
      }
      for (const Expr& e : spec.outputs) {
        if (e.kind != ExprKind::Column || e.type == Type::Null) {
          why = fmt::format("{} of a computed column", name);
          return false;
        }
      }
      slot = AggSlot::Arg;
      return true;
    default: why = name; return false;
  }
  why = fmt::format("{} of a {}", name, TypeName(arg));
  return false;
}

size_t SlotBytes(AggSlot slot) {
  switch (slot) {
    case AggSlot::Count:
    case AggSlot::SumInt:
    case AggSlot::SumReal: return 8;
    case AggSlot::Avg:
    case AggSlot::PickInt:
    case AggSlot::PickReal: return 16;
    case AggSlot::Variance: return 24;
    case AggSlot::PickString: return Align8(sizeof(StringPick));
    case AggSlot::DCount: return Align8(sizeof(DistinctCounter));
    case AggSlot::DCountString: return Align8(sizeof(StringDistinct));
    case AggSlot::List: return Align8(sizeof(ListState));
    case AggSlot::Arg: return Align8(sizeof(ArgState));
  }
  return 8;
}

// The hash of a string key's bytes (huntc_agg_hash_str) and of interned strings.
uint64_t HashString(const char* p, uint32_t n) {
  // Eight bytes a step (keys need not hash as dcount's values do): multiply-xorshift per word.
  // The last word overlaps the one before and short strings are read in two overlapping
  // halves, so no read goes past the string and no copy of a variable length is made.
  constexpr uint64_t kMul = 0x9fb21c651e98df25ULL;
  const auto load = [](const char* at, size_t bytes) {
    uint64_t w = 0;
    std::memcpy(&w, at, bytes);
    return w;
  };
  const auto step = [&](uint64_t h, uint64_t w) {
    h = (h ^ w) * kMul;
    return h ^ (h >> 29);
  };
  uint64_t h = n * kMul;
  if (n >= 8) {
    for (uint32_t at = 0; at + 8 < n; at += 8) h = step(h, load(p + at, 8));
    return step(h, load(p + n - 8, 8));
  }
  if (n >= 4) return step(h, load(p, 4) | load(p + n - 4, 4) << 32);
  if (n > 0) return step(h, load(p, 1) | load(p + n / 2, 1) << 8 | load(p + n - 1, 1) << 16);
  return h;
}

int64_t Load(const uint8_t* p) {
  int64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
void Store(uint8_t* p, int64_t v) { std::memcpy(p, &v, sizeof v); }

// Appends an integer-like or real value (as the table keeps it) to a column of its type.
void AppendValue(Column& c, int64_t v) {
  switch (c.type()) {
    case Type::Bool: c.AppendBool(v != 0); break;
    case Type::Int: c.AppendInt(static_cast<int32_t>(v)); break;
    case Type::Real:
    case Type::Decimal: c.AppendReal(Real(v)); break;
    default: c.AppendLong(v); break;
  }
}

}  // namespace

bool AggLayout::Of(const AggregateNode& node, AggLayout& out, std::string& why) {
  out = AggLayout();
  for (const NamedExpr& k : node.keys) {
    const Type t = k.expr.type;
    if (!IntegerLike(t) && !RealLike(t) && t != Type::String) {
      why = fmt::format("a {} key of summarize", TypeName(t));
      return false;
    }
    out.keys.push_back(t);
  }
  size_t offset = 0;
  for (const AggregateSpec& spec : node.aggregates) {
    const bool has_value = spec.kind != AggKind::Count && spec.kind != AggKind::CountIf;
    AggSlotSpec s;
    s.arg = has_value && !spec.args.empty() ? spec.args[0].type : Type::Long;
    if (!SlotOf(spec, s.arg, s.slot, why)) return false;
    s.offset = static_cast<uint32_t>(offset);
    offset += SlotBytes(s.slot);
    out.slots.push_back(s);
  }
  out.state_bytes = static_cast<uint32_t>(offset);
  return true;
}

AggTable::AggTable(const AggregateNode& node, AggLayout layout) : node_(node), layout_(std::move(layout)) {
  const uint32_t nkeys = static_cast<uint32_t>(layout_.keys.size());
  for (uint32_t k = 0; k < nkeys; ++k) {
    (layout_.keys[k] == Type::String ? string_keys_ : fixed_keys_).push_back(k);
    real_keys_ = real_keys_ || RealLike(layout_.keys[k]);
  }
  key_at_.assign(nkeys, 0);
  length_at_.assign(nkeys, 0);
  uint32_t at = 0;
  for (const uint32_t k : fixed_keys_) key_at_[k] = std::exchange(at, at + 8);
  for (const uint32_t k : string_keys_) key_at_[k] = std::exchange(at, at + kInlineKey);
  for (const uint32_t k : string_keys_) length_at_[k] = std::exchange(at, at + 4);
  valid_at_ = at;
  keys_bytes_ = static_cast<uint32_t>(Align8(at + nkeys));
  record_bytes_ = keys_bytes_ + layout_.state_bytes;
  if (record_bytes_ == 0) record_bytes_ = 8;  // no keys, no state: still one record per group
  // Records of whole cache lines, where that adds at most an eighth, each start a line: a row's
  // lookup and update then touch their lines only (184 bytes would span 4 lines in 3 of 4 records,
  // 3 lines when of 192).
  const size_t lines = (record_bytes_ + kLine - 1) / kLine * kLine;
  if (record_bytes_ >= kLine && lines - record_bytes_ <= record_bytes_ / 8) record_bytes_ = lines;
  for (const AggSlotSpec& s : layout_.slots) {
    if (s.slot == AggSlot::DCountString || s.slot == AggSlot::List) array_slots_.push_back(s);
  }
}

AggTable::~AggTable() {
  for (size_t g = 0; g < hashes_.size(); ++g) {
    uint8_t* state = Record(g) + keys_bytes_;
    for (const AggSlotSpec& s : layout_.slots) {
      uint8_t* slot = state + s.offset;
      switch (s.slot) {
        case AggSlot::PickString: std::launder(reinterpret_cast<StringPick*>(slot))->~StringPick(); break;
        case AggSlot::DCount: std::launder(reinterpret_cast<DistinctCounter*>(slot))->~DistinctCounter(); break;
        case AggSlot::DCountString: std::launder(reinterpret_cast<StringDistinct*>(slot))->~StringDistinct(); break;
        case AggSlot::List: std::launder(reinterpret_cast<ListState*>(slot))->~ListState(); break;
        case AggSlot::Arg: std::launder(reinterpret_cast<ArgState*>(slot))->~ArgState(); break;
        default: break;
      }
    }
  }
}

uint8_t* AggTable::Record(size_t g) const {
  return records_[g / kChunkRecords] + (g % kChunkRecords) * record_bytes_;
}

int64_t AggTable::KeyValue(const uint8_t* record, uint32_t k) const { return Load(record + key_at_[k]); }

uint32_t AggTable::KeyLength(const uint8_t* record, uint32_t k) const {
  uint32_t n;
  std::memcpy(&n, record + length_at_[k], sizeof n);
  return n;
}

std::string_view AggTable::KeyText(const uint8_t* record, uint32_t k) const {
  const uint32_t n = KeyLength(record, k);
  if (n <= kInlineKey) return std::string_view(reinterpret_cast<const char*>(record + key_at_[k]), n);
  return std::string_view(strings_).substr(static_cast<size_t>(KeyValue(record, k)), n);
}

bool AggTable::Equal(const uint8_t* record, const int64_t* values, const char* const* bytes,
                     const uint8_t* valid) const {
  for (const uint32_t k : fixed_keys_) {
    const bool is_valid = KeyValid(record, k);
    if (is_valid != (valid[k] != 0)) return false;
    const int64_t have = KeyValue(record, k);
    if (have == values[k]) continue;
    if (!is_valid) continue;
    if (!real_keys_ || !RealLike(layout_.keys[k]) || Real(have) != 0 || Real(values[k]) != 0) return false;
  }
  for (const uint32_t k : string_keys_) {
    const bool is_valid = KeyValid(record, k);
    if (is_valid != (valid[k] != 0)) return false;
    if (!is_valid) continue;
    const uint32_t n = KeyLength(record, k);
    if (n != static_cast<uint64_t>(values[k])) return false;
    const char* have =
        n <= kInlineKey ? reinterpret_cast<const char*>(record + key_at_[k]) : strings_.data() + KeyValue(record, k);
    if (!BytesEqual(have, bytes[k], n)) return false;
  }
  return true;
}

uint8_t* AggTable::Group(uint64_t hash, const int64_t* values, const char* const* bytes, const uint8_t* valid) {
  const size_t state = keys_bytes_;
  const uint32_t count = static_cast<uint32_t>(hashes_.size());
  const uint32_t g = index_.FindOrAdd(
      hash, count, [&](uint32_t id) { return Equal(Record(id), values, bytes, valid); },
      [&](uint32_t id) { return hashes_[id]; });
  if (g == count) return Insert(hash, values, bytes, valid) + state;
  return Record(g) + state;
}

void AggTable::Groups(uint32_t n, const uint64_t* hashes, const int64_t* values,
                      const char* const* bytes, const uint8_t* valid, uint8_t** states,
                      uint64_t* cache, const uint8_t* codes, uint32_t* ids) {
  const size_t nkeys = layout_.keys.size();
  // A table that fits in the core's caches gains nothing from the passes that prefetch.
  const bool far = hashes_.size() * record_bytes_ + index_.bytes() > kCachedBytes;
  for (uint32_t j = 0; far && j < n; ++j) {
    if (!states[j]) index_.Prefetch(hashes[j]);
  }
  // The records of the ids the first slots hold (loaded by now, or on their way): a record may
  // span a few cache lines, its keys first and its state after.
  const size_t bytes_ahead = std::min<size_t>(record_bytes_, 256);
  for (uint32_t j = 0; far && j < n; ++j) {
    if (states[j]) continue;
    const int64_t id = index_.Likely(hashes[j]);
    if (id < 0 || static_cast<size_t>(id) >= hashes_.size()) continue;
    const auto record = reinterpret_cast<uintptr_t>(Record(static_cast<size_t>(id)));
    for (uintptr_t line = record & ~uintptr_t{63}; line < record + bytes_ahead; line += 64) {
      __builtin_prefetch(reinterpret_cast<const void*>(line), 1);
    }
  }
  const size_t state = keys_bytes_;
  for (uint32_t j = 0; j < n; ++j) {
    if (states[j]) continue;
    const int64_t* v = values + j * nkeys;
    const char* const* b = bytes + j * nkeys;
    const uint8_t* ok = valid + j * nkeys;
    // Most rows find their group: that path without Group's calls and checks for growth.
    const int64_t id = index_.Find(hashes[j], [&](uint32_t g) { return Equal(Record(g), v, b, ok); });
    states[j] = id >= 0 ? Record(static_cast<size_t>(id)) + state : Group(hashes[j], v, b, ok);
    if (cache) cache[codes[j]] = reinterpret_cast<uint64_t>(states[j]);
    if (ids) ids[j] = static_cast<uint32_t>(id >= 0 ? static_cast<size_t>(id) : hashes_.size() - 1);
  }
  // The arrays the states hold (a dcount's bitmap, a list's values), which the kernel's updates
  // of these rows then read: fetched now for all of them, not waited for one row at a time.
  for (uint32_t j = 0; far && !array_slots_.empty() && j < n; ++j) {
    for (const AggSlotSpec& s : array_slots_) PrefetchArray(s.slot, states[j] + s.offset);
  }
}

uint64_t* AggTable::CodeCache(uint32_t k) {
  while (code_caches_.size() <= k) code_caches_.push_back(std::make_unique<uint64_t[]>(kCodes));
  uint64_t* cache = code_caches_[k].get();
  std::fill(cache, cache + kCodes, 0);
  return cache;
}

AggTable::KeyCache* AggTable::KeyCacheForBatch(uint32_t rows) {
  if (!key_cache_) key_cache_ = std::make_unique<KeyCache>();  // value-initialised: empty
  KeyCache& cache = *key_cache_;
  const auto empty = [&] {
    cache.count = 0;
    cache.bytes_used = 0;
    std::fill(std::begin(cache.slots), std::end(cache.slots), uint16_t{0});
  };
  if (cache.rows >= kKeyCacheWindow) {
    if (cache.resting > 0) {
      --cache.resting;
    } else if (cache.misses * 4 > cache.rows) {
      cache.resting = kKeyCacheRest;
      empty();
    }
    cache.rows = 0;
    cache.misses = 0;
  }
  cache.rows += rows;
  return cache.resting > 0 ? nullptr : &cache;
}

int32_t AggTable::AddKey(KeyCache& cache, uint64_t slot, const char* p, uint64_t n, const uint64_t (&words)[3]) {
  // Only the bytes beyond the words need keeping (aggregate.cpp compares them from offset 16).
  const uint64_t kept = n > 24 ? n : 0;
  if (cache.count == kKeyCacheEntries || kept > kKeyCacheBytes - cache.bytes_used) return -1;
  const uint32_t entry = cache.count++;
  KeyCacheEntry& e = cache.entries[entry];
  e.state = nullptr;
  e.length = n;
  std::copy(std::begin(words), std::end(words), e.words);
  e.bytes = nullptr;
  if (kept > 0) {
    e.bytes = cache.bytes + cache.bytes_used;
    std::memcpy(cache.bytes + cache.bytes_used, p, kept);
    cache.bytes_used += static_cast<uint32_t>(kept);
  }
  cache.slots[slot] = static_cast<uint16_t>(entry + 1);
  return static_cast<int32_t>(entry);
}

int64_t AggTable::Intern(const char* p, uint32_t n) {
  if (n > kWordsLength) return InternIndexed(p, n);
  // Words that cover the string (overlapping where shorter): with its length they are the string.
  const auto load = [&](uint32_t at, size_t bytes) {
    uint64_t w = 0;
    std::memcpy(&w, p + at, bytes);
    return w;
  };
  uint64_t words[4] = {};
  if (n >= 8) {
    words[0] = load(0, 8);
    words[1] = n > 16 ? load(8, 8) : 0;
    words[2] = n > 24 ? load(16, 8) : 0;
    words[3] = load(n - 8, 8);
  } else if (n >= 4) {
    words[0] = load(0, 4) | load(n - 4, 4) << 32;
  } else if (n > 0) {
    words[0] = load(0, 1) | load(n / 2, 1) << 8 | load(n - 1, 1) << 16;
  }
  // The slots: the product's high bits, which all the words' bits reach (names alike but for a
  // few digits differ in their middle bytes), and the next ones down.
  static_assert((kInternSlots & (kInternSlots - 1)) == 0);
  constexpr int kSlotBits = __builtin_ctzll(kInternSlots);
  const auto hash = [](const uint64_t(&w)[4], uint64_t length) {
    return (w[0] ^ (w[1] << 21 | w[1] >> 43) ^ (w[2] << 42 | w[2] >> 22) ^ w[3] ^ length) * 0x9e3779b97f4a7c15ULL;
  };
  const auto second_of = [](uint64_t h) { return (h >> (64 - 2 * kSlotBits)) & (kInternSlots - 1); };
  const uint64_t h = hash(words, n);
  if (!intern_slots_) intern_slots_ = std::make_unique<InternSlot[]>(kInternSlots);
  InternSlot& first = intern_slots_[h >> (64 - kSlotBits)];
  const auto holds = [&](const InternSlot& slot) {
    return slot.length == n + 1 && slot.words[0] == words[0] && slot.words[1] == words[1] &&
           slot.words[2] == words[2] && slot.words[3] == words[3];
  };
  if (holds(first)) return first.id;
  const InternSlot& second = intern_slots_[second_of(h)];
  if (holds(second)) return second.id;
  if (first.length != 0) {
    // The first slot's string moves to its own second slot (whose string is dropped), unless that
    // is this slot.
    InternSlot& its_second = intern_slots_[second_of(hash(first.words, first.length - 1))];
    if (&its_second != &first) its_second = first;
  }
  first.id = InternIndexed(p, n);
  first.length = n + 1;
  std::copy(std::begin(words), std::end(words), first.words);
  return first.id;
}

uint32_t AggTable::InternIndexed(const char* p, uint32_t n) {
  const std::string_view text(p, n);
  const uint32_t count = static_cast<uint32_t>(intern_at_.size() - 1);
  const uint32_t id = intern_index_.FindOrAdd(
      HashString(p, n), count, [&](uint32_t i) {
        const std::string_view v = Interned(i);
        return v.size() == n && BytesEqual(v.data(), p, n);
      },
      [&](uint32_t i) {
        const std::string_view v = Interned(i);
        return HashString(v.data(), static_cast<uint32_t>(v.size()));
      });
  if (id == count) {
    intern_bytes_.append(text);
    intern_at_.push_back(intern_bytes_.size());
  }
  return id;
}

uint8_t* AggTable::Insert(uint64_t hash, const int64_t* values, const char* const* bytes, const uint8_t* valid) {
  const size_t g = hashes_.size();
  if (g % kChunkRecords == 0) {
    // Aligned to a pair of lines, which the core's adjacent-line prefetch fetches together: a
    // record of two lines (hunt b's) then comes whole with one miss.
    constexpr size_t kPair = 2 * kLine;
    chunks_.push_back(std::make_unique_for_overwrite<uint64_t[]>((record_bytes_ * kChunkRecords + kPair) / 8));
    const auto at = reinterpret_cast<uintptr_t>(chunks_.back().get());
    records_.push_back(reinterpret_cast<uint8_t*>((at + kPair - 1) & ~uintptr_t{kPair - 1}));
  }
  hashes_.push_back(hash);
  first_ranges_.push_back(range_);
  uint8_t* record = Record(g);
  std::memset(record, 0, record_bytes_);
  for (size_t k = 0; k < layout_.keys.size(); ++k) {
    record[valid_at_ + k] = valid[k] != 0;
    if (!valid[k]) continue;
    uint8_t* at = record + key_at_[k];
    if (layout_.keys[k] == Type::String) {
      const auto n = static_cast<uint32_t>(values[k]);
      std::memcpy(record + length_at_[k], &n, sizeof n);
      if (n <= kInlineKey) {
        std::memcpy(at, bytes[k], n);
        continue;
      }
      Store(at, static_cast<int64_t>(strings_.size()));
      strings_.append(bytes[k], n);
    } else {
      Store(at, values[k]);
    }
  }
  uint8_t* state = record + keys_bytes_;
  for (const AggSlotSpec& s : layout_.slots) {
    switch (s.slot) {
      case AggSlot::PickString: new (state + s.offset) StringPick(); break;
      case AggSlot::DCount: new (state + s.offset) DistinctCounter(); break;
      case AggSlot::DCountString: new (state + s.offset) StringDistinct(); break;
      case AggSlot::List: new (state + s.offset) ListState(); break;
      case AggSlot::Arg: new (state + s.offset) ArgState(); break;
      default: break;  // zero bytes are the empty state
    }
  }
  return record;
}

void AggTable::MergeState(const AggSlotSpec& s, const AggregateSpec& spec, uint8_t* into, const AggTable& from_table,
                          const uint8_t* from, uint64_t* ids) {
  switch (s.slot) {
    case AggSlot::Count:
    case AggSlot::SumInt:
      Store(into, static_cast<int64_t>(static_cast<uint64_t>(Load(into)) + static_cast<uint64_t>(Load(from))));
      return;
    case AggSlot::SumReal: Store(into, Bits(Real(Load(into)) + Real(Load(from)))); return;
    case AggSlot::Avg:
      Store(into, Bits(Real(Load(into)) + Real(Load(from))));
      Store(into + 8, Load(into + 8) + Load(from + 8));
      return;
    case AggSlot::Variance: {
      // Two parts' counts, means and sums of squared deviations combined (Chan et al.): what one
      // pass over both gives, up to rounding.
      const int64_t n = Load(into), m = Load(from);
      if (m == 0) return;
      if (n == 0) {
        std::memcpy(into, from, 24);
        return;
      }
      const double mean = Real(Load(into + 8)), delta = Real(Load(from + 8)) - mean;
      const double total = static_cast<double>(n + m);
      Store(into, n + m);
      Store(into + 8, Bits(mean + delta * static_cast<double>(m) / total));
      Store(into + 16, Bits(Real(Load(into + 16)) + Real(Load(from + 16)) +
                            delta * delta * static_cast<double>(n) * static_cast<double>(m) / total));
      return;
    }
    case AggSlot::PickInt:
    case AggSlot::PickReal: {
      if (!Load(from + 8)) return;
      bool take = !Load(into + 8);
      if (!take && (IsMin(spec.kind) || IsMax(spec.kind))) {
        const int c = s.slot == AggSlot::PickInt ? (Load(from) > Load(into)) - (Load(from) < Load(into))
                                                 : (Real(Load(from)) > Real(Load(into))) - (Real(Load(from)) < Real(Load(into)));
        take = IsMax(spec.kind) ? c > 0 : c < 0;
      }
      if (take) std::memcpy(into, from, 16);
      return;
    }
    case AggSlot::PickString: {
      const auto* f = std::launder(reinterpret_cast<const StringPick*>(from));
      if (f->has) {
        huntc_agg_pick_str(into, f->value.data(), static_cast<uint32_t>(f->value.size()),
                           IsMin(spec.kind) ? 1 : IsMax(spec.kind) ? 2 : 0);
      }
      return;
    }
    case AggSlot::DCount:
      std::launder(reinterpret_cast<DistinctCounter*>(into))->Merge(*std::launder(reinterpret_cast<const DistinctCounter*>(from)));
      return;
    case AggSlot::DCountString: {
      auto* i = std::launder(reinterpret_cast<StringDistinct*>(into));
      const auto* f = std::launder(reinterpret_cast<const StringDistinct*>(from));
      if (f->counting()) {
        if (!i->counting()) i->ToCounter(*this);
        i->counter()->Merge(*f->counter());
        return;
      }
      f->ForEachId([&](uint32_t id) {
        const std::string_view text = from_table.Interned(id);
        i->AddCoded(*this, text.data(), static_cast<uint32_t>(text.size()), ids[id]);
      });
      return;
    }
    case AggSlot::Arg: {
      // As the interpreter, offered the other side's chosen row after this side's rows.
      auto* i = std::launder(reinterpret_cast<ArgState*>(into));
      const auto* f = std::launder(reinterpret_cast<const ArgState*>(from));
      if (!f->taken) return;
      bool take = !i->taken;
      if (!f->best.null) {
        const int c = i->best.null ? 1 : CompareCells(s.arg, f->best, i->best);
        take = i->best.null || (spec.kind == AggKind::ArgMax ? c > 0 : c < 0);
      }
      if (take) *i = *f;
      return;
    }
    case AggSlot::List: {
      // Both lists' values in order of their ranges, this one's first within a range: as one
      // list fed both tables' rows in input order keeps them (a range's rows fed one table).
      auto* i = std::launder(reinterpret_cast<ListState*>(into));
      const auto* f = std::launder(reinterpret_cast<const ListState*>(from));
      const size_t limit = LimitOf(spec);
      if (f->size == 0 || (i->size >= limit && i->range(i->size - 1) <= f->range(0))) return;
      const auto value_of = [&](int64_t v) {  // an id of the other table's strings: this table's
        if (s.arg != Type::String && s.arg != Type::Dynamic) return v;
        uint64_t& id = ids[static_cast<size_t>(v)];
        if (id == 0) {
          const std::string_view text = from_table.Interned(v);
          id = static_cast<uint64_t>(Intern(text.data(), static_cast<uint32_t>(text.size()))) + 1;
        }
        return static_cast<int64_t>(id - 1);
      };
      ListState both;
      for (uint32_t a = 0, b = 0; (a < i->size || b < f->size) && both.size < limit;) {
        if (a < i->size && (b == f->size || i->range(a) <= f->range(b))) {
          both.Add(i->values()[a], i->range(a), limit, IsSet(spec.kind));
          ++a;
        } else {
          both.Add(value_of(f->values()[b]), f->range(b), limit, IsSet(spec.kind));
          ++b;
        }
      }
      *i = std::move(both);
      return;
    }
  }
}

void AggTable::Swap(AggTable& other) {
  std::swap(chunks_, other.chunks_);
  std::swap(records_, other.records_);
  std::swap(hashes_, other.hashes_);
  std::swap(first_ranges_, other.first_ranges_);
  std::swap(range_, other.range_);
  std::swap(order_, other.order_);
  std::swap(adopted_, other.adopted_);
  std::swap(adopted_groups_, other.adopted_groups_);
  std::swap(index_, other.index_);
  std::swap(strings_, other.strings_);
  std::swap(intern_index_, other.intern_index_);
  std::swap(intern_at_, other.intern_at_);
  std::swap(intern_bytes_, other.intern_bytes_);
  std::swap(intern_slots_, other.intern_slots_);
  std::swap(code_caches_, other.code_caches_);
  std::swap(key_cache_, other.key_cache_);
}

void AggTable::KeysOf(const AggTable& other, size_t g, int64_t* values, const char** bytes,
                      uint8_t* valid) const {
  const uint8_t* record = other.Record(g);
  for (uint32_t k = 0; k < layout_.keys.size(); ++k) {
    valid[k] = other.KeyValid(record, k);
    const bool text = layout_.keys[k] == Type::String && other.KeyValid(record, k);
    values[k] = text ? other.KeyLength(record, k) : other.KeyValue(record, k);
    bytes[k] = text ? other.KeyText(record, k).data() : nullptr;
  }
}

void AggTable::MergeGroups(const std::vector<const AggTable*>& sources,
                           const std::pair<size_t, size_t>* taken, size_t n,
                           std::vector<std::vector<uint64_t>>& interned,
                           const std::vector<std::vector<int64_t>>& found, uint32_t* ids) {
  // Only the entries not known here are looked up (Groups), the others' ids are known: a group of
  // this table or one MergeFound merged, whose record need not be read again.
  std::vector<size_t> look;
  look.reserve(n);
  for (size_t j = 0; j < n; ++j) {
    const auto [p, g] = taken[j];
    const bool known = sources[p] == this || (!found[p].empty() && found[p][g] >= 0);
    if (!known) {
      look.push_back(j);
    } else if (ids) {
      ids[j] = static_cast<uint32_t>(sources[p] == this ? g : static_cast<size_t>(found[p][g]));
    }
  }
  const size_t m = look.size(), nkeys = layout_.keys.size();
  if (m == 0) return;
  std::vector<uint64_t> hashes(m);
  std::vector<int64_t> values(m * nkeys);
  std::vector<const char*> bytes(m * nkeys);
  std::vector<uint8_t> valid(m * nkeys);
  std::vector<uint8_t*> states(m, nullptr);
  std::vector<uint32_t> looked(m);
  for (size_t k = 0; k < m; ++k) {
    const auto [p, g] = taken[look[k]];
    hashes[k] = sources[p]->hashes_[g];
    // Pointers, not &v[i]: with no keys the vectors are empty.
    KeysOf(*sources[p], g, values.data() + k * nkeys, bytes.data() + k * nkeys, valid.data() + k * nkeys);
  }
  Groups(static_cast<uint32_t>(m), hashes.data(), values.data(), bytes.data(), valid.data(),
         states.data(), nullptr, nullptr, looked.data());
  for (size_t k = 0; k < m; ++k) {
    const auto [p, g] = taken[look[k]];
    if (ids) ids[look[k]] = looked[k];
    const AggTable& other = *sources[p];
    if (interned[p].empty()) interned[p].assign(other.intern_at_.size() - 1, 0);
    MergeStates(states[k], other, g, interned[p].data());
  }
}

void AggTable::MergeStates(uint8_t* into, const AggTable& other, size_t g, uint64_t* interned) {
  const uint8_t* from = other.Record(g) + other.keys_bytes_;
  for (size_t a = 0; a < layout_.slots.size(); ++a) {
    const AggSlotSpec& s = layout_.slots[a];
    MergeState(s, node_.aggregates[a], into + s.offset, other, from + s.offset, interned);
  }
}

void AggTable::MergeFound(const AggTable& other, size_t begin, size_t end, uint64_t* interned,
                          int64_t* found) {
  const size_t nkeys = layout_.keys.size();
  std::vector<int64_t> values(nkeys);
  std::vector<const char*> bytes(nkeys);
  std::vector<uint8_t> valid(nkeys);
  // The index slots and then the likely records of groups a little ahead are fetched while
  // these are compared: a large table's lookups are cache misses.
  constexpr size_t kSlotsAhead = 16, kRecordsAhead = 8;
  for (size_t g = begin; g < end; ++g) {
    if (g + kSlotsAhead < end) index_.Prefetch(other.hashes_[g + kSlotsAhead]);
    if (g + kRecordsAhead < end) {
      const int64_t likely = index_.Likely(other.hashes_[g + kRecordsAhead]);
      if (likely >= 0) __builtin_prefetch(Record(static_cast<size_t>(likely)));
    }
    KeysOf(other, g, values.data(), bytes.data(), valid.data());
    const int64_t id = index_.Find(other.hashes_[g], [&](uint32_t id) {
      return Equal(Record(id), values.data(), bytes.data(), valid.data());
    });
    found[g] = id;
    if (id >= 0) MergeStates(Record(static_cast<size_t>(id)) + keys_bytes_, other, g, interned);
  }
}

void AggTable::Merge(const AggTable& other) {
  // The other table's groups are looked up kMergeChunk at a time (Groups: their index slots and
  // records fetched together), in order, so new ones are added in their order of first sight.
  const std::vector<const AggTable*> sources = {&other};
  std::vector<std::vector<uint64_t>> interned(1);
  const std::vector<std::vector<int64_t>> found(1);
  std::vector<std::pair<size_t, size_t>> taken(kMergeChunk);
  for (size_t first = 0; first < other.hashes_.size(); first += kMergeChunk) {
    const size_t n = std::min(kMergeChunk, other.hashes_.size() - first);
    for (size_t j = 0; j < n; ++j) taken[j] = {0, first + j};
    MergeGroups(sources, taken.data(), n, interned, found, nullptr);
  }
}

void AggTable::Merge(const std::vector<AggTable*>& parts, unsigned threads) {
  if (parts.empty()) return;
  const auto most = [](const AggTable* a, const AggTable* b) { return a->groups() < b->groups(); };
  const size_t base =
      static_cast<size_t>(std::max_element(parts.begin(), parts.end(), most) - parts.begin());
  Swap(*parts[base]);
  if (parts.size() == 1) return;
  std::vector<const AggTable*> sources(parts.begin(), parts.end());
  sources[base] = this;
  std::vector<size_t> count(parts.size());  // per part, its groups (this table's before the merge)
  for (size_t p = 0; p < parts.size(); ++p) count[p] = sources[p]->groups();
  std::vector<std::vector<uint64_t>> interned(parts.size());
  std::vector<std::vector<int64_t>> found(parts.size());
  // With two parts (two reading threads), the other's groups that this table has are found and
  // merged on several threads first (MergeFound): each merges into its own group here, and only
  // into it, as the walk below would. The other's strings are all interned here before (in
  // another order than the walk's: other ids, the same results) so that no state merged at once
  // interns one.
  if (parts.size() == 2 && threads > 1) {
    const size_t o = 1 - base;
    const AggTable& other = *sources[o];
    interned[o].resize(other.intern_at_.size() - 1);
    for (size_t id = 0; id < interned[o].size(); ++id) {
      const std::string_view text = other.Interned(static_cast<int64_t>(id));
      interned[o][id] = static_cast<uint64_t>(Intern(text.data(), static_cast<uint32_t>(text.size()))) + 1;
    }
    found[o].assign(count[o], -1);
    const size_t pieces = (count[o] + kMergePiece - 1) / kMergePiece;
    ForEachParallel(pieces, threads, [&](size_t piece) {
      const size_t begin = piece * kMergePiece;
      MergeFound(other, begin, std::min(count[o], begin + kMergePiece), interned[o].data(), found[o].data());
    });
    // The other's groups not found here (most of hunt b's: an address and port are mostly seen in
    // a few ranges, so by one thread) stay in its table, which this one takes over with the
    // strings their states name: the walk below only orders them with the rest, where it added
    // and merged each here, on one thread, into records of new memory.
    if (std::find(found[o].begin(), found[o].end(), -1) != found[o].end()) {
      adopted_ = std::make_unique<AggTable>(node_, layout_);
      adopted_->Swap(*parts[o]);
      sources[o] = adopted_.get();
      for (size_t g = 0; g < count[o]; ++g) {
        if (found[o][g] >= 0) continue;
        found[o][g] = static_cast<int64_t>(hashes_.size() + g);
        ++adopted_groups_;
      }
    }
  }
  // The parts' groups (this table's own among them) are taken kMergeChunk at a time in order of
  // their first ranges (each part's groups are in that order, first seen in increasing ranges),
  // the others' merged: the order of first sight is that of the groups' first entries.
  std::vector<std::pair<size_t, size_t>> taken(kMergeChunk);  // (part, group)
  std::vector<uint32_t> ids(kMergeChunk);
  std::vector<bool> placed;
  std::vector<size_t> next(parts.size(), 0);
  while (true) {
    size_t n = 0;
    for (; n < kMergeChunk; ++n) {
      size_t best = parts.size();
      for (size_t p = 0; p < parts.size(); ++p) {
        if (next[p] == count[p]) continue;
        if (best == parts.size() ||
            sources[p]->first_ranges_[next[p]] < sources[best]->first_ranges_[next[best]]) {
          best = p;
        }
      }
      if (best == parts.size()) break;
      taken[n] = {best, next[best]++};
    }
    if (n == 0) break;
    MergeGroups(sources, taken.data(), n, interned, found, ids.data());
    // This table's groups, as the walk adds them, then adopted_'s.
    placed.resize(hashes_.size() + (adopted_ ? adopted_->hashes_.size() : 0), false);
    for (size_t j = 0; j < n; ++j) {
      if (!placed[ids[j]]) {
        placed[ids[j]] = true;
        order_.push_back(ids[j]);
      }
    }
  }
}

void AggTable::AppendResult(size_t k_index, const uint8_t* state, Column* const* out) const {
  const AggSlotSpec& s = layout_.slots[k_index];
  const uint8_t* slot = state + s.offset;
  Column& c = *out[0];
  switch (s.slot) {
    case AggSlot::Count:
    case AggSlot::SumInt: c.AppendLong(Load(slot)); return;
    case AggSlot::SumReal: c.AppendReal(Real(Load(slot))); return;
    case AggSlot::Avg:
      if (Load(slot + 8) == 0) {
        c.AppendNull();
      } else {
        c.AppendReal(Real(Load(slot)) / static_cast<double>(Load(slot + 8)));
      }
      return;
    case AggSlot::Variance: {
      // The sample's (n - 1), 0 below two values, as the interpreter's VarianceAgg.
      const int64_t n = Load(slot);
      const double variance = n > 1 ? Real(Load(slot + 16)) / static_cast<double>(n - 1) : 0;
      const bool stdev = node_.aggregates[k_index].kind == AggKind::Stdev || node_.aggregates[k_index].kind == AggKind::StdevIf;
      c.AppendReal(stdev ? std::sqrt(variance) : variance);
      return;
    }
    case AggSlot::PickInt:
    case AggSlot::PickReal:
      if (Load(slot + 8)) AppendValue(c, Load(slot)); else c.AppendNull();
      return;
    case AggSlot::PickString: {
      const auto* p = std::launder(reinterpret_cast<const StringPick*>(slot));
      if (p->has) c.AppendString(p->value); else c.AppendNull();
      return;
    }
    case AggSlot::DCount: c.AppendLong(std::launder(reinterpret_cast<const DistinctCounter*>(slot))->Estimate()); return;
    case AggSlot::DCountString: c.AppendLong(std::launder(reinterpret_cast<const StringDistinct*>(slot))->Estimate()); return;
    case AggSlot::Arg: {
      const auto* a = std::launder(reinterpret_cast<const ArgState*>(slot));
      AppendCell(c, a->best);
      for (size_t k = 0; k < node_.aggregates[k_index].outputs.size(); ++k) {
        if (a->taken) AppendCell(*out[k + 1], a->outputs[k]); else out[k + 1]->AppendNull();
      }
      return;
    }
    case AggSlot::List: {
      // The values as the interpreter's make_set/make_list writes them: each cell's JSON.
      const auto* l = std::launder(reinterpret_cast<const ListState*>(slot));
      const int64_t* items = l->values();
      std::string text = "[";
      if (s.arg == Type::String) {
        for (uint32_t i = 0; i < l->size; ++i) {
          if (i) text.push_back(',');
          AppendJsonString(text, Interned(items[i]));
        }
      } else if (s.arg == Type::Dynamic) {
        for (uint32_t i = 0; i < l->size; ++i) {
          if (i) text.push_back(',');
          text += Interned(items[i]);
        }
      } else {
        Column values(s.arg);
        for (uint32_t i = 0; i < l->size; ++i) AppendValue(values, items[i]);
        for (size_t i = 0; i < values.size(); ++i) {
          if (i) text.push_back(',');
          text += CellToJson(values, i).Serialize();
        }
      }
      text.push_back(']');
      c.AppendString(text);
      return;
    }
  }
}

void AggTable::OfferArg(size_t k, uint8_t* state, const ColumnView* columns, uint64_t row, const Cell& value,
                        bool present) {
  auto* a = std::launder(reinterpret_cast<ArgState*>(state));
  const AggregateSpec& spec = node_.aggregates[k];
  bool take;
  if (!present) {
    take = !a->taken;  // a group whose values are all null still returns one of its rows
  } else {
    take = a->best.null;
    if (!take) {
      const int c = CompareCells(layout_.slots[k].arg, value, a->best);
      take = spec.kind == AggKind::ArgMax ? c > 0 : c < 0;
    }
  }
  if (!take) return;
  a->best = value;  // a NaN taken as a null row's stays, as the interpreter's Take keeps it
  const std::vector<ColumnSpec>& schema = node_.inputs[0]->schema;
  a->outputs.resize(spec.outputs.size());
  for (size_t o = 0; o < spec.outputs.size(); ++o) {
    const size_t c = static_cast<size_t>(spec.outputs[o].column);
    a->outputs[o] = ViewCell(columns[c], schema[c].type, row);
  }
  a->taken = true;
}

Batch AggTable::Result(const std::vector<bool>* columns, const std::vector<uint32_t>* groups,
                       size_t begin, size_t end) {
  if (node_.keys.empty() && this->groups() == 0) Group(0, nullptr, nullptr, nullptr);
  end = std::min(end, groups ? groups->size() : this->groups());
  begin = std::min(begin, end);
  const size_t rows = end - begin;
  const auto wanted = [&](size_t c) { return !columns || (*columns)[c]; };
  Batch result(node_.schema);
  for (size_t c = 0; c < result.columns.size(); ++c) {
    if (wanted(c)) result.columns[c].Reserve(rows);  // grown once, not copied as it grows
  }
  const size_t nkeys = layout_.keys.size();
  // Per aggregate, its first result column, and whether any of its columns is wanted.
  std::vector<size_t> first(layout_.slots.size());
  std::vector<bool> made(layout_.slots.size(), false);
  for (size_t a = 0, column = nkeys; a < layout_.slots.size(); ++a) {
    first[a] = column;
    for (size_t j = 0; j < node_.aggregates[a].names.size(); ++j) made[a] = made[a] || wanted(column + j);
    column += node_.aggregates[a].names.size();
  }
  // Row i's table (a group of adopted_ is read there, with its strings) and record.
  const auto locate = [&](size_t i) {
    const size_t row = groups ? (*groups)[i] : i;
    const size_t id = order_.empty() ? row : order_[row];
    const AggTable& table = id < hashes_.size() ? *this : *adopted_;
    return std::pair{&table, table.Record(id < hashes_.size() ? id : id - hashes_.size())};
  };
  // The records of rows a little ahead, then the value arrays of their lists made (make_set's
  // JSON), are fetched while these rows are made: a large table's are cache misses, not in
  // order once a merge or a filter's positions order the groups.
  std::vector<AggSlotSpec> lists;
  for (size_t a = 0; a < layout_.slots.size(); ++a) {
    if (made[a] && layout_.slots[a].slot == AggSlot::List) lists.push_back(layout_.slots[a]);
  }
  constexpr size_t kRecordsAhead = 16, kArraysAhead = 8;
  const size_t bytes_ahead = std::min<size_t>(record_bytes_, 256);  // as Groups fetches
  std::vector<Column*> outs;
  for (size_t i = begin; i < end; ++i) {
    if (i + kRecordsAhead < end) {
      const auto ahead = reinterpret_cast<uintptr_t>(locate(i + kRecordsAhead).second);
      for (uintptr_t line = ahead & ~uintptr_t{kLine - 1}; line < ahead + bytes_ahead; line += kLine) {
        __builtin_prefetch(reinterpret_cast<const void*>(line));
      }
    }
    if (!lists.empty() && i + kArraysAhead < end) {
      const uint8_t* ahead = locate(i + kArraysAhead).second + keys_bytes_;
      for (const AggSlotSpec& s : lists) PrefetchArray(s.slot, ahead + s.offset);
    }
    const auto [table_of, record] = locate(i);
    const AggTable& table = *table_of;
    for (uint32_t k = 0; k < nkeys; ++k) {
      if (!wanted(k)) continue;
      Column& c = result.columns[k];
      if (!table.KeyValid(record, k)) {
        c.AppendNull();
      } else if (layout_.keys[k] == Type::String) {
        c.AppendString(table.KeyText(record, k));
      } else {
        AppendValue(c, table.KeyValue(record, k));
      }
    }
    for (size_t a = 0; a < layout_.slots.size(); ++a) {
      if (!made[a]) continue;
      outs.clear();
      for (size_t j = 0; j < node_.aggregates[a].names.size(); ++j) outs.push_back(&result.columns[first[a] + j]);
      table.AppendResult(a, record + keys_bytes_, outs.data());
    }
  }
  result.row_count = rows;
  return result;
}

}  // namespace huntc::exec

using huntc::exec::AggTable;
using huntc::exec::DistinctCounter;
using huntc::exec::ListState;
using huntc::exec::StringDistinct;
using huntc::exec::StringPick;

extern "C" {

uint8_t* huntc_agg_group(void* table, uint64_t hash, const int64_t* values, const char* const* bytes,
                         const uint8_t* valid) {
  return static_cast<AggTable*>(table)->Group(hash, values, bytes, valid);
}

void huntc_agg_groups(void* table, uint32_t n, const uint64_t* hashes, const int64_t* values,
                      const char* const* bytes, const uint8_t* valid, uint8_t** states, uint64_t* cache,
                      const uint8_t* codes) {
  static_cast<AggTable*>(table)->Groups(n, hashes, values, bytes, valid, states, cache, codes);
}

uint64_t* huntc_agg_code_cache(void* table, uint32_t k) { return static_cast<AggTable*>(table)->CodeCache(k); }

void* huntc_agg_key_cache(void* table, uint32_t rows) {
  return static_cast<AggTable*>(table)->KeyCacheForBatch(rows);
}

int32_t huntc_agg_key_add(void* cache, uint64_t slot, const char* p, uint64_t n, uint64_t w0, uint64_t w1,
                          uint64_t w2) {
  const uint64_t words[3] = {w0, w1, w2};
  return AggTable::AddKey(*static_cast<AggTable::KeyCache*>(cache), slot, p, n, words);
}

int32_t huntc_agg_bytes_equal(const char* a, const char* b, uint64_t n) {
  return huntc::exec::BytesEqual(a, b, n) ? 1 : 0;
}

uint64_t huntc_agg_hash_str(const char* p, uint32_t n) { return huntc::exec::HashString(p, n); }

void huntc_agg_dcount_int(void* state, int64_t v) {
  std::launder(static_cast<DistinctCounter*>(state))->Add(huntc::exec::HashKeyInteger(v));
}

void huntc_agg_dcount_real(void* state, double v) {
  std::launder(static_cast<DistinctCounter*>(state))->Add(huntc::exec::HashKeyReal(v));
}

void huntc_agg_dcount_str(void* table, void* state, const char* p, uint32_t n) {
  std::launder(static_cast<StringDistinct*>(state))->Add(*static_cast<AggTable*>(table), p, n);
}

void huntc_agg_dcount_code(void* table, void* state, const char* p, uint32_t n, uint64_t* cache, uint32_t code) {
  auto& t = *static_cast<AggTable*>(table);
  std::launder(static_cast<StringDistinct*>(state))->AddCoded(t, p, n, cache[code]);
}

void huntc_agg_list_int(void* table, void* state, int64_t v, int64_t limit, int32_t set) {
  std::launder(static_cast<ListState*>(state))
      ->Add(v, static_cast<AggTable*>(table)->range(),
            static_cast<size_t>(std::max<int64_t>(limit, 0)), set != 0);
}

void huntc_agg_list_str(void* table, void* state, const char* p, uint32_t n, int64_t limit, int32_t set) {
  auto* l = std::launder(static_cast<ListState*>(state));
  if (limit <= 0 || l->size >= static_cast<uint64_t>(limit)) return;  // full: no need to intern
  auto& t = *static_cast<AggTable*>(table);
  if (set != 0 && huntc::exec::HoldsText(t, l->values(), l->size, p, n)) return;
  l->Add(t.Intern(p, n), t.range(), static_cast<size_t>(limit), set != 0);
}

void huntc_agg_list_code(void* table, void* state, const char* p, uint32_t n, int64_t limit, int32_t set,
                         uint64_t* cache, uint32_t code) {
  auto* l = std::launder(static_cast<ListState*>(state));
  if (limit <= 0 || l->size >= static_cast<uint64_t>(limit)) return;
  auto& t = *static_cast<AggTable*>(table);
  uint64_t& id = cache[code];
  if (id == 0) id = static_cast<uint64_t>(t.Intern(p, n)) + 1;
  l->Add(static_cast<int64_t>(id - 1), t.range(), static_cast<size_t>(limit), set != 0);
}

void huntc_agg_list_dyn(void* table, void* state, const char* p, uint32_t n, int64_t limit, int32_t set) {
  auto* l = std::launder(static_cast<ListState*>(state));
  if (limit <= 0 || l->size >= static_cast<uint64_t>(limit)) return;
  auto& t = *static_cast<AggTable*>(table);
  huntc::exec::ForEachListItem(huntc::exec::ParseDynamic(std::string_view(p, n)), set != 0,
                               [&](const std::string& text) {
                                 l->Add(t.Intern(text.data(), static_cast<uint32_t>(text.size())),
                                        t.range(), static_cast<size_t>(limit), set != 0);
                               });
}

void huntc_agg_pick_str(void* state, const char* p, uint32_t n, int32_t mode) {
  auto* s = std::launder(static_cast<StringPick*>(state));
  const std::string_view v(p, n);
  if (s->has) {
    if (mode == 0) return;
    const int c = v.compare(s->value);
    if (mode == 1 ? c >= 0 : c <= 0) return;
  }
  s->value.assign(v);
  s->has = 1;
}

void huntc_agg_arg_int(void* table, uint32_t k, void* state, const void* columns, uint64_t row, int64_t v,
                       int32_t valid) {
  huntc::exec::Cell cell;
  cell.null = valid == 0;
  cell.integer = v;
  static_cast<AggTable*>(table)->OfferArg(k, static_cast<uint8_t*>(state), static_cast<const huntc::ColumnView*>(columns),
                                          row, cell, valid != 0);
}

void huntc_agg_arg_real(void* table, uint32_t k, void* state, const void* columns, uint64_t row, double v,
                        int32_t valid) {
  huntc::exec::Cell cell;
  const bool present = valid != 0 && !std::isnan(v);  // NaN counts as null
  cell.null = valid == 0;
  cell.real = v;
  static_cast<AggTable*>(table)->OfferArg(k, static_cast<uint8_t*>(state), static_cast<const huntc::ColumnView*>(columns),
                                          row, cell, present);
}

void huntc_agg_arg_str(void* table, uint32_t k, void* state, const void* columns, uint64_t row, const char* p,
                       uint32_t n) {
  huntc::exec::Cell cell;
  cell.null = false;
  cell.text.assign(p, n);
  static_cast<AggTable*>(table)->OfferArg(k, static_cast<uint8_t*>(state), static_cast<const huntc::ColumnView*>(columns),
                                          row, cell, true);
}

}  // extern "C"
