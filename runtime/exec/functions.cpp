// KQL scalar functions over simple values.
#include "runtime/exec/functions.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "runtime/strings.h"
#include "runtime/types.h"

namespace huntc::exec {

namespace {

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Byte offset of character `index` of s (s.size() when past the end).
size_t ByteOfChar(std::string_view s, int64_t index) {
  size_t pos = 0;
  for (int64_t i = 0; i < index && pos < s.size(); ++i) {
    ++pos;
    while (pos < s.size() && IsContinuation(static_cast<unsigned char>(s[pos]))) ++pos;
  }
  return pos;
}

int64_t CharOfByte(std::string_view s, size_t byte) {
  int64_t n = 0;
  for (size_t i = 0; i < byte && i < s.size(); ++i) n += !IsContinuation(static_cast<unsigned char>(s[i]));
  return n;
}

bool IsAlnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Civil date parts of a datetime.
struct Civil {
  int64_t year;
  unsigned month, day;
  int64_t time_of_day;  // ticks since midnight
};

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

Civil ToCivil(int64_t ticks) {
  const int64_t unix_ticks = ticks - kUnixEpochTicks;
  int64_t z = FloorDiv(unix_ticks, kTicksPerDay);
  const int64_t rem = unix_ticks - z * kTicksPerDay;
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  return {y, m, d, rem};
}

int64_t FromCivil(const Civil& c) {
  return kUnixEpochTicks + DaysFromCivil(c.year, c.month, c.day) * kTicksPerDay + c.time_of_day;
}

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// Months in the calendar periods, or 0.
int64_t PeriodMonths(std::string_view period) {
  if (StrEqualCi(period, "year")) return 12;
  if (StrEqualCi(period, "quarter")) return 3;
  if (StrEqualCi(period, "month")) return 1;
  return 0;
}

}  // namespace

// Compared in place, not lowered into a string: the interpreter asks once per row (datetime_add
// in a join's filter runs over millions of pairs).
int64_t PeriodTicks(std::string_view period) {
  if (StrEqualCi(period, "week")) return 7 * kTicksPerDay;
  if (StrEqualCi(period, "day")) return kTicksPerDay;
  if (StrEqualCi(period, "hour")) return 3600 * kTicksPerSecond;
  if (StrEqualCi(period, "minute")) return 60 * kTicksPerSecond;
  if (StrEqualCi(period, "second")) return kTicksPerSecond;
  if (StrEqualCi(period, "millisecond")) return 10'000;
  if (StrEqualCi(period, "microsecond")) return 10;
  return 0;
}

// --- text ---------------------------------------------------------------------------------

int64_t Utf8Length(std::string_view s) { return CharOfByte(s, s.size()); }

std::string_view Utf8Substring(std::string_view s, int64_t start, std::optional<int64_t> length) {
  const int64_t n = Utf8Length(s);
  if (start < 0) start = std::max<int64_t>(0, n + start);
  if (start >= n) return {};
  int64_t end = n;
  if (length) end = *length < 0 ? start : std::min(n, start + *length);
  // Where every character is one byte (no continuation bytes), characters are bytes: no second walk.
  if (n == static_cast<int64_t>(s.size())) return s.substr(static_cast<size_t>(start), static_cast<size_t>(end - start));
  const size_t b0 = ByteOfChar(s, start);
  const size_t b1 = b0 + ByteOfChar(s.substr(b0), end - start);
  return s.substr(b0, b1 - b0);
}

int64_t IndexOf(std::string_view s, std::string_view t, int64_t start) {
  const int64_t n = Utf8Length(s);
  if (start < 0) start = std::max<int64_t>(0, n + start);
  if (start > n) return -1;
  const size_t found = s.find(t, ByteOfChar(s, start));
  return found == std::string_view::npos ? -1 : CharOfByte(s, found);
}

int64_t CountOf(std::string_view s, std::string_view t) {
  if (t.empty()) return 0;
  int64_t n = 0;
  for (size_t pos = s.find(t); pos != std::string_view::npos; pos = s.find(t, pos + t.size())) ++n;
  return n;
}

std::string ToLowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

std::string ToUpperAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  return out;
}

