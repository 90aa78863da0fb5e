// Data-driven end-to-end cases: each folder in tests/cases holds rule.yaml, events.jsonl (the
// table the rule reads) and expected.jsonl (the detections, in any order). Every case runs
// with now() = 2026-11-20T00:00:00Z, under both engines, the JIT and the reference interpreter,
// except that an optional `engines` file lists the engines a case runs under (one word a line,
// `jit` or `interp`), for queries the JIT cannot compile yet (summarize, join, ...), and an
// optional `externaldata` file maps the URLs of externaldata sources to files of the folder, one
// `URL FILE` a line (as huntc's --externaldata URL=PATH does).
//
// Each case also runs over the same events in every archive shape the reader accepts (Defender
// envelopes, a Log Analytics export, CSV, and each of these and the JSON lines gzip- and
// zstd-compressed), which must give byte-identical detections.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "compiler/driver/compile.h"
#include "tests/unit/archive_util.h"
#include "tools/gen-events/csv_export.h"

using namespace huntc;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

// Every archive shape of the same events: name -> (file content, table to pass or "").
std::vector<std::tuple<std::string, std::string, std::string>> Shapes(
    const std::vector<std::string>& events, const std::string& table) {
  std::string envelopes, export_lines, jsonl;
  for (const std::string& e : events) {
    jsonl += e + "\n";
    envelopes += "{\"time\": \"2026-11-20T10:00:00Z\", \"tenantId\": \"t\", \"operationName\": "
                 "\"Publish\", \"category\": \"AdvancedHunting-" + table + "\", \"properties\": " +
                 e + "}\n";
    export_lines += "{\"Type\": \"" + table + "\", " + e.substr(e.find('{') + 1) + "\n";
  }
  huntc::gen::CsvExport exporter(huntc::gen::CsvExport::ColumnsOf(jsonl));
  std::string csv;
  exporter.AppendHeader(csv);
  REQUIRE(exporter.AppendRecords(jsonl, csv));
  std::vector<std::tuple<std::string, std::string, std::string>> shapes = {
      {"jsonl", jsonl, table}, {"envelopes", envelopes, ""}, {"export", export_lines, ""}, {"csv", csv, table}};
  const size_t plain = shapes.size();
  for (size_t i = 0; i < plain; ++i) {
    const auto [name, content, t] = shapes[i];
    shapes.emplace_back(name + ".gz", test::Gzip(content), t);
    shapes.emplace_back(name + ".zst", test::Zstd(content), t);
  }
  return shapes;
}

}  // namespace

TEST_CASE("cases: every case folder gives its expected detections in every archive shape",
          "[cases]") {
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
  test::TempDir dir;
  for (const fs::path& folder : cases) {
    DYNAMIC_SECTION(folder.filename().string()) {
      Diagnostics diags;
      std::optional<Rule> rule = LoadRuleFile((folder / "rule.yaml").string(), diags);
      REQUIRE(rule);
      std::vector<Engine> wanted{Engine::Jit, Engine::Interp};
      if (std::ifstream listed(folder / "engines"); listed) {
        wanted.clear();
        for (std::string word; listed >> word;) {
          REQUIRE((word == "jit" || word == "interp"));
          wanted.push_back(word == "jit" ? Engine::Jit : Engine::Interp);
        }
        REQUIRE_FALSE(wanted.empty());
      }
      ExternalFiles external;
      if (std::ifstream mapped(folder / "externaldata"); mapped) {
        for (std::string url, file; mapped >> url >> file;) external[url] = (folder / file).string();
      }
      AnalyzedQuery analyzed;
      REQUIRE(AnalyzeQuery(rule->query, rule->query_origin, catalog, diags, analyzed, nullptr, &external));
      REQUIRE(analyzed.binding.tables.size() == 1);  // events.jsonl holds one table
      const std::string table = analyzed.binding.tables[0];
      std::vector<std::unique_ptr<CompiledQuery>> engines;
      for (const Engine engine : wanted) {
        auto query =
            CompileQuery(rule->query, rule->query_origin, catalog, *jit, diags, nullptr, engine, &external);
        INFO((diags.items().empty() ? std::string() : RenderText(diags.items()[0])));
        REQUIRE(query);
        REQUIRE(DescribeDetections(*rule, query->pipeline, diags));
        engines.push_back(std::move(query));
      }
      std::vector<std::string> events;
      std::ifstream in(folder / "events.jsonl");
      for (std::string line; std::getline(in, line);) {
        if (!line.empty()) events.push_back(line);
      }
      std::string first;
      for (const auto& [shape, content, input_table] : Shapes(events, table))
      for (auto& query : engines) {
        INFO(shape << (query->engine == Engine::Jit ? " jit" : " interp"));
        const std::string events_file = dir.Write(folder.filename().string() + "." + shape, content);
        const std::string actual = (dir.path / "detections.jsonl").string();
        std::vector<std::unique_ptr<CompiledQuery>> queries;
        queries.push_back(std::move(query));
        std::FILE* out = std::fopen(actual.c_str(), "w");
        REQUIRE(out);
        DetectionWriter writer(out, OutputFormat::JsonLines, {});
        RunOptions options;
        options.now = *ParseDateTime("2026-11-20T00:00:00Z");
        RunStats stats;
        std::vector<InputIssue> issues;
        CHECK(RunQueries(queries, {{events_file, input_table}}, options, OutputFormat::JsonLines,
                         writer, [&](const InputIssue& i) { issues.push_back(i); return true; }, stats));
        query = std::move(queries[0]);
        CHECK(issues.empty());
        CHECK(writer.Finish());
        std::fclose(out);
        CHECK(stats.read.lines_skipped == 0);
        const std::string detections = test::ReadAll(actual);
        if (first.empty()) {
          first = detections;
          CHECK(Lines(detections) == Lines(test::ReadAll((folder / "expected.jsonl").string())));
        } else {
          CHECK(detections == first);
        }
      }
    }
  }
}
