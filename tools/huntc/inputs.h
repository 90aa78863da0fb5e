// Finding event files on disk, shared by `huntc run` and `huntc test`.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "compiler/diag/diagnostic.h"

namespace huntc {

// Whether a file name looks like an event archive (.json, .jsonl, .ndjson, .csv, .gz, .zst).
bool IsEventFileName(const std::filesystem::path& path);

// Appends the event files in a folder, recursively, sorted so that runs are repeatable.
void WalkFolder(const std::string& dir, std::vector<std::string>& paths, Diagnostics& diags);

}  // namespace huntc
