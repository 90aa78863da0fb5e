// Reading the rules a verb is given, as YAML files, folders of them or packs (`huntc compile`);
// shared by `run`, `compile`, `test` and `explain`.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/diag/source.h"
#include "compiler/jit/jit.h"

namespace huntc {

// A rule file read into memory, from disk or out of a pack.
struct RuleText {
  std::string path;                         // the YAML file (for a pack's rule, the one it was built from)
  std::shared_ptr<const SourceFile> file;   // null when it could not be read
  Diagnostics diags;                        // why it could not be read (HC700, HC103)
};

// The rule files named by `paths` (files, folders searched for .yaml/.yml, pack files), read
// in FindRuleFiles' order, a pack's rules in the order it holds them. A path that does not
// exist, and a pack that cannot be read (truncated, corrupt, of another format), are HC700 in
// `diags`, naming the file and what is wrong. With `jit`, a pack's kernels go to it when the pack
// was built by this huntc for this CPU; a pack built by another version or for another target
// has its rules compiled again, said by a note on stderr. Files are read on up to `threads`
// threads.
std::vector<RuleText> ReadRules(const std::vector<std::string>& paths, Jit* jit, Diagnostics& diags,
                                unsigned threads = 1);

}  // namespace huntc
