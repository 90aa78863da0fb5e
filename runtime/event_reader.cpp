// The event reader (see event_reader.h).
//
// Bytes come from a ByteSource: an uncompressed regular file is mapped in windows of 4 MiB (no
// copy; the source keeps a readable page after each window, simdjson's padding), anything else
// is read in 1 MiB chunks into one reused buffer, which keeps SIMDJSON_PADDING bytes after its
// data. Either way simdjson parses every line in place. The
// splitter cuts records at newlines (for CSV, at newlines outside quotes); the first record of
// an input tells JSON from CSV. Only a record that turns out valid as a whole is appended to its
// table's batch, so a bad record never leaves half a row behind. Staged strings point into the
// record or into simdjson's string buffers, alive until the next record, so nothing is
// allocated per field or per row once the buffers have grown.
//
// JSON lines are first offered to the line scanner (see ScanLines). simdjson's stage 1 finds
// the structure of a window of many lines in one pass (checking UTF-8, control characters and
// string bounds); the scanner then walks each line's tokens once, checking the grammar and the
// literals and numbers, comparing keys in place, staging the values of the requested columns
// and only glancing at the others; an envelope's event is staged from its `properties` object.
// A plain record with the keys of the previous one, in the same order (MemberLayout), is read
// by position: each key compared with the layout's in one vector compare, no lookup. Where the
// CPU lists a window's quotes in its escape pass (AVX-512 VBMI2), such a record is read from its
// raw bytes with no stage 1 at all (RawLine): the escape pass already sees every byte, and a line
// of one layout has its string values between known quotes; a line the raw walk is not sure of
// gets stage 1 alone.
// Escapes are checked once per window. With a prefilter, a window is first skimmed instead
// (SkimWindow): the literals are searched in the raw window, and only the lines that may be
// wanted or that the raw bytes cannot judge get stage 1, so most bytes are only classified and
// searched, never indexed. When some reader of the table wants every line, every line is read,
// and the window's literals, searched at once (in the escape pass where the CPU allows), tell
// each line's readers, whose columns alone the scanner stages (set_readers). It builds no parse
// tree and copies no strings it does not keep, and it is strict: a line it is not sure of (an error, a \u escape, deep nesting, a
// record of another table than the previous one) it leaves to the per-line paths, which say
// exactly what is wrong. A JSON line is read there by one of two paths that give the
// same result (see ParseJson): a fast one on simdjson's DOM parser, and an exact one on
// On-Demand for the few lines the fast one leaves (invalid lines, wrong types, raw text wanted).
//
// The table of a JSON record: an envelope's `category`, else its `Type`, else the input's. The
// reader guesses it is the table of the previous record and stages that table's columns in its
// first pass over the record; a record of another table is staged again from the same parse,
// so a file of one table costs one pass per line and a mixed file one more per table switch.
#include "runtime/event_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cstring>
#include <numeric>
#include <optional>
#include <tuple>

#include <fmt/format.h>
#include <simdjson.h>
#if defined(__x86_64__)
#include <immintrin.h>  // SSE2 in every x86-64 CPU; AVX-512 chosen at run time
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "runtime/json_members.h"
#include "runtime/literal_matcher.h"
#include "runtime/needle_scan.h"
#include "runtime/output.h"

namespace huntc {
namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;

// Small enough that a chunk read is still in the L2 cache when it is split and parsed, which
// measured faster than larger reads.
constexpr size_t kDefaultChunkBytes = size_t{1} << 20;
// A mapped window is not read ahead, so its size does not matter to the cache. Windows are
// unmapped several at once (ByteSource::Map): with several reading threads each munmap interrupts
// the other cores to flush their TLBs (an IPI, a VM exit on a virtual machine).
constexpr size_t kMapWindowBytes = size_t{4} << 20;
// The line scanner leaves values nested deeper than this to the per-line paths: its stack of
// open containers is the bits of one word.
constexpr int kScanMaxDepth = 63;
// The most bytes of lines the scanner finds the structure of at once: enough that the pass costs
// little per line, few enough that when it fails (invalid UTF-8 somewhere) the lines then left
// to the slower per-line paths are few.
constexpr size_t kScanWindowBytes = size_t{64} << 10;
// Validate recurses once per nesting level: this bounds the stack whatever the limit says.
constexpr int kHardMaxDepth = 1024;
constexpr std::string_view kEnvelopePrefix = "AdvancedHunting-";
constexpr size_t kNoTable = SIZE_MAX;         // the record's table cannot be told
constexpr size_t kOtherTable = SIZE_MAX - 1;  // a table nobody asked for

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsJsonSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsJsonSpace(s.back())) s.remove_suffix(1);
  return s;
}

// The JSON number grammar: simdjson does not check the scalars it is not asked to convert.
bool IsJsonNumber(std::string_view t) {
  size_t i = 0;
  const auto digits = [&] {
    const size_t start = i;
    while (i < t.size() && IsDigit(t[i])) ++i;
    return i > start;
  };
  if (i < t.size() && t[i] == '-') ++i;
  if (i < t.size() && t[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < t.size() && t[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == t.size();
}

// Reads `t` when it is a JSON integer of at most 18 digits (which no int64 overflows) as
// IsJsonNumber and ParseInt64 would read it, in one pass over its digits; false for anything
// else (a fraction, an exponent, a longer number, not a number), which the caller reads by the
// general path.
[[gnu::always_inline]] inline bool PlainInt(std::string_view t, int64_t& out) {
  const bool negative = !t.empty() && t.front() == '-';
  const size_t digits = t.size() - negative;
  if (digits == 0 || digits > 18 || (t[negative] == '0' && digits > 1)) return false;
  int64_t v = 0;
  for (size_t k = negative; k < t.size(); ++k) {
    const unsigned d = static_cast<unsigned char>(t[k]) - unsigned{'0'};
    if (d > 9) return false;
    v = v * 10 + d;
  }
  out = negative ? -v : v;
  return true;
}

std::optional<int64_t> ParseInt64(std::string_view s) {
  int64_t v;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<double> ParseDouble(std::string_view s) {
  double v;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view lower) {
  return a.size() == lower.size() &&
         std::equal(a.begin(), a.end(), lower.begin(), [](char x, char y) {
           return (x >= 'A' && x <= 'Z' ? x + ('a' - 'A') : x) == y;
         });
}

// Reads 1 to max_digits decimal digits at s[pos].
bool ReadDigits(std::string_view s, size_t& pos, size_t max_digits, int64_t& out) {
  const size_t start = pos;
  out = 0;
  while (pos < s.size() && pos - start < max_digits && IsDigit(s[pos])) {
    out = out * 10 + (s[pos++] - '0');
  }
  return pos > start;
}

// `[-][d.]hh:mm[:ss[.fffffff]]`, the form in which Kusto and .NET write a timespan.
std::optional<int64_t> ParseTimeSpan(std::string_view s) {
  size_t pos = 0;
  const bool negative = !s.empty() && s[0] == '-';
  if (negative) ++pos;
  int64_t days = 0, hours, minutes, seconds = 0, fraction = 0;
  if (!ReadDigits(s, pos, 7, hours)) return std::nullopt;  // 7 digits of days cannot overflow
  if (pos < s.size() && s[pos] == '.') {
    days = hours;
    ++pos;
    if (!ReadDigits(s, pos, 2, hours)) return std::nullopt;
  }
  if (pos >= s.size() || s[pos++] != ':' || !ReadDigits(s, pos, 2, minutes)) return std::nullopt;
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    if (!ReadDigits(s, pos, 2, seconds)) return std::nullopt;
    if (pos < s.size() && s[pos] == '.') {
      const size_t start = ++pos;
      if (!ReadDigits(s, pos, 7, fraction)) return std::nullopt;
      for (size_t i = pos - start; i < 7; ++i) fraction *= 10;
    }
  }
  if (pos != s.size() || hours > 23 || minutes > 59 || seconds > 59) return std::nullopt;
  const int64_t ticks =
      (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * kTicksPerSecond + fraction;
  return negative ? -ticks : ticks;
}

// Whether a JSON string token (from its opening quote; the raw token may run on over the
// whitespace before the next structural character) has a backslash before its closing quote.
bool HasEscape(std::string_view token) {
  const void* backslash = std::memchr(token.data() + 1, '\\', token.size() - 1);
  if (!backslash) return false;
  const void* quote = std::memchr(token.data() + 1, '"', token.size() - 1);
  return backslash < quote;
}

// Whether the n bytes at a and b are equal, compared a word at a time inline (the last word
// overlapping the one before), never reading outside either: keys are short, and a call of
// memcmp per key cost more than the compare.
bool SameBytes(const char* a, const char* b, size_t n) {
  const auto load = [](const char* p, auto word) {
    std::memcpy(&word, p, sizeof word);
    return word;
  };
  if (n >= 8) {
    for (size_t k = 0; k + 8 < n; k += 8) {
      if (load(a + k, uint64_t{}) != load(b + k, uint64_t{})) return false;
    }
    return load(a + n - 8, uint64_t{}) == load(b + n - 8, uint64_t{});
  }
  if (n >= 4) {
    return load(a, uint32_t{}) == load(b, uint32_t{}) && load(a + n - 4, uint32_t{}) == load(b + n - 4, uint32_t{});
  }
  for (size_t k = 0; k < n; ++k) {
    if (a[k] != b[k]) return false;
  }
  return true;
}

// Whether `text`, which lies in a window followed by at least 16 readable bytes, holds a
// backslash: most values are short, and vector compares of 16 bytes cost less than a call of
// memchr.
bool HasBackslash(std::string_view text) {
#if defined(__SSE2__)
  constexpr size_t kInline = 64;  // longer strings: memchr's own vector loop
  const __m128i backslash = _mm_set1_epi8('\\');
  size_t k = 0;
  for (; k < text.size() && k < kInline; k += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + k));
    uint32_t mask = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, backslash)));
    if (text.size() - k < 16) mask &= (uint32_t{1} << (text.size() - k)) - 1;
    if (mask) return true;
  }
  return k < text.size() && std::memchr(text.data() + k, '\\', text.size() - k);
#else
  return std::memchr(text.data(), '\\', text.size());
#endif
}

// Writes the text of a JSON string (between its quotes) with its escapes undone to `out`, which
// has room for text.size() + 16 bytes, and returns the bytes written. Only the escapes the window
// lets through (kPlainEscapes: one byte each); the text lies in a window followed by at least 16
// readable bytes. Runs without a backslash are copied 16 bytes at a time.
size_t Unescape(std::string_view text, char* out) {
  size_t k = 0, n = 0;
  while (k < text.size()) {
#if defined(__SSE2__)
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + k));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + n), bytes);
    uint32_t mask = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('\\'))));
    const size_t left = text.size() - k;
    if (left < 16) mask &= (uint32_t{1} << left) - 1;
    if (!mask) {
      const size_t step = std::min<size_t>(left, 16);
      k += step;
      n += step;
      continue;
    }
    const auto run = static_cast<size_t>(std::countr_zero(mask));
    k += run;
    n += run;
#else
    if (text[k] != '\\') {
      out[n++] = text[k++];
      continue;
    }
#endif
    const char c = text[k + 1];  // the byte after the backslash
    out[n++] = c == 'b' ? '\b' : c == 'f' ? '\f' : c == 'n' ? '\n' : c == 'r' ? '\r' : c == 't' ? '\t' : c;
    k += 2;
  }
  return n;
}

// A window of lines with its structure: the offsets of its tokens (each bracket, brace, comma
// and colon, and the first byte of each string, number and literal) from simdjson's stage 1.
// After the last token come two offsets equal to the window's size, so that reading one token
// past any token before the line end is safe.
struct Tokens {
  const char* text;
  const uint32_t* at;
  uint32_t count;  // before the two sentinels

  char Byte(uint32_t i) const { return text[at[i]]; }
  // The text of token i of a scalar or string, without the spaces before the next token.
  std::string_view Scalar(uint32_t i) const {
    uint32_t end = at[i + 1];
    while (end > at[i] && IsJsonSpace(text[end - 1])) --end;
    return std::string_view(text + at[i], end - at[i]);
  }
};

// The bytes that may follow a backslash in an escape the line scanner reads itself: one byte
// each, so \u is not among them.
constexpr std::array<bool, 256> kPlainEscapes = [] {
  std::array<bool, 256> plain{};
  for (const char c : std::string_view("\"\\/bfnrt")) plain[static_cast<unsigned char>(c)] = true;
  return plain;
}();

// The quotes, backslashes, control characters (bytes up to 0x1f, newlines among them) and
// bytes past ASCII of 64 bytes, as bit masks.
struct BlockMasks {
  uint64_t quote = 0, backslash = 0, control = 0, high = 0;
};

// Classifies `blocks` blocks of 64 bytes from `bytes` into `out`.
void Classify(const char* bytes, size_t blocks, BlockMasks* out) {
  for (size_t b = 0; b < blocks; ++b, bytes += 64) {
    BlockMasks& m = out[b];
    m = {};
#if defined(__SSE2__)
    for (int k = 0; k < 4; ++k) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + 16 * k));
      const auto bits = [&](__m128i x) {
        return static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(x))) << (16 * k);
      };
      m.quote |= bits(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')));
      m.backslash |= bits(_mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
      // Up to 0x1f: the unsigned max with 0x1f is 0x1f.
      m.control |= bits(_mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(0x1f)), _mm_set1_epi8(0x1f)));
      m.high |= bits(v);
    }
#else
    for (size_t k = 0; k < 64; ++k) {
      const unsigned char c = static_cast<unsigned char>(bytes[k]);
      m.quote |= uint64_t{c == '"'} << k;
      m.backslash |= uint64_t{c == '\\'} << k;
      m.control |= uint64_t{c < 0x20} << k;
      m.high |= uint64_t{c >= 0x80} << k;
    }
#endif
  }
}

#if defined(__x86_64__) && defined(__GNUC__)
// The classes of the 64 bytes of `v`, one AVX-512 compare per mask.
[[gnu::target("avx512bw"), gnu::always_inline]] inline BlockMasks ClassesAvx512(__m512i v) {
  return {_mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('"')), _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\\')),
          _mm512_cmple_epu8_mask(v, _mm512_set1_epi8(0x1f)), _mm512_movepi8_mask(v)};
}

// Classify with AVX-512, for the CPUs that have it (chosen at run time).
[[gnu::target("avx512bw")]] void ClassifyAvx512(const char* bytes, size_t blocks, BlockMasks* out) {
  for (size_t b = 0; b < blocks; ++b, bytes += 64) out[b] = ClassesAvx512(_mm512_loadu_si512(bytes));
}
#endif

// Classify or ClassifyAvx512, whichever the CPU runs faster.
void ClassifyFast(const char* bytes, size_t blocks, BlockMasks* out) {
#if defined(__x86_64__) && defined(__GNUC__)
  static const auto classify = [] {
    __builtin_cpu_init();  // may run before the constructor that would have done it
    return __builtin_cpu_supports("avx512bw") ? ClassifyAvx512 : Classify;
  }();
  classify(bytes, blocks, out);
#else
  Classify(bytes, blocks, out);
#endif
}

// What FindLines carries from one block of 64 bytes to the next, and what it finds.
struct LineScan {
  const char* data;
  size_t size;
  std::vector<uint32_t>& odd;
  std::vector<uint32_t>& newlines;
  uint64_t escaped_carry = 0;    // bit 0: the first byte of the block is escaped
  uint64_t in_string_carry = 0;  // all ones when the block starts inside a string
  uint64_t strings_bad = 0;
  uint64_t high = 0;
  // When set (FindEscapes), the offsets of the quotes that are not escaped (room for 64 more
  // than there are: they are written many at a time, see QuotesVbmi2) and of the control
  // characters other than newlines: what the raw walk (RawLine) needs to know.
  uint32_t* quotes = nullptr;
  size_t quote_count = 0;
  std::vector<uint32_t>* controls = nullptr;

  // The bytes of the block at `block` escaped by a backslash, noting its odd escapes.
  [[gnu::always_inline]] uint64_t Escaped(size_t block, const BlockMasks& m) {
    constexpr uint64_t kEven = 0x5555555555555555;  // bits at even offsets
    if (!(m.backslash | escaped_carry)) return 0;  // most blocks: no backslash, nothing escaped
    // A run of backslashes escapes the byte after it when the run is odd in length. An escaped
    // backslash at the block's start does not begin a run.
    const uint64_t slashes = m.backslash & ~escaped_carry;
    const uint64_t starts = slashes & ~(slashes << 1);
    // Adding a run's lowest bit to it carries to the byte after the run.
    const uint64_t from_even = slashes + (starts & kEven);
    uint64_t from_odd = 0;
    const bool carry = __builtin_add_overflow(slashes, starts & ~kEven, &from_odd);
    const uint64_t escaped = ((from_even & ~slashes & ~kEven) | (from_odd & ~slashes & kEven)) | escaped_carry;
    escaped_carry = carry ? 1 : 0;
    // Escapes other than \\ and \" are rare: each is looked at.
    for (uint64_t e = escaped & ~m.backslash & ~m.quote; e; e &= e - 1) {
      const size_t at = block + static_cast<size_t>(std::countr_zero(e));
      if (!kPlainEscapes[static_cast<unsigned char>(data[at])]) odd.push_back(static_cast<uint32_t>(at - 1));
    }
    return escaped;
  }
  // The rest of the block at `block`, given `inside`: the prefix xor of its unescaped quotes
  // (each bit the xor of those up to it).
  [[gnu::always_inline]] void Strings(size_t block, const BlockMasks& m, uint64_t inside) {
    inside ^= in_string_carry;
    in_string_carry = static_cast<uint64_t>(static_cast<int64_t>(inside) >> 63);
    strings_bad |= m.control & inside;
    high |= m.high;
    Newlines(block, m);
  }
  [[gnu::always_inline]] void Newlines(size_t block, const BlockMasks& m) {
    for (uint64_t c = m.control; c; c &= c - 1) {
      const size_t at = block + static_cast<size_t>(std::countr_zero(c));
      if (at >= size) break;
      if (data[at] == '\n') {
        newlines.push_back(static_cast<uint32_t>(at));
      } else if (controls) {
        controls->push_back(static_cast<uint32_t>(at));
      }
    }
  }
};

// LineScan over every block of `masks`, the prefix xor by shifts. The scan is passed by value so
// that its carries stay in registers.
LineScan ScanBlocks(LineScan scan, const BlockMasks* masks) {
  for (size_t block = 0; block < scan.size; block += 64) {
    const BlockMasks& m = masks[block / 64];
    uint64_t inside = m.quote & ~scan.Escaped(block, m);
    for (int shift = 1; shift < 64; shift *= 2) inside ^= inside << shift;
    scan.Strings(block, m, inside);
  }
  return scan;
}

// The escapes and newlines of every block of `masks`, for a window stage 1 accepts (see
// FindEscapes).
LineScan ScanEscapes(LineScan scan, const BlockMasks* masks) {
  for (size_t block = 0; block < scan.size; block += 64) {
    const BlockMasks& m = masks[block / 64];
    scan.Escaped(block, m);
    scan.high |= m.high;
    scan.Newlines(block, m);
  }
  return scan;
}

