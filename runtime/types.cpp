// Type names and datetime text conversion.
#include "runtime/types.h"

#include <array>
#include <cctype>
#include <cstring>

namespace huntc {

namespace {

struct TypeNameEntry {
  std::string_view name;
  Type type;
};

constexpr std::array kTypeNames{
    TypeNameEntry{"bool", Type::Bool},         TypeNameEntry{"boolean", Type::Bool},
    TypeNameEntry{"int", Type::Int},           TypeNameEntry{"long", Type::Long},
    TypeNameEntry{"real", Type::Real},         TypeNameEntry{"double", Type::Real},
    TypeNameEntry{"decimal", Type::Decimal},   TypeNameEntry{"string", Type::String},
    TypeNameEntry{"datetime", Type::DateTime}, TypeNameEntry{"date", Type::DateTime},
    TypeNameEntry{"timespan", Type::TimeSpan}, TypeNameEntry{"time", Type::TimeSpan},
    TypeNameEntry{"guid", Type::Guid},         TypeNameEntry{"uniqueid", Type::Guid},
    TypeNameEntry{"dynamic", Type::Dynamic},
};


void CivilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at `pos`.
bool Digits(std::string_view s, size_t& pos, int n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  pos += n;
  out = v;
  return true;
}

void Append2(std::string& out, unsigned v) {
  out.push_back(static_cast<char>('0' + v / 10));
  out.push_back(static_cast<char>('0' + v % 10));
}

}  // namespace

// H. Hinnant's algorithm.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::string_view TypeName(Type t) {
  switch (t) {
    case Type::Bool: return "bool";
    case Type::Int: return "int";
    case Type::Long: return "long";
    case Type::Real: return "real";
    case Type::Decimal: return "decimal";
    case Type::String: return "string";
    case Type::DateTime: return "datetime";
    case Type::TimeSpan: return "timespan";
    case Type::Guid: return "guid";
    case Type::Dynamic: return "dynamic";
    case Type::Null: return "null";
  }
  return "?";
}

std::optional<Type> TypeFromName(std::string_view name) {
  for (const auto& e : kTypeNames) {
    if (e.name == name) return e.type;
  }
  return std::nullopt;
}

bool IsNumeric(Type t) {
  return t == Type::Int || t == Type::Long || t == Type::Real || t == Type::Decimal;
}

bool IsStringLike(Type t) { return t == Type::String || t == Type::Guid; }

bool IsFixedWidth(Type t) {
  switch (t) {
    case Type::Bool: case Type::Int: case Type::Long: case Type::Real: case Type::Decimal:
    case Type::DateTime: case Type::TimeSpan: return true;
    default: return false;
  }
}

