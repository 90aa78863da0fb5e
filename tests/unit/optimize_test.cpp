// The optimiser passes, one at a time: each is applied to expressions built here or to the IR
// lowered from a small query, and the rewritten IR is checked. Then the guard: the corpus rules
// over Device* tables must give the same rows with and without the optimiser.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "compiler/driver/compile.h"
#include "compiler/ir/lower.h"
#include "compiler/ir/optimize.h"
#include "compiler/ir/physical.h"
#include "runtime/exec/eval.h"
#include "tests/unit/archive_util.h"
#include "tests/unit/device_archive.h"
#include "tests/unit/run_util.h"

using namespace huntc;
using ir::Expr;
using ir::Fn;
using ir::Value;
namespace fs = std::filesystem;

namespace {

const int64_t kNow = *ParseDateTime("2026-11-20T00:00:00Z");

Expr Col(int i, Type t) { return Expr::Column(i, t); }
Expr Str(const std::string& s) { return Expr::Constant(Value::String(s)); }
Expr Long(int64_t v) { return Expr::Constant(Value::Integer(Type::Long, v)); }
Expr Span(int64_t ticks) { return Expr::Constant(Value::Integer(Type::TimeSpan, ticks)); }
Expr Call(Fn fn, Type t, std::vector<Expr> args) { return Expr::Call(fn, t, std::move(args)); }

// A query parsed and bound, for lowering again (AnalyzeQuery's own plan is optimised already).
struct Analyzed {
  AnalyzedQuery front;
  std::shared_ptr<SourceFile> file;
};

std::unique_ptr<Analyzed> Analyze(const std::string& kql) {
  auto a = std::make_unique<Analyzed>();
  a->file = std::make_shared<SourceFile>("q.kql", kql);
  Diagnostics diags;
  const bool ok = AnalyzeQuery(kql, TextOrigin::Identity(a->file), Catalog::BuiltIn(), diags, a->front);
  INFO((diags.items().empty() ? std::string() : RenderText(diags.items()[0])));
  REQUIRE(ok);
  return a;
}

// The IR lowered from `kql`, before any pass; with `share` false, each use of a `let` table
// lowers it again.
std::unique_ptr<ir::Op> Lowered(const std::string& kql, bool share = true) {
  const auto a = Analyze(kql);
  auto plan = ir::Lower(a->front.ast, a->front.binding, [](Code, syntax::Span, std::string) {},
                        {.share_tables = share});
  REQUIRE(plan);
  return plan;
}

// The operator kinds of a plan, one line each, indented as ToString indents them, with the
// filters' predicates: enough to see where each filter went.
std::string Shape(const ir::Op& op) {
  std::istringstream in(op.ToString());
  std::string out;
  for (std::string line; std::getline(in, line);) {
    const size_t indent = line.find_first_not_of(' ');
    const std::string body = line.substr(indent);
    const std::string word = body.substr(0, body.find(' '));
    out += line.substr(0, indent) + (word == "Filter" || word == "Scan" ? body.substr(0, body.find(" [")) : word) + "\n";
  }
  return out;
}

// Pushdown as Optimize runs it: after filters are fused and pulled below projections.
std::string Pushed(const std::string& kql) {
  return Shape(*ir::PushDownFilters(ir::FuseFiltersAndProjections(Lowered(kql))));
}

}  // namespace

TEST_CASE("optimize: constant folding evaluates pure calls over constants once", "[optimize]") {
  CHECK(ir::FoldConstants(Call(Fn::Strcat, Type::String, {Str("ab"), Str("cd")})).ToString() == "\"abcd\"");
  CHECK(ir::FoldConstants(Call(Fn::Eq, Type::Bool, {Col(0, Type::String), Call(Fn::ToLower, Type::String, {Str("BoB")})}))
            .ToString() == "(eq #0 \"bob\")");
  CHECK(ir::FoldConstants(Call(Fn::Add, Type::Long, {Long(1), Call(Fn::Mul, Type::Long, {Long(2), Long(3)})})).ToString() ==
        "7");
  // datetime + timespan
  const Expr day = Span(kTicksPerDay);
  const Expr date = Expr::Constant(Value::Integer(Type::DateTime, *ParseDateTime("2026-01-01T00:00:00Z")));
  CHECK(ir::FoldConstants(Call(Fn::Add, Type::DateTime, {date, day})).ToString() ==
        "datetime(2026-01-02T00:00:00.0000000Z)");
  // rand() and new_guid() draw a value per row: never one value for all.
  CHECK(ir::FoldConstants(Call(Fn::Rand, Type::Real, {Call(Fn::Add, Type::Long, {Long(4), Long(6)})})).ToString() ==
        "(rand 10)");
  CHECK(ir::FoldConstants(Call(Fn::NewGuid, Type::Guid, {})).ToString() == "(new_guid)");
  // Folding follows the runtime's semantics: an integer division by zero is null.
  CHECK(ir::FoldConstants(Call(Fn::Div, Type::Long, {Long(1), Long(0)})).ToString() ==
        ir::ValueToString(Value::Null(Type::Long)));
  // An `in~` list of lowered literals becomes all constants (so both engines build one hash set).
  const Expr in = ir::FoldConstants(Call(Fn::InCi, Type::Bool, {Col(0, Type::String), Call(Fn::ToLower, Type::String, {Str("A")}),
                                                                Call(Fn::Strcat, Type::String, {Str("b"), Str("c")})}));
  CHECK(in.ToString() == "(in~ #0 \"a\" \"bc\")");
  // Dynamic results fold to dynamic constants (a has_any list built with pack_array).
  const Expr list = ir::FoldConstants(Call(Fn::PackArray, Type::Dynamic, {Str("a"), Str("b")}));
  CHECK(list.kind == ir::ExprKind::Constant);
  CHECK(list.type == Type::Dynamic);
  CHECK(list.value.text == R"(["a","b"])");
  // A call reading a column is not folded, only its constant arguments.
  CHECK(ir::FoldConstants(Call(Fn::MatchesRegex, Type::Bool, {Col(0, Type::String), Call(Fn::Strcat, Type::String, {Str("a"), Str("+")})}))
            .ToString() == "(matches_regex #0 \"a+\")");
}

