// How much of the real rule corpus the reference interpreter runs: every corpus rule whose
// query reads only Device* tables is compiled for the interpreter and run over a generated
// archive of all ten tables. Prints the figures and the reasons (HC500 messages) that keep the
// rest out, and fails when fewer rules compile than kCompiledFloor.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>

#include "compiler/driver/compile.h"
#include "tests/unit/archive_util.h"
#include "tests/unit/device_archive.h"

using namespace huntc;
namespace fs = std::filesystem;

namespace {

// Raise it as lowering grows; it never goes down.
constexpr size_t kCompiledFloor = 348;

const int64_t kNow = *ParseDateTime("2026-11-20T00:00:00Z");

bool ReadsOnlyDeviceTables(const BoundQuery& b) {
  return !b.tables.empty() && std::all_of(b.tables.begin(), b.tables.end(), [](const std::string& t) {
    return t.starts_with("Device");
  });
}

}  // namespace

TEST_CASE("lower: corpus rules over Device* tables compile and run with the interpreter", "[lower][corpus]") {
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
  Diagnostics found;
  size_t considered = 0, compiled = 0, ran = 0;
  std::map<std::string, size_t> reasons;
  for (const std::string& path : FindRuleFiles({corpus.string()}, found)) {
    Diagnostics diags;
    std::optional<Rule> rule = LoadRuleFile(path, diags);
    if (!rule) continue;
    AnalyzedQuery analyzed;
    AnalyzeQuery(rule->query, rule->query_origin, catalog, diags, analyzed, nullptr, Engine::Interp);
    if (!analyzed.parsed || !ReadsOnlyDeviceTables(analyzed.binding)) continue;
    ++considered;
    Diagnostics compile_diags;
    auto query = CompileQuery(rule->query, rule->query_origin, catalog, *jit, compile_diags, nullptr,
                              Engine::Interp);
    if (!query) {
      std::set<std::string> messages;  // each reason counts once per rule
      for (const Diagnostic& d : compile_diags.items()) {
        if (d.severity != Severity::Error) continue;
        messages.insert(d.code == Code::Unsupported ? d.message : fmt::format("(not HC500) {}", d.message));
      }
      for (const std::string& m : messages) ++reasons[m];
      continue;
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
  }
  std::vector<std::pair<size_t, std::string>> sorted;
  for (const auto& [message, n] : reasons) sorted.emplace_back(n, message);
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  std::string report = fmt::format("corpus rules reading only Device* tables: {} considered, {} compiled, "
                                   "{} ran to completion\ntop reasons for the others:\n",
                                   considered, compiled, ran);
  for (size_t i = 0; i < sorted.size() && i < 15; ++i) {
    report += fmt::format("  {:4}  {}\n", sorted[i].first, sorted[i].second);
  }
  WARN(report);
  CHECK(ran == compiled);
  CHECK(compiled >= kCompiledFloor);
}
