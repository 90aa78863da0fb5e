// The parser over the real Sentinel corpus: every query parses as recorded in
// tests/data/corpus-parse.txt, and the queries Microsoft's parser rejects are rejected at the
// same line and column.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "compiler/rule/rule.h"
#include "compiler/syntax/parser.h"

using namespace huntc;
namespace fs = std::filesystem;

namespace {

struct Outcome {
  std::string result;        // "ok", "syntax-error", "unsupported" or "not-a-query"
  uint32_t line = 0, column = 0;  // of the first syntax error, inside the query text
};

// 1-based line and column of a byte offset of `text`.
void LineColumn(std::string_view text, uint32_t offset, uint32_t& line, uint32_t& column) {
  line = 1;
  column = 1;
  for (uint32_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
}

std::map<std::string, std::string> ReadExpected(const fs::path& path) {
  std::map<std::string, std::string> expected;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const size_t space = line.rfind(' ');
    if (line.empty() || line[0] == '#' || space == std::string::npos) continue;
    expected[line.substr(0, space)] = line.substr(space + 1);
  }
  return expected;
}

}  // namespace

TEST_CASE("parser: every corpus query parses as recorded", "[compiler][syntax][corpus]") {
  const fs::path corpus = fs::path(HUNTC_SOURCE_DIR) / ".." / "shared" / "corpus";
  if (!fs::is_directory(corpus / "sentinel")) {
    WARN("no Sentinel corpus at " << corpus.string() << "; skipped");
    return;
  }
  const auto expected = ReadExpected(fs::path(HUNTC_SOURCE_DIR) / "tests" / "data" / "corpus-parse.txt");
  REQUIRE_FALSE(expected.empty());
  // Where Microsoft's parser (Kusto.Language 12.4.1) reports the first syntax error of the
  // three published queries it rejects: a list after `has`, and a trailing comma.
  const std::map<std::string, std::pair<uint32_t, uint32_t>> oracle = {
      {"sentinel/Hunting Queries__Microsoft 365 Defender__Campaigns__redmenshen-bpfdoor-backdoor.yaml", {2, 99}},
      {"sentinel/Hunting Queries__Microsoft 365 Defender__Exploits__VMWare-LPE-2022-22960.yaml", {2, 91}},
      {"sentinel/Hunting Queries__MultipleDataSources__Dev-0322CommandLineActivityNovember2021.yaml", {22, 98}},
  };

  Diagnostics find_diags;
  const auto files = FindRuleFiles(
      {(corpus / "sentinel").string(), (corpus / "sentinel-supplement").string()}, find_diags);
  std::map<std::string, size_t> counts;
  std::chrono::nanoseconds parse_time{0};
  size_t seen = 0;
  for (const std::string& file : files) {
    const std::string name = fs::relative(file, corpus).generic_string();
    INFO(name);
    Diagnostics diags;
    const auto rule = LoadRuleFile(file, diags);
    Outcome outcome;
    if (!rule) {
      outcome.result = "not-a-query";
    } else {
      syntax::Ast ast;
      bool syntax_error = false;
      const auto start = std::chrono::steady_clock::now();
      const bool ok = syntax::Parse(rule->query, ast, [&](Code code, syntax::Span span, std::string) {
        if (Info(code).category != Category::Syntax || syntax_error) return;
        syntax_error = true;
        LineColumn(rule->query, span.begin, outcome.line, outcome.column);
      });
      parse_time += std::chrono::steady_clock::now() - start;
      outcome.result = ok ? "ok" : syntax_error ? "syntax-error" : "unsupported";
      REQUIRE(ast.root);
      CHECK(syntax::Dump(ast).rfind("Query\n", 0) == 0);
    }
    ++counts[outcome.result];
    const auto want = expected.find(name);
    if (want == expected.end()) {
      FAIL_CHECK("a corpus file not in tests/data/corpus-parse.txt: " << name << " " << outcome.result);
      continue;
    }
    ++seen;
    CHECK(outcome.result == want->second);
    if (const auto at = oracle.find(name); at != oracle.end()) {
      CHECK(outcome.result == "syntax-error");
      CHECK(outcome.line == at->second.first);
      CHECK(outcome.column == at->second.second);
    }
  }
  CHECK(seen == expected.size());  // no recorded file has gone missing
  std::ostringstream summary;
  summary << "corpus parse: " << files.size() << " files";
  for (const auto& [result, n] : counts) summary << ", " << n << " " << result;
  summary << "; parsing took "
          << std::chrono::duration_cast<std::chrono::microseconds>(parse_time).count() / 1000.0
          << " ms";
  WARN(summary.str());
  CHECK(counts["syntax-error"] == oracle.size());
}
