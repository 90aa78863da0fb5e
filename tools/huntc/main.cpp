// huntc: the command-line front of the compiler and runtime.
//
//   huntc run RULES... --events PATH... [--now ISO-8601] [--table NAME] [--schemas DIR] [--engine E]
//   huntc query 'KQL' --events PATH... [--now ISO-8601] [--table NAME] [--dump STAGE] [--engine E]
//
// --engine jit (the default) runs JIT-compiled kernels; --engine interp the reference interpreter.
//
// Detections go to stdout as JSON lines; diagnostics and the summary go to stderr.
// Exit codes: 0 all went well; 1 a rule or query could not be compiled, or an input could not
// be read; 2 the command line is wrong.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "compiler/driver/compile.h"
#include "tools/huntc/lint.h"

namespace fs = std::filesystem;
using namespace huntc;

namespace {

struct Options {
  std::vector<std::string> rules;
  std::string query;
  std::vector<std::string> events;
  std::string now;
  std::string table;
  std::string schemas;
  std::string dump;
  std::string engine = "jit";

  Engine GetEngine() const { return engine == "interp" ? Engine::Interp : Engine::Jit; }
};

void PrintDiagnostics(const Diagnostics& diags) {
  for (const Diagnostic& d : diags.items()) std::cerr << RenderText(d);
}

// Input files: files as given, folders walked for .json/.jsonl files, each with its table.
std::vector<InputFile> FindInputs(const Options& o, const Catalog& catalog, Diagnostics& diags) {
  std::vector<std::string> paths;
  for (const std::string& p : o.events) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (const auto& e : fs::recursive_directory_iterator(p, ec)) {
        const std::string ext = e.path().extension().string();
        if (e.is_regular_file() && (ext == ".jsonl" || ext == ".json")) found.push_back(e.path().string());
      }
      std::sort(found.begin(), found.end());
      paths.insert(paths.end(), found.begin(), found.end());
    } else if (fs::exists(p, ec)) {
      paths.push_back(p);
    } else {
      diags.Report(Code::InputUnreadable, {}, fmt::format("{}: no such file or folder", p));
    }
  }
  std::vector<InputFile> inputs;
  const std::vector<std::string> tables = catalog.TableNames();
  for (const std::string& path : paths) {
    std::string table = o.table.empty() ? TableFromFileName(path, tables) : o.table;
    if (table.empty()) {
      diags.Report(Code::InputNoTable, {},
                   fmt::format("{}: cannot tell its table from the file name; name the file after "
                               "its table (DeviceNetworkEvents.jsonl) or pass --table",
                               path));
      continue;
    }
    inputs.push_back({path, table});
  }
  return inputs;
}

int64_t ResolveNow(const std::string& now) {
  if (!now.empty()) return *ParseDateTime(now);
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return kUnixEpochTicks + std::chrono::duration_cast<std::chrono::microseconds>(since_epoch).count() * 10;
}

int Hunt(std::vector<std::unique_ptr<CompiledQuery>>& queries, const Options& o, const Catalog& catalog,
         Diagnostics& diags, size_t rules_failed) {
  const std::vector<InputFile> inputs = FindInputs(o, catalog, diags);
  PrintDiagnostics(diags);
  const bool failed = diags.HasErrors();
  JsonLinesWriter out(stdout);
  RunStats stats;
  uint64_t issues = 0;
  const auto on_issue = [&](const InputIssue& issue) {
    if (++issues <= 20) {
      std::cerr << fmt::format("{}:{}: {}\n", issue.file, issue.line, issue.message);
    } else if (issues == 21) {
      std::cerr << "huntc: more input problems follow; only their counts are reported\n";
    }
  };
  const auto start = std::chrono::steady_clock::now();
  RunQueries(queries, inputs, ResolveNow(o.now), out, on_issue, stats);
  out.Flush();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  uint64_t detections = 0;
  for (const auto& q : queries) detections += q->pipeline.detections;
  std::cerr << fmt::format(
      "huntc: {} quer{} run ({} failed to compile); {} file{}, {} records, {} bytes read in {:.3f} s; "
      "{} lines skipped, {} values of the wrong type; {} detection{}\n",
      queries.size(), queries.size() == 1 ? "y" : "ies", rules_failed, stats.files,
      stats.files == 1 ? "" : "s", stats.read.records, stats.read.bytes, seconds,
      stats.read.lines_skipped, stats.read.values_wrong_type, detections, detections == 1 ? "" : "s");
  return failed || rules_failed > 0 ? 1 : 0;
}

