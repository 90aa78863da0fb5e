// The pack scan stage (runtime/exec/pack_scan.h, compiler/jit/pack.cpp): every consumer's
// selection equals the interpreter's for its own filter; a conjunct common to several consumers
// is evaluated once per row (counted by the stage); the string tests pooled into one literal
// matcher per column answer exactly as the tests one by one, on generated strings with term
// boundaries, case, empty needles and non-ASCII text.
#include <catch2/catch.hpp>

#include <random>

#include <fmt/format.h>

#include "compiler/driver/compile.h"
#include "runtime/exec/eval.h"

using namespace huntc;
using exec::Expr;
using exec::Fn;
using exec::Value;

namespace {

Expr Col(int i, Type t) { return Expr::Column(i, t); }
Expr Str(std::string s) { return Expr::Constant(Value::String(std::move(s))); }
Expr Long(int64_t v) { return Expr::Constant(Value::Integer(Type::Long, v)); }
Expr Call(Fn fn, std::vector<Expr> args) { return Expr::Call(fn, Type::Bool, std::move(args)); }

// The consumer's batch: the table's columns at its positions.
Batch Project(const Batch& table, const exec::PackConsumer& c) {
  std::vector<ColumnSpec> schema;
  for (size_t p : c.positions) schema.push_back(table.specs[p]);
  Batch out(schema);
  for (size_t i = 0; i < c.positions.size(); ++i) out.columns[i] = table.columns[c.positions[i]];
  out.row_count = table.rows();
  return out;
}

// Runs the consumers' filters as one pack scan stage over `table` and checks each selection
// against the interpreter's; returns the stage for its figures.
std::unique_ptr<exec::PackScan> CheckAgainstInterpreter(const Batch& table, const std::vector<Expr>& predicates,
                                                        const std::vector<std::vector<size_t>>& positions,
                                                        PackScanCompiler& compiler) {
  std::vector<exec::PackConsumer> consumers;
  for (size_t i = 0; i < predicates.size(); ++i) consumers.push_back({&predicates[i], positions[i]});
  std::unique_ptr<exec::PackScan> stage = compiler.Factory()("T", table.specs, consumers);
  INFO((compiler.failures().empty() ? std::string() : compiler.failures()[0]));
  REQUIRE(stage);
  const int64_t now = 0;
  stage->Run(table, now);
  exec::Evaluator eval(now);
  for (size_t i = 0; i < consumers.size(); ++i) {
    const Batch own = Project(table, consumers[i]);
    std::vector<uint32_t> expected;
    eval.Select(predicates[i], exec::RowSet::All(own), expected);
    const std::vector<uint32_t> got(stage->selection(i), stage->selection(i) + stage->count(i));
    INFO("consumer " << i << ": " << predicates[i].ToString());
    CHECK(got == expected);
  }
  return stage;
}

}  // namespace

TEST_CASE("pack scan: a conjunct common to several filters is evaluated once per row", "[pack]") {
  std::string error;
  std::unique_ptr<Jit> jit = Jit::Create(error);
  REQUIRE(jit);
  PackScanCompiler compiler(*jit);
  // The table: ActionType, RemotePort, RemoteUrl. Consumer 1 reads its columns in another order.
  Batch table({{"ActionType", Type::String}, {"RemotePort", Type::Long}, {"RemoteUrl", Type::String}});
  const char* actions[] = {"ConnectionSuccess", "ConnectionFailed", "InboundConnectionAccepted"};
  const size_t rows = 1000;
  for (size_t i = 0; i < rows; ++i) {
    table.columns[0].AppendString(actions[i % 3]);
    if (i % 7 == 0) {
      table.columns[1].AppendNull();
    } else {
      table.columns[1].AppendLong(static_cast<int64_t>(i * 37 % 1024));
    }
    table.columns[2].AppendString(fmt::format("host{}.example.com", i % 11));
  }
  const Expr success0 = Call(Fn::Eq, {Col(0, Type::String), Str("ConnectionSuccess")});
  const Expr success1 = Call(Fn::Eq, {Col(1, Type::String), Str("ConnectionSuccess")});
  const std::vector<Expr> predicates = {
      Call(Fn::And, {success0, Call(Fn::Gt, {Col(1, Type::Long), Long(500)})}),
      // The same conjunct over columns numbered otherwise: shared once renumbered.
      Call(Fn::And, {success1, Call(Fn::Lt, {Col(0, Type::Long), Long(100)})}),
      // Used second here: a row that fails the first conjunct does not evaluate it again.
      Call(Fn::And, {Call(Fn::Contains, {Col(2, Type::String), Str("host3")}), success0}),
      // Not shared: only one filter tests it.
      Call(Fn::Ne, {Col(1, Type::Long), Long(7)}),
  };
  const std::vector<std::vector<size_t>> positions = {{0, 1, 2}, {1, 0}, {0, 1, 2}, {0, 1}};
  const auto stage = CheckAgainstInterpreter(table, predicates, positions, compiler);
  const exec::PackScanLayout& layout = stage->layout();
  CHECK(layout.conjuncts.size() == 5);
  CHECK(layout.shared_count() == 1);
  // Filters 0 and 1 test it first, on every row; filter 2 reuses that value: each row once.
  CHECK(stage->stats().shared_evaluations == rows);
  CHECK(stage->stats().rows == rows);
}

