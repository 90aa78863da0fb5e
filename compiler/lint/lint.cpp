// huntc lint: every file through the rule model, the field checks and the compiler's front end,
// then the checks across files (ids, file names) and suppression.
#include "compiler/lint/lint.h"

#include <algorithm>
#include <cctype>
#include <map>

#include <fmt/format.h>

#include "compiler/driver/compile.h"
#include "compiler/lint/query_checks.h"
#include "compiler/lint/sentinel.h"
#include "compiler/rule/rule.h"

namespace huntc::lint {
namespace {

constexpr std::string_view kDisableMarker = "huntc-disable:";

// One file on its way through the checks.
struct Work {
  std::shared_ptr<const SourceFile> file;
  FileReport report;
  Diagnostics diags;
  std::vector<Code> disabled;  // by comments and the `huntc-disable` key
  FileSpan id_span;
};

// `# huntc-disable: HC600, HC604` on a line of its own, outside the query.
void ReadDisableComments(Work& work, const std::optional<Rule>& rule) {
  FileSpan query;
  if (rule) {
    if (const auto it = rule->field_spans.find("query"); it != rule->field_spans.end()) {
      query = it->second;
    }
  }
  const std::string& text = work.file->text();
  for (size_t begin = 0; begin < text.size();) {
    size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    const std::string_view line = std::string_view(text).substr(begin, end - begin);
    const size_t hash = line.find_first_not_of(" \t");
    const bool in_query = query.file && begin >= query.begin && begin < query.end;
    if (!in_query && hash != std::string_view::npos && line[hash] == '#') {
      const std::string_view comment = line.substr(hash + 1);
      const size_t marker = comment.find(kDisableMarker);
      if (marker != std::string_view::npos &&
          comment.find_first_not_of(" \t") == marker) {
        std::vector<std::string> unknown;
        for (Code code : ParseCodeList(comment.substr(marker + kDisableMarker.size()), &unknown)) {
          work.disabled.push_back(code);
        }
        const auto at = static_cast<uint32_t>(begin + hash);
        for (const std::string& code : unknown) {
          work.diags.Report(Code::SuppressionUnknownCode,
                            FileSpan{work.file, at, static_cast<uint32_t>(end)},
                            fmt::format("`{}` is not a huntc diagnostic code", code));
        }
      }
    }
    begin = end + 1;
  }
}

void LintOne(Work& work, const Catalog& catalog, const Options& options) {
  Diagnostics& diags = work.diags;
  std::optional<Rule> rule = ParseRule(work.file, diags);
  // The field checks read the YAML again, so only YAML the rule model accepted.
  const bool yaml_ok = std::none_of(diags.items().begin(), diags.items().end(), [](const Diagnostic& d) {
    return d.code == Code::YamlSyntax || d.code == Code::YamlTooLarge;
  });
  std::optional<RuleFields> fields;
  if (rule || yaml_ok) fields = CheckFields(work.file, options.profile, diags);
  FileReport& report = work.report;
  report.path = work.file->path();
  report.role = fields ? fields->role : RoleFromPath(report.path).value_or(RuleRole::Hunting);
  if (fields) {
    report.rule_id = fields->id;
    work.id_span = fields->id_span;
    work.disabled = fields->disabled;
  }
  ReadDisableComments(work, rule);
  if (!rule) return;
  report.rule = true;
  AnalyzedQuery analyzed;
  report.compiles = AnalyzeQuery(rule->query, rule->query_origin, catalog, diags, analyzed);
  if (analyzed.bound && fields) CheckBoundQuery(analyzed, rule->query_origin, *fields, diags);
}

// A GUID's 32 hex digits in lower case, so that {A-B} and a-b count as one id.
std::string NormalisedId(std::string_view id) {
  std::string out;
  for (unsigned char c : id) {
    if (std::isxdigit(c)) out += static_cast<char>(std::tolower(c));
  }
  return out.size() == 32 ? out : std::string(id);
}

// Ids unique across the input (an error between analytic rules, as in CI; a warning when a
// hunting query is involved, as the style guide asks); analytic rule files named *.yaml and
// uniquely.
void CheckAcrossFiles(std::vector<Work>& works) {
  std::map<std::string, const Work*> ids;
  std::map<std::string, const Work*> names;
  for (Work& work : works) {
    const FileReport& report = work.report;
    if (!report.rule_id.empty()) {
      const auto [it, fresh] = ids.emplace(NormalisedId(report.rule_id), &work);
      if (!fresh) {
        const bool both_analytic =
            report.role == RuleRole::Analytic && it->second->report.role == RuleRole::Analytic;
        work.diags
            .Report(Code::SentinelDuplicateId, work.id_span,
                    fmt::format("id {} is also the id of {}", report.rule_id, it->second->report.path))
            .severity = both_analytic ? Severity::Error : Severity::Warning;
      }
    }
    if (report.role != RuleRole::Analytic || !report.rule) continue;
    const std::string& path = report.path;
    const size_t slash = path.find_last_of('/');
    const std::string name = path.substr(slash == std::string::npos ? 0 : slash + 1);
    const FileSpan start{work.file, 0, 0};
    if (!name.ends_with(".yaml")) {
      work.diags.Report(Code::SentinelFileName, start,
                        "analytic rule files must end in .yaml (Sentinel's CI rejects .yml)");
    }
    if (const auto [it, fresh] = names.emplace(name, &work); !fresh) {
      work.diags.Report(Code::SentinelFileName, start,
                        fmt::format("another analytic rule file has the name {}: {}", name,
                                    it->second->report.path));
    }
  }
}

// Lint's view of the catalogue's severities, then suppression, duplicates and file order.
void Finish(Work& work, const Options& options, size_t& suppressed) {
  std::vector<Diagnostic> kept;
  for (Diagnostic d : work.diags.items()) {
    if (options.disabled.contains(d.code) ||
        std::find(work.disabled.begin(), work.disabled.end(), d.code) != work.disabled.end()) {
      ++suppressed;
      continue;
    }
    // The rule is valid Sentinel; huntc just cannot compile this yet.
    if (d.code == Code::Unsupported) d.severity = Severity::Warning;
    // The rule model and the field checks can both see a shape error at one place.
    const bool repeated = std::any_of(kept.begin(), kept.end(), [&](const Diagnostic& k) {
      return k.code == d.code && k.span.begin == d.span.begin && k.span.file == d.span.file;
    });
    if (!repeated) kept.push_back(std::move(d));
  }
  std::stable_sort(kept.begin(), kept.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return a.span.begin < b.span.begin;
  });
  work.report.diagnostics = std::move(kept);
}

}  // namespace