#if defined(__x86_64__) && defined(__GNUC__)
// One block of ScanBlocks with the prefix xor as one carry-less multiplication by all ones.
[[gnu::target("pclmul"), gnu::always_inline]] inline void ScanBlockClmul(LineScan& scan, size_t block,
                                                                         const BlockMasks& m) {
  const uint64_t quotes = m.quote & ~scan.Escaped(block, m);
  const __m128i product = _mm_clmulepi64_si128(_mm_set_epi64x(0, static_cast<int64_t>(quotes)), _mm_set1_epi8(-1), 0);
  scan.Strings(block, m, static_cast<uint64_t>(_mm_cvtsi128_si64(product)));
}

// ScanBlocks with ScanBlockClmul.
[[gnu::target("pclmul")]] LineScan ScanBlocksClmul(LineScan scan, const BlockMasks* masks) {
  for (size_t block = 0; block < scan.size; block += 64) ScanBlockClmul(scan, block, masks[block / 64]);
  return scan;
}

// How far ahead of its block the first pass over a mapped window (ScanBytesAvx512 in the skim,
// ScanEscapesAvx512 in ScanWindow) asks for the bytes. Its loads come from memory, and the
// hardware prefetcher stops at each 4 KiB page: a software prefetch half a page ahead took hunts
// a and c from about 0.44 to 0.36 CPU s, and hunt b from about 0.64 to 0.59. A prefetch never
// faults, so reading ahead past the mapping is harmless.
constexpr size_t kPrefetchBytes = 2048;

// One block of the skim: as ScanBlockClmul, but a block with no control character (most of them:
// a line's newline is its only one) skips the prefix xor: a string there holds no control
// character, and whether the block ends inside a string is the parity of its unescaped quotes
// (about a sixth faster over a window in the cache).
[[gnu::target("avx512bw,pclmul"), gnu::always_inline]] inline void ScanBlockAvx512(LineScan& scan, size_t block,
                                                                                 __m512i v) {
  BlockMasks m;
  m.quote = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('"'));
  m.backslash = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\\'));
  m.control = _mm512_cmple_epu8_mask(v, _mm512_set1_epi8(0x1f));
  const uint64_t quotes = m.quote & ~scan.Escaped(block, m);
  if (m.control) {
    const __m128i product = _mm_clmulepi64_si128(_mm_set_epi64x(0, static_cast<int64_t>(quotes)), _mm_set1_epi8(-1), 0);
    scan.Strings(block, m, static_cast<uint64_t>(_mm_cvtsi128_si64(product)));
  } else {
    scan.in_string_carry ^= uint64_t{0} - static_cast<uint64_t>(std::popcount(quotes) & 1);
  }
}

// ClassifyWindow and ScanBlocksClmul in one loop over data[0, size) for the skim, each block by
// ScanBlockAvx512: its masks stay in registers instead of going through memory (about a fifth
// faster over a window in the cache), and its bytes past ASCII are or-ed into one vector looked
// at once. The window's last part block is read with the bytes past its end masked off and taken
// as spaces, as ClassifyWindow takes them. `needles` (NeedleBlocksAvx512, NeedleBlocksVbmi, or
// NoNeedles) probes the same loads for the prefilter's literals, instead of a second pass over
// the window.
//
// Defined twice: ScanBytesVbmi for NeedleBlocksVbmi, whose lookups need AVX-512 VBMI. GCC inlines
// a function only into one compiled for every instruction set its own target names, so the loop
// that inlines those lookups must be compiled for VBMI, and the one for the other CPUs with
// AVX-512 must not be.
#define HUNTC_SCAN_BYTES(NAME, TARGET)                                                       \
  template <class Needles>                                                                  \
  [[gnu::target(TARGET), gnu::always_inline]] inline LineScan NAME(LineScan scan, Needles& needles) { \
    size_t block = 0;                                                                       \
    __m512i high = _mm512_setzero_si512();                                                  \
    for (; block + 64 <= scan.size; block += 64) {                                          \
      _mm_prefetch(scan.data + block + kPrefetchBytes, _MM_HINT_T0);                        \
      const __m512i v = _mm512_loadu_si512(scan.data + block);                              \
      high = _mm512_or_si512(high, v);                                                      \
      ScanBlockAvx512(scan, block, v);                                                      \
      if (needles.Fits(block)) needles.Probe(block, v);                                     \
    }                                                                                       \
    if (block < scan.size) {                                                                \
      const __mmask64 inside = (uint64_t{1} << (scan.size - block)) - 1;                    \
      const __m512i v = _mm512_mask_loadu_epi8(_mm512_set1_epi8(' '), inside, scan.data + block); \
      high = _mm512_or_si512(high, v);                                                      \
      ScanBlockAvx512(scan, block, v);                                                      \
    }                                                                                       \
    scan.high |= _mm512_movepi8_mask(high);                                                 \
    needles.Finish();                                                                       \
    return scan;                                                                            \
  }
HUNTC_SCAN_BYTES(ScanBytesAvx512, "avx512bw,pclmul")
HUNTC_SCAN_BYTES(ScanBytesVbmi, "avx512bw,avx512vbmi,pclmul")
#undef HUNTC_SCAN_BYTES

// No literals to probe: ScanBytesAvx512 alone.
struct NoNeedles {
  bool Fits(size_t) const { return false; }
  void Probe(size_t, __m512i) {}
  void Finish() {}
};

[[gnu::target("avx512bw,pclmul")]] LineScan ScanLinesAvx512(LineScan scan) {
  NoNeedles none;
  return ScanBytesAvx512(scan, none);
}

// ScanBytesAvx512 that also finds the N needles of `needles` in the window, appending them to
// `hits` as NeedleScan::Find does.
template <size_t N>
[[gnu::target("avx512bw,pclmul")]] LineScan ScanLinesNeedlesAvx512(LineScan scan, const NeedleScan& needles,
                                                                 std::vector<NeedleScan::Hit>& hits) {
  NeedleBlocksAvx512<N> probes(needles, scan.data, scan.size, hits);
  return ScanBytesAvx512(scan, probes);
}

// ScanLinesNeedlesAvx512 for the CPUs with AVX-512 VBMI: from NeedleScan::kTablesFrom needles on,
// each position is looked up in the needles' tables (NeedleTablesVbmi) instead of probed with two
// compares per needle. Hunt a's five file names, 10 M events on an AMD EPYC (Zen 4): user CPU
// 1.94 -> 1.21 s, because far fewer positions are candidates to compare whole.
template <size_t N>
[[gnu::target("avx512bw,avx512vbmi,pclmul")]] LineScan ScanLinesNeedlesVbmi(LineScan scan, const NeedleScan& needles,
                                                                           std::vector<NeedleScan::Hit>& hits) {
  NeedleBlocksVbmi<N> probes(needles, scan.data, scan.size, hits);
  return ScanBytesVbmi(scan, probes);
}

using ScanLinesNeedles = LineScan (*)(LineScan, const NeedleScan&, std::vector<NeedleScan::Hit>&);
template <size_t... K>
constexpr std::array<ScanLinesNeedles, sizeof...(K)> FusedLoops(std::index_sequence<K...>) {
  return {&ScanLinesNeedlesAvx512<K + 1>...};
}
template <size_t... K>
constexpr std::array<ScanLinesNeedles, sizeof...(K)> FusedLoopsVbmi(std::index_sequence<K...>) {
  return {&ScanLinesNeedlesVbmi<K + 1>...};
}
// For 1 to NeedleScan::kMaxFused needles.
constexpr auto kFusedLoops = FusedLoops(std::make_index_sequence<NeedleScan::kMaxFused>());
constexpr auto kFusedLoopsVbmi = FusedLoopsVbmi(std::make_index_sequence<NeedleScan::kMaxFused>());
#endif

#if defined(__x86_64__) && defined(__GNUC__)
// LineScan::Quotes with AVX-512 VBMI2: the block's quote offsets compressed into bytes, then
// widened 16 at a time by a byte permute, so that a block costs a store and a branch whatever its
// quotes (the loop of Quotes doubled the cost of the escape pass).
[[gnu::target("avx512bw,avx512vbmi,avx512vbmi2"), gnu::always_inline]] inline void QuotesVbmi2(LineScan& scan,
                                                                                              size_t block, uint64_t q) {
  constexpr int64_t kStep = 0x0808080808080808;  // byte k of word i holds 8i + k
  const __m512i offsets = _mm512_set_epi64(0x0706050403020100 + 7 * kStep, 0x0706050403020100 + 6 * kStep,
                                           0x0706050403020100 + 5 * kStep, 0x0706050403020100 + 4 * kStep,
                                           0x0706050403020100 + 3 * kStep, 0x0706050403020100 + 2 * kStep,
                                           0x0706050403020100 + kStep, 0x0706050403020100);
  const __m512i packed = _mm512_maskz_compress_epi8(q, offsets);
  // Byte 4i of the widening of part k is byte 16k + i of `packed`, the dword's other bytes zero.
  constexpr __mmask64 kLowBytes = 0x1111111111111111;
  const __m512i part0 = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
  const __m512i base = _mm512_set1_epi32(static_cast<int>(block));
  uint32_t* out = scan.quotes + scan.quote_count;
  const auto n = static_cast<size_t>(std::popcount(q));
  scan.quote_count += n;
  for (size_t k = 0; k == 0 || k < n; k += 16) {
    const __m512i index = _mm512_add_epi32(part0, _mm512_set1_epi32(static_cast<int>(k)));
    _mm512_storeu_si512(out + k, _mm512_add_epi32(base, _mm512_maskz_permutexvar_epi8(kLowBytes, index, packed)));
  }
}

// The block at `block` of ScanEscapesAvx512 and ScanQuotesAvx512, the window's last, partial
// block masked, so that no byte past the window is read.
[[gnu::target("avx512bw"), gnu::always_inline]] inline __m512i EscapeBlockAvx512(const LineScan& scan, size_t block) {
  const size_t left = scan.size - block;
  _mm_prefetch(scan.data + block + kPrefetchBytes, _MM_HINT_T0);
  return left >= 64 ? _mm512_loadu_si512(scan.data + block)
                    : _mm512_maskz_loadu_epi8((__mmask64{1} << left) - 1, scan.data + block);
}

// ScanEscapes over the bytes themselves, for the CPUs with AVX-512 (chosen at run time): a
// block's masks stay in registers instead of a classify pass writing every class of the window
// to memory for a second pass to read back. It runs before stage 1, so that the window comes
// from memory under its prefetches (kPrefetchBytes) and stage 1 finds it in the cache.
// `needles` (NeedleBlocksAvx512, or NoNeedles) probes the same loads for a judge's literals.
template <class Needles>
[[gnu::target("avx512bw"), gnu::always_inline]] inline LineScan ScanEscapesAvx512(LineScan scan, Needles& needles) {
  __m512i high = _mm512_setzero_si512();
  for (size_t block = 0; block < scan.size; block += 64) {
    const __m512i v = EscapeBlockAvx512(scan, block);
    high = _mm512_or_si512(high, v);
    const BlockMasks m = ClassesAvx512(v);
    scan.Escaped(block, m);
    scan.Newlines(block, m);
    if (needles.Fits(block)) needles.Probe(block, v);
  }
  needles.Finish();
  scan.high = _mm512_movepi8_mask(high);
  return scan;
}

// ScanEscapesAvx512 that also lists the quotes that are not escaped, for the raw walk, on the
// CPUs that can do it with no branch per quote (QuotesVbmi2).
template <class Needles>
[[gnu::target("avx512bw,avx512vbmi,avx512vbmi2"), gnu::always_inline]] inline LineScan ScanQuotesAvx512(
    LineScan scan, Needles& needles) {
  __m512i high = _mm512_setzero_si512();
  for (size_t block = 0; block < scan.size; block += 64) {
    const __m512i v = EscapeBlockAvx512(scan, block);
    high = _mm512_or_si512(high, v);
    const BlockMasks m = ClassesAvx512(v);
    QuotesVbmi2(scan, block, m.quote & ~scan.Escaped(block, m));
    scan.Newlines(block, m);
    if (needles.Fits(block)) needles.Probe(block, v);
  }
  needles.Finish();
  scan.high = _mm512_movepi8_mask(high);
  return scan;
}

[[gnu::target("avx512bw")]] LineScan ScanEscapesAvx512(LineScan scan) {
  NoNeedles none;
  return ScanEscapesAvx512(scan, none);
}

[[gnu::target("avx512bw,avx512vbmi,avx512vbmi2")]] LineScan ScanQuotesAvx512(LineScan scan) {
  NoNeedles none;
  return ScanQuotesAvx512(scan, none);
}

// ScanEscapesAvx512 and ScanQuotesAvx512 that also find the N needles of `needles`, appending
// them to `hits` as NeedleScan::Find does: ScanWindow's judge of a table that a reader reads whole
// searches every line, and the probes cost less in the loop that loads the window than in a pass
// of their own.
template <size_t N>
[[gnu::target("avx512bw")]] LineScan ScanEscapesNeedlesAvx512(LineScan scan, const NeedleScan& needles,
                                                              std::vector<NeedleScan::Hit>& hits) {
  NeedleBlocksAvx512<N> probes(needles, scan.data, scan.size, hits);
  return ScanEscapesAvx512(scan, probes);
}
template <size_t N>
[[gnu::target("avx512bw,avx512vbmi,avx512vbmi2")]] LineScan ScanQuotesNeedlesAvx512(
    LineScan scan, const NeedleScan& needles, std::vector<NeedleScan::Hit>& hits) {
  NeedleBlocksVbmi<N> probes(needles, scan.data, scan.size, hits);
  return ScanQuotesAvx512(scan, probes);
}

template <size_t... K>
constexpr std::array<ScanLinesNeedles, sizeof...(K)> EscapeLoops(std::index_sequence<K...>) {
  return {&ScanEscapesNeedlesAvx512<K + 1>...};
}
template <size_t... K>
constexpr std::array<ScanLinesNeedles, sizeof...(K)> QuoteLoops(std::index_sequence<K...>) {
  return {&ScanQuotesNeedlesAvx512<K + 1>...};
}
// For 1 to NeedleScan::kMaxNeedles needles.
constexpr auto kEscapeLoops = EscapeLoops(std::make_index_sequence<NeedleScan::kMaxNeedles>());
constexpr auto kQuoteLoops = QuoteLoops(std::make_index_sequence<NeedleScan::kMaxNeedles>());
#endif

// Sets `masks` to the classes of the bytes of data[0, size), 64 to a mask.
void ClassifyWindow(const char* data, size_t size, std::vector<BlockMasks>& masks) {
  masks.resize((size + 63) / 64);
  ClassifyFast(data, size / 64, masks.data());
  if (size % 64) {  // the window's end: no reading past it (the padding may be anything)
    char tail[64];
    std::memset(tail, ' ', sizeof tail);
    std::memcpy(tail, data + size / 64 * 64, size % 64);
    Classify(tail, 1, &masks.back());  // the portable one: so every CPU runs it in the tests
  }
}

// The offsets that end those of a window's quotes (FindEscapes): a line walked raw reads at most
// this many past its last quote.
constexpr size_t kQuoteEnds = 4;

// What FindEscapes found of a window beside its escapes and lines.
struct WindowBytes {
  bool high = false;    // a byte past ASCII
  bool quotes = false;  // its quotes are listed (not on every CPU)
  bool found = false;   // its needles are found (not on every CPU)
};

// Sets `odd` to the offsets in data[0, size) (which ends with a newline) of the escapes the line
// scanner does not read itself (invalid ones, and \u ones), ending with UINT32_MAX, `newlines`
// to the offsets of its newlines, `controls` to those of its other control characters, ending
// with UINT32_MAX, and, where the CPU lists them cheaply, `quotes` to the offsets of its quotes
// that are not escaped, ending with kQuoteEnds times UINT32_MAX. Where it can in the same loop
// (AVX-512), it also sets `hits` to NeedleScan::Find's of `needles` (none when null). Works on 64
// bytes at a time with no branch per backslash (Windows paths are full of them). Meaningful for
// lines that start where a string cannot: at the window's start or after one of its newlines.
WindowBytes FindEscapes(const char* data, size_t size, std::vector<uint32_t>& odd, std::vector<uint32_t>& newlines,
                        std::vector<uint32_t>& controls, std::vector<uint32_t>& quotes,
                        std::vector<BlockMasks>& masks, const NeedleScan* needles,
                        std::vector<NeedleScan::Hit>& hits) {
  odd.clear();
  newlines.clear();
  controls.clear();
  LineScan scan{data, size, odd, newlines};
  scan.controls = &controls;
  bool found = false;
  const auto scan_window = [&]() -> LineScan {
#if defined(__x86_64__) && defined(__GNUC__)
    static const bool avx512 = [] {
      __builtin_cpu_init();  // may run before the constructor that would have done it
      return __builtin_cpu_supports("avx512bw") != 0;
    }();
    static const bool vbmi2 = avx512 && __builtin_cpu_supports("avx512vbmi") && __builtin_cpu_supports("avx512vbmi2");
    if (vbmi2) {
      if (quotes.size() < size + 128) quotes.resize(size + 128);  // only grows: no rewrite
      scan.quotes = quotes.data();
    }
    if (avx512 && needles) {
      hits.clear();
      found = true;
      return (vbmi2 ? kQuoteLoops : kEscapeLoops)[needles->size() - 1](scan, *needles, hits);
    }
    if (vbmi2) return ScanQuotesAvx512(scan);
    if (avx512) return ScanEscapesAvx512(scan);
#endif
    ClassifyWindow(data, size, masks);
    return ScanEscapes(scan, masks.data());
  };
  const LineScan scanned = scan_window();
  odd.push_back(UINT32_MAX);
  controls.push_back(UINT32_MAX);
  if (scanned.quotes) {
    std::fill_n(quotes.begin() + static_cast<ptrdiff_t>(scanned.quote_count), kQuoteEnds, UINT32_MAX);
  }
  return {scanned.high != 0, scanned.quotes != nullptr, found};
}

// Ends the odd escapes FindLines found with UINT32_MAX, and says whether the window it scanned
// is one stage 1 would accept (see FindLines).
bool LinesValid(const LineScan& scan) {
  scan.odd.push_back(UINT32_MAX);
  return !scan.strings_bad && !scan.in_string_carry && (!scan.high || simdjson::validate_utf8(scan.data, scan.size));
}

// FindEscapes for a window of lines skimmed by the prefilter (see SkimWindow), which also
// checks its strings as stage 1 would: false when a string holds a control character (a newline
// too: it does not close on its line), or a byte past ASCII is not valid UTF-8 (checked only
// when there is one). That is all stage 1 would find wrong in the window. When it can in the
// same loop (AVX-512, few needles), it also sets `hits` to NeedleScan::Find's of `needles` (none
// when null) and `found`; else `found` is false.
bool FindLines(const char* data, size_t size, std::vector<uint32_t>& odd, std::vector<uint32_t>& newlines,
               std::vector<BlockMasks>& masks, const NeedleScan* needles, std::vector<NeedleScan::Hit>& hits,
               bool& found) {
  odd.clear();
  newlines.clear();
  found = false;
#if defined(__x86_64__) && defined(__GNUC__)
  static const bool clmul = [] {
    __builtin_cpu_init();  // may run before the constructor that would have done it
    return __builtin_cpu_supports("pclmul");
  }();
  static const bool avx512 = __builtin_cpu_supports("avx512bw");
  static const bool vbmi = avx512 && __builtin_cpu_supports("avx512vbmi");
  if (clmul && avx512) {
    const LineScan scan{data, size, odd, newlines};
    if (!needles || needles->size() > NeedleScan::kMaxFused) return LinesValid(ScanLinesAvx512(scan));
    hits.clear();
    found = true;
    return LinesValid((vbmi ? kFusedLoopsVbmi : kFusedLoops)[needles->size() - 1](scan, *needles, hits));
  }
  ClassifyWindow(data, size, masks);
  return LinesValid((clmul ? ScanBlocksClmul : ScanBlocks)(LineScan{data, size, odd, newlines}, masks.data()));
#else
  ClassifyWindow(data, size, masks);
  return LinesValid(ScanBlocks(LineScan{data, size, odd, newlines}, masks.data()));
#endif
}