TEST_CASE("pack scan: pooled string literals answer as the tests one by one", "[pack]") {
  std::string error;
  std::unique_ptr<Jit> jit = Jit::Create(error);
  REQUIRE(jit);
  PackScanCompiler compiler(*jit);
  // Values built from pieces that sit on and across term boundaries, in both cases, with
  // non-ASCII letters in both cases.
  const std::vector<std::string> pieces = {"cmd", "CMD", "Cmd.exe", "powershell", "-enc", " ", "\\", "/",
                                           "é", "É", "ü", "日本", "a", "ab", "_", "x1", ".", "\"", ""};
  std::mt19937 random(11);
  Batch table({{"CommandLine", Type::String}, {"FileName", Type::String}});
  const size_t rows = 3000;
  for (size_t i = 0; i < rows; ++i) {
    std::string value;
    const size_t n = random() % 6;
    for (size_t k = 0; k < n; ++k) value += pieces[random() % pieces.size()];
    table.columns[0].AppendString(value);
    table.columns[1].AppendString(pieces[random() % pieces.size()]);
  }
  const std::vector<std::string> needles = {"cmd", "CMD", "cmd.exe", "-enc", "a", "ab", "é", "É", "日本",
                                            " ", "\\", "", "x1", "powershell -enc"};
  const Fn single[] = {Fn::Has,        Fn::HasCs,      Fn::Contains,   Fn::ContainsCs, Fn::StartsWith,
                       Fn::StartsWithCs, Fn::EndsWith, Fn::EndsWithCs, Fn::EqCi};
  std::vector<Expr> predicates;
  for (Fn fn : single) {
    for (const std::string& needle : needles) {
      predicates.push_back(Call(fn, {Col(0, Type::String), Str(needle)}));
    }
  }
  // Lists, and tests under `not` and `or` (pooled inside a conjunct), on both columns.
  const Expr cmd = Col(0, Type::String);
  const Expr file = Col(1, Type::String);
  predicates.push_back(Call(Fn::InCi, {file, Str("cmd"), Str("É"), Str("")}));
  predicates.push_back(Call(Fn::In, {file, Str("cmd"), Str("CMD"), Str("é")}));
  predicates.push_back(Call(Fn::HasAny, {cmd, Str("cmd"), Str("ü"), Str("x1")}));
  predicates.push_back(Call(Fn::Not, {Call(Fn::Has, {cmd, Str("powershell")})}));
  predicates.push_back(Call(Fn::Or, {Call(Fn::EndsWith, {file, Str(".exe")}), Call(Fn::StartsWithCs, {cmd, Str("CMD")})}));
  predicates.push_back(Call(Fn::And, {Call(Fn::Contains, {file, Str("a")}), Call(Fn::HasCs, {cmd, Str("Cmd")})}));
  const std::vector<std::vector<size_t>> positions(predicates.size(), std::vector<size_t>{0, 1});
  const auto stage = CheckAgainstInterpreter(table, predicates, positions, compiler);
  const exec::PackScanLayout& layout = stage->layout();
  REQUIRE(layout.pools.size() == 2);  // one matcher per column, every test of it pooled
  // One test per filter, but the `or` and the `and` hold two each, and `startswith_cs "CMD"` is
  // there twice (pooled once).
  CHECK(layout.tests.size() == predicates.size() + 1);
  CHECK(stage->stats().literal_scans == 2 * rows);
  WARN(layout.Describe(table.specs));
}

TEST_CASE("pack scan: a pool over a dictionary-encoded column matches each distinct value once", "[pack]") {
  std::string error;
  std::unique_ptr<Jit> jit = Jit::Create(error);
  REQUIRE(jit);
  PackScanCompiler compiler(*jit);
  // FileName holds nine values, encoded; CommandLine a value per row, so it falls back to plain.
  const std::vector<std::string> files = {"cmd.exe", "CMD.EXE", "powershell.exe", "", "é.exe", "a b", "x", "rundll32.exe", "-enc"};
  Batch table({{"CommandLine", Type::String}, {"FileName", Type::String}});
  for (Column& c : table.columns) c.EnableDictionary();
  const size_t rows = 2000;
  for (size_t i = 0; i < rows; ++i) {
    table.columns[0].AppendString(fmt::format("{} -enc {}", files[i % files.size()], i));
    table.columns[1].AppendString(files[i * 7 % files.size()]);
  }
  REQUIRE_FALSE(table.columns[0].codes());
  REQUIRE(table.columns[1].codes());
  const Expr cmd = Col(0, Type::String);
  const Expr file = Col(1, Type::String);
  const std::vector<Expr> predicates = {
      Call(Fn::InCi, {file, Str("cmd.exe"), Str("É.EXE"), Str("")}),
      Call(Fn::Or, {Call(Fn::EndsWith, {file, Str(".exe")}), Call(Fn::Has, {file, Str("b")})}),
      Call(Fn::And, {Call(Fn::Contains, {cmd, Str("power")}), Call(Fn::HasCs, {file, Str("CMD")})}),
      Call(Fn::Or, {Call(Fn::StartsWith, {cmd, Str("cmd")}), Call(Fn::Contains, {cmd, Str("1")})}),
  };
  const std::vector<std::vector<size_t>> positions(predicates.size(), std::vector<size_t>{0, 1});
  const auto stage = CheckAgainstInterpreter(table, predicates, positions, compiler);
  REQUIRE(stage->layout().pools.size() == 2);
  CHECK(stage->stats().literal_scans == rows + files.size());  // each command line, each file name once
}

