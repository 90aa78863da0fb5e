// Rule packs (`huntc compile`): the pack file format refuses every truncation and corruption
// with a reason; a Jit given a pack's kernels uses them instead of compiling; and, as a user
// runs the built huntc (HUNTC_EXE): compile, run/test/explain of a pack, exit codes, and packs
// of another huntc version or target compiled again from their rules.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "compiler/driver/compile.h"
#include "compiler/jit/pack_file.h"
#include "tests/unit/cli_util.h"

using namespace huntc;
using huntc::test::Huntc;

namespace {

const std::string kRules =
    "rules/lolbin-network-connections.yaml rules/pastebin-or-encoded-command.yaml rules/public-remote-admin-ports.yaml";
const std::string kEvents =
    " --events tests/rule-cases/lolbin-network-connections/positive/DeviceNetworkEvents.jsonl "
    "--now 2026-11-20T00:00:00Z";

Pack SamplePack() {
  Pack pack;
  pack.huntc_version = std::string(HuntcVersion());
  pack.target_id = "some target";
  pack.rules = {{"a.yaml", "query: T"}, {"b.yaml", "query: U | take 1"}};
  pack.kernels = {{"00ff", std::string("\x7f" "ELF\0\1", 6)}};
  return pack;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Each query compiled for the JIT, on its own (a query file named q.kql).
std::vector<std::unique_ptr<CompiledQuery>> CompileEach(const std::vector<std::string>& kql, const Catalog& catalog,
                                                        Jit& jit, bool lazy) {
  std::vector<std::unique_ptr<CompiledQuery>> queries;
  for (const std::string& text : kql) {
    Diagnostics diags;
    auto q = CompileQuery(text, TextOrigin::Identity(std::make_shared<SourceFile>("q.kql", text)), catalog, jit,
                          diags, nullptr, Engine::Jit, nullptr, lazy);
    REQUIRE(q);
    queries.push_back(std::move(q));
  }
  return queries;
}

}  // namespace

TEST_CASE("pack file: written and read back, every truncation and corruption is refused", "[pack]") {
  const Pack pack = SamplePack();
  const std::string bytes = PackFileContent(pack);
  Pack read;
  std::string error;
  REQUIRE(ParsePackFile(bytes, read, error));
  CHECK(read.huntc_version == pack.huntc_version);
  CHECK(read.target_id == pack.target_id);
  REQUIRE(read.rules.size() == 2);
  CHECK(read.rules[1].path == "b.yaml");
  CHECK(read.rules[1].text == "query: U | take 1");
  REQUIRE(read.kernels.size() == 1);
  CHECK(read.kernels[0].key == "00ff");
  CHECK(read.kernels[0].object == pack.kernels[0].object);

  for (size_t n = 0; n < bytes.size(); ++n) {
    INFO(n);
    CHECK_FALSE(ParsePackFile(std::string_view(bytes).substr(0, n), read, error));
    CHECK(!error.empty());
  }
  CHECK_FALSE(ParsePackFile(bytes.substr(0, 30), read, error));
  CHECK(error.find("truncated") != std::string::npos);
  CHECK_FALSE(ParsePackFile(bytes.substr(0, bytes.size() - 1), read, error));
  CHECK(error.find("truncated: the header says") != std::string::npos);
  CHECK_FALSE(ParsePackFile(bytes + "x", read, error));
  CHECK(error.find("corrupt") != std::string::npos);
  for (size_t at = 0; at < bytes.size(); ++at) {
    std::string flipped = bytes;
    flipped[at] = static_cast<char>(flipped[at] ^ 0x20);
    INFO(at);
    CHECK_FALSE(ParsePackFile(flipped, read, error));
  }
  CHECK_FALSE(ParsePackFile("HUNTCOBJ and more bytes than a header holds, padding padding padding", read, error));
  CHECK(error.find("not a huntc pack") != std::string::npos);
  std::string other_format = bytes;
  other_format[8] = 9;
  CHECK_FALSE(ParsePackFile(other_format, read, error));
  CHECK(error.find("a pack of format 9") != std::string::npos);
}

TEST_CASE("pack file: a count or length beyond the content is refused before it is believed", "[pack]") {
  // A well-hashed pack whose rule count claims far more rules than its bytes could hold: the
  // content is rebuilt by hand with a correct hash, so only the count is wrong.
  Pack pack = SamplePack();
  pack.rules.clear();
  pack.kernels.clear();
  std::string bytes = PackFileContent(pack);
  // The rule count is the 8 bytes after the two strings.
  const size_t at = 56 + 8 + pack.huntc_version.size() + 8 + pack.target_id.size();
  for (int i = 0; i < 8; ++i) bytes[at + i] = static_cast<char>(0xff);
  Pack read;
  std::string error;
  CHECK_FALSE(ParsePackFile(bytes, read, error));  // the hash no longer matches either
  CHECK(!error.empty());
}

TEST_CASE("pack: a Jit given a pack's kernels uses them instead of compiling", "[pack][jit]") {
  const Catalog catalog = Catalog::BuiltIn();
  // A filter alone, and a filter with a projection kernel above it.
  const std::pair<std::string, size_t> queries[] = {
      {"DeviceProcessEvents | where FileName =~ 'certutil.exe' and ProcessCommandLine has 'urlcache'", 1},
      {"DeviceProcessEvents | where FileName =~ 'certutil.exe' | extend Hour = bin(Timestamp, 1h), N = ProcessId * 2", 2},
  };
  for (const auto& [kql, kernels] : queries) {
    INFO(kql);
    const auto compile = [&](Jit& jit) {
      Diagnostics diags;
      auto file = std::make_shared<SourceFile>("q.kql", kql);
      auto q = CompileQuery(kql, TextOrigin::Identity(file), catalog, jit, diags);
      REQUIRE(q);
      CHECK(q->kernels == kernels);
      // The kernels compiled when first used (a fused filter's and projection's own), now.
      for (exec::FilterNode* f : q->lazy_filters) CHECK(f->lazy_kernel->Get().kernel);
      for (exec::ProjectNode* p : q->lazy_projections) CHECK(p->lazy_kernel->Get().kernel);
      return q;
    };
    std::string error;
    auto first = Jit::Create(error);
    REQUIRE(first);
    first->KeepCode();
    compile(*first);
    std::vector<KernelCode> code = first->TakeCode();
    // Object files, one per kernel; besides them the answers of the column checks a projection
    // takes (Jit::CanCompileProjection) are kept.
    const auto object_files = std::count_if(code.begin(), code.end(), [](const KernelCode& k) {
      return k.object.starts_with("\x7f" "ELF");
    });
    REQUIRE(static_cast<size_t>(object_files) == kernels);
    CHECK(code[0].key.size() == 64);
    CHECK(first->cache_stats().misses == kernels);

    auto second = Jit::Create(error);
    REQUIRE(second);
    CHECK(second->TargetId() == first->TargetId());
    second->AddCode(code);
    compile(*second);
    CHECK(second->cache_stats().provided == kernels);
    CHECK(second->cache_stats().misses == 0);

    // Code under another key is never used for a kernel.
    auto third = Jit::Create(error);
    REQUIRE(third);
    std::vector<KernelCode> foreign;
    for (const KernelCode& k : code) foreign.push_back({std::string(64, '0'), k.object});
    third->AddCode(foreign);
    compile(*third);
    CHECK(third->cache_stats().provided == 0);
    CHECK(third->cache_stats().misses == kernels);
  }
}

TEST_CASE("compile: a pack runs, tests and explains as its rules do", "[pack][cli]") {
  const test::Fixture f("pack");
  const test::Run built = Huntc("compile " + kRules + " -o " + f.Path("rules.pack") + " --no-cache", true);
  INFO(built.out);
  REQUIRE(built.code == 0);
  CHECK(built.out.find("huntc compile: 3 rules") != std::string::npos);

  const test::Run yaml = Huntc("run " + kRules + kEvents + " --no-cache");
  REQUIRE(yaml.code == 0);
  REQUIRE(!yaml.out.empty());
  const test::Run packed = Huntc("run " + f.Path("rules.pack") + kEvents + " --no-cache 2>" + f.Path("stderr"));
  CHECK(packed.code == 0);
  CHECK(packed.out == yaml.out);
  const std::string summary = ReadAll(f.dir().substr(1, f.dir().size() - 2) + "/stderr");
  CHECK(summary.find("3 queries run (0 failed") != std::string::npos);
  CHECK(summary.find("note:") == std::string::npos);
  // One thread or two: the same detections in the same order.
  CHECK(Huntc("run " + f.Path("rules.pack") + kEvents + " --no-cache --threads 1").out == yaml.out);
  // A pack is a rule source like any other: filters apply, and it mixes with YAML files.
  CHECK(Huntc("run " + f.Path("rules.pack") + " --rule '*LOLBin*'" + kEvents, true).out.find("1 query run") !=
        std::string::npos);
  CHECK(Huntc("run " + f.Path("rules.pack") + " rules/credential-dump-files.yaml" + kEvents, true)
            .out.find("4 queries run") != std::string::npos);

  const test::Run tested =
      Huntc("test " + f.Path("rules.pack") + " --cases tests/rule-cases --now 2026-11-20T00:00:00Z --no-cache");
  CHECK(tested.code == 0);
  CHECK(tested.out.find("1 passed, 0 failed, 2 without cases") != std::string::npos);
  const test::Run explained = Huntc("explain " + f.Path("rules.pack"));
  CHECK(explained.code == 0);
  CHECK(explained.out.find("rules/lolbin-network-connections.yaml: Script hosts and LOLBins") != std::string::npos);

  // A pack compiled from a pack holds the same rules.
  REQUIRE(Huntc("compile " + f.Path("rules.pack") + " -o " + f.Path("again.pack") + " --no-cache").code == 0);
  CHECK(Huntc("run " + f.Path("again.pack") + kEvents + " --no-cache").out == yaml.out);
}

TEST_CASE("compile: kernels come from the pack, not from compiling", "[pack][cli]") {
  const test::Fixture f("pack-kernels");
  REQUIRE(Huntc("compile " + kRules + " -o " + f.Path("rules.pack") + " --no-cache").code == 0);
  // Run with an empty cache folder: had any kernel been compiled, it would have been stored there.
  const test::Run run = Huntc("run " + f.Path("rules.pack") + kEvents + " --cache-dir " + f.Path("cache"));
  CHECK(run.code == 0);
  CHECK(test::Shell("ls " + f.Path("cache")).code != 0);  // never made
  // The YAML rules compile their kernels and store them.
  CHECK(Huntc("run " + kRules + kEvents + " --cache-dir " + f.Path("cache")).out == run.out);
  CHECK(test::Shell("ls " + f.Path("cache")).out.find(".o\n") != std::string::npos);
}

TEST_CASE("compile: a filter fused with its extend runs from the pack too", "[pack][cli]") {
  // On two threads a scan pipeline runs alone, with the kernel of its filter and extend fused.
  const test::Fixture f("pack-fused");
  const std::string events = f.Add(
      "DeviceRegistryEvents.jsonl",
      R"({"Timestamp": "2026-11-19T10:00:00Z", "DeviceName": "pc1", "ActionType": "RegistryValueSet", )"
      R"("RegistryKey": "HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Run", )"
      R"("RegistryValueData": "C:\\Users\\bob\\x.exe"})" "\n");
  REQUIRE(Huntc("compile rules/run-key-persistence.yaml -o " + f.Path("fused.pack") + " --no-cache").code == 0);
  const std::string run = "run " + f.Path("fused.pack") + " --events " + events +
                          " --now 2026-11-20T00:00:00Z --threads 2 --cache-dir " + f.Path("cache");
  const test::Run ran = Huntc(run);
  CHECK(ran.code == 0);
  CHECK(ran.out.find(R"("Executable": "C:\\Users\\bob\\x.exe")") != std::string::npos);
  CHECK(test::Shell("ls " + f.Path("cache")).code != 0);  // nothing compiled, so nothing stored
}

TEST_CASE("compile: exit codes and errors", "[pack][cli]") {
  const test::Fixture f("pack-errors");
  CHECK(Huntc("compile " + kRules).code == 2);  // -o is required
  CHECK(Huntc("compile -o " + f.Path("x.pack")).code == 2);  // and rules
  const test::Run help = Huntc("compile --help");
  CHECK(help.code == 0);
  for (const char* flag : {"--output", "--threads", "--schemas", "--cache-dir", "--no-cache"}) {
    CHECK(help.out.find(flag) != std::string::npos);
  }

  // A rule that does not compile: named, exit 1, and no pack.
  const std::string bad = f.Add("bad.yaml", "id: x\nname: Bad\nquery: DeviceProcessEvents | where NoSuchColumn == 1\n");
  const test::Run failed = Huntc("compile " + kRules + " " + bad + " -o " + f.Path("bad.pack"), true);
  CHECK(failed.code == 1);
  CHECK(failed.out.find("NoSuchColumn") != std::string::npos);
  CHECK(failed.out.find("1 rule did not compile") != std::string::npos);
  CHECK(test::Shell("test -e " + f.Path("bad.pack")).code == 1);
  const test::Run missing = Huntc("compile rules/no-such-rule.yaml -o " + f.Path("none.pack"), true);
  CHECK(missing.code == 1);
  CHECK(missing.out.find("rules could not be read") != std::string::npos);
  // An unwritable destination.
  const test::Run unwritable = Huntc("compile " + kRules + " -o " + f.Path("no/such/folder/x.pack"), true);
  CHECK(unwritable.code == 1);
  CHECK(unwritable.out.find("cannot write") != std::string::npos);
}

TEST_CASE("run: a truncated or corrupt pack is an error naming the file and the fault", "[pack][cli]") {
  const test::Fixture f("pack-corrupt");
  REQUIRE(Huntc("compile " + kRules + " -o " + f.Path("rules.pack") + " --no-cache").code == 0);
  const std::string path = f.dir().substr(1, f.dir().size() - 2) + "/rules.pack";
  const std::string bytes = ReadAll(path);
  REQUIRE(bytes.size() > 1000);
  f.Add("cut.pack", bytes.substr(0, bytes.size() / 2));
  f.Add("header.pack", bytes.substr(0, 20));
  std::string flipped = bytes;
  flipped[bytes.size() - 100] = static_cast<char>(flipped[bytes.size() - 100] ^ 1);
  f.Add("flipped.pack", flipped);

  const test::Run cut = Huntc("run " + f.Path("cut.pack") + kEvents, true);
  CHECK(cut.code == 1);
  CHECK(cut.out.find("cut.pack: truncated: the header says") != std::string::npos);
  const test::Run header = Huntc("run " + f.Path("header.pack") + kEvents, true);
  CHECK(header.code == 1);
  CHECK(header.out.find("header.pack: truncated") != std::string::npos);
  const test::Run corrupt = Huntc("run " + f.Path("flipped.pack") + kEvents, true);
  CHECK(corrupt.code == 1);
  CHECK(corrupt.out.find("flipped.pack: corrupt: the content does not match its hash") != std::string::npos);
  // The other verbs that read rules refuse it too.
  CHECK(Huntc("compile " + f.Path("cut.pack") + " -o " + f.Path("x.pack")).code == 1);
  CHECK(Huntc("explain " + f.Path("cut.pack")).code == 2);
  CHECK(Huntc("test " + f.Path("cut.pack") + " --cases tests/rule-cases --now 2026-11-20T00:00:00Z").code == 2);
}

TEST_CASE("run: a pack of another huntc version or target is compiled again from its rules", "[pack][cli]") {
  const test::Fixture f("pack-foreign");
  REQUIRE(Huntc("compile " + kRules + " -o " + f.Path("rules.pack") + " --no-cache").code == 0);
  const std::string dir = f.dir().substr(1, f.dir().size() - 2);
  Pack pack;
  std::string error;
  REQUIRE(ReadPackFile(dir + "/rules.pack", pack, error));
  REQUIRE(!pack.kernels.empty());
  // Code that would crash if it ran: it must never be used.
  for (KernelCode& k : pack.kernels) k.object = std::string(k.object.size(), '\xcc');
  Pack old_version = pack;
  old_version.huntc_version = "0.0.1";
  REQUIRE(WritePackFile(dir + "/old.pack", old_version, error));
  Pack other_cpu = pack;
  other_cpu.target_id += " +some-other-feature";
  REQUIRE(WritePackFile(dir + "/cpu.pack", other_cpu, error));

  const test::Run yaml = Huntc("run " + kRules + kEvents + " --no-cache");
  for (const char* name : {"old.pack", "cpu.pack"}) {
    INFO(name);
    const test::Run run = Huntc("run " + f.Path(name) + kEvents + " --no-cache 2>" + f.Path("stderr"));
    CHECK(run.code == 0);
    CHECK(run.out == yaml.out);
    const std::string note = ReadAll(dir + "/stderr");
    CHECK(note.find(std::string("note: ") + dir + "/" + name + " was built by huntc") != std::string::npos);
    CHECK(note.find("its 3 rules are compiled again") != std::string::npos);
  }
}

TEST_CASE("pack scan: filters a stage serves compile no kernel of their own, with the same detections",
          "[pack][jit]") {
  const Catalog catalog = Catalog::BuiltIn();
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("huntc-lazy-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string events = (dir / "DeviceProcessEvents.jsonl").string();
  std::ofstream(events) << R"({"Timestamp":"2026-11-19T10:00:00Z","DeviceName":"a","FileName":"certutil.exe","ProcessCommandLine":"certutil -urlcache -f x"})"
                           "\n"
                        << R"({"Timestamp":"2026-11-19T10:01:00Z","DeviceName":"b","FileName":"cmd.exe","ProcessCommandLine":"bitsadmin /transfer"})"
                           "\n"
                        << R"({"Timestamp":"2026-11-19T10:02:00Z","DeviceName":"b","FileName":"svchost.exe","ProcessCommandLine":"-k netsvcs"})"
                           "\n";
  // Two scan pipelines and a summarize (a plan, so every query takes one shared read) over one table.
  const std::vector<std::string> kql = {
      "DeviceProcessEvents | where FileName =~ 'certutil.exe' and ProcessCommandLine has 'urlcache'",
      "DeviceProcessEvents | where ProcessCommandLine contains 'bitsadmin' | project DeviceName",
      "DeviceProcessEvents | where FileName endswith '.exe' | summarize n = count() by DeviceName"};
  const auto run = [&](bool lazy, JitCacheStats& stats) {
    std::string error;
    auto jit = Jit::Create(error);
    REQUIRE(jit);
    std::vector<std::unique_ptr<CompiledQuery>> queries = CompileEach(kql, catalog, *jit, lazy);
    for (size_t i = 0; i < kql.size(); ++i) {
      CHECK(queries[i]->kernels == (kql[i].find("summarize") != std::string::npos ? 2u : 1u));
      CHECK(queries[i]->lazy_filters.size() == (lazy ? 1u : 0u));
    }
    if (lazy) CHECK(jit->cache_stats().misses == 1);  // the summarize's kernel alone
    const std::string out_path = (dir / "out.jsonl").string();
    std::FILE* out = std::fopen(out_path.c_str(), "w");
    REQUIRE(out);
    DetectionWriter writer(out, OutputFormat::JsonLines, {});
    RunOptions options;
    options.now = *ParseDateTime("2026-11-20T00:00:00Z");
    options.threads = 1;
    RunStats run_stats;
    PackScanCompiler stages(*jit);
    CHECK(RunQueries(queries, {{events, "DeviceProcessEvents"}}, options, OutputFormat::JsonLines, writer,
                     [](const InputIssue&) { return true; }, run_stats, &stages));
    CHECK(writer.Finish());
    std::fclose(out);
    REQUIRE(stages.reports().size() == 1);
    if (lazy) {
      for (const auto& q : queries) CHECK(q->lazy_filters[0]->lazy_kernel->IfDone() == nullptr);
    }
    stats = jit->cache_stats();
    return ReadAll(out_path);
  };
  JitCacheStats eager_stats, lazy_stats;
  const std::string eager = run(false, eager_stats);
  const std::string lazy = run(true, lazy_stats);
  std::filesystem::remove_all(dir);
  CHECK(eager.find("certutil") != std::string::npos);
  CHECK(lazy == eager);
  // Eager: three filters, the summarize and the stage; lazy: the summarize and the stage.
  CHECK(eager_stats.misses == 5);
  CHECK(lazy_stats.misses == 2);
}

TEST_CASE("pack scan: a table no input holds gets its stage reported, not compiled", "[pack][jit]") {
  const Catalog catalog = Catalog::BuiltIn();
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("huntc-unread-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string processes = (dir / "DeviceProcessEvents.jsonl").string();
  const std::string network = (dir / "DeviceNetworkEvents.jsonl").string();
  std::ofstream(processes) << "";
  std::ofstream(network) << "";
  const std::vector<std::string> kql = {
      "DeviceProcessEvents | where FileName =~ 'certutil.exe' and ProcessCommandLine has 'urlcache'",
      "DeviceProcessEvents | where ProcessCommandLine contains 'bitsadmin' | project DeviceName"};
  std::string error;
  auto jit = Jit::Create(error);
  REQUIRE(jit);
  std::vector<std::unique_ptr<CompiledQuery>> queries = CompileEach(kql, catalog, *jit, /*lazy=*/true);
  const auto run = [&](const std::string& events, const std::string& table) {
    std::FILE* out = std::fopen("/dev/null", "w");
    REQUIRE(out);
    DetectionWriter writer(out, OutputFormat::JsonLines, {});
    RunOptions options;
    options.threads = 1;
    RunStats stats;
    PackScanCompiler stages(*jit);
    CHECK(RunQueries(queries, {{events, table}}, options, OutputFormat::JsonLines, writer,
                     [](const InputIssue&) { return true; }, stats, &stages));
    CHECK(writer.Finish());
    std::fclose(out);
    REQUIRE(stages.reports().size() == 1);
    CHECK(stages.reports()[0].table == "DeviceProcessEvents");
    CHECK(stages.reports()[0].stats.rows == 0);
    CHECK(stages.failures().empty());
    return stages.reports()[0].layout;
  };
  const uint64_t misses = jit->cache_stats().misses;
  const std::string unread = run(network, "DeviceNetworkEvents");
  CHECK(jit->cache_stats().misses == misses);  // neither the stage nor a filter's own kernel
  const std::string read = run(processes, "DeviceProcessEvents");
  CHECK(jit->cache_stats().misses == misses + 1);  // the stage
  CHECK(unread == read);
  std::filesystem::remove_all(dir);
}
