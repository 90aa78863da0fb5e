// The `huntc explain` verb.
#pragma once

#include <CLI/CLI.hpp>

namespace huntc {

// Adds `explain` to `app`. Like lint, the verb parses its own options and ends the process from
// its callback: 0 every rule explained, 1 a rule could not be read, parsed or bound (its
// diagnostics are shown), 2 usage error.
void AddExplainCommand(CLI::App& app);

}  // namespace huntc