TEST_CASE("optimize: now() and ago() stay run constants", "[optimize]") {
  // ago(2d) is now - 2d: the 2 * 1d folds, the subtraction over now stays for the run to compute.
  const Expr ago = Call(Fn::Sub, Type::DateTime, {Expr::Now(), Call(Fn::Mul, Type::TimeSpan, {Long(2), Span(kTicksPerDay)})});
  const Expr folded = ir::FoldConstants(Call(Fn::Gt, Type::Bool, {Col(0, Type::DateTime), ago}));
  CHECK(folded.ToString() == "(gt #0 (sub now 2.00:00:00))");
  // From a query: ago() in a where clause.
  const auto plan = ir::Optimize(Lowered("DeviceProcessEvents | where Timestamp > ago(1d) + 1h | project DeviceName"));
  CHECK(plan->ToString().find("(sub now 1.00:00:00)") != std::string::npos);
}

TEST_CASE("optimize: conjuncts are ordered cheapest first, stable within a class", "[optimize]") {
  const Expr s = Col(0, Type::String), t = Col(1, Type::DateTime), n = Col(2, Type::Long);
  const Expr ordered = ir::OrderConjuncts(Call(
      Fn::And, Type::Bool,
      {Call(Fn::MatchesRegex, Type::Bool, {s, Str("a+")}), Call(Fn::Contains, Type::Bool, {s, Str("c")}),
       Call(Fn::Has, Type::Bool, {s, Str("h")}), Call(Fn::Eq, Type::Bool, {s, Str("e")}),
       Call(Fn::Gt, Type::Bool, {t, Expr::Now()}), Call(Fn::StartsWith, Type::Bool, {s, Str("p")}),
       Call(Fn::Lt, Type::Bool, {n, Long(3)})}));
  CHECK(ordered.ToString() ==
        "(and (gt #1 now) (lt #2 3) (eq #0 \"e\") (has #0 \"h\") (startswith #0 \"p\") (contains #0 \"c\") "
        "(matches_regex #0 \"a+\"))");
  // The terms of an `or` inside are ordered too; a string test over a computed string costs as
  // its dearest part.
  const Expr nested = ir::OrderConjuncts(
      Call(Fn::Or, Type::Bool, {Call(Fn::Eq, Type::Bool, {Call(Fn::Extract, Type::String, {Str("(a)"), Long(1), s}), Str("a")}),
                                Call(Fn::Eq, Type::Bool, {n, Long(1)})}));
  CHECK(nested.ToString() == "(or (eq #2 1) (eq (extract \"(a)\" 1 #0) \"a\"))");
}

TEST_CASE("optimize: equalities with constants under `or` become one `in` list", "[optimize]") {
  const Expr s = Col(0, Type::String), n = Col(1, Type::Long);
  const auto eq = [](Fn fn, const Expr& x, Expr c) { return Call(fn, Type::Bool, {x, std::move(c)}); };
  const Expr merged = ir::MergeEqualities(Call(
      Fn::Or, Type::Bool,
      {eq(Fn::Eq, s, Str("a")), eq(Fn::Eq, n, Long(1)), eq(Fn::EqCi, s, Str("B")), Call(Fn::In, Type::Bool, {s, Str("c"), Str("d")}),
       eq(Fn::Eq, n, Long(2)), eq(Fn::EqCi, s, Str("E")), Call(Fn::Has, Type::Bool, {s, Str("h")})}));
  CHECK(merged.ToString() == "(or (in #0 \"a\" \"c\" \"d\") (in #1 1 2) (in~ #0 \"B\" \"E\") (has #0 \"h\"))");
  // One equality stays as it is; reals, null constants and `and` are left alone.
  const Expr real = Col(2, Type::Real);
  const Expr kept = Call(Fn::Or, Type::Bool,
                         {eq(Fn::Eq, s, Str("a")), eq(Fn::Eq, real, Expr::Constant(Value::Real(1))),
                          eq(Fn::Eq, real, Expr::Constant(Value::Real(2))), eq(Fn::Eq, n, Expr::Constant(Value::Null(Type::Long))),
                          eq(Fn::Eq, n, Long(3))});
  CHECK(ir::MergeEqualities(kept) == kept);
  const Expr conjunction = Call(Fn::And, Type::Bool, {eq(Fn::Eq, s, Str("a")), eq(Fn::Eq, s, Str("b"))});
  CHECK(ir::MergeEqualities(conjunction) == conjunction);
}

