// The selection a filter kernel (compiler/jit/filter.cpp) writes: its rows packed eight at a
// time, the rows of a short last group one by one, blocks of 1024 rows, over integer columns and
// dictionary-encoded strings. Every batch length around those sizes, with every row kept, none,
// all null, and mixes, must select what the interpreter selects, and write nothing past the
// batch's rows in the selection.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "compiler/driver/compile.h"
#include "runtime/exec/eval.h"
#include "tests/unit/run_util.h"

using namespace huntc;

namespace {

using test::TestCatalog;
using test::TestJit;

// The filter over the scan of `DeviceNetworkEvents | where P`, compiled to a kernel.
struct Compiled {
  std::unique_ptr<CompiledQuery> query;
  const exec::FilterNode* filter = nullptr;
};

Compiled Compile(const std::string& predicate) {
  const std::string text = "DeviceNetworkEvents | where " + predicate;
  Diagnostics diags;
  Compiled c;
  c.query = CompileQuery(text, TextOrigin::Identity(std::make_shared<SourceFile>("q.kql", text)), TestCatalog(),
                         TestJit(), diags);
  REQUIRE(c.query);
  REQUIRE(c.query->scan_filter);
  c.filter = c.query->scan_filter->As<exec::FilterNode>();
  REQUIRE(c.filter->kernel);
  return c;
}

// How a batch's rows are filled: RemotePort of row i, or null; ActionType of row i.
// Many: 40 values of ActionType, so that a list of them has more true values than the kernel
// compares codes with (it then looks each row's truth up in the table).
enum class Fill { AllKept, NoneKept, AllNull, Alternate, Sparse, Dense, Many };

const char* NameOf(Fill f) {
  switch (f) {
    case Fill::AllKept: return "all kept";
    case Fill::NoneKept: return "none kept";
    case Fill::AllNull: return "all null";
    case Fill::Alternate: return "alternate";
    case Fill::Sparse: return "sparse";
    case Fill::Dense: return "dense";
    default: return "many values";
  }
}

// Whether row i of a batch filled as `f` holds the kept values (443, "ConnectionSuccess").
bool Kept(Fill f, size_t i) {
  switch (f) {
    case Fill::AllKept: return true;
    case Fill::NoneKept:
    case Fill::AllNull: return false;
    case Fill::Alternate: return i % 2 == 0;
    case Fill::Sparse: return i * 7 % 61 == 3;
    case Fill::Dense: return i * 7 % 9 != 4;
    default: return i % 3 == 0;
  }
}

Batch MakeBatch(const std::vector<ColumnSpec>& schema, Fill f, size_t rows) {
  Batch b(schema);
  for (size_t k = 0; k < schema.size(); ++k) {
    Column& c = b.columns[k];
    c.EnableDictionary();
    for (size_t i = 0; i < rows; ++i) {
      const bool kept = Kept(f, i);
      if (schema[k].name == "RemotePort" && f != Fill::AllNull) {
        c.AppendInt(kept ? 443 : static_cast<int32_t>(i % 400));
      } else if (schema[k].name == "ActionType" && f == Fill::Many) {
        c.AppendString(fmt::format("Conn{}", i % 40));
      } else if (schema[k].name == "ActionType") {
        c.AppendString(f == Fill::AllNull ? "" : kept ? "ConnectionSuccess" : i % 3 ? "ConnectionFailed" : "");
      } else {
        c.AppendNull();
      }
    }
  }
  return b;
}

}  // namespace

TEST_CASE("filter kernel: every batch length, every row kept or none, nulls, as the interpreter selects",
          "[compiler][jit][filter]") {
  const char* predicates[] = {
      "RemotePort == 443",
      "RemotePort != 443",
      "isnull(RemotePort)",
      "ActionType == 'ConnectionSuccess'",
      "ActionType in~ ('connectionsuccess', 'a', 'b', 'c', 'd')",
      "ActionType == 'ConnectionSuccess' and RemotePort == 443",
      "ActionType != 'ConnectionSuccess' and RemotePort > 100",
      // Over many values: more true ones than the kernel compares codes with, and fewer.
      "ActionType startswith 'Conn'",
      "ActionType in ('Conn1', 'Conn2', 'Conn3', 'Conn4', 'Conn5', 'Conn6', 'Conn7', 'Conn8', 'Conn9', 'Conn10')",
      "ActionType in ('Conn1', 'Conn39', 'ConnectionSuccess') and RemotePort == 443",
  };
  const size_t lengths[] = {1, 2, 7, 8, 9, 15, 16, 17, 1016, 1023, 1024, 1025, 1031, 1032, 2047, 2048, 3001, 4096};
  for (const char* p : predicates) {
    const Compiled c = Compile(p);
    const std::vector<ColumnSpec>& schema = c.filter->inputs[0]->schema;
    for (const Fill f :
         {Fill::AllKept, Fill::NoneKept, Fill::AllNull, Fill::Alternate, Fill::Sparse, Fill::Dense, Fill::Many}) {
      for (const size_t rows : lengths) {
        INFO(fmt::format("{} over {} rows, {}", p, rows, NameOf(f)));
        const Batch batch = MakeBatch(schema, f, rows);
        std::vector<ColumnView> views;
        for (const Column& col : batch.columns) views.push_back(col.View());
        // Room for `rows` and a guard after it that the kernel must leave alone.
        constexpr uint32_t kGuard = 0xdeadbeef;
        std::vector<uint32_t> selection(rows + 16, kGuard);
        const KernelContext context{0, c.filter->kernel_objects};
        const uint32_t n = c.filter->kernel(views.data(), static_cast<uint32_t>(rows), &context, selection.data());
        REQUIRE(n <= rows);
        for (size_t k = rows; k < selection.size(); ++k) CHECK(selection[k] == kGuard);
        selection.resize(n);
        exec::Evaluator eval(0);
        std::vector<uint32_t> interp;
        eval.Select(c.filter->predicate, exec::RowSet::All(batch), interp);
        CHECK(selection == interp);
      }
    }
  }
}
