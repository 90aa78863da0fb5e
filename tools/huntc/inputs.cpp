// Event files on disk.
#include "tools/huntc/inputs.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include <fmt/format.h>

namespace fs = std::filesystem;

namespace huntc {

bool IsEventFileName(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".json" || ext == ".jsonl" || ext == ".ndjson" || ext == ".csv" || ext == ".gz" ||
         ext == ".zst" || ext == ".zstd";
}

void WalkFolder(const std::string& dir, std::vector<std::string>& paths, Diagnostics& diags) {
  std::error_code ec;
  std::vector<std::string> found;
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec) && IsEventFileName(it->path())) found.push_back(it->path().string());
  }
  if (ec) diags.Report(Code::InputUnreadable, {}, fmt::format("{}: {}", dir, ec.message()));
  std::sort(found.begin(), found.end());
  paths.insert(paths.end(), found.begin(), found.end());
}

void AddExternalDataOption(CLI::App& cmd, std::map<std::string, std::string>& files) {
  cmd.add_option_function<std::vector<std::string>>(
         "--externaldata",
         [&files](const std::vector<std::string>& mappings) {
           for (const std::string& m : mappings) {
             const size_t eq = m.rfind('=');
             files[m.substr(0, eq)] = m.substr(eq + 1);
           }
         },
         "Read the externaldata URL from the local file PATH instead (csv, tsv, txt, json or multijson, as "
         "the query's with(format=...) says); repeatable. The interpreter only; an unmapped URL is an error")
      ->type_name("URL=PATH")
      ->check([](const std::string& m) {
        const size_t eq = m.rfind('=');
        return eq == std::string::npos || eq == 0 || eq + 1 == m.size() ? "not URL=PATH: " + m : std::string();
      })
      ->allow_extra_args(false);
}

void AddCacheOptions(CLI::App& cmd, CacheOptions& cache) {
  cmd.add_option("--cache-dir", cache.dir,
                 "Keep compiled kernels in DIR and reuse them in later runs (default: $XDG_CACHE_HOME/huntc, "
                 "else ~/.cache/huntc); safe to share between runs at once")
      ->type_name("DIR");
  cmd.add_flag("--no-cache", cache.off, "Compile every kernel afresh and keep none");
}

std::string CacheFolder(const CacheOptions& cache) {
  if (cache.off) return {};
  if (!cache.dir.empty()) return cache.dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return (fs::path(xdg) / "huntc").string();
  if (const char* home = std::getenv("HOME"); home && *home) return (fs::path(home) / ".cache" / "huntc").string();
  return {};
}

}  // namespace huntc
