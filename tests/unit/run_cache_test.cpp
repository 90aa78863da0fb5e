// The kernel cache's whole-run entries (compiler/jit/run_cache.h) as `huntc run` of a folder of
// YAML rules uses them: a warm run from the entry alone, an edited rule, corrupt and truncated
// entries, two processes at once and the bound on entries; run as the built binary (HUNTC_EXE).
#include <catch2/catch.hpp>

#include <algorithm>
#include <regex>

#include "tests/unit/cli_util.h"

namespace {

using namespace huntc::test;

// Where a run's kernels came from, as --verbose says it.
struct Sources {
  int entry = -1, files = -1, compiled = -1;
};

struct CachedRun {
  std::string out;
  Sources from;
};

class RunCacheFixture {
 public:
  explicit RunCacheFixture(const std::string& name) : f_(name) {
    // Rules over two tables, so that an edit to one leaves the other's kernels as they were.
    Shell("mkdir " + f_.Path("rules") + " && cp rules/lolbin-network-connections.yaml rules/credential-dumping-command-lines.yaml " +
          f_.Path("rules"));
    f_.Add("events/DeviceNetworkEvents.jsonl",
           Shell("cat tests/rule-cases/lolbin-network-connections/positive/DeviceNetworkEvents.jsonl").out);
    f_.Add("events/DeviceProcessEvents.jsonl",
           R"({"Timestamp":"2026-11-19T10:00:00Z","DeviceName":"a","ActionType":"ProcessCreated","ProcessCommandLine":"x sekurlsa y","FileName":"m.exe"})"
           "\n");
  }

  CachedRun Run(const std::string& cache = "--cache-dir cache") const {
    const std::string flags = cache.starts_with("--cache-dir ") ? "--cache-dir " + f_.Path(cache.substr(12)) : cache;
    const huntc::test::Run run = Huntc("run " + f_.Path("rules") + " --events " + f_.Path("events") +
                                       " --now 2026-11-20T00:00:00Z --verbose " + flags + " 2>" + f_.Path("stderr"));
    REQUIRE(run.code == 0);
    CachedRun out{run.out, {}};
    const std::string err = Shell("cat " + f_.Path("stderr")).out;
    std::smatch m;
    if (std::regex_search(err, m, std::regex(R"(kernels: (\d+) from the run's cache entry[^,]*, (\d+) from cache files, (\d+) compiled)"))) {
      out.from = {std::stoi(m[1]), std::stoi(m[2]), std::stoi(m[3])};
    }
    return out;
  }
  // The cache's per-kernel files removed: what a run then loads must come from its entry.
  void DropKernelFiles() const { Shell("rm -f " + f_.Path("cache") + "/*.o " + f_.Path("cache") + "/*.data"); }
  std::string Entries() const { return Shell("cd " + f_.Path("cache") + " && ls run-*.pack").out; }
  const Fixture& f() const { return f_; }

 private:
  Fixture f_;
};

}  // namespace

TEST_CASE("run cache: a warm run loads every kernel from the whole-run entry", "[cache][run]") {
  const RunCacheFixture t("run-cache-hit");
  const CachedRun cold = t.Run();
  REQUIRE(!cold.out.empty());
  CHECK(cold.from.compiled > 0);
  const std::string entries = t.Entries();
  CHECK(std::count(entries.begin(), entries.end(), '\n') == 1);
  t.DropKernelFiles();
  const CachedRun warm = t.Run();
  CHECK(warm.out == cold.out);
  CHECK(warm.from.entry > 0);
  CHECK(warm.from.files == 0);
  CHECK(warm.from.compiled == 0);
  CHECK(t.Run("--no-cache").out == cold.out);
}

