// Which rules `huntc run` and `huntc test` keep: --rule, --severity and --tactic.
#pragma once

#include <string>
#include <vector>

#include "compiler/rule/rule.h"

namespace huntc {

struct RuleFilter {
  std::vector<std::string> rules;       // ids or name globs (fnmatch, case-insensitive); any may match
  std::vector<std::string> severities;  // any may match, case-insensitive
  std::vector<std::string> tactics;     // the rule has any of them, case-insensitive

  bool empty() const { return rules.empty() && severities.empty() && tactics.empty(); }
  // A rule is kept when it passes every filter given.
  bool Keeps(const Rule& rule) const;
};

}  // namespace huntc
