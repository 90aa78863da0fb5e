// Many string literals matched against one value in a single pass (Hyperscan).
//
// A rule's `has_any` list, or the `has`/`contains`/`startswith`/`endswith` tests of many rules on
// one column, would otherwise scan each value once per literal; real rules carry lists of 20-200
// strings. A LiteralMatcher compiles all the literals once into one Hyperscan database; a scan
// reports every occurrence of any literal, and each occurrence is kept or dropped by the
// literal's mode (term boundaries, anchoring), so the answers are exactly those of the
// single-literal helpers in runtime/strings.h: Term = StrHas, Substring = StrContains,
// Prefix = StrStartsWith, Suffix = StrEndsWith, Equals = == (or StrEqualCi).
//
// A matcher is immutable once built and may be shared by threads: each thread scans with its own
// Hyperscan scratch space, kept in a thread_local and grown to fit every matcher it meets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct hs_database;

namespace huntc {

class LiteralMatcher {
 public:
  enum class Mode : uint8_t { Term, Substring, Prefix, Suffix, Equals };
  struct Literal {
    std::string text;
    Mode mode = Mode::Substring;
    bool case_sensitive = false;
  };

  // The matcher for `literals` (ids are their indexes), or null with `error` set when Hyperscan
  // cannot run on this CPU or cannot compile the set.
  static std::unique_ptr<LiteralMatcher> Create(std::vector<Literal> literals, std::string& error);
  // The matcher for `literals` from `database`, what Serialize gave for a matcher of the same
  // literals (compiling a large set takes milliseconds; this, microseconds); null, saying why in
  // `error`, when the bytes are not a database this Hyperscan can run here.
  static std::unique_ptr<LiteralMatcher> Deserialize(std::vector<Literal> literals, std::string_view database,
                                                     std::string& error);
  // The compiled database, as bytes to keep (empty when every literal is empty).
  std::string Serialize() const;
  // Everything besides the literals that decides what Serialize gives: the Hyperscan version.
  static std::string_view DatabaseVersion();
  ~LiteralMatcher();
  LiteralMatcher(const LiteralMatcher&) = delete;
  LiteralMatcher& operator=(const LiteralMatcher&) = delete;

  size_t size() const { return literals_.size(); }
  const Literal& literal(size_t id) const { return literals_[id]; }

  // Which literals match `s`: bit id of `bits` (resized to (size() + 63) / 64 words).
  void Match(std::string_view s, std::vector<uint64_t>& bits) const;
  // Whether some literal matches `s` (false when there are none); stops at the first match.
  bool MatchesAny(std::string_view s) const;
  // Appends {id, end offset} of every occurrence in `s` of a Substring-mode literal, in order of
  // their ends (the other modes ask where `s` starts and ends, so they are not reported).
  struct Occurrence {
    uint32_t id;
    uint32_t end;
  };
  void Occurrences(std::string_view s, std::vector<Occurrence>& out) const;
  // Whether every literal matches `s` (true when there are none); stops once all have.
  bool MatchesAll(std::string_view s) const;
  // Which literals match each of `count` values laid end to end in `bytes`, value k being bytes
  // [offsets[k], offsets[k + 1]) (a Column's strings, runtime/batch.h), found in one scan over
  // all of them: a value costs no call of its own (a column of short values otherwise pays
  // Hyperscan's fixed cost per value), and an occurrence running from one value into the next
  // is a match of neither. Appends {value, id} for each value and literal matching it, the
  // answers Match gives each value alone: once each while Hyperscan reports occurrences in order
  // of their ends, as it does for literals; it does not promise that order, so a pair may repeat.
  struct ValueHit {
    uint32_t value;
    uint32_t id;
  };
  void MatchValues(const char* bytes, const uint32_t* offsets, size_t count, std::vector<ValueHit>& out) const;

  // The per-scan states the Hyperscan callbacks see (literal_matcher.cpp).
  struct ScanState;
  struct ValuesState;

 private:
  explicit LiteralMatcher(std::vector<Literal> literals);
  // Sets the bits of the literals matching `s` into `state`, stopping early as it asks.
  void Scan(std::string_view s, ScanState& state) const;

  std::vector<Literal> literals_;
  // Empty literals are not given to Hyperscan (it rejects them); they match every value, or
  // only the empty value in Equals mode.
  std::vector<uint32_t> empty_anywhere_;
  std::vector<uint32_t> empty_equals_;
  hs_database* database_ = nullptr;  // null when every literal is empty
  uint64_t serial_ = 0;              // tells a thread's scratch which matchers it already fits
};

}  // namespace huntc
