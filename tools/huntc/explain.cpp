// huntc explain RULES... [--format text|json] [--dump ast|ir|ir-opt|plan|llvm|llvm-opt]
//                        [--schemas DIR]
//
// For each rule: the stages of its query, its predicates, indicators, exclusions and output
// fields, read off the bound tree (compiler/explain). JSON output is one document:
//   {"rules": [{"file", "id", "name", "severity", "tactics": [...], "explained": bool, "compiles": bool,
//               "diagnostics": [{"code", "severity", "line", "column", "message"}],
//               "explanation": {see explain::AppendJson} | null, "kernels": n,
//               "interpreted": ["what runs interpreted: why", ...], "prefilter": "...",
//               "dump": "..." (with --dump)}],
//    "pack_scan": [{"table", "layout"}]}
// "explained" is false when the rule could not be read, parsed or bound; "compiles" says
// whether the engines could lower its query (explaining does not need them to); "kernels"
// counts its filters, summarizes and projections the JIT compiled, and
// "interpreted" names, for each one (or computed column) it could not, the construct that keeps
// it interpreted; "prefilter" (when the engines can lower
// the query) names the literals each scan lets the reader skip lines on (DescribePrefilter).
// "pack_scan" (and, in text, a closing section) lays out, per table that two or more of the
// rules' compiled filters read, the pack scan stage `huntc run` would make: shared conjuncts and
// pooled literals per column.
#include "tools/huntc/explain.h"
#include "tools/huntc/verb.h"

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include <fmt/format.h>

#include "compiler/driver/compile.h"
#include "compiler/explain/explain.h"
#include "runtime/output.h"
#include "tools/huntc/rules.h"

