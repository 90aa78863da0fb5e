// Writing a lint report: text (with carets), JSON, SARIF 2.1.0 and GitHub workflow annotations.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "compiler/lint/lint.h"

namespace huntc::lint {

enum class Format { Text, Json, Sarif, Github };
std::optional<Format> FormatFromName(std::string_view name);

// The name machine formats give a severity: error, warning or note (info and hints).
std::string_view LevelName(Severity severity);

// The report in `format`. Text and GitHub output end with the summary line, which gives
// `seconds`; JSON has a summary object; SARIF lists every catalogue code as a rule.
std::string Render(const Report& report, Format format, const Options& options, double seconds);

// One line: files, rules, how many compile, counts by severity, suppressed, time.
std::string SummaryLine(const Report& report, double seconds);

}  // namespace huntc::lint
