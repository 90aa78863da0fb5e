// The catalogue of KQL's built-in scalar and aggregate functions: arity, result type and the
// name Kusto gives a column computed by a call that the user did not name.
//
// The facts (types, naming) follow Kusto.Language's binder; each was checked against it with
// tools/oracle (see tests/unit/functions_test.cpp). Old spellings (`makeset`, `parsejson`,
// `iif`, `todouble`, `argmax`, ...) are entries of their own that name their modern form.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "runtime/types.h"

namespace huntc {

enum class FunctionClass : uint8_t {
  Scalar,
  Aggregate,  // only inside summarize (and make-series)
  Window,     // row_number, prev, next: only over serialized input
};

// How the result type follows from the arguments' types.
enum class ResultRule : uint8_t {
  Fixed,       // `type`
  Arg0,        // the first argument's type
  Arg0Wide,    // the first argument's type with int widened to long (abs, bin, sum)
  CommonTail,  // the common type of the arguments after the first (iff)
  CommonAll,   // the common type of all arguments, int widened to long (coalesce, max_of)
  CaseValues,  // the common type of case()'s values: args 1, 3, 5, ... and the last
  Typeof,      // the `typeof(T)` given as the last argument, else `type` (extract)
};

// How Kusto names the column of an unnamed call.
enum class ResultName : uint8_t {
  None,      // ColumnN in project/extend; "" after an aggregate's prefix
  FirstArg,  // the first argument's name (tostring(X) -> X)
  Prefix,    // prefix + "_" + the first argument's name (strlen(X) -> strlen_X, count() -> count_)
  Columns,   // one column per argument, named after it (take_any, arg_max); any() prefixes them
};

struct FunctionInfo {
  std::string_view name;
  FunctionClass cls;
  uint8_t min_args;
  uint8_t max_args;  // kVariadic: any number
  ResultRule rule;
  Type type;         // for Fixed, and the default of Typeof
  ResultName naming;
  std::string_view prefix;     // for ResultName::Prefix / Columns
  std::string_view canonical;  // the modern name of an old spelling, or ""
};

constexpr uint8_t kVariadic = 255;

// The function named `name` (case-sensitive, as in KQL), or null.
const FunctionInfo* FindFunction(std::string_view name);
std::span<const FunctionInfo> AllFunctions();  // sorted by name

// A column of a function that computes several (series_stats, series_decompose_anomalies,
// series_decompose, series_fit_line): the member `key` of the function's dynamic result, as
// `type`. Unnamed, the column is `<function>_<first argument>_<key>`.
struct ResultColumn {
  std::string_view key;
  Type type;
};
// The columns `name` computes, in order; empty for a function of one column.
std::span<const ResultColumn> ResultColumns(std::string_view name);

// The result type of a call to `f` with arguments of types `args` (already checked for arity);
// `typeof_arg` is the type a trailing typeof() names, if any. Null when no type fits.
Type FunctionResultType(const FunctionInfo& f, std::span<const Type> args,
                        std::optional<Type> typeof_arg);

// The type operands of types a and b are promoted to for comparison or arithmetic, if any.
std::optional<Type> CommonType(Type a, Type b);

}  // namespace huntc