// Plain records in a row not read by their table's layout (MemberLayout) after which only one
// in kLayoutRetry tries it and learns a new one.
constexpr uint64_t kLayoutTries = 4;
constexpr uint64_t kLayoutRetry = 64;

// Lines of a window the raw walk (RawLine) was not sure of, past which (when they are also over
// a quarter of the lines it tried) the rest of the window is indexed by stage 1 at once: one
// stage 1 per line costs more than one for many.
constexpr size_t kRawMisses = 8;
// Rows of a range in deferring batches (TableState::deferring) before the reader judges whether
// reading the late columns of the rows kept costs less than reading them with the others.
constexpr uint64_t kLateTrial = 4096;

// Lines the prefilter judges before it gives up if it skipped fewer than an eighth of them.
constexpr uint64_t kPrefilterTrial = 4096;
// Lines of a range whose literals a judge that narrows rows counts (Impl::counting), and the
// share of them holding a literal that makes it common. Few: until then every window searches the
// common literals too, and every range (32 MiB) counts again (1,024 lines were 13 windows of the
// pack of hunts a, b and c, about 1.3 % of its samples in their search and candidates).
constexpr uint64_t kCommonTrial = 256;
constexpr uint64_t kCommonLines = kCommonTrial / 2;

// Every reader of a row (Batch::readers): a line the raw bytes say nothing about.
constexpr uint64_t kEveryReader = ~uint64_t{0};

// What the readers of a table (or of all) need in a line (set_readers), as literal ids into one
// Hyperscan database (and, when they are few, one NeedleScan of the same ids), and whose needs
// each alternative is (their ReaderBit, or-ed).
struct Prefilter {
  std::unique_ptr<LiteralMatcher> matcher;
  std::unique_ptr<NeedleScan> scan;  // the same literals, for skimming windows when they are few
  std::vector<std::vector<std::vector<uint32_t>>> alternatives;  // groups of literal ids
  LineNeeds needs;
  std::vector<uint64_t> readers;          // per alternative
  std::vector<uint64_t> literal_readers;  // with `any`: per literal, the readers it alone satisfies
  // Per literal, the alternatives whose first group holds it: those a line holding no literal of
  // is not met, so only the alternatives of the literals found are looked at.
  std::vector<std::vector<uint32_t>> keyed;
  uint64_t always = 0;  // the readers that want every line
  uint64_t all = 0;     // every reader's bit
  uint32_t markers = UINT32_MAX;  // with table markers: the id of the first of them
  bool any = true;  // every alternative has one group, and no markers: any literal will do
  bool uniform = true;  // every alternative is the needs of every reader
  bool narrows = false;  // the readers are those of a table whose rows keep their readers

  // Null when `needs` cannot prefilter (an empty alternative or group, an empty literal), or
  // Hyperscan cannot build the database: lines are then parsed, which is only slower. `readers`
  // has the bits of each alternative; `always`, those of the readers that need nothing known.
  // With `markers`, a line holding `"Type"` or `"category"` (which may name its table) is held
  // too, for every reader: found in the same scan, for a search of its own would cost as much.
  // The needs are kept, for Without.
  static std::unique_ptr<Prefilter> Build(const LineNeeds& needs, std::vector<uint64_t> readers, uint64_t always,
                                          bool markers) {
    auto p = std::make_unique<Prefilter>();
    std::vector<LiteralMatcher::Literal> literals;  // each distinct literal once
    const auto id_of = [&](const std::string& text) {
      size_t id = 0;
      while (id < literals.size() && literals[id].text != text) ++id;
      if (id == literals.size()) literals.push_back({text, LiteralMatcher::Mode::Substring, false});
      return static_cast<uint32_t>(id);
    };
    for (const LiteralAlternative& alternative : needs) {
      if (alternative.empty()) return nullptr;
      auto& groups = p->alternatives.emplace_back();
      for (const LiteralGroup& group : alternative) {
        if (group.empty() || std::any_of(group.begin(), group.end(), [](const std::string& s) { return s.empty(); })) {
          return nullptr;
        }
        auto& ids = groups.emplace_back();
        for (const std::string& text : group) ids.push_back(id_of(text));
      }
      p->any &= groups.size() == 1;
    }
    if (literals.empty()) return nullptr;
    p->needs = needs;
    p->readers = std::move(readers);
    p->always = always;
    p->all = always;
    for (const uint64_t r : p->readers) p->all |= r;
    p->uniform = std::all_of(p->readers.begin(), p->readers.end(), [&](uint64_t r) { return r == p->all; });
    p->literal_readers.assign(literals.size(), 0);
    p->keyed.resize(literals.size());
    for (size_t a = 0; a < p->alternatives.size(); ++a) {
      for (const uint32_t id : p->alternatives[a].front()) {
        p->literal_readers[id] |= p->readers[a];
        p->keyed[id].push_back(static_cast<uint32_t>(a));
      }
    }
    if (markers) {
      p->markers = static_cast<uint32_t>(literals.size());
      p->any = false;
      literals.push_back({"\"type\"", LiteralMatcher::Mode::Substring, false});
      literals.push_back({"\"category\"", LiteralMatcher::Mode::Substring, false});
    }
    if (literals.size() <= NeedleScan::kMaxNeedles) {
      std::vector<std::string> texts;
      for (const LiteralMatcher::Literal& l : literals) texts.push_back(l.text);
      p->scan = std::make_unique<NeedleScan>(std::move(texts));
    }
    std::string error;
    p->matcher = LiteralMatcher::Create(std::move(literals), error);
    return p->matcher ? std::move(p) : nullptr;
  }

  // Whether some line holds what no reader needs: else judging lines can only narrow them.
  bool skips() const { return always == 0; }

  // This judge without the groups holding a `common` literal (by id) in the alternatives with
  // other groups, as if every line held them: a reader's needs only widen, so it is found for
  // more lines, never fewer, and the lines no reader needs are still skipped. Null when no
  // group is dropped or the judge cannot be built.
  std::unique_ptr<Prefilter> Without(const std::vector<bool>& common) const {
    LineNeeds kept = needs;
    bool dropped = false;
    for (size_t a = 0; a < alternatives.size(); ++a) {
      LiteralAlternative alternative;
      for (size_t g = 0; g < alternatives[a].size(); ++g) {
        const std::vector<uint32_t>& ids = alternatives[a][g];
        if (std::none_of(ids.begin(), ids.end(), [&](uint32_t id) { return common[id]; })) {
          alternative.push_back(needs[a][g]);
        }
      }
      if (alternative.empty() || alternative.size() == needs[a].size()) continue;
      kept[a] = std::move(alternative);
      dropped = true;
    }
    if (!dropped) return nullptr;
    auto p = Build(kept, readers, always, markers != UINT32_MAX);
    if (p) p->narrows = narrows;
    return p;
  }

  // The readers whose needs `text` meets (every reader when it holds a table marker); `bits`
  // is scratch space.
  uint64_t Readers(std::string_view text, std::vector<uint64_t>& bits) const {
    if (any && uniform) return matcher->MatchesAny(text) ? all : always;
    matcher->Match(text, bits);
    return Readers(bits);
  }

  // The readers whose needs the literals of `bits` meet (bit id set: literal id occurs).
  uint64_t Readers(const std::vector<uint64_t>& bits) const {
    const auto hit = [&](uint32_t id) { return (bits[id / 64] >> (id % 64)) & 1; };
    if (markers != UINT32_MAX && (hit(markers) || hit(markers + 1))) return kEveryReader;
    uint64_t met = always;
    for (size_t w = 0; w < bits.size() && met != all; ++w) {
      for (uint64_t word = bits[w]; word; word &= word - 1) {
        const size_t id = w * 64 + static_cast<size_t>(std::countr_zero(word));
        if (id >= keyed.size()) break;  // the markers
        for (const uint32_t a : keyed[id]) {
          if ((readers[a] & ~met) &&
              std::all_of(alternatives[a].begin() + 1, alternatives[a].end(), [&](const std::vector<uint32_t>& group) {
                return std::any_of(group.begin(), group.end(), hit);
              })) {
            met |= readers[a];
          }
        }
      }
    }
    return met;
  }

  // Readers(bits) of the occurrences [from, to) of literals in a line.
  uint64_t Readers(const LiteralMatcher::Occurrence* from, const LiteralMatcher::Occurrence* to,
                   std::vector<uint64_t>& bits) const {
    if (from == to) return always;
    if (any) {
      uint64_t met = always;
      for (; from != to; ++from) met |= literal_readers[from->id];
      return met;
    }
    bits.assign((matcher->size() + 63) / 64, 0);
    for (; from != to; ++from) bits[from->id / 64] |= uint64_t{1} << (from->id % 64);
    return Readers(bits);
  }
};

// Whether a JSON line (its CR, if any, ignored) is shaped like one object: a cut line is not, and
// is parsed to be reported.
bool Shaped(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line.size() >= 2 && line.front() == '{' && line.back() == '}';
}

// Whether every escape in `text` is one FindEscapes lets through: one byte each, none of
// which a prefilter literal holds, so a literal in the unescaped text is in the raw text too.
bool PlainEscapes(std::string_view text) {
  for (size_t b = 0; b < text.size(); b += 2) {
    const void* at = std::memchr(text.data() + b, '\\', text.size() - b);
    if (!at) return true;
    b = static_cast<size_t>(static_cast<const char*>(at) - text.data());
    if (b + 1 == text.size() || !kPlainEscapes[static_cast<unsigned char>(text[b + 1])]) return false;
  }
  return true;
}

// Whether `text`, which lies in a window followed by at least 8 readable bytes, is an unsigned
// JSON integer of 1 to 8 digits (most numbers in events): its bytes checked at once in one word,
// no loop.
[[gnu::always_inline]] inline bool ShortDigits(std::string_view text) {
  if constexpr (std::endian::native != std::endian::little) return false;
  if (text.empty() || text.size() > 8 || (text[0] == '0' && text.size() > 1)) return false;
  uint64_t word;
  std::memcpy(&word, text.data(), sizeof word);
  // A byte is a digit when its xor with '0' is at most 9: then adding 0x76 sets no top bit. A
  // byte that carries into the next one has its own top bit set, so is not taken for a digit.
  const uint64_t x = word ^ 0x3030303030303030;
  const uint64_t bad = (x | (x + 0x7676767676767676)) & 0x8080808080808080;
  const uint64_t ours = text.size() == 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * text.size())) - 1;
  return (bad & ours) == 0;
}

// The offset of the first `,`, `}`, `]` or newline at or after data[from], which lies in a window
// of lines followed by at least 16 readable bytes: the end of a number or literal in a line (its
// newline stops the search), 16 bytes at a time.
[[gnu::always_inline]] inline uint32_t ScalarEnd(const char* data, uint32_t from) {
#if defined(__SSE2__)
  for (uint32_t at = from;; at += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + at));
    const __m128i closes = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('}')), _mm_cmpeq_epi8(v, _mm_set1_epi8(']')));
    const __m128i ends = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(',')), closes),
                                      _mm_cmpeq_epi8(v, _mm_set1_epi8('\n')));
    if (const auto mask = static_cast<uint32_t>(_mm_movemask_epi8(ends))) {
      return at + static_cast<uint32_t>(std::countr_zero(mask));
    }
  }
#else
  uint32_t at = from;
  while (data[at] != ',' && data[at] != '}' && data[at] != ']' && data[at] != '\n') ++at;
  return at;
#endif
}

// Whether `text`, the text of a token (Tokens::Scalar), is a valid string, number or literal.
// Stage 1 has checked the UTF-8, control characters and bounds of strings, and the window its
// escapes. Inline: its callers know the first byte, so most of the switch folds away.
[[gnu::always_inline]] inline bool ValidScalar(std::string_view text) {
  switch (text.front()) {
    case '"': return text.size() >= 2 && text.back() == '"';
    case 't': return text == "true";
    case 'f': return text == "false";
    case 'n': return text == "null";
    default: return ShortDigits(text) || IsJsonNumber(text);
  }
}

// Moves `i` past the value starting at token i, checking it, within the line that ends at offset
// `line_end`; false at anything not sure to be valid there. Containers nest kScanMaxDepth deep
// at most, their kinds kept as bits (1: object), so nothing recurses.
bool SkipValue(const Tokens& tokens, uint32_t& i, uint32_t line_end) {
  uint64_t objects = 0;
  int depth = 0;
  while (true) {
    // A value starts at token i.
    if (tokens.at[i] >= line_end) return false;
    const char c = tokens.Byte(i);
    if (c == '{' || c == '[') {
      if (depth == kScanMaxDepth) return false;
      objects = (objects << 1) | (c == '{');
      ++depth;
      ++i;
      if (tokens.at[i] >= line_end) return false;
      if (tokens.Byte(i) == (c == '{' ? '}' : ']')) {
        ++i;
        objects >>= 1;
        --depth;
      } else if (c == '{') {
        // A key and its colon, then the value.
        if (tokens.Byte(i) != '"') return false;
        if (tokens.at[++i] >= line_end || tokens.Byte(i) != ':') return false;
        ++i;
        continue;
      } else {
        continue;
      }
    } else {
      // A string token is a whole string: stage 1 would have failed on any other.
      if (c != '"' && (c == '}' || c == ']' || c == ',' || c == ':' || !ValidScalar(tokens.Scalar(i)))) {
        return false;
      }
      ++i;
    }
    // After a value: the end, a comma and the next member, or the close of its container.
    while (true) {
      if (depth == 0) return true;
      if (tokens.at[i] >= line_end) return false;
      const char after = tokens.Byte(i);
      const bool object = objects & 1;
      if (after == (object ? '}' : ']')) {
        ++i;
        objects >>= 1;
        --depth;
        continue;
      }
      if (after != ',') return false;
      ++i;
      if (object) {
        if (tokens.at[i] >= line_end || tokens.Byte(i) != '"') return false;
        if (tokens.at[++i] >= line_end || tokens.Byte(i) != ':') return false;
        ++i;
      }
      break;
    }
  }
}

// SkipValue for the array or object at data[p] of a line walked raw (RawLine), which ends at
// offset `line_end`, from its bytes and `quotes`, the offsets of the window's quotes that are not
// escaped, of which quotes[quote] is the first at or after p: a string opens at the next quote
// of the list and closes at the one after it. Returns the offset past the value, moving `quote`
// past its strings; 0 at anything SkipValue would refuse, and at a space between tokens.
uint32_t RawSkip(const char* data, uint32_t p, uint32_t line_end, const uint32_t* quotes, size_t& quote) {
  uint64_t objects = 0;
  int depth = 0;
  size_t q = quote;
  // A string at p, which must be the next quote: p moved past it.
  const auto quoted = [&] {
    if (quotes[q] != p || quotes[q + 1] >= line_end) return false;
    p = quotes[q + 1] + 1;
    q += 2;
    return true;
  };
  // After the `{` or `,` of an object: a key and its colon.
  const auto key = [&] {
    if (!quoted() || data[p] != ':') return false;
    ++p;
    return true;
  };
  while (true) {
    // A value starts at p (the newline at line_end ends every search).
    const char c = data[p];
    if (c == '{' || c == '[') {
      if (depth == kScanMaxDepth) return 0;
      objects = (objects << 1) | (c == '{');
      ++depth;
      ++p;
      if (data[p] == (c == '{' ? '}' : ']')) {
        ++p;
        objects >>= 1;
        --depth;
      } else if (c == '[' || key()) {
        continue;
      } else {
        return 0;
      }
    } else if (c == '"') {
      if (!quoted()) return 0;
    } else {
      const uint32_t end = ScalarEnd(data, p);
      if (end == p || end >= line_end || !ValidScalar(std::string_view(data + p, end - p))) return 0;
      p = end;
    }
    // After a value: the end, a comma and the next member, or the close of its container.
    while (true) {
      if (depth == 0) {
        quote = q;
        return p;
      }
      if (p >= line_end) return 0;
      const char after = data[p];
      const bool object = objects & 1;
      if (after == (object ? '}' : ']')) {
        ++p;
        objects >>= 1;
        --depth;
        continue;
      }
      if (after != ',') return 0;
      ++p;
      if (object && !key()) return 0;
      break;
    }
  }
}

// Checks every part of a value that simdjson would otherwise skip unchecked, consuming it.
error_code Validate(od::value& value, int max_depth, int depth = 0) {
  if (depth > max_depth) return simdjson::DEPTH_ERROR;
  od::json_type type;
  if (auto err = value.type().get(type)) return err;
  switch (type) {
    case od::json_type::object: {
      od::object object;
      if (auto err = value.get_object().get(object)) return err;
      for (auto field : object) {
        od::raw_json_string key;
        od::value child;
        if (auto err = field.key().get(key)) return err;
        if (auto err = field.value().get(child)) return err;
        // Between the key's text and its value lie only its closing quote, `:` and spaces.
        const char* value_at = child.raw_json_token().data();
        if (std::memchr(key.raw(), '\\', static_cast<size_t>(value_at - key.raw()))) {
          std::string_view unescaped;  // unescaping is what checks the key's escapes
          if (auto err = field.unescaped_key().get(unescaped)) return err;
        }
        if (auto err = Validate(child, max_depth, depth + 1)) return err;
      }
      return simdjson::SUCCESS;
    }
    case od::json_type::array: {
      od::array array;
      if (auto err = value.get_array().get(array)) return err;
      for (auto element : array) {
        od::value child;
        if (auto err = element.get(child)) return err;
        if (auto err = Validate(child, max_depth, depth + 1)) return err;
      }
      return simdjson::SUCCESS;
    }
    case od::json_type::string: {
      // Stage 1 has checked the UTF-8 and the control characters; only escapes remain, and
      // most strings have none, so most need not be unescaped.
      if (!HasEscape(value.raw_json_token())) {
        od::raw_json_string raw;
        return value.get_raw_json_string().get(raw);
      }
      std::string_view text;
      return value.get_string().get(text);
    }
    case od::json_type::number:
      return IsJsonNumber(Trim(value.raw_json_token())) ? simdjson::SUCCESS
                                                        : simdjson::NUMBER_ERROR;
    case od::json_type::boolean: {
      const std::string_view token = Trim(value.raw_json_token());
      return token == "true" || token == "false" ? simdjson::SUCCESS : simdjson::T_ATOM_ERROR;
    }
    case od::json_type::null:
      return Trim(value.raw_json_token()) == "null" ? simdjson::SUCCESS : simdjson::N_ATOM_ERROR;
  }
  return simdjson::TAPE_ERROR;
}

