// Threaded runs: a run on several threads, over files split into many ranges, writes exactly the
// bytes a one-thread run writes, and counts exactly the same.
#include <catch2/catch.hpp>

#include "compiler/driver/compile.h"
#include "tests/unit/archive_util.h"
#include "tools/gen-events/generator.h"

using namespace huntc;

namespace {

struct Run {
  std::string detections;
  std::string issues;
  RunStats stats;
};

Run RunOn(std::vector<std::unique_ptr<CompiledQuery>>& queries, const std::vector<InputFile>& inputs,
          unsigned threads, const std::string& out_file, uint64_t split_bytes = 256 << 10,
          PackScanCompiler* pack = nullptr) {
  std::FILE* out = std::fopen(out_file.c_str(), "w");
  REQUIRE(out);
  DetectionWriter writer(out, OutputFormat::JsonLines, {});
  RunOptions options;
  options.now = *ParseDateTime("2026-11-20T00:00:00Z");
  options.threads = threads;
  options.split_bytes = split_bytes;
  Run run;
  const auto on_issue = [&](const InputIssue& i) {
    run.issues += i.file + ":" + std::to_string(i.line) + ": " + i.message + "\n";
    return true;
  };
  CHECK(RunQueries(queries, inputs, options, OutputFormat::JsonLines, writer, on_issue, run.stats, pack));
  CHECK(writer.Finish());
  std::fclose(out);
  run.detections = test::ReadAll(out_file);
  return run;
}

// `n` generated DeviceNetworkEvents as JSON lines.
std::string GeneratedEvents(uint64_t n) {
  std::string events;
  gen::GenOptions opt;
  opt.events = n;
  opt.now = *ParseDateTime("2026-11-20T00:00:00Z");
  gen::Generate(opt, [&](gen::Table, std::string_view chunk) {
    events += chunk;
    return true;
  });
  return events;
}

// `texts` compiled with the built-in catalog by `jit`; none may fail.
std::vector<std::unique_ptr<CompiledQuery>> Compiled(const std::vector<std::string>& texts, Jit& jit) {
  static const Catalog catalog = Catalog::BuiltIn();
  std::vector<std::unique_ptr<CompiledQuery>> queries;
  for (const std::string& text : texts) {
    INFO(text);
    Diagnostics diags;
    auto file = std::make_shared<SourceFile>("<query>", text);
    queries.push_back(CompileQuery(text, TextOrigin::Identity(file), catalog, jit, diags));
    REQUIRE(queries.back());
  }
  return queries;
}

}  // namespace

TEST_CASE("threads: 1, 2 and 3 threads write identical detections", "[runtime][threads]") {
  test::TempDir dir;
  std::string events = GeneratedEvents(6000);
  // A few bad lines, so that issue lines in later ranges are checked too.
  for (size_t at : {size_t{1000}, events.size() / 2, events.size() - 5000}) {
    events.insert(events.find('\n', at) + 1, "not json\n");
  }
  const std::string plain = dir.Write("DeviceNetworkEvents.jsonl", events);
  const std::string third = events.substr(0, events.find('\n', events.size() / 3) + 1);
  const std::string packed = dir.Write("more.gz", test::Gzip(third));
  const auto count = [](const std::string& text, const std::string& what) {
    uint64_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  };
  const uint64_t bad_in_third = count(third, "not json");

  std::string error;
  std::unique_ptr<Jit> jit = Jit::Create(error);
  REQUIRE(jit);
  // A scan pipeline (read and filtered on every thread), and a plan (parsed on every thread,
  // its operators fed in input order on one) with two pipelines in the same shared read, whose
  // detections interleave batch by batch.
  const std::string pipeline =
      "DeviceNetworkEvents | where Timestamp > ago(7d) | where InitiatingProcessFileName in~ "
      "(\"powershell.exe\", \"cmd.exe\", \"rundll32.exe\", \"svchost.exe\", \"chrome.exe\") "
      "| project Timestamp, DeviceName, InitiatingProcessFileName, RemoteIP, RemotePort";
  const std::string plan =
      "DeviceNetworkEvents | where RemotePort != 443 | summarize n = count(), ports = make_list(RemotePort, 5), "
      "first = take_any(Timestamp) by DeviceName | order by n desc, DeviceName asc";
  const std::string pipeline2 = "DeviceNetworkEvents | where RemotePort == 443 | project Timestamp, RemoteUrl";
  for (const std::vector<std::string>& pack :
       {std::vector<std::string>{pipeline}, std::vector<std::string>{plan, pipeline, pipeline2}}) {
    INFO(pack.size() << " queries");
    std::vector<std::unique_ptr<CompiledQuery>> queries = Compiled(pack, *jit);
    const std::vector<InputFile> inputs = {{plain, "DeviceNetworkEvents"}, {packed, "DeviceNetworkEvents"}};
    const Run one = RunOn(queries, inputs, 1, (dir.path / "one").string());
    CHECK(one.stats.read.lines_skipped == 3 + bad_in_third);
    // The queries' literals may let the reader skip lines unparsed: those are counted apart.
    CHECK(one.stats.read.records + one.stats.read.lines_prefiltered == 6000 + count(third, "\n") - bad_in_third);
    CHECK(std::count(one.detections.begin(), one.detections.end(), '\n') > 100);
    for (unsigned threads : {2u, 3u}) {
      const Run many = RunOn(queries, inputs, threads, (dir.path / "many").string());
      CHECK(many.detections == one.detections);
      CHECK(many.issues == one.issues);
      CHECK(many.stats.read.records == one.stats.read.records);
      CHECK(many.stats.read.lines_prefiltered == one.stats.read.lines_prefiltered);
      CHECK(many.stats.read.bytes == one.stats.read.bytes);
    }
  }
}