TEST_CASE("optimize: reordered conjuncts keep three-valued results", "[optimize]") {
  // Rows: n null/1/5 against `n > 2` (null, false, true) and s against has "x"; the `and` and
  // `or` of the two in either order agree on every row, nulls included.
  Batch batch({{"n", Type::Long}, {"s", Type::String}});
  batch.columns = {Column(Type::Long), Column(Type::String)};
  for (const std::optional<int64_t> v : {std::optional<int64_t>(), std::optional<int64_t>(1), std::optional<int64_t>(5)}) {
    for (const char* text : {"x y", "z"}) {
      if (v) batch.columns[0].AppendLong(*v); else batch.columns[0].AppendNull();
      batch.columns[1].AppendString(text);
    }
  }
  const Expr cheap = Call(Fn::Gt, Type::Bool, {Col(0, Type::Long), Long(2)});
  const Expr dear = Call(Fn::MatchesRegex, Type::Bool, {Col(1, Type::String), Str("x")});
  for (const Fn fn : {Fn::And, Fn::Or}) {
    const Expr original = Call(fn, Type::Bool, {dear, cheap});
    const Expr ordered = ir::OrderConjuncts(original);
    REQUIRE(ordered.args[0] == cheap);
    exec::Evaluator evaluator(kNow);
    const Column a = evaluator.Evaluate(original, exec::RowSet::All(batch));
    const Column b = evaluator.Evaluate(ordered, exec::RowSet::All(batch));
    for (size_t r = 0; r < batch.rows(); ++r) {
      INFO("row " << r);
      CHECK(a.IsNull(r) == b.IsNull(r));
      if (!a.IsNull(r)) CHECK(a.BoolAt(r) == b.BoolAt(r));
    }
  }
}

TEST_CASE("optimize: filters move into every union input", "[optimize]") {
  CHECK(Pushed("union (DeviceProcessEvents | project DeviceName, FileName), (DeviceFileEvents | project DeviceName, "
               "FileName) | where FileName =~ \"a\"") ==
        "Union\n"
        "  Project\n"
        "    Filter (eq~ #4 \"a\")\n"
        "      Scan DeviceFileEvents\n"
        "  Project\n"
        "    Filter (eq~ #4 \"a\")\n"
        "      Scan DeviceProcessEvents\n");
}

TEST_CASE("optimize: filters move into the join sides the join kind allows", "[optimize]") {
  const std::string left = "DeviceProcessEvents | project DeviceName, FileName";
  const std::string right = "(DeviceLogonEvents | project DeviceName, LogonType)";
  const std::string where = " on DeviceName | where FileName == \"a\" and LogonType == \"b\"";
  // inner: each side gets its own conjunct
  CHECK(Pushed(left + " | join kind=inner " + right + where) ==
        "Join\n"
        "  Project\n"
        "    Filter (eq #4 \"b\")\n"
        "      Scan DeviceLogonEvents\n"
        "  Project\n"
        "    Filter (eq #4 \"a\")\n"
        "      Scan DeviceProcessEvents\n");
  // leftouter: the right side is null-filled, its conjunct stays above the join
  CHECK(Pushed(left + " | join kind=leftouter " + right + where) ==
        "Filter (eq #3 \"b\")\n"
        "  Join\n"
        "    Project\n"
        "      Scan DeviceLogonEvents\n"
        "    Project\n"
        "      Filter (eq #4 \"a\")\n"
        "        Scan DeviceProcessEvents\n");
  // fullouter: both sides are null-filled, nothing moves
  CHECK(Pushed(left + " | join kind=fullouter " + right + where).starts_with("Filter (and (eq #1 \"a\") (eq #3 \"b\"))\n"));
  // innerunique (the default) keeps one left row per key: a left conjunct over a non-key
  // column would change which row that is, so only the key conjunct and the right one move
  CHECK(Pushed(left + " | join " + right + where + " and DeviceName == \"d\"") ==
        "Filter (eq #1 \"a\")\n"
        "  Join\n"
        "    Project\n"
        "      Filter (eq #4 \"b\")\n"
        "        Scan DeviceLogonEvents\n"
        "    Project\n"
        "      Filter (eq #2 \"d\")\n"
        "        Scan DeviceProcessEvents\n");
}

