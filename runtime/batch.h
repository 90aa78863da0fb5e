// Columnar batches: the unit of data every reader fills and every kernel and operator consumes.
//
// A column stores its values by type (see Column), a validity byte per row (0 = null; strings are
// never null, an absent string is ""), and strings as offsets into one byte arena per column, so
// filling a batch allocates nothing per value once its buffers have grown. A string column a
// predicate reads is also dictionary-encoded by the reader while its batch holds few distinct
// values (see Column::EnableDictionary, TableColumns::dictionary), so that a predicate of that
// column alone runs once per distinct value instead of once per row.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/types.h"

namespace huntc {

// Where a generated kernel writes one column. Fixed-width: a value (of the width View gives the
// type) and a validity byte per row. String-like and dynamic: `values` is the Column itself,
// emptied, to which the kernel appends its rows in order (huntc_column_append,
// runtime/exec/kernel_entry.h), and `valid` is null.
struct ColumnOutput {
  void* values;
  uint8_t* valid;
};

// The view of a column that generated kernels read. Plain C layout: the JIT indexes its fields.
struct ColumnView {
  const void* values;       // bool: uint8, int: int32, long/datetime/timespan: int64, real: double
  const uint8_t* valid;     // 1 = value present
  const uint32_t* offsets;  // string-like types: row i spans bytes[offsets[i], offsets[i+1])
  const char* bytes;
  // A dictionary-encoded string column: each row's code, and the first row holding each of the
  // `distinct` values (so value k is the string of row distinct_rows[k]); codes is null when the
  // column is not encoded in this batch. Added last so that the fields above keep their places.
  const uint8_t* codes;
  const uint32_t* distinct_rows;
  uint32_t distinct;
};

class Column {
 public:
  explicit Column(Type type = Type::String) : type_(type) { offsets_.push_back(0); }

  Type type() const { return type_; }
  size_t size() const { return valid_.size(); }
  void Clear();
  void Reserve(size_t rows);

  void AppendNull();  // for strings: ""
  void AppendNulls(size_t n);  // AppendNull n times, the buffers grown once
  void AppendBool(bool v);
  void AppendInt(int32_t v);
  void AppendLong(int64_t v);  // long, datetime, timespan
  void AppendReal(double v);
  void AppendString(std::string_view v);  // string, guid, dynamic

  // Dictionary encoding, for a column of type string: from now on each batch of this column also
  // keeps a code per row (its value's rank among the batch's distinct values, in order of first
  // appearance) while the batch holds at most kMaxDistinct values (a batch already holding rows
  // is encoded from the next Clear on). The batch whose values go beyond that drops its codes at
  // once and appends as a plain column until Clear, and the next kRetryBatches - 1 batches are
  // plain from the start, so a column whose values are nearly all distinct pays for a few
  // hundred lookups every kRetryBatches batches, no more.
  static constexpr size_t kMaxDistinct = 256;
  static constexpr uint32_t kRetryBatches = 16;
  void EnableDictionary();
  // The codes of this batch's rows, or null when the column is not encoded in this batch.
  const uint8_t* codes() const { return encoded_ ? codes_.data() : nullptr; }
  // The first row of each distinct value: value k is StringAt(distinct_rows()[k]).
  const std::vector<uint32_t>& distinct_rows() const { return distinct_rows_; }
  // Appends row `row` of `other`, which must have the same type.
  void AppendFrom(const Column& other, size_t row);
  // Appends rows rows[0..n) of `other` (same type), as AppendFrom each would, with the type
  // looked at once and a string column's bytes grown once: copying a selection row by row
  // regrew (and moved) the bytes many times per batch.
  void AppendRows(const Column& other, const uint32_t* rows, size_t n);

  bool IsNull(size_t row) const { return valid_[row] == 0; }
  bool BoolAt(size_t row) const { return u8_[row] != 0; }
  int32_t IntAt(size_t row) const { return i32_[row]; }
  int64_t LongAt(size_t row) const { return i64_[row]; }
  double RealAt(size_t row) const { return f64_[row]; }
  std::string_view StringAt(size_t row) const {
    return std::string_view(bytes_).substr(offsets_[row], offsets_[row + 1] - offsets_[row]);
  }

