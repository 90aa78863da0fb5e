// The `huntc test` verb.
#pragma once

#include <CLI/CLI.hpp>

namespace huntc {

// Adds `test` to `app`. The verb parses its own options and ends the process from its callback:
// 0 every case passed, 1 a case failed or a rule could not be compiled, 2 usage error.
void AddTestCommand(CLI::App& app);

}  // namespace huntc