TEST_CASE("optimize: what a conjunct over both join sides implies about one side moves below the join",
          "[optimize]") {
  const std::string left = "DeviceProcessEvents | project DeviceName, FileName";
  const std::string right = "(DeviceLogonEvents | project DeviceName, LogonType)";
  const std::string where =
      " on DeviceName | where FileName == \"a\" and LogonType == \"b\" or FileName == \"c\" and LogonType == \"d\"";
  // inner: each side gets the `or` of its own tests; the whole conjunct stays above
  CHECK(Pushed(left + " | join kind=inner " + right + where) ==
        "Filter (or (and (eq #1 \"a\") (eq #3 \"b\")) (and (eq #1 \"c\") (eq #3 \"d\")))\n"
        "  Join\n"
        "    Project\n"
        "      Filter (or (eq #4 \"b\") (eq #4 \"d\"))\n"
        "        Scan DeviceLogonEvents\n"
        "    Project\n"
        "      Filter (or (eq #4 \"a\") (eq #4 \"c\"))\n"
        "        Scan DeviceProcessEvents\n");
  // leftouter: only the left side; a branch of the `or` without a left test implies nothing
  CHECK(Pushed(left + " | join kind=leftouter " + right + where) ==
        "Filter (or (and (eq #1 \"a\") (eq #3 \"b\")) (and (eq #1 \"c\") (eq #3 \"d\")))\n"
        "  Join\n"
        "    Project\n"
        "      Scan DeviceLogonEvents\n"
        "    Project\n"
        "      Filter (or (eq #4 \"a\") (eq #4 \"c\"))\n"
        "        Scan DeviceProcessEvents\n");
  CHECK(Pushed(left + " | join kind=leftouter " + right + " on DeviceName | where FileName == \"a\" or LogonType == \"b\"")
            .find("Filter (eq #4") == std::string::npos);
  // innerunique: a left test over a non-key column stays above
  CHECK(Pushed(left + " | join " + right + where).find("Filter (or (eq #4 \"a\")") == std::string::npos);
  // `x in (T)` under `or` is a left-outer join's marker: the rest of the `or` filters the scan
  CHECK(Pushed("DeviceProcessEvents | where DeviceName in ((DeviceLogonEvents | distinct DeviceName)) and FileName == "
               "\"a\" or FileName == \"c\" | project FileName")
            .find("      Project\n        Filter (or (eq #4 \"a\") (eq #4 \"c\"))\n          Scan DeviceProcessEvents\n") !=
        std::string::npos);
  // rand() is drawn once per row: a conjunct that calls it stays whole above the join
  CHECK(Pushed(left + " | join kind=inner " + right +
               " on DeviceName | where FileName == \"a\" and rand() < 0.5 or LogonType == \"b\" and FileName == \"c\"")
            .find("Filter (or (eq #4 \"a\")") == std::string::npos);
}

TEST_CASE("optimize: filters over group keys move below summarize, others stay", "[optimize]") {
  CHECK(Pushed("DeviceProcessEvents | summarize c = count() by DeviceName, bin(Timestamp, 1h) "
               "| where DeviceName has \"x\" and c > 2 and Timestamp > ago(1d)") ==
        "Filter (gt #2 2)\n"
        "  Aggregate\n"
        "    Filter (and (has #2 \"x\") (gt (bin #0 01:00:00) (sub now 1.00:00:00)))\n"
        "      Scan DeviceProcessEvents\n");
}

TEST_CASE("optimize: filters stay above top, take and window functions", "[optimize]") {
  CHECK(Pushed("DeviceProcessEvents | project DeviceName, FileName | top 3 by DeviceName | where FileName == \"a\"") ==
        "Filter (eq #1 \"a\")\n"
        "  Top\n"
        "    Project\n"
        "      Scan DeviceProcessEvents\n");
  CHECK(Pushed("DeviceProcessEvents | project DeviceName, FileName | take 3 | where FileName == \"a\"") ==
        "Filter (eq #1 \"a\")\n"
        "  Limit\n"
        "    Project\n"
        "      Scan DeviceProcessEvents\n");
  CHECK(Pushed("DeviceProcessEvents | project DeviceName, FileName | serialize | extend p = prev(FileName) "
               "| where DeviceName == \"a\"")
            .starts_with("Project\n  Filter (eq #0 \"a\")\n    Window\n"));
}

TEST_CASE("optimize: filters move below sort and distinct, and below mv-expand unless they read expanded columns",
          "[optimize]") {
  CHECK(Pushed("DeviceProcessEvents | distinct FileName, DeviceName | where DeviceName == \"a\"") ==
        "Distinct\n"
        "  Project\n"
        "    Filter (eq #2 \"a\")\n"
        "      Scan DeviceProcessEvents\n");
  CHECK(Pushed("DeviceProcessEvents | project DeviceName, FileName | sort by DeviceName | where FileName == \"a\"") ==
        "Sort\n"
        "  Project\n"
        "    Filter (eq #4 \"a\")\n"
        "      Scan DeviceProcessEvents\n");
  CHECK(Pushed("DeviceProcessEvents | project DeviceName, AdditionalFields | mv-expand AdditionalFields "
               "| where DeviceName == \"a\" and tostring(AdditionalFields) == \"b\"") ==
        "Filter (eq (convert:string #1) \"b\")\n"
        "  MvExpand\n"
        "    Project\n"
        "      Filter (eq #2 \"a\")\n"
        "        Scan DeviceProcessEvents\n");
}

