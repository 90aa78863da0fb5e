// Lint report writers.
#include "compiler/lint/report.h"

#include <cctype>
#include <map>

#include <fmt/format.h>

#include "runtime/output.h"

namespace huntc::lint {
namespace {

// Where a diagnostic sits: 1-based lines; columns in bytes, or in code points for SARIF.
struct Position {
  uint32_t line = 0, column = 0, end_line = 0, end_column = 0;
};

uint32_t CodePointColumn(const SourceFile& file, uint32_t line, uint32_t byte_column) {
  const std::string_view text = file.Line(line);
  uint32_t column = 1;
  for (uint32_t i = 0; i + 1 < byte_column && i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++column;
  }
  return column;
}

Position PositionOf(const Diagnostic& d, bool code_points) {
  Position p;
  if (!d.span.file) return p;
  d.span.file->LineColumn(d.span.begin, p.line, p.column);
  d.span.file->LineColumn(d.span.end, p.end_line, p.end_column);
  if (code_points) {
    p.column = CodePointColumn(*d.span.file, p.line, p.column);
    p.end_column = CodePointColumn(*d.span.file, p.end_line, p.end_column);
  }
  return p;
}

std::string Json(std::string_view s) {
  std::string out;
  AppendJsonString(out, s);
  return out;
}

// Every diagnostic with the file report it belongs to (null for general ones).
template <class F>
void ForEach(const Report& report, F&& f) {
  for (const Diagnostic& d : report.general) f(static_cast<const FileReport*>(nullptr), d);
  for (const FileReport& file : report.files) {
    for (const Diagnostic& d : file.diagnostics) f(&file, d);
  }
}

std::string SummaryJson(const Report& report, const Options& options) {
  size_t analytic = 0, hunting = 0;
  for (const FileReport& f : report.files) {
    if (!f.rule) continue;
    ++(f.role == RuleRole::Analytic ? analytic : hunting);
  }
  std::map<std::string_view, size_t> by_code;
  ForEach(report, [&](const FileReport*, const Diagnostic& d) { ++by_code[Info(d.code).id]; });
  std::string codes;
  for (const auto& [code, n] : by_code) {
    codes += fmt::format("{}\"{}\": {}", codes.empty() ? "" : ", ", code, n);
  }
  return fmt::format(
      "{{\"profile\": \"{}\", \"files\": {}, \"rules\": {}, \"analytic_rules\": {}, "
      "\"hunting_queries\": {}, \"compiled\": {}, \"errors\": {}, \"warnings\": {}, "
      "\"notes\": {}, \"suppressed\": {}, \"by_code\": {{{}}}}}",
      ProfileName(options.profile), report.files.size(), report.Rules(), analytic, hunting,
      report.Compiled(), report.Count(Severity::Error), report.Count(Severity::Warning),
      report.Count(Severity::Info) + report.Count(Severity::Hint), report.suppressed, codes);
}

std::string RenderJson(const Report& report, const Options& options) {
  std::string out = "{\"diagnostics\": [";
  bool first = true;
  ForEach(report, [&](const FileReport* file, const Diagnostic& d) {
    const CodeInfo& info = Info(d.code);
    const Position p = PositionOf(d, false);
    const std::string path = d.span.file ? d.span.file->path() : file ? file->path : "";
    out += first ? "\n  " : ",\n  ";
    first = false;
    out += fmt::format(
        "{{\"file\": {}, \"line\": {}, \"column\": {}, \"end_line\": {}, \"end_column\": {}, "
        "\"code\": \"{}\", \"severity\": \"{}\", \"category\": \"{}\", \"message\": {}, "
        "\"rule_id\": {}}}",
        path.empty() ? "null" : Json(path), p.line, p.column, p.end_line, p.end_column, info.id,
        LevelName(d.severity), CategoryName(info.category), Json(d.message),
        file && !file->rule_id.empty() ? Json(file->rule_id) : "null");
  });
  out += first ? "],\n" : "\n],\n";
  out += "\"summary\": " + SummaryJson(report, options) + "}\n";
  return out;
}

// A path as a URI reference: RFC 3986 unreserved characters and '/' kept, the rest
// percent-encoded; absolute paths become file:// URIs.
std::string PathUri(std::string_view path) {
  std::string out = path.starts_with('/') ? "file://" : "";
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string RenderSarif(const Report& report, const Options& options) {
  std::string rules;
  for (const CodeInfo& info : AllCodes()) {
    rules += fmt::format(
        "{}{{\"id\": \"{}\", \"name\": {}, \"shortDescription\": {{\"text\": {}}}, "
        "\"defaultConfiguration\": {{\"level\": \"{}\"}}, \"properties\": {{\"category\": "
        "\"{}\"}}}}",
        rules.empty() ? "\n        " : ",\n        ", info.id, Json(info.name),
        Json(info.description), LevelName(info.severity), CategoryName(info.category));
  }
  std::string results;
  ForEach(report, [&](const FileReport* file, const Diagnostic& d) {
    const CodeInfo& info = Info(d.code);
    std::string location;
    const std::string path = d.span.file ? d.span.file->path() : file ? file->path : "";
    if (!path.empty()) {
      std::string region;
      if (d.span.file) {
        const Position p = PositionOf(d, true);
        region = fmt::format(
            ", \"region\": {{\"startLine\": {}, \"startColumn\": {}, \"endLine\": {}, "
            "\"endColumn\": {}}}",
            p.line, p.column, p.end_line, std::max(p.end_column, p.column));
      }
      location = fmt::format(
          ", \"locations\": [{{\"physicalLocation\": {{\"artifactLocation\": {{\"uri\": {}}}{}}}}}]",
          Json(PathUri(path)), region);
    }
    std::string properties = fmt::format("\"category\": \"{}\"", CategoryName(info.category));
    if (file && !file->rule_id.empty()) properties += ", \"sentinelRuleId\": " + Json(file->rule_id);
    results += fmt::format(
        "{}{{\"ruleId\": \"{}\", \"ruleIndex\": {}, \"level\": \"{}\", \"message\": {{\"text\": "
        "{}}}{}, \"properties\": {{{}}}}}",
        results.empty() ? "\n    " : ",\n    ", info.id, static_cast<size_t>(d.code),
        LevelName(d.severity), Json(d.message), location, properties);
  });
  return fmt::format(
      "{{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"version\": "
      "\"2.1.0\",\n  \"runs\": [{{\n    \"tool\": {{\"driver\": {{\"name\": \"huntc\", "
      "\"version\": \"{}\", \"rules\": [{}]}}}},\n    \"columnKind\": \"unicodeCodePoints\",\n"
      "    \"properties\": {{\"profile\": \"{}\"}},\n    \"results\": [{}]\n  }}]\n}}\n",
      HUNTC_VERSION, rules, ProfileName(options.profile), results);
}

// Workflow-command escaping: data escapes %, CR and LF; properties also ':' and ','.
std::string Escape(std::string_view s, bool property) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '%': out += "%25"; break;
      case '\r': out += "%0D"; break;
      case '\n': out += "%0A"; break;
      case ':': out += property ? "%3A" : ":"; break;
      case ',': out += property ? "%2C" : ","; break;
      default: out += c;
    }
  }
  return out;
}