TEST_CASE("threads: summarize on the reading threads gives one thread's rows", "[runtime][threads][summarize]") {
  // Summarizes right above a scan run on the reading threads, one partial table per range merged
  // in input order (avg and arg_max need it; the second query's take one table a thread): on 1, 2
  // and 4 threads over many ranges the rows (and their order, that of first sight) are those of
  // one table fed the whole file as one range. dcount passes its exact limit (the keyless query
  // counts thousands of RemoteIPs) and make_set its cap.
  test::TempDir dir;
  std::string events = GeneratedEvents(20000);
  const std::vector<InputFile> inputs = {{dir.Write("DeviceNetworkEvents.jsonl", events), "DeviceNetworkEvents"}};
  REQUIRE(events.size() > 40 * (256 << 10));  // many ranges

  const std::string all =
      "n = count(), d = dcount(RemoteIP), s = make_set(InitiatingProcessFileName, 3), a = avg(RemotePort), "
      "c = countif(RemotePort == 443), last = arg_max(Timestamp, RemoteIP, LocalPort)";
  const std::vector<std::string> kql = {
      "DeviceNetworkEvents | summarize " + all + " by DeviceName",
      "DeviceNetworkEvents | summarize n = count(), d = dcount(DeviceName), p = make_set(InitiatingProcessFileName, 10) "
      "by RemoteIP, RemotePort",
      "DeviceNetworkEvents | where RemotePort != 443 | summarize " + all + " by ActionType, InitiatingProcessFileName",
      "DeviceNetworkEvents | where ActionType == \"ConnectionSuccess\" | extend p = RemotePort + 1 "
      "| summarize " + all + ", k = make_set(p, 4) by DeviceName",
      "DeviceNetworkEvents | summarize " + all,
  };
  std::string error;
  std::unique_ptr<Jit> jit = Jit::Create(error);
  REQUIRE(jit);
  const auto compile = [&](const std::vector<std::string>& texts) {
    std::vector<std::unique_ptr<CompiledQuery>> queries = Compiled(texts, *jit);
    // The summarize and filter are compiled.
    for (const auto& query : queries) CHECK(query->interpreted.empty());
    return queries;
  };
  // Each query alone, then all in one read, whose two filtered scans share a pack scan stage.
  std::vector<std::vector<std::string>> packs;
  for (const std::string& text : kql) packs.push_back({text});
  packs.push_back(kql);
  for (const std::vector<std::string>& texts : packs) {
    INFO(texts.front() << " (" << texts.size() << " queries)");
    std::vector<std::unique_ptr<CompiledQuery>> queries = compile(texts);
    PackScanCompiler stages(*jit);
    PackScanCompiler* pack = texts.size() > 1 ? &stages : nullptr;
    const Run whole = RunOn(queries, inputs, 1, (dir.path / "whole").string(), uint64_t{1} << 30, pack);
    CHECK(std::count(whole.detections.begin(), whole.detections.end(), '\n') >= static_cast<long>(texts.size()));
    for (unsigned threads : {1u, 2u, 4u}) {
      INFO(threads << " threads");
      const Run split = RunOn(queries, inputs, threads, (dir.path / "split").string(), 256 << 10, pack);
      CHECK(split.detections == whole.detections);
      CHECK(split.stats.read.records == whole.stats.read.records);
    }
  }
}

