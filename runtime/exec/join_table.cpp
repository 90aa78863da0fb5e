// The build side of a hash join: retained chunks of rows and a typed-key hash table.
#include "runtime/exec/join_table.h"

#include <bit>
#include <functional>
#include <string_view>

#include "runtime/exec/rows.h"

namespace huntc::exec {

namespace {

// A sparse batch's rows go to a chunk of their own until it holds this many.
constexpr size_t kChunkRows = 1 << 16;

int64_t IntegerKey(const Column& c, size_t row) {
  switch (c.type()) {
    case Type::Bool: return c.BoolAt(row);
    case Type::Int: return c.IntAt(row);
    default: return c.LongAt(row);
  }
}

// A real key's bits, -0.0 as 0.0 (as EncodeKey has them).
uint64_t RealKey(const Column& c, size_t row) {
  double v = c.RealAt(row);
  if (v == 0) v = 0;
  return std::bit_cast<uint64_t>(v);
}

bool ValuesEqual(KeyKind kind, const Column& x, size_t a, const Column& y, size_t b) {
  switch (kind) {
    case KeyKind::Integer: return IntegerKey(x, a) == IntegerKey(y, b);
    case KeyKind::Real: return RealKey(x, a) == RealKey(y, b);
    case KeyKind::Text: return x.StringAt(a) == y.StringAt(b);
  }
  return false;
}

}  // namespace

KeyKind KeyKindOf(Type t) {
  switch (t) {
    case Type::Bool:
    case Type::Int:
    case Type::Long:
    case Type::DateTime:
    case Type::TimeSpan: return KeyKind::Integer;
    case Type::Real:
    case Type::Decimal: return KeyKind::Real;
    default: return KeyKind::Text;
  }
}

bool KeysComparable(const std::vector<Type>& a, const std::vector<Type>& b) {
  if (a.size() != b.size()) return false;
  for (size_t k = 0; k < a.size(); ++k) {
    if (KeyKindOf(a[k]) != KeyKindOf(b[k])) return false;
  }
  return true;
}

void KeyHashes(const RowSet& rows, const std::vector<int>& keys, std::vector<uint64_t>& hashes,
               std::vector<uint8_t>& keyed) {
  hashes.assign(rows.count, 0x9e3779b97f4a7c15ULL);
  keyed.assign(rows.count, 1);
  // Column by column: one switch per column, a tight loop over the rows.
  for (int k : keys) {
    const Column& c = rows.batch->columns[static_cast<size_t>(k)];
    const KeyKind kind = KeyKindOf(c.type());
    for (size_t i = 0; i < rows.count; ++i) {
      const uint32_t row = rows.Row(i);
      if (c.IsNull(row)) {
        keyed[i] = 0;
        continue;
      }
      uint64_t v = 0;
      switch (kind) {
        case KeyKind::Integer: v = static_cast<uint64_t>(IntegerKey(c, row)); break;
        case KeyKind::Real: v = RealKey(c, row); break;
        case KeyKind::Text: v = std::hash<std::string_view>{}(c.StringAt(row)); break;
      }
      hashes[i] = Mix64(hashes[i] + v);
    }
  }
}

JoinTable::JoinTable(const std::vector<ColumnSpec>& input_schema, std::vector<int> kept, std::vector<int> keys, bool keep_unkeyed)
    : kept_(std::move(kept)), keys_(std::move(keys)), position_(input_schema.size(), SIZE_MAX), keep_unkeyed_(keep_unkeyed) {
  std::vector<ColumnSpec> specs;
  for (size_t p = 0; p < kept_.size(); ++p) {
    position_[static_cast<size_t>(kept_[p])] = p;
    specs.push_back(input_schema[static_cast<size_t>(kept_[p])]);
  }
  shape_ = Batch(std::move(specs));
  for (int k : keys_) chunk_keys_.push_back(static_cast<int>(position_[static_cast<size_t>(k)]));
}

void JoinTable::Add(const RowSet& rows) {
  KeyHashes(rows, keys_, hashes_, keyed_);
  size_t keep = 0;
  for (size_t i = 0; i < rows.count; ++i) keep += keep_unkeyed_ || keyed_[i];
  if (keep == 0) return;
  const Batch& in = *rows.batch;
  uint32_t chunk_index;
  uint32_t base = 0;  // a sparse batch's first row in its chunk
  const bool whole = keep * 2 >= in.rows();
  if (whole) {
    // Most rows stay: the kept columns whole, one copy of each buffer.
    Batch chunk(shape_.specs);
    for (size_t p = 0; p < kept_.size(); ++p) chunk.columns[p] = in.columns[static_cast<size_t>(kept_[p])];
    chunk.row_count = in.rows();
    chunk_index = static_cast<uint32_t>(chunks_.size());
    chunks_.push_back(std::move(chunk));
  } else {
    if (open_chunk_ == kNone || chunks_[open_chunk_].row_count >= kChunkRows) {
      open_chunk_ = static_cast<uint32_t>(chunks_.size());
      chunks_.push_back(shape_);
    }
    chunk_index = open_chunk_;
    Batch& chunk = chunks_[chunk_index];
    base = static_cast<uint32_t>(chunk.row_count);
    kept_rows_.clear();
    for (size_t i = 0; i < rows.count; ++i) {
      if (keep_unkeyed_ || keyed_[i]) kept_rows_.push_back(rows.Row(i));
    }
    for (size_t p = 0; p < kept_.size(); ++p) {
      chunk.columns[p].AppendRows(in.columns[static_cast<size_t>(kept_[p])], kept_rows_.data(), kept_rows_.size());
    }
    chunk.row_count += keep;
  }
  for (size_t i = 0; i < rows.count; ++i) {
    if (!keep_unkeyed_ && !keyed_[i]) continue;
    const uint32_t id = static_cast<uint32_t>(rows_.size());
    rows_.push_back({chunk_index, whole ? rows.Row(i) : base++, kNone});
    next_.push_back(kNone);
    if (keyed_[i]) Insert(id, hashes_[i]);
  }
}

bool JoinTable::KeyEquals(const Batch& batch, uint32_t row, const std::vector<int>& keys, uint32_t id) const {
  const Row& r = rows_[id];
  const Batch& chunk = chunks_[r.chunk];
  for (size_t k = 0; k < keys.size(); ++k) {
    const Column& x = batch.columns[static_cast<size_t>(keys[k])];
    const Column& y = chunk.columns[static_cast<size_t>(chunk_keys_[k])];
    if (!ValuesEqual(KeyKindOf(y.type()), x, row, y, r.row)) return false;
  }
  return true;
}

uint32_t JoinTable::Find(const Batch& batch, uint32_t row, const std::vector<int>& keys, uint64_t hash) const {
  if (slots_.empty()) return kNone;
  const size_t mask = slots_.size() - 1;
  for (size_t i = hash & mask; slots_[i] != 0; i = (i + 1) & mask) {
    const uint32_t e = slots_[i] - 1;
    if (entries_[e].hash == hash && KeyEquals(batch, row, keys, entries_[e].first)) return e;
  }
  return kNone;
}

void JoinTable::Insert(uint32_t id, uint64_t hash) {
  if ((entries_.size() + 1) * 2 > slots_.size()) Grow();
  const size_t mask = slots_.size() - 1;
  const Row& r = rows_[id];
  size_t i = hash & mask;
  for (; slots_[i] != 0; i = (i + 1) & mask) {
    const uint32_t e = slots_[i] - 1;
    Entry& entry = entries_[e];
    if (entry.hash == hash && KeyEquals(chunks_[r.chunk], r.row, chunk_keys_, entry.first)) {
      next_[entry.last] = id;
      entry.last = id;
      rows_[id].entry = e;
      return;
    }
  }
  const uint32_t e = static_cast<uint32_t>(entries_.size());
  entries_.push_back({hash, id, id});
  slots_[i] = e + 1;
  rows_[id].entry = e;
}

void JoinTable::Grow() {
  slots_.assign(slots_.empty() ? 64 : slots_.size() * 2, 0);
  const size_t mask = slots_.size() - 1;
  for (uint32_t e = 0; e < entries_.size(); ++e) {
    size_t i = entries_[e].hash & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = e + 1;
  }
}

}  // namespace huntc::exec
