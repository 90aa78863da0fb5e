// How much of the real rule corpus the reference interpreter runs: every corpus rule whose
// query reads only Device* tables is compiled for the interpreter and run over a generated
// archive of all ten tables. Prints the figures and the reasons (HC500 messages) that keep the
// rest out, and fails when fewer rules compile than kCompiledFloor or a rule is refused without
// an HC500 naming the construct.
//
// Then the differential test of the engines: all those rules run as one pack (one shared read)
// under the JIT and under the interpreter over the same archive must give the same detections,
// as multisets of lines (each line names its rule); under the JIT the pack's compiled filters
// run as pack scan stages (one kernel per table). Prints how many scan filters the JIT
// compiled and how many it left to the interpreter, and why.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "compiler/driver/compile.h"
#include "tests/unit/archive_util.h"
#include "tests/unit/device_archive.h"
#include "tests/unit/run_util.h"

using namespace huntc;
namespace fs = std::filesystem;

namespace {

// Raise it as lowering grows; it never goes down.
constexpr size_t kCompiledFloor = 364;

const int64_t kNow = *ParseDateTime("2026-11-20T00:00:00Z");

bool ReadsOnlyDeviceTables(const BoundQuery& b) {
  return !b.tables.empty() && std::all_of(b.tables.begin(), b.tables.end(), [](const std::string& t) {
    return t.starts_with("Device");
  });
}

// Calls fn(rule, diags) for each corpus rule that parses and reads only Device* tables; diags
// holds what loading and analysing the rule found.
template <typename Fn>
void ForEachDeviceRule(const fs::path& corpus, const Catalog& catalog, Fn&& fn) {
  Diagnostics found;
  for (const std::string& path : FindRuleFiles({corpus.string()}, found)) {
    Diagnostics diags;
    std::optional<Rule> rule = LoadRuleFile(path, diags);
    if (!rule) continue;
    AnalyzedQuery analyzed;
    AnalyzeQuery(rule->query, rule->query_origin, catalog, diags, analyzed);
    if (analyzed.parsed && ReadsOnlyDeviceTables(analyzed.binding)) fn(*rule, diags);
  }
}

}  // namespace