  ColumnView View() const;
  // Makes a fixed-width column `rows` rows long and returns its buffers, for a kernel that then
  // writes every row; empties any other column, with room for `rows`, for a kernel that then
  // appends them (ColumnOutput).
  ColumnOutput Resize(size_t rows);

 private:
  Type type_;
  std::vector<uint8_t> valid_;
  std::vector<uint8_t> u8_;
  std::vector<int32_t> i32_;
  std::vector<int64_t> i64_;
  std::vector<double> f64_;
  std::vector<uint32_t> offsets_;
  std::string bytes_;
  // Dictionary encoding (EnableDictionary): whether it is on, whether this batch is still
  // encoded, the codes, and an open-addressing table of code + 1 (0: empty) by value hash.
  void Intern(std::string_view v);
  bool dictionary_ = false;
  bool encoded_ = false;
  bool overflowed_ = false;     // this batch went beyond kMaxDistinct
  uint32_t plain_batches_ = 0;  // batches plain since the last that did
  std::vector<uint8_t> codes_;
  std::vector<uint32_t> distinct_rows_;
  std::vector<uint16_t> slots_;
};

struct ColumnSpec {
  std::string name;
  Type type;
};

struct Batch;

// The columns of a reader's batch it left unread (TableColumns::late): columns no filter reads,
// read only of the rows some filter keeps, from the lines, which stay at hand until the batch is
// handed on. A consumer that filters the batch calls Read with the rows it keeps before it copies
// any late column (GatherRows).
class LateColumns {
 public:
  virtual ~LateColumns() = default;
  virtual bool Late(size_t column) const = 0;
  // Reads the late columns of rows[0..n) (increasing, each at most once per call); rows read
  // before and not given again are forgotten.
  virtual void Read(const uint32_t* rows, size_t n) = 0;
  // Appends the values of late column `column` of rows[0..n), which the last Read read (in
  // increasing order), to `into`.
  virtual void Copy(size_t column, const uint32_t* rows, size_t n, Column& into) const = 0;
};

// A set of equally long columns.
struct Batch {
  std::vector<ColumnSpec> specs;
  std::vector<Column> columns;

  explicit Batch(std::vector<ColumnSpec> s = {});
  size_t rows() const { return columns.empty() ? row_count : columns.front().size(); }
  void Clear();

  size_t row_count = 0;  // used only when the batch has no columns (e.g. `count` of a scan)
  // Per row, when the event reader read the rows for several readers (EventReader::set_readers):
  // the bits (ReaderBit) of the readers that may want the row. A reader whose bit is clear must
  // ignore the row: the columns only it reads may be null there. Empty: every row is everyone's.
  std::vector<uint64_t> readers;
  // Set only while the reader hands the batch on, when some of its columns are late: those are
  // empty, their values of the rows a consumer keeps got through `late` (GatherRows).
  LateColumns* late = nullptr;
};

// Copies rows[0..n) of columns positions[0..) of `batch` (every column without `positions`)
// to `to` (made of their specs if it has no columns): its columns in that order, late ones read
// through Batch::late (whose Read must have had every one of these rows).
void GatherRows(const Batch& batch, const std::vector<size_t>* positions, const uint32_t* rows, size_t n,
                Batch& to);

// Reads the late columns (Batch::late) of the rows in any of `selections` (each a list of
// increasing rows and its length): what a batch's consumers keep, read once for all of them.
void ReadLateRows(const Batch& batch, const std::vector<std::pair<const uint32_t*, size_t>>& selections);

// The bit of reader `r` (in the order given to EventReader::set_readers) in Batch::readers: the
// readers from the 64th on share the last bit.
inline uint64_t ReaderBit(size_t r) { return uint64_t{1} << (r < 63 ? r : 63); }

}  // namespace huntc
