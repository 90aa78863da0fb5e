// huntc test RULES... --cases DIR --now ISO [--engine jit|interp] [--rule ...] [--severity ...]
//                     [--tactic ...] [--schemas DIR] [--externaldata URL=PATH ...]
//                     [--cache-dir DIR | --no-cache]
//
// Runs each rule over its sample events. The cases of a rule live in DIR/<rule id>/ or, when
// there is no such folder, DIR/<rule file stem>/:
//   positive/   event files (.jsonl, .json, .csv, maybe .gz/.zst; any but expected.jsonl) the
//               rule must match, and expected.jsonl: the detections `huntc run --now ISO`
//               prints for them, compared line by line in any order. Without expected.jsonl
//               the rule passes when it matches anything.
//   negative/   event files the rule must not match at all.
// Records that do not name their table are of the table in the file name (DeviceProcessEvents.jsonl)
// or else of the first table the rule reads. A rule without a case folder is reported as
// having no cases and does not fail the run.
#include "tools/huntc/test.h"
#include "tools/huntc/verb.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "compiler/driver/compile.h"
#include "tools/huntc/inputs.h"
#include "tools/huntc/rules.h"
#include "tools/huntc/select.h"

namespace fs = std::filesystem;

namespace huntc {
namespace {


std::vector<std::string> SortedLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

struct Outcome {
  bool ok = true;
  uint64_t detections = 0;
  std::string output;   // the detections as JSON lines
  std::string problem;  // why the run itself failed
};

// Runs one compiled rule over the event files of a case folder, keeping its detections.
// `queries` holds the one rule.
Outcome RunCase(std::vector<std::unique_ptr<CompiledQuery>>& queries, const fs::path& folder, const std::string& default_table,
                const Catalog& catalog, int64_t now) {
  Outcome result;
  Diagnostics diags;
  std::vector<std::string> paths;
  WalkFolder(folder.string(), paths, diags);
  std::vector<InputFile> inputs;
  for (const std::string& p : paths) {
    if (fs::path(p).filename() == "expected.jsonl") continue;
    std::string table = TableFromPath(p, catalog.TableNames());
    inputs.push_back({p, table.empty() ? default_table : table});
  }
  if (diags.HasErrors() || inputs.empty()) {
    result.ok = false;
    result.problem = fmt::format("{}: no event files", folder.string());
    return result;
  }
  char* buffer = nullptr;
  size_t size = 0;
  std::FILE* memory = ::open_memstream(&buffer, &size);
  if (!memory) {
    result.ok = false;
    result.problem = "out of memory";
    return result;
  }
  {
    const uint64_t before = queries[0]->pipeline.detections;
    DetectionWriter out(memory, OutputFormat::JsonLines, {});
    RunOptions run;
    run.now = now;
    RunStats stats;
    std::string issues;
    const bool ran = RunQueries(queries, inputs, run, OutputFormat::JsonLines, out,
                                [&](const InputIssue& issue) {
                                  issues += fmt::format("{}:{}: {}\n", issue.file, issue.line, issue.message);
                                  return false;
                                },
                                stats);
    out.Finish();
    result.detections = queries[0]->pipeline.detections - before;
    if (!ran || stats.files_failed > 0) {
      result.ok = false;
      result.problem = issues.empty() ? "the run failed" : issues;
    }
  }
  std::fclose(memory);
  result.output.assign(buffer, size);
  std::free(buffer);
  return result;
}

int RunTest(std::vector<std::string> args) {
  CLI::App cli{"Test rules against sample events: each rule's positive samples must give the "
               "expected detections, its negative samples none (layout: see the source header "
               "or the README)",
               "huntc test"};
  std::vector<std::string> paths;
  std::string cases, now, engine = "jit", schemas;
  RuleFilter filter;
  cli.add_option("rules", paths, "Rule files, folders (searched for .yaml and .yml) or packs (huntc compile)")->required();
  cli.add_option("--cases", cases,
                 "The folder of cases: <DIR>/<rule id or file stem>/{positive,negative}/ event "
                 "files, and positive/expected.jsonl")
      ->required()
      ->check(CLI::ExistingDirectory);
  cli.add_option("--now", now, "The instant now() and ago() count from (ISO 8601), fixed so cases repeat")
      ->required()
      ->check([](const std::string& s) { return ParseDateTime(s) ? std::string() : "not an ISO 8601 datetime: " + s; });
  cli.add_option("--engine", engine, "jit: compiled kernels (default); interp: the reference interpreter")
      ->check(CLI::IsMember({"jit", "interp"}));
  cli.add_option("--rule", filter.rules, "Test only rules with this id or name glob; repeatable")
      ->allow_extra_args(false);
  cli.add_option("--severity", filter.severities, "Test only rules of these severities")
      ->delimiter(',')
      ->allow_extra_args(false);
  cli.add_option("--tactic", filter.tactics, "Test only rules with one of these tactics")
      ->delimiter(',')
      ->allow_extra_args(false);
  cli.add_option("--schemas", schemas, "A folder of extra table schemas (JSON)");
  ExternalFiles external;
  AddExternalDataOption(cli, external);
  CacheOptions cache;
  AddCacheOptions(cli, cache);
  std::reverse(args.begin(), args.end());  // CLI11 takes a vector of arguments last-first
  try {
    cli.parse(args);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : kUsageError;
  }
  Catalog catalog = Catalog::BuiltIn();
  Diagnostics general;
  if (!schemas.empty()) catalog.LoadDirectory(schemas, general);
  std::string error;
  std::unique_ptr<Jit> jit = Jit::Create(error);
  if (!jit) {
    std::cerr << "huntc test: " << error << "\n";
    return 1;
  }
  jit->SetCacheDir(CacheFolder(cache));
  const std::vector<RuleText> files = ReadRules(paths, jit.get(), general);
  for (const Diagnostic& d : general.items()) std::cerr << RenderText(d);
  if (general.HasErrors()) return kUsageError;
  const Engine eng = engine == "interp" ? Engine::Interp : Engine::Jit;
  const int64_t at = *ParseDateTime(now);
  size_t passed = 0, failed = 0, without = 0;
  for (const RuleText& text : files) {
    const std::string& file = text.path;
    Diagnostics diags = text.diags;
    std::optional<Rule> rule = text.file ? ParseRule(text.file, diags) : std::nullopt;
    if (rule && !filter.Keeps(*rule)) continue;
    const fs::path stem_dir = fs::path(cases) / fs::path(file).stem();
    const fs::path id_dir = rule && !rule->id.empty() ? fs::path(cases) / rule->id : stem_dir;
    const fs::path dir = fs::is_directory(id_dir) ? id_dir : stem_dir;
    const std::string label = rule ? fmt::format("{} [{}]", rule->name, rule->id) : file;
    if (!fs::is_directory(dir)) {
      std::cout << fmt::format("NO CASES  {} (add {}/ or {}/ with positive/ and negative/ folders)\n", label,
                               id_dir.string(), stem_dir.string());
      ++without;
      continue;
    }
    std::unique_ptr<CompiledQuery> query;
    std::string table;
    if (rule) {
      AnalyzedQuery front;
      Diagnostics ignored;  // CompileQuery reports the same problems
      if (AnalyzeQuery(rule->query, rule->query_origin, catalog, ignored, front, nullptr, &external) && front.binding.table) {
        table = front.binding.table->name;
      }
      query = CompileQuery(rule->query, rule->query_origin, catalog, *jit, diags, nullptr, eng, &external);
      if (query && !DescribeDetections(*rule, query->pipeline, diags)) query.reset();
    }
    if (!query) {
      std::cout << fmt::format("FAIL      {}: the rule does not compile\n", label);
      for (const Diagnostic& d : diags.items()) std::cout << RenderText(d);
      ++failed;
      continue;
    }
    std::vector<std::unique_ptr<CompiledQuery>> queries;
    queries.push_back(std::move(query));
    std::vector<std::string> problems;
    if (fs::is_directory(dir / "positive")) {
      const Outcome pos = RunCase(queries, dir / "positive", table, catalog, at);
      std::ifstream expected_file(dir / "positive" / "expected.jsonl", std::ios::binary);
      if (!pos.ok) {
        problems.push_back("positive: " + pos.problem);
      } else if (expected_file) {
        std::stringstream expected;
        expected << expected_file.rdbuf();
        const std::vector<std::string> want = SortedLines(expected.str()), got = SortedLines(pos.output);
        if (want != got) {
          std::string diff;
          for (const std::string& l : want) {
            if (!std::binary_search(got.begin(), got.end(), l)) diff += "    missing: " + l + "\n";
          }
          for (const std::string& l : got) {
            if (!std::binary_search(want.begin(), want.end(), l)) diff += "    unexpected: " + l + "\n";
          }
          problems.push_back(fmt::format("positive: {} detections, {} expected\n{}", got.size(), want.size(), diff));
        }
      } else if (pos.detections == 0) {
        problems.push_back("positive: no detection");
      }
    }
    if (fs::is_directory(dir / "negative")) {
      const Outcome neg = RunCase(queries, dir / "negative", table, catalog, at);
      if (!neg.ok) {
        problems.push_back("negative: " + neg.problem);
      } else if (neg.detections > 0) {
        problems.push_back(fmt::format("negative: {} detection{}, none expected\n    {}", neg.detections,
                                       neg.detections == 1 ? "" : "s",
                                       neg.output.substr(0, neg.output.find('\n'))));
      }
    }
    if (!fs::is_directory(dir / "positive") && !fs::is_directory(dir / "negative")) {
      problems.push_back(fmt::format("{} has neither positive/ nor negative/", dir.string()));
    }
    if (problems.empty()) {
      std::cout << fmt::format("PASS      {}\n", label);
      ++passed;
    } else {
      std::cout << fmt::format("FAIL      {}\n", label);
      for (const std::string& p : problems) std::cout << "  " << p << (p.back() == '\n' ? "" : "\n");
      ++failed;
    }
  }
  std::cout << fmt::format("huntc test: {} passed, {} failed, {} without cases\n", passed, failed, without);
  if (const std::string warning = jit->TakeCacheWarning(); !warning.empty()) {
    std::cerr << "huntc test: warning: " << warning << "\n";
  }
  return failed > 0 ? 1 : 0;
}

}  // namespace

void AddTestCommand(CLI::App& app) {
  AddOwnParserVerb(app, "test",
                   "Run rules over their positive and negative sample events; see huntc test --help", RunTest);
}

}  // namespace huntc
