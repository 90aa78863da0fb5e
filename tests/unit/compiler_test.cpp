// Binding, lowering, optimisation and JIT kernels, checked stage by stage.
#include <catch2/catch.hpp>

#include "compiler/bind/binder.h"
#include "compiler/driver/compile.h"
#include "compiler/ir/lower.h"
#include "compiler/ir/optimize.h"
#include "compiler/syntax/parser.h"
#include "tests/unit/run_util.h"

using namespace huntc;

namespace {

using test::TestCatalog;
using test::TestJit;

std::unique_ptr<CompiledQuery> Compile(const std::string& query, Diagnostics& diags,
                                       CompileDumps* dumps = nullptr) {
  auto file = std::make_shared<SourceFile>("q.kql", query);
  return CompileQuery(query, TextOrigin::Identity(file), TestCatalog(), TestJit(), diags, dumps);
}

}  // namespace

TEST_CASE("binder: an unknown column is reported at its position", "[compiler][bind]") {
  Diagnostics diags;
  CHECK_FALSE(Compile("DeviceNetworkEvents\n| where RemoteIPAddress == '1.2.3.4'", diags));
  REQUIRE(diags.size() == 1);
  CHECK(diags.items()[0].code == Code::UnknownColumn);
  CHECK(diags.items()[0].Line() == 2);
  CHECK(diags.items()[0].Column() == 9);
}

TEST_CASE("binder: unknown tables and functions have their own codes", "[compiler][bind]") {
  Diagnostics d1, d2;
  CHECK_FALSE(Compile("DeviceNetworkEvent | where RemotePort == 1", d1));
  CHECK(d1.items().at(0).code == Code::UnknownTable);
  CHECK_FALSE(Compile("DeviceNetworkEvents | where frobnicate(RemotePort)", d2));
  CHECK(d2.items().at(0).code == Code::UnknownFunction);
}

TEST_CASE("binder: an int compared with a string warns that it is never true", "[compiler][bind]") {
  Diagnostics diags;
  auto q = Compile("DeviceNetworkEvents | where RemotePort == '443'", diags);
  REQUIRE(q);
  REQUIRE(diags.size() == 1);
  CHECK(diags.items()[0].code == Code::NeverTrue);
  CHECK(diags.items()[0].severity == Severity::Warning);
}

TEST_CASE("binder: join keys must not be dynamic nor of two types other than int and long", "[compiler][bind]") {
  const auto first_error = [](const std::string& query) {
    Diagnostics diags;
    Compile(query, diags);
    for (const Diagnostic& d : diags.items()) {
      if (d.severity == Severity::Error) return std::string(Info(d.code).id) + " " + d.message;
    }
    return std::string();
  };
  CHECK(first_error("DeviceNetworkEvents | join (DeviceProcessEvents) on $left.RemotePort == $right.Timestamp") ==
        "HC402 join keys of different types (int and datetime): convert one of them");
  CHECK(first_error("DeviceNetworkEvents | join (DeviceProcessEvents) on AdditionalFields") ==
        "HC402 join keys cannot be dynamic: convert them (tostring, tolong)");
  CHECK(first_error("DeviceNetworkEvents | join (DeviceProcessEvents) on $left.RemotePort == $right.ProcessId").empty());
}

TEST_CASE("ir: lowering and optimisation push filters under projections and prune columns",
          "[compiler][ir]") {
  Diagnostics diags;
  CompileDumps dumps;
  REQUIRE(Compile("DeviceNetworkEvents | project Port = RemotePort, DeviceName | where Port > 1000",
                  diags, &dumps));
  CHECK(dumps.ir.find("Filter (gt #0 1000)") != std::string::npos);
  CHECK(dumps.ir_opt ==
        "Project [Port=#1, DeviceName=#0]\n"
        "  Filter (gt #1 1000)\n"
        "    Scan DeviceNetworkEvents [#0=DeviceName:string, #1=RemotePort:int]\n");
}

TEST_CASE("ir: nodes compare and hash structurally", "[compiler][ir]") {
  using ir::Expr;
  const Expr a = Expr::Call(ir::Fn::Gt, Type::Bool, {Expr::Column(0, Type::Long), Expr::Constant(ir::Value::Integer(Type::Long, 5))});
  Expr b = a;
  CHECK(a == b);
  CHECK(a.Hash() == b.Hash());
  b.args[1].value.integer = 6;
  CHECK_FALSE(a == b);
  CHECK(a.ToString() == "(gt #0 5)");
}

