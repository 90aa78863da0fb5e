// bench-rules: lists the rule files the benchmark's rule packs are drawn from (tools/bench/run.sh):
// every rule under the given folders whose query reads only Device* tables and compiles for the
// given engine (and whose entity mappings name result columns, as `huntc run` requires), one path
// a line, in FindRuleFiles' order: tests/unit/lower_corpus_test.cpp's choice, less the rules
// `huntc run` refuses for their mappings. --with-tables adds a tab and the tables the rule reads,
// comma-separated (the benchmark finds the cheapest rule of each table with it).
//
//   bench-rules [--engine interp|jit] [--with-tables] FOLDER...
//
// The count of rules considered and compiled goes to stderr.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "compiler/driver/compile.h"

using namespace huntc;

int main(int argc, char** argv) {
  CLI::App app{"Lists the rules that read only Device* tables and compile for an engine (for tools/bench)."};
  std::vector<std::string> folders;
  std::string engine = "interp";
  app.add_option("folders", folders, "Rule files or folders")->required();
  app.add_option("--engine", engine, "The engine the rules must compile for")
      ->check(CLI::IsMember({"jit", "interp"}))
      ->capture_default_str();
  bool with_tables = false;
  app.add_flag("--with-tables", with_tables, "After each path, a tab and the tables the rule reads");
  CLI11_PARSE(app, argc, argv);

  std::string error;
  std::unique_ptr<Jit> jit = Jit::Create(error);
  if (!jit) {
    fmt::print(stderr, "bench-rules: {}\n", error);
    return 1;
  }
  const Engine chosen = engine == "jit" ? Engine::Jit : Engine::Interp;
  const Catalog catalog = Catalog::BuiltIn();
  Diagnostics found;
  size_t considered = 0, compiled = 0;
  for (const std::string& path : FindRuleFiles(folders, found)) {
    Diagnostics diags;
    std::optional<Rule> rule = LoadRuleFile(path, diags);
    if (!rule) continue;
    AnalyzedQuery analyzed;
    AnalyzeQuery(rule->query, rule->query_origin, catalog, diags, analyzed);
    const std::vector<std::string>& tables = analyzed.binding.tables;
    if (!analyzed.parsed || tables.empty() ||
        !std::all_of(tables.begin(), tables.end(), [](const std::string& t) { return t.starts_with("Device"); })) {
      continue;
    }
    ++considered;
    // As `huntc run` does: a rule whose entity mappings name no result column fails there.
    Diagnostics compile_diags;
    auto query = CompileQuery(rule->query, rule->query_origin, catalog, *jit, compile_diags, nullptr, chosen);
    if (!query || !DescribeDetections(*rule, query->pipeline, compile_diags)) continue;
    ++compiled;
    if (with_tables) {
      fmt::print("{}\t{}\n", path, fmt::join(tables, ","));
    } else {
      fmt::print("{}\n", path);
    }
  }
  fmt::print(stderr, "bench-rules: {} rules read only Device* tables; {} of them compile for --engine {}\n",
             considered, compiled, engine);
  return 0;
}
