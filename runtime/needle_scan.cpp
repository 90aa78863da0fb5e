// Two probes per needle over blocks of bytes, then a whole comparison where both hold.
#include "runtime/needle_scan.h"

#include <algorithm>
#include <array>
#include <utility>
#include <bit>
#include <cstring>
#include <string_view>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HUNTC_NEEDLE_SIMD 1
#endif

namespace huntc {

namespace {

bool IsLetter(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

// Bytes of JSON-lines events from the most to the least common, letters folded (counted over
// generated DeviceNetworkEvents: keys, GUIDs, IP addresses, paths and command lines); a byte
// not listed is rarer than all of them. A needle is probed at its two rarest bytes.
constexpr std::string_view kCommonFirst =
    "\"eitocansrpl:\\,md1.02gf-4635uv8 97xybhwkz={}j/q()%'&_|";

size_t Rarity(unsigned char c) {
  const size_t at = kCommonFirst.find(static_cast<char>(IsLetter(c) ? c | 0x20 : c));
  return at == std::string_view::npos ? kCommonFirst.size() : at;
}

// The state of one Find: what the block loops report candidates to.
struct Search {
  const std::vector<std::string>& needles;
  const NeedleScan::Probe* probes;
  size_t count;
  const char* data;
  size_t size;
  std::vector<NeedleScan::Hit>& out;

  // Whether needle k occurs at `at` (letters folded).
  bool Occurs(size_t k, size_t at) const {
    const std::string& n = needles[k];
    if (n.size() > size - at) return false;
    for (size_t i = 0; i < n.size(); ++i) {
      const unsigned char want = static_cast<unsigned char>(n[i]);
      const unsigned char c = static_cast<unsigned char>(data[at + i]);
      if ((IsLetter(want) ? c | 0x20 : c) != want) return false;
    }
    return true;
  }
  void Emit(size_t k, size_t at) const {
    out.push_back({static_cast<uint32_t>(k), static_cast<uint32_t>(at + needles[k].size())});
  }
  // The blocks of `rows`, each its offset and then the masks of `count` needles, whose probes
  // both held at their bits (NeedleScan::kPending of them at most).
  void Candidates(const uint64_t* rows, size_t n) const {
    for (const uint64_t* row = rows; row < rows + n * (count + 1); row += count + 1) {
      uint64_t any = 0;
      for (size_t k = 0; k < count; ++k) any |= row[k + 1];
      Candidates(static_cast<size_t>(row[0]), row + 1, any);
    }
  }
  // The block at `from` whose probes both held at the bits of masks[k] (any: their union).
  void Candidates(size_t from, const uint64_t* masks, uint64_t any) const {
    for (; any; any &= any - 1) {
      const int bit = std::countr_zero(any);
      for (size_t k = 0; k < count; ++k) {
        if ((masks[k] >> bit) & 1 && Occurs(k, from + static_cast<size_t>(bit))) Emit(k, from + static_cast<size_t>(bit));
      }
    }
  }
  // Every position from `from` on, one at a time.
  void Portable(size_t from) const {
    for (size_t at = from; at < size; ++at) {
      for (size_t k = 0; k < count; ++k) {
        const NeedleScan::Probe& p = probes[k];
        if (p.offset[1] >= size - at) continue;  // offset[1] is the larger
        if ((static_cast<unsigned char>(data[at + p.offset[0]]) | p.fold[0]) != p.byte[0] ||
            (static_cast<unsigned char>(data[at + p.offset[1]]) | p.fold[1]) != p.byte[1]) {
          continue;
        }
        if (Occurs(k, at)) Emit(k, at);
      }
    }
  }
};

#if defined(HUNTC_NEEDLE_SIMD)
// Every occurrence of N needles, by blocks of 64 positions while their probes read inside the
// data.
template <size_t N>
[[gnu::target("avx512bw")]] void FindAvx512(const NeedleScan& scan, const char* data, size_t size,
                                            std::vector<NeedleScan::Hit>& out) {
  NeedleBlocksAvx512<N> blocks(scan, data, size, out);
  for (size_t at = 0; blocks.Fits(at); at += 64) blocks.Probe(at, _mm512_loadu_si512(data + at));
  blocks.Finish();
}

// FindAvx512 with NeedleBlocksVbmi.
template <size_t N>
[[gnu::target("avx512bw,avx512vbmi")]] void FindVbmi(const NeedleScan& scan, const char* data, size_t size,
                                                     std::vector<NeedleScan::Hit>& out) {
  NeedleBlocksVbmi<N> blocks(scan, data, size, out);
  for (size_t at = 0; blocks.Fits(at); at += 64) blocks.Probe(at, _mm512_loadu_si512(data + at));
  blocks.Finish();
}

// The blocks of 32 positions whose probes read inside the data, for N needles (a constant, so
// that the probes stay in registers); returns where they stop.
template <size_t N>
[[gnu::target("avx2")]] size_t BlocksAvx2(const Search& s, size_t reach) {
  __m256i want[2 * N], fold[2 * N];
  size_t offset[2 * N];
  for (size_t k = 0; k < 2 * N; ++k) {
    want[k] = _mm256_set1_epi8(static_cast<char>(s.probes[k / 2].byte[k % 2]));
    fold[k] = _mm256_set1_epi8(static_cast<char>(s.probes[k / 2].fold[k % 2]));
    offset[k] = s.probes[k / 2].offset[k % 2];
  }
  uint64_t pending[NeedleScan::kPending][N + 1];
  size_t waiting = 0;
  size_t at = 0;
  for (; at + 32 + reach - 1 <= s.size; at += 32) {
    const char* p = s.data + at;
    const __m256i first = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));  // at offset 0
    uint64_t any = 0;
    for (size_t k = 0; k < N; ++k) {
      const __m256i a = _mm256_or_si256(first, fold[2 * k]);
      const __m256i b = _mm256_or_si256(
          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + offset[2 * k + 1])), fold[2 * k + 1]);
      const __m256i both = _mm256_and_si256(_mm256_cmpeq_epi8(a, want[2 * k]), _mm256_cmpeq_epi8(b, want[2 * k + 1]));
      const uint64_t mask = static_cast<uint32_t>(_mm256_movemask_epi8(both));
      pending[waiting][k + 1] = mask;
      any |= mask;
    }
    pending[waiting][0] = at;
    waiting += any != 0;
    if (waiting == NeedleScan::kPending) {
      s.Candidates(&pending[0][0], waiting);
      waiting = 0;
    }
  }
  s.Candidates(&pending[0][0], waiting);
  return at;
}

