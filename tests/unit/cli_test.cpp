// huntc run/query end to end, as a user runs it: inputs found by folder, glob and stdin, output
// formats, --strict, and a reader that closes the pipe early.
#include <catch2/catch.hpp>

#include <cstdio>
#include <sys/wait.h>

#include "tests/unit/archive_util.h"

namespace {

struct Result {
  int exit_code = -1;
  std::string out;
};

// Runs a bash command line with $HUNTC set to the built binary; stderr is discarded.
Result Shell(const std::string& command) {
  const std::string line = "HUNTC='" HUNTC_BINARY_DIR "/huntc' bash -c '" + command + "' 2>/dev/null";
  Result r;
  std::FILE* p = popen(line.c_str(), "r");
  REQUIRE(p);
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, p)) > 0;) r.out.append(buffer, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

size_t LineCount(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

const char kQuery[] = "\"DeviceNetworkEvents | where RemotePort > 100 | project DeviceName, RemotePort\"";

}  // namespace

TEST_CASE("cli: inputs by folder name, glob and stdin, table from the folder", "[cli]") {
  huntc::test::TempDir dir;
  std::string events;
  for (int i = 0; i < 1000; ++i) {
    events += "{\"DeviceName\":\"w" + std::to_string(i) + "\",\"RemotePort\":" + std::to_string(i) + "}\n";
  }
  dir.Write("DeviceNetworkEvents/y=2026/m=11/d=20/h=10/m=00/PT1H.json", events);
  dir.Write("zst/DeviceNetworkEvents.jsonl.zst", huntc::test::Zstd(events));
  const std::string q = std::string("$HUNTC query ") + kQuery;
  const std::string root = dir.path.string();
  CHECK(LineCount(Shell(q + " --events " + root + "/DeviceNetworkEvents").out) == 899);
  CHECK(LineCount(Shell(q + " --events \"" + root + "/z*/*.zst\"").out) == 899);
  CHECK(LineCount(Shell("cat " + root + "/zst/*.zst | " + q + " --events - --table DeviceNetworkEvents").out) == 899);
  // Both files, found by walking the whole folder.
  const Result both = Shell(q + " --events " + root + " --threads 2");
  CHECK(both.exit_code == 0);
  CHECK(LineCount(both.out) == 2 * 899);
}

TEST_CASE("cli: csv and table formats, -o", "[cli]") {
  huntc::test::TempDir dir;
  const std::string file = dir.Write("DeviceNetworkEvents.jsonl",
                                     "{\"DeviceName\":\"a, b\",\"RemotePort\":443}\n{\"DeviceName\":\"c\",\"RemotePort\":80}\n");
  const std::string q = std::string("$HUNTC query ") + kQuery + " --events " + file;
  CHECK(Shell(q + " --format csv").out == "DeviceName,RemotePort\n\"a, b\",443\n");
  CHECK(Shell(q + " --format table").out == "DeviceName  RemotePort\na, b        443\n");
  const std::string out = (dir.path / "out.jsonl").string();
  CHECK(Shell(q + " -o " + out).out.empty());
  CHECK(huntc::test::ReadAll(out) == "{\"row\": {\"DeviceName\": \"a, b\", \"RemotePort\": 443}}\n");
}

TEST_CASE("cli: --strict stops at the first bad record with exit code 1", "[cli]") {
  huntc::test::TempDir dir;
  const std::string file = dir.Write("DeviceNetworkEvents.jsonl",
                                     "{\"DeviceName\":\"a\",\"RemotePort\":443}\n{\"DeviceName\":\n{\"DeviceName\":\"c\",\"RemotePort\":999}\n");
  const std::string q = std::string("$HUNTC query ") + kQuery + " --events " + file;
  const Result lenient = Shell(q);
  CHECK(lenient.exit_code == 0);
  CHECK(LineCount(lenient.out) == 2);
  CHECK(Shell(q + " --strict").exit_code == 1);
  const std::string typed = dir.Write("DeviceNetworkEvents2.jsonl", "{\"DeviceName\":\"a\",\"RemotePort\":\"x\"}\n");
  CHECK(Shell(std::string("$HUNTC query ") + kQuery + " --strict --events " + typed).exit_code == 1);
}

TEST_CASE("cli: a pipe closed early ends the run quietly with exit code 0", "[cli]") {
  huntc::test::TempDir dir;
  std::string events;
  for (int i = 0; i < 200000; ++i) events += "{\"DeviceName\":\"w\",\"RemotePort\":443}\n";
  const std::string file = dir.Write("DeviceNetworkEvents.jsonl", events);
  const Result r = Shell(std::string("$HUNTC query ") + kQuery + " --events " + file +
                         " | head -1; exit ${PIPESTATUS[0]}");
  CHECK(r.exit_code == 0);
  CHECK(LineCount(r.out) == 1);
}
