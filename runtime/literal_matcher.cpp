// One Hyperscan database for many literals; the modes' boundary rules applied per occurrence.
#include "runtime/literal_matcher.h"

#include <hs/hs.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <new>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

namespace huntc {

namespace {

// Whether Hyperscan can run on this CPU, else false with `error` saying why. Asked of Hyperscan
// once: a pack run makes a matcher per rule and table, and hs_valid_platform checks the CPU's
// features anew each time.
bool HyperscanRuns(std::string& error) {
  static const bool runs = hs_valid_platform() == HS_SUCCESS;
  if (!runs) error = "Hyperscan cannot run on this CPU (it needs SSSE3)";
  return runs;
}

// The same term characters as runtime/strings.cpp: ASCII letters and digits, and every byte
// >= 0x80 so that UTF-8 letters join terms.
inline bool IsTermChar(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

std::atomic<uint64_t> next_serial{1};

// A thread's scratch space, grown (hs_alloc_scratch keeps what it has and enlarges it) to fit
// every database the thread has scanned with. A scratch never shrinks, so a matcher it was once
// fitted to stays fitted: `fitted` holds a byte per matcher serial, set once. Asking Hyperscan
// again on every change of matcher cost 13 % of a corpus pack's CPU, whose kernels alternate
// between the matchers of several rules on every row.
struct ThreadScratch {
  hs_scratch_t* scratch = nullptr;
  std::vector<uint8_t> fitted;  // by matcher serial
  ~ThreadScratch() { hs_free_scratch(scratch); }
};

hs_scratch_t* ScratchFor(const hs_database_t* database, uint64_t serial) {
  thread_local ThreadScratch tls;
  if (serial >= tls.fitted.size() || !tls.fitted[serial]) {
    // Fails only for lack of memory: the database was validated when it was compiled.
    if (hs_alloc_scratch(database, &tls.scratch) != HS_SUCCESS) throw std::bad_alloc();
    if (serial >= tls.fitted.size()) tls.fitted.resize(serial + 1, 0);
    tls.fitted[serial] = 1;
  }
  return tls.scratch;
}

}  // namespace

struct LiteralMatcher::ScanState {
  enum class Stop : uint8_t { Never, OnFirst, WhenAll };
  const LiteralMatcher* matcher = nullptr;
  std::string_view value;
  uint64_t* bits = nullptr;  // unused when stopping on the first hit
  size_t hits = 0;  // distinct literals matched so far
  Stop stop = Stop::Never;
  std::vector<Occurrence>* occurrences = nullptr;  // when set, every occurrence goes here

  // Records literal `id` as matched; true when the scan can stop.
  bool Hit(uint32_t id) {
    if (stop == Stop::OnFirst) {
      hits = 1;
      return true;
    }
    uint64_t& word = bits[id / 64];
    const uint64_t bit = uint64_t{1} << (id % 64);
    if (!(word & bit)) {
      word |= bit;
      ++hits;
    }
    return stop == Stop::WhenAll && hits == matcher->size();
  }
};

namespace {

// Whether `literal`'s occurrence at bytes [start, end) of `s` is a match in its mode.
bool Accepts(const LiteralMatcher::Literal& literal, std::string_view s, size_t start, size_t end) {
  switch (literal.mode) {
    case LiteralMatcher::Mode::Substring: return true;
    case LiteralMatcher::Mode::Prefix: return start == 0;
    case LiteralMatcher::Mode::Suffix: return end == s.size();
    case LiteralMatcher::Mode::Equals: return start == 0 && end == s.size();
    case LiteralMatcher::Mode::Term:
      // Only the literal's alphanumeric ends must sit at term boundaries (`"a.exe" has ".exe"`).
      if (IsTermChar(static_cast<unsigned char>(literal.text.front())) && start > 0 &&
          IsTermChar(static_cast<unsigned char>(s[start - 1]))) {
        return false;
      }
      return !(IsTermChar(static_cast<unsigned char>(literal.text.back())) && end < s.size() &&
               IsTermChar(static_cast<unsigned char>(s[end])));
  }
  return false;
}

// Hyperscan's callback for an occurrence of literal `id` ending at `to`: keeps it if the
// literal's mode accepts it there; a non-zero return stops the scan.
int OnMatch(unsigned int id, unsigned long long /*from*/, unsigned long long to, unsigned int /*flags*/,
            void* context) {
  auto& state = *static_cast<LiteralMatcher::ScanState*>(context);
  const LiteralMatcher::Literal& literal = state.matcher->literal(id);
  const size_t end = static_cast<size_t>(to);
  if (state.occurrences) {
    if (literal.mode == LiteralMatcher::Mode::Substring) state.occurrences->push_back({id, static_cast<uint32_t>(end)});
    return 0;
  }
  return Accepts(literal, state.value, end - literal.text.size(), end) && state.Hit(id) ? 1 : 0;
}

}  // namespace

struct LiteralMatcher::ValuesState {
  const LiteralMatcher* matcher = nullptr;
  const char* bytes = nullptr;  // where the scan starts: offsets[0]
  const uint32_t* offsets = nullptr;
  size_t count = 0;
  size_t value = 0;                 // the value the last occurrence ended in
  std::vector<uint32_t> last_value;  // per literal: the last value it was reported for, + 1
  std::vector<ValueHit>* out = nullptr;

