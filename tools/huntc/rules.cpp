// Reading rules from YAML files and packs.
#include "tools/huntc/rules.h"

#include <iostream>

#include <fmt/format.h>

#include "compiler/jit/pack_file.h"
#include "compiler/rule/rule.h"

namespace huntc {

std::vector<RuleText> ReadRules(const std::vector<std::string>& paths, Jit* jit, Diagnostics& diags) {
  std::vector<RuleText> rules;
  for (const std::string& path : FindRuleFiles(paths, diags)) {
    if (!IsPackFile(path)) {
      RuleText& rule = rules.emplace_back();
      rule.path = path;
      rule.file = ReadRuleFile(path, rule.diags);
      continue;
    }
    Pack pack;
    std::string error;
    if (!ReadPackFile(path, pack, error)) {
      diags.Report(Code::InputUnreadable, {}, error + "; build the pack again with `huntc compile`");
      continue;
    }
    for (PackRule& rule : pack.rules) {
      RuleText& text = rules.emplace_back();
      text.path = rule.path;
      text.file = std::make_shared<const SourceFile>(std::move(rule.path), std::move(rule.text));
    }
    if (!jit) continue;
    if (pack.huntc_version != HuntcVersion() || pack.target_id != jit->TargetId()) {
      // Its object code may not suit this huntc or CPU: the rules are compiled again instead.
      std::cerr << fmt::format(
          "huntc: note: {} was built by huntc {} for {}; this is huntc {} on {}: its {} rules are compiled again\n",
          path, pack.huntc_version, pack.target_id, HuntcVersion(), jit->TargetId(), pack.rules.size());
      continue;
    }
    jit->AddCode(std::move(pack.kernels));
  }
  return rules;
}

}  // namespace huntc