namespace {

// Runs a compiled kernel over one batch and returns the selected row indexes.
std::vector<uint32_t> Select(const CompiledQuery& q, const Batch& batch, int64_t now = 0) {
  // Columns the batch lacks are all null.
  std::vector<Column> absent;
  absent.reserve(q.pipeline.columns.size());
  std::vector<ColumnView> views;
  for (const ColumnSpec& c : q.pipeline.columns) {
    size_t i = 0;
    while (i < batch.specs.size() && batch.specs[i].name != c.name) ++i;
    if (i < batch.specs.size()) {
      views.push_back(batch.columns[i].View());
      continue;
    }
    Column& column = absent.emplace_back(c.type);
    for (size_t r = 0; r < batch.rows(); ++r) column.AppendNull();
    views.push_back(column.View());
  }
  std::vector<uint32_t> sel(batch.rows());
  const KernelContext ctx{now, q.pipeline.objects};
  sel.resize(q.pipeline.filter(views.data(), static_cast<uint32_t>(batch.rows()), &ctx, sel.data()));
  return sel;
}

Batch PortsAndNames() {
  Batch b({{"RemotePort", Type::Int}, {"InitiatingProcessFileName", Type::String}});
  const std::pair<std::optional<int>, const char*> rows[] = {
      {443, "PowerShell.exe"}, {std::nullopt, "cmd.exe"}, {80, ""}, {445, "chrome.exe"}};
  for (const auto& [port, name] : rows) {
    port ? b.columns[0].AppendInt(*port) : b.columns[0].AppendNull();
    b.columns[1].AppendString(name);
  }
  return b;
}

std::vector<uint32_t> Run(const std::string& where, const Batch& batch) {
  Diagnostics diags;
  auto q = Compile("DeviceNetworkEvents | where " + where, diags);
  INFO(where);
  REQUIRE(q);
  return Select(*q, batch);
}

using Rows = std::vector<uint32_t>;

}  // namespace

TEST_CASE("jit: null comparisons follow KQL", "[compiler][jit]") {
  const Batch b = PortsAndNames();
  CHECK(Run("RemotePort == 443", b) == Rows{0});
  CHECK(Run("RemotePort != 443", b) == Rows{1, 2, 3});  // null != 443 is true
  CHECK(Run("RemotePort < 500", b) == Rows{0, 2, 3});    // null < 500 is null
  CHECK(Run("not(RemotePort < 500)", b) == Rows{});
  CHECK(Run("isnull(RemotePort)", b) == Rows{1});
  CHECK(Run("RemotePort in (443, 445)", b) == Rows{0, 3});
  CHECK(Run("RemotePort !in (443, 445)", b) == Rows{1, 2});  // null !in is true
}

TEST_CASE("jit: three-valued and/or", "[compiler][jit]") {
  const Batch b = PortsAndNames();
  CHECK(Run("RemotePort > 100 or InitiatingProcessFileName == 'cmd.exe'", b) == Rows{0, 1, 3});
  CHECK(Run("not(RemotePort > 100 and InitiatingProcessFileName == 'x')", b) == Rows{0, 1, 2, 3});
  CHECK(Run("not(RemotePort > 100 or InitiatingProcessFileName == 'x')", b) == Rows{2});
}

TEST_CASE("jit: string operators and their case rules", "[compiler][jit]") {
  const Batch b = PortsAndNames();
  CHECK(Run("InitiatingProcessFileName == 'powershell.exe'", b) == Rows{});
  CHECK(Run("InitiatingProcessFileName =~ 'powershell.exe'", b) == Rows{0});
  CHECK(Run("InitiatingProcessFileName in~ ('POWERSHELL.EXE', 'cmd.exe', 'a', 'b', 'c', 'd')", b) == Rows{0, 1});
  CHECK(Run("InitiatingProcessFileName in ('POWERSHELL.EXE', 'cmd.exe', 'a', 'b', 'c', 'd')", b) == Rows{1});
  CHECK(Run("InitiatingProcessFileName has 'exe'", b) == Rows{0, 1, 3});
  CHECK(Run("InitiatingProcessFileName has 'power'", b) == Rows{});
  CHECK(Run("InitiatingProcessFileName contains 'power'", b) == Rows{0});
  CHECK(Run("InitiatingProcessFileName !contains 'e'", b) == Rows{2});  // the empty string too
  CHECK(Run("InitiatingProcessFileName startswith 'POW' and InitiatingProcessFileName endswith '.EXE'", b) == Rows{0});
  CHECK(Run("InitiatingProcessFileName startswith_cs 'POW'", b) == Rows{});
  CHECK(Run("isempty(InitiatingProcessFileName)", b) == Rows{2});
}

