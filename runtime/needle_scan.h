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

namespace huntc {

class NeedleScan {
 public:
  // Past this many needles one Hyperscan scan is cheaper than two probes per needle.
  static constexpr size_t kMaxNeedles = 12;
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

  // A needle's two probes: byte offsets (the first always 0, so one load serves every needle)
  // and the bytes to compare there, `fold` (0x20 for a letter, else 0) or-ed into the text's
  // byte first.
  struct Probe {
    uint32_t offset[2];
    uint8_t byte[2];
    uint8_t fold[2];
  };

 private:
  std::vector<std::string> needles_;  // letters in lower case
  std::vector<Probe> probes_;
  size_t reach_ = 0;  // the largest probe offset plus one: how far past a position a probe reads
};

}  // namespace huntc