std::string ReplaceString(std::string_view s, std::string_view from, std::string_view to) {
  if (from.empty()) return std::string(s);
  std::string out;
  size_t pos = 0;
  for (size_t hit = s.find(from); hit != std::string_view::npos; hit = s.find(from, pos)) {
    out.append(s.substr(pos, hit - pos));
    out.append(to);
    pos = hit + from.size();
  }
  out.append(s.substr(pos));
  return out;
}

std::string Translate(std::string_view from, std::string_view to, std::string_view s) {
  std::string out;
  for (char c : s) {
    const size_t at = from.find(c);
    if (at == std::string_view::npos) {
      out.push_back(c);
    } else if (!to.empty()) {
      out.push_back(to[std::min(at, to.size() - 1)]);
    }
  }
  return out;
}

Json SplitPart(const Json& parts, int64_t k) {
  Json one = Json::Array();
  if (k >= 0 && k < static_cast<int64_t>(parts.items().size())) one.Push(parts.items()[static_cast<size_t>(k)]);
  return one;
}

const Json* ArrayItem(const Json& d, int64_t k) {
  if (!d.IsArray()) return nullptr;
  const int64_t size = static_cast<int64_t>(d.items().size());
  if (k < 0) k += size;
  return k >= 0 && k < size ? &d.items()[static_cast<size_t>(k)] : nullptr;
}

Json ArraySlice(const Json& d, int64_t first, int64_t last) {
  if (!d.IsArray()) return Json();
  const int64_t size = static_cast<int64_t>(d.items().size());
  if (first < 0) first += size;
  if (last < 0) last += size;
  first = std::max<int64_t>(first, 0);
  last = std::min<int64_t>(last, size - 1);
  Json slice = Json::Array();
  for (int64_t k = first; k <= last; ++k) slice.Push(d.items()[static_cast<size_t>(k)]);
  return slice;
}

std::string StrcatArray(const Json& d, std::string_view delimiter) {
  std::string text;
  if (!d.IsArray()) return text;
  for (size_t k = 0; k < d.items().size(); ++k) {
    if (k) text.append(delimiter);
    text += d.items()[k].ToText();
  }
  return text;
}

Json Split(std::string_view s, std::string_view delimiter) {
  Json out = Json::Array();
  if (delimiter.empty()) {
    out.Push(Json::String(std::string(s)));
    return out;
  }
  size_t pos = 0;
  for (size_t hit = s.find(delimiter); hit != std::string_view::npos; hit = s.find(delimiter, pos)) {
    out.Push(Json::String(std::string(s.substr(pos, hit - pos))));
    pos = hit + delimiter.size();
  }
  out.Push(Json::String(std::string(s.substr(pos))));
  return out;
}

