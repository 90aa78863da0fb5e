// How much of the real rule corpus the reference interpreter runs: every corpus rule whose
// query reads only Device* tables is compiled for the interpreter and run over a generated
// archive of all ten tables. Prints the figures and the reasons (HC500 messages) that keep the
// rest out, and fails when fewer rules compile than kCompiledFloor or a rule is refused without
// an HC500 naming the construct.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <fmt/format.h>

#include "compiler/driver/compile.h"
#include "tests/unit/archive_util.h"
#include "tools/gen-events/generator.h"

using namespace huntc;
namespace fs = std::filesystem;

namespace {

// Raise it as lowering grows; it never goes down.
constexpr size_t kCompiledFloor = 359;

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
  std::vector<InputFile> inputs;
  {
    gen::GenOptions opt;
    opt.seed = 7;
    opt.events = 20000;
    opt.now = kNow;
    opt.tables.clear();
    for (size_t t = 0; t < gen::kTableCount; ++t) opt.tables.push_back(static_cast<gen::Table>(t));
    for (size_t s = 0; s < gen::kScenarioCount; ++s) opt.scenarios.push_back(static_cast<gen::Scenario>(s));
    std::map<gen::Table, std::ofstream> files;
    for (gen::Table t : opt.tables) {
      const std::string name(gen::TableName(t));
      const fs::path path = dir.path / (name + ".jsonl");
      files[t].open(path, std::ios::binary);
      inputs.push_back({path.string(), name});
    }
    const gen::GenResult result = gen::Generate(opt, [&](gen::Table t, std::string_view chunk) {
      return static_cast<bool>(files[t].write(chunk.data(), static_cast<std::streamsize>(chunk.size())));
    });
    REQUIRE(result.error.empty());
  }

  std::string error;
  std::unique_ptr<Jit> jit = Jit::Create(error);
  REQUIRE(jit);
  const Catalog catalog = Catalog::BuiltIn();
  Diagnostics found;
  size_t considered = 0, compiled = 0, ran = 0, unnamed = 0;  // unnamed: refused without an HC500
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
      bool named = false;
      for (const Diagnostic& d : compile_diags.items()) {
        if (d.severity != Severity::Error) continue;
        named |= d.code == Code::Unsupported;
        messages.insert(d.code == Code::Unsupported ? d.message : fmt::format("(not HC500) {}", d.message));
      }
      if (!named) ++unnamed;
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
                                   "{} ran to completion\nthe reasons for the others:\n",
                                   considered, compiled, ran);
  for (size_t i = 0; i < sorted.size(); ++i) {
    report += fmt::format("  {:4}  {}\n", sorted[i].first, sorted[i].second);
  }
  WARN(report);
  CHECK(ran == compiled);
  CHECK(unnamed == 0);  // every rule left out says which construct keeps it out
  CHECK(compiled >= kCompiledFloor);
}
