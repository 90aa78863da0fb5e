// The kernel cache's whole-run entries: the object code (and kept data) of every kernel one run of
// a set of rules used, in one pack file of the cache folder, so that the next run of the same
// rules opens one file instead of two per kernel (a kernel's key under its inputs, then its
// code: about 2,600 files for the corpus's 361 rules).
//
// An entry is named by a hash of the run's identity: the rules' paths and every option that
// decides which kernels a run makes (the caller's), with this huntc's version and the target. An
// edited rule keeps its run's entry name: the entry's kernels are only offered to the Jit
// (AddCode), whose keys still decide which are used, so the edited rule's kernels come from the
// per-kernel cache files or are compiled, the others' from the entry, and the entry is then
// written again with what the run used. An entry that is not a whole, intact pack built by this
// huntc for this target (truncated, corrupt, foreign) is ignored and replaced. Entries are written
// under a temporary name and renamed into place, so processes sharing the folder see whole files;
// the folder keeps the newest kMaxRunEntries of them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "compiler/jit/jit.h"
#include "compiler/jit/pack_file.h"

namespace huntc {

// How many whole-run entries a cache folder keeps (each a few MiB for hundreds of rules); older
// ones are removed when a new one is written.
inline constexpr size_t kMaxRunEntries = 16;

class RunCacheEntry {
 public:
  // The entry in `cache_dir` of the run `identity` describes, for `jit`'s target.
  RunCacheEntry(const std::string& cache_dir, std::string_view identity, const Jit& jit);

  // Offers `jit` the entry's kernels when it is a usable pack, and has `jit` keep the code of
  // every kernel the run uses (Jit::KeepCode) for Close.
  void Open(Jit& jit);
  // Writes the entry again when it was missing or unusable, or the run used a kernel it lacks.
  // Returns why it could not be written, or empty; never an error: the run has its results.
  std::string Close(Jit& jit, std::vector<PackRule> rules);

  const std::string& path() const { return path_; }
  bool used() const { return usable_; }           // Open found a usable entry
  size_t kernels() const { return keys_.size(); }  // how many kernels and data it offered

 private:
  std::string dir_;
  std::string path_;
  std::unordered_set<std::string> keys_;
  bool usable_ = false;
};

}  // namespace huntc