std::string UrlDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexDigit(s[i + 1]) >= 0 && HexDigit(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexDigit(s[i + 1]) * 16 + HexDigit(s[i + 2])));
      i += 2;
    } else if (s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string UrlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (IsAlnum(c) && c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::optional<std::string> Base64Decode(std::string_view s) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  size_t padding = 0;
  for (char c : s) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+' || c == '-') v = 62;
    else if (c == '/' || c == '_') v = 63;
    else if (c == '=') {
      ++padding;
      continue;
    } else {
      return std::nullopt;
    }
    if (padding) return std::nullopt;  // data after padding
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  if (bits >= 6) return std::nullopt;  // a lone trailing character
  return out;
}

std::string Sha256Hex(std::string_view s) {
  static constexpr uint32_t k[64] = {
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
      0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
      0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
      0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
      0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
      0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
      0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
      0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
  uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::string msg(s);
  const uint64_t bit_length = static_cast<uint64_t>(s.size()) * 8;
  msg.push_back(static_cast<char>(0x80));
  while (msg.size() % 64 != 56) msg.push_back(0);
  for (int i = 7; i >= 0; --i) msg.push_back(static_cast<char>((bit_length >> (i * 8)) & 0xFF));
  const auto rotr = [](uint32_t x, int n) { return (x >> n) | (x << (32 - n)); };
  for (size_t chunk = 0; chunk < msg.size(); chunk += 64) {
    uint32_t w[64];
    for (int i = 0; i < 16; ++i) {
      const auto* p = reinterpret_cast<const unsigned char*>(msg.data() + chunk + i * 4);
      w[i] = (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
    }
    for (int i = 16; i < 64; ++i) {
      const uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      const uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; ++i) {
      const uint32_t t1 = hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + k[i] + w[i];
      const uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      hh = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
  }
  std::string out;
  for (uint32_t v : h) out += fmt::format("{:08x}", v);
  return out;
}

Json Base64DecodeToArray(std::string_view s) {
  const std::optional<std::string> bytes = Base64Decode(s);
  if (!bytes) return Json();
  Json out = Json::Array();
  for (const char b : *bytes) out.Push(Json::Long(static_cast<unsigned char>(b)));
  return out;
}

std::optional<std::string> CodepointsToString(const std::vector<Json>& values) {
  std::string out;
  const auto append = [&out](const Json& v) {
    if (v.kind() != Json::Kind::Long) return false;
    const int64_t c = v.integer();
    if (c < 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return false;
    const auto byte = [&out](int64_t b) { out.push_back(static_cast<char>(b)); };
    if (c < 0x80) {
      byte(c);
    } else if (c < 0x800) {
      byte(0xC0 | (c >> 6));
      byte(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      byte(0xE0 | (c >> 12));
      byte(0x80 | ((c >> 6) & 0x3F));
      byte(0x80 | (c & 0x3F));
    } else {
      byte(0xF0 | (c >> 18));
      byte(0x80 | ((c >> 12) & 0x3F));
      byte(0x80 | ((c >> 6) & 0x3F));
      byte(0x80 | (c & 0x3F));
    }
    return true;
  };
  for (const Json& v : values) {
    if (v.IsArray()) {
      for (const Json& item : v.items()) {
        if (!append(item)) return std::nullopt;
      }
    } else if (!append(v)) {
      return std::nullopt;
    }
  }
  return out;
}

std::string ToHex(int64_t v, int64_t min_length) {
  std::string out = fmt::format("{:x}", static_cast<uint64_t>(v));
  if (min_length > static_cast<int64_t>(out.size())) out.insert(0, static_cast<size_t>(min_length) - out.size(), '0');
  return out;
}

std::string RandomGuid(uint64_t high, uint64_t low) {
  // RFC 4122: version 4 in the top nibble of the third group, variant 10 in the fourth's.
  high = (high & ~0xf000ULL) | 0x4000ULL;
  low = (low & ~(0xc0ULL << 56)) | (0x80ULL << 56);
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", high >> 32, (high >> 16) & 0xffff, high & 0xffff,
                     low >> 48, low & 0xffffffffffffULL);
}

// --- structure parsing --------------------------------------------------------------------

namespace {

// The parts of an absolute URL, as views of it: what ParseUrl's members hold (the query still
// encoded), or nullopt when s is not one. ParseUrl and ParseUrlStringMember both read them, so a
// member read alone is the member of the whole object.
struct UrlParts {
  std::string_view scheme, host, port, path, user, password, query, fragment;
};

std::optional<UrlParts> SplitUrl(std::string_view s) {
  const size_t scheme_end = s.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) return std::nullopt;
  UrlParts out;
  out.scheme = s.substr(0, scheme_end);
  std::string_view rest = s.substr(scheme_end + 3);
  if (const size_t hash = rest.find('#'); hash != std::string_view::npos) {
    out.fragment = rest.substr(hash + 1);
    rest = rest.substr(0, hash);
  }
  if (const size_t q = rest.find('?'); q != std::string_view::npos) {
    out.query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) out.path = rest.substr(slash);
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view info = authority.substr(0, at);
    authority = authority.substr(at + 1);
    const size_t colon = info.find(':');
    out.user = info.substr(0, colon);
    if (colon != std::string_view::npos) out.password = info.substr(colon + 1);
  }
  out.host = authority;
  const size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos) {
    out.host = authority.substr(0, colon);
    out.port = authority.substr(colon + 1);
  }
  return out;
}

// The parts of a path, as views of it: what ParsePath's members hold.
struct PathParts {
  std::string_view scheme, root, dir, dir_name, file, extension, stream;
};

PathParts SplitPath(std::string_view s) {
  PathParts out;
  std::string_view rest = s;
  if (const size_t at = s.find("://"); at != std::string_view::npos) {
    out.scheme = s.substr(0, at);
    rest = s.substr(at + 3);
  }
  // Long paths \\?\C:\... keep their prefix out of the root.
  std::string_view body = rest;
  if (body.substr(0, 4) == "\\\\?\\") body.remove_prefix(4);
  if (body.size() >= 2 && body[1] == ':' && std::isalpha(static_cast<unsigned char>(body[0]))) {
    out.root = body.substr(0, 2);
  }
  // The alternate data stream: a ':' after the root in the last component.
  const size_t last_sep = rest.find_last_of("\\/");
  std::string_view file = last_sep == std::string_view::npos ? rest : rest.substr(last_sep + 1);
  if (last_sep != std::string_view::npos) out.dir = rest.substr(0, last_sep);
  if (last_sep == std::string_view::npos && !out.root.empty()) file = rest.substr(rest.find(out.root) + 2);
  if (const size_t colon = file.find(':'); colon != std::string_view::npos) {
    out.stream = file.substr(colon + 1);
    file = file.substr(0, colon);
  }
  out.file = file;
  const size_t dir_sep = out.dir.find_last_of("\\/");
  out.dir_name = dir_sep == std::string_view::npos ? out.dir : out.dir.substr(dir_sep + 1);
  if (const size_t dot = file.rfind('.'); dot != std::string_view::npos) out.extension = file.substr(dot + 1);
  return out;
}

}  // namespace

Json ParseUrl(std::string_view s) {
  const std::optional<UrlParts> p = SplitUrl(s);
  if (!p) return Json();
  Json out = Json::Object();
  const auto string = [](std::string_view v) { return Json::String(std::string(v)); };
  out.Append("Scheme", string(p->scheme));
  out.Append("Host", string(p->host));
  out.Append("Port", string(p->port));
  out.Append("Path", string(p->path));
  out.Append("Username", string(p->user));
  out.Append("Password", string(p->password));
  Json params = Json::Object();
  std::string_view query = p->query;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const size_t eq = pair.find('=');
    params.Set(UrlDecode(pair.substr(0, eq)),
               Json::String(eq == std::string_view::npos ? "" : UrlDecode(pair.substr(eq + 1))));
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
  }
  out.Append("Query Parameters", std::move(params));
  out.Append("Fragment", string(p->fragment));
  return out;
}

std::optional<std::string_view> ParseUrlStringMember(std::string_view s, std::string_view key) {
  const std::optional<UrlParts> p = SplitUrl(s);
  if (!p) return std::nullopt;
  if (key == "Scheme") return p->scheme;
  if (key == "Host") return p->host;
  if (key == "Port") return p->port;
  if (key == "Path") return p->path;
  if (key == "Username") return p->user;
  if (key == "Password") return p->password;
  if (key == "Fragment") return p->fragment;
  return std::nullopt;
}

Json ParsePath(std::string_view s) {
  const PathParts p = SplitPath(s);
  Json out = Json::Object();
  const auto string = [](std::string_view v) { return Json::String(std::string(v)); };
  out.Append("Scheme", string(p.scheme));
  out.Append("RootPath", string(p.root));
  out.Append("DirectoryPath", string(p.dir));
  out.Append("DirectoryName", string(p.dir_name));
  out.Append("Filename", string(p.file));
  out.Append("Extension", string(p.extension));
  out.Append("AlternateDataStreamName", string(p.stream));
  return out;
}

std::optional<std::string_view> ParsePathMember(std::string_view s, std::string_view key) {
  const PathParts p = SplitPath(s);
  if (key == "Scheme") return p.scheme;
  if (key == "RootPath") return p.root;
  if (key == "DirectoryPath") return p.dir;
  if (key == "DirectoryName") return p.dir_name;
  if (key == "Filename") return p.file;
  if (key == "Extension") return p.extension;
  if (key == "AlternateDataStreamName") return p.stream;
  return std::nullopt;
}

Json ParseCommandLineWindows(std::string_view s) {
  // CommandLineToArgvW: whitespace separates arguments outside quotes; 2n backslashes before a
  // quote give n backslashes and toggle quoting, 2n+1 give n and a literal quote; "" inside
  // quotes gives a literal quote.
  Json out = Json::Array();
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    if (i >= s.size()) break;
    std::string arg;
    bool quoted = false;
    for (; i < s.size() && (quoted || (s[i] != ' ' && s[i] != '\t')); ++i) {
      if (s[i] == '\\') {
        size_t n = 0;
        while (i < s.size() && s[i] == '\\') ++n, ++i;
        if (i < s.size() && s[i] == '"') {
          arg.append(n / 2, '\\');
          if (n % 2) {
            arg.push_back('"');
          } else {
            quoted = !quoted;
          }
        } else {
          arg.append(n, '\\');
          --i;
        }
      } else if (s[i] == '"') {
        if (quoted && i + 1 < s.size() && s[i + 1] == '"') {
          arg.push_back('"');
          ++i;
        } else {
          quoted = !quoted;
        }
      } else {
        arg.push_back(s[i]);
      }
    }
    out.Push(Json::String(std::move(arg)));
  }
  return out;
}