// One requested column's value in the record being parsed, appended only once it is valid.
struct Slot {
  enum class State : uint8_t { Null, Value, WrongType } state = State::Null;
  int64_t i = 0;  // bool, int, long, datetime, timespan
  double d = 0;   // real, decimal
  // String-like and dynamic values; for WrongType, the offending text, for the message.
  std::string_view s;
};

// Stages `text`, a whole array or object, as a value of `type`: the text itself where a string or
// dynamic value is wanted, else a value of the wrong type.
void StageContainer(Type type, std::string_view text, Slot& slot) {
  if (type != Type::String && type != Type::Guid && type != Type::Dynamic) {
    slot.state = Slot::State::WrongType;
    slot.s = text.front() == '{' ? "an object" : "an array";
  } else {
    slot.state = Slot::State::Value;
    slot.s = text;
  }
}

// Stages `token` when it is an integer column's usual value, an integer PlainInt reads: checked
// and converted in one pass (ConvertText would read it again after ValidScalar); a timespan takes
// a bare number as ticks. False for anything else, which the caller stages.
[[gnu::always_inline]] inline bool StagePlainInt(Type type, std::string_view token, Slot& slot) {
  int64_t plain;
  if ((type == Type::Long || type == Type::TimeSpan || type == Type::Int) && PlainInt(token, plain) &&
      (type != Type::Int || (plain >= INT32_MIN && plain <= INT32_MAX))) {
    slot.state = Slot::State::Value;
    slot.i = plain;
    return true;
  }
  return false;
}

// One table being read: its batch and the staged values of the record being parsed.
struct TableState {
  std::string name;
  // The name quoted, as a plain JSON string (a `Type` value naming the table, see
  // MemberLayout::table_member); empty when the name is no plain string (no line is then read by
  // a layout with a `Type`).
  std::string quoted_name;
  Batch batch;
  std::vector<Slot> slots;
  // By a key's first byte and length (KeyHash), the columns among the first 64 whose names
  // have the same hash, so that most keys are compared with one name or none: records have
  // many keys sharing a first byte (InitiatingProcess...).
  std::array<uint64_t, 256> by_hash{};
  // The keys of the last line the line scanner read whole as a plain record of this table, and
  // how many plain records in a row it has not read by them since.
  MemberLayout layout;
  uint64_t layout_misses = 0;
  // Per column, the readers reading it (set_readers): the line scanner stages it for a row only
  // when one of them wants the row. `lazy`: the batch keeps each row's readers (Batch::readers),
  // and a column none of a row's readers reads is null there.
  std::vector<uint64_t> column_readers;
  bool lazy = false;
  // Per column, its readers when read (column_readers is that, but 0 for the late columns while
  // `deferring`).
  std::vector<uint64_t> readers_of;
  // Whether the batch being filled leaves its late columns unread; then per row, its record.
  bool deferring = false;
  struct LateRow {
    const char* data;
    size_t size;
    size_t allocated;
    uint64_t line;
    bool walked;  // RawLine read it
  };
  std::vector<LateRow> late_rows;
  // The late columns' values of the rows a consumer asked for (late_read), and per column its
  // column there, or -1 when it is not late (TableColumns::late).
  Batch late_values;
  std::vector<uint32_t> late_read;
  std::vector<int32_t> late_index;
  // Per column, every reader when it is late, else none: column_readers while ReadLate reads
  // rows again, so that only their late columns are staged.
  std::vector<uint64_t> late_readers;
  bool Late(size_t c) const { return c < late_index.size() && late_index[c] >= 0; }
  bool has_late() const { return !late_values.columns.empty(); }
  // Rows of the range in deferring batches, and how many of them were read late: once more
  // than a quarter after kLateTrial rows, the range's late columns are read with the others.
  uint64_t late_seen = 0, late_asked = 0;
  bool late_off = false;

  // The rows of the batch being filled (AppendRow counts them in Batch::row_count: its columns
  // may be short of the last rows until Flush).
  size_t rows() const { return batch.row_count; }

  static uint8_t KeyHash(std::string_view key) {
    return static_cast<uint8_t>(static_cast<unsigned char>(key[0]) * 8 + key.size());
  }
  // No name holds a byte that only an escape can write in a key other than \u (which the line
  // scanner leaves to ParseJson), so the scanner may compare keys without unescaping them.
  bool plain_names = true;

  void AddColumn(size_t c) {
    const std::string& name = batch.specs[c].name;
    for (const char ch : name) {
      if (ch == '"' || ch == '\\' || ch == '/' || static_cast<unsigned char>(ch) < 0x20) plain_names = false;
    }
    if (c < 64 && !name.empty()) {
      by_hash[KeyHash(name)] |= uint64_t{1} << c;
    }
  }

  // The column named by an (unescaped) key, or slots.size().
  size_t Find(std::string_view key) const {
    if (key.empty()) return slots.size();
    for (uint64_t m = by_hash[KeyHash(key)]; m; m &= m - 1) {
      const size_t c = static_cast<size_t>(std::countr_zero(m));
      const std::string& name = batch.specs[c].name;
      if (name.size() == key.size() && SameBytes(name.data(), key.data(), key.size())) return c;
    }
    for (size_t c = 64; c < slots.size(); ++c) {
      if (batch.specs[c].name == key) return c;
    }
    return slots.size();
  }
};

// Drops what ends a record's bytes but is not data: a CR before its newline, and on the file's
// first line a UTF-8 byte order mark (Windows tools often start files with one).
void TrimRecord(const char*& data, size_t& size, size_t& allocated, bool first) {
  if (first && std::string_view(data, size).starts_with("\xEF\xBB\xBF")) {
    data += 3;
    size -= 3;
    allocated -= 3;
  }
  if (size > 0 && data[size - 1] == '\r') --size;
}

// Why a record was skipped, or Ok.
struct Problem {
  InputIssueKind kind = InputIssueKind::Malformed;
  std::string_view message;  // empty: no problem
  bool ok() const { return message.empty(); }
};
constexpr Problem kOk{InputIssueKind::Malformed, {}};

Problem FromSimdjson(error_code err) {
  const InputIssueKind kind = err == simdjson::UTF8_ERROR    ? InputIssueKind::InvalidUtf8
                              : err == simdjson::DEPTH_ERROR ? InputIssueKind::TooDeep
                                                             : InputIssueKind::Malformed;
  return {kind, simdjson::error_message(err)};
}

InputIssueKind FromSourceError(SourceError e) {
  switch (e) {
    case SourceError::Truncated: return InputIssueKind::Truncated;
    case SourceError::Corrupt: return InputIssueKind::Corrupt;
    case SourceError::TooExpanded: return InputIssueKind::TooExpanded;
    default: return InputIssueKind::Unreadable;
  }
}

enum class Format : uint8_t { Unknown, Json, Csv };

// Sets `masks` to the bits of the bytes of `text` equal to `byte`, 64 to a word. Reads up to 63
// bytes past the text: the reader's buffer is padded.
void MatchBytes(std::string_view text, char byte, std::vector<uint64_t>& masks) {
  masks.assign((text.size() + 63) / 64, 0);
  for (size_t w = 0; w < masks.size(); ++w) {
    const char* block = text.data() + w * 64;
    uint64_t mask = 0;
#if defined(__SSE2__)
    const __m128i match = _mm_set1_epi8(byte);
    for (int part = 0; part < 4; ++part) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + part * 16));
      mask |= static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, match))))
              << (part * 16);
    }
#else
    for (int i = 0; i < 64; ++i) mask |= static_cast<uint64_t>(block[i] == byte) << i;
#endif
    masks[w] = mask;
  }
  if (text.size() % 64) masks.back() &= (uint64_t{1} << (text.size() % 64)) - 1;
}

// The first bit at or after `from` in `masks`, or `size` (the length of the text they cover).
size_t NextBit(const std::vector<uint64_t>& masks, size_t from, size_t size) {
  size_t w = from / 64;
  if (w >= masks.size()) return size;
  uint64_t bits = masks[w] & (~uint64_t{0} << (from % 64));
  while (!bits) {
    if (++w == masks.size()) return size;
    bits = masks[w];
  }
  return w * 64 + static_cast<size_t>(std::countr_zero(bits));
}

// The quotes in [begin, end), whose count tells whether a CSV newline is inside a quoted field.
// Exports quote many fields, so they are counted 16 bytes at a time.
uint64_t CountQuotes(const char* begin, const char* end) {
  uint64_t n = 0;
#if defined(__SSE2__)
  // Each byte of `counts` counts its lane's quotes (a match is -1), for at most 255 blocks;
  // then the bytes are summed. (x86-64 without flags has no popcount instruction.)
  const __m128i quote = _mm_set1_epi8('"'), zero = _mm_setzero_si128();
  while (end - begin >= 16) {
    __m128i counts = zero;
    for (int k = 0; k < 255 && end - begin >= 16; ++k, begin += 16) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(begin));
      counts = _mm_sub_epi8(counts, _mm_cmpeq_epi8(x, quote));
    }
    const __m128i sums = _mm_sad_epu8(counts, zero);
    n += static_cast<uint64_t>(_mm_cvtsi128_si64(sums) + _mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums)));
  }
#endif
  for (; begin < end; ++begin) n += *begin == '"';
  return n;
}

}  // namespace

std::string_view InputIssueName(InputIssueKind kind) {
  switch (kind) {
    case InputIssueKind::Unreadable: return "unreadable inputs";
    case InputIssueKind::Malformed: return "malformed records";
    case InputIssueKind::InvalidUtf8: return "records with invalid UTF-8";
    case InputIssueKind::FieldCount: return "CSV records with the wrong number of fields";
    case InputIssueKind::TooLong: return "records over the size limit";
    case InputIssueKind::TooDeep: return "records nested too deep";
    case InputIssueKind::Truncated: return "truncated compressed streams";
    case InputIssueKind::Corrupt: return "corrupt compressed streams";
    case InputIssueKind::TooExpanded: return "compressed streams over the expansion limit";
    case InputIssueKind::NoTable: return "records of no known table";
    case InputIssueKind::WrongType: return "values of the wrong type";
  }
  return "?";
}

void ReadStats::Add(const ReadStats& o) {
  records += o.records;
  other_records += o.other_records;
  bytes += o.bytes;
  lines += o.lines;
  lines_skipped += o.lines_skipped;
  lines_prefiltered += o.lines_prefiltered;
  lines_walked += o.lines_walked;
  late_walked += o.late_walked;
  values_wrong_type += o.values_wrong_type;
  for (size_t k = 0; k < kInputIssueKinds; ++k) {
    skipped[k] += o.skipped[k];
    issues[k] += o.issues[k];
  }
}

struct EventReader::Impl {
  Impl(std::vector<TableColumns> requested, ReadLimits l, size_t rows)
      : batch_rows(std::max<size_t>(rows, 1)), limits(l) {
    limits.max_depth = std::clamp(limits.max_depth, 1, kHardMaxDepth);
    limits.max_record_bytes = std::max<size_t>(limits.max_record_bytes, 1);
    // Not deeper than the exact path allows, so that whatever the fast path accepts, the exact
    // one would too; a line at the edge is left to the exact path.
    fast = !dom_parser.allocate(size_t{1} << 16, static_cast<size_t>(limits.max_depth));
    late_source.impl = this;
    for (auto& r : requested) {
      TableState& t = tables.emplace_back();
      t.name = std::move(r.table);
      if (std::none_of(t.name.begin(), t.name.end(),
                       [](char c) { return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20; })) {
        t.quoted_name = "\"" + t.name + "\"";
      }
      t.slots.resize(r.columns.size());
      t.column_readers.assign(r.columns.size(), kEveryReader);
      t.readers_of = t.column_readers;
      t.late_index.assign(r.columns.size(), -1);
      std::vector<ColumnSpec> late_specs;
      for (size_t c = 1; c < r.columns.size() && c < r.late.size(); ++c) {
        if (!r.late[c]) continue;
        t.late_index[c] = static_cast<int32_t>(late_specs.size());
        late_specs.push_back(r.columns[c]);
      }
      t.late_values = Batch(std::move(late_specs));
      t.late_readers.assign(r.columns.size(), 0);
      for (size_t c = 0; c < r.columns.size(); ++c) {
        if (t.Late(c)) t.late_readers[c] = kEveryReader;
      }
      t.batch = Batch(std::move(r.columns));
      for (size_t c = 0; c < t.slots.size(); ++c) {
        t.AddColumn(c);
        Column& column = t.batch.columns[c];
        column.Reserve(batch_rows);
        if (c < r.dictionary.size() && r.dictionary[c]) column.EnableDictionary();
      }
    }
  }

  bool Read(const InputRange& input);
  bool Fill();
  void Record(const char* data, size_t size, size_t allocated, uint64_t newlines);
  void SkipRecord(InputIssueKind kind, std::string_view message);
  bool Unwanted(std::string_view line);
  const Prefilter* Judge() const;
  bool Skip(const Prefilter* judge, std::string_view text);
  uint64_t Judged(const Prefilter& judge, uint64_t readers);
  void FindLiterals(const Prefilter& judge, const char* data, size_t size);
  uint64_t LineReaders(const Prefilter& judge, uint32_t line_end, size_t& next_hit);
  void CountLiterals(const Prefilter& judge, size_t first, size_t end);
  const Prefilter* WindowJudge();

  // JSON
  enum class Scanned : uint8_t { Staged, Leave };
  // The table markers of a record, as ParseJson reads them (see ScanObject).
  struct Markers {
    bool has_type = false, has_category = false;
    uint32_t properties = 0;  // the token of an object under `properties`, or 0
    bool learn = false;  // the record's keys are learnt as its table's layout (ScanLine)
  };
  size_t ScanLines(const char* data, size_t size, size_t allocated, uint64_t at, uint64_t range_end);
  enum class Window : uint8_t { Whole, Part, Unstructured };
  Window ScanWindow(const char* data, size_t size, size_t allocated, uint64_t at,
                    uint64_t range_end, size_t& used);
  size_t SkimWindow(const char* data, size_t size, size_t allocated);
  bool Structure(const char* data, size_t size);
  void StageLine(const Tokens& tokens, uint32_t& i, uint32_t from, uint32_t line_end, bool odd,
                 size_t staged, size_t allocated);
  void StageAlone(const char* data, size_t length, size_t allocated, bool odd, size_t staged);
  void Accept(size_t table);
  size_t Staged() const;
  bool ByLayout(size_t staged) const;
#if defined(__x86_64__) && defined(__GNUC__)
  // Only where the window's quotes are listed (AVX-512 VBMI2), so with AVX-512 (KeyDiffersAvx512).
  [[gnu::target("avx512bw")]]
#endif
  bool RawLine(const char* data, uint32_t from, uint32_t line_end, const uint32_t* quotes, size_t& quote,
               TableState& t);
  bool WalkLate(const TableState::LateRow& row, TableState& t);
  Scanned ScanLine(const Tokens& tokens, uint32_t& i, uint32_t line_end, size_t staged,
                   size_t& table);
  bool ScanObject(const Tokens& tokens, uint32_t& i, uint32_t line_end, TableState& t,
                  Markers* markers);
  bool ScanLayout(const Tokens& tokens, uint32_t& i, uint32_t line_end, TableState& t);
  bool ScanStage(const Tokens& tokens, uint32_t& i, uint32_t line_end, Type type, Slot& slot);
  Problem ParseJson(const char* data, size_t size, size_t allocated, size_t& table);
  bool ParseJsonFast(const char* data, size_t size, size_t& table);
  bool StageFast(simdjson::dom::object object, TableState& t);
  bool StageFastValue(simdjson::dom::element value, Type type, Slot& slot);
  error_code StageObject(od::object object, TableState& t);
  error_code StageValue(od::value& value, Type type, Slot& slot);
  bool ConvertJsonScalar(Type type, od::json_type json, std::string_view token,
                         std::string_view text, Slot& slot);
  bool IsJsonText(std::string_view text, bool containers_only);

  // CSV
  Problem SplitCsv(std::string_view record);
  void ReadCsvHeader(std::string_view record);
  Problem ParseCsv(std::string_view record, size_t& table);

  bool ConvertText(Type type, std::string_view text, Slot& slot);
  size_t FindTable(std::string_view name) const;
  size_t PlainTable() const;
  void ResetSlots(TableState& t);
  void AppendRow(size_t table);
  void AppendSlot(TableState& t, size_t c, Column& column);
  void Flush(size_t table);
  void StartBatch(TableState& t);
  void ReadLate(size_t table, const uint32_t* rows, size_t n);

  // Batch::late of the deferring batch being handed on.
  struct LateSource final : LateColumns {
    Impl* impl = nullptr;
    size_t table = 0;
    bool Late(size_t column) const override {
      return impl->tables[table].Late(column);
    }
    void Read(const uint32_t* rows, size_t n) override { impl->ReadLate(table, rows, n); }
    void Copy(size_t column, const uint32_t* rows, size_t n, Column& into) const override;
  };
  LateSource late_source;
  void Report(InputIssueKind kind, std::string message, uint64_t at_line);

  size_t batch_rows;
  ReadLimits limits;
  size_t chunk_bytes = kDefaultChunkBytes;  // read into the buffer at a time
  size_t map_bytes = kMapWindowBytes;        // mapped at a time
  const std::atomic<bool>* stop = nullptr;
  // See set_prefilter: per table, and for every table when each has one (else null).
  std::vector<std::unique_ptr<Prefilter>> table_prefilters;
  std::unique_ptr<Prefilter> prefilter;
  bool prefiltering = false;
  bool skim = true;  // see set_skim
  bool members = true;  // see set_members
  bool raw = true;      // see set_raw
  // Lines judged and lines not wanted by every reader (skipped, or read for some readers only),
  // for giving up on needs that spare too few to pay for the scan.
  uint64_t judged = 0, narrowed = 0;
  std::vector<uint64_t> prefilter_bits;
  // The readers of the line being staged (Batch::readers): what a window's judge found, or
  // every reader on the paths blind to needs (Record).
  uint64_t row_readers = kEveryReader;
  // A judge that narrows rows to their readers counts the lines of the first kCommonTrial of a
  // range holding each of its literals (by id, with the last line counted); the literals most
  // hold are then dropped from its needs (Prefilter::Without) for the rest of the range: they
  // narrow few lines, yet searching them and their hits in most lines costs more than the rest.
  bool counting = false;
  uint64_t counted = 0;
  std::vector<uint32_t> literal_lines;
  std::vector<uint64_t> literal_seen;
  std::vector<bool> common;   // the literals to drop at the next window, when not empty
  const Prefilter* range_judge = nullptr;  // the judge without them, for the rest of the range
  // The judges made without common literals, by the judge and literals dropped (kept for the
  // next ranges, which mostly drop the same).
  std::vector<std::tuple<const Prefilter*, std::vector<bool>, std::unique_ptr<Prefilter>>> common_judges;
  std::vector<TableState> tables;
  std::vector<char> buffer;  // input data, then SIMDJSON_PADDING bytes
  simdjson::dom::parser dom_parser;  // the fast path
  bool fast = false;                  // the fast parser has its depth limit
  od::parser parser;                  // the exact path, for lines the fast one leaves
  // The scanner's stage 1, and its capacity in bytes (0: none).
  std::unique_ptr<simdjson::internal::dom_parser_implementation> structure;
  size_t structure_capacity = 0;
  std::vector<uint32_t> odd_escapes;  // in the window being scanned, see ScanWindow
  std::vector<uint32_t> window_newlines;  // of the window being scanned or skimmed
  std::vector<uint32_t> window_controls;  // of the window being scanned, see FindEscapes
  std::vector<uint32_t> window_quotes;    // of the window being scanned, see FindEscapes
  std::vector<BlockMasks> window_masks;   // of the window being scanned or skimmed, see FindLines
  // FindEscapes' findings in a line WalkLate walks again.
  struct {
    std::vector<uint32_t> odd, newlines, controls, quotes;
    std::vector<BlockMasks> masks;
    std::vector<NeedleScan::Hit> hits;
  } late_bytes;
  std::vector<LiteralMatcher::Occurrence> occurrences;  // of the window being skimmed
  // Unescaped strings of the line being scanned: scanned_used bytes of scanned_text, which only
  // grows (never while a line is scanned: views into it must not move).
  std::vector<char> scanned_text;
  size_t scanned_used = 0;
  od::parser inner_parser;  // checks JSON text found inside a string, for Dynamic columns
  std::string inner_text;   // a padded copy of that text
  std::string category, type_name;  // copied: a rewind reuses simdjson's string buffer
  std::vector<std::string_view> fields;  // the fields of the CSV record being read
  std::string unquoted;                  // the text of quoted CSV fields, reserved per record
  std::vector<uint64_t> commas, quotes;  // of the CSV record being split, see MatchBytes
  std::string dynamic_text;              // CSV text of a dynamic column that is not JSON
  std::vector<size_t> csv_column;        // for each header field, its column or kNoTable
  std::string fieldcount_message;
  DayMemo day_memo;  // of the datetimes converted, see ParseDateTime

