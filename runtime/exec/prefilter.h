// The literals a raw event line must hold for a scan filter to keep a row read from it.
//
// A scan filter such as `FileName in~ ("a.exe", "b.exe")` cannot be true unless the line the
// row comes from holds one of its needles, so the event reader can search each line's raw bytes
// for all the needles at once (one Hyperscan database, or for a few needles the SIMD probes of
// runtime/needle_scan.h) and parse only the lines that hold one (runtime/event_reader.h,
// EventReader::set_prefilter). A filter's needs are alternatives (LineNeeds) of groups that must
// all be there: `ActionType == "X" and FileName in~ (...)` needs "x" and one of the names,
// which is far more selective than either alone. The reader matches case-insensitively (ASCII), which is sound for
// the case-sensitive operators too.
//
// Why a needle found in a column's value is found in the raw line: a string column's value is
// the JSON string's text with its escapes undone, a CSV field's text with `""` undone, or the
// raw text of a JSON number, bool, object or array (runtime/event_reader.cpp). A needle is
// therefore restricted to printable ASCII without `"`, `\` or `/`: the only JSON escapes that
// can stand for such characters are `\u` ones (and `/` may be written `\/`), so the reader
// parses every line holding a `\u` escape normally. Non-ASCII needles are refused as well, and
// only columns of type string are used (a dynamic column's text is re-serialised).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runtime/batch.h"
#include "runtime/event_reader.h"
#include "runtime/exec/expr.h"
#include "runtime/exec/plan.h"

namespace huntc::exec {

// What the line of a row must hold for `predicate` (over columns `schema` of a Scan) to be true,
// or nullopt when nothing is known: `==`, `=~`, `in`, `in~`, `has`, `contains`, `startswith`,
// `endswith`, `hasprefix`, `hassuffix` (and their _cs forms) and `has_any` of a string column
// with constant needles need one of them, `has_all` each; a conjunction needs what each of its
// conjuncts with needs does (alternatives multiplied out, up to a bound past which conjuncts are
// left out), a disjunction the alternatives of all its branches when every branch has needs;
// anything else (negations, `!in`, regexes, empty needles, needles of other characters than
// described above) needs nothing known. Literals are folded to lower case.
std::optional<LineNeeds> LineLiterals(const Expr& predicate, const std::vector<ColumnSpec>& schema);

// LineLiterals of the filter directly above `scan` in the plan rooted at `root`, or nullopt
// when `scan` feeds anything else (then every row of it counts).
std::optional<LineNeeds> ScanLiterals(const PlanNode& root, const PlanNode& scan);

// Per column of a schema of `columns`, whether `predicate` reads it.
std::vector<bool> PredicateColumns(const Expr& predicate, size_t columns);

// The columns of `schema` worth dictionary-encoding for `predicate` (TableColumns::dictionary):
// the string columns it reads.
std::vector<bool> PredicateDictionary(const Expr& predicate, const std::vector<ColumnSpec>& schema);

// PredicateDictionary of the filter directly above `scan` in the plan rooted at `root`, and the
// string columns a summarize right above the scan or that filter looks up per distinct value;
// none when `scan` feeds anything else.
std::vector<bool> ScanDictionary(const PlanNode& root, const PlanNode& scan);

// What the readers of each table of a read need (EventReader::set_prefilter): all their
// alternatives, or nothing known once one of them needs nothing known.
class TableNeeds {
 public:
  explicit TableNeeds(size_t tables) : needs_(tables), open_(tables, true) {}
  void Add(size_t table, const std::optional<LineNeeds>& reader);
  std::vector<std::optional<LineNeeds>> Result() const;

 private:
  std::vector<LineNeeds> needs_;
  std::vector<bool> open_;
};

// The needs as one line of text: `"a" and one of ("b", "c"), or "d"`.
std::string DescribeNeeds(const LineNeeds& needs);

// Whether a needle may be looked for in raw lines (see above).
bool IsRawNeedle(std::string_view needle);

}  // namespace huntc::exec