using Finds = void (*)(const NeedleScan&, const char*, size_t, std::vector<NeedleScan::Hit>&);
using Blocks = size_t (*)(const Search&, size_t);
// The block loops for 1 to kMaxNeedles needles.
template <size_t... K>
constexpr std::array<Finds, sizeof...(K)> Avx512Loops(std::index_sequence<K...>) {
  return {&FindAvx512<K + 1>...};
}
template <size_t... K>
constexpr std::array<Finds, sizeof...(K)> VbmiLoops(std::index_sequence<K...>) {
  return {&FindVbmi<K + 1>...};
}
template <size_t... K>
constexpr std::array<Blocks, sizeof...(K)> Avx2Loops(std::index_sequence<K...>) {
  return {&BlocksAvx2<K + 1>...};
}
constexpr auto kAvx512Loops = Avx512Loops(std::make_index_sequence<NeedleScan::kMaxNeedles>());
constexpr auto kVbmiLoops = VbmiLoops(std::make_index_sequence<NeedleScan::kMaxNeedles>());
constexpr auto kAvx2Loops = Avx2Loops(std::make_index_sequence<NeedleScan::kMaxNeedles>());
#endif

}  // namespace

NeedleScan::NeedleScan(std::vector<std::string> needles) : needles_(std::move(needles)) {
  for (std::string& n : needles_) {
    for (char& c : n) c = static_cast<char>(IsLetter(static_cast<unsigned char>(c)) ? c | 0x20 : c);
    // The first byte (one load for every needle), and the rarest of the others.
    size_t best[2] = {0, 0};
    for (size_t j = 1; j < n.size(); ++j) {
      if (best[1] == 0 || Rarity(static_cast<unsigned char>(n[j])) > Rarity(static_cast<unsigned char>(n[best[1]]))) best[1] = j;
    }
    Probe& p = probes_.emplace_back();
    for (int j = 0; j < 2; ++j) {
      const unsigned char c = static_cast<unsigned char>(n[best[j]]);
      p.offset[j] = static_cast<uint32_t>(best[j]);
      p.byte[j] = c;
      p.fold[j] = IsLetter(c) ? 0x20 : 0;
    }
    reach_ = std::max(reach_, size_t{p.offset[1]} + 1);
    const auto bit = static_cast<uint8_t>(1u << ((probes_.size() - 1) % 8));
    for (size_t j = 0; j < kLookups; ++j) {
      std::array<uint8_t, 128>& table = tables_[j];
      if (j >= n.size()) {
        for (uint8_t& entry : table) entry |= bit;
        continue;
      }
      const auto c = static_cast<unsigned char>(n[j]);
      table[c & 0x7f] |= bit;
      if (IsLetter(c)) table[(c ^ 0x20) & 0x7f] |= bit;  // its upper case
    }
  }
}

bool NeedleScan::Supported(Width width) {
#if defined(HUNTC_NEEDLE_SIMD)
  __builtin_cpu_init();  // may run before the constructor that would have done it
  switch (width) {
    case Width::Best:
    case Width::Portable: return true;
    case Width::Avx2: return __builtin_cpu_supports("avx2");
    case Width::Avx512: return __builtin_cpu_supports("avx512bw");
    case Width::Vbmi: return __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vbmi");
  }
  return false;
#else
  return width == Width::Best || width == Width::Portable;
#endif
}

void NeedleScan::Find(const char* data, size_t size, std::vector<Hit>& out, Width width) const {
  const Search s{needles_, probes_.data(), needles_.size(), data, size, out};
  size_t at = 0;  // where the blocks stop: the rest one position at a time
#if defined(HUNTC_NEEDLE_SIMD)
  static const Width best = Supported(Width::Vbmi)     ? Width::Vbmi
                            : Supported(Width::Avx512) ? Width::Avx512
                            : Supported(Width::Avx2) ? Width::Avx2
                                                     : Width::Portable;
  // The blocks keep one mask per needle on the stack: more needles are probed one at a time.
  switch (needles_.size() > kMaxNeedles ? Width::Portable : width == Width::Best ? best : width) {
    case Width::Vbmi: kVbmiLoops[needles_.size() - 1](*this, data, size, out); return;
    case Width::Avx512: kAvx512Loops[needles_.size() - 1](*this, data, size, out); return;
    case Width::Avx2: at = kAvx2Loops[needles_.size() - 1](s, reach_); break;
    default: break;
  }
#else
  (void)width;
#endif
  s.Portable(at);
}

void NeedleScan::Candidates(const char* data, size_t size, const uint64_t* rows, size_t n,
                            std::vector<Hit>& out) const {
  Search{needles_, probes_.data(), needles_.size(), data, size, out}.Candidates(rows, n);
}

void NeedleScan::Rest(const char* data, size_t size, size_t from, std::vector<Hit>& out) const {
  Search{needles_, probes_.data(), needles_.size(), data, size, out}.Portable(from);
}

}  // namespace huntc
