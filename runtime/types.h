// KQL scalar types and their in-memory representation, shared by the compiler and the runtime.
//
// datetime and timespan are 64-bit counts of 100 ns ticks, as in Kusto: a datetime counts ticks
// since 0001-01-01T00:00:00Z (the .NET epoch), a timespan is a signed duration.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace huntc {

enum class Type : uint8_t {
  Bool,
  Int,       // 32-bit signed
  Long,      // 64-bit signed
  Real,      // double
  Decimal,   // held as double for now
  String,    // never null: a missing string is ""
  DateTime,  // ticks since 0001-01-01
  TimeSpan,  // ticks
  Guid,      // held as its canonical string
  Dynamic,   // raw JSON text, parsed lazily
  Null,      // the type of an untyped null literal only
};

std::string_view TypeName(Type t);
std::optional<Type> TypeFromName(std::string_view name);  // "bool", "boolean", "int", ...
bool IsNumeric(Type t);  // int, long, real, decimal
bool IsStringLike(Type t);  // string, guid: stored as bytes
bool IsFixedWidth(Type t);  // bool, numbers, datetime, timespan: one value of a fixed size per row

constexpr int64_t kTicksPerSecond = 10'000'000;
constexpr int64_t kTicksPerDay = 86'400 * kTicksPerSecond;
// Ticks from 0001-01-01 to 1970-01-01.
constexpr int64_t kUnixEpochTicks = 621'355'968'000'000'000;

// Days since 1970-01-01 of a proleptic Gregorian civil date.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);

// Parses ISO 8601 (`2026-11-20T10:00:00.1234567Z`, `2026-11-20 10:00`, `2026-11-20`, offsets
// `+02:00`) into UTC ticks; nullopt when it is not a valid datetime.
std::optional<int64_t> ParseDateTime(std::string_view text);
// The day of the last `2026-11-20T10:00:00.1234567Z` a reader parsed: events come in time
// order, so most values share it and skip the date's checks and arithmetic.
struct DayMemo {
  char date[10] = {};  // `yyyy-MM-dd`, valid; never matches before the first
  int64_t days = 0;    // DaysFromCivil of it
};
// ParseDateTime, the same result, with `memo` kept across calls.
std::optional<int64_t> ParseDateTime(std::string_view text, DayMemo& memo);
// Formats ticks as Kusto prints them: `2026-11-20T10:00:00.1234567Z`.
std::string FormatDateTime(int64_t ticks);
void AppendDateTime(std::string& out, int64_t ticks);
// Formats a timespan as Kusto prints it: `[-][d.]hh:mm:ss[.fffffff]`.
std::string FormatTimeSpan(int64_t ticks);

}  // namespace huntc
