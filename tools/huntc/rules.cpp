// Reading rules from YAML files and packs.
#include "tools/huntc/rules.h"

#include <iostream>

#include <fmt/format.h>

#include "compiler/jit/pack_file.h"
#include "compiler/rule/rule.h"
#include "runtime/parallel.h"

namespace huntc {

std::vector<RuleText> ReadRules(const std::vector<std::string>& paths, Jit* jit, Diagnostics& diags,
                                unsigned threads) {
  // Each file is read on whichever thread is free (hundreds of small files: a tenth of a run of
  // a folder of rules), then taken in order.
  struct Read {
    bool is_pack = false;
    RuleText text;  // a rule file
    Pack pack;      // a pack
    std::string error;
  };
  const std::vector<std::string> files = FindRuleFiles(paths, diags);
  std::vector<Read> reads(files.size());
  ForEachParallel(files.size(), threads, [&](size_t i) {
    Read& read = reads[i];
    // A rule file is opened once; a pack is read again as one (or found by its first bytes
    // when it is too large to be read as a rule file).
    read.text.path = files[i];
    read.text.file = ReadRuleFile(files[i], read.text.diags);
    read.is_pack = read.text.file ? LooksLikePack(read.text.file->text()) : IsPackFile(files[i]);
    if (read.is_pack && !ReadPackFile(files[i], read.pack, read.error)) {
      read.error += "; build the pack again with `huntc compile`";
    }
  });
  std::vector<RuleText> rules;
  for (size_t i = 0; i < files.size(); ++i) {
    Read& read = reads[i];
    if (!read.is_pack) {
      rules.push_back(std::move(read.text));
      continue;
    }
    if (!read.error.empty()) {
      diags.Report(Code::InputUnreadable, {}, std::move(read.error));
      continue;
    }
    Pack& pack = read.pack;
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
          files[i], pack.huntc_version, pack.target_id, HuntcVersion(), jit->TargetId(), pack.rules.size());
      continue;
    }
    jit->AddCode(std::move(pack.kernels));
  }
  return rules;
}

}  // namespace huntc
