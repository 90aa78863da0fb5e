// Columnar batch storage.
#include "runtime/batch.h"

#include <algorithm>
#include <cstring>

namespace huntc {
namespace {

// Slots of a dictionary's hash table: a power of two, at most half full at kMaxDistinct values.
constexpr size_t kSlots = 2 * Column::kMaxDistinct;
static_assert((kSlots & (kSlots - 1)) == 0 && Column::kMaxDistinct <= 256, "codes are bytes");

// A hash of a short string, eight bytes at a time: enough to spread a few hundred values. The
// last bytes are read with fixed-size loads (the last word overlapping the one before), not a
// copy of variable size: that copy's call and its stalled reload cost more than the rest.
uint64_t HashValue(std::string_view v) {
  const auto load = [](const char* p, auto word) {
    std::memcpy(&word, p, sizeof word);
    return word;
  };
  const size_t n = v.size();
  const char* p = v.data();
  uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
  uint64_t tail = 0;
  if (n >= 8) {
    for (size_t i = 0; i + 8 < n; i += 8) {
      h = (h ^ load(p + i, uint64_t{})) * 0xbf58476d1ce4e5b9ULL;
      h ^= h >> 31;
    }
    tail = load(p + n - 8, uint64_t{});
  } else if (n >= 4) {
    tail = load(p, uint32_t{}) | uint64_t{load(p + n - 4, uint32_t{})} << 32;
  } else if (n > 0) {
    tail = static_cast<unsigned char>(p[0]) | static_cast<unsigned char>(p[n / 2]) << 8 |
           static_cast<unsigned char>(p[n - 1]) << 16;
  }
  h = (h ^ tail) * 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 29;
  return h * 0x94d049bb133111ebULL;
}

// Room for `more` elements in `v`, growing geometrically: reserve(size + more) alone would make
// many small appends to a long column (a join table's chunk) reallocate every time.
template <typename V>
void Grow(V& v, size_t more) {
  if (v.size() + more > v.capacity()) v.reserve(std::max(v.size() + more, 2 * v.capacity()));
}

}  // namespace

void Column::Clear() {
  valid_.clear();
  u8_.clear();
  i32_.clear();
  i64_.clear();
  f64_.clear();
  offsets_.resize(1);
  bytes_.clear();
  if (dictionary_) {
    // A batch that went beyond kMaxDistinct values predicts the next ones: those are plain, but
    // for a try every kRetryBatches batches, should the values change.
    plain_batches_ = overflowed_ || plain_batches_ > 0 ? (plain_batches_ + 1) % kRetryBatches : 0;
    overflowed_ = false;
    encoded_ = plain_batches_ == 0;
    codes_.clear();
    distinct_rows_.clear();
    std::fill(slots_.begin(), slots_.end(), uint16_t{0});
  }
}

void Column::EnableDictionary() {
  if (type_ != Type::String || dictionary_) return;
  dictionary_ = true;
  slots_.assign(kSlots, 0);
  codes_.reserve(valid_.capacity());
  encoded_ = size() == 0;  // rows appended before are not interned: plain until Clear
}

// Appends the code of `v`, the value of the row just appended (at size() - 1).
void Column::Intern(std::string_view v) {
  size_t slot = (HashValue(v) >> 40) & (kSlots - 1);
  for (;; slot = (slot + 1) & (kSlots - 1)) {
    const uint16_t entry = slots_[slot];
    if (entry == 0) break;
    if (StringAt(distinct_rows_[entry - 1]) == v) {
      codes_.push_back(static_cast<uint8_t>(entry - 1));
      return;
    }
  }
  if (distinct_rows_.size() == kMaxDistinct) {  // too many values: plain until Clear
    encoded_ = false;
    overflowed_ = true;
    codes_.clear();
    distinct_rows_.clear();
    return;
  }
  distinct_rows_.push_back(static_cast<uint32_t>(size() - 1));
  slots_[slot] = static_cast<uint16_t>(distinct_rows_.size());
  codes_.push_back(static_cast<uint8_t>(distinct_rows_.size() - 1));
}

void Column::Reserve(size_t rows) {
  valid_.reserve(rows);
  switch (type_) {
    case Type::Bool: u8_.reserve(rows); break;
    case Type::Int: i32_.reserve(rows); break;
    case Type::Long:
    case Type::DateTime:
    case Type::TimeSpan: i64_.reserve(rows); break;
    case Type::Real:
    case Type::Decimal: f64_.reserve(rows); break;
    default: offsets_.reserve(rows + 1); break;
  }
}

void Column::AppendNull() {
  switch (type_) {
    case Type::Bool: u8_.push_back(0); break;
    case Type::Int: i32_.push_back(0); break;
    case Type::Long:
    case Type::DateTime:
    case Type::TimeSpan: i64_.push_back(0); break;
    case Type::Real:
    case Type::Decimal: f64_.push_back(0); break;
    case Type::String:
      offsets_.push_back(static_cast<uint32_t>(bytes_.size()));
      valid_.push_back(1);
      if (encoded_) Intern({});
      return;
    default: offsets_.push_back(static_cast<uint32_t>(bytes_.size())); break;
  }
  valid_.push_back(0);
}

void Column::AppendNulls(size_t n) {
  if (n == 0) return;
  if (encoded_) {  // each null's code, as AppendNull interns it
    for (size_t k = 0; k < n; ++k) AppendNull();
    return;
  }
  switch (type_) {
    case Type::Bool: u8_.resize(u8_.size() + n, 0); break;
    case Type::Int: i32_.resize(i32_.size() + n, 0); break;
    case Type::Long:
    case Type::DateTime:
    case Type::TimeSpan: i64_.resize(i64_.size() + n, 0); break;
    case Type::Real:
    case Type::Decimal: f64_.resize(f64_.size() + n, 0); break;
    case Type::String:
      offsets_.resize(offsets_.size() + n, static_cast<uint32_t>(bytes_.size()));
      valid_.resize(valid_.size() + n, 1);
      return;
    default: offsets_.resize(offsets_.size() + n, static_cast<uint32_t>(bytes_.size())); break;
  }
  valid_.resize(valid_.size() + n, 0);
}

void Column::AppendBool(bool v) {
  u8_.push_back(v);
  valid_.push_back(1);
}

void Column::AppendInt(int32_t v) {
  i32_.push_back(v);
  valid_.push_back(1);
}

void Column::AppendLong(int64_t v) {
  i64_.push_back(v);
  valid_.push_back(1);
}

void Column::AppendReal(double v) {
  f64_.push_back(v);
  valid_.push_back(1);
}

void Column::AppendString(std::string_view v) {
  bytes_.append(v);
  offsets_.push_back(static_cast<uint32_t>(bytes_.size()));
  valid_.push_back(1);
  if (encoded_) Intern(v);
}

void Column::AppendFrom(const Column& other, size_t row) {
  if (other.IsNull(row)) {
    AppendNull();
    return;
  }
  switch (type_) {
    case Type::Bool: AppendBool(other.BoolAt(row)); break;
    case Type::Int: AppendInt(other.IntAt(row)); break;
    case Type::Long:
    case Type::DateTime:
    case Type::TimeSpan: AppendLong(other.LongAt(row)); break;
    case Type::Real:
    case Type::Decimal: AppendReal(other.RealAt(row)); break;
    default: AppendString(other.StringAt(row)); break;
  }
}

void Column::AppendRows(const Column& other, const uint32_t* rows, size_t n) {
  Grow(valid_, n);
  switch (type_) {
    case Type::Bool:
      for (size_t k = 0; k < n; ++k) u8_.push_back(other.IsNull(rows[k]) ? 0 : other.u8_[rows[k]]);
      break;
    case Type::Int:
      for (size_t k = 0; k < n; ++k) i32_.push_back(other.IsNull(rows[k]) ? 0 : other.i32_[rows[k]]);
      break;
    case Type::Long:
    case Type::DateTime:
    case Type::TimeSpan:
      for (size_t k = 0; k < n; ++k) i64_.push_back(other.IsNull(rows[k]) ? 0 : other.i64_[rows[k]]);
      break;
    case Type::Real:
    case Type::Decimal:
      for (size_t k = 0; k < n; ++k) f64_.push_back(other.IsNull(rows[k]) ? 0 : other.f64_[rows[k]]);
      break;
    default: {
      size_t bytes = 0;
      for (size_t k = 0; k < n; ++k) bytes += other.offsets_[rows[k] + 1] - other.offsets_[rows[k]];
      Grow(bytes_, bytes);
      Grow(offsets_, n);
      for (size_t k = 0; k < n; ++k) AppendFrom(other, rows[k]);
      return;
    }
  }
  for (size_t k = 0; k < n; ++k) valid_.push_back(other.valid_[rows[k]]);
}

ColumnView Column::View() const {
  ColumnView v{nullptr, valid_.data(), nullptr, nullptr, nullptr, nullptr, 0};
  switch (type_) {
    case Type::Bool: v.values = u8_.data(); break;
    case Type::Int: v.values = i32_.data(); break;
    case Type::Long:
    case Type::DateTime:
    case Type::TimeSpan: v.values = i64_.data(); break;
    case Type::Real:
    case Type::Decimal: v.values = f64_.data(); break;
    default:
      v.offsets = offsets_.data();
      v.bytes = bytes_.data();
      if (encoded_) {
        v.codes = codes_.data();
        v.distinct_rows = distinct_rows_.data();
        v.distinct = static_cast<uint32_t>(distinct_rows_.size());
      }
      break;
  }
  return v;
}

Batch::Batch(std::vector<ColumnSpec> s) : specs(std::move(s)) {
  columns.reserve(specs.size());
  for (const auto& spec : specs) columns.emplace_back(spec.type);
}

ColumnOutput Column::Resize(size_t rows) {
  if (!IsFixedWidth(type_)) {
    Clear();
    Reserve(rows);
    return {this, nullptr};
  }
  valid_.resize(rows);
  switch (type_) {
    case Type::Bool: u8_.resize(rows); return {u8_.data(), valid_.data()};
    case Type::Int: i32_.resize(rows); return {i32_.data(), valid_.data()};
    case Type::Long:
    case Type::DateTime:
    case Type::TimeSpan: i64_.resize(rows); return {i64_.data(), valid_.data()};
    case Type::Real:
    case Type::Decimal: f64_.resize(rows); return {f64_.data(), valid_.data()};
    default: return {nullptr, valid_.data()};  // not reached: the types above are the fixed-width ones
  }
}

void Batch::Clear() {
  for (auto& c : columns) c.Clear();
  row_count = 0;
  readers.clear();
}

void GatherRows(const Batch& batch, const std::vector<size_t>* positions, const uint32_t* rows, size_t n,
                Batch& to) {
  const size_t count = positions ? positions->size() : batch.columns.size();
  if (to.columns.empty()) {
    std::vector<ColumnSpec> specs;
    for (size_t c = 0; c < count; ++c) specs.push_back(batch.specs[positions ? (*positions)[c] : c]);
    to = Batch(std::move(specs));
  }
  for (size_t c = 0; c < count; ++c) {
    const size_t from = positions ? (*positions)[c] : c;
    Column& into = to.columns[c];
    into.Clear();
    into.Reserve(n);
    if (batch.late && batch.late->Late(from)) {
      batch.late->Copy(from, rows, n, into);
    } else {
      into.AppendRows(batch.columns[from], rows, n);
    }
  }
  to.row_count = n;
}

void ReadLateRows(const Batch& batch, const std::vector<std::pair<const uint32_t*, size_t>>& selections) {
  if (!batch.late) return;
  std::vector<uint8_t> kept(batch.rows(), 0);
  for (const auto& [rows, n] : selections) {
    for (size_t i = 0; i < n; ++i) kept[rows[i]] = 1;
  }
  std::vector<uint32_t> rows;
  for (uint32_t row = 0; row < kept.size(); ++row) {
    if (kept[row]) rows.push_back(row);
  }
  batch.late->Read(rows.data(), rows.size());
}

}  // namespace huntc