  // The input being read.
  const InputRange* input = nullptr;
  std::unique_ptr<ByteSource> source;
  Format format = Format::Unknown;
  size_t default_table = kNoTable;
  size_t guess = kNoTable;  // the table of the previous JSON record
  uint64_t slow_until = 0;  // input offset before which lines are read one at a time
  bool default_named = false;  // the input names a table, requested or not
  bool no_table_reported = false;
  uint64_t line = 0;         // lines before the current record
  uint64_t record_line = 0;  // the first line of the current record
  // The current record's bytes (with its CR, without its newline) and the bytes readable from
  // them, kept per row of a deferring batch (TableState::late_rows).
  const char* record_data = nullptr;
  size_t record_size = 0, record_allocated = 0;
  bool record_walked = false;  // the current record was read by RawLine
  bool mapped_input = false;  // the input is mapped: its windows stay until the area changes
  const std::function<void(size_t, const Batch&)>* on_batch = nullptr;
  const std::function<void(const InputIssue&)>* on_issue = nullptr;
  ReadStats* stats = nullptr;
};

// The table of a record that does not name its own.
size_t EventReader::Impl::PlainTable() const {
  if (default_table != kNoTable) return default_table;
  return default_named ? kOtherTable : kNoTable;
}

size_t EventReader::Impl::FindTable(std::string_view name) const {
  for (size_t i = 0; i < tables.size(); ++i) {
    if (tables[i].name == name) return i;
  }
  return kNoTable;
}

void EventReader::Impl::ResetSlots(TableState& t) {
  for (auto& slot : t.slots) slot.state = Slot::State::Null;
}

bool EventReader::Impl::Read(const InputRange& in) {
  input = &in;
  line = 0;
  format = in.begin > 0 ? Format::Json : Format::Unknown;
  default_table = FindTable(in.table);
  default_named = !in.table.empty();
  guess = default_table;
  no_table_reported = false;
  slow_until = 0;
  for (auto& t : tables) {  // a callback that threw may have left rows behind
    t.batch.Clear();
    t.batch.late = nullptr;
    t.late_rows.clear();
  }

  // A range that does not start the file starts one byte early, so that the partial line it
  // falls into (which the previous range reads) can be told from a line starting exactly there.
  const uint64_t open_at = in.begin > 0 ? in.begin - 1 : 0;
  std::string error;
  source = ByteSource::Open(in.path, open_at, limits, error);
  if (!source) {
    ++stats->issues[static_cast<size_t>(InputIssueKind::Unreadable)];
    Report(InputIssueKind::Unreadable, error, 0);
    return false;
  }
  const size_t padding = simdjson::SIMDJSON_PADDING;
  // A plain file is mapped window by window (no copy); other input is read into the buffer.
  const bool mapped = source->mappable();
  mapped_input = mapped;
  for (auto& t : tables) {
    t.late_seen = t.late_asked = 0;
    t.late_off = false;
    StartBatch(t);
  }
  if (!mapped && buffer.size() < chunk_bytes + padding) buffer.resize(chunk_bytes + padding);
  const char* base = mapped ? "" : buffer.data();  // the bytes from buffer_at
  size_t view_bytes = 0;  // of the mapped window (the data, not the page after it)
  // The bytes readable from base: the data and at least SIMDJSON_PADDING after it.
  const auto readable = [&] { return mapped ? view_bytes + padding : buffer.size(); };

  // [begin, end) holds data not yet split; [begin, scanned) has no record end. `quotes` counts
  // the quotes in [begin, scanned) of a CSV record, whose newlines inside quotes do not end it.
  size_t begin = 0, end = 0, scanned = 0;
  uint64_t quotes = 0, newlines = 0;
  uint64_t buffer_at = open_at;  // the file offset of buffer[0], for uncompressed input
  bool eof = false, skip_partial = in.begin > 0, skipping_long = false;
  const auto finish_record = [&](size_t stop) {
    const char* data = base + begin;
    size_t size = stop - begin;
    if (skip_partial) {
      skip_partial = false;
    } else if (skipping_long) {
      skipping_long = false;
      line += newlines + 1;
      ++stats->lines;
    } else {
      record_line = line + 1;
      Record(data, size, readable() - begin, newlines);
    }
    begin = scanned = stop + 1;
    quotes = newlines = 0;
  };
  while (true) {
    if (stop && stop->load(std::memory_order_relaxed)) break;
    const char* data = base;
    if (format == Format::Json && !skip_partial && !skipping_long &&
        buffer_at + begin >= slow_until && buffer_at + begin < in.end) {
      // All the complete lines from `begin` go to the scanner.
      if (const void* last = memrchr(data + begin, '\n', end - begin)) {
        const size_t size = static_cast<size_t>(static_cast<const char*>(last) + 1 - (data + begin));
        const size_t used =
            ScanLines(data + begin, size, readable() - begin, buffer_at + begin, in.end);
        // Lines the scanner left (past the range, or of a table it cannot stage) go one at a time.
        if (used < size) slow_until = buffer_at + begin + size;
        begin = scanned = begin + used;
        continue;
      }
    }
    if (const void* nl = std::memchr(data + scanned, '\n', end - scanned)) {
      const size_t at = static_cast<const char*>(nl) - data;
      if (format == Format::Csv) {
        quotes += CountQuotes(data + scanned, data + at);
        if (quotes % 2 == 1) {  // inside a quoted field: the newline is data
          ++newlines;
          scanned = at + 1;
          continue;
        }
      }
      if (buffer_at + begin >= in.end && !skip_partial) break;  // the next range's line
      finish_record(at);
      continue;
    }
    if (format == Format::Csv) {
      quotes += CountQuotes(data + scanned, data + end);
    }
    scanned = end;
    if (eof) break;
    if (buffer_at + begin >= in.end && !skip_partial) break;
    if (end - begin > limits.max_record_bytes && !skipping_long && !skip_partial) {
      // Keep counting lines and quotes, but drop the bytes until the record ends.
      record_line = line + 1;
      SkipRecord(InputIssueKind::TooLong,
                 fmt::format("record skipped: longer than the limit of {} bytes",
                             limits.max_record_bytes));
      skipping_long = true;
    }
    if (skipping_long || skip_partial) {
      buffer_at += end;
      begin = scanned = end = 0;
    }
    if (mapped) {
      // The next window starts with the unfinished record and holds map_bytes more, or twice
      // the record when it fills its window (so a long record costs few mappings).
      const size_t kept = end - begin;
      const size_t want = begin == 0 && end > 0 ? 2 * end : kept + map_bytes;
      // The rows of deferring batches point into the mapping: they go before it changes.
      if (!source->Keeps(buffer_at + begin, want)) {
        for (size_t t = 0; t < tables.size(); ++t) {
          if (tables[t].deferring && tables[t].rows() > 0) Flush(t);
        }
      }
      const std::string_view view = source->Map(buffer_at + begin, want);
      eof = view.size() <= kept;  // nothing after the record, or an error
      base = view.empty() ? "" : view.data();
      view_bytes = view.size();
      buffer_at += begin;
      scanned = std::min(scanned - begin, view.size());
      end = view.size();
      begin = 0;
      continue;
    }
    // Keep the unfinished record, moved to the front, and read after it.
    std::memmove(buffer.data(), data + begin, end - begin);
    buffer_at += begin;
    end -= begin;
    scanned -= begin;
    begin = 0;
    const size_t capacity = buffer.size() - padding;
    // A record longer than the buffer doubles it, up to the record limit.
    if (end == capacity) buffer.resize(2 * capacity + padding);
    base = buffer.data();
    const size_t n = source->Read(buffer.data() + end, buffer.size() - padding - end);
    eof = n == 0;
    end += n;
  }
  // The last record may have no newline; after a stream error it is unfinished.
  const SourceError source_error = source->error();
  if (eof && (begin < end || skipping_long) && !skip_partial && buffer_at + begin < in.end) {
    if (skipping_long) {
      line += newlines + 1;
      ++stats->lines;
    } else if (source_error != SourceError::None) {
      record_line = line + 1;
      if (!Trim(std::string_view(base + begin, end - begin)).empty()) {
        SkipRecord(FromSourceError(source_error),
                   "record skipped: the input ends in the middle of it");
      }
    } else {
      record_line = line + 1;
      Record(base + begin, end - begin, readable() - begin, newlines);
    }
  }
  if (source_error != SourceError::None) {
    const InputIssueKind kind = FromSourceError(source_error);
    ++stats->issues[static_cast<size_t>(kind)];
    Report(kind, source->message(), line);
  }
  for (size_t t = 0; t < tables.size(); ++t) {
    if (tables[t].rows() > 0) Flush(t);
  }
  // A range's share of the file; a read past its end belongs to the next range.
  const bool uncompressed = source->compression() == Compression::None;
  stats->bytes += uncompressed && in.end != UINT64_MAX ? in.end - in.begin
                                                       : source->raw_bytes() - (in.begin > 0);
  source.reset();
  return source_error == SourceError::None;
}

// One record, without its newline; `newlines` inside it (CSV only).
void EventReader::Impl::Record(const char* data, size_t size, size_t allocated,
                               uint64_t newlines) {
  line += newlines + 1;
  ++stats->lines;
  record_data = data;
  record_size = size;
  record_allocated = allocated;
  TrimRecord(data, size, allocated, record_line == 1 && input->begin == 0);
  const std::string_view text(data, size);
  if (Trim(text).empty()) return;
  if (format == Format::Unknown) {
    // A JSON-lines archive starts with an object; a CSV export with its header row.
    const char first = Trim(text).front();
    if (first != '{' && first != '[' && text.find(',') != std::string_view::npos) {
      format = Format::Csv;
      ReadCsvHeader(text);
      return;
    }
    format = Format::Json;
  }
  if (size > limits.max_record_bytes) {
    SkipRecord(InputIssueKind::TooLong, fmt::format("record skipped: longer than the limit of {} bytes",
                                                    limits.max_record_bytes));
    return;
  }
  // Read whole, for every reader: its readers are judged only in windows of lines.
  row_readers = kEveryReader;
  // A CSV record's table is not judged from its bytes (an export may have a Type column).
  const Prefilter* judge = !prefiltering ? nullptr : format == Format::Csv ? prefilter.get() : Judge();
  if (judge && judge->skips() && (format == Format::Csv || PlainEscapes(text)) &&
      simdjson::validate_utf8(text.data(), text.size()) &&
      (format == Format::Csv ? Skip(judge, text) : Unwanted(text))) {
    ++stats->lines_prefiltered;
    return;
  }
  size_t table = kNoTable;
  const Problem problem = format == Format::Json ? ParseJson(data, size, allocated, table)
                                                 : ParseCsv(text, table);
  if (!problem.ok()) {
    SkipRecord(problem.kind, fmt::format("record skipped: {}", problem.message));
    return;
  }
  if (table == kOtherTable) {
    ++stats->other_records;
    return;
  }
  if (table == kNoTable) {
    SkipRecord(InputIssueKind::NoTable,
               "record skipped: its table cannot be told (no envelope `category`, no `Type` "
               "field, no table in the file or folder name, no --table)");
    return;
  }
  AppendRow(table);
}

// Reads the lines of data[0, size), which ends with a newline, and returns how many bytes of
// whole lines it read: fewer than `size` at a line that starts at or past `range_end` (an
// offset in the input, as `at` is of data[0]), or at a record of a table the scanner cannot
// stage. Every line the scanner is not sure of goes to Record.
size_t EventReader::Impl::ScanLines(const char* data, size_t size, size_t allocated, uint64_t at,
                                    uint64_t range_end) {
  size_t pos = 0;  // the start of the first line not read
  // Windows shrink by half after one simdjson could not find the structure of (a line that is
  // not valid UTF-8, or whose string does not close), down to the one line at fault, which goes
  // to Record; they grow back after each success.
  size_t limit = kScanWindowBytes;
  while (pos < size) {
    // A window: the lines that end in the next `limit` bytes, or the one longer line.
    const size_t n = std::min(size - pos, limit);
    const void* last = memrchr(data + pos, '\n', n);
    if (!last) last = std::memchr(data + pos + n - 1, '\n', size - pos - n + 1);
    const size_t window = static_cast<size_t>(static_cast<const char*>(last) + 1 - (data + pos));
    // With a prefilter, the window is skimmed when it can be: its lines before range_end only,
    // and when a line may be skipped (else every line is indexed anyway, a window at once).
    const Prefilter* judge = WindowJudge();
    if (skim && judge && judge->skips() && at + pos + window <= range_end) {
      if (const size_t skimmed = SkimWindow(data + pos, window, allocated - pos)) {
        pos += skimmed;
        continue;
      }
    }
    size_t used = 0;
    switch (ScanWindow(data + pos, window, allocated - pos, at + pos, range_end, used)) {
      case Window::Whole:
        pos += used;
        limit = std::min(limit * 2, kScanWindowBytes);
        break;
      case Window::Part: return pos + used;
      case Window::Unstructured:
        if (used > 0) {
          // The raw walk read lines before the ones stage 1 could not index. The window shrinks
          // too: else a run of such lines (blank lines, say) would cost a whole window's escape
          // pass for every few lines.
          pos += used;
          limit = window / 2;
          break;
        }
        if (std::memchr(data + pos, '\n', window) != last) {
          limit = window / 2;
          break;
        }
        if (at + pos >= range_end) return pos;
        record_line = line + 1;
        Record(data + pos, window - 1, allocated - pos, 0);
        pos += window;
        break;
    }
  }
  return pos;
}

// ScanLines for one window; `used` says how many bytes of whole lines it read: all of them
// (Whole), fewer for the reasons ScanLines gives (Part), or, when simdjson cannot find the
// structure of the window's lines from some line on, those before it (Unstructured: invalid
// UTF-8, or a string that does not close on its line).
//
// Plain records (those a layout may read, see ByLayout) are first walked raw (RawLine), each line
// the walk is not sure of (or that has no layout to walk by yet) indexed by stage 1 alone; once
// such lines are more than a few and a quarter of those seen, the rest of the window is indexed
// at once, as a window of other records is.
EventReader::Impl::Window EventReader::Impl::ScanWindow(const char* data, size_t size,
                                                        size_t allocated, uint64_t at,
                                                        uint64_t range_end, size_t& used) {
  used = 0;
  // The literals of the whole window in one search, each line then judged by those it holds.
  const Prefilter* judge = prefiltering ? Judge() : nullptr;
  // First: see ScanEscapesAvx512. The raw walk relies on stage 1 for no check but that of UTF-8.
  const WindowBytes bytes = FindEscapes(data, size, odd_escapes, window_newlines, window_controls, window_quotes,
                                        window_masks, judge ? judge->scan.get() : nullptr, occurrences);
  const bool walk = raw && bytes.quotes && (!bytes.high || simdjson::validate_utf8(data, size));
  Tokens tokens{data, nullptr, 0};  // of data[base, size) once stage 1 has run
  size_t base = 0;
  if (!walk) {
    if (!Structure(data, size)) return Window::Unstructured;
    tokens = Tokens{data, structure->structural_indexes.get(), structure->n_structural_indexes};
  }
  if (judge && !bytes.found) FindLiterals(*judge, data, size);
  uint32_t i = 0;         // the first token of the line
  size_t next_odd = 0;    // the first odd escape not before the line
  size_t next_control = 0;
  size_t next_quote = 0;
  size_t next_line = 0;   // in window_newlines
  size_t next_hit = 0;    // in occurrences
  size_t lines = 0, misses = 0;  // walked raw or tried
  while (used < size) {
    if (stop && stop->load(std::memory_order_relaxed)) return Window::Part;
    const size_t staged = Staged();
    if (staged >= tables.size() || at + used >= range_end) return Window::Part;
    const uint32_t line_end = window_newlines[next_line++];
    const size_t length = line_end - used;
    while (odd_escapes[next_odd] < used) ++next_odd;
    record_line = line + 1;
    record_data = data + used;
    record_size = length;
    record_allocated = allocated - used;
    const bool odd = odd_escapes[next_odd] < line_end || length > limits.max_record_bytes;
    if (!tokens.at && !(ByLayout(staged) && (misses < kRawMisses || misses * 4 <= lines))) {
      // Before the line is judged: when stage 1 fails, it is read again in another window.
      if (!Structure(data + used, size - used)) return Window::Unstructured;
      base = used;
      tokens = Tokens{data + base, structure->structural_indexes.get(), structure->n_structural_indexes};
    }
    const uint64_t readers = judge ? LineReaders(*judge, line_end, next_hit) : kEveryReader;
    row_readers = kEveryReader;
    if (prefiltering && judge && !odd && Shaped(std::string_view(data + used, length))) {
      row_readers = Judged(*judge, readers);
      if (row_readers == 0) {
        // The window is valid UTF-8 (with whole strings when stage 1 has run); the rest is left
        // unchecked, as Record leaves it.
        ++line;
        ++stats->lines;
        ++stats->lines_prefiltered;
        if (tokens.at) {
          while (tokens.at[i] < line_end - base) ++i;
        }
        used = line_end + 1;
        continue;
      }
    }
    if (!tokens.at) {
      TableState& t = tables[staged];
      while (window_controls[next_control] < used) ++next_control;
      // No control character but a CRLF line's CR: one in a string is invalid, and outside the
      // layout's shape.
      const bool controls = size_t{window_controls[next_control]} + 1 < line_end;
      ++lines;
      while (window_quotes[next_quote] < used) ++next_quote;
      // A line with no layout to walk by is staged alone, which learns its layout.
      if (!odd && !controls && t.layout.ready() &&
          RawLine(data, static_cast<uint32_t>(used), line_end, window_quotes.data(), next_quote, t)) {
        t.layout_misses = 0;
        ++stats->lines_walked;
        record_walked = true;
        Accept(staged);
        record_walked = false;
      } else {
        ++misses;
        StageAlone(data + used, length, allocated - used, odd, staged);
      }
      used = line_end + 1;
      continue;
    }
    StageLine(tokens, i, static_cast<uint32_t>(used - base), static_cast<uint32_t>(line_end - base), odd, staged,
              allocated - base);
    used = line_end + 1;
  }
  return Window::Whole;
}