std::string RenderGithub(const Report& report, double seconds) {
  std::string out;
  ForEach(report, [&](const FileReport* file, const Diagnostic& d) {
    const std::string_view command = d.severity == Severity::Error     ? "error"
                                     : d.severity == Severity::Warning ? "warning"
                                                                       : "notice";
    std::string properties;
    const std::string path = d.span.file ? d.span.file->path() : file ? file->path : "";
    if (!path.empty()) properties += "file=" + Escape(path, true) + ",";
    if (d.span.file) {
      const Position p = PositionOf(d, false);
      properties += fmt::format("line={},col={},endLine={},endColumn={},", p.line, p.column,
                                p.end_line, p.end_column);
    }
    properties += "title=" + std::string(Info(d.code).id);
    out += fmt::format("::{} {}::{}\n", command, properties, Escape(d.message, false));
  });
  return out + SummaryLine(report, seconds);
}

}  // namespace

std::optional<Format> FormatFromName(std::string_view name) {
  if (name == "text") return Format::Text;
  if (name == "json") return Format::Json;
  if (name == "sarif") return Format::Sarif;
  if (name == "github") return Format::Github;
  return std::nullopt;
}

std::string_view LevelName(Severity severity) {
  switch (severity) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Info:
    case Severity::Hint: return "note";
  }
  return "note";
}

std::string SummaryLine(const Report& report, double seconds) {
  size_t analytic = 0;
  for (const FileReport& f : report.files) analytic += f.rule && f.role == RuleRole::Analytic;
  return fmt::format(
      "huntc lint: {} file{}, {} rule{} ({} analytic, {} hunting), {} compile with huntc; {} "
      "error{}, {} warning{}, {} note{}; {} suppressed; {:.3f} s\n",
      report.files.size(), report.files.size() == 1 ? "" : "s", report.Rules(),
      report.Rules() == 1 ? "" : "s", analytic,
      report.Rules() - analytic, report.Compiled(), report.Count(Severity::Error),
      report.Count(Severity::Error) == 1 ? "" : "s", report.Count(Severity::Warning),
      report.Count(Severity::Warning) == 1 ? "" : "s",
      report.Count(Severity::Info) + report.Count(Severity::Hint),
      report.Count(Severity::Info) + report.Count(Severity::Hint) == 1 ? "" : "s",
      report.suppressed, seconds);
}

std::string Render(const Report& report, Format format, const Options& options, double seconds) {
  switch (format) {
    case Format::Json: return RenderJson(report, options);
    case Format::Sarif: return RenderSarif(report, options);
    case Format::Github: return RenderGithub(report, seconds);
    case Format::Text: break;
  }
  std::string out;
  ForEach(report, [&](const FileReport* file, const Diagnostic& d) {
    if (d.span.file || !file) {
      out += RenderText(d);
    } else {
      out += fmt::format("{}: {} {}: {}\n", file->path, SeverityName(d.severity), Info(d.code).id,
                         d.message);
    }
  });
  return out + SummaryLine(report, seconds);
}

}  // namespace huntc::lint
