// huntc lint PATH... [--format text|json|sarif|github] [--fail-level error|warning|note]
//                    [--profile sentinel-2022-08|sentinel-current] [--disable CODE,...]
//                    [--schemas DIR]
#include "tools/huntc/lint.h"
#include "tools/huntc/verb.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include <fmt/format.h>

#include "compiler/lint/lint.h"
#include "compiler/lint/report.h"
#include "compiler/lint/sentinel.h"

namespace huntc {
namespace {


int RunLint(std::vector<std::string> args) {
  CLI::App cli{"Check Sentinel rule files: Sentinel's CI checks, huntc's compiler diagnostics and "
               "checks on the bound query",
               "huntc lint"};
  std::vector<std::string> paths, disable;
  std::string format = "text", fail_level = "error", profile = "sentinel-2022-08", schemas;
  cli.add_option("paths", paths, "Rule files or folders (searched for .yaml and .yml)")->required();
  cli.add_option("--format", format, "Output: text, json, sarif or github (workflow annotations)")
      ->check(CLI::IsMember({"text", "json", "sarif", "github"}));
  cli.add_option("--fail-level", fail_level,
                 "Exit with 1 when a diagnostic is at this level or above: error, warning, note")
      ->check(CLI::IsMember({"error", "warning", "note"}));
  cli.add_option("--profile", profile,
                 "Sentinel CI limits: sentinel-2022-08 (pinned tables) or sentinel-current")
      ->check(CLI::IsMember({"sentinel-2022-08", "sentinel-current"}));
  cli.add_option("--disable", disable, "Diagnostic codes to drop (HC600,HC605); repeatable")
      ->delimiter(',');
  cli.add_option("--schemas", schemas, "A folder of extra table schemas (JSON)");
  std::reverse(args.begin(), args.end());  // CLI11 takes a vector of arguments last-first
  try {
    cli.parse(args);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : kUsageError;
  }

  lint::Options options;
  options.profile = *lint::ProfileFromName(profile);
  for (const std::string& item : disable) {
    std::vector<std::string> unknown;
    for (Code code : lint::ParseCodeList(item, &unknown)) options.disabled.insert(code);
    if (!unknown.empty()) {
      std::cerr << fmt::format("huntc lint: --disable: `{}` is not a diagnostic code\n", unknown[0]);
      return kUsageError;
    }
  }
  Catalog catalog = Catalog::BuiltIn();
  if (!schemas.empty()) {
    Diagnostics diags;
    catalog.LoadDirectory(schemas, diags);
    for (const Diagnostic& d : diags.items()) std::cerr << RenderText(d);
    if (diags.HasErrors()) return kUsageError;
  }
  const auto start = std::chrono::steady_clock::now();
  const lint::Report report = lint::Lint(paths, catalog, options);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::string out =
      lint::Render(report, *lint::FormatFromName(format), options, seconds);
  std::fwrite(out.data(), 1, out.size(), stdout);
  // A path that does not exist is a mistake in the command line.
  if (!report.general.empty()) return kUsageError;
  const Severity level = fail_level == "error"     ? Severity::Error
                         : fail_level == "warning" ? Severity::Warning
                                                   : Severity::Hint;
  return report.Fails(level) ? 1 : 0;
}

}  // namespace

void AddLintCommand(CLI::App& app) {
  AddOwnParserVerb(app, "lint",
                   "Check rule files (YAML, Sentinel CI, compiler) for CI; see huntc lint --help", RunLint);
}

}  // namespace huntc