// Whether a record staged as of table `staged` is read by its layout if it has one: a plain
// record, unless the last few were not laid out alike; then one in kLayoutRetry tries, so that a
// file whose layouts keep changing costs the general walk and little more.
bool EventReader::Impl::ByLayout(size_t staged) const {
  const TableState& t = tables[staged];
  return members && staged == PlainTable() &&
         (t.layout_misses < kLayoutTries || t.layout_misses % kLayoutRetry == 0);
}

// The table the next record is staged as: the previous record's, the likeliest; kNoTable when
// the line scanner cannot stage it (ScanWindow and SkimWindow then stop).
size_t EventReader::Impl::Staged() const {
  const size_t staged = guess < tables.size() ? guess : PlainTable();
  return staged < tables.size() && tables[staged].plain_names ? staged : kNoTable;
}

// Finds the structure of data[0, size) with simdjson's stage 1; false when it cannot (invalid
// UTF-8, a string that does not close on its line).
bool EventReader::Impl::Structure(const char* data, size_t size) {
  if (size > structure_capacity) {
    const error_code err =
        structure ? structure->set_capacity(size)
                  : simdjson::get_active_implementation()->create_dom_parser_implementation(
                        size, simdjson::DEFAULT_MAX_DEPTH, structure);
    if (err) return false;
    structure_capacity = size;
  }
  return !structure->stage1(reinterpret_cast<const uint8_t*>(data), size, simdjson::stage1_mode::regular);
}

// Reads the line [from, line_end) of a window whose tokens (from its stage 1) start at i, moving
// i past them: staged by the line scanner as of table `staged`, or, when it is `odd` (see
// ScanWindow) or the scanner leaves it, by Record.
void EventReader::Impl::StageLine(const Tokens& tokens, uint32_t& i, uint32_t from, uint32_t line_end,
                                  bool odd, size_t staged, size_t allocated) {
  size_t table = kNoTable;
  const uint32_t first = i;
  const Scanned result = odd ? Scanned::Leave : ScanLine(tokens, i, line_end, staged, table);
  if (result == Scanned::Leave) {
    Record(tokens.text + from, line_end - from, allocated - from, 0);
    i = first;
    while (tokens.at[i] < line_end) ++i;  // the sentinels end this
    return;
  }
  Accept(table);
}

// Counts a line the line scanner read whole, as a record of `table`.
void EventReader::Impl::Accept(size_t table) {
  ++line;
  ++stats->lines;
  if (table == kOtherTable) {
    ++stats->other_records;
  } else {
    AppendRow(table);
  }
}

// Reads the line data[0, length) (its newline at data[length]) as StageLine does, with its own
// stage 1: when it is odd, or stage 1 cannot index it, by Record.
void EventReader::Impl::StageAlone(const char* data, size_t length, size_t allocated, bool odd, size_t staged) {
  if (odd || !Structure(data, length + 1)) {
    Record(data, length, allocated, 0);
    return;
  }
  uint32_t i = 0;
  StageLine(Tokens{data, structure->structural_indexes.get(), structure->n_structural_indexes}, i, 0,
            static_cast<uint32_t>(length), odd, staged, allocated);
}

// ScanWindow for a window all of whose lines start before the range's end, when a prefilter
// judges them: the literals are searched in the whole window at once, and only the lines that
// may be wanted (and those the raw bytes cannot judge, see Unwanted) get simdjson's stage 1,
// each alone. The window is checked as stage 1 would check it (valid UTF-8, every string closed
// on its line with no control character), so a line is skipped exactly when ScanWindow would
// skip it. Returns the bytes of whole lines read: 0 when the window fails that check (ScanWindow
// then finds the line at fault), fewer than `size` when the prefilter stops judging or the
// scanner cannot stage the next record (ScanWindow reads on from there).
size_t EventReader::Impl::SkimWindow(const char* data, size_t size, size_t allocated) {
  const Prefilter* judge = Judge();
  bool found = false;  // whether FindLines found the literals too
  if ((stop && stop->load(std::memory_order_relaxed)) || Staged() == kNoTable ||
      !FindLines(data, size, odd_escapes, window_newlines, window_masks, judge->scan.get(), occurrences,
                 found)) {
    return 0;
  }
  if (!found) FindLiterals(*judge, data, size);
  size_t used = 0, next_odd = 0, next_hit = 0;
  for (const uint32_t line_end : window_newlines) {
    const size_t staged = Staged();
    if (staged == kNoTable || !prefiltering) return used;
    const size_t length = line_end - used;
    while (odd_escapes[next_odd] < used) ++next_odd;
    record_line = line + 1;
    record_data = data + used;
    record_size = length;
    record_allocated = allocated - used;
    const bool odd = odd_escapes[next_odd] < line_end || length > limits.max_record_bytes;
    const uint64_t readers = LineReaders(*judge, line_end, next_hit);
    const bool judged = !odd && Shaped(std::string_view(data + used, length));
    row_readers = judged ? Judged(*judge, readers) : kEveryReader;
    if (row_readers == 0) {
      ++line;
      ++stats->lines;
      ++stats->lines_prefiltered;
    } else {
      StageAlone(data + used, length, allocated - used, odd, staged);
    }
    used = line_end + 1;
  }
  return used;
}

// Checks the line ending at `line_end` whose tokens start at i as one JSON object, moving i past
// its tokens, and stages the columns of table `staged` from it, setting `table` to the record's:
// `staged`, or kOtherTable when its envelope `category` or `Type` names a table nobody asked
// for. Leave: the line is invalid, not sure to be valid, or of another requested table
// (ParseJson reads it, and the next lines are staged as of its table).
EventReader::Impl::Scanned EventReader::Impl::ScanLine(const Tokens& tokens, uint32_t& i,
                                                       uint32_t line_end, size_t staged,
                                                       size_t& table) {
  TableState& t = tables[staged];
  scanned_used = 0;
  // Without every table's judge, the readers found are those of the input's table: the record of
  // another is read whole.
  if (!prefilter && staged != default_table) row_readers = kEveryReader;
  // A plain record of the table is read by its layout when it has the same; the general walk
  // below reads the others, and learns their layout.
  const bool plain = ByLayout(staged);
  if (plain && t.layout.ready()) {
    uint32_t at = i;
    if (ScanLayout(tokens, at, line_end, t) && tokens.at[at] >= line_end) {
      i = at;
      table = staged;
      t.layout_misses = 0;
      return Scanned::Staged;
    }
    scanned_used = 0;
  }
  if (members && staged == PlainTable()) ++t.layout_misses;
  if (plain) t.layout.Begin();
  Markers markers;
  markers.learn = plain;
  if (!ScanObject(tokens, i, line_end, t, &markers)) return Scanned::Leave;
  if (tokens.at[i] < line_end) return Scanned::Leave;  // more after the object
  if (markers.has_category && markers.properties) {
    // An envelope: the event is the object under `properties`, whose tokens are known valid.
    const std::string_view name = category;
    table = FindTable(name.starts_with(kEnvelopePrefix) ? name.substr(kEnvelopePrefix.size()) : name);
    if (table == kNoTable) {
      table = kOtherTable;
      return Scanned::Staged;
    }
    if (table != staged) return Scanned::Leave;
    uint32_t at = markers.properties;
    return ScanObject(tokens, at, line_end, t, nullptr) ? Scanned::Staged : Scanned::Leave;
  }
  table = markers.has_type ? FindTable(type_name) : PlainTable();
  if (table == kNoTable && markers.has_type) table = kOtherTable;
  // A `Type` naming the table is checked by the layout; one naming another leaves no layout.
  if (plain && !markers.has_category && (!markers.has_type || table == staged)) t.layout.Finish();
  return table == staged || table == kOtherTable ? Scanned::Staged : Scanned::Leave;
}

// ScanObject for an object whose keys are those of t.layout in the same order: the key of each
// member is compared with the layout's, the columns of the wanted members are staged and the
// other values only checked. False when the keys differ or the object is not sure to be valid
// (ScanObject then reads it).
bool EventReader::Impl::ScanLayout(const Tokens& tokens, uint32_t& i, uint32_t line_end, TableState& t) {
  const MemberLayout& layout = t.layout;
  // In locals: the calls below take the tokens and a token index by reference, and would
  // otherwise make every member reload them from memory.
  const char* const text = tokens.text;
  const uint32_t* const at = tokens.at;
  const uint32_t count = tokens.count;
  uint32_t k_at = i;  // the token being read
  if (at[k_at] >= line_end || text[at[k_at]] != '{') return false;
  ResetSlots(t);
  ++k_at;
  // Key and separator checks are folded into one flag: the loop branches on the kinds of the
  // values, which a layout's lines share.
  uint32_t differs = 0;
  const size_t members = layout.size();
  for (size_t k = 0; k < members; ++k) {
    // A key, its colon, a scalar value and the separator after it are four tokens: when they lie
    // in the line, the line's end need not be checked again for a scalar.
    if (k_at + 3 > count + 1 || at[k_at + 3] >= line_end) return false;
    // The key with its colon: the token after a key that has the layout's bytes is its colon.
    differs |= layout.KeyDiffers(k, text + at[k_at], line_end - at[k_at]);
    k_at += 2;
    const char first = text[at[k_at]];
    const uint32_t c = layout.column(k);
    if (k == layout.table_member() && tokens.Scalar(k_at) != t.quoted_name) return false;
    if (c != MemberLayout::kUnread && (t.column_readers[c] & row_readers)) {
      // Through a copy: k_at, whose address would escape, stays in a register.
      uint32_t past = k_at;
      if (!ScanStage(tokens, past, line_end, t.batch.specs[c].type, t.slots[c])) return false;
      k_at = past;
    } else if (first == '{' || first == '[') {
      uint32_t past = k_at;
      if (!SkipValue(tokens, past, line_end)) return false;
      k_at = past;
    } else if (first == '"' || ValidScalar(tokens.Scalar(k_at))) {
      ++k_at;  // most values are strings, whole by stage 1
    } else {
      return false;
    }
    if (at[k_at] >= line_end) return false;  // after a container
    differs |= static_cast<uint32_t>(text[at[k_at++]] != (k + 1 < members ? ',' : '}'));
  }
  i = k_at;
  return differs == 0;
}

// ScanLayout for the line data[from, line_end) of a window from its raw bytes, with no stage 1:
// the line must be `{"Key1":value,"Key2":value,...}` with t.layout's keys, nothing between the
// tokens, and its values strings, scalars (a number or literal, ending at the next `,` or `}`) or
// containers (RawSkip); a CR may end it. `quotes` are the offsets of the window's quotes that
// are not escaped (FindEscapes), quotes[quote] the first in the line: as a key holds no backslash
// and a scalar no quote, a string value opens at the third quote of its member and closes at the
// fourth, which the walk reads from the list (not by searching, so that each member's work does
// not wait on the one before it). Values are staged as ScanLayout stages them (through
// ScanStage, each as a token of its own, or, for a container, as ScanStage stages one). The
// caller has checked what stage 1 would: the window's UTF-8, no control character in the line,
// no odd escape. False at anything else: the line is then read as before. On success, `quote`
// is moved past the line's quotes.
#if defined(__x86_64__) && defined(__GNUC__)
[[gnu::target("avx512bw")]]
#endif
bool EventReader::Impl::RawLine(const char* data, uint32_t from, uint32_t line_end, const uint32_t* quotes,
                                size_t& quote, TableState& t) {
  const MemberLayout& layout = t.layout;
  if (data[from] != '{') return false;
  ResetSlots(t);
  scanned_used = 0;
  uint32_t p = from + 1;
  size_t q = quote;  // the key's opening quote, when the key is the layout's
  const size_t members = layout.size();
  for (size_t k = 0; k < members; ++k) {
    // A key's bytes hold no newline, so a key that matches lies in the line. The compare may
    // read past the line and the window: into the padding every window has after it.
#if defined(__x86_64__) && defined(__GNUC__)
    static_assert(MemberLayout::kLoaded <= simdjson::SIMDJSON_PADDING);
    if (layout.KeyDiffersAvx512(k, data + p, line_end - p)) return false;
#else
    if (layout.KeyDiffers(k, data + p, line_end - p)) return false;
#endif
    p += layout.length(k);
    const char first = data[p];
    uint32_t end;
    if (first == '"') {
      const uint32_t close = quotes[q + 3];
      if (close >= line_end) return false;
      end = close + 1;
      q += 4;
    } else if (first == '{' || first == '[') {
      q += 2;  // past the key's quotes
      end = RawSkip(data, p, line_end, quotes, q);
      if (end == 0) return false;
    } else {
      // Before the next member's key, whose quote is the next one: then the end is known without
      // waiting for the bytes (the scalar is checked whole below, so it holds no comma).
      const uint32_t next = quotes[q + 2];
      end = next < line_end ? next - 1 : ScalarEnd(data, p);
      if (end == p || end >= line_end) return false;
      q += 2;
    }
    const uint32_t c = layout.column(k);
    if (k == layout.table_member() && std::string_view(data + p, end - p) != t.quoted_name) return false;
    const bool staged = c != MemberLayout::kUnread && (t.column_readers[c] & row_readers);
    const Type type = staged ? t.batch.specs[c].type : Type::String;
    if (first == '{' || first == '[') {
      if (staged) StageContainer(type, std::string_view(data + p, end - p), t.slots[c]);
    } else if (!staged) {
      if (first != '"' && !ValidScalar(std::string_view(data + p, end - p))) return false;
    } else if (first == '"' && (type == Type::String || type == Type::Guid) &&
               !HasBackslash(std::string_view(data + p + 1, end - p - 2))) {
      // Most staged values: text with no escape, which is all ScanStage would make of it.
      t.slots[c].state = Slot::State::Value;
      t.slots[c].s = std::string_view(data + p + 1, end - p - 2);
    } else if (!StagePlainInt(type, std::string_view(data + p, end - p), t.slots[c])) {
      const uint32_t value[4] = {p, end, line_end, line_end};  // the value, then sentinels
      uint32_t i = 0;
      if (!ScanStage(Tokens{data, value, 1}, i, line_end, type, t.slots[c])) return false;
    }
    if (data[end] != (k + 1 < members ? ',' : '}')) return false;
    p = end + 1;
  }
  if (p != line_end && (p + 1 != line_end || data[p] != '\r')) return false;
  quote = q;
  return true;
}

// Checks the object starting at token i, moving i past it, and stages the columns of `t` from
// its members (a repeated key overwrites the earlier value, as ParseJson does). With `markers`,
// it is a record, whose `Type` and `category` strings and `properties` object are noted as
// ParseJson notes them: a column of `t` with such a name is staged first, and is a marker only
// as a string column. False: not sure the object is valid.
bool EventReader::Impl::ScanObject(const Tokens& tokens, uint32_t& i, uint32_t line_end,
                                   TableState& t, Markers* markers) {
  if (tokens.at[i] >= line_end || tokens.Byte(i) != '{') return false;
  ResetSlots(t);
  ++i;
  if (tokens.at[i] < line_end && tokens.Byte(i) == '}') {
    ++i;
    return true;
  }
  while (true) {
    // A key, its colon, its value, then a comma or the closing brace. A string token is a
    // whole string: stage 1 would have failed on any other.
    if (tokens.at[i] >= line_end || tokens.Byte(i) != '"') return false;
    const std::string_view quoted = tokens.Scalar(i);
    const std::string_view key(quoted.data() + 1, quoted.size() - 2);  // a whole string
    if (tokens.at[++i] >= line_end || tokens.Byte(i) != ':') return false;
    if (tokens.at[++i] >= line_end) return false;
    const char first = tokens.Byte(i);
    const bool is_type = markers && key == "Type", is_category = markers && key == "category";
    const size_t c = t.Find(key);
    if (markers && markers->learn) {
      // A record's members, not those of its `properties`. A key that may name the table,
      // whatever its value here, must be seen in every line.
      // The layout compares each key with the colon after it, so a line with a space between
      // them is left to this walk.
      const bool colon_next = quoted.data() + quoted.size() == tokens.text + tokens.at[i - 1];
      t.layout.Add(std::string_view(quoted.data(), quoted.size() + 1),
                   c < t.slots.size() ? static_cast<uint32_t>(c) : MemberLayout::kUnread, is_type);
      // A `Type` is a marker only as text (see below): other values leave the line no layout.
      const bool text_marker = first == '"' && (c >= t.slots.size() || t.batch.specs[c].type == Type::String);
      if ((is_type && !text_marker) || is_category || !colon_next) t.layout.Refuse();
    }
    if (c < t.slots.size() && (t.column_readers[c] & row_readers)) {
      if (!ScanStage(tokens, i, line_end, t.batch.specs[c].type, t.slots[c])) return false;
      if ((is_type || is_category) && t.slots[c].state == Slot::State::Value &&
          t.batch.specs[c].type == Type::String) {
        (is_type ? markers->has_type : markers->has_category) = true;
        (is_type ? type_name : category).assign(t.slots[c].s);
      }
    } else if ((is_type || is_category) && first == '"') {
      Slot text;
      if (!ScanStage(tokens, i, line_end, Type::String, text)) return false;
      (is_type ? markers->has_type : markers->has_category) = true;
      (is_type ? type_name : category).assign(text.s);
    } else if (first == '"') {
      ++i;  // most values are strings, whole by stage 1
    } else {
      if (markers && first == '{' && key == "properties") markers->properties = i;
      if (!SkipValue(tokens, i, line_end)) return false;
    }
    if (tokens.at[i] >= line_end) return false;
    const char after = tokens.Byte(i++);
    if (after == '}') return true;
    if (after != ',') return false;
  }
}

