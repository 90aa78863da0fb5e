// Dictionary-encoded string columns (runtime/batch.h Column::EnableDictionary): the codes a
// column keeps, its fallback to plain when a batch holds too many values, and predicates over
// encoded columns selecting exactly the rows they select over plain ones, in the JIT's filter
// kernels (compiler/jit/filter.cpp) and in the interpreter (runtime/exec/eval.cpp).
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "compiler/driver/compile.h"
#include "runtime/exec/eval.h"
#include "tests/unit/run_util.h"

using namespace huntc;

namespace {

// The values of column `column` as its codes and distinct rows give them back.
std::vector<std::string> Decoded(const Column& column) {
  std::vector<std::string> out;
  for (size_t row = 0; row < column.size(); ++row) {
    out.emplace_back(column.StringAt(column.distinct_rows()[column.codes()[row]]));
  }
  return out;
}

std::vector<std::string> Values(const Column& column) {
  std::vector<std::string> out;
  for (size_t row = 0; row < column.size(); ++row) out.emplace_back(column.StringAt(row));
  return out;
}

}  // namespace

TEST_CASE("dictionary: a string column keeps a code per row and the first row of each value", "[runtime][dictionary]") {
  Column c(Type::String);
  c.EnableDictionary();
  c.AppendString("ConnectionSuccess");
  c.AppendNull();  // "", the same value as an empty string
  c.AppendString("ConnectionFailed");
  c.AppendString("");
  c.AppendString("ConnectionSuccess");
  REQUIRE(c.codes());
  CHECK(std::vector<uint8_t>(c.codes(), c.codes() + 5) == std::vector<uint8_t>{0, 1, 2, 1, 0});
  CHECK(c.distinct_rows() == std::vector<uint32_t>{0, 1, 2});
  CHECK(Decoded(c) == Values(c));
  const ColumnView v = c.View();
  CHECK(v.codes == c.codes());
  CHECK(v.distinct == 3);
  CHECK(v.distinct_rows[2] == 2);
  // A copied row is interned like an appended one; Clear starts a new dictionary.
  Column d(Type::String);
  d.EnableDictionary();
  d.AppendFrom(c, 2);
  d.AppendFrom(c, 4);
  d.AppendFrom(c, 0);
  CHECK(std::vector<uint8_t>(d.codes(), d.codes() + 3) == std::vector<uint8_t>{0, 1, 1});
  d.Clear();
  d.AppendString("x");
  REQUIRE(d.codes());
  CHECK(d.codes()[0] == 0);
  CHECK(d.distinct_rows() == std::vector<uint32_t>{0});
}

TEST_CASE("dictionary: a batch with too many values falls back to plain, and so do the next few", "[runtime][dictionary]") {
  Column c(Type::String);
  c.EnableDictionary();
  for (size_t i = 0; i < Column::kMaxDistinct; ++i) c.AppendString(fmt::format("value{}", i % Column::kMaxDistinct));
  for (size_t i = 0; i < 100; ++i) c.AppendString(fmt::format("value{}", i));  // no new value: still encoded
  REQUIRE(c.codes());
  CHECK(c.distinct_rows().size() == Column::kMaxDistinct);
  CHECK(Decoded(c) == Values(c));
  c.AppendString("one value too many");
  CHECK_FALSE(c.codes());
  CHECK(c.View().codes == nullptr);
  CHECK(c.distinct_rows().empty());
  c.AppendString("value1");  // plain for the rest of the batch
  CHECK_FALSE(c.codes());
  CHECK(c.size() == Column::kMaxDistinct + 102);
  CHECK(c.StringAt(Column::kMaxDistinct + 100) == "one value too many");
  CHECK(c.StringAt(Column::kMaxDistinct + 101) == "value1");
  // The next batches start plain, but every kRetryBatches-th, which tries again.
  for (uint32_t batch = 1; batch < Column::kRetryBatches; ++batch) {
    c.Clear();
    c.AppendString("few");
    CHECK_FALSE(c.codes());
  }
  c.Clear();
  c.AppendString("again");
  REQUIRE(c.codes());
  CHECK(Decoded(c) == Values(c));
  c.Clear();  // it held few values: the next batch is encoded too
  c.AppendString("again");
  CHECK(c.codes());
}

TEST_CASE("dictionary: only string columns, and only from an empty batch on", "[runtime][dictionary]") {
  Column guid(Type::Guid);
  guid.EnableDictionary();
  guid.AppendString("00000000-0000-0000-0000-000000000001");
  CHECK_FALSE(guid.codes());
  Column late(Type::String);
  late.AppendString("a");
  late.EnableDictionary();
  late.AppendString("a");
  CHECK_FALSE(late.codes());  // rows before it were not interned
  late.Clear();
  late.AppendString("a");
  CHECK(late.codes());
}

