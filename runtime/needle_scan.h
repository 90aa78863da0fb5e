// A few short needles searched in raw bytes, ASCII letters folded: the prefilter's skim of a
// window of JSON lines (runtime/event_reader.cpp, SkimWindow).
//
// Hyperscan finds a handful of literals at about 6 GB/s; a skim that reads most bytes only to
// search them wants more. Each needle is probed at two of its bytes, the two rarest in event
// text, at every position of a block of bytes at once (64 with AVX-512, 32 with AVX2, chosen at
// run time); only the positions where both probes hold are compared with the whole needle. The
// cost grows with the number of needles, so the reader uses it for few (kMaxNeedles) and
// Hyperscan beyond.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "runtime/literal_matcher.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

namespace huntc {

class NeedleScan {
 public:
  // Past this many needles one Hyperscan scan is cheaper than two probes per needle.
  static constexpr size_t kMaxNeedles = 12;
  // Up to this many needles a loop over blocks that does other work too (the skim's) keeps their
  // probes in vector registers beside its own (NeedleBlocksAvx512); past it, Find on its own.
  static constexpr size_t kMaxFused = 6;
  // Blocks with candidates a block loop keeps before it looks at them (Candidates): a call from
  // the loop costs spilling every vector register.
  static constexpr size_t kPending = 32;
  // The first bytes of each needle that NeedleTablesVbmi looks up, and the fewest needles it is
  // used for: for one or two, their two probes cost fewer instructions than its lookups.
  static constexpr size_t kLookups = 3;
  static constexpr size_t kTablesFrom = 3;
  // How the blocks are probed: Best is the widest the CPU runs; the others are for tests.
  // Vbmi: AVX-512 with NeedleTablesVbmi from kTablesFrom needles on.
  enum class Width : uint8_t { Best, Portable, Avx2, Avx512, Vbmi };

  // `needles` must be non-empty strings (ids are their indexes); letters match either case. Past
  // kMaxNeedles of them every position is probed one at a time (correct, but slow).
  explicit NeedleScan(std::vector<std::string> needles);

  // An occurrence: the needle's id and the offset just past it (as Hyperscan reports them).
  using Hit = LiteralMatcher::Occurrence;
  // Appends every occurrence of every needle in data[0, size), in order of their starts (then
  // ids). Reads no byte outside data[0, size).
  void Find(const char* data, size_t size, std::vector<Hit>& out, Width width = Width::Best) const;
  // Whether the CPU runs `width` (Best and Portable: always).
  static bool Supported(Width width);

  size_t size() const { return needles_.size(); }

  // How a loop over blocks ends Find: the occurrences at the candidate bits of `n` rows (each a
  // block's offset, then one mask per needle of the positions where both its probes held), then
  // every position from `from` on, one at a time.
  void Candidates(const char* data, size_t size, const uint64_t* rows, size_t n, std::vector<Hit>& out) const;
  void Rest(const char* data, size_t size, size_t from, std::vector<Hit>& out) const;

  // A needle's two probes: byte offsets (the first always 0, so one load serves every needle)
  // and the bytes to compare there, `fold` (0x20 for a letter, else 0) or-ed into the text's
  // byte first.
  struct Probe {
    uint32_t offset[2];
    uint8_t byte[2];
    uint8_t fold[2];
  };

  const Probe* probes() const { return probes_.data(); }
  size_t reach() const { return reach_; }
  // NeedleTablesVbmi's table of the needles' bytes at `offset` (below kLookups): bit k % 8 of
  // entry b (of 128) is set when needle k may hold there a byte whose low 7 bits are b (either
  // case of a letter; any byte past the needle's end).
  const uint8_t* table(size_t offset) const { return tables_[offset].data(); }

