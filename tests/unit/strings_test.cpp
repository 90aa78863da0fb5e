// String matching helpers, tested without the JIT.
#include <catch2/catch.hpp>

#include "runtime/strings.h"

using namespace huntc;

TEST_CASE("has: matches whole terms only", "[runtime][strings]") {
  CHECK_FALSE(StrHas("KustoExplorerQueryRun", "Explorer", false));
  CHECK(StrHas("Kusto Explorer QueryRun", "explorer", false));
  CHECK_FALSE(StrHas("Kusto Explorer", "explorer", true));
  CHECK(StrHas("https://pastebin.com/raw/x", "pastebin", false));
  CHECK_FALSE(StrHas("notpastebinx.com", "pastebin", false));
  CHECK(StrHas("C:\\Windows\\cmd.exe /c", "cmd.exe", false));
  CHECK(StrHas("run a.exe now", ".exe", false));
  CHECK(StrHas("", "", false));
  CHECK_FALSE(StrHas("", "a", false));
}

TEST_CASE("contains, startswith, endswith: case-insensitive unless _cs", "[runtime][strings]") {
  CHECK(StrContains("powershell -EncodedCommand", "-enc", false));
  CHECK_FALSE(StrContains("powershell -EncodedCommand", "-enc", true));
  CHECK(StrStartsWith("PowerShell.exe", "power", false));
  CHECK_FALSE(StrStartsWith("PowerShell.exe", "power", true));
  CHECK(StrEndsWith("PowerShell.EXE", ".exe", false));
  CHECK_FALSE(StrEndsWith("a", "ab", false));
  // Case-insensitive needles not starting with a letter: found by their first byte, then folded.
  CHECK(StrContains("a-b -ENC x", "-enc", false));
  CHECK_FALSE(StrContains("a-b -ENX x", "-enc", false));
  CHECK(StrContains("C:\\Users\\X\\AppData\\Local\\TEMP\\a.ps1", "\\temp\\", false));
  CHECK(StrContains("id 42ABC", "42abc", false));
  CHECK_FALSE(StrContains("id 42ABC", "42abc", true));
  CHECK(StrHas("x \\Temp\\y", "\\temp\\", false));
  CHECK(StrContains("caf\xc3\xa9 CAF\xc3\x89", "\xc3\x89", false));
  CHECK_FALSE(StrContains("caf\xc3\xa9", "\xc3\x89", false));  // only ASCII letters fold
}

TEST_CASE("string set: in is exact, in~ folds case", "[runtime][strings]") {
  const StringSet exact({"cmd.exe", "PowerShell.exe"}, false);
  const StringSet folded({"cmd.exe", "PowerShell.exe"}, true);
  CHECK(exact.Contains("cmd.exe"));
  CHECK_FALSE(exact.Contains("CMD.exe"));
  CHECK(folded.Contains("CMD.EXE"));
  CHECK(folded.Contains("powershell.exe"));
  CHECK_FALSE(folded.Contains("powershell.exe "));
}

TEST_CASE("string set: a short list and a long one, any length, the empty string", "[runtime][strings]") {
  // Up to 8 values are compared one by one, more are hashed: both must answer alike.
  std::vector<std::string> values = {"", "cmd.exe", "CMD.EXE", "a", std::string(70, 'X'), "wscript.exe"};
  for (const size_t extra : {size_t{0}, size_t{20}}) {
    std::vector<std::string> list = values;
    for (size_t i = 0; i < extra; ++i) list.push_back("file" + std::to_string(i) + ".exe");
    INFO(list.size() << " values");
    const StringSet exact(list, false);
    const StringSet folded(list, true);
    CHECK(exact.Contains(""));
    CHECK(exact.Contains("CMD.EXE"));
    CHECK_FALSE(exact.Contains("Cmd.exe"));
    CHECK(folded.Contains("Cmd.exe"));
    CHECK(folded.Contains(std::string(70, 'x')));  // longer than the lengths kept as bits
    CHECK_FALSE(exact.Contains(std::string(70, 'x')));
    CHECK_FALSE(folded.Contains(std::string(69, 'x')));
    CHECK_FALSE(folded.Contains("b"));
    CHECK_FALSE(folded.Contains("wscript.ex_"));
    CHECK(folded.Contains("WScript.EXE"));
    CHECK(exact.Contains("file3.exe") == (extra > 0));
  }
  CHECK_FALSE(StringSet({}, true).Contains(""));
}