namespace {

using test::TestCatalog;
using test::TestJit;

// Rows of DeviceNetworkEvents: ActionType and Protocol of a few values (with ""), file names
// in mixed case, RemoteUrl distinct on every row (so never encoded), and a port.
constexpr size_t kRows = 3000;

std::string ValueOf(const std::string& column, size_t i) {
  static const char* actions[] = {"ConnectionSuccess", "ConnectionFailed", "", "InboundConnectionAccepted"};
  static const char* files[] = {"powershell.exe", "PowerShell.EXE", "cmd.exe", "", "chrome.exe",
                                "rundll32.exe",   "a b.exe",        "é.exe",   "svchost.exe"};
  static const char* protocols[] = {"Tcp", "Udp", "TcpV6"};
  if (column == "ActionType") return actions[i * 7 % 4];
  if (column == "InitiatingProcessFileName") return files[i * 5 % 9];
  if (column == "Protocol") return protocols[i % 3];
  if (column == "RemoteUrl") return fmt::format("host{}.example.com/{}", i, i % 5 ? "x" : "cmd.exe");
  return {};
}

// A batch laid out as `schema`, its string columns dictionary-encoded or not.
Batch MakeBatch(const std::vector<ColumnSpec>& schema, bool encoded) {
  Batch b(schema);
  for (size_t k = 0; k < schema.size(); ++k) {
    Column& c = b.columns[k];
    if (encoded) c.EnableDictionary();
    for (size_t i = 0; i < kRows; ++i) {
      if (schema[k].type == Type::String) {
        c.AppendString(ValueOf(schema[k].name, i));
      } else if (schema[k].type == Type::Int) {
        i % 11 ? c.AppendInt(static_cast<int32_t>(i % 1000)) : c.AppendNull();
      } else {
        c.AppendNull();
      }
    }
  }
  return b;
}

using Rows = std::vector<uint32_t>;

// The rows `where` selects: by the JIT's kernel (when it compiles one) and by the interpreter,
// over plain and encoded batches; all must agree.
Rows CheckSame(const std::string& where) {
  INFO(where);
  const std::string query = "DeviceNetworkEvents | where " + where;
  Diagnostics diags;
  auto q = CompileQuery(query, TextOrigin::Identity(std::make_shared<SourceFile>("q.kql", query)), TestCatalog(),
                        TestJit(), diags);
  REQUIRE(q);
  // The filter over the scan: the pipeline's, or (when the JIT cannot compile it) the plan's.
  const exec::PlanNode* node = q->scan_filter ? q->scan_filter.get() : q->plan.get();
  while (node && !(node->Is<exec::FilterNode>() && node->inputs[0]->Is<exec::ScanNode>())) {
    node = node->inputs.empty() ? nullptr : node->inputs[0].get();
  }
  REQUIRE(node);
  const auto* filter = node->As<exec::FilterNode>();
  const std::vector<ColumnSpec>& schema = filter->inputs[0]->schema;
  std::vector<Rows> got;
  for (const bool encoded : {false, true}) {
    const Batch batch = MakeBatch(schema, encoded);
    if (filter->kernel) {
      std::vector<ColumnView> views;
      for (const Column& c : batch.columns) views.push_back(c.View());
      Rows jit(kRows);
      const KernelContext context{0, filter->kernel_objects};
      jit.resize(filter->kernel(views.data(), static_cast<uint32_t>(kRows), &context, jit.data()));
      got.push_back(std::move(jit));
    }
    exec::Evaluator eval(0);
    Rows interp;
    eval.Select(filter->predicate, exec::RowSet::All(batch), interp);
    got.push_back(std::move(interp));
  }
  for (size_t k = 1; k < got.size(); ++k) CHECK(got[k] == got[0]);  // (JIT and) interpreter, plain, encoded
  return got[0];
}

}  // namespace

TEST_CASE("dictionary: the batches of the predicate tests are encoded where they should be", "[runtime][dictionary]") {
  const Batch b = MakeBatch({{"ActionType", Type::String}, {"RemoteUrl", Type::String}}, true);
  CHECK(b.columns[0].codes());
  CHECK(b.columns[0].distinct_rows().size() == 4);
  CHECK_FALSE(b.columns[1].codes());  // all distinct: fell back
}

