// Scalar types: names and datetime/timespan text conversion.
#include <catch2/catch.hpp>

#include "runtime/types.h"

using namespace huntc;

TEST_CASE("datetime: ISO 8601 round-trips with 7 fractional digits", "[runtime][types]") {
  const auto t = ParseDateTime("2026-11-20T10:11:12.1234567Z");
  REQUIRE(t.has_value());
  CHECK(FormatDateTime(*t) == "2026-11-20T10:11:12.1234567Z");
  CHECK(FormatDateTime(*ParseDateTime("2026-11-20")) == "2026-11-20T00:00:00.0000000Z");
  CHECK(FormatDateTime(*ParseDateTime("2026-11-20 10:11")) == "2026-11-20T10:11:00.0000000Z");
  CHECK(FormatDateTime(*ParseDateTime("0001-01-01")) == "0001-01-01T00:00:00.0000000Z");
  CHECK(FormatDateTime(*ParseDateTime("9999-12-31T23:59:59.9999999Z")) == "9999-12-31T23:59:59.9999999Z");
  CHECK(FormatDateTime(*ParseDateTime("1970-01-01T00:00:00.0000001Z")) == "1970-01-01T00:00:00.0000001Z");
}

TEST_CASE("datetime: a year past the type's range, made by arithmetic, is printed whole", "[runtime][types]") {
  const int64_t day = int64_t{864000000000};
  CHECK(FormatDateTime(*ParseDateTime("9999-12-31") + day) == "10000-01-01T00:00:00.0000000Z");
  CHECK(FormatDateTime(*ParseDateTime("0001-01-01T06:00:00Z") - day) == "0000-12-31T06:00:00.0000000Z");
  CHECK(FormatDateTime(*ParseDateTime("0001-01-01") - 400 * 366 * day).starts_with("-"));
}

TEST_CASE("datetime: offsets are resolved to UTC", "[runtime][types]") {
  CHECK(*ParseDateTime("2026-11-20T12:00:00+02:00") == *ParseDateTime("2026-11-20T10:00:00Z"));
  CHECK(*ParseDateTime("2026-11-20T00:30:00-01:00") == *ParseDateTime("2026-11-20T01:30:00Z"));
}

TEST_CASE("datetime: the RFC 822, RFC 850 and sortable forms of the doc's table", "[runtime][types]") {
  const int64_t with_seconds = *ParseDateTime("2014-11-08T15:05:02Z");
  const int64_t minutes = *ParseDateTime("2014-11-08T15:05:00Z");
  for (const char* rfc : {"Sat, 8 Nov 14 15:05:02 GMT", "Sat, 8 Nov 14 15:05:02", "8 Nov 14 15:05:02 GMT",
                          "8 Nov 14 15:05:02", "Saturday, 08-Nov-14 15:05:02 GMT", "Saturday, 08-Nov-14 15:05:02",
                          "08-Nov-14 15:05:02 GMT", "08-Nov-14 15:05:02", "2014-11-08 15:05:02 GMT",
                          "2014-11-8T15:05:02 GMT"}) {
    INFO(rfc);
    CHECK(ParseDateTime(rfc) == with_seconds);
  }
  for (const char* rfc : {"Sat, 8 Nov 14 15:05", "Sat, 8 Nov 14 15:05 GMT", "8 Nov 14 15:05", "08-Nov-14 15:05 GMT",
                          "Saturday, 08-Nov-14 15:05", "2014-11-08 15:05 GMT"}) {
    INFO(rfc);
    CHECK(ParseDateTime(rfc) == minutes);
  }
  CHECK(ParseDateTime("1 jan 99 00:00") == ParseDateTime("1999-01-01"));
  CHECK_FALSE(ParseDateTime("31 Feb 14 15:05").has_value());
  CHECK_FALSE(ParseDateTime("8 Noo 14 15:05").has_value());
  CHECK_FALSE(ParseDateTime("8 Nov-14 15:05").has_value());
  CHECK_FALSE(ParseDateTime("Sat 8 Nov 14 15:05").has_value());
  CHECK_FALSE(ParseDateTime("8 Nov 14 15:05 EST").has_value());
}

TEST_CASE("datetime: ticks count from 0001-01-01", "[runtime][types]") {
  CHECK(*ParseDateTime("0001-01-01T00:00:00Z") == 0);
  CHECK(*ParseDateTime("1970-01-01T00:00:00Z") == kUnixEpochTicks);
  CHECK(*ParseDateTime("2026-11-20T00:00:00.0000001Z") - *ParseDateTime("2026-11-20") == 1);
}

TEST_CASE("datetime: invalid text is rejected", "[runtime][types]") {
  CHECK_FALSE(ParseDateTime("2026-02-30").has_value());
  CHECK_FALSE(ParseDateTime("2026-11-20T25:00:00Z").has_value());
  CHECK_FALSE(ParseDateTime("yesterday").has_value());
  CHECK_FALSE(ParseDateTime("2026-11-20T10:00:00Zjunk").has_value());
}

TEST_CASE("timespan: printed as [d.]hh:mm:ss[.fffffff]", "[runtime][types]") {
  CHECK(FormatTimeSpan(7 * kTicksPerDay) == "7.00:00:00");
  CHECK(FormatTimeSpan(90 * kTicksPerSecond) == "00:01:30");
  CHECK(FormatTimeSpan(-kTicksPerSecond / 2) == "-00:00:00.5000000");
}

TEST_CASE("types: names map both ways", "[runtime][types]") {
  CHECK(TypeFromName("boolean") == Type::Bool);
  CHECK(TypeFromName("datetime") == Type::DateTime);
  CHECK_FALSE(TypeFromName("varchar").has_value());
  CHECK(TypeName(Type::TimeSpan) == "timespan");
}
