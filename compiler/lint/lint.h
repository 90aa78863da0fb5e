// huntc lint: checks Sentinel rule files the way Sentinel's CI does, and more.
//
// Each file goes through three layers. (1) YAML: syntax (through the rule model), unknown and
// misspelt keys, keys in another case. (2) Sentinel: the structural checks of Azure-Sentinel's
// analytic-rule CI (required fields per kind, ids, lengths, enums, time spans, tactics and
// techniques, entity mappings, custom and alert details, connector ids, ASCII), pinned to a
// profile; hunting queries get the lighter style-guide checks, as warnings. (3) The query: the
// compiler's front end (parse, bind, lower: every syntax, name and type diagnostic, and HC500
// for what huntc cannot compile yet, reported as a warning because the rule itself is valid),
// then checks on the bound tree that need the result schema: mapped columns the query does not
// output, time filters against queryPeriod, conditions that are never true, and `has` /
// `contains` needles. Checks read the bound tree, never the query text.
//
// Whether a file is an analytic rule or a hunting query follows Sentinel's repository layout:
// a path component (or a `__`-separated part of a flattened file name) `Hunting Queries` makes
// it a hunting query, `Detections` or `Analytic Rules` an analytic rule; otherwise a file with a
// `kind` key is an analytic rule and one without a hunting query.
//
// Suppression: `--disable CODE` for the run; `# huntc-disable: HC600, HC604` on a line of its own
// in a rule file, or a `huntc-disable: [HC600]` key, for that file.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/schema/schema.h"

namespace huntc::lint {

// Which snapshot of Sentinel's CI the structural checks follow where its limits moved.
enum class Profile {
  Sentinel2022,     // "sentinel-2022-08": the pinned tables, 5 entity mappings, numeric enums
  SentinelCurrent,  // "sentinel-current": 10 entity mappings, string-only enums, newer connectors
};
std::optional<Profile> ProfileFromName(std::string_view name);
std::string_view ProfileName(Profile profile);

enum class RuleRole { Analytic, Hunting };

struct Options {
  Profile profile = Profile::Sentinel2022;
  std::set<Code> disabled;  // codes dropped from every file
};

struct FileReport {
  std::string path;
  std::string rule_id;  // the rule's `id`, or empty
  RuleRole role = RuleRole::Hunting;
  bool rule = false;      // the file holds a rule: YAML that parses, with a query
  bool compiles = false;  // its query passes huntc's front end (parse, bind, lower)
  std::vector<Diagnostic> diagnostics;  // in file order, suppressed ones removed
};

struct Report {
  std::vector<FileReport> files;     // sorted by path
  std::vector<Diagnostic> general;   // not about one file: paths that do not exist
  size_t suppressed = 0;             // diagnostics dropped by --disable or huntc-disable

  size_t Rules() const;
  size_t Compiled() const;
  size_t Count(Severity severity) const;  // over all diagnostics
  // Whether any diagnostic is at `level` or above.
  bool Fails(Severity level) const;
};

// Lints the rule files named by `paths` (files, or folders searched for .yaml/.yml).
Report Lint(const std::vector<std::string>& paths, const Catalog& catalog, const Options& options);

// Lints files already in memory (their paths decide their roles as on disk).
Report LintFiles(const std::vector<std::shared_ptr<const SourceFile>>& files,
                 const Catalog& catalog, const Options& options);

}  // namespace huntc::lint
