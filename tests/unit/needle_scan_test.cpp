// The raw needle skim (runtime/needle_scan.h) must find exactly what a plain search finds, at
// every width the CPU runs, wherever the needles fall: block and page edges, line starts and
// ends, overlapping one another, in either case.
#include <catch2/catch.hpp>

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "runtime/needle_scan.h"

using namespace huntc;
using Width = NeedleScan::Width;
using Hit = NeedleScan::Hit;

namespace {

char Fold(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Every occurrence, by trying each needle at each position.
std::vector<Hit> Plain(const std::vector<std::string>& needles, std::string_view text) {
  std::vector<Hit> hits;
  for (size_t at = 0; at < text.size(); ++at) {
    for (size_t k = 0; k < needles.size(); ++k) {
      const std::string& n = needles[k];
      if (n.size() > text.size() - at) continue;
      bool same = true;
      for (size_t i = 0; i < n.size() && same; ++i) same = Fold(text[at + i]) == Fold(n[i]);
      if (same) hits.push_back({static_cast<uint32_t>(k), static_cast<uint32_t>(at + n.size())});
    }
  }
  return hits;
}

std::string Describe(const std::vector<Hit>& hits) {
  std::string s;
  for (const Hit& h : hits) {
    s += '(';
    s += std::to_string(h.id);
    s += ',';
    s += std::to_string(h.end);
    s += ')';
  }
  return s;
}

const Width kWidths[] = {Width::Best, Width::Portable, Width::Avx2, Width::Avx512, Width::Vbmi};

// Find at every width the CPU runs gives what Plain gives.
void CheckFinds(const NeedleScan& scan, const std::vector<std::string>& needles, std::string_view text) {
  const std::vector<Hit> want = Plain(needles, text);
  for (const Width width : kWidths) {
    if (!NeedleScan::Supported(width)) continue;
    std::vector<Hit> got;
    scan.Find(text.data(), text.size(), got, width);
    if (Describe(got) != Describe(want)) {
      FAIL_CHECK("width " << int(width) << " on '" << std::string(text) << "': got " << Describe(got) << ", want "
                          << Describe(want));
    }
  }
}

}  // namespace

TEST_CASE("raw needle skim: needles at every offset of blocks, lines and the data's ends", "[runtime][skim]") {
  const std::vector<std::string> needles = {"powershell.exe", "cmd.exe", "rundll32.exe", "-enc", "\"type\""};
  const NeedleScan scan(needles);
  for (const std::string& needle : needles) {
    for (size_t size : {size_t{20}, size_t{63}, size_t{64}, size_t{65}, size_t{130}, size_t{200}}) {
      for (size_t at = 0; at + needle.size() <= size; ++at) {
        std::string text(size, 'x');
        for (size_t i = 0; i < size; i += 37) text[i] = '\n';  // lines of 36 bytes
        text.replace(at, needle.size(), needle);
        CheckFinds(scan, needles, text);
      }
    }
  }
}

TEST_CASE("raw needle skim: letters in either case, other bytes exactly", "[runtime][skim]") {
  const std::vector<std::string> needles = {"PowerShell.EXE", "@b", "a`"};
  const NeedleScan scan(needles);
  CheckFinds(scan, needles, "C:\\POWERSHELL.exe powershell.Exe pOwErShElL.eXe");
  // '@' and '`' differ from 'a'... only in the bit that folds letters: no match across them.
  CheckFinds(scan, needles, "`b @B @b `B a@ A` a` @` ab");
  CheckFinds(scan, needles, "powershell_exe powershell.ex");
}

TEST_CASE("raw needle skim: overlapping and repeated needles", "[runtime][skim]") {
  const std::vector<std::string> needles = {"abab", "bab", "ab", "b", "ab"};
  const NeedleScan scan(needles);
  CheckFinds(scan, needles, "ababababab");
  CheckFinds(scan, needles, std::string(150, 'b') + "ABAB" + std::string(70, 'a'));
}

TEST_CASE("raw needle skim: table lookups of short needles, shared bits and bytes past ASCII",
          "[runtime][skim]") {
  // Past 8 needles, needles k and k + 8 share a bit of the tables (NeedleTablesVbmi); one or two
  // bytes long, they match any byte at the offsets past their end; the tables see the low 7 bits
  // of a byte, so a byte past ASCII is looked up as the one 0x80 below it (and the other way).
  const std::vector<std::string> needles = {"\xc3\xa9t\xc3\xa9", "a", ")b", "\tx", "zz", "\xc3\x89",
                                            "q\x01", "mshta", "rundll", "\"c", "\xff"};
  const NeedleScan scan(needles);
  const std::string pieces[] = {"\xc3\xa9t\xc3\xa9", "C)tC)", "\xc3\x89T\xc3\x89", ")B)b", "\x89\tX",
                                "ZzZ", "q\x81q\x01", "MSHTA", "mshtq", "rUNDLl", "\"C", "\x7f\xff", "A"};
  std::mt19937 rng(11);
  for (int round = 0; round < 200; ++round) {
    std::string text;
    const size_t target = rng() % 260;
    while (text.size() < target) {
      text += rng() % 3 ? std::string(rng() % 70, 'y') : pieces[rng() % std::size(pieces)];
    }
    CheckFinds(scan, needles, text);
  }
}

TEST_CASE("raw needle skim: random text against a plain search", "[runtime][skim]") {
  std::mt19937 rng(7);
  const std::string alphabet = "abcABC.-\"\n@`e";
  for (size_t count : {size_t{1}, size_t{3}, NeedleScan::kMaxNeedles, NeedleScan::kMaxNeedles + 3}) {
    std::vector<std::string> needles;
    for (size_t k = 0; k < count; ++k) {
      std::string n(1 + rng() % 5, ' ');
      for (char& c : n) c = alphabet[rng() % (alphabet.size() - 1)];  // no newline in a needle
      needles.push_back(n);
    }
    const NeedleScan scan(needles);
    for (int round = 0; round < 40; ++round) {
      std::string text(rng() % 300, ' ');
      for (char& c : text) c = alphabet[rng() % alphabet.size()];
      CheckFinds(scan, needles, text);
    }
  }
}

TEST_CASE("raw needle skim: reads nothing past the data, up to an unreadable page", "[runtime][skim]") {
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  void* area = ::mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  REQUIRE(area != MAP_FAILED);
  REQUIRE(::mprotect(static_cast<char*>(area) + page, page, PROT_NONE) == 0);
  const std::vector<std::string> needles = {"mshta.exe", "wscript.exe", "z"};
  const NeedleScan scan(needles);
  char* end = static_cast<char*>(area) + page;
  for (size_t size : {size_t{1}, size_t{9}, size_t{70}, size_t{1000}, page}) {
    char* data = end - size;
    std::memset(data, 'q', size);
    const std::string last = size >= 11 ? "wscript.exe" : "z";
    std::memcpy(end - last.size(), last.data(), last.size());
    for (const Width width : kWidths) {
      if (!NeedleScan::Supported(width)) continue;
      std::vector<Hit> got;
      scan.Find(data, size, got, width);
      REQUIRE(got.size() == 1);
      CHECK(got[0].end == size);
    }
  }
  ::munmap(area, 2 * page);
}
