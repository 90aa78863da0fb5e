// The event reader: turns event archives into columnar batches holding only the columns the
// compiled rules need, for every table they read.
//
// One reader understands every archive shape Defender and Sentinel produce, told apart by
// content, never by file name:
//   - JSON lines, one event per line, of the input's table;
//   - Defender streaming-API envelopes, `{"category": "AdvancedHunting-<Table>", "properties":
//     {...event...}, ...}`, one per line, tables mixed freely;
//   - Log Analytics exports, JSON lines whose `Type` field names each record's table;
//   - CSV with a header row naming the columns (RFC 4180), as the Defender portal exports it;
//   - any of these compressed with gzip or zstd (runtime/byte_source.h).
// Each record goes to the batch of its table, so a file that mixes tables is still read once.
//
// Bad input never stops a run: a malformed record is skipped and a badly typed value becomes
// null, each reported as an InputIssue with the file and line, and counted by kind in ReadStats
// so the end summary can say exactly how much was dropped and why. Every record is held in
// memory whole, so ReadLimits bounds the memory a hostile file can make the reader use.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/batch.h"
#include "runtime/byte_source.h"

namespace huntc {

enum class InputIssueKind : uint8_t {
  Unreadable,   // the file cannot be opened or read
  Malformed,    // a line that is not one valid JSON object, or a bad CSV record: skipped
  InvalidUtf8,  // a record that is not valid UTF-8: skipped
  FieldCount,   // a CSV record with more or fewer fields than the header: skipped
  TooLong,      // a record over ReadLimits::max_record_bytes: skipped
  TooDeep,      // JSON nested deeper than ReadLimits::max_depth: skipped
  Truncated,    // a compressed stream that ends early; an unfinished last record is skipped
  Corrupt,      // a compressed stream that cannot be decoded: the rest is lost
  TooExpanded,  // decompression stopped by ReadLimits::max_expansion
  NoTable,      // records whose table cannot be told: skipped
  WrongType,    // a value that does not convert to its column's type: read as null
};
inline constexpr size_t kInputIssueKinds = 11;
// A short plural noun for summaries: "malformed records", "values of the wrong type".
std::string_view InputIssueName(InputIssueKind kind);

struct InputIssue {
  InputIssueKind kind;
  std::string file;
  uint64_t line;  // 1-based; 0 when the issue concerns the whole file
  std::string message;
};

// What a line must hold for some reader of it to keep a row of it (runtime/exec/prefilter.h):
// for some alternative, a literal (ASCII case-insensitively) of each of its groups.
using LiteralGroup = std::vector<std::string>;         // one of these literals
using LiteralAlternative = std::vector<LiteralGroup>;  // each of these groups
using LineNeeds = std::vector<LiteralAlternative>;     // some of these alternatives

// One reader of a table's rows (a Scan of a rule), for EventReader::set_readers.
struct TableReader {
  std::optional<LineNeeds> needs;  // what a line must hold for it to want a row; nullopt: any row
  std::vector<size_t> columns;     // the table's columns it reads (positions in TableColumns)
};

// Counters that Read adds to, so one ReadStats can total several inputs.
struct ReadStats {
  uint64_t records = 0;        // rows produced, for the tables asked for
  uint64_t other_records = 0;  // valid records of tables nobody asked for
  uint64_t bytes = 0;          // bytes read from the files (compressed size)
  uint64_t lines = 0;          // lines seen
  uint64_t lines_skipped = 0;  // records skipped, of every kind
  // Lines seen but skipped unparsed: no reader's needs met. A line some reader of its table wants
  // is read, and counts as a record, even when only some of its columns are (set_readers).
  uint64_t lines_prefiltered = 0;
  uint64_t lines_walked = 0;  // records read from their raw bytes by their layout (set_raw)
  uint64_t late_walked = 0;   // rows whose late columns were read so too (TableColumns::late)
  uint64_t values_wrong_type = 0;
  std::array<uint64_t, kInputIssueKinds> skipped{};  // records skipped, by kind
  std::array<uint64_t, kInputIssueKinds> issues{};   // problems found, by kind

  void Add(const ReadStats& other);
};

// The columns to read from one table: by exact (case-sensitive) name; every batch of the table
// has exactly these specs, in this order.
struct TableColumns {
  std::string table;
  std::vector<ColumnSpec> columns;
  // Per column, whether its batches are dictionary-encoded (Column::EnableDictionary): worth it
  // only for a column a predicate reads, which then runs once per distinct value; interning
  // every value of the others would only slow reading. Missing entries are false.
  std::vector<bool> dictionary = {};
  // Per column, whether it is late: read only for the rows a consumer's filter keeps
  // (Batch::late), because every consumer reading it filters the rows first and its filter does
  // not read it. A batch of lines of a mapped file leaves such columns empty until then; of other
  // input (read into a buffer that is refilled), and once consumers keep more than a quarter of a
  // range's rows, they are read like the others. The first column is never late. Missing: false.
  std::vector<bool> late = {};
};

// Marks column positions[i] of `t` for dictionary encoding where encode[i] is true: how a read
// shared by several scans encodes what any of them wants encoded.
void AddDictionary(TableColumns& t, const std::vector<size_t>& positions, const std::vector<bool>& encode);

// One unit of reading: a whole input, or the lines of an uncompressed JSON-lines file that
// start in [begin, end).
struct InputRange {
  std::string path;   // "-" is stdin
  std::string table;  // of records that do not name theirs (by file or folder name, --table)
  uint64_t begin = 0;
  uint64_t end = UINT64_MAX;
};

class EventReader {
 public:
  explicit EventReader(std::vector<TableColumns> tables, ReadLimits limits = {},
                       size_t batch_rows = 4096);
  ~EventReader();
  EventReader(EventReader&&) noexcept;
  EventReader& operator=(EventReader&&) noexcept;