namespace {

// The form nearly every event carries, `2026-11-20T10:00:00.1234567Z`, parsed without the
// general path's branches; nullopt sends anything else (or anything invalid) to that path.
std::optional<int64_t> ParseCanonicalDateTime(std::string_view s, DayMemo* memo) {
  if (s.size() != 28 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':' || s[19] != '.' || s[27] != 'Z') {
    return std::nullopt;
  }
  static constexpr uint8_t kDigitAt[] = {0,  1,  2,  3,  5,  6,  8,  9,  11, 12, 14,
                                         15, 17, 18, 20, 21, 22, 23, 24, 25, 26};
  unsigned bad = 0;
  for (uint8_t i : kDigitAt) bad |= static_cast<unsigned>(static_cast<unsigned char>(s[i]) - '0') > 9;
  if (bad) return std::nullopt;
  const auto number = [&](size_t at, size_t count) {
    int64_t v = 0;
    for (size_t i = at; i < at + count; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  const int64_t hour = number(11, 2), minute = number(14, 2), second = number(17, 2);
  if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
  int64_t days;
  if (memo && std::memcmp(s.data(), memo->date, sizeof memo->date) == 0) {
    days = memo->days;
  } else {
    const int64_t year = number(0, 4), month = number(5, 2), day = number(8, 2);
    if (year < 1 || month < 1 || month > 12 || day < 1 ||
        day > static_cast<int64_t>(DaysInMonth(year, static_cast<unsigned>(month)))) {
      return std::nullopt;
    }
    days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
    if (memo) {
      std::memcpy(memo->date, s.data(), sizeof memo->date);
      memo->days = days;
    }
  }
  const int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second;
  return kUnixEpochTicks + seconds * kTicksPerSecond + number(20, 7);
}

// One or two digits: the RFC 822/850 and sortable forms may write days and months without a
// leading zero.
bool ShortNumber(std::string_view s, size_t& pos, int& out) {
  if (!Digits(s, pos, 1, out)) return false;
  if (int next = 0; Digits(s, pos, 1, next)) out = out * 10 + next;
  return true;
}

// The RFC 822 and RFC 850 forms (doc: scalar-data-types/datetime), the zone name already
// dropped: `[Weekday, ]d Mon yy HH:MM[:SS]` and `[Weekday, ]dd-Mon-yy HH:MM[:SS]`.
std::optional<int64_t> ParseRfcDateTime(std::string_view s) {
  size_t pos = 0;
  if (const size_t comma = s.find(','); comma != std::string_view::npos) {
    for (size_t i = 0; i < comma; ++i) {
      if (!std::isalpha(static_cast<unsigned char>(s[i]))) return std::nullopt;
    }
    pos = comma + 1;
    while (pos < s.size() && s[pos] == ' ') ++pos;
  }
  int day = 0, month = 0, year = 0, hour = 0, minute = 0, second = 0;
  if (!ShortNumber(s, pos, day) || pos >= s.size()) return std::nullopt;
  const char separator = s[pos++];
  if ((separator != ' ' && separator != '-') || pos + 3 > s.size()) return std::nullopt;
  static constexpr std::string_view kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                 "jul", "aug", "sep", "oct", "nov", "dec"};
  for (int m = 0; m < 12 && month == 0; ++m) {
    bool same = true;
    for (size_t i = 0; i < 3; ++i) {
      same = same && std::tolower(static_cast<unsigned char>(s[pos + i])) == kMonths[m][i];
    }
    if (same) month = m + 1;
  }
  pos += 3;
  if (month == 0 || pos >= s.size() || s[pos++] != separator) return std::nullopt;
  // A two-digit year is taken in 1950..2049, as .NET's calendars do by default.
  if (!Digits(s, pos, 4, year)) {
    if (!Digits(s, pos, 2, year)) return std::nullopt;
    year += year < 50 ? 2000 : 1900;
  }
  if (pos >= s.size() || s[pos++] != ' ' || !Digits(s, pos, 2, hour) || pos >= s.size() ||
      s[pos++] != ':' || !Digits(s, pos, 2, minute)) {
    return std::nullopt;
  }
  if (pos < s.size() && s[pos] == ':' && (++pos, !Digits(s, pos, 2, second))) return std::nullopt;
  if (pos != s.size() || day < 1 || day > static_cast<int>(DaysInMonth(year, static_cast<unsigned>(month))) ||
      hour > 23 || minute > 59 || second > 59) {
    return std::nullopt;
  }
  const int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return kUnixEpochTicks + (days * 86400 + hour * 3600 + minute * 60 + second) * kTicksPerSecond;
}

}  // namespace

std::optional<int64_t> ParseDateTime(std::string_view text, DayMemo& memo) {
  if (const auto fast = ParseCanonicalDateTime(text, &memo)) return fast;
  return ParseDateTime(text);
}

std::optional<int64_t> ParseDateTime(std::string_view s) {
  if (const auto fast = ParseCanonicalDateTime(s, nullptr)) return fast;
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  // The RFC 822/850 and sortable forms may end in a zone name; those the doc shows name UTC.
  for (const std::string_view zone : {" GMT", " UTC", " UT"}) {
    if (s.size() > zone.size() && s.ends_with(zone)) {
      s.remove_suffix(zone.size());
      break;
    }
  }
  if (s.size() < 5 || s[4] != '-') return ParseRfcDateTime(s);  // not `yyyy-`
  size_t pos = 0;
  int year = 0, month = 0, day = 0;
  if (!Digits(s, pos, 4, year) || pos >= s.size() || s[pos++] != '-') return std::nullopt;
  if (!ShortNumber(s, pos, month) || pos >= s.size() || s[pos++] != '-') return std::nullopt;
  if (!ShortNumber(s, pos, day)) return std::nullopt;
  if (year < 1 || month < 1 || month > 12 || day < 1 ||
      day > static_cast<int>(DaysInMonth(year, month))) {
    return std::nullopt;
  }
  int hour = 0, minute = 0, second = 0;
  int64_t fraction = 0;
  int64_t offset_ticks = 0;
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == ' ')) {
    ++pos;
    if (!Digits(s, pos, 2, hour) || pos >= s.size() || s[pos++] != ':') return std::nullopt;
    if (!Digits(s, pos, 2, minute)) return std::nullopt;
    if (pos < s.size() && s[pos] == ':') {
      ++pos;
      if (!Digits(s, pos, 2, second)) return std::nullopt;
      if (pos < s.size() && s[pos] == '.') {
        ++pos;
        int digits = 0;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
          if (digits < 7) fraction = fraction * 10 + (s[pos] - '0');
          ++digits;
          ++pos;
        }
        if (digits == 0) return std::nullopt;
        for (int i = digits; i < 7; ++i) fraction *= 10;
      }
    }
    if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
    if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
      ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
      const int sign = s[pos++] == '-' ? -1 : 1;
      int oh, om = 0;
      if (!Digits(s, pos, 2, oh)) return std::nullopt;
      if (pos < s.size() && s[pos] == ':') ++pos;
      if (pos < s.size() && !Digits(s, pos, 2, om)) return std::nullopt;
      offset_ticks = sign * (static_cast<int64_t>(oh) * 3600 + om * 60) * kTicksPerSecond;
    }
  }
  if (pos != s.size()) return std::nullopt;
  const int64_t days = DaysFromCivil(year, month, day);
  const int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second;
  return kUnixEpochTicks + seconds * kTicksPerSecond + fraction - offset_ticks;
}