TEST_CASE("dictionary: predicates select the same rows over encoded and plain columns, in both engines",
          "[compiler][jit][dictionary]") {
  CHECK(CheckSame("ActionType == 'ConnectionSuccess'").size() == kRows / 4);
  CHECK(CheckSame("ActionType == ''").size() == kRows / 4);
  CHECK(CheckSame("ActionType != 'ConnectionSuccess'").size() == kRows - kRows / 4);
  CHECK_FALSE(CheckSame("ActionType =~ 'connectionsuccess'").empty());
  CHECK(CheckSame("isempty(ActionType)").size() == kRows / 4);
  CHECK(CheckSame("isnotempty(ActionType) and strlen(ActionType) > 17").size() == kRows / 4);
  CHECK_FALSE(CheckSame("InitiatingProcessFileName in ('cmd.exe', 'powershell.exe')").empty());
  CHECK_FALSE(CheckSame("InitiatingProcessFileName in~ ('POWERSHELL.exe', 'cmd.exe', 'rundll32.exe', "
                        "'mshta.exe', 'wscript.exe', 'É.EXE')")
                  .empty());
  CHECK_FALSE(CheckSame("InitiatingProcessFileName !in~ ('powershell.exe', '')").empty());
  CHECK_FALSE(CheckSame("InitiatingProcessFileName has 'b'").empty());
  CHECK_FALSE(CheckSame("InitiatingProcessFileName contains 'shell'").empty());
  CHECK_FALSE(CheckSame("InitiatingProcessFileName startswith 'power'").empty());
  CHECK_FALSE(CheckSame("InitiatingProcessFileName endswith_cs '.EXE'").empty());
  CHECK_FALSE(CheckSame("InitiatingProcessFileName matches regex @'^[a-z]+\\.exe$'").empty());
  CHECK_FALSE(CheckSame("InitiatingProcessFileName has_any ('cmd', 'chrome')").empty());
  CHECK_FALSE(CheckSame("not(InitiatingProcessFileName hasprefix 'power')").empty());
  // Interpreted under the JIT too (tolower is not compiled): the interpreter alone.
  CHECK_FALSE(CheckSame("tolower(InitiatingProcessFileName) == 'powershell.exe'").empty());
  CHECK_FALSE(CheckSame("toupper(ActionType) == 'CONNECTIONFAILED' and RemotePort > 10").empty());
  // With other conjuncts: straight-line ones, another encoded column, one never encoded.
  CHECK_FALSE(CheckSame("ActionType == 'ConnectionSuccess' and RemotePort < 500").empty());
  CHECK_FALSE(CheckSame("ActionType == 'ConnectionSuccess' and Protocol == 'Tcp' and RemotePort != 7").empty());
  CHECK_FALSE(CheckSame("ActionType == 'ConnectionFailed' and RemoteUrl contains 'cmd'").empty());
  CHECK_FALSE(CheckSame("ActionType startswith 'Conn' and ActionType !endswith 'Failed'").empty());
  // One column under `or` with another: not a predicate of one column, still the same rows.
  CHECK_FALSE(CheckSame("ActionType == 'ConnectionSuccess' or InitiatingProcessFileName == 'cmd.exe'").empty());
  CHECK_FALSE(CheckSame("ActionType == 'ConnectionSuccess' or isnull(RemotePort)").empty());
  // The column never encoded alone.
  CHECK(CheckSame("RemoteUrl endswith 'cmd.exe'").size() == kRows / 5);
  CHECK(CheckSame("ActionType == 'no such value'").empty());
}

TEST_CASE("dictionary: a filter kernel reads an encoded column's codes, not its strings", "[compiler][jit][dictionary]") {
  const std::string query = "DeviceNetworkEvents | where ActionType == 'ConnectionSuccess'";
  Diagnostics diags;
  auto q = CompileQuery(query, TextOrigin::Identity(std::make_shared<SourceFile>("q.kql", query)), TestCatalog(),
                        TestJit(), diags);
  REQUIRE(q);
  REQUIRE(q->scan_filter);
  const auto* filter = q->scan_filter->As<exec::FilterNode>();
  REQUIRE(filter->kernel);
  const std::vector<ColumnSpec>& schema = filter->inputs[0]->schema;
  const Batch batch = MakeBatch(schema, true);
  std::vector<ColumnView> views;
  for (const Column& c : batch.columns) views.push_back(c.View());
  size_t action = 0;
  while (schema[action].name != "ActionType") ++action;
  // Codes that say every row holds the first row's value (ConnectionSuccess): a kernel that
  // looks the truth up by code selects every row, one that compares the strings only a quarter.
  const std::vector<uint8_t> zeros(kRows, 0);
  REQUIRE(views[action].codes);
  views[action].codes = zeros.data();
  Rows rows(kRows);
  const KernelContext context{0, filter->kernel_objects};
  CHECK(filter->kernel(views.data(), static_cast<uint32_t>(kRows), &context, rows.data()) == kRows);
  views[action].codes = nullptr;  // not encoded: the strings
  CHECK(filter->kernel(views.data(), static_cast<uint32_t>(kRows), &context, rows.data()) == kRows / 4);
}