TEST_CASE("jit: term prefixes and suffixes, and regular expressions", "[compiler][jit]") {
  const Batch b = PortsAndNames();  // PowerShell.exe, cmd.exe, "", chrome.exe
  CHECK(Run("InitiatingProcessFileName hasprefix 'power'", b) == Rows{0});
  CHECK(Run("InitiatingProcessFileName hasprefix_cs 'power'", b) == Rows{});
  CHECK(Run("InitiatingProcessFileName hassuffix 'SHELL'", b) == Rows{0});
  CHECK(Run("InitiatingProcessFileName !hassuffix 'xe'", b) == Rows{2});
  CHECK(Run("InitiatingProcessFileName matches regex '^[a-z]+\\.exe$'", b) == Rows{1, 3});
  CHECK(Run("InitiatingProcessFileName matches regex '(?i)^power'", b) == Rows{0});
  CHECK(Run("InitiatingProcessFileName matches regex '^$'", b) == Rows{2});
}

TEST_CASE("jit: the string helpers are linked in as bitcode and inlined", "[compiler][jit]") {
  Diagnostics diags;
  CompileDumps dumps;
  REQUIRE(Compile("DeviceNetworkEvents | where RemoteUrl == 'abc' and RemoteUrl startswith_cs 'y' and "
                  "RemoteUrl endswith_cs 'Z' and RemoteUrl startswith 'x' and RemoteUrl contains 'x'",
                  diags, &dumps));
  // Generated as calls; after optimisation the case-sensitive comparisons are inlined, and only
  // the helpers called precompiled are still calls.
  for (const char* helper : {"@huntc_str_eq(", "@huntc_str_startswith_cs(", "@huntc_str_endswith_cs("}) {
    INFO(helper);
    CHECK(dumps.kernel.llvm.find(helper) != std::string::npos);
    CHECK(dumps.kernel.llvm_opt.find(helper) == std::string::npos);
  }
  CHECK(dumps.kernel.llvm_opt.find("call i32 @huntc_str_startswith(") != std::string::npos);
  CHECK(dumps.kernel.llvm_opt.find("call i32 @huntc_str_contains(") != std::string::npos);
}

TEST_CASE("jit: ago() counts back from the run's now", "[compiler][jit]") {
  Batch b({{"Timestamp", Type::DateTime}});
  const int64_t now = *ParseDateTime("2026-11-20T00:00:00Z");
  b.columns[0].AppendLong(now - 8 * kTicksPerDay);
  b.columns[0].AppendLong(now - 6 * kTicksPerDay);
  b.columns[0].AppendNull();
  Diagnostics diags;
  auto q = Compile("DeviceNetworkEvents | where Timestamp > ago(7d)", diags);
  REQUIRE(q);
  CHECK(Select(*q, b, now) == Rows{1});
  auto between = Compile("DeviceNetworkEvents | where Timestamp between (datetime(2026-11-13) .. 1d)", diags);
  REQUIRE(between);
  CHECK(Select(*between, b, now) == Rows{1});  // [11-13, 11-14], inclusive
}

TEST_CASE("jit: the kernel's LLVM IR can be dumped", "[compiler][jit]") {
  Diagnostics diags;
  CompileDumps dumps;
  REQUIRE(Compile("DeviceNetworkEvents | where RemotePort == 443", diags, &dumps));
  CHECK(dumps.kernel.llvm.find("define i32 @filter_") != std::string::npos);
  CHECK(dumps.kernel.llvm_opt.find("icmp eq i32") != std::string::npos);
  // A projection computing a string: its kernel appends each row's text to the output column.
  CompileDumps project_dumps;
  REQUIRE(Compile("DeviceNetworkEvents | where RemotePort == 443 | extend S = tolower(DeviceName)", diags,
                  &project_dumps));
  CHECK(project_dumps.kernel.llvm.find("define void @project_") != std::string::npos);
  CHECK(project_dumps.kernel.llvm_opt.find("call void @huntc_column_append") != std::string::npos);
}

