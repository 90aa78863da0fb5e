// The literals a raw event line must hold for a scan filter to keep a row read from it.
//
// A scan filter such as `FileName in~ ("a.exe", "b.exe")` cannot be true unless the line the
// row comes from holds one of its needles, so the event reader can test each line's raw bytes
// with one Hyperscan database and parse only the lines that hold one (runtime/event_reader.h,
// EventReader::set_prefilter). The reader matches case-insensitively (ASCII), which is sound for
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
#include "runtime/exec/expr.h"
#include "runtime/exec/plan.h"

namespace huntc::exec {

// The needles one of which a row must hold for `predicate` (over columns `schema` of a Scan) to
// be true, or nullopt when there is no such set: a conjunction gives its most selective
// conjunct's set (the longest shortest needle), a disjunction the union of its branches' sets
// when every branch has one; `==`, `=~`, `in`, `in~`, `has`, `contains`, `startswith`,
// `endswith`, `hasprefix`, `hassuffix` (and their _cs forms), `has_any` and `has_all` of a
// string column with constant needles give theirs; anything else (negations, `!in`, regexes,
// empty needles, needles of other characters than described above) gives none.
std::optional<std::vector<std::string>> LineLiterals(const Expr& predicate, const std::vector<ColumnSpec>& schema);

// LineLiterals of the filter directly above `scan` in the plan rooted at `root`, or nullopt
// when `scan` feeds anything else (then every row of it counts).
std::optional<std::vector<std::string>> ScanLiterals(const PlanNode& root, const PlanNode& scan);

// Whether a needle may be looked for in raw lines (see above).
bool IsRawNeedle(std::string_view needle);

}  // namespace huntc::exec