void AppendDateTime(std::string& out, int64_t ticks) {
  const int64_t unix_ticks = ticks - kUnixEpochTicks;
  int64_t days = unix_ticks / kTicksPerDay;
  int64_t rem = unix_ticks % kTicksPerDay;
  if (rem < 0) {
    rem += kTicksPerDay;
    --days;
  }
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, y, m, d);
  const auto secs = static_cast<unsigned>(rem / kTicksPerSecond);
  const auto frac = static_cast<unsigned>(rem % kTicksPerSecond);
  // yyyy-MM-ddTHH:mm:ss.fffffffZ, each field's digits filled in: snprintf was about half the
  // time of rendering rows of datetimes.
  char text[] = "0000-00-00T00:00:00.0000000Z";
  const auto put = [&](size_t at, unsigned v, int width) {
    for (int i = width - 1; i >= 0; --i, v /= 10) text[at + static_cast<size_t>(i)] = static_cast<char>('0' + v % 10);
  };
  size_t from = 0;
  if (y >= 0 && y <= 9999) {
    put(0, static_cast<unsigned>(y), 4);
  } else {  // beyond datetime's range (made by arithmetic): the year as it is
    char year[24];
    out.append(year, static_cast<size_t>(std::snprintf(year, sizeof year, "%04lld", static_cast<long long>(y))));
    from = 4;
  }
  put(5, m, 2);
  put(8, d, 2);
  put(11, secs / 3600, 2);
  put(14, secs / 60 % 60, 2);
  put(17, secs % 60, 2);
  put(20, frac, 7);
  out.append(text + from, sizeof text - 1 - from);
}

std::string FormatDateTime(int64_t ticks) {
  std::string out;
  AppendDateTime(out, ticks);
  return out;
}

std::string FormatTimeSpan(int64_t ticks) {
  std::string out;
  uint64_t t = ticks < 0 ? static_cast<uint64_t>(-(ticks + 1)) + 1 : static_cast<uint64_t>(ticks);
  if (ticks < 0) out.push_back('-');
  const uint64_t days = t / kTicksPerDay;
  t %= kTicksPerDay;
  if (days > 0) out += std::to_string(days) + ".";
  const uint64_t secs = t / kTicksPerSecond;
  const uint64_t frac = t % kTicksPerSecond;
  Append2(out, static_cast<unsigned>(secs / 3600));
  out.push_back(':');
  Append2(out, static_cast<unsigned>(secs / 60 % 60));
  out.push_back(':');
  Append2(out, static_cast<unsigned>(secs % 60));
  if (frac != 0) {
    char buf[16];
    std::snprintf(buf, sizeof buf, ".%07llu", static_cast<unsigned long long>(frac));
    out += buf;
  }
  return out;
}

}  // namespace huntc
