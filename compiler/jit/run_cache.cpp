// Whole-run entries of the kernel cache: naming, reading, writing again and pruning.
#include "compiler/jit/run_cache.h"

#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/BLAKE3.h>

#include <algorithm>
#include <filesystem>
#include <utility>

namespace huntc {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kPrefix = "run-";
constexpr std::string_view kSuffix = ".pack";

bool IsRunEntry(const fs::path& path) {
  const std::string name = path.filename().string();
  return name.size() > kPrefix.size() + kSuffix.size() && name.starts_with(kPrefix) && name.ends_with(kSuffix);
}

// Removes all but the newest kMaxRunEntries entries of `dir`. Another process may be pruning
// or reading at once: a file already gone is no error, and a reader keeps what it opened.
void Prune(const std::string& dir) {
  std::error_code ec;
  std::vector<std::pair<fs::file_time_type, fs::path>> entries;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    if (!IsRunEntry(e.path())) continue;
    const fs::file_time_type when = e.last_write_time(ec);
    if (!ec) entries.emplace_back(when, e.path());
  }
  if (entries.size() <= kMaxRunEntries) return;
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t i = kMaxRunEntries; i < entries.size(); ++i) fs::remove(entries[i].second, ec);
}

}  // namespace

RunCacheEntry::RunCacheEntry(const std::string& cache_dir, std::string_view identity, const Jit& jit)
    : dir_(cache_dir) {
  llvm::BLAKE3 hash;
  const std::string target = jit.TargetId();
  for (std::string_view part : {HuntcVersion(), std::string_view(target), identity}) {
    // Each part's length first, so that no two different lists of parts hash alike.
    const uint64_t size = part.size();
    hash.update(llvm::ArrayRef(reinterpret_cast<const uint8_t*>(&size), sizeof size));
    hash.update(llvm::StringRef(part.data(), part.size()));
  }
  path_ = (fs::path(dir_) / (std::string(kPrefix) + llvm::toHex(hash.final(), /*LowerCase=*/true) +
                             std::string(kSuffix)))
              .string();
}

void RunCacheEntry::Open(Jit& jit) {
  Pack pack;
  std::string error;
  std::error_code ec;
  // A missing entry, and one that cannot be read or is not this huntc's for this target, is
  // simply not used: Close writes a good one.
  if (fs::exists(path_, ec) && ReadPackFile(path_, pack, error) && pack.huntc_version == HuntcVersion() &&
      pack.target_id == jit.TargetId()) {
    usable_ = true;
    for (const KernelCode& k : pack.kernels) keys_.insert(k.key);
    jit.AddCode(std::move(pack.kernels));
  }
  jit.KeepCode();
}

std::string RunCacheEntry::Close(Jit& jit, std::vector<PackRule> rules) {
  Pack pack;
  pack.kernels = jit.TakeCode();
  const bool complete = std::all_of(pack.kernels.begin(), pack.kernels.end(),
                                    [&](const KernelCode& k) { return keys_.contains(k.key); });
  if (usable_ && complete) return {};
  pack.huntc_version = HuntcVersion();
  pack.target_id = jit.TargetId();
  pack.rules = std::move(rules);
  std::error_code ec;
  fs::create_directories(dir_, ec);
  std::string error;
  if (!WritePackFile(path_, pack, error)) return error;
  Prune(dir_);
  return {};
}

}  // namespace huntc
