// The `huntc lint` verb.
#pragma once

#include <CLI/CLI.hpp>

namespace huntc {

// Adds `lint` to `app`. The verb parses its own options (so that usage errors exit with 2) and
// ends the process from its callback with lint's exit code: 0 nothing at or above --fail-level,
// 1 something is, 2 usage or internal error.
void AddLintCommand(CLI::App& app);

}  // namespace huntc