 private:
  std::vector<std::string> needles_;  // letters in lower case
  std::vector<Probe> probes_;
  std::array<std::array<uint8_t, 128>, kLookups> tables_{};
  size_t reach_ = 0;  // the largest probe offset plus one: how far past a position a probe reads
};

#if defined(__x86_64__) && defined(__GNUC__)
// Find's probes of N needles (a constant, so that they stay in registers) over the 64-byte blocks
// of data[0, size), each block handed in by a loop that loaded it for its own work too: the skim
// (runtime/event_reader.cpp, FindLines) reads each byte of a window once for both. Blocks are
// probed in order from offset 0 while Fits; Finish then finds what they hold and the rest.
template <size_t N>
class NeedleBlocksAvx512 {
 public:
  [[gnu::target("avx512bw"), gnu::always_inline]] NeedleBlocksAvx512(const NeedleScan& scan, const char* data,
                                                                     size_t size, std::vector<NeedleScan::Hit>& out)
      : scan_(scan), data_(data), size_(size), reach_(scan.reach()), out_(out) {
    for (size_t k = 0; k < 2 * N; ++k) {
      want_[k] = _mm512_set1_epi8(static_cast<char>(scan.probes()[k / 2].byte[k % 2] | kFold));
      offset_[k] = scan.probes()[k / 2].offset[k % 2];
    }
  }

  // Whether the block at `at` can be probed: its probes read inside the data.
  [[gnu::always_inline]] bool Fits(size_t at) const { return at + 64 + reach_ - 1 <= size_; }
  // Probes the block at `at` (the next one), whose bytes are `first`.
  [[gnu::target("avx512bw"), gnu::always_inline]] void Probe(size_t at, __m512i first) {
    const char* p = data_ + at;
    const __m512i a = _mm512_or_si512(first, _mm512_set1_epi8(kFold));  // every first probe is at offset 0
    uint64_t any = 0;
    for (size_t k = 0; k < N; ++k) {
      const __m512i b = _mm512_or_si512(_mm512_loadu_si512(p + offset_[2 * k + 1]), _mm512_set1_epi8(kFold));
      const uint64_t mask = _mm512_mask_cmpeq_epi8_mask(_mm512_cmpeq_epi8_mask(a, want_[2 * k]), b, want_[2 * k + 1]);
      pending_[waiting_][k + 1] = mask;
      any |= mask;
    }
    pending_[waiting_][0] = at;
    waiting_ += any != 0;
    if (waiting_ == NeedleScan::kPending) {
      scan_.Candidates(data_, size_, &pending_[0][0], waiting_, out_);
      waiting_ = 0;
    }
    next_ = at + 64;
  }
  // Appends the occurrences in the blocks probed and in the bytes after them.
  void Finish() {
    scan_.Candidates(data_, size_, &pending_[0][0], waiting_, out_);
    scan_.Rest(data_, size_, next_, out_);
  }

 private:
  // Every byte probed is folded, not only letters: a few more candidates (a byte other than a
  // letter also matches the one 0x20 from it, mostly a control character), but the fold of each
  // needle's first probe is done once for all, and a fold vector per probe does not take a
  // register.
  static constexpr char kFold = 0x20;
  const NeedleScan& scan_;
  const char* data_;
  size_t size_;
  size_t reach_;
  std::vector<NeedleScan::Hit>& out_;
  __m512i want_[2 * N];
  size_t offset_[2 * N];
  uint64_t pending_[NeedleScan::kPending][N + 1];
  size_t waiting_ = 0;
  size_t next_ = 0;  // where the blocks probed end
};

// NeedleBlocksAvx512 for the CPUs with AVX-512 VBMI, for kTablesFrom needles or more: each
// position is looked up at each of its first kLookups bytes in the needles' tables
// (NeedleScan::table), one byte permute of 128 entries per byte for all the needles at once. A
// block then costs the same few instructions however many needles there are, where two probes
// cost two compares per needle (both on the one port that also runs the window loop's own
// compares), and the candidates are the positions that hold a needle's first three bytes: in
// events about a sixth of those where the two probes of hunt a's and c's needles hold. More than
// 8 needles share the 8 bits of an entry (k % 8): more candidates, each still compared whole.
template <size_t N>
class NeedleTablesVbmi {
 public:
  [[gnu::target("avx512bw,avx512vbmi"), gnu::always_inline]] NeedleTablesVbmi(const NeedleScan& scan,
                                                                              const char* data, size_t size,
                                                                              std::vector<NeedleScan::Hit>& out)
      : scan_(scan), data_(data), size_(size), out_(out) {
    for (size_t j = 0; j < NeedleScan::kLookups; ++j) {
      low_[j] = _mm512_loadu_si512(scan.table(j));
      high_[j] = _mm512_loadu_si512(scan.table(j) + 64);
    }
  }

