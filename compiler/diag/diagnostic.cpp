// The diagnostic catalogue and text rendering.
#include "compiler/diag/diagnostic.h"

#include <algorithm>

#include <fmt/format.h>

namespace huntc {

const std::vector<CodeInfo>& AllCodes() {
  static const std::vector<CodeInfo> codes = {
#define DIAG(e, code, sev, cat, name, desc) \
  {Code::e, code, Severity::sev, Category::cat, name, desc},
#include "compiler/diag/codes.def"
#undef DIAG
  };
  return codes;
}

const CodeInfo& Info(Code code) { return AllCodes()[static_cast<size_t>(code)]; }

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::Hint: return "hint";
    case Severity::Info: return "info";
    case Severity::Warning: return "warning";
    case Severity::Error: return "error";
  }
  return "?";
}

std::string_view CategoryName(Category c) {
  switch (c) {
    case Category::Yaml: return "yaml";
    case Category::Sentinel: return "sentinel";
    case Category::Syntax: return "syntax";
    case Category::Semantic: return "semantic";
    case Category::Unsupported: return "unsupported";
    case Category::Style: return "style";
    case Category::Input: return "input";
  }
  return "?";
}

uint32_t Diagnostic::Line() const {
  uint32_t line = 0, column = 0;
  if (span.file) span.file->LineColumn(span.begin, line, column);
  return line;
}

uint32_t Diagnostic::Column() const {
  uint32_t line = 0, column = 0;
  if (span.file) span.file->LineColumn(span.begin, line, column);
  return column;
}

Diagnostic& Diagnostics::Report(Code code, FileSpan span, std::string message) {
  items_.push_back(Diagnostic{code, Info(code).severity, std::move(message), std::move(span)});
  return items_.back();
}

bool Diagnostics::HasErrors() const {
  return std::any_of(items_.begin(), items_.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

void Diagnostics::Append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

std::string RenderText(const Diagnostic& d) {
  const CodeInfo& info = Info(d.code);
  if (!d.span.file) {
    return fmt::format("{} {}: {}\n", SeverityName(d.severity), info.id, d.message);
  }
  uint32_t line, column, end_line, end_column;
  d.span.file->LineColumn(d.span.begin, line, column);
  d.span.file->LineColumn(d.span.end, end_line, end_column);
  std::string out = fmt::format("{}:{}:{}: {} {}: {}\n", d.span.file->path(), line, column,
                                SeverityName(d.severity), info.id, d.message);
  const std::string_view text = d.span.file->Line(line);
  const uint32_t width = end_line == line && end_column > column ? end_column - column : 1;
  out += fmt::format("  {}\n  ", text);
  for (uint32_t i = 1; i < column && i <= text.size(); ++i) out += text[i - 1] == '\t' ? '\t' : ' ';
  out += std::string(std::min<size_t>(width, std::max<size_t>(1, text.size() + 1 - column)), '^');
  out += '\n';
  return out;
}

}  // namespace huntc