int RunRules(const Options& o, const Catalog& catalog, Jit& jit) {
  Diagnostics diags;
  std::vector<std::unique_ptr<CompiledQuery>> compiled;
  size_t failed = 0;
  for (const std::string& file : FindRuleFiles(o.rules, diags)) {
    std::optional<Rule> rule = LoadRuleFile(file, diags);
    if (!rule) {
      ++failed;
      continue;
    }
    auto query = CompileQuery(rule->query, rule->query_origin, catalog, jit, diags, nullptr, o.GetEngine());
    if (!query) {
      ++failed;
      continue;
    }
    query->pipeline.prefix = DetectionPrefix(*rule);
    compiled.push_back(std::move(query));
  }
  return Hunt(compiled, o, catalog, diags, failed);
}

int RunQuery(const Options& o, const Catalog& catalog, Jit& jit) {
  Diagnostics diags;
  auto file = std::make_shared<SourceFile>("<query>", o.query);
  CompileDumps dumps;
  auto query = CompileQuery(o.query, TextOrigin::Identity(file), catalog, jit, diags, &dumps, o.GetEngine());
  if (!query) {
    PrintDiagnostics(diags);
    // The syntax tree exists even when a stage refused the query: show it when asked.
    if (o.dump == "ast") std::cout << dumps.ast;
    return 1;
  }
  if (!o.dump.empty()) {
    const std::string* text = o.dump == "ast" ? &dumps.ast
                              : o.dump == "ir" ? &dumps.ir
                              : o.dump == "ir-opt" ? &dumps.ir_opt
                              : o.dump == "plan" ? &dumps.plan
                              : o.dump == "llvm" ? &dumps.kernel.llvm
                                                 : &dumps.kernel.llvm_opt;
    PrintDiagnostics(diags);
    if (text->empty()) {
      std::cout << (o.dump == "plan" ? "(no plan: the plan is built with --engine interp)\n"
                                     : "(no kernel: the query has no filter, or runs with --engine interp)\n");
    } else {
      std::cout << *text;
    }
    return 0;
  }
  std::vector<std::unique_ptr<CompiledQuery>> queries;
  queries.push_back(std::move(query));
  return Hunt(queries, o, catalog, diags, 0);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"huntc: compile Sentinel hunting rules (KQL) to native code and run them over event archives"};
  app.require_subcommand(1);
  Options o;
  const auto common = [&](CLI::App* cmd) {
    cmd->add_option("--events", o.events, "Event files or folders (JSON lines)")->required();
    cmd->add_option("--now", o.now, "The instant now() and ago() count from (ISO 8601); default: the clock")
        ->check([](const std::string& s) {
          return ParseDateTime(s) ? std::string() : "not an ISO 8601 datetime: " + s;
        });
    cmd->add_option("--table", o.table, "The table of every input file (default: from each file's name)");
    cmd->add_option("--schemas", o.schemas, "A folder of extra table schemas (JSON)");
    cmd->add_option("--engine", o.engine, "jit: compiled kernels (default); interp: the reference interpreter")
        ->check(CLI::IsMember({"jit", "interp"}));
  };
  CLI::App* run = app.add_subcommand("run", "Run rules (YAML files or folders) over events");
  run->add_option("rules", o.rules, "Rule files or folders")->required();
  common(run);
  CLI::App* query = app.add_subcommand("query", "Run one KQL query over events");
  query->add_option("kql", o.query, "The query")->required();
  common(query);
  query->add_option("--dump", o.dump, "Print a stage's output instead of running")
      ->check(CLI::IsMember({"ast", "ir", "ir-opt", "plan", "llvm", "llvm-opt"}));
  // --dump needs no events.
  query->get_option("--events")->required(false);
  AddLintCommand(app);
  CLI11_PARSE(app, argc, argv);
  if (query->parsed() && o.dump.empty() && o.events.empty()) {
    std::cerr << "huntc query: --events is required (or --dump STAGE)\n";
    return 2;
  }

  Catalog catalog = Catalog::BuiltIn();
  if (!o.schemas.empty()) {
    Diagnostics diags;
    catalog.LoadDirectory(o.schemas, diags);
    PrintDiagnostics(diags);
    if (diags.HasErrors()) return 2;
  }
  std::string error;
  std::unique_ptr<Jit> jit = Jit::Create(error);
  if (!jit) {
    std::cerr << "huntc: " << error << "\n";
    return 1;
  }
  return run->parsed() ? RunRules(o, catalog, *jit) : RunQuery(o, catalog, *jit);
}