TEST_CASE("run cache: an edited rule compiles only its own kernels, the others come from the entry",
          "[cache][run]") {
  const RunCacheFixture t("run-cache-edit");
  const CachedRun cold = t.Run();
  REQUIRE(cold.from.compiled > 0);
  const std::string rule = t.f().Path("rules/lolbin-network-connections.yaml");
  REQUIRE(Shell("sed -i 's/\"mshta.exe\", //' " + rule).code == 0);
  const CachedRun edited = t.Run();
  CHECK(edited.out == t.Run("--no-cache").out);
  CHECK(edited.from.compiled > 0);
  CHECK(edited.from.compiled < cold.from.compiled);
  CHECK(edited.from.entry > 0);
  // The entry now holds the edited rule's kernels too.
  t.DropKernelFiles();
  const CachedRun again = t.Run();
  CHECK(again.out == edited.out);
  CHECK(again.from.compiled == 0);
  CHECK(again.from.files == 0);
}

TEST_CASE("run cache: a truncated, corrupt or foreign entry is not used and is written again", "[cache][run]") {
  const RunCacheFixture t("run-cache-corrupt");
  const CachedRun cold = t.Run();
  REQUIRE(!cold.out.empty());
  const std::string entry = t.f().Path("cache") + "/" + t.Entries().substr(0, t.Entries().find('\n'));
  const std::string damages[] = {
      "truncate -s 100 " + entry,
      // One byte of the content changed: its hash no longer matches.
      "printf 'X' | dd of=" + entry + " bs=1 seek=200 conv=notrunc status=none",
      "printf 'HUNTCPAKnot a pack at all' > " + entry,
      "printf 'not a pack' > " + entry,
  };
  for (const std::string& damage : damages) {
    INFO(damage);
    REQUIRE(Shell(damage).code == 0);
    t.DropKernelFiles();
    const CachedRun rebuilt = t.Run();
    CHECK(rebuilt.out == cold.out);
    CHECK(rebuilt.from.entry == 0);
    CHECK(rebuilt.from.compiled == cold.from.compiled);
    t.DropKernelFiles();
    const CachedRun warm = t.Run();
    CHECK(warm.out == cold.out);
    CHECK(warm.from.compiled == 0);
  }
}

TEST_CASE("run cache: two processes writing the entry at once both succeed and leave a whole entry",
          "[cache][run]") {
  const RunCacheFixture t("run-cache-concurrent");
  const std::string expected = t.Run("--no-cache").out;
  const std::string run = "'" HUNTC_EXE "' run " + t.f().Path("rules") + " --events " + t.f().Path("events") +
                          " --now 2026-11-20T00:00:00Z --cache-dir " + t.f().Path("cache");
  REQUIRE(Shell("(" + run + " > " + t.f().Path("out1") + " 2>/dev/null & " + run + " > " + t.f().Path("out2") +
                    " 2>/dev/null & wait)").code == 0);
  CHECK(Shell("cat " + t.f().Path("out1")).out == expected);
  CHECK(Shell("cat " + t.f().Path("out2")).out == expected);
  CHECK(Shell("ls " + t.f().Path("cache")).out.find(".tmp") == std::string::npos);
  t.DropKernelFiles();
  const CachedRun warm = t.Run();
  CHECK(warm.out == expected);
  CHECK(warm.from.compiled == 0);
}

TEST_CASE("run cache: the folder keeps only the newest entries", "[cache][run]") {
  const RunCacheFixture t("run-cache-bound");
  const std::string cache = t.f().Path("cache");
  std::string old;
  for (int i = 0; i < 20; ++i) old += " " + cache + "/run-old" + std::to_string(i) + ".pack";
  REQUIRE(Shell("mkdir -p " + cache + " && touch -d 2020-01-01" + old).code == 0);
  t.Run();
  const std::string entries = t.Entries();
  CHECK(std::count(entries.begin(), entries.end(), '\n') == 16);
  // The new entry and the 15 newest old ones.
  size_t old_left = 0;
  for (size_t at = entries.find("run-old"); at != std::string::npos; at = entries.find("run-old", at + 1)) ++old_left;
  CHECK(old_left == 15);
}