// Stages the value starting at token i, moving i past it, as StageValue stages it from
// simdjson; false where the value is not sure to be valid.
bool EventReader::Impl::ScanStage(const Tokens& tokens, uint32_t& i, uint32_t line_end, Type type,
                                  Slot& slot) {
  const char first = tokens.Byte(i);
  if (first == '{' || first == '[') {
    const char* start = tokens.text + tokens.at[i];
    if (!SkipValue(tokens, i, line_end)) return false;
    // It ends with the closing token before i.
    StageContainer(type, std::string_view(start, static_cast<size_t>(tokens.text + tokens.at[i - 1] + 1 - start)),
                   slot);
    return true;
  }
  if (first == '}' || first == ']' || first == ',' || first == ':') return false;
  const std::string_view token = tokens.Scalar(i);
  if (StagePlainInt(type, token, slot)) {
    ++i;
    return true;
  }
  if (!ValidScalar(token)) return false;
  ++i;
  od::json_type json = od::json_type::number;
  std::string_view text;
  switch (first) {
    case 'n': slot.state = Slot::State::Null; return true;
    case 't':
    case 'f': json = od::json_type::boolean; break;
    case '"': {
      json = od::json_type::string;
      text = std::string_view(token.data() + 1, token.size() - 2);  // ValidScalar: two quotes
      if (HasBackslash(text)) {
        // Room for the line's strings and the 16 bytes the copy may write past the last.
        if (scanned_text.size() < size_t{line_end} + 16) scanned_text.resize(size_t{line_end} + 16);
        char* out = scanned_text.data() + scanned_used;
        text = std::string_view(out, Unescape(text, out));
        scanned_used += text.size();
      }
      break;
    }
    default: break;
  }
  if (json == od::json_type::string && (type == Type::String || type == Type::Guid)) {
    // Most staged values: the text itself, which is all ConvertText would make of it.
    slot.state = Slot::State::Value;
    slot.s = text;
    return true;
  }
  const bool ok = ConvertJsonScalar(type, json, token, text, slot);
  slot.state = ok ? Slot::State::Value : Slot::State::WrongType;
  if (!ok) slot.s = token;
  return true;
}

// Whether a JSON line whose escapes are plain, of valid UTF-8, is shaped like one object (a cut
// line is not, and is parsed to be reported) and does not hold what its readers need. A line
// is judged by every table's needs when each table has some; otherwise a line with no table
// marker (no `"Type"` or `"category"` in its bytes: a \u escape would have sent it to the
// parser) in an input named after a table is a record of that table, judged by its needs.
bool EventReader::Impl::Unwanted(std::string_view line) {
  return Shaped(line) && Skip(Judge(), line);
}

// What judges a JSON line (see Unwanted), or null.
const Prefilter* EventReader::Impl::Judge() const {
  if (range_judge) return range_judge;
  // Every table's needs when each has some: generated and exported lines often carry a Type.
  return prefilter ? prefilter.get()
         : default_table < tables.size() ? table_prefilters[default_table].get()
                                         : nullptr;
}

// Whether `judge` (if any) skips `text`.
bool EventReader::Impl::Skip(const Prefilter* judge, std::string_view text) {
  return judge && Judged(*judge, judge->Readers(text, prefilter_bits)) == 0;
}

// Counts a line judged, whose readers are `readers`, and returns them.
uint64_t EventReader::Impl::Judged(const Prefilter& judge, uint64_t readers) {
  narrowed += readers == 0 || (judge.narrows && (readers & judge.all) != judge.all);
  if (++judged == kPrefilterTrial && narrowed < kPrefilterTrial / 8) {
    // Needs most lines meet (ActionType == "ConnectionSuccess" alone) cost a scan of each line
    // and save little parsing: from here on lines are parsed whole, which is always sound.
    prefiltering = false;
  }
  return readers;
}

// Sets `occurrences` to those of `judge`'s literals in data[0, size): in order of their ends or
// of their starts, either way by line, for no literal holds a newline.
void EventReader::Impl::FindLiterals(const Prefilter& judge, const char* data, size_t size) {
  occurrences.clear();
  if (judge.scan) {
    judge.scan->Find(data, size, occurrences);
  } else {
    judge.matcher->Occurrences(std::string_view(data, size), occurrences);
  }
}

// The readers whose needs the line ending at `line_end` of the window FindLiterals searched
// meets, moving `next_hit` past its literals in `occurrences`.
uint64_t EventReader::Impl::LineReaders(const Prefilter& judge, uint32_t line_end, size_t& next_hit) {
  const size_t first = next_hit;
  while (next_hit < occurrences.size() && occurrences[next_hit].end <= line_end) ++next_hit;
  if (counting && judge.narrows) CountLiterals(judge, first, next_hit);
  return judge.Readers(occurrences.data() + first, occurrences.data() + next_hit, prefilter_bits);
}

// Counts the literals of occurrences [first, end), those of one line (see counting).
void EventReader::Impl::CountLiterals(const Prefilter& judge, size_t first, size_t end) {
  const size_t literals = judge.matcher->size();
  if (counted == 0) {
    literal_lines.assign(literals, 0);
    literal_seen.assign(literals, UINT64_MAX);
  }
  for (size_t h = first; h < end; ++h) {
    const uint32_t id = occurrences[h].id;
    literal_lines[id] += literal_seen[id] != counted;
    literal_seen[id] = counted;
  }
  if (++counted < kCommonTrial) return;
  counting = false;
  std::vector<bool> many(literals, false);
  bool any = false;
  for (uint32_t id = 0; id < std::min<size_t>(literals, judge.markers); ++id) {
    many[id] = literal_lines[id] >= kCommonLines;
    any |= many[id];
  }
  if (any) common = std::move(many);
}

// The judge of the next window (null: none), once the common literals counted so far are dropped.
const Prefilter* EventReader::Impl::WindowJudge() {
  if (!common.empty() && prefiltering) {
    const Prefilter* judge = Judge();
    auto at = std::find_if(common_judges.begin(), common_judges.end(),
                           [&](const auto& j) { return std::get<0>(j) == judge && std::get<1>(j) == common; });
    if (at == common_judges.end()) {
      common_judges.emplace_back(judge, common, judge->Without(common));
      at = common_judges.end() - 1;
    }
    if (std::get<2>(*at)) range_judge = std::get<2>(*at).get();
  }
  common.clear();
  return prefiltering ? Judge() : nullptr;
}

void EventReader::Impl::SkipRecord(InputIssueKind kind, std::string_view message) {
  ++stats->lines_skipped;
  ++stats->skipped[static_cast<size_t>(kind)];
  ++stats->issues[static_cast<size_t>(kind)];
  Report(kind, std::string(message), record_line);
}

// Parses a JSON line; on success `table` is the table of the record (kNoTable: none,
// kOtherTable: one nobody asked for) and its slots hold the values.
//
// Two paths give the same result. The fast one parses the whole line with simdjson's DOM
// parser, whose validating stage 2 is compiled for the running CPU, and stages values from its
// tape; it gives up on anything unusual (an invalid line, a value of the wrong type, a number
// or container where text is wanted, whose raw text the tape does not keep). The exact path
// then walks the line with On-Demand, which keeps raw text and says precisely what is wrong.
Problem EventReader::Impl::ParseJson(const char* data, size_t size, size_t allocated,
                                     size_t& table) {
  if (ParseJsonFast(data, size, table)) return kOk;
  od::document doc;
  od::json_type root;
  od::object object;
  if (auto err = parser.iterate(data, size, allocated).get(doc)) return FromSimdjson(err);
  if (auto err = doc.type().get(root)) return FromSimdjson(err);
  if (root != od::json_type::object) return {InputIssueKind::Malformed, "not a JSON object"};
  if (auto err = doc.get_object().get(object)) return FromSimdjson(err);

  TableState* staged = guess == kNoTable ? nullptr : &tables[guess];
  if (staged) ResetSlots(*staged);
  bool has_category = false, has_type = false, has_properties = false, properties_read = false;
  size_t envelope_table = kNoTable;
  for (auto field : object) {
    std::string_view key;
    od::value value;
    if (auto err = field.unescaped_key().get(key)) return FromSimdjson(err);
    if (auto err = field.value().get(value)) return FromSimdjson(err);
    if (staged) {
      const size_t c = staged->Find(key);
      if (c < staged->slots.size()) {
        // A repeated key overwrites the earlier value, as in most JSON readers.
        if (auto err = StageValue(value, staged->batch.specs[c].type, staged->slots[c])) {
          return FromSimdjson(err);
        }
        // A table may have a column named like the record's table marker (Type): it is both.
        const Slot& slot = staged->slots[c];
        if ((key == "Type" || key == "category") && slot.state == Slot::State::Value &&
            staged->batch.specs[c].type == Type::String) {
          (key == "Type" ? has_type : has_category) = true;
          (key == "Type" ? type_name : category).assign(slot.s);
        }
        continue;
      }
    }
    od::json_type type;
    if (auto err = value.type().get(type)) return FromSimdjson(err);
    if (type == od::json_type::string &&
        (key == "category" || key == "Type")) {
      std::string_view text;
      if (auto err = value.get_string().get(text)) return FromSimdjson(err);
      if (key == "Type") {
        has_type = true;
        type_name.assign(text);
      } else {
        has_category = true;
        category.assign(text);
      }
      continue;
    }
    if (type == od::json_type::object && key == "properties") {
      has_properties = true;
      if (has_category) {
        // The usual order: the category comes first, so the event is read in this pass.
        envelope_table = category.starts_with(kEnvelopePrefix)
                             ? FindTable(std::string_view(category).substr(kEnvelopePrefix.size()))
                             : FindTable(category);
        if (envelope_table != kNoTable) {
          od::object properties;
          if (auto err = value.get_object().get(properties)) return FromSimdjson(err);
          ResetSlots(tables[envelope_table]);
          if (auto err = StageObject(properties, tables[envelope_table])) return FromSimdjson(err);
          properties_read = true;
          continue;
        }
      }
    }
    if (auto err = Validate(value, limits.max_depth)) return FromSimdjson(err);
  }
  const char* rest;
  if (doc.current_location().get(rest) != simdjson::OUT_OF_BOUNDS) {
    return {InputIssueKind::Malformed, "content after the JSON object"};
  }

  if (has_category && has_properties) {
    if (!properties_read) {
      envelope_table = category.starts_with(kEnvelopePrefix)
                           ? FindTable(std::string_view(category).substr(kEnvelopePrefix.size()))
                           : FindTable(category);
    }
    if (envelope_table != kNoTable && !properties_read) {
      // The properties came before the category: walk the (valid) line again.
      doc.rewind();
      od::object properties;
      if (auto err = doc.find_field_unordered("properties").get_object().get(properties)) {
        return FromSimdjson(err);
      }
      ResetSlots(tables[envelope_table]);
      if (auto err = StageObject(properties, tables[envelope_table])) return FromSimdjson(err);
    }
    table = envelope_table == kNoTable ? kOtherTable : envelope_table;
  } else if (has_type) {
    table = FindTable(type_name);
    if (table != kNoTable && table != guess) {
      doc.rewind();
      if (auto err = doc.get_object().get(object)) return FromSimdjson(err);
      ResetSlots(tables[table]);
      if (auto err = StageObject(object, tables[table])) return FromSimdjson(err);
    }
    if (table == kNoTable) table = kOtherTable;
  } else {
    table = PlainTable();
    if (table != guess && table < tables.size()) {
      doc.rewind();
      if (auto err = doc.get_object().get(object)) return FromSimdjson(err);
      ResetSlots(tables[table]);
      if (auto err = StageObject(object, tables[table])) return FromSimdjson(err);
    }
  }
  if (table < tables.size()) guess = table;
  return kOk;
}

bool EventReader::Impl::ParseJsonFast(const char* data, size_t size, size_t& table) {
  namespace dom = simdjson::dom;
  dom::element doc;
  dom::object object;
  if (!fast || dom_parser.parse(data, size, false).get(doc) || doc.get_object().get(object)) {
    return false;
  }
  TableState* staged = guess == kNoTable ? nullptr : &tables[guess];
  if (staged) ResetSlots(*staged);
  std::string_view category_text, type_text;
  bool has_category = false, has_type = false;
  dom::object properties;
  bool has_properties = false;
  for (const dom::key_value_pair field : object) {
    if (staged) {
      const size_t c = staged->Find(field.key);
      if (c < staged->slots.size()) {
        if (!StageFastValue(field.value, staged->batch.specs[c].type, staged->slots[c])) return false;
        // A column named like the record's table marker (Type) is both.
        if (field.key != "Type" && field.key != "category") continue;
      }
    }
    const dom::element_type type = field.value.type();
    if (type == dom::element_type::STRING && (field.key == "category" || field.key == "Type")) {
      (field.key == "Type" ? has_type : has_category) = true;
      (field.key == "Type" ? type_text : category_text) = field.value.get_string().value_unsafe();
    } else if (type == dom::element_type::OBJECT && field.key == "properties") {
      has_properties = true;
      properties = field.value.get_object().value_unsafe();
    }
  }
  if (has_category && has_properties) {
    table = category_text.starts_with(kEnvelopePrefix)
                ? FindTable(category_text.substr(kEnvelopePrefix.size()))
                : FindTable(category_text);
    if (table == kNoTable) {
      table = kOtherTable;
    } else if (!StageFast(properties, tables[table])) {
      return false;
    }
  } else if (has_type) {
    table = FindTable(type_text);
    if (table == kNoTable) {
      table = kOtherTable;
    } else if (table != guess && !StageFast(object, tables[table])) {
      return false;
    }
  } else {
    table = PlainTable();
    if (table != guess && table < tables.size() && !StageFast(object, tables[table])) return false;
  }
  if (table < tables.size()) guess = table;
  return true;
}

bool EventReader::Impl::StageFast(simdjson::dom::object object, TableState& t) {
  ResetSlots(t);
  for (const simdjson::dom::key_value_pair field : object) {
    const size_t c = t.Find(field.key);
    if (c < t.slots.size() && !StageFastValue(field.value, t.batch.specs[c].type, t.slots[c])) {
      return false;
    }
  }
  return true;
}

// Stages a value from the tape as StageValue would from the line; false where it could not
// do so exactly (a wrong type, whose message quotes the raw text, among others).
bool EventReader::Impl::StageFastValue(simdjson::dom::element value, Type type, Slot& slot) {
  namespace dom = simdjson::dom;
  slot.state = Slot::State::Value;
  switch (value.type()) {
    case dom::element_type::NULL_VALUE: slot.state = Slot::State::Null; return true;
    case dom::element_type::STRING: {
      const std::string_view text = value.get_string().value_unsafe();
      if (type != Type::Dynamic) return ConvertText(type, text, slot);
      // JSON text inside the string: a string that is not falls back, for its raw token.
      slot.s = Trim(text);
      return IsJsonText(slot.s, true);
    }
    case dom::element_type::INT64: {
      const int64_t v = value.get_int64().value_unsafe();
      switch (type) {
        case Type::Int:
          if (v < INT32_MIN || v > INT32_MAX) return false;
          [[fallthrough]];
        case Type::Long:
        case Type::TimeSpan: slot.i = v; return true;
        // `-0` reads as the integer 0, but as a real and a bool its sign matters.
        case Type::Real:
        case Type::Decimal: slot.d = static_cast<double>(v); return v != 0;
        case Type::Bool: slot.i = 1; return v == 1;
        default: return false;
      }
    }
    case dom::element_type::UINT64:
      slot.d = static_cast<double>(value.get_uint64().value_unsafe());
      return type == Type::Real || type == Type::Decimal;
    case dom::element_type::DOUBLE:
      slot.d = value.get_double().value_unsafe();
      return type == Type::Real || type == Type::Decimal;
    case dom::element_type::BOOL: {
      const bool v = value.get_bool().value_unsafe();
      if (type == Type::Bool) {
        slot.i = v;
        return true;
      }
      slot.s = v ? "true" : "false";
      return type == Type::String || type == Type::Guid || type == Type::Dynamic;
    }
    default: return false;  // a container: its raw text is the exact path's
  }
}

// Stages the requested columns of `t` found in `object`, validating every other value.
error_code EventReader::Impl::StageObject(od::object object, TableState& t) {
  for (auto field : object) {
    std::string_view key;
    od::value value;
    if (auto err = field.unescaped_key().get(key)) return err;
    if (auto err = field.value().get(value)) return err;
    const size_t c = t.Find(key);
    if (c == t.slots.size()) {
      if (auto err = Validate(value, limits.max_depth)) return err;
      continue;
    }
    if (auto err = StageValue(value, t.batch.specs[c].type, t.slots[c])) return err;
  }
  return simdjson::SUCCESS;
}

// Stages one requested value; a valid value that does not convert leaves slot WrongType, and
// only invalid JSON is an error.
error_code EventReader::Impl::StageValue(od::value& value, Type type, Slot& slot) {
  od::json_type json;
  if (auto err = value.type().get(json)) return err;
  const std::string_view token = Trim(value.raw_json_token());
  std::string_view text;
  switch (json) {
    case od::json_type::null:
      slot.state = Slot::State::Null;
      return token == "null" ? simdjson::SUCCESS : simdjson::N_ATOM_ERROR;
    case od::json_type::object:
    case od::json_type::array: {
      if (auto err = Validate(value, limits.max_depth)) return err;
      if (type != Type::String && type != Type::Guid && type != Type::Dynamic) {
        slot.state = Slot::State::WrongType;
        slot.s = json == od::json_type::object ? "an object" : "an array";
        return simdjson::SUCCESS;
      }
      // A nested value is always followed by its parent's `,` or `}`, where the parser now is.
      const char* after;
      if (auto err = value.current_location().get(after)) return err;
      slot.state = Slot::State::Value;
      slot.s = Trim(std::string_view(token.data(), after - token.data()));
      return simdjson::SUCCESS;
    }
    case od::json_type::string:
      if (auto err = value.get_string().get(text)) return err;
      break;
    default:
      if (auto err = Validate(value, limits.max_depth)) return err;
      break;
  }
  const bool ok = ConvertJsonScalar(type, json, token, text, slot);
  slot.state = ok ? Slot::State::Value : Slot::State::WrongType;
  if (!ok) slot.s = token;
  return simdjson::SUCCESS;
}

// Converts a valid JSON scalar (its raw token, and for a string its unescaped text) to the
// column type; false when it does not convert.
bool EventReader::Impl::ConvertJsonScalar(Type type, od::json_type json, std::string_view token,
                                          std::string_view text, Slot& slot) {
  if (json == od::json_type::string) {
    if (type != Type::Dynamic) return ConvertText(type, text, slot);
    // Defender sends some objects as JSON text in a string: keep that text, not the string.
    const std::string_view inner = Trim(text);
    slot.s = IsJsonText(inner, true) ? inner : token;
    return true;
  }
  const bool is_number = json == od::json_type::number;
  switch (type) {
    case Type::Bool:
      if (json == od::json_type::boolean) {
        slot.i = token == "true";
        return true;
      }
      return is_number && ConvertText(type, token, slot);
    case Type::Int:
    case Type::Long:
    case Type::Real:
    case Type::Decimal:
    case Type::TimeSpan: return is_number && ConvertText(type, token, slot);
    case Type::DateTime: return false;
    case Type::String:
    case Type::Guid:
    case Type::Dynamic: slot.s = token; return true;
    case Type::Null: return false;  // the type of a null literal, never of a column
  }
  return false;
}

