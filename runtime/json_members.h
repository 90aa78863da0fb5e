// The key layout of a table's JSON lines, so that the line scanner can read a line laid out like
// the previous one by position: the i-th member's key (with its colon) is compared with the
// layout's i-th in vector compares, and only the wanted members' values are staged, the others
// only checked.
//
// Lines of one archive nearly always share a layout (the same keys in the same order), so the
// column of each member is found once per layout instead of once per member of every line. A line
// whose keys differ in any way (renamed, reordered, added, dropped) is read by the general path,
// which then learns its layout.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>  // SSE2 in every x86-64 CPU; AVX-512 chosen by the caller
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace huntc {

class MemberLayout {
 public:
  static constexpr uint32_t kUnread = UINT32_MAX;  // a member no column wants

  // Whether there is a layout to read lines by.
  bool ready() const { return ready_; }
  size_t size() const { return members_.size(); }
  // The column of member k, or kUnread.
  uint32_t column(size_t k) const { return members_[k].column; }
  // The member whose key is `Type`, naming the record's table (a Log Analytics export), or
  // kNoTableMember: a line is read by the layout only when its value there is the table's name,
  // in plain bytes, which the scanner checks.
  static constexpr size_t kNoTableMember = SIZE_MAX;
  size_t table_member() const { return table_member_; }
  // The bytes of member k's quoted key and colon.
  uint32_t length(size_t k) const { return members_[k].length; }
  // Nonzero when the `size` bytes at `text` (of which at least kReadable are readable) do not
  // start with member k's quoted key and colon. A key is a plain string (Add), so bytes equal to
  // it are that string, and the colon after them the next token.
  uint32_t KeyDiffers(size_t k, const char* text, size_t size) const;
#if defined(__x86_64__) && defined(__GNUC__)
  // KeyDiffers for the CPUs with AVX-512 (chosen by the caller): 64 bytes compared at once and
  // the key's bits of the result kept, instead of two or three compares of 16 bytes and their
  // masks. It reads kLoaded bytes of `text`, which must be readable.
  [[gnu::target("avx512bw")]] uint32_t KeyDiffersAvx512(size_t k, const char* text, size_t size) const;
#endif
  // Bytes KeyDiffers may read from its text: a key and colon of up to 48 bytes (Defender's
  // longest keys among them) is compared inline, a longer one by memcmp.
  static constexpr size_t kReadable = 48;
  static constexpr size_t kLoaded = 64;  // KeyDiffersAvx512's

  // Learning a layout from a line: Begin, then Add for each member in order (the key with its
  // quotes and the colon right after it, as they appear in the line), then Finish once the line
  // was read whole. Until Finish, the layout is not ready.
  void Begin();
  // Adds a member; a key with a backslash makes the layout unusable until the next Begin: a
  // key's bytes are then not the only spelling of its text. `names_table`: the member is the
  // line's `Type` (table_member); a second one makes the layout unusable.
  void Add(std::string_view keyed, uint32_t column, bool names_table = false);
  // A line whose table the layout cannot check (an envelope's `category`, a `Type` that is not
  // text) has no layout: the scanner must see it.
  void Refuse() { usable_ = false; }
  void Finish() {
    ready_ = usable_ && !members_.empty();
    usable_ = false;  // Add learns nothing more until the next Begin
  }

 private:
  bool ready_ = false;
  bool usable_ = false;
  size_t table_member_ = kNoTableMember;
  // What KeyDiffers reads of a member, side by side.
  struct Member {
    char key[kLoaded];  // the first kReadable bytes of the quoted key and colon, zero-padded
    uint32_t length;    // of the quoted key and colon
    uint64_t want;      // a bit for each of the key's bytes among the first kReadable
    uint32_t column;    // or kUnread
  };
  std::vector<Member> members_;
  std::vector<std::string> long_;  // per member, its whole key and colon when over kReadable bytes
};

[[gnu::always_inline]] inline uint32_t MemberLayout::KeyDiffers(size_t k, const char* text, size_t size) const {
  const Member& m = members_[k];
  if (m.length > kReadable) return m.length > size || std::memcmp(text, long_[k].data(), m.length) != 0;
  const char* key = m.key;
#if defined(__SSE2__)
  // Compares of 16 bytes and a mask of the key's length: no loop, and a branch only for the few
  // keys past 32 bytes.
  const auto equal = [&](size_t at) {
    return static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(
               _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(text + at)),
                              _mm_loadu_si128(reinterpret_cast<const __m128i*>(key + at))))))
           << at;
  };
  uint64_t same = equal(0) | equal(16);
  if (m.length > 32) same |= equal(32);
  return (~same & m.want) != 0;
#else
  return std::memcmp(text, key, m.length) != 0;
#endif
}

#if defined(__x86_64__) && defined(__GNUC__)
[[gnu::target("avx512bw"), gnu::always_inline]] inline uint32_t MemberLayout::KeyDiffersAvx512(size_t k, const char* text,
                                                                                          size_t size) const {
  const Member& m = members_[k];
  if (m.length > kReadable) return m.length > size || std::memcmp(text, long_[k].data(), m.length) != 0;
  // Plain loads, not ones that mask the bytes past the key off, which cost more on some CPUs (an
  // AMD EPYC: hunt b's user CPU 0.03 to 0.25 s more over 10 M events, in runs on a busy host).
  return (_mm512_cmpneq_epi8_mask(_mm512_loadu_si512(text), _mm512_loadu_si512(m.key)) & m.want) != 0;
}
#endif

}  // namespace huntc