std::optional<Profile> ProfileFromName(std::string_view name) {
  if (name == "sentinel-2022-08") return Profile::Sentinel2022;
  if (name == "sentinel-current") return Profile::SentinelCurrent;
  return std::nullopt;
}

std::string_view ProfileName(Profile profile) {
  return profile == Profile::Sentinel2022 ? "sentinel-2022-08" : "sentinel-current";
}

size_t Report::Rules() const {
  return std::count_if(files.begin(), files.end(), [](const FileReport& f) { return f.rule; });
}

size_t Report::Compiled() const {
  return std::count_if(files.begin(), files.end(), [](const FileReport& f) { return f.compiles; });
}

size_t Report::Count(Severity severity) const {
  size_t n = std::count_if(general.begin(), general.end(),
                           [&](const Diagnostic& d) { return d.severity == severity; });
  for (const FileReport& f : files) {
    n += std::count_if(f.diagnostics.begin(), f.diagnostics.end(),
                       [&](const Diagnostic& d) { return d.severity == severity; });
  }
  return n;
}

bool Report::Fails(Severity level) const {
  for (int s = static_cast<int>(level); s <= static_cast<int>(Severity::Error); ++s) {
    if (Count(static_cast<Severity>(s)) > 0) return true;
  }
  return false;
}

Report LintFiles(const std::vector<std::shared_ptr<const SourceFile>>& files,
                 const Catalog& catalog, const Options& options) {
  std::vector<Work> works(files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    works[i].file = files[i];
    LintOne(works[i], catalog, options);
  }
  CheckAcrossFiles(works);
  Report report;
  for (Work& work : works) {
    Finish(work, options, report.suppressed);
    report.files.push_back(std::move(work.report));
  }
  return report;
}

Report Lint(const std::vector<std::string>& paths, const Catalog& catalog, const Options& options) {
  Diagnostics general;
  std::vector<std::shared_ptr<const SourceFile>> files;
  std::vector<FileReport> unreadable;
  for (const std::string& path : FindRuleFiles(paths, general)) {
    Diagnostics diags;
    if (auto file = ReadRuleFile(path, diags)) {
      files.push_back(std::move(file));
    } else {
      unreadable.push_back(FileReport{path, "", RoleFromPath(path).value_or(RuleRole::Hunting),
                                      false, false, diags.items()});
    }
  }
  Report report = LintFiles(files, catalog, options);
  report.general = general.items();
  report.files.insert(report.files.end(), unreadable.begin(), unreadable.end());
  std::sort(report.files.begin(), report.files.end(),
            [](const FileReport& a, const FileReport& b) { return a.path < b.path; });
  return report;
}

}  // namespace huntc::lint