TEST_CASE("pack scan: has_any of dynamic lists is pooled and answers as the interpreter", "[pack]") {
  std::string error;
  std::unique_ptr<Jit> jit = Jit::Create(error);
  REQUIRE(jit);
  PackScanCompiler compiler(*jit);
  // CommandLine plain (a value per row), FileName dictionary-encoded; short values so that the
  // terms sit at the edges of values, which one scan over the column's bytes must not cross.
  const std::vector<std::string> files = {"cmd.exe", "CMD", "exe", "", "é", "a b", "x1", "cmdexe"};
  Batch table({{"CommandLine", Type::String}, {"FileName", Type::String}});
  for (Column& c : table.columns) c.EnableDictionary();
  const size_t rows = 3000;
  for (size_t i = 0; i < rows; ++i) {
    if (i % 13 == 0) {
      table.columns[0].AppendNull();
    } else {
      table.columns[0].AppendString(fmt::format("{}{}", files[i % files.size()], i % 17 == 0 ? "" : std::to_string(i)));
    }
    table.columns[1].AppendString(files[i * 5 % files.size()]);
  }
  REQUIRE_FALSE(table.columns[0].codes());
  REQUIRE(table.columns[1].codes());
  const auto dyn = [](std::string json) { return Expr::Constant(Value::Dynamic(std::move(json))); };
  const Expr cmd = Col(0, Type::String);
  const Expr file = Col(1, Type::String);
  const std::vector<Expr> predicates = {
      Call(Fn::HasAny, {cmd, dyn(R"(["cmd", "EXE", null, "é"])")}),
      Call(Fn::HasAny, {file, dyn(R"(["cmd", "b", 1])")}),
      // A scalar, an empty list and a null dynamic: the scalar's text only.
      Call(Fn::HasAny, {file, dyn(R"("x1")"), dyn("[]"), Expr::Constant(Value::Null(Type::Dynamic))}),
      // A null string is "" (strings are never null), a term in every value.
      Call(Fn::HasAny, {cmd, dyn(R"(["zzz"])"), Expr::Constant(Value::Null(Type::String))}),
      Call(Fn::HasAny, {file, dyn("[]")}),
      Call(Fn::And, {Call(Fn::HasAny, {cmd, dyn(R"(["cmd", "exe1"])")}), Call(Fn::Contains, {file, Str("e")})}),
  };
  const std::vector<std::vector<size_t>> positions(predicates.size(), std::vector<size_t>{0, 1});
  const auto stage = CheckAgainstInterpreter(table, predicates, positions, compiler);
  const exec::PackScanLayout& layout = stage->layout();
  REQUIRE(layout.pools.size() == 2);
  CHECK(layout.tests.size() == predicates.size() + 1);  // every has_any pooled, and the `contains`
  CHECK(stage->count(2) > 0);
  CHECK(stage->count(2) < rows);
  CHECK(stage->count(3) == rows);
  CHECK(stage->count(4) == 0);
}

TEST_CASE("pack scan: a large pack's kernel in parts selects as the interpreter", "[pack]") {
  std::string error;
  std::unique_ptr<Jit> jit = Jit::Create(error);
  REQUIRE(jit);
  PackScanCompiler compiler(*jit);
  Batch table({{"RemotePort", Type::Long}, {"LocalPort", Type::Long}});
  std::mt19937 random(13);
  const size_t rows = 2000;
  for (size_t i = 0; i < rows; ++i) {
    for (Column& c : table.columns) {
      if (random() % 9 == 0) {
        c.AppendNull();
      } else {
        c.AppendLong(static_cast<int64_t>(random() % 1000));
      }
    }
  }
  // Enough filters for several parts, each with a conjunct common to all, which every part then
  // evaluates for its own filters.
  const Expr common = Call(Fn::Ne, {Col(1, Type::Long), Long(7)});
  std::vector<Expr> predicates;
  std::vector<std::vector<size_t>> positions;
  for (int64_t k = 0; k < 300; ++k) {
    predicates.push_back(Call(Fn::And, {Call(Fn::Gt, {Col(0, Type::Long), Long(k * 3)}),
                                        Call(Fn::Lt, {Col(1, Type::Long), Long(1000 - k)}), common}));
    positions.push_back({0, 1});
  }
  const auto stage = CheckAgainstInterpreter(table, predicates, positions, compiler);
  const exec::PackScanLayout& layout = stage->layout();
  CHECK(layout.part_ends.size() > 1);
  CHECK(layout.part_ends.back() == predicates.size());
  CHECK(layout.shared_count() == 1);
}
