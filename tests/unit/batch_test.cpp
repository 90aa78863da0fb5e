// Columnar batches: typed storage, validity and string arenas.
#include <catch2/catch.hpp>

#include "runtime/batch.h"

using namespace huntc;

TEST_CASE("column: strings are never null and share one arena", "[runtime][batch]") {
  Column c(Type::String);
  c.AppendString("powershell.exe");
  c.AppendNull();
  c.AppendString("cmd.exe");
  REQUIRE(c.size() == 3);
  CHECK(c.StringAt(0) == "powershell.exe");
  CHECK(c.StringAt(1).empty());
  CHECK_FALSE(c.IsNull(1));
  const ColumnView v = c.View();
  CHECK(std::string_view(v.bytes + v.offsets[2], v.offsets[3] - v.offsets[2]) == "cmd.exe");
}

TEST_CASE("column: fixed-width values keep a validity byte", "[runtime][batch]") {
  Column c(Type::Int);
  c.AppendInt(443);
  c.AppendNull();
  CHECK(c.IntAt(0) == 443);
  CHECK(c.IsNull(1));
  const ColumnView v = c.View();
  CHECK(static_cast<const int32_t*>(v.values)[0] == 443);
  CHECK(v.valid[1] == 0);
  c.Clear();
  CHECK(c.size() == 0);
}

TEST_CASE("batch: AppendFrom copies values and nulls", "[runtime][batch]") {
  Column a(Type::DateTime), b(Type::DateTime);
  a.AppendLong(42);
  a.AppendNull();
  b.AppendFrom(a, 1);
  b.AppendFrom(a, 0);
  CHECK(b.IsNull(0));
  CHECK(b.LongAt(1) == 42);
}
