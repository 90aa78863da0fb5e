// Rule selection for the command line.
#include "tools/huntc/select.h"

#include <fnmatch.h>
#include <strings.h>

#include <algorithm>

namespace huntc {
namespace {

bool SameText(const std::string& a, const std::string& b) { return ::strcasecmp(a.c_str(), b.c_str()) == 0; }

}  // namespace

bool RuleFilter::Keeps(const Rule& rule) const {
  const auto matches = [&](const std::string& pattern) {
    return SameText(pattern, rule.id) || ::fnmatch(pattern.c_str(), rule.name.c_str(), FNM_CASEFOLD) == 0 ||
           ::fnmatch(pattern.c_str(), rule.id.c_str(), FNM_CASEFOLD) == 0;
  };
  if (!rules.empty() && std::none_of(rules.begin(), rules.end(), matches)) return false;
  if (!severities.empty() &&
      std::none_of(severities.begin(), severities.end(), [&](const std::string& s) { return SameText(s, rule.severity); })) {
    return false;
  }
  if (!tactics.empty() && std::none_of(tactics.begin(), tactics.end(), [&](const std::string& t) {
        return std::any_of(rule.tactics.begin(), rule.tactics.end(),
                           [&](const std::string& r) { return SameText(t, r); });
      })) {
    return false;
  }
  return true;
}

}  // namespace huntc
