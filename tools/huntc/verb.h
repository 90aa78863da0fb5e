// Verbs that parse their own arguments: `lint`, `explain` and `test` take everything after the
// verb with their own CLI11 parser, so that usage errors exit with 2 (not CLI11's codes), and end
// the process with their exit code, so that main() needs one line to register each.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace huntc {

constexpr int kUsageError = 2;

using VerbMain = int (*)(std::vector<std::string> args);

// Adds `name` to `app`; when given, `run` gets the verb's arguments and its result is the exit
// code (an exception is an internal error: exit 2).
void AddOwnParserVerb(CLI::App& app, const std::string& name, const std::string& description,
                      VerbMain run);

}  // namespace huntc