TEST_CASE("driver: scan filters become kernels under the interpreter's operators", "[compiler][driver]") {
  Diagnostics diags;
  // One scan pipeline: no plan, the kernel filters.
  auto q = Compile("DeviceNetworkEvents | where RemotePort == 443 | project DeviceName", diags);
  REQUIRE(q);
  CHECK_FALSE(q->plan);
  CHECK(q->pipeline.filter);
  CHECK(q->kernels == 1);
  // Summarize above the filter: a plan whose filter is the kernel.
  q = Compile("DeviceNetworkEvents | where RemotePort == 443 | summarize count() by DeviceName", diags);
  REQUIRE(q);
  REQUIRE(q->plan);
  CHECK(q->kernels == 2);  // the filter and the summarize
  CHECK(q->interpreted.empty());
  CHECK_THAT(q->plan->ToString(), Catch::Contains("Filter (kernel) (eq #1 443)"));
  CHECK_THAT(q->plan->ToString(), Catch::Contains("Aggregate (kernel) by"));
  // Both sides of a join and a computed projection.
  q = Compile("DeviceNetworkEvents | where RemotePort == 443 | project X = RemotePort + 1, DeviceName"
              " | join (DeviceProcessEvents | where FileName =~ 'cmd.exe') on DeviceName", diags);
  REQUIRE(q);
  CHECK(q->kernels == 3);  // two filters and the projection
  CHECK(diags.items().empty());
}

TEST_CASE("driver: a scan pipeline's computed columns become a projection kernel", "[compiler][driver]") {
  Diagnostics diags;
  auto q = Compile("DeviceNetworkEvents | where RemotePort == 443 | extend B = RemotePort * 2 + 1, "
                   "H = bin(Timestamp, 1h), S = strcat(DeviceName, 'x'), P = parse_json(RemoteUrl), "
                   "T = translate('abc', 'x', DeviceName), N = DeviceName",
                   diags);
  REQUIRE(q);
  REQUIRE(q->plan);
  CHECK(q->kernels == 2);  // the filter and the projection of B, H, S and P
  CHECK_THAT(q->plan->ToString(), Catch::Contains("Project (kernel) ["));
  // A column the JIT lacks a construct for stays interpreted, named; a column passed on needs nothing.
  REQUIRE(q->interpreted.size() == 1);
  CHECK_THAT(q->interpreted[0], Catch::StartsWith("a computed column runs interpreted: T: the JIT cannot compile "));
  CHECK_THAT(q->interpreted[0], Catch::Contains("translate"));
  const auto* project = q->plan->As<exec::ProjectNode>();
  REQUIRE(project);
  REQUIRE(project->compiled.size() == project->exprs.size());
  size_t compiled = 0;
  for (bool c : project->compiled) compiled += c;
  CHECK(compiled == 4);
  // Above its compiled filter over the Scan: also fused with it, compiled at its first batch.
  REQUIRE(project->fused);
  CHECK_FALSE(project->fused->IfDone());
  // The filter's and the projection's own kernels serve only where the fused one does not (rows
  // a pack scan stage selected, or a fused kernel that cannot be built): compiled when first used.
  const auto* filter = project->inputs[0]->As<exec::FilterNode>();
  REQUIRE(filter);
  CHECK_FALSE(filter->kernel);
  REQUIRE(filter->lazy_kernel);
  CHECK_FALSE(project->kernel);
  REQUIRE(project->lazy_kernel);
  const LazyScanKernel::Compiled& fused = project->fused->Get();
  CHECK(fused.kernel);
  CHECK(fused.error.empty());
  CHECK_FALSE(filter->lazy_kernel->IfDone());
  CHECK_FALSE(project->lazy_kernel->IfDone());
  CHECK(project->lazy_kernel->Get().kernel);
  CHECK(filter->lazy_kernel->Get().kernel);
  // With dumps wanted, every kernel is compiled at once, for its IR.
  CompileDumps dumps;
  auto dumped = Compile("DeviceNetworkEvents | where RemotePort == 443 | extend B = RemotePort * 2", diags, &dumps);
  REQUIRE(dumped);
  const auto* dumped_project = dumped->plan->As<exec::ProjectNode>();
  REQUIRE(dumped_project);
  CHECK(dumped_project->kernel);
  CHECK(dumped_project->inputs[0]->As<exec::FilterNode>()->kernel);
  // Without a filter below, nothing to fuse.
  q = Compile("DeviceNetworkEvents | extend B = RemotePort * 2", diags);
  REQUIRE(q);
  REQUIRE(q->plan);
  REQUIRE(q->plan->Is<exec::ProjectNode>());
  CHECK(q->plan->As<exec::ProjectNode>()->kernel);
  CHECK_FALSE(q->plan->As<exec::ProjectNode>()->fused);
  // A projection above a summarize is a kernel too, over the rows the summarize hands on.
  q = Compile("DeviceNetworkEvents | summarize n = count() by DeviceName | extend m = n * 2", diags);
  REQUIRE(q);
  CHECK(q->kernels == 2);
  CHECK(q->interpreted.empty());
  CHECK_THAT(q->plan->ToString(), Catch::StartsWith("Project (kernel)"));
  // So is a filter above it: its predicate as a kernel of one bool column.
  q = Compile("DeviceNetworkEvents | summarize n = count() by DeviceName | where n > 2 or DeviceName has 'x'", diags);
  REQUIRE(q);
  CHECK(q->kernels == 2);
  CHECK(q->interpreted.empty());
  REQUIRE(q->plan->Is<exec::FilterNode>());
  CHECK(q->plan->As<exec::FilterNode>()->row_kernel);
  // One the JIT lacks a construct for stays interpreted, named.
  q = Compile("DeviceNetworkEvents | summarize n = count() by DeviceName | where translate('1', 'x', tostring(n)) == ''", diags);
  REQUIRE(q);
  REQUIRE(q->interpreted.size() == 1);
  CHECK_THAT(q->interpreted[0], Catch::StartsWith("a filter runs interpreted: the JIT cannot compile "));
  REQUIRE(q->plan->Is<exec::FilterNode>());
  CHECK_FALSE(q->plan->As<exec::FilterNode>()->row_kernel);
}