namespace huntc {
namespace {


const std::string* DumpOf(const CompileDumps& dumps, const std::string& stage) {
  return stage == "ast"      ? &dumps.ast
         : stage == "ir"     ? &dumps.ir
         : stage == "ir-opt" ? &dumps.ir_opt
         : stage == "plan"   ? &dumps.plan
         : stage == "llvm"   ? &dumps.kernel.llvm
                             : &dumps.kernel.llvm_opt;
}

void AppendDiagnostics(std::string& out, const Diagnostics& diags) {
  out += '[';
  for (size_t i = 0; i < diags.items().size(); ++i) {
    const Diagnostic& d = diags.items()[i];
    if (i) out += ',';
    out += "{\"code\":";
    AppendJsonString(out, Info(d.code).id);
    out += ",\"severity\":";
    AppendJsonString(out, SeverityName(d.severity));
    out += fmt::format(",\"line\":{},\"column\":{},\"message\":", d.Line(), d.Column());
    AppendJsonString(out, d.message);
    out += '}';
  }
  out += ']';
}

int RunExplain(std::vector<std::string> args) {
  CLI::App cli{"Explain rules: the stages, predicates, indicators (field, test, values), exclusions "
               "and output fields of each rule's query, read off its bound syntax tree",
               "huntc explain"};
  std::vector<std::string> paths;
  std::string format = "text", dump, schemas;
  cli.add_option("rules", paths, "Rule files, folders (searched for .yaml and .yml) or packs (huntc compile)")->required();
  cli.add_option("--format", format, "text (for people) or json (one document, see the file header)")
      ->check(CLI::IsMember({"text", "json"}));
  cli.add_option("--dump", dump,
                 "Also print a compiler stage's output for each rule: ast, ir, ir-opt, plan (the "
                 "runtime plan, its JIT-compiled filters marked), llvm or llvm-opt (the JIT kernels')")
      ->check(CLI::IsMember({"ast", "ir", "ir-opt", "plan", "llvm", "llvm-opt"}));
  cli.add_option("--schemas", schemas, "A folder of extra table schemas (JSON)");
  std::reverse(args.begin(), args.end());  // CLI11 takes a vector of arguments last-first
  try {
    cli.parse(args);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : kUsageError;
  }
  Catalog catalog = Catalog::BuiltIn();
  if (!schemas.empty()) {
    Diagnostics diags;
    catalog.LoadDirectory(schemas, diags);
    for (const Diagnostic& d : diags.items()) std::cerr << RenderText(d);
    if (diags.HasErrors()) return kUsageError;
  }
  // The JIT says which filters it cannot compile, and gives the back-end dumps.
  const bool backend = dump == "plan" || dump == "llvm" || dump == "llvm-opt";
  std::string jit_error;
  const std::unique_ptr<Jit> jit = Jit::Create(jit_error);
  if (!jit) {
    std::cerr << "huntc explain: " << jit_error << "\n";
    return 1;
  }
  Diagnostics general;
  const std::vector<RuleText> files = ReadRules(paths, nullptr, general);
  if (general.HasErrors()) {
    for (const Diagnostic& d : general.items()) std::cerr << RenderText(d);
    std::cerr << "huntc explain: give rule files (.yaml), folders that hold them, or packs\n";
    return kUsageError;
  }
  bool failed = false;
  std::string json = "{\"rules\":[";
  std::vector<std::unique_ptr<CompiledQuery>> pack;  // every rule's plan, for the pack scan stages
  for (size_t i = 0; i < files.size(); ++i) {
    Diagnostics diags = files[i].diags;
    std::optional<Rule> rule = files[i].file ? ParseRule(files[i].file, diags) : std::nullopt;
    AnalyzedQuery analyzed;
    CompileDumps dumps;
    bool compiles = false;
    std::unique_ptr<CompiledQuery> compiled;
    if (rule) {
      compiles = AnalyzeQuery(rule->query, rule->query_origin, catalog, diags, analyzed, &dumps);
      if (compiles && backend) {
        Diagnostics ignored;  // the front half's diagnostics are in `diags` already
        compiled = CompileQuery(rule->query, rule->query_origin, catalog, *jit, ignored, &dumps);
      } else if (compiles) {
        compiled = CheckKernels(analyzed, *jit);  // machine code only when a dump shows it
      }
    }
    const CompiledQuery* query = compiled.get();
    if (compiled && compiled->plan) pack.push_back(std::move(compiled));
    const bool explained = rule && analyzed.bound;
    failed |= !explained;
    // A rule that binds but uses what the engines lack is still explained: its lowering
    // errors are about running it, which `huntc run` reports.
    Diagnostics shown;
    if (!explained) shown = diags;
    std::optional<explain::Explanation> e;
    if (explained) e = explain::Explain(analyzed.ast, analyzed.binding, rule->query, &*rule);
    if (format == "json") {
      if (i) json += ',';
      json += "{\"file\":";
      AppendJsonString(json, files[i].path);
      json += ",\"id\":";
      AppendJsonString(json, rule ? rule->id : "");
      json += ",\"name\":";
      AppendJsonString(json, rule ? rule->name : "");
      json += ",\"severity\":";
      AppendJsonString(json, rule ? rule->severity : "");
      json += ",\"tactics\":[";
      for (size_t t = 0; rule && t < rule->tactics.size(); ++t) {
        if (t) json += ',';
        AppendJsonString(json, rule->tactics[t]);
      }
      json += ']';
      json += fmt::format(",\"explained\":{},\"compiles\":{},\"diagnostics\":", explained, compiles);
      AppendDiagnostics(json, shown);
      json += ",\"explanation\":";
      if (e) {
        explain::AppendJson(json, *e);
      } else {
        json += "null";
      }
      json += fmt::format(",\"kernels\":{},\"interpreted\":[", query ? query->kernels : 0);
      for (size_t k = 0; query && k < query->interpreted.size(); ++k) {
        if (k) json += ',';
        AppendJsonString(json, query->interpreted[k]);
      }
      json += ']';
      if (compiled) {
        json += ",\"prefilter\":";
        AppendJsonString(json, DescribePrefilter(*compiled));
      }
      if (!dump.empty()) {
        json += ",\"dump\":";
        AppendJsonString(json, *DumpOf(dumps, dump));
      }
      json += '}';
      continue;
    }
    std::string text = fmt::format("{}: {}{}\n", files[i].path, rule ? rule->name : "(unreadable)",
                                   rule && !rule->id.empty() ? " [" + rule->id + "]" : "");
    if (rule) {
      std::string tactics;
      for (const std::string& t : rule->tactics) tactics += (tactics.empty() ? "" : ", ") + t;
      text += fmt::format("  severity: {}; tactics: {}\n", rule->severity.empty() ? "-" : rule->severity,
                          tactics.empty() ? "-" : tactics);
    }
    for (const Diagnostic& d : shown.items()) text += RenderText(d);
    if (e) {
      if (!compiles) text += "  (the engines cannot run this query yet; `huntc run` says why)\n";
      for (size_t k = 0; query && k < query->interpreted.size(); ++k) {
        text += fmt::format("  {}\n", query->interpreted[k]);
      }
      if (compiled) text += fmt::format("  {}\n", DescribePrefilter(*compiled));
      text += explain::ToText(*e);
    }
    if (!dump.empty()) {
      const std::string& d = *DumpOf(dumps, dump);
      text += fmt::format("  --dump {}:\n{}", dump, d.empty() ? "(nothing: the stage did not run)\n" : d);
    }
    text += '\n';
    std::fwrite(text.data(), 1, text.size(), stdout);
  }
  std::vector<const exec::PlanNode*> plans;
  for (const auto& q : pack) plans.push_back(q->plan.get());
  const std::vector<std::pair<std::string, std::string>> stages = DescribePackScans(plans, *jit);
  if (format == "json") {
    json += "],\"pack_scan\":[";
    for (size_t k = 0; k < stages.size(); ++k) {
      json += k ? ",{\"table\":" : "{\"table\":";
      AppendJsonString(json, stages[k].first);
      json += ",\"layout\":";
      AppendJsonString(json, stages[k].second);
      json += '}';
    }
    json += "]}\n";
    std::fwrite(json.data(), 1, json.size(), stdout);
  } else if (!stages.empty()) {
    std::string text = "pack scan stages of these rules under `huntc run` (one kernel per table):\n";
    for (const auto& [table, layout] : stages) text += fmt::format("  {}: {}\n", table, layout);
    std::fwrite(text.data(), 1, text.size(), stdout);
  }
  return failed ? 1 : 0;
}

}  // namespace

void AddExplainCommand(CLI::App& app) {
  AddOwnParserVerb(app, "explain",
                   "Show what rules test and return (indicators, exclusions, outputs); see huntc explain --help", RunExplain);
}

}  // namespace huntc