  // How many bytes to read or map at a time (by default 1 MiB read, 4 MiB mapped); a longer
  // record grows the buffer up to the record limit. Small values exist so tests can put records
  // across chunk boundaries.
  void set_chunk_bytes(size_t bytes);
  // Reading stops early, as if the input ended, once `*stop` is true.
  void set_stop(const std::atomic<bool>* stop);
  // From now on, a record whose raw bytes do not hold what its readers need is skipped unparsed
  // and counted in ReadStats::lines_prefiltered. needs[t]: what every reader of table t needs
  // (all their alternatives, runtime/exec/prefilter.h), nullopt if one needs nothing known.
  // When every table has needs, every record is judged by them all; otherwise only a JSON line
  // with no table marker (`"Type"`, `"category"`) in an input named after a table t, by needs[t].
  // When fewer than an eighth of the first 4096 records of an input (Read) judged are skipped,
  // the reader stops judging that input (the scan would cost more than the parsing it saves).
  // A record the raw bytes cannot judge is parsed as usual: a JSON line that does not start with
  // `{` and end with `}`, one with a `\u` or invalid escape (which could hide a literal's
  // character), one that is not valid UTF-8 or is over the record limit. A skipped record is not
  // checked for JSON grammar, wrong types, its table, or its CSV field count. False (and no
  // prefilter) when no table has needs it can use (Hyperscan cannot build their database, an
  // empty literal).
  bool set_prefilter(const std::vector<std::optional<LineNeeds>>& needs);
  // set_prefilter with what each reader of each table needs (readers[t]: table t's, in the order
  // of their bits, ReaderBit), where the readers of one table may need different lines, some
  // none at all: a line is skipped unparsed when it holds what no reader of its table (and, as
  // above, of any table) needs, and else read for the readers whose needs it meets. With several
  // readers, a table's rows keep those readers' bits (Batch::readers), and of a row staged by the
  // line scanner only the columns some reader of it reads are read (the others are null, their
  // values unchecked: a wrong type there is not reported), so a rule that reads every row costs
  // the rules that search a few lines of the same table only their columns of those lines. The
  // paths blind to needs (the lines the raw bytes cannot judge, as above, CSV, the lines the
  // scanner leaves to the parser) read the whole row, for every reader. A row's bits may hold
  // readers whose needs its line does not meet (the readers past the 63rd share a bit; with every
  // table's needs, the bits are those of any table's readers the line meets), never miss one
  // whose needs it meets. Literals most lines of a range hold are dropped, for the rest of the
  // range, from the alternatives that have other groups (searching them costs more than the few
  // lines they narrow), which only adds bits. A table whose lines cannot be skipped (a reader
  // needs none) is judged only when its readers' literals are few (runtime/needle_scan.h).
  bool set_readers(const std::vector<std::vector<TableReader>>& readers);
  // With a prefilter, windows of JSON lines are skimmed by default: the literals are searched in
  // the raw window first, and simdjson indexes only the lines that may be wanted or that the raw
  // bytes cannot judge. False indexes every window whole first. Both read, skip and report the
  // same lines; the switch lets tests and benchmarks compare them.
  void set_skim(bool skim);
  // By default, the line scanner reads a plain JSON line laid out like the previous one of its
  // table (the same keys in the same order) by that layout (runtime/json_members.h): each key is
  // compared with the layout's in place, the columns asked for are staged, the other values
  // only checked. False looks every key up. Both read, skip and report the same lines; the
  // switch lets tests and benchmarks compare them.
  void set_members(bool members);
  // By default, a window of plain JSON lines laid out like the previous line of their table is
  // read from its raw bytes by that layout (the escape pass finds its quotes), without simdjson's
  // stage 1; a line the walk is not sure of is indexed by stage 1 alone. False indexes every
  // window whole first. Both read, skip and report the same lines; the switch lets tests and
  // benchmarks compare them.
  void set_raw(bool raw);

  // Calls on_batch(table index, batch) for every full batch and for the final partial ones (the
  // batch is reused: copy what must outlive the call), and on_issue for every problem found,
  // with lines counted from the start of the range. Adds to `stats`. Returns false if the input
  // could not be opened or read to its end.
  bool Read(const InputRange& input,
            const std::function<void(size_t table, const Batch&)>& on_batch,
            const std::function<void(const InputIssue&)>& on_issue, ReadStats& stats);

 private:
  struct Impl;  // keeps simdjson out of this header
  std::unique_ptr<Impl> impl_;
};

// Splits an input into ranges of about `bytes` each at line boundaries, when it is an
// uncompressed JSON-lines file larger than that; otherwise returns the whole input. The ranges
// depend only on the file, never on how many threads read them.
std::vector<InputRange> SplitInput(const std::string& path, const std::string& table,
                                   uint64_t bytes);

}  // namespace huntc
