// Helpers the operators share for handling single values and rows: keys for hashing, cells
// that hold one value of any type, ordering for sort and top.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/batch.h"
#include "runtime/exec/plan.h"

namespace huntc::exec {

// Appends a byte encoding of row `row` of `c` to `key`: equal values (int and long alike) give
// equal encodings, nulls their own. Used as hash keys for groups, joins and distinct.
void EncodeKey(const Column& c, size_t row, std::string& key);
// The splitmix64 finaliser: every bit of h moves about half the bits of the result.
uint64_t Mix64(uint64_t h);
// A well-mixed 64-bit hash of bytes (for HyperLogLog).
uint64_t Hash64(std::string_view bytes);
// Hash64 of EncodeKey's encoding of a non-null value, without building it: of an integer-like
// value (bool, int, long, datetime, timespan as int64), a real, or a string. dcount hashes its
// values so, in the interpreter and in compiled kernels alike.
uint64_t HashKeyInteger(int64_t v);
uint64_t HashKeyReal(double v);
uint64_t HashKeyString(std::string_view s);

// One value of any type, held outside a column.
struct Cell {
  bool null = true;
  int64_t integer = 0;
  double real = 0;
  std::string text;
};
Cell ReadCell(const Column& c, size_t row);
void AppendCell(Column& out, const Cell& cell);
// Orders two non-null cells of type t: <0, 0, >0.
int CompareCells(Type t, const Cell& a, const Cell& b);

// Whether row a of batch x comes before row b of batch y under the sort keys (both batches of
// the same schema). Null and NaN sort as the keys say.
bool RowLess(const Batch& x, size_t a, const Batch& y, size_t b, const std::vector<SortKey>& keys);

// Rows are handed on in batches of at most this many.
constexpr size_t kOutputBatchRows = 4096;

}  // namespace huntc::exec
