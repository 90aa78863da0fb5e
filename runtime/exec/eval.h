// Vectorised evaluation of scalar expressions (runtime/exec/expr.h) over the rows of a batch.
//
// Evaluation is column-at-a-time: each node of the tree is evaluated once per batch into a
// whole column (column references and constants are not copied, only viewed), so the dispatch on
// the node's function happens once per batch and the per-row work is a tight loop over values.
// Rows are given as a RowSet: a batch and an optional selection of its rows, so a filter passes
// on the rows it kept without copying them.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/batch.h"
#include "runtime/exec/expr.h"
#include "runtime/exec/json.h"
#include "runtime/literal_matcher.h"
#include "runtime/strings.h"

namespace re2 {
class RE2;
}

namespace huntc::exec {

// Rows of a batch: the rows listed in `sel`, or all rows when sel is null.
// A numeric cell as a long (reals truncate) or as a real, whatever its numeric type.
int64_t IntOf(const Column& c, size_t r);
double RealOf(const Column& c, size_t r);

struct RowSet {
  const Batch* batch = nullptr;
  const uint32_t* sel = nullptr;
  size_t count = 0;

  static RowSet All(const Batch& b) { return RowSet{&b, nullptr, b.rows()}; }
  uint32_t Row(size_t i) const { return sel ? sel[i] : static_cast<uint32_t>(i); }
};

class Evaluator {
 public:
  // `now` is now() for the whole query, in ticks.
  explicit Evaluator(int64_t now);
  ~Evaluator();
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;

  int64_t now() const { return now_; }

  // The values of `e` for the rows of `in`, as a column of in.count rows of type e.type.
  Column Evaluate(const Expr& e, const RowSet& in);
  // The rows of `in` (as row indexes of in.batch) for which the predicate `e` is true.
  void Select(const Expr& e, const RowSet& in, std::vector<uint32_t>& out);

  // A compiled regex from a per-evaluator cache; null if the pattern is not valid RE2.
  const re2::RE2* Regex(std::string_view pattern);
  // Why `pattern` is not valid RE2 as Regex() compiles it, or "" when it is.
  static std::string RegexError(std::string_view pattern);
  // A matcher of `literals` (has_any's list, an `or` of string tests on one column) from a
  // per-evaluator cache; null when Hyperscan cannot build one.
  const LiteralMatcher* Matcher(const std::vector<LiteralMatcher::Literal>& literals);
  // The hash set of an `in`/`in~` list of constant strings, from a per-evaluator cache.
  const StringSet& Set(const std::vector<std::string>& values, bool case_insensitive);

  struct Vec;  // an operand during evaluation (eval.cpp)

 private:
  Vec Eval(const Expr& e, const RowSet& in);
  std::optional<Vec> EvalByDictionary(const Expr& e, const RowSet& in);
  Column Call(const Expr& e, const std::vector<Vec>& args, size_t n);
  // The operands of an `or`, its string tests with constant needles on one column evaluated
  // together as one operand.
  void EvalOrOperands(const Expr& e, const RowSet& in, std::vector<Vec>& args);

  // rand() and new_guid()'s generator, seeded on first use: seeding reads the system's entropy
  // source, which cost more than compiling when every plan node's evaluator did it.
  std::mt19937_64& Random();

  int64_t now_;
  std::optional<std::mt19937_64> random_;
  std::unordered_map<std::string, std::unique_ptr<re2::RE2>> regexes_;
  // Keyed by the literals: one entry per has_any / has_all / `or` of a plan, built once.
  std::unordered_map<std::string, std::unique_ptr<LiteralMatcher>> matchers_;
  // Keyed by the list: one entry per constant `in` list of a plan, built once, not per batch.
  std::unordered_map<std::string, std::unique_ptr<StringSet>> sets_;
};

// The string a quoted ASCII JSON string (split()'s and mv-expand's usual cell, Windows paths
// with their backslashes escaped) holds, its escapes undone as the parser would, without one.
// Nothing for other text, \u escapes, bytes outside printable ASCII or invalid escapes: the
// parser reads (or rejects) those.
std::optional<std::string> QuotedAscii(std::string_view text);
// The dynamic value of a JSON text (a dynamic cell's, or parse_json's argument): "" is null,
// invalid JSON is a string.
Json ParseDynamic(std::string_view text);
// Row `row` of a column as a dynamic value (numbers as numbers, datetimes and timespans as
// their text, a dynamic column's JSON parsed; invalid JSON becomes a string).
Json CellToJson(const Column& column, size_t row);
// Appends a dynamic value to a column of any type, converted as to<type>() converts.
void AppendJson(Column& out, const Json& value);
// Appends row `row` of `from` to `out`, converting between types as to<type>() does.
void AppendConverted(Column& out, const Column& from, size_t row);
// tostring() of a cell.
std::string CellToString(const Column& column, size_t row);
// The literal a string test on a column with a constant needle looks for (`x contains "a"`), and
// the column; nullopt for any other expression.
std::optional<std::pair<int, LiteralMatcher::Literal>> ColumnLiteralTest(const Expr& e);
// The string tests of an `or`'s operands grouped by column, in operand order: each group of two or
// more tests can be matched in one pass per value. Operands that are no such test are in none.
struct LiteralTestGroup {
  int column = 0;
  std::vector<size_t> operands;  // indexes into the `or`'s args
  std::vector<LiteralMatcher::Literal> literals;
};
std::vector<LiteralTestGroup> OrLiteralTestGroups(const Expr& e);

}  // namespace huntc::exec