TEST_CASE("threads: a summarize kept in one table per thread gives one thread's rows",
          "[runtime][threads][summarize]") {
  // Summarizes whose partial tables merge by their ranges (MergesInOrder) are fed one table per
  // reading thread, over all its ranges, and merged once: on 2 and 4 threads the groups come out in
  // order of first sight, make_set's and make_list's first values are the first in input order
  // (those of a few ports and processes come from every range, so from the ranges of several
  // threads), whether a group was seen by one thread (most RemoteIP and file pairs) or several;
  // a null key is a group; the ranges of a second, gzip file count on from the first's. A where
  // above tests the groups' rows before they are made whole (by their positions in that order).
  test::TempDir dir;
  std::string events;
  gen::GenOptions opt;
  opt.events = 20000;
  opt.now = *ParseDateTime("2026-11-20T00:00:00Z");
  gen::Generate(opt, [&](gen::Table, std::string_view chunk) {
    events += chunk;
    return true;
  });
  const std::string half = events.substr(0, events.find('\n', events.size() / 2) + 1);
  const std::vector<InputFile> inputs = {
      {dir.Write("DeviceNetworkEvents.jsonl", events), "DeviceNetworkEvents"},
      {dir.Write("more.gz", test::Gzip(half)), "DeviceNetworkEvents"}};
  REQUIRE(events.size() > 40 * (256 << 10));  // many ranges

  const std::string aggregates =
      "n = count(), d = dcount(DeviceName), s = make_set(DeviceName, 3), "
      "l = make_list(LocalPort, 4), p = make_set(RemotePort, 5), "
      "f = make_set(InitiatingProcessFileName, 2), lo = min(Timestamp), hi = max(RemoteIP), "
      "t = sum(RemotePort), c = countif(RemotePort == 443)";
  const std::string summarize = "DeviceNetworkEvents | summarize " + aggregates;
  const std::vector<std::string> kql = {
      summarize + " by InitiatingProcessFileName",
      summarize + " by RemoteIP, InitiatingProcessFileName | where n > 1",
      "DeviceNetworkEvents | extend k = iff(RemotePort == 443, int(null), RemotePort) "
      "| summarize " + aggregates + " by k",
      "DeviceNetworkEvents | where ActionType == \"ConnectionSuccess\" | summarize " + aggregates +
          " by RemotePort",
      summarize,
  };
  std::string error;
  std::unique_ptr<Jit> jit = Jit::Create(error);
  REQUIRE(jit);
  for (const std::string& text : kql) {
    INFO(text);
    std::vector<std::unique_ptr<CompiledQuery>> queries = Compiled({text}, *jit);
    CHECK(queries.back()->interpreted.empty());  // the summarize is compiled
    const Run whole = RunOn(queries, inputs, 1, (dir.path / "whole").string(), uint64_t{1} << 30);
    CHECK(std::count(whole.detections.begin(), whole.detections.end(), '\n') >= 1);
    for (unsigned threads : {1u, 2u, 4u}) {
      INFO(threads << " threads");
      const Run split = RunOn(queries, inputs, threads, (dir.path / "split").string(), 256 << 10);
      CHECK(split.detections == whole.detections);
      CHECK(split.stats.read.records == whole.stats.read.records);
    }
  }
}

TEST_CASE("threads: a summarize's result rows made in parts on several threads",
          "[runtime][threads][summarize]") {
  // Once the reading has ended, a compiled summarize of tens of thousands of groups makes its
  // result rows (and, under a filter, the columns the filter tests first) in parts on up to
  // `threads` threads: on 2 and 4 threads the rows, their order (first sight, then the sort's
  // ties: most groups count 1) and the filter's choice are those of one thread, with keys null in
  // some groups, whether the file is read as one range or many.
  test::TempDir dir;
  std::string events = GeneratedEvents(60000);
  const std::vector<InputFile> inputs = {
      {dir.Write("DeviceNetworkEvents.jsonl", events), "DeviceNetworkEvents"}};
  const std::vector<std::string> kql = {
      "DeviceNetworkEvents | extend k = iff(LocalPort % 5 == 0, long(null), LocalPort) "
      "| summarize n = count(), s = make_set(DeviceName, 2) by k, RemoteIP, RemotePort "
      "| order by n desc",
      "DeviceNetworkEvents | summarize n = count(), d = dcount(DeviceName), "
      "s = make_set(ActionType, 2) by LocalPort, RemoteIP | where d > 0 and LocalPort % 7 != 0",
  };
  std::string error;
  std::unique_ptr<Jit> jit = Jit::Create(error);
  REQUIRE(jit);
  for (const std::string& text : kql) {
    INFO(text);
    std::vector<std::unique_ptr<CompiledQuery>> queries = Compiled({text}, *jit);
    CHECK(queries.back()->interpreted.empty());
    const Run one = RunOn(queries, inputs, 1, (dir.path / "one").string(), uint64_t{1} << 30);
    // Enough groups for parts of 16384 rows on each of 2 threads, after the filter too.
    CHECK(std::count(one.detections.begin(), one.detections.end(), '\n') > 40000);
    for (unsigned threads : {2u, 4u}) {
      for (const uint64_t split_bytes : {uint64_t{1} << 30, uint64_t{1} << 20}) {
        INFO(threads << " threads, ranges of " << split_bytes << " bytes");
        const Run many = RunOn(queries, inputs, threads, (dir.path / "many").string(), split_bytes);
        CHECK(many.detections == one.detections);
      }
    }
  }
}