TEST_CASE("optimize: every scan reads only the columns the query needs", "[optimize]") {
  const std::string text = ir::Optimize(Lowered(
      "DeviceProcessEvents | where FileName == \"a\" | join kind=inner (DeviceLogonEvents | where LogonType == \"b\") on "
      "DeviceName | union (DeviceFileEvents | project DeviceName) | summarize count() by DeviceName"))->ToString();
  CHECK(text.find("Scan DeviceLogonEvents [#0=DeviceName:string, #1=LogonType:string]") != std::string::npos);
  CHECK(text.find("Scan DeviceProcessEvents [#0=DeviceName:string, #1=FileName:string]") != std::string::npos);
  CHECK(text.find("Scan DeviceFileEvents [#0=DeviceName:string]") != std::string::npos);
  // through sort and top: the sort key is read too
  CHECK(ir::Optimize(Lowered("DeviceProcessEvents | where FileName has \"a\" | sort by Timestamp desc | top 5 by "
                             "ProcessId | project DeviceName"))
            ->ToString()
            .ends_with("Scan DeviceProcessEvents [#0=Timestamp:datetime, #1=DeviceName:string, #2=FileName:string, "
                       "#3=ProcessId:long]\n"));
}

namespace {

// The rows (JSON lines, sorted: compared as a multiset) a plan gives over `inputs`.
std::vector<std::string> RunPlan(const ir::Op& plan, const std::vector<InputFile>& inputs, const fs::path& dir,
                                 RunStats* stats = nullptr, const RunOptions& options = {}) {
  auto compiled = std::make_unique<CompiledQuery>();
  compiled->engine = Engine::Interp;
  compiled->plan = ir::ToPlan(plan);
  for (const ColumnSpec& c : compiled->plan->schema) {
    compiled->pipeline.shape.output.push_back(static_cast<uint32_t>(compiled->pipeline.shape.output.size()));
    compiled->pipeline.shape.output_names.push_back(c.name);
  }
  std::vector<std::unique_ptr<CompiledQuery>> queries;
  queries.push_back(std::move(compiled));
  std::vector<std::string> rows = test::RunToLines(queries, inputs, kNow, dir, stats, nullptr, options);
  std::sort(rows.begin(), rows.end());
  return rows;
}

// How many columns the scans of a plan read, all scans together.
size_t ScannedColumns(const ir::Op& root, size_t* shared = nullptr) {
  size_t n = 0;
  std::set<const ir::Op*> subplans;  // each shared subplan counts once
  std::vector<const ir::Op*> stack{&root};
  while (!stack.empty()) {
    const ir::Op* o = stack.back();
    stack.pop_back();
    if (o->kind == ir::OpKind::Scan) n += o->source_columns.size();
    if (o->input) stack.push_back(o->input.get());
    for (const auto& other : o->others) stack.push_back(other.get());
    if (o->shared && subplans.insert(o->shared.get()).second) stack.push_back(o->shared.get());
  }
  if (shared) *shared = subplans.size();
  return n;
}

}  // namespace

TEST_CASE("optimize: corpus rules over Device* tables give the same rows with and without the optimiser",
          "[optimize][corpus]") {
  const fs::path corpus = fs::path(HUNTC_SOURCE_DIR) / ".." / "shared" / "corpus";
  if (!fs::exists(corpus)) {
    WARN("no corpus at " << corpus.string() << ": skipped");
    return;
  }
  const test::TempDir dir;
  const std::vector<InputFile> inputs = test::WriteDeviceArchive(dir.path, 5000, kNow);
  const Catalog catalog = Catalog::BuiltIn();
  Diagnostics found;
  size_t compared = 0, with_rows = 0, columns_plain = 0, columns_optimised = 0;
  size_t random = 0;  // rules calling rand() or new_guid(): their rows differ between runs
  size_t sharing = 0, reads_plain = 0, reads_optimised = 0;  // rules with shared subplans; inputs read
  for (const std::string& path : FindRuleFiles({corpus.string()}, found)) {
    Diagnostics diags;
    std::optional<Rule> rule = LoadRuleFile(path, diags);
    if (!rule) continue;
    AnalyzedQuery analyzed;
    if (!AnalyzeQuery(rule->query, rule->query_origin, catalog, diags, analyzed)) continue;
    const bool device_only = std::all_of(analyzed.binding.tables.begin(), analyzed.binding.tables.end(),
                                         [](const std::string& t) { return t.starts_with("Device"); });
    if (analyzed.binding.tables.empty() || !device_only) continue;
    bool nondeterministic = false;
    // Unoptimised and unshared: each use of a let table lowered again, as before shared subplans.
    auto plain = ir::Lower(analyzed.ast, analyzed.binding,
                           [&](Code code, syntax::Span, std::string) { nondeterministic |= code == Code::NonDeterministic; },
                           {.share_tables = false});
    REQUIRE(plain);
    if (nondeterministic) {
      ++random;
      continue;
    }
    INFO(path << "\nunoptimised:\n" << plain->ToString() << "optimised:\n" << analyzed.plan->ToString());
    RunStats plain_stats, optimised_stats;
    const std::vector<std::string> expected = RunPlan(*plain, inputs, dir.path, &plain_stats);
    const std::vector<std::string> got = RunPlan(*analyzed.plan, inputs, dir.path, &optimised_stats);
    CHECK(got == expected);
    ++compared;
    if (!expected.empty()) ++with_rows;
    size_t subplans = 0;
    columns_plain += ScannedColumns(*plain);
    columns_optimised += ScannedColumns(*analyzed.plan, &subplans);
    sharing += subplans > 0;
    reads_plain += plain_stats.files;
    reads_optimised += optimised_stats.files;
  }
  WARN(fmt::format("optimiser differential: {} corpus rules compared, {} with rows ({} non-deterministic left "
                   "out); scans read {} columns unoptimised, {} optimised; {} rules share subplans; "
                   "{} input reads unshared, {} shared",
                   compared, with_rows, random, columns_plain, columns_optimised, sharing, reads_plain,
                   reads_optimised));
  CHECK(compared > 300);
}