// Converts text (a JSON string's or a CSV field's) to the column type, as Kusto converts
// strings at ingestion; false when it does not convert.
bool EventReader::Impl::ConvertText(Type type, std::string_view text, Slot& slot) {
  switch (type) {
    case Type::Bool:
      if (EqualsIgnoreCase(text, "true") || text == "1") {
        slot.i = 1;
      } else if (EqualsIgnoreCase(text, "false") || text == "0") {
        slot.i = 0;
      } else {
        return false;
      }
      return true;
    case Type::Int:
    case Type::Long: {
      const auto v = ParseInt64(text);
      if (!v || (type == Type::Int && (*v < INT32_MIN || *v > INT32_MAX))) return false;
      slot.i = *v;
      return true;
    }
    case Type::Real:
    case Type::Decimal: {
      const auto v = ParseDouble(text);
      if (!v) return false;
      slot.d = *v;
      return true;
    }
    case Type::DateTime: {
      const auto v = ParseDateTime(text, day_memo);
      if (!v) return false;
      slot.i = *v;
      return true;
    }
    case Type::TimeSpan: {
      // A bare number is a count of ticks, as Kusto reads a long into a timespan.
      auto v = ParseInt64(text);
      if (!v) v = ParseTimeSpan(text);
      if (!v) return false;
      slot.i = *v;
      return true;
    }
    case Type::String:
    case Type::Guid: slot.s = text; return true;
    case Type::Dynamic: {
      // CSV exports write dynamic values as JSON text; anything else is a string value.
      const std::string_view inner = Trim(text);
      if (IsJsonText(inner, false)) {
        slot.s = inner;
      } else {
        dynamic_text.clear();
        AppendJsonString(dynamic_text, text);
        slot.s = dynamic_text;
      }
      return true;
    }
    case Type::Null: return false;
  }
  return false;
}

// Whether `text` is one JSON value (with containers_only, one object or array).
bool EventReader::Impl::IsJsonText(std::string_view text, bool containers_only) {
  if (text.empty() || (containers_only && text.front() != '{' && text.front() != '[')) {
    return false;
  }
  inner_text.assign(text);
  inner_text.resize(text.size() + simdjson::SIMDJSON_PADDING, ' ');
  od::document doc;
  od::value value;
  if (inner_parser.iterate(inner_text.data(), text.size(), inner_text.size()).get(doc)) {
    return false;
  }
  if (doc.get_value().get(value) || Validate(value, limits.max_depth)) return false;
  const char* rest;
  return doc.current_location().get(rest) == simdjson::OUT_OF_BOUNDS;
}

// Splits a CSV record into `fields` (RFC 4180: quoted fields may hold commas, newlines and
// doubled quotes). A quote inside an unquoted field is taken as data, as Excel does. Commas and
// quotes are found for the whole record at once, as bits, rather than one search per field.
Problem EventReader::Impl::SplitCsv(std::string_view record) {
  fields.clear();
  unquoted.clear();
  unquoted.reserve(record.size());  // views into it must not move
  MatchBytes(record, ',', commas);
  MatchBytes(record, '"', quotes);
  const size_t n = record.size();
  size_t pos = 0;
  while (true) {
    if (pos < n && record[pos] == '"') {
      // Only a field with doubled quotes is copied, to undouble them.
      const size_t start = unquoted.size();
      size_t from = pos + 1;  // the text not yet copied
      bool copied = false;
      while (true) {
        const size_t q = NextBit(quotes, from, n);
        if (q == n) return {InputIssueKind::Malformed, "unterminated quoted field"};
        if (q + 1 < n && record[q + 1] == '"') {
          unquoted.append(record.substr(from, q + 1 - from));
          from = q + 2;
          copied = true;
          continue;
        }
        if (copied) {
          unquoted.append(record.substr(from, q - from));
          fields.push_back(std::string_view(unquoted).substr(start));
        } else {
          fields.push_back(record.substr(pos + 1, q - pos - 1));
        }
        pos = q + 1;
        break;
      }
      if (pos < n && record[pos] != ',') {
        return {InputIssueKind::Malformed, "text after the closing quote of a field"};
      }
    } else {
      const size_t comma = NextBit(commas, pos, n);
      fields.push_back(record.substr(pos, comma - pos));
      pos = comma;
    }
    if (pos >= n) return kOk;
    ++pos;  // the comma
  }
}

void EventReader::Impl::ReadCsvHeader(std::string_view record) {
  csv_column.clear();
  const TableState* t = default_table == kNoTable ? nullptr : &tables[default_table];
  if (!SplitCsv(record).ok() || !simdjson::validate_utf8(record.data(), record.size())) {
    // Without a header no record can be read: treat every one as of no column.
    Report(InputIssueKind::Malformed, "the CSV header row is malformed; no column can be matched", record_line);
    ++stats->issues[static_cast<size_t>(InputIssueKind::Malformed)];
    return;
  }
  for (std::string_view name : fields) {
    size_t c = kNoTable;
    if (t) {
      for (size_t i = 0; i < t->slots.size(); ++i) {
        if (t->batch.specs[i].name == name) c = i;
      }
    }
    csv_column.push_back(c);
  }
}

Problem EventReader::Impl::ParseCsv(std::string_view record, size_t& table) {
  if (!simdjson::validate_utf8(record.data(), record.size())) {
    return {InputIssueKind::InvalidUtf8, "not valid UTF-8"};
  }
  if (const Problem p = SplitCsv(record); !p.ok()) return p;
  if (fields.size() != csv_column.size()) {
    fieldcount_message = fmt::format("{} fields where the header has {}", fields.size(),
                                     csv_column.size());
    return {InputIssueKind::FieldCount, fieldcount_message};
  }
  table = PlainTable();
  if (table >= tables.size()) return kOk;
  TableState& t = tables[table];
  ResetSlots(t);
  for (size_t f = 0; f < fields.size(); ++f) {
    const size_t c = csv_column[f];
    if (c == kNoTable) continue;
    Slot& slot = t.slots[c];
    const Type type = t.batch.specs[c].type;
    // An empty field is a null (for strings, "").
    if (fields[f].empty()) {
      slot.state = Slot::State::Null;
      continue;
    }
    const bool ok = ConvertText(type, fields[f], slot);
    slot.state = ok ? Slot::State::Value : Slot::State::WrongType;
    if (!ok) slot.s = fields[f];
  }
  return kOk;
}

void EventReader::Impl::AppendRow(size_t table) {
  TableState& t = tables[table];
  const size_t row = t.rows();
  for (size_t c = 0; c < t.slots.size(); ++c) {
    // A null (of a column absent from the record, or that none of the row's readers reads) is
    // left out, and appended with the column's other nulls before its next value or at Flush:
    // a call per null cost a tenth of reading a table most of whose columns the records lack.
    if (t.slots[c].state == Slot::State::Null || (t.deferring && t.Late(c))) continue;
    Column& column = t.batch.columns[c];
    if (column.size() < row) column.AppendNulls(row - column.size());
    AppendSlot(t, c, column);
  }
  ++t.batch.row_count;
  if (t.lazy) t.batch.readers.push_back(row_readers);
  if (t.deferring) t.late_rows.push_back({record_data, record_size, record_allocated, record_line, record_walked});
  ++stats->records;
  if (t.rows() >= batch_rows) Flush(table);
}

// Appends column c's staged value (t.slots[c]) to `column`: null, reported, when it has the wrong type.
void EventReader::Impl::AppendSlot(TableState& t, size_t c, Column& column) {
  const Slot& slot = t.slots[c];
  if (slot.state != Slot::State::Value) {
    column.AppendNull();
    if (slot.state == Slot::State::WrongType) {
      ++stats->values_wrong_type;
      ++stats->issues[static_cast<size_t>(InputIssueKind::WrongType)];
      const ColumnSpec& spec = t.batch.specs[c];
      constexpr size_t kShown = 60;
      Report(InputIssueKind::WrongType,
             fmt::format("{}: {}{} is not a valid {}, read as null", spec.name, slot.s.substr(0, kShown),
                         slot.s.size() > kShown ? "..." : "", TypeName(spec.type)),
             record_line);
    }
    return;
  }
  switch (column.type()) {
    case Type::Bool: column.AppendBool(slot.i != 0); break;
    case Type::Int: column.AppendInt(static_cast<int32_t>(slot.i)); break;
    case Type::Long:
    case Type::DateTime:
    case Type::TimeSpan: column.AppendLong(slot.i); break;
    case Type::Real:
    case Type::Decimal: column.AppendReal(slot.d); break;
    default: column.AppendString(slot.s); break;
  }
}

void EventReader::Impl::Flush(size_t table) {
  TableState& t = tables[table];
  for (size_t c = 0; c < t.batch.columns.size(); ++c) {
    Column& column = t.batch.columns[c];
    if (!(t.deferring && t.Late(c))) column.AppendNulls(t.rows() - column.size());
  }
  if (t.deferring) {
    late_source.table = table;
    t.batch.late = &late_source;
    t.late_seen += t.rows();
  }
  (*on_batch)(table, t.batch);
  t.batch.late = nullptr;
  t.batch.Clear();
  t.late_rows.clear();
  if (t.late_seen >= kLateTrial && t.late_asked * 4 > t.late_seen) t.late_off = true;
  StartBatch(t);
}

// Whether the next batch of `t` leaves its late columns unread: only lines of a mapped input
// stay at hand until the batch is handed on.
void EventReader::Impl::StartBatch(TableState& t) {
  t.deferring = t.has_late() && mapped_input && !t.late_off;
  t.column_readers = t.readers_of;
  for (size_t c = 0; t.deferring && c < t.late_index.size(); ++c) {
    if (t.Late(c)) t.column_readers[c] = 0;
  }
}

// Reads the late columns of rows[0..n) of table `table`'s deferring batch from their records
// again (their other columns' values and issues were taken when they were first read): by their
// layout where RawLine read them (WalkLate), else whole.
void EventReader::Impl::ReadLate(size_t table, const uint32_t* rows, size_t n) {
  TableState& t = tables[table];
  std::swap(t.column_readers, t.late_readers);
  const uint64_t saved_readers = row_readers;
  row_readers = kEveryReader;
  t.late_read.assign(rows, rows + n);
  t.late_asked += n;
  for (Column& column : t.late_values.columns) {
    column.Clear();
    column.Reserve(n);
  }
  const size_t saved_guess = guess;
  const uint64_t saved_line = record_line;
  for (size_t k = 0; k < n; ++k) {
    const TableState::LateRow& row = t.late_rows[rows[k]];
    record_line = row.line;
    bool ok = WalkLate(row, t);
    if (ok) {
      ++stats->late_walked;
    } else {
      const char* data = row.data;
      size_t size = row.size, allocated = row.allocated;
      TrimRecord(data, size, allocated, row.line == 1 && input->begin == 0);
      ResetSlots(t);
      size_t found = kNoTable;
      const Problem problem = format == Format::Json ? ParseJson(data, size, allocated, found)
                                                     : ParseCsv(std::string_view(data, size), found);
      ok = problem.ok() && found == table;
    }
    if (!ok) {  // read whole before: only a reader at odds with itself gets here
      ++stats->issues[static_cast<size_t>(InputIssueKind::Malformed)];
      Report(InputIssueKind::Malformed, "the record's columns no filter reads could not be read again: null",
             record_line);
    }
    for (size_t c = 0; c < t.late_index.size(); ++c) {
      if (!t.Late(c)) continue;
      Column& column = t.late_values.columns[static_cast<size_t>(t.late_index[c])];
      if (ok) {
        AppendSlot(t, c, column);
      } else {
        column.AppendNull();
      }
    }
  }
  guess = saved_guess;
  record_line = saved_line;
  row_readers = saved_readers;
  std::swap(t.column_readers, t.late_readers);
}

// Stages the late columns of `row`, a line RawLine read as the batch filled, by its layout again,
// its quotes listed anew (the window's list is gone): a few times faster than a whole parse.
// False when it cannot (quotes not listed on this CPU, too few bytes readable after the line for
// the key compares, or a layout changed since): ParseJson reads it then.
bool EventReader::Impl::WalkLate(const TableState::LateRow& row, TableState& t) {
  if (!row.walked || !t.layout.ready() || row.allocated < row.size + 1 + simdjson::SIMDJSON_PADDING) return false;
  auto& b = late_bytes;
  const WindowBytes bytes =
      FindEscapes(row.data, row.size + 1, b.odd, b.newlines, b.controls, b.quotes, b.masks, nullptr, b.hits);
  size_t quote = 0;
  return bytes.quotes && RawLine(row.data, 0, static_cast<uint32_t>(row.size), b.quotes.data(), quote, t);
}

void EventReader::Impl::LateSource::Copy(size_t column, const uint32_t* rows, size_t n, Column& into) const {
  const TableState& t = impl->tables[table];
  const Column& values = t.late_values.columns[static_cast<size_t>(t.late_index[column])];
  size_t k = 0;  // rows is a part of late_read, both increasing
  for (size_t i = 0; i < n; ++i) {
    while (k + 1 < t.late_read.size() && t.late_read[k] < rows[i]) ++k;
    if (k < t.late_read.size() && t.late_read[k] == rows[i]) {
      into.AppendFrom(values, k);
    } else {
      into.AppendNull();
    }
  }
}

void EventReader::Impl::Report(InputIssueKind kind, std::string message, uint64_t at_line) {
  (*on_issue)(InputIssue{kind, input->path, at_line, std::move(message)});
}

void AddDictionary(TableColumns& t, const std::vector<size_t>& positions, const std::vector<bool>& encode) {
  for (size_t i = 0; i < positions.size() && i < encode.size(); ++i) {
    if (!encode[i]) continue;
    if (t.dictionary.size() <= positions[i]) t.dictionary.resize(positions[i] + 1, false);
    t.dictionary[positions[i]] = true;
  }
}

EventReader::EventReader(std::vector<TableColumns> tables, ReadLimits limits, size_t batch_rows)
    : impl_(std::make_unique<Impl>(std::move(tables), limits, batch_rows)) {}
EventReader::~EventReader() = default;
EventReader::EventReader(EventReader&&) noexcept = default;
EventReader& EventReader::operator=(EventReader&&) noexcept = default;

void EventReader::set_chunk_bytes(size_t bytes) {
  impl_->chunk_bytes = impl_->map_bytes = std::max<size_t>(bytes, 1);
}
void EventReader::set_stop(const std::atomic<bool>* stop) { impl_->stop = stop; }
void EventReader::set_skim(bool skim) { impl_->skim = skim; }
void EventReader::set_members(bool members) { impl_->members = members; }
void EventReader::set_raw(bool raw) { impl_->raw = raw; }

bool EventReader::set_prefilter(const std::vector<std::optional<LineNeeds>>& needs) {
  std::vector<std::vector<TableReader>> readers(impl_->tables.size());
  for (size_t t = 0; t < readers.size(); ++t) {
    TableReader& reader = readers[t].emplace_back();
    if (t < needs.size()) reader.needs = needs[t];
    reader.columns.resize(impl_->tables[t].slots.size());
    std::iota(reader.columns.begin(), reader.columns.end(), size_t{0});
  }
  return set_readers(readers);
}

bool EventReader::set_readers(const std::vector<std::vector<TableReader>>& readers) {
  Impl& m = *impl_;
  m.range_judge = nullptr;
  m.common_judges.clear();
  m.table_prefilters.clear();
  m.table_prefilters.resize(m.tables.size());
  LineNeeds all;
  std::vector<uint64_t> all_readers;  // per alternative of `all`
  bool every = !m.tables.empty();
  for (size_t t = 0; t < m.tables.size(); ++t) {
    TableState& table = m.tables[t];
    const std::vector<TableReader> none;
    const std::vector<TableReader>& ours = t < readers.size() ? readers[t] : none;
    LineNeeds needs;
    std::vector<uint64_t> needs_readers;  // per alternative of `needs`
    uint64_t always = ours.empty() ? kEveryReader : 0;
    std::vector<uint64_t> columns(table.slots.size(), 0);
    for (size_t r = 0; r < ours.size(); ++r) {
      const uint64_t bit = ReaderBit(r);
      for (const size_t c : ours[r].columns) {
        if (c < columns.size()) columns[c] |= bit;
      }
      if (!ours[r].needs) {
        always |= bit;
        continue;
      }
      needs.insert(needs.end(), ours[r].needs->begin(), ours[r].needs->end());
      needs_readers.insert(needs_readers.end(), ours[r].needs->size(), bit);
    }
    // Table markers matter only to a judge that skips lines: one that only finds readers finds
    // them for the records of its table (ScanLine), whatever their markers.
    if (!needs.empty()) m.table_prefilters[t] = Prefilter::Build(needs, needs_readers, always, always == 0);
    // A judge that only narrows rows is worth its search of every line when its literals are
    // few (NeedleScan): searching hundreds with Hyperscan in every line cost a pack of hundreds
    // of rules more than the columns it spared.
    if (always && m.table_prefilters[t] && !m.table_prefilters[t]->scan) m.table_prefilters[t] = nullptr;
    // Rows keep their readers only when they may differ: with several readers, one of which at
    // least has needs to judge lines by.
    table.lazy = ours.size() > 1 && m.table_prefilters[t];
    if (table.lazy) {
      m.table_prefilters[t]->narrows = true;
      table.column_readers = std::move(columns);
    } else {
      table.column_readers.assign(table.slots.size(), kEveryReader);
    }
    table.readers_of = table.column_readers;
    m.StartBatch(table);
    if (!m.table_prefilters[t] || !m.table_prefilters[t]->skips()) every = false;
    if (every) {
      all.insert(all.end(), needs.begin(), needs.end());
      all_readers.insert(all_readers.end(), needs_readers.begin(), needs_readers.end());
    }
  }
  m.prefilter = every ? Prefilter::Build(all, all_readers, 0, false) : nullptr;
  return std::any_of(m.table_prefilters.begin(), m.table_prefilters.end(), [](const auto& p) { return p != nullptr; });
}

bool EventReader::Read(const InputRange& input,
                       const std::function<void(size_t, const Batch&)>& on_batch,
                       const std::function<void(const InputIssue&)>& on_issue, ReadStats& stats) {
  impl_->on_batch = &on_batch;
  impl_->on_issue = &on_issue;
  impl_->stats = &stats;
  // The prefilter's trial starts again with every input: what it skips then depends on the input
  // (range) alone, never on what this reader read before, so any number of threads, taking
  // ranges in any order, skips the same lines.
  impl_->judged = impl_->narrowed = 0;
  impl_->counting = true;
  impl_->counted = 0;
  impl_->common.clear();
  impl_->range_judge = nullptr;
  impl_->prefiltering = std::any_of(impl_->table_prefilters.begin(), impl_->table_prefilters.end(),
                                    [](const auto& p) { return p != nullptr; });
  return impl_->Read(input);
}

std::vector<InputRange> SplitInput(const std::string& path, const std::string& table,
                                   uint64_t bytes) {
  std::vector<InputRange> ranges{{path, table, 0, UINT64_MAX}};
  struct stat st;
  if (path == "-" || bytes == 0 || ::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) ||
      static_cast<uint64_t>(st.st_size) <= bytes ||
      ByteSource::Sniff(path) != Compression::None) {
    return ranges;
  }
  // Only JSON lines split at any newline: a CSV newline may be inside a quoted field.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ranges;
  char head[256];
  const ssize_t n = ::read(fd, head, sizeof head);
  ::close(fd);
  std::string_view text(head, n > 0 ? static_cast<size_t>(n) : 0);
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  text = Trim(text);
  if (text.empty() || text.front() != '{') return ranges;
  ranges.clear();
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  for (uint64_t at = 0; at < size; at += bytes) {
    ranges.push_back({path, table, at, std::min(at + bytes, size)});
  }
  ranges.back().end = UINT64_MAX;
  return ranges;
}

}  // namespace huntc