  [[gnu::always_inline]] bool Fits(size_t at) const { return at + 64 + NeedleScan::kLookups - 1 <= size_; }
  [[gnu::target("avx512bw,avx512vbmi"), gnu::always_inline]] void Probe(size_t at, __m512i first) {
    const char* p = data_ + at;
    Keep(at, Lookup(first, _mm512_loadu_si512(p + 1), _mm512_loadu_si512(p + 2)), ~uint64_t{0});
  }
  // The blocks past the last that Fits are read with the bytes past the data masked off (zeros,
  // which the positions past it look up), and only their positions in the data kept.
  [[gnu::target("avx512bw,avx512vbmi")]] void Finish() {
    static_assert(NeedleScan::kLookups == 3);
    for (size_t at = next_; at < size_; at += 64) {
      const char* p = data_ + at;
      Keep(at,
           Lookup(_mm512_maskz_loadu_epi8(Inside(at), p), _mm512_maskz_loadu_epi8(Inside(at + 1), p + 1),
                  _mm512_maskz_loadu_epi8(Inside(at + 2), p + 2)),
           Inside(at));
    }
    scan_.Candidates(data_, size_, &pending_[0][0], waiting_, out_);
  }

 private:
  // The bits of the needles that may start at each position, given the bytes at its offsets 0, 1
  // and 2 (the permute reads the low 7 bits of each).
  [[gnu::target("avx512bw,avx512vbmi"), gnu::always_inline]] __m512i Lookup(__m512i b0, __m512i b1,
                                                                           __m512i b2) const {
    return _mm512_ternarylogic_epi64(_mm512_permutex2var_epi8(low_[0], b0, high_[0]),
                                     _mm512_permutex2var_epi8(low_[1], b1, high_[1]),
                                     _mm512_permutex2var_epi8(low_[2], b2, high_[2]), 0x80);  // a & b & c
  }
  // The bits of the 64 bytes from `from` that lie in the data.
  uint64_t Inside(size_t from) const {
    if (from >= size_) return 0;
    return size_ - from >= 64 ? ~uint64_t{0} : (uint64_t{1} << (size_ - from)) - 1;
  }
  // Keeps the block at `at` when a needle may start at one of its positions in `where`: most
  // blocks have none, and cost no mask per needle. A byte is nonzero when adding 0x7f to it
  // (saturated) sets its top bit: an add and a move of the top bits, which run beside the
  // permutes, where a test of the bytes would wait for their port (about a tenth of the
  // lookups' loop in the pack of hunts a, b, c).
  [[gnu::target("avx512bw,avx512vbmi"), gnu::always_inline]] void Keep(size_t at, __m512i found, uint64_t where) {
    next_ = at + 64;
    if (!(_mm512_movepi8_mask(_mm512_adds_epu8(found, _mm512_set1_epi8(0x7f))) & where)) return;
    for (size_t k = 0; k < N; ++k) {
      pending_[waiting_][k + 1] =
          _mm512_mask_test_epi8_mask(where, found, _mm512_set1_epi8(static_cast<char>(1 << (k % 8))));
    }
    pending_[waiting_][0] = at;
    if (++waiting_ == NeedleScan::kPending) {
      scan_.Candidates(data_, size_, &pending_[0][0], waiting_, out_);
      waiting_ = 0;
    }
  }

  const NeedleScan& scan_;
  const char* data_;
  size_t size_;
  std::vector<NeedleScan::Hit>& out_;
  __m512i low_[NeedleScan::kLookups];   // entries 0 to 63 of each table
  __m512i high_[NeedleScan::kLookups];  // entries 64 to 127
  uint64_t pending_[NeedleScan::kPending][N + 1];
  size_t waiting_ = 0;
  size_t next_ = 0;  // where the blocks looked up end
};

// The block loop for N needles on a CPU with AVX-512 VBMI.
template <size_t N>
using NeedleBlocksVbmi =
    std::conditional_t<(N >= NeedleScan::kTablesFrom), NeedleTablesVbmi<N>, NeedleBlocksAvx512<N>>;
#endif

}  // namespace huntc