TEST_CASE("optimize: queries that exercise each pass give the same rows with and without the optimiser",
          "[optimize]") {
  const test::TempDir dir;
  const std::vector<InputFile> inputs = test::WriteDeviceArchive(dir.path, 3000, kNow);
  const char* queries[] = {
      // folding, ordering
      R"(DeviceProcessEvents | where (FileName == tolower("CMD.EXE") or FileName in~ ("POWERSHELL.EXE", "net.exe")) and Timestamp > datetime(2026-10-01) + 1d and ProcessId > 0 | summarize count() by FileName)",
      // equalities into `in`, with a null-valued column (RemotePort is missing in some rows)
      R"(DeviceNetworkEvents | where RemotePort == 443 or RemotePort == 80 or RemotePort in (22, 3389) or ActionType =~ "connectionsuccess" or ActionType =~ "INBOUNDCONNECTIONACCEPTED" | summarize count() by RemotePort, ActionType)",
      R"(DeviceNetworkEvents | where not(RemotePort == 443 or RemotePort == 80) | summarize count() by RemotePort)",
      // union
      R"(union DeviceProcessEvents, DeviceFileEvents | where FileName endswith ".exe" and Timestamp > ago(30d) | summarize count() by DeviceName, FileName)",
      // joins: inner, innerunique (left conjunct over a non-key column kept above), leftouter
      R"(DeviceProcessEvents | join kind=inner (DeviceNetworkEvents | summarize n = count() by DeviceName) on DeviceName | where FileName has "exe" and n > 1 | summarize count() by DeviceName, FileName)",
      R"(DeviceProcessEvents | join (DeviceNetworkEvents | summarize n = count() by DeviceName) on DeviceName | where FileName has "exe" and DeviceName != "" | project DeviceName, FileName, n)",
      R"(DeviceProcessEvents | join kind=leftouter (DeviceNetworkEvents | where RemotePort == 443 | summarize n = count() by DeviceName) on DeviceName | where isnull(n) or n > 0 | summarize count() by DeviceName, FileName)",
      // a conjunct over both sides: what it implies about each side moves below the join
      R"(DeviceProcessEvents | join kind=inner (DeviceNetworkEvents | summarize n = count() by DeviceName) on DeviceName | where FileName has "exe" and n > 1 or FileName has "cmd" and n > 0 | summarize count() by DeviceName, FileName)",
      R"(DeviceProcessEvents | join kind=leftouter (DeviceNetworkEvents | where RemotePort == 443 | summarize n = count() by DeviceName) on DeviceName | where FileName has "exe" and isnull(n) or FileName has "cmd" | summarize count() by DeviceName, FileName)",
      R"(DeviceProcessEvents | join (DeviceNetworkEvents | summarize n = count() by DeviceName) on DeviceName | where DeviceName != "" and n > 1 or DeviceName has "a" | project DeviceName, FileName, n)",
      R"(union DeviceProcessEvents, DeviceFileEvents | where DeviceName in ((DeviceNetworkEvents | where RemotePort == 443 | distinct DeviceName)) and FileName has "exe" or FileName has "cmd" | summarize count() by DeviceName, FileName)",
      // summarize keys
      R"(DeviceNetworkEvents | summarize c = count() by DeviceName, bin(Timestamp, 1d) | where DeviceName != "" and c > 1 and Timestamp > ago(20d))",
      // mv-expand
      R"(DeviceProcessEvents | extend parts = split(FileName, ".") | mv-expand parts | where DeviceName != "" and tostring(parts) == "exe" | summarize count() by DeviceName)",
      // top, window
      // distinct
      R"(DeviceProcessEvents | distinct FileName, DeviceName | where DeviceName != "" and FileName has "exe")",
      R"(DeviceProcessEvents | top 50 by Timestamp desc | where FileName has "exe" | project DeviceName, FileName, Timestamp)",
      R"(DeviceProcessEvents | sort by Timestamp desc | take 40 | project DeviceName, FileName)",
      R"(DeviceNetworkEvents | sort by Timestamp asc | extend prev_device = prev(DeviceName) | where DeviceName == prev_device | summarize count() by DeviceName)",
  };
  for (const char* kql : queries) {
    INFO(kql);
    const auto a = Analyze(kql);
    const std::vector<std::string> expected = RunPlan(*Lowered(kql), inputs, dir.path);
    CHECK(!expected.empty());
    CHECK(RunPlan(*a->front.plan, inputs, dir.path) == expected);
  }
}

