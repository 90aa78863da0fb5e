// The built-in function catalogue: its order, its aliases and its typing rules.
#include <catch2/catch.hpp>

#include <vector>

#include "compiler/bind/functions.h"

using namespace huntc;

TEST_CASE("functions: the catalogue is sorted, unique, and every alias names an entry",
          "[compiler][bind]") {
  const auto all = AllFunctions();
  for (size_t i = 1; i < all.size(); ++i) CHECK(all[i - 1].name < all[i].name);
  for (const FunctionInfo& f : all) {
    CHECK(FindFunction(f.name) == &f);
    if (!f.canonical.empty()) CHECK(FindFunction(f.canonical) != nullptr);
    CHECK(f.min_args <= f.max_args);
  }
  CHECK(FindFunction("no_such_function") == nullptr);
  CHECK(FindFunction("ToString") == nullptr);  // names are case-sensitive
}

TEST_CASE("functions: result types follow Kusto's rules", "[compiler][bind]") {
  auto type = [](std::string_view name, std::vector<Type> args,
                 std::optional<Type> typeof_arg = std::nullopt) {
    const FunctionInfo* f = FindFunction(name);
    REQUIRE(f != nullptr);
    return FunctionResultType(*f, args, typeof_arg);
  };
  CHECK(type("tostring", {Type::Int}) == Type::String);
  CHECK(type("bin", {Type::Int, Type::Long}) == Type::Long);  // int widens
  CHECK(type("bin", {Type::DateTime, Type::TimeSpan}) == Type::DateTime);
  CHECK(type("max", {Type::Int}) == Type::Int);   // min/max keep the type
  CHECK(type("sum", {Type::Int}) == Type::Long);  // sum widens
  CHECK(type("iff", {Type::Bool, Type::Long, Type::Real}) == Type::Real);
  CHECK(type("iff", {Type::Bool, Type::String, Type::Int}) == Type::Dynamic);  // no common type
  CHECK(type("iff", {Type::Bool, Type::Dynamic, Type::Long}) == Type::Long);
  CHECK(type("case", {Type::Bool, Type::String, Type::Bool, Type::String, Type::String}) ==
        Type::String);
  CHECK(type("coalesce", {Type::Int, Type::Long}) == Type::Long);
  CHECK(type("extract", {Type::String, Type::Long, Type::String}) == Type::String);
  CHECK(type("extract", {Type::String, Type::Long, Type::String, Type::Null}, Type::Long) ==
        Type::Long);
  CHECK(type("avg", {Type::Int}) == Type::Real);
}

TEST_CASE("functions: CommonType promotes numbers and string-like types only", "[compiler][bind]") {
  CHECK(CommonType(Type::Int, Type::Long) == Type::Long);
  CHECK(CommonType(Type::Long, Type::Real) == Type::Real);
  CHECK(CommonType(Type::Guid, Type::String) == Type::String);
  CHECK_FALSE(CommonType(Type::DateTime, Type::TimeSpan));
  CHECK_FALSE(CommonType(Type::String, Type::Int));
}
