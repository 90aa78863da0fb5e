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

#include <cstddef>
#include <cstdint>
#include <string>
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
  // How the blocks are probed: Best is the widest the CPU runs; the others are for tests.
  enum class Width : uint8_t { Best, Portable, Avx2, Avx512 };

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

 private:
  std::vector<std::string> needles_;  // letters in lower case
  std::vector<Probe> probes_;
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
#endif

}  // namespace huntc
