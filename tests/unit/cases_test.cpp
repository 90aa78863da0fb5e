// Data-driven end-to-end cases: each folder in tests/cases holds rule.yaml, events.jsonl (the
// table the rule reads) and expected.jsonl (the detections, in any order). Every case runs
// with now() = 2026-11-20T00:00:00Z.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "compiler/driver/compile.h"

using namespace huntc;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> Lines(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

}  // namespace

TEST_CASE("cases: every case folder gives its expected detections", "[cases]") {
  const fs::path root = fs::path(HUNTC_SOURCE_DIR) / "tests" / "cases";
  std::vector<fs::path> cases;
  for (const auto& e : fs::directory_iterator(root)) {
    if (e.is_directory()) cases.push_back(e.path());
  }
  std::sort(cases.begin(), cases.end());
  REQUIRE_FALSE(cases.empty());
  const Catalog catalog = Catalog::BuiltIn();
  std::string error;
  std::unique_ptr<Jit> jit = Jit::Create(error);
  REQUIRE(jit);
  for (const fs::path& dir : cases) {
    DYNAMIC_SECTION(dir.filename().string()) {
      Diagnostics diags;
      std::optional<Rule> rule = LoadRuleFile((dir / "rule.yaml").string(), diags);
      REQUIRE(rule);
      auto query = CompileQuery(rule->query, rule->query_origin, catalog, *jit, diags);
      INFO((diags.items().empty() ? std::string() : RenderText(diags.items()[0])));
      REQUIRE(query);
      query->pipeline.prefix = DetectionPrefix(*rule);
      std::vector<ScanPipeline> pipelines{query->pipeline};
      const fs::path actual = fs::temp_directory_path() / ("huntc-case-" + dir.filename().string() + ".jsonl");
      {
        std::FILE* out = std::fopen(actual.c_str(), "w");
        REQUIRE(out);
        JsonLinesWriter writer(out);
        RunStats stats;
        RunPipelines(pipelines, {{(dir / "events.jsonl").string(), query->pipeline.table}},
                     *ParseDateTime("2026-11-20T00:00:00Z"), writer, [](const InputIssue&) {}, stats);
        writer.Flush();
        std::fclose(out);
      }
      CHECK(Lines(actual) == Lines(dir / "expected.jsonl"));
      fs::remove(actual);
    }
  }
}
