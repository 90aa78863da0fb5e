// Verbs that parse their own arguments.
#include "tools/huntc/verb.h"

#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace huntc {

void AddOwnParserVerb(CLI::App& app, const std::string& name, const std::string& description,
                      VerbMain run) {
  CLI::App* verb = app.add_subcommand(name, description);
  // Everything after the verb goes to its own parser, --help included.
  verb->prefix_command();
  verb->set_help_flag();
  verb->callback([verb, name, run] {
    int code;
    try {
      code = run(verb->remaining());
    } catch (const std::exception& e) {
      std::cerr << "huntc " << name << ": internal error: " << e.what() << "\n";
      code = kUsageError;
    }
    std::fflush(stdout);
    std::exit(code);
  });
}

}  // namespace huntc