TEST_CASE("lower: corpus rules over Device* tables compile, run with the interpreter, and agree under the JIT", "[lower][corpus][engines]") {
  const fs::path corpus = fs::path(HUNTC_SOURCE_DIR) / ".." / "shared" / "corpus";
  if (!fs::exists(corpus)) {
    WARN("no corpus at " << corpus.string() << ": skipped");
    return;
  }
  const test::TempDir dir;
  const std::vector<InputFile> inputs = test::WriteDeviceArchive(dir.path, 20000, kNow);

  std::string error;
  std::unique_ptr<Jit> jit = Jit::Create(error);
  REQUIRE(jit);
  const Catalog catalog = Catalog::BuiltIn();
  size_t considered = 0, compiled = 0, ran = 0, unnamed = 0;  // unnamed: refused without an HC500
  std::map<std::string, size_t> reasons;
  ForEachDeviceRule(corpus, catalog, [&](const Rule& rule, Diagnostics&) {
    ++considered;
    Diagnostics compile_diags;
    auto query = CompileQuery(rule.query, rule.query_origin, catalog, *jit, compile_diags, nullptr,
                              Engine::Interp);
    if (!query) {
      std::set<std::string> messages;  // each reason counts once per rule
      bool named = false;
      for (const Diagnostic& d : compile_diags.items()) {
        if (d.severity != Severity::Error) continue;
        named |= d.code == Code::Unsupported;
        messages.insert(d.code == Code::Unsupported ? d.message : fmt::format("(not HC500) {}", d.message));
      }
      if (!named) ++unnamed;
      for (const std::string& m : messages) ++reasons[m];
      return;
    }
    ++compiled;
    std::vector<std::unique_ptr<CompiledQuery>> queries;
    queries.push_back(std::move(query));
    std::FILE* out = std::fopen("/dev/null", "w");
    REQUIRE(out);
    DetectionWriter writer(out, OutputFormat::JsonLines, {});
    RunOptions options;
    options.now = kNow;
    RunStats stats;
    const bool ok = RunQueries(queries, inputs, options, OutputFormat::JsonLines, writer,
                               [](const InputIssue&) { return true; }, stats);
    if (writer.Finish() && ok) ++ran;
    std::fclose(out);
  });
  std::vector<std::pair<size_t, std::string>> sorted;
  for (const auto& [message, n] : reasons) sorted.emplace_back(n, message);
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  std::string report = fmt::format("corpus rules reading only Device* tables: {} considered, {} compiled, "
                                   "{} ran to completion\nthe reasons for the others:\n",
                                   considered, compiled, ran);
  for (size_t i = 0; i < sorted.size(); ++i) {
    report += fmt::format("  {:4}  {}\n", sorted[i].first, sorted[i].second);
  }
  WARN(report);
  CHECK(ran == compiled);
  CHECK(unnamed == 0);  // every rule left out says which construct keeps it out
  CHECK(compiled >= kCompiledFloor);

  // The pack, under each engine.
  size_t undescribed = 0;  // rules whose entity mappings name columns the query does not return
  size_t random = 0;       // rules calling rand() or new_guid(): their detections differ between runs
  const auto run_pack = [&](Engine engine, size_t& rules, size_t& kernels, std::map<std::string, size_t>& why,
                            unsigned threads) {
    undescribed = 0;
    random = 0;
    std::vector<std::unique_ptr<CompiledQuery>> pack;
    ForEachDeviceRule(corpus, catalog, [&](const Rule& rule, Diagnostics& diags) {
      auto query = CompileQuery(rule.query, rule.query_origin, catalog, *jit, diags, nullptr, engine);
      if (!query) return;
      if (std::any_of(diags.items().begin(), diags.items().end(),
                      [](const Diagnostic& d) { return d.code == Code::NonDeterministic; })) {
        ++random;
        return;
      }
      if (!DescribeDetections(rule, query->pipeline, diags)) {
        ++undescribed;
        return;
      }
      kernels += query->kernels;
      for (const std::string& w : query->interpreted) ++why[w];
      pack.push_back(std::move(query));
    });
    rules = pack.size();
    // Under the JIT with the pack scan stages: every table's compiled filters as one kernel.
    std::optional<PackScanCompiler> stages;
    if (engine == Engine::Jit) stages.emplace(*jit);
    RunOptions options;
    options.threads = threads;
    std::vector<std::string> lines = test::RunToLines(pack, inputs, kNow, dir.path, nullptr, stages ? &*stages : nullptr,
                                                      options);
    if (stages) {
      std::string report;
      for (const exec::PackScanReport& r : stages->reports()) report += fmt::format("  {}: {}\n", r.table, r.layout);
      WARN("pack scan stages:\n" << report);
      CHECK(stages->failures().empty());
      CHECK(!stages->reports().empty());
    }
    std::sort(lines.begin(), lines.end());
    return lines;
  };
  size_t jit_rules = 0, interp_rules = 0, kernels = 0, no_kernels = 0;
  std::map<std::string, size_t> why, none;
  const std::vector<std::string> jit_lines = run_pack(Engine::Jit, jit_rules, kernels, why, 1);
  const std::vector<std::string> interp_lines = run_pack(Engine::Interp, interp_rules, no_kernels, none, 1);
  // Two reading threads, each running its own copy of the pack scan stages.
  size_t threaded_rules = 0, threaded_kernels = 0;
  std::map<std::string, size_t> threaded_why;
  const std::vector<std::string> threaded_lines = run_pack(Engine::Jit, threaded_rules, threaded_kernels, threaded_why, 2);
  CHECK(threaded_lines == jit_lines);
  size_t interpreted = 0;
  for (const auto& [w, n] : why) interpreted += n;
  std::string figures = fmt::format("engines: {} rules as one pack; {} detections under the JIT, {} under the "
                                    "interpreter ({} non-deterministic left out); {} kernels (scan filters, summarizes, "
                                    "projections), {} interpreted:\n",
                                    jit_rules, jit_lines.size(), interp_lines.size(), random, kernels, interpreted);
  for (const auto& [w, n] : why) figures += fmt::format("  {:4}  {}\n", n, w);
  WARN(figures);
  CHECK(jit_rules == interp_rules);
  CHECK(jit_rules + undescribed + random == compiled);
  CHECK(no_kernels == 0);
  CHECK(kernels > interpreted);
  // The comparison means something only if the rules find things.
  CHECK(jit_lines.size() > 500);
  std::vector<std::string> only_jit, only_interp;
  std::set_difference(jit_lines.begin(), jit_lines.end(), interp_lines.begin(), interp_lines.end(),
                      std::back_inserter(only_jit));
  std::set_difference(interp_lines.begin(), interp_lines.end(), jit_lines.begin(), jit_lines.end(),
                      std::back_inserter(only_interp));
  INFO("first detection only the JIT gave: " << (only_jit.empty() ? "-" : only_jit[0].substr(0, 400)));
  INFO("first detection only the interpreter gave: " << (only_interp.empty() ? "-" : only_interp[0].substr(0, 400)));
  CHECK(only_jit.size() == 0);
  CHECK(only_interp.size() == 0);
}