TEST_CASE("optimize: a filter that is always false empties its input, which is then never read", "[optimize]") {
  // A string compared with a long is never true: the join below the filter is dead.
  const std::string dead =
      "DeviceProcessEvents | project DeviceId, Pid = tostring(ProcessId) "
      "| join kind=inner DeviceNetworkEvents on DeviceId | where Pid == InitiatingProcessId | project DeviceId, RemoteIP";
  const std::string text = ir::Optimize(Lowered(dead))->ToString();
  INFO(text);
  CHECK(text.starts_with("Project [DeviceId=#0, RemoteIP=#6]\n  Datatable "));
  CHECK(text.find("Scan") == std::string::npos);
  CHECK(text.find("Join") == std::string::npos);
  // Elsewhere in the tree: one union input, one side of an outer join, a filter under others.
  CHECK(Shape(*ir::Optimize(Lowered("union (DeviceProcessEvents | where 1 == 2), DeviceFileEvents "
                                    "| summarize count() by FileName"))) ==
        "Aggregate\n"
        "  Project\n"
        "    Union\n"
        "      Project\n"
        "        Scan DeviceFileEvents\n"
        "      Project\n"
        "        Datatable\n");
  // The same rows as the plan the optimiser did not touch: none, or those of the live parts.
  const test::TempDir dir;
  const std::vector<InputFile> inputs = test::WriteDeviceArchive(dir.path, 3000, kNow);
  const char* queries[] = {
      R"(union (DeviceProcessEvents | where 1 == 2), DeviceFileEvents | summarize count() by FileName)",
      R"(DeviceProcessEvents | join kind=leftouter (DeviceNetworkEvents | where RemotePort == 443 and 1 > 2) on DeviceName | summarize count() by DeviceName, FileName, RemotePort)",
      R"(DeviceProcessEvents | where FileName has "exe" | where not(true) | summarize count() by DeviceName)",
  };
  for (const char* kql : queries) {
    INFO(kql);
    const auto a = Analyze(kql);
    CHECK(a->front.plan->ToString().find("Datatable") != std::string::npos);
    CHECK(RunPlan(*a->front.plan, inputs, dir.path) == RunPlan(*Lowered(kql), inputs, dir.path));
  }
  const auto a = Analyze(dead);
  CHECK(RunPlan(*a->front.plan, inputs, dir.path).empty());
  CHECK(RunPlan(*Lowered(dead), inputs, dir.path).empty());
}

TEST_CASE("optimize: a projection computes shared expensive subexpressions once", "[optimize]") {
  auto plan = ir::Optimize(Lowered(
      "DeviceProcessEvents | extend l = tolower(FileName) | project a = l has \"x\", b = l has \"y\", n = ProcessId + 1, "
      "m = ProcessId + 1, DeviceName"));
  // tolower is shared; the cheap ProcessId + 1 is computed twice rather than copied.
  CHECK(plan->ToString() ==
        "Project [a=(has #2 \"x\"), b=(has #2 \"y\"), n=(add #1 1), m=(add #1 1), DeviceName=#0]\n"
        "  Project [DeviceName=#0, ProcessId=#2, shared_0=(tolower #1)]\n"
        "    Scan DeviceProcessEvents [#0=DeviceName:string, #1=FileName:string, #2=ProcessId:long]\n");
  // Nested sharing: the largest repeated expression is shared, not its parts separately.
  auto nested = ir::Optimize(Lowered(
      "DeviceProcessEvents | project a = strlen(tolower(FileName)), b = strlen(tolower(FileName)) + 1"));
  CHECK(nested->ToString() ==
        "Project [a=#0, b=(add #0 1)]\n"
        "  Project [shared_0=(strlen (tolower #0))]\n"
        "    Scan DeviceProcessEvents [#0=FileName:string]\n");
}

TEST_CASE("optimize: a let table used twice is one shared subplan, printed, compared and hashed as one",
          "[optimize][shared]") {
  const std::string kql =
      "let p = DeviceProcessEvents | where Timestamp > ago(30d) | project DeviceName, FileName, ProcessId, AccountName;\n"
      "p | where FileName == 'cmd.exe'\n"
      "| join kind=inner (p | where FileName == 'net.exe' | summarize n = count() by DeviceName) on DeviceName\n"
      "| project DeviceName, FileName, n";
  auto lowered = Lowered(kql);
  // Both uses name subplan #1; its operators print once, under the first use.
  CHECK(Shape(*lowered) ==
        "Project\n"
        "  Join\n"
        "    Aggregate\n"
        "      Filter (eq #1 \"net.exe\")\n"
        "        Shared\n"
        "          Project\n"
        "            Filter (gt #0 (sub now 30.00:00:00))\n"
        "              Scan DeviceProcessEvents\n"
        "    Filter (eq #1 \"cmd.exe\")\n"
        "      Shared\n");
  const std::string text = lowered->ToString();
  CHECK(text.find("Shared #1 -> DeviceName:string FileName:string ProcessId:long AccountName:string") != std::string::npos);
  CHECK(text.find("Shared #2") == std::string::npos);
  // A lowering of the same query is equal and hashes alike; one of another let body is not.
  auto again = Lowered(kql);
  CHECK(*again == *lowered);
  CHECK(again->Hash() == lowered->Hash());
  std::string other = kql;
  other.replace(other.find("ago(30d)"), 8, "ago(31d)");
  auto different = Lowered(other);
  CHECK_FALSE(*different == *lowered);
  CHECK(different->Hash() != lowered->Hash());
  // Unshared, the table is lowered at each use: two scans, no Shared node.
  CHECK(Lowered(kql, false)->ToString().find("Shared") == std::string::npos);

  // Optimised: each use keeps its filter; the subplan gets their `or` (merged into one `in`)
  // and outputs only the columns some use reads (the union: DeviceName, FileName).
  CHECK(Shape(*ir::Optimize(Lowered(kql))) ==
        "Project\n"
        "  Join\n"
        "    Aggregate\n"
        "      Project\n"
        "        Filter (eq #1 \"net.exe\")\n"
        "          Shared\n"
        "            Project\n"
        "              Filter (and (gt #0 (sub now 30.00:00:00)) (in #2 \"net.exe\" \"cmd.exe\"))\n"
        "                Scan DeviceProcessEvents\n"
        "    Project\n"
        "      Filter (eq #1 \"cmd.exe\")\n"
        "        Shared\n");
}

