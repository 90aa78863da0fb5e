// The YAML-level checks of `huntc lint`: keys, Sentinel's CI structure for analytic rules, the
// style guide for hunting queries, and the facts the query checks need from the rule's fields.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/lint/lint.h"

namespace huntc::lint {

// A column a rule's fields name, which the query must output.
struct ColumnUse {
  std::string column;
  FileSpan span;
  std::string use;  // "entity mapping Host.FullName", "custom detail Reason", ...
};

struct RuleFields {
  RuleRole role = RuleRole::Hunting;
  std::string id;
  FileSpan id_span;
  bool scheduled = false;              // an analytic rule of kind Scheduled
  std::optional<int64_t> query_period;  // in ticks (100 ns), when valid
  std::string query_period_text;
  FileSpan query_period_span;
  std::vector<ColumnUse> columns;
  std::vector<Code> disabled;  // from a `huntc-disable` key
};

// The role a file's path gives it, if any (see lint.h).
std::optional<RuleRole> RoleFromPath(std::string_view path);

// Checks one file's fields. Returns nullopt (reporting nothing) when its YAML does not parse:
// the rule model has reported that already.
std::optional<RuleFields> CheckFields(const std::shared_ptr<const SourceFile>& file,
                                      Profile profile, Diagnostics& diags);

// Parses a Sentinel time span: a .NET TimeSpan (`01:00:00`, `1.00:00:00`, `5` = 5 days) or
// `<int>m|h|d`. Ticks of 100 ns.
std::optional<int64_t> ParseSentinelTimeSpan(std::string_view text);

// Levenshtein distance between two names, ignoring ASCII case (for "did you mean").
size_t EditDistance(std::string_view a, std::string_view b);

// The codes of a `huntc-disable` comment or key value ("HC600, HC604"); unknown codes are
// returned in `unknown`.
std::vector<Code> ParseCodeList(std::string_view text, std::vector<std::string>* unknown);

}  // namespace huntc::lint
