// The build side of a hash join: the rows of the join's right input, kept in retained column
// chunks, and a hash table over their keys.
//
// Keys are compared as typed values, never encoded into strings: a key column is of one of three
// kinds, integer-like (bool, int, long, datetime, timespan: as int64, so an int 1 equals a long
// 1 and a bool true), real (real, decimal: by their bits, -0.0 as 0.0) or text (string, guid,
// dynamic: by bytes). Two key columns of different kinds never hold equal keys (KeysComparable);
// the binder admits no such join, as Kusto's does not. A row with a null in any key column has
// no key: it matches nothing.
//
// A row's key hash is computed once, column by column over a whole batch of rows (KeyHashes).
// Rows with an equal key form one entry of the table, their ids chained in the order they
// came; the entry carries the flags the join kinds need (matched by a probe row; taken by a
// left row, for innerunique). The build rows' columns are kept, not each row copied: a batch
// whose rows mostly stay is copied whole (the columns the join needs, each one buffer copy), the
// few rows of a sparse one are appended to a chunk of their own. A row id is an index into
// rows(), which says where the row lives.
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/batch.h"
#include "runtime/exec/eval.h"

namespace huntc::exec {

// How a key column's values compare (see the header essay).
enum class KeyKind : uint8_t { Integer, Real, Text };
KeyKind KeyKindOf(Type t);

// Whether keys in columns of types `a` and `b` can be equal: only when they are of one KeyKind.
bool KeysComparable(const std::vector<Type>& a, const std::vector<Type>& b);

// The key hash of each row of `rows` over the columns `keys` of its batch: hashes[i] for
// rows.Row(i), keyed[i] 0 when that row has a null key (it matches nothing). Equal keys of
// comparable columns hash alike, whichever batch holds them.
void KeyHashes(const RowSet& rows, const std::vector<int>& keys, std::vector<uint64_t>& hashes,
               std::vector<uint8_t>& keyed);

class JoinTable {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  // `kept`: the columns of the build input to keep (they must include `keys`); `keys`: the key
  // columns, as input columns. `keep_unkeyed`: whether rows with a null key are kept (as rows
  // no probe row matches, for the kinds that output unmatched build rows).
  JoinTable(const std::vector<ColumnSpec>& input_schema, std::vector<int> kept, std::vector<int> keys, bool keep_unkeyed);

  // Adds the rows of a batch of the build input.
  void Add(const RowSet& rows);

  // Where a build row lives, and its entry (kNone when its key is null).
  struct Row {
    uint32_t chunk;
    uint32_t row;
    uint32_t entry;
  };
  const std::vector<Row>& rows() const { return rows_; }
  // Column `c` of the build input (one of `kept`) in the chunk that holds `row`.
  const Column& ColumnOf(const Row& row, int c) const { return chunks_[row.chunk].columns[position_[static_cast<size_t>(c)]]; }

  // The entry whose key equals that of row `row` of `batch` over its columns `keys` (whose hash
  // is `hash`), or kNone.
  uint32_t Find(const Batch& batch, uint32_t row, const std::vector<int>& keys, uint64_t hash) const;

  // An entry's build rows, in the order they were added: first, then Next until kNone.
  uint32_t First(uint32_t entry) const { return entries_[entry].first; }
  uint32_t Next(uint32_t id) const { return next_[id]; }

  // Flags of an entry: a probe row matched it; a left row took it (innerunique).
  bool matched(uint32_t entry) const { return entries_[entry].matched; }
  void set_matched(uint32_t entry) { entries_[entry].matched = true; }
  // Marks the entry taken; false when it already was.
  bool Take(uint32_t entry) {
    if (entries_[entry].taken) return false;
    entries_[entry].taken = true;
    return true;
  }
  size_t entry_count() const { return entries_.size(); }

 private:
  struct Entry {
    uint64_t hash;
    uint32_t first;
    uint32_t last;
    bool matched = false;
    bool taken = false;
  };
  // Whether row `row` of `batch` (key columns `keys`) has the key of build row `id`.
  bool KeyEquals(const Batch& batch, uint32_t row, const std::vector<int>& keys, uint32_t id) const;
  void Insert(uint32_t id, uint64_t hash);
  void Grow();

  std::vector<int> kept_, keys_;
  std::vector<size_t> position_;  // per input column: its position in a chunk (kept ones)
  std::vector<int> chunk_keys_;   // the key columns, as chunk columns
  bool keep_unkeyed_;
  Batch shape_;                   // an empty chunk: the kept columns
  std::vector<Batch> chunks_;
  uint32_t open_chunk_ = kNone;   // the chunk sparse batches' rows are appended to
  std::vector<Row> rows_;
  std::vector<uint32_t> next_;    // per build row: the next row of its entry
  std::vector<Entry> entries_;
  std::vector<uint32_t> slots_;   // open addressing: entry + 1, 0 for empty
  std::vector<uint64_t> hashes_;  // scratch for Add
  std::vector<uint8_t> keyed_;
  std::vector<uint32_t> kept_rows_;  // scratch for Add: the rows of a sparse batch kept
};

}  // namespace huntc::exec