TEST_CASE("optimize: a use without a filter keeps the shared subplan unfiltered", "[optimize][shared]") {
  const std::string kql =
      "let p = DeviceProcessEvents | project DeviceName, FileName, ProcessId;\n"
      "p | join kind=inner (p | where FileName == 'net.exe' | project DeviceName, Net = FileName) on DeviceName";
  // The left use reads every row and every column: nothing moves into the subplan, whose scan
  // reads its three columns.
  CHECK(Shape(*ir::Optimize(Lowered(kql))) ==
        "Join\n"
        "  Project\n"
        "    Filter (eq #1 \"net.exe\")\n"
        "      Shared\n"
        "        Project\n"
        "          Scan DeviceProcessEvents\n"
        "  Shared\n");
}

TEST_CASE("optimize: a shared subplan runs once: one read of its input, the rows of the unshared plan",
          "[optimize][shared]") {
  const test::TempDir dir;
  const std::vector<InputFile> inputs = test::WriteDeviceArchive(dir.path, 3000, kNow);
  const char* queries[] = {
      // a filtered let used on both sides of a join
      "let p = DeviceProcessEvents | where Timestamp > ago(30d) | project DeviceName, FileName, ProcessId;\n"
      "p | where FileName endswith '.exe' | join kind=inner (p | summarize n = count() by DeviceName) on DeviceName\n"
      "| summarize count() by DeviceName, n",
      // a materialized summary used three times (union and join)
      "let s = materialize(DeviceNetworkEvents | summarize c = count() by DeviceName, RemotePort);\n"
      "union (s | where RemotePort == 443), (s | where c > 1)\n"
      "| join kind=leftouter (s | summarize total = sum(c) by DeviceName) on DeviceName\n"
      "| project DeviceName, RemotePort, c, total",
      // shared subplans nested: a let over another let, both used twice
      "let a = DeviceProcessEvents | project DeviceName, FileName;\n"
      "let b = a | summarize n = count() by DeviceName;\n"
      "b | join kind=inner (a | where FileName has 'cmd') on DeviceName | join kind=inner (b | where n > 1) on DeviceName\n"
      "| summarize count() by DeviceName, n",
  };
  for (const char* kql : queries) {
    INFO(kql);
    RunStats unshared, shared, optimised, unshared_kept;
    RunOptions reread;
    reread.keep_bytes = 0;
    const std::vector<std::string> expected = RunPlan(*Lowered(kql, false), inputs, dir.path, &unshared, reread);
    CHECK(!expected.empty());
    CHECK(RunPlan(*Lowered(kql), inputs, dir.path, &shared, reread) == expected);
    CHECK(RunPlan(*ir::Optimize(Lowered(kql)), inputs, dir.path, &optimised, reread) == expected);
    CHECK(RunPlan(*Lowered(kql, false), inputs, dir.path, &unshared_kept) == expected);
    // Each table's file is read once however many uses the let has; unshared, once per use,
    // unless the later uses keep their rows from the first read (RunOptions::keep_bytes).
    CHECK(shared.files == 1);
    CHECK(optimised.files == 1);
    CHECK(unshared.files > 1);
    CHECK(unshared_kept.files == 1);
  }
}

TEST_CASE("optimize: rand() in a let is drawn per use unless the let is materialized", "[optimize][shared]") {
  // Without materialize each use evaluates the table anew; with it, once for every use
  // (doc: materialize-function).
  CHECK(Lowered("let t = DeviceProcessEvents | project DeviceName, r = rand(); t | join kind=inner (t) on DeviceName")
            ->ToString().find("Shared") == std::string::npos);
  CHECK(Lowered("let t = materialize(DeviceProcessEvents | project DeviceName, r = rand()); "
                "t | join kind=inner (t) on DeviceName")->ToString().find("Shared #1") != std::string::npos);
  // A use's filter reading the drawn column is not moved into the subplan, where it would be
  // computed from other draws than the rows hold.
  auto plan = ir::Optimize(Lowered(
      "let t = materialize(DeviceProcessEvents | project DeviceName, r = rand()); "
      "t | where r < 0.5 | join kind=inner (t | where r >= 0.5) on DeviceName"));
  CHECK(Shape(*plan).find("Filter (lt") != std::string::npos);
  size_t subplans = 0;
  ScannedColumns(*plan, &subplans);
  REQUIRE(subplans == 1);
}