  void Report(uint32_t v, uint32_t id) {
    if (last_value[id] == v + 1) return;
    last_value[id] = v + 1;
    out->push_back({v, id});
  }
};

namespace {

// Hyperscan's callback for an occurrence of literal `id` ending `to` bytes into a scan of values
// laid end to end: finds the value holding the occurrence's last byte, and keeps the occurrence
// if it starts in that value too and the literal's mode accepts it there.
int OnValuesMatch(unsigned int id, unsigned long long /*from*/, unsigned long long to, unsigned int /*flags*/,
                  void* context) {
  auto& state = *static_cast<LiteralMatcher::ValuesState*>(context);
  const LiteralMatcher::Literal& literal = state.matcher->literal(id);
  const uint32_t* offsets = state.offsets;
  const size_t end = offsets[0] + static_cast<size_t>(to);  // in the offsets' terms
  // Occurrences come in order of their ends, so the value is found by walking on from the last
  // one; one out of that order (Hyperscan does not promise it) is found by a binary search.
  size_t v = state.value;
  if (end <= offsets[v]) {
    v = static_cast<size_t>(std::upper_bound(offsets, offsets + state.count + 1, end - 1) - offsets) - 1;
  } else {
    while (offsets[v + 1] < end) ++v;
  }
  state.value = v;
  const size_t start = end - literal.text.size();
  if (start < offsets[v]) return 0;  // runs in from the value before
  const std::string_view s(state.bytes + (offsets[v] - offsets[0]), offsets[v + 1] - offsets[v]);
  if (Accepts(literal, s, start - offsets[v], end - offsets[v])) state.Report(static_cast<uint32_t>(v), id);
  return 0;
}

}  // namespace

LiteralMatcher::LiteralMatcher(std::vector<Literal> literals)
    : literals_(std::move(literals)), serial_(next_serial.fetch_add(1)) {
  for (size_t id = 0; id < literals_.size(); ++id) {
    const Literal& l = literals_[id];
    if (l.text.empty()) (l.mode == Mode::Equals ? empty_equals_ : empty_anywhere_).push_back(static_cast<uint32_t>(id));
  }
}

LiteralMatcher::~LiteralMatcher() { hs_free_database(database_); }

std::unique_ptr<LiteralMatcher> LiteralMatcher::Create(std::vector<Literal> literals, std::string& error) {
  if (!HyperscanRuns(error)) return nullptr;
  std::unique_ptr<LiteralMatcher> m(new LiteralMatcher(std::move(literals)));
  std::vector<const char*> texts;
  std::vector<size_t> lengths;
  std::vector<unsigned> flags, ids;
  for (size_t id = 0; id < m->literals_.size(); ++id) {
    const Literal& l = m->literals_[id];
    if (l.text.empty()) continue;  // see empty_anywhere_
    texts.push_back(l.text.data());
    lengths.push_back(l.text.size());
    // Without HS_FLAG_UTF8 Hyperscan folds ASCII letters only, as the helpers in strings.h do.
    flags.push_back(l.case_sensitive ? 0 : HS_FLAG_CASELESS);
    ids.push_back(static_cast<unsigned>(id));
  }
  if (texts.empty()) return m;
  hs_compile_error_t* compile_error = nullptr;
  if (hs_compile_lit_multi(texts.data(), flags.data(), ids.data(), lengths.data(),
                           static_cast<unsigned>(texts.size()), HS_MODE_BLOCK, nullptr, &m->database_,
                           &compile_error) != HS_SUCCESS) {
    error = fmt::format("Hyperscan cannot compile {} literals: {}", texts.size(),
                        compile_error ? compile_error->message : "unknown error");
    hs_free_compile_error(compile_error);
    return nullptr;
  }
  return m;
}

std::unique_ptr<LiteralMatcher> LiteralMatcher::Deserialize(std::vector<Literal> literals, std::string_view database,
                                                            std::string& error) {
  if (!HyperscanRuns(error)) return nullptr;
  std::unique_ptr<LiteralMatcher> m(new LiteralMatcher(std::move(literals)));
  const bool any = m->empty_equals_.size() + m->empty_anywhere_.size() < m->literals_.size();
  if (any != !database.empty()) {
    error = "the kept Hyperscan database does not fit the literals";
    return nullptr;
  }
  if (any && hs_deserialize_database(database.data(), database.size(), &m->database_) != HS_SUCCESS) {
    error = "the kept Hyperscan database cannot be read by this Hyperscan";
    return nullptr;
  }
  return m;
}

std::string LiteralMatcher::Serialize() const {
  if (!database_) return {};
  char* bytes = nullptr;
  size_t length = 0;
  if (hs_serialize_database(database_, &bytes, &length) != HS_SUCCESS) throw std::bad_alloc();
  std::string out(bytes, length);
  std::free(bytes);
  return out;
}

std::string_view LiteralMatcher::DatabaseVersion() { return hs_version(); }

void LiteralMatcher::Scan(std::string_view s, ScanState& state) const {
  state.matcher = this;
  state.value = s;
  for (uint32_t id : empty_anywhere_) {
    if (state.Hit(id)) return;
  }
  if (s.empty()) {
    for (uint32_t id : empty_equals_) {
      if (state.Hit(id)) return;
    }
    return;  // no non-empty literal occurs in an empty value
  }
  if (!database_) return;
  // Values longer than 4 GiB cannot be in a batch (string offsets are 32-bit).
  const hs_error_t status = hs_scan(database_, s.data(), static_cast<unsigned>(s.size()), 0,
                                    ScratchFor(database_, serial_), OnMatch, &state);
  // Anything else means a broken invariant (a scratch shared between threads, a bad database).
  if (status != HS_SUCCESS && status != HS_SCAN_TERMINATED) {
    throw std::logic_error(fmt::format("Hyperscan scan failed with error {}", status));
  }
}

void LiteralMatcher::Match(std::string_view s, std::vector<uint64_t>& bits) const {
  bits.assign((size() + 63) / 64, 0);
  ScanState state;
  state.bits = bits.data();
  Scan(s, state);
}

void LiteralMatcher::Occurrences(std::string_view s, std::vector<Occurrence>& out) const {
  if (s.empty() || !database_) return;  // empty literals are not Substring occurrences anywhere
  ScanState state;
  state.occurrences = &out;
  state.matcher = this;
  state.value = s;
  const size_t first = out.size();
  const hs_error_t status = hs_scan(database_, s.data(), static_cast<unsigned>(s.size()), 0,
                                    ScratchFor(database_, serial_), OnMatch, &state);
  if (status != HS_SUCCESS) {
    throw std::logic_error(fmt::format("Hyperscan scan failed with error {}", status));
  }
  // Hyperscan reports literals in order of their ends; sorting is cheap insurance when not.
  const auto by_end = [](const Occurrence& a, const Occurrence& b) { return a.end < b.end; };
  if (!std::is_sorted(out.begin() + static_cast<ptrdiff_t>(first), out.end(), by_end)) {
    std::sort(out.begin() + static_cast<ptrdiff_t>(first), out.end(), by_end);
  }
}

void LiteralMatcher::MatchValues(const char* bytes, const uint32_t* offsets, size_t count,
                                 std::vector<ValueHit>& out) const {
  if (count == 0) return;
  ValuesState state;
  state.matcher = this;
  state.bytes = bytes + offsets[0];
  state.offsets = offsets;
  state.count = count;
  state.last_value.assign(size(), 0);
  state.out = &out;
  // Empty literals are not in the database (see empty_anywhere_).
  if (!empty_anywhere_.empty() || !empty_equals_.empty()) {
    for (size_t v = 0; v < count; ++v) {
      for (uint32_t id : empty_anywhere_) state.Report(static_cast<uint32_t>(v), id);
      if (offsets[v] != offsets[v + 1]) continue;
      for (uint32_t id : empty_equals_) state.Report(static_cast<uint32_t>(v), id);
    }
  }
  const size_t length = offsets[count] - offsets[0];
  if (!database_ || length == 0) return;
  const hs_error_t status = hs_scan(database_, state.bytes, static_cast<unsigned>(length), 0,
                                    ScratchFor(database_, serial_), OnValuesMatch, &state);
  if (status != HS_SUCCESS) {
    throw std::logic_error(fmt::format("Hyperscan scan failed with error {}", status));
  }
}

bool LiteralMatcher::MatchesAny(std::string_view s) const {
  ScanState state;  // stops at the first hit, so it needs no bits
  state.stop = ScanState::Stop::OnFirst;
  Scan(s, state);
  return state.hits > 0;
}

bool LiteralMatcher::MatchesAll(std::string_view s) const {
  if (literals_.empty()) return true;
  thread_local std::vector<uint64_t> bits;  // reused: this runs once per row
  bits.assign((size() + 63) / 64, 0);
  ScanState state;
  state.stop = ScanState::Stop::WhenAll;
  state.bits = bits.data();
  Scan(s, state);
  return state.hits == size();
}

}  // namespace huntc