Json ParseCsv(std::string_view s) {
  Json out = Json::Array();
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quoted) {
      if (c == '"' && i + 1 < s.size() && s[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.Push(Json::String(std::move(field)));
      field.clear();
    } else {
      field.push_back(c);
    }
  }
  out.Push(Json::String(std::move(field)));
  return out;
}

std::optional<Json> JsonPathGet(std::string_view path, const Json& doc) {
  if (path.empty() || path[0] != '$') return std::nullopt;
  const Json* at = &doc;
  size_t i = 1;
  while (i < path.size()) {
    std::string key;
    std::optional<int64_t> index;
    if (path[i] == '.') {
      const size_t end = path.find_first_of(".[", i + 1);
      key = std::string(path.substr(i + 1, end == std::string_view::npos ? std::string_view::npos : end - i - 1));
      if (key.empty()) return std::nullopt;
      i = end == std::string_view::npos ? path.size() : end;
    } else if (path[i] == '[') {
      const size_t close = path.find(']', i);
      if (close == std::string_view::npos) return std::nullopt;
      std::string_view inner = path.substr(i + 1, close - i - 1);
      if (inner.size() >= 2 && (inner.front() == '\'' || inner.front() == '"') && inner.back() == inner.front()) {
        key = std::string(inner.substr(1, inner.size() - 2));
      } else {
        index = ParseLong(inner);
        if (!index) return std::nullopt;
      }
      i = close + 1;
    } else {
      return std::nullopt;
    }
    if (index) {
      if (!at->IsArray()) return std::nullopt;
      int64_t k = *index < 0 ? *index + static_cast<int64_t>(at->items().size()) : *index;
      if (k < 0 || k >= static_cast<int64_t>(at->items().size())) return std::nullopt;
      at = &at->items()[static_cast<size_t>(k)];
    } else {
      if (!at->IsObject()) return std::nullopt;
      at = at->Find(key);
      if (!at) return std::nullopt;
    }
  }
  return *at;
}

