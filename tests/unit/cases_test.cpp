// Data-driven end-to-end cases: each folder in tests/cases holds rule.yaml, events.jsonl (the
// table the rule reads) and expected.jsonl (the detections, in any order). Every case runs
// with now() = 2026-11-20T00:00:00Z under both engines, the JIT and the reference interpreter,
// which must give the same detections, and the expected ones.
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

// The table a plan scans (the cases read one table).
std::string TableOf(const exec::PlanNode& plan) {
  const exec::PlanNode* node = &plan;
  while (!node->Is<exec::ScanNode>()) node = node->inputs.at(0).get();
  return node->As<exec::ScanNode>()->table;
}

}  // namespace

TEST_CASE("cases: every case folder gives its expected detections under both engines", "[cases]") {
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
      std::vector<std::vector<std::string>> outputs;
      for (const Engine engine : {Engine::Jit, Engine::Interp}) {
        const char* engine_name = engine == Engine::Jit ? "jit" : "interp";
        INFO(engine_name);
        Diagnostics diags;
        std::optional<Rule> rule = LoadRuleFile((dir / "rule.yaml").string(), diags);
        REQUIRE(rule);
        auto query = CompileQuery(rule->query, rule->query_origin, catalog, *jit, diags, nullptr, engine);
        INFO((diags.items().empty() ? std::string() : RenderText(diags.items()[0])));
        REQUIRE(query);
        query->pipeline.prefix = DetectionPrefix(*rule);
        const std::string table = engine == Engine::Jit ? query->pipeline.table
                                                        : TableOf(*query->plan);
        std::vector<std::unique_ptr<CompiledQuery>> queries;
        queries.push_back(std::move(query));
        const fs::path actual = fs::temp_directory_path() /
                                ("huntc-case-" + dir.filename().string() + "-" + engine_name + ".jsonl");
        {
          std::FILE* out = std::fopen(actual.c_str(), "w");
          REQUIRE(out);
          JsonLinesWriter writer(out);
          RunStats stats;
          RunQueries(queries, {{(dir / "events.jsonl").string(), table}}, *ParseDateTime("2026-11-20T00:00:00Z"),
                     writer, [](const InputIssue&) {}, stats);
          writer.Flush();
          std::fclose(out);
        }
        outputs.push_back(Lines(actual));
        CHECK(outputs.back() == Lines(dir / "expected.jsonl"));
        fs::remove(actual);
      }
      CHECK(outputs[0] == outputs[1]);
    }
  }
}
