// Columnar batches: typed storage, validity and string arenas.
#include <catch2/catch.hpp>

#include <vector>

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

TEST_CASE("batch: AppendRows appends the selected rows as AppendFrom each would", "[runtime][batch]") {
  const uint32_t rows[] = {2, 0, 1, 2};
  for (const Type type : {Type::Bool, Type::Int, Type::Long, Type::Real, Type::String, Type::Guid, Type::Dynamic}) {
    Column from(type);
    const auto value = [&](int v) {
      if (type == Type::Bool) from.AppendBool(v != 0);
      if (type == Type::Int) from.AppendInt(v);
      if (type == Type::Long) from.AppendLong(v);
      if (type == Type::Real) from.AppendReal(v);
      if (type != Type::Bool && type != Type::Int && type != Type::Long && type != Type::Real) {
        from.AppendString(std::to_string(v));
      }
    };
    value(7);
    from.AppendNull();
    value(1);
    Column one_by_one(type), at_once(type);
    one_by_one.AppendString("x");  // already holding a row, as a join table's chunk does
    at_once.AppendString("x");
    if (type != Type::String && type != Type::Guid && type != Type::Dynamic) {
      one_by_one = Column(type);
      at_once = Column(type);
    }
    for (const uint32_t r : rows) one_by_one.AppendFrom(from, r);
    at_once.AppendRows(from, rows, 4);
    REQUIRE(at_once.size() == one_by_one.size());
    for (size_t k = 0; k < at_once.size(); ++k) {
      CHECK(at_once.IsNull(k) == one_by_one.IsNull(k));
      if (type == Type::Bool) CHECK(at_once.BoolAt(k) == one_by_one.BoolAt(k));
      if (type == Type::Int) CHECK(at_once.IntAt(k) == one_by_one.IntAt(k));
      if (type == Type::Long) CHECK(at_once.LongAt(k) == one_by_one.LongAt(k));
      if (type == Type::Real) CHECK(at_once.RealAt(k) == one_by_one.RealAt(k));
      if (type == Type::String || type == Type::Guid || type == Type::Dynamic) {
        CHECK(at_once.StringAt(k) == one_by_one.StringAt(k));
      }
    }
  }
}

TEST_CASE("column: AppendNulls appends what AppendNull would, encoded or not", "[runtime][batch]") {
  for (const Type type : {Type::Bool, Type::Int, Type::Long, Type::DateTime, Type::Real, Type::String, Type::Guid,
                          Type::Dynamic}) {
    for (const bool encode : {false, true}) {
      if (encode && type != Type::String) continue;
      INFO("type " << int(type) << (encode ? " encoded" : ""));
      Column one_by_one(type), at_once(type);
      if (encode) {
        one_by_one.EnableDictionary();
        at_once.EnableDictionary();
      }
      for (Column* c : {&one_by_one, &at_once}) {
        if (type == Type::String || type == Type::Guid || type == Type::Dynamic) c->AppendString("cmd.exe");
        if (type == Type::Int) c->AppendInt(3);
      }
      for (size_t k = 0; k < 5; ++k) one_by_one.AppendNull();
      at_once.AppendNulls(0);
      at_once.AppendNulls(2);
      at_once.AppendNulls(3);
      for (Column* c : {&one_by_one, &at_once}) {
        if (type == Type::String || type == Type::Guid || type == Type::Dynamic) c->AppendString("x");
        if (type == Type::Int) c->AppendInt(4);
      }
      REQUIRE(at_once.size() == one_by_one.size());
      for (size_t k = 0; k < at_once.size(); ++k) {
        CHECK(at_once.IsNull(k) == one_by_one.IsNull(k));
        if (type == Type::Int) CHECK(at_once.IntAt(k) == one_by_one.IntAt(k));
        if (type == Type::String || type == Type::Guid || type == Type::Dynamic) {
          CHECK(at_once.StringAt(k) == one_by_one.StringAt(k));
        }
      }
      if (encode) {
        REQUIRE(at_once.codes() != nullptr);
        CHECK(std::vector<uint8_t>(at_once.codes(), at_once.codes() + at_once.size()) ==
              std::vector<uint8_t>(one_by_one.codes(), one_by_one.codes() + one_by_one.size()));
      }
    }
  }
}