// --- conversions --------------------------------------------------------------------------

namespace {

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<int64_t> ParseLong(std::string_view s) {
  s = TrimSpace(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::optional<double> ParseReal(std::string_view s) {
  s = TrimSpace(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  const std::string lower = ToLowerAscii(s);
  if (lower == "nan") return std::nan("");
  if (lower == "inf" || lower == "infinity") return HUGE_VAL;
  if (lower == "-inf" || lower == "-infinity") return -HUGE_VAL;
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::optional<bool> ParseBool(std::string_view s) {
  s = TrimSpace(s);
  if (StrEqualCi(s, "true")) return true;
  if (StrEqualCi(s, "false")) return false;
  if (auto n = ParseLong(s)) return *n != 0;
  return std::nullopt;
}

std::optional<int64_t> ParseTimeSpan(std::string_view s) {
  s = TrimSpace(s);
  if (s.empty()) return std::nullopt;
  bool negative = false;
  std::string_view body = s;
  if (body.front() == '-') {
    negative = true;
    body.remove_prefix(1);
  }
  const auto finish = [&](int64_t ticks) { return negative ? -ticks : ticks; };
  if (body.find(':') != std::string_view::npos) {
    // [d.]hh:mm[:ss[.fffffff]]
    int64_t days = 0;
    const size_t colon = body.find(':');
    const size_t dot = body.substr(0, colon).find('.');
    if (dot != std::string_view::npos) {
      auto d = ParseLong(body.substr(0, dot));
      if (!d || *d < 0) return std::nullopt;
      days = *d;
      body = body.substr(dot + 1);
    }
    int64_t parts[3] = {0, 0, 0};
    int64_t fraction = 0;
    for (int k = 0; k < 3 && !body.empty(); ++k) {
      const size_t end = body.find_first_of(":.");
      auto v = ParseLong(body.substr(0, end));
      if (!v || *v < 0) return std::nullopt;
      parts[k] = *v;
      if (end == std::string_view::npos) {
        body = {};
      } else if (body[end] == '.') {
        if (k != 2) return std::nullopt;
        const std::string_view digits = body.substr(end + 1);
        if (digits.empty() || digits.size() > 7) return std::nullopt;
        auto f = ParseLong(digits);
        if (!f || *f < 0) return std::nullopt;
        fraction = *f;
        for (size_t i = digits.size(); i < 7; ++i) fraction *= 10;
        body = {};
      } else {
        body = body.substr(end + 1);
        if (k == 2) return std::nullopt;
      }
    }
    if (parts[0] > 23 || parts[1] > 59 || parts[2] > 59) return std::nullopt;
    return finish(days * kTicksPerDay + (parts[0] * 3600 + parts[1] * 60 + parts[2]) * kTicksPerSecond + fraction);
  }
  // A number with a unit.
  size_t unit = 0;
  while (unit < body.size() && (std::isdigit(static_cast<unsigned char>(body[unit])) || body[unit] == '.')) ++unit;
  auto number = ParseReal(body.substr(0, unit));
  if (!number || unit == 0) return std::nullopt;
  const std::string u = ToLowerAscii(body.substr(unit));
  double ticks_per_unit;
  if (u == "d" || u == "day" || u == "days") ticks_per_unit = static_cast<double>(kTicksPerDay);
  else if (u == "h" || u == "hr" || u == "hrs" || u == "hour" || u == "hours") ticks_per_unit = 3600.0 * kTicksPerSecond;
  else if (u == "m" || u == "min" || u == "minute" || u == "minutes") ticks_per_unit = 60.0 * kTicksPerSecond;
  else if (u == "s" || u == "sec" || u == "second" || u == "seconds") ticks_per_unit = static_cast<double>(kTicksPerSecond);
  else if (u == "ms" || u == "milli" || u == "millis" || u == "millisecond" || u == "milliseconds") ticks_per_unit = 10'000;
  else if (u == "microsecond" || u == "microseconds") ticks_per_unit = 10;
  else if (u == "tick" || u == "ticks") ticks_per_unit = 1;
  else return std::nullopt;
  return finish(static_cast<int64_t>(std::llround(*number * ticks_per_unit)));
}

std::string RealToString(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  return fmt::format("{}", v);
}

// --- numbers and time ---------------------------------------------------------------------

std::optional<int64_t> BinLong(int64_t v, int64_t size, int64_t origin) {
  if (size <= 0) return std::nullopt;
  return origin + FloorDiv(v - origin, size) * size;
}

std::optional<double> BinReal(double v, double size, double origin) {
  if (!(size > 0)) return std::nullopt;
  return origin + std::floor((v - origin) / size) * size;
}

std::optional<int64_t> DateTimeDiff(std::string_view period, int64_t d1, int64_t d2) {
  if (StrEqualCi(period, "nanosecond")) return (d1 - d2) * 100;
  if (const int64_t months = PeriodMonths(period)) {
    const Civil a = ToCivil(d1), b = ToCivil(d2);
    const int64_t ma = a.year * 12 + (a.month - 1), mb = b.year * 12 + (b.month - 1);
    return FloorDiv(ma, months) - FloorDiv(mb, months);
  }
  if (StrEqualCi(period, "week")) {
    // Weeks start on Sunday; 0001-01-01 was a Monday, so day k (since then) is in week (k+1)/7.
    return FloorDiv(FloorDiv(d1, kTicksPerDay) + 1, 7) - FloorDiv(FloorDiv(d2, kTicksPerDay) + 1, 7);
  }
  if (const int64_t ticks = PeriodTicks(period)) return FloorDiv(d1, ticks) - FloorDiv(d2, ticks);
  return std::nullopt;
}

std::optional<int64_t> DateTimeAdd(std::string_view period, int64_t amount, int64_t d) {
  if (StrEqualCi(period, "nanosecond")) return d + amount / 100;
  if (const int64_t months = PeriodMonths(period)) {
    Civil c = ToCivil(d);
    const int64_t total = c.year * 12 + (c.month - 1) + amount * months;
    c.year = FloorDiv(total, 12);
    c.month = static_cast<unsigned>(total - c.year * 12 + 1);
    c.day = std::min(c.day, DaysInMonth(c.year, c.month));
    if (c.year < 1 || c.year > 9999) return std::nullopt;
    return FromCivil(c);
  }
  if (const int64_t ticks = PeriodTicks(period)) return d + amount * ticks;
  return std::nullopt;
}

std::optional<std::string> FormatTimeSpanAs(int64_t ticks, std::string_view format) {
  const bool negative = ticks < 0;
  const uint64_t t = negative ? static_cast<uint64_t>(-(ticks + 1)) + 1 : static_cast<uint64_t>(ticks);
  const uint64_t days = t / kTicksPerDay;
  const uint64_t in_day = t % kTicksPerDay;
  const uint64_t hours = in_day / (3600ULL * kTicksPerSecond);
  const uint64_t minutes = in_day / (60ULL * kTicksPerSecond) % 60;
  const uint64_t seconds = in_day / kTicksPerSecond % 60;
  const uint64_t fraction = in_day % kTicksPerSecond;
  std::string out = negative ? "-" : "";
  for (size_t i = 0; i < format.size();) {
    const char c = format[i];
    size_t n = 1;
    while (i + n < format.size() && format[i + n] == c) ++n;
    switch (c) {
      case 'd': out += fmt::format("{:0{}}", days, n); break;
      case 'h':
      case 'H':
        if (n > 2) return std::nullopt;
        out += fmt::format("{:0{}}", hours, n);
        break;
      case 'm':
        if (n > 2) return std::nullopt;
        out += fmt::format("{:0{}}", minutes, n);
        break;
      case 's':
        if (n > 2) return std::nullopt;
        out += fmt::format("{:0{}}", seconds, n);
        break;
      case 'f':
      case 'F': {
        if (n > 7) return std::nullopt;
        std::string digits = fmt::format("{:07}", fraction).substr(0, n);
        if (c == 'F') {
          while (!digits.empty() && digits.back() == '0') digits.pop_back();
          if (digits.empty() && !out.empty() && out.back() == '.') out.pop_back();
        }
        out += digits;
        break;
      }
      case '\'':
      case '"': {
        const size_t close = format.find(c, i + 1);
        if (close == std::string_view::npos) return std::nullopt;
        out.append(format.substr(i + 1, close - i - 1));
        n = close - i + 1;
        break;
      }
      case '\\':
        if (i + 1 >= format.size()) return std::nullopt;
        out.push_back(format[i + 1]);
        n = 2;
        break;
      case ':': case '/': case '-': case ' ': case '.': case ',': case '_': case '[': case ']':
        out.append(n, c);
        break;
      default: return std::nullopt;
    }
    i += n;
  }
  return out;
}

// --- IPv4 ---------------------------------------------------------------------------------

std::optional<Ipv4Prefix> ParseIpv4Prefix(std::string_view s) {
  s = TrimSpace(s);
  Ipv4Prefix out{0, 32};
  if (const size_t slash = s.find('/'); slash != std::string_view::npos) {
    auto p = ParseLong(s.substr(slash + 1));
    if (!p || *p < 0 || *p > 32) return std::nullopt;
    out.prefix = static_cast<int>(*p);
    s = s.substr(0, slash);
  }
  int parts = 0;
  size_t i = 0;
  while (parts < 4) {
    size_t digits = 0;
    uint32_t v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && digits < 4) v = v * 10 + (s[i++] - '0'), ++digits;
    if (digits == 0 || digits > 3 || v > 255) return std::nullopt;
    out.address = (out.address << 8) | v;
    ++parts;
    if (parts < 4) {
      if (i >= s.size() || s[i] != '.') return std::nullopt;
      ++i;
    }
  }
  if (i != s.size()) return std::nullopt;
  return out;
}

namespace {

uint32_t Mask(int prefix) { return prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix); }

}  // namespace

std::optional<int64_t> ParseIpv4(std::string_view s) {
  auto ip = ParseIpv4Prefix(s);
  if (!ip) return std::nullopt;
  return static_cast<int64_t>(ip->address & Mask(ip->prefix));
}

std::optional<bool> Ipv4IsPrivate(std::string_view s) {
  auto ip = ParseIpv4Prefix(s);
  if (!ip) return std::nullopt;
  static constexpr std::array<Ipv4Prefix, 3> kPrivate{
      Ipv4Prefix{0x0A000000, 8}, Ipv4Prefix{0xAC100000, 12}, Ipv4Prefix{0xC0A80000, 16}};
  for (const Ipv4Prefix& range : kPrivate) {
    if (ip->prefix >= range.prefix && (ip->address & Mask(range.prefix)) == range.address) return true;
  }
  return false;
}

std::optional<bool> Ipv4IsInRange(std::string_view ip_text, std::string_view range_text) {
  auto ip = ParseIpv4Prefix(ip_text);
  auto range = ParseIpv4Prefix(range_text);
  if (!ip || !range) return std::nullopt;
  const uint32_t mask = Mask(std::min(ip->prefix, range->prefix));
  return (ip->address & mask) == (range->address & mask);
}

std::optional<int64_t> Ipv4Compare(std::string_view a_text, std::string_view b_text, int prefix) {
  auto a = ParseIpv4Prefix(a_text);
  auto b = ParseIpv4Prefix(b_text);
  if (!a || !b || prefix < 0 || prefix > 32) return std::nullopt;
  const uint32_t mask = Mask(std::min({a->prefix, b->prefix, prefix}));
  const uint32_t x = a->address & mask, y = b->address & mask;
  return x < y ? -1 : x > y ? 1 : 0;
}

bool TextHasIpv4(std::string_view text, std::string_view ip) {
  auto parsed = ParseIpv4Prefix(ip);
  if (!parsed || parsed->prefix != 32 || ip.find('/') != std::string_view::npos) return false;
  ip = TrimSpace(ip);
  for (size_t at = text.find(ip); at != std::string_view::npos; at = text.find(ip, at + 1)) {
    const bool before_ok = at == 0 || (!IsAlnum(static_cast<unsigned char>(text[at - 1])) && text[at - 1] != '.');
    const size_t end = at + ip.size();
    const bool after_ok = end == text.size() || (!IsAlnum(static_cast<unsigned char>(text[end])) && text[end] != '.');
    if (before_ok && after_ok) return true;
  }
  return false;
}

}  // namespace huntc::exec
