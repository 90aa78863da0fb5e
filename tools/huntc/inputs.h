// Finding event files on disk, the local files standing for externaldata URLs, and the JIT's
// cache folder, shared by `huntc run`, `huntc query` and `huntc test`.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "compiler/diag/diagnostic.h"

namespace huntc {

// Whether a file name looks like an event archive (.json, .jsonl, .ndjson, .csv, .gz, .zst).
bool IsEventFileName(const std::filesystem::path& path);

// Appends the event files in a folder, recursively, sorted so that runs are repeatable.
void WalkFolder(const std::string& dir, std::vector<std::string>& paths, Diagnostics& diags);

// Adds the repeatable `--externaldata URL=PATH` option to `cmd`, filling `files` (URL -> PATH)
// as it parses. The URL ends at the last `=`, since URLs often hold `=` and paths rarely do.
void AddExternalDataOption(CLI::App& cmd, std::map<std::string, std::string>& files);

// `--cache-dir DIR` and `--no-cache`: where the JIT keeps compiled kernels between runs.
struct CacheOptions {
  std::string dir;
  bool off = false;
};
void AddCacheOptions(CLI::App& cmd, CacheOptions& cache);
// The cache folder to use: --cache-dir, else $XDG_CACHE_HOME/huntc, else $HOME/.cache/huntc;
// empty (no cache) with --no-cache or when none of these is set.
std::string CacheFolder(const CacheOptions& cache);

}  // namespace huntc