TEST_CASE("driver: a filter the JIT cannot compile runs interpreted and is named", "[compiler][driver]") {
  Diagnostics diags;
  auto q = Compile("DeviceNetworkEvents | where translate('abc', 'x', RemoteUrl) == 'x' | summarize count()", diags);
  REQUIRE(q);
  CHECK(q->kernels == 1);  // the summarize
  REQUIRE(q->interpreted.size() == 1);
  CHECK_THAT(q->interpreted[0], Catch::StartsWith("a scan filter runs interpreted: "));
  CHECK_THAT(q->interpreted[0], Catch::Contains("translate"));
  CHECK_THAT(q->plan->ToString(), !Catch::Contains("Filter (kernel)"));
  // A summarize with an aggregate the JIT has no kernel for runs in the interpreter's operator.
  q = Compile("DeviceNetworkEvents | where RemotePort == 443 | summarize percentile(LocalPort, 90) by DeviceName", diags);
  REQUIRE(q);
  CHECK(q->kernels == 2);  // the filter, and the conversion of the percentile in the Project above
  REQUIRE(q->interpreted.size() == 1);
  CHECK(q->interpreted[0] == "a summarize runs interpreted: the JIT cannot compile percentile yet");
  CHECK_THAT(q->plan->ToString(), !Catch::Contains("Aggregate (kernel)"));
  // A query of the scan-pipeline shape whose filter does not compile runs as a plan.
  q = Compile("DeviceNetworkEvents | where translate('a', 'b', RemoteUrl) == 'x'", diags);
  REQUIRE(q);
  CHECK(q->plan);
  REQUIRE(q->interpreted.size() == 1);
  CHECK_THAT(q->interpreted[0], Catch::Contains("translate"));
  CHECK(diags.items().empty());
}

TEST_CASE("driver: constructs lowering cannot express yet are named at their span",
          "[compiler][bind]") {
  const auto first = [](const std::string& query) {
    Diagnostics diags;
    CHECK_FALSE(Compile(query, diags));
    REQUIRE_FALSE(diags.items().empty());
    CHECK(diags.items()[0].code == Code::Unsupported);
    return std::make_pair(diags.items()[0].message, diags.items()[0].Column());
  };
  CHECK(first("DeviceNetworkEvents | partition by DeviceId (take 1)") ==
        std::make_pair(std::string("the 'partition' operator is not supported yet"), 23u));
  CHECK(first("DeviceNetworkEvents | where RemoteUrl like 'a%'") ==
        std::make_pair(std::string("the 'like' operator is not supported yet"), 39u));
}
