// Writes the KQL query of every rule file under the given folders into a seed folder for the
// parser fuzzer: make_seeds OUT_DIR RULE_DIR...
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "compiler/rule/rule.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: make_seeds OUT_DIR RULE_DIR...\n");
    return 2;
  }
  huntc::Diagnostics diags;
  const auto files = huntc::FindRuleFiles(std::vector<std::string>(argv + 2, argv + argc), diags);
  size_t written = 0;
  for (const std::string& file : files) {
    const auto rule = huntc::LoadRuleFile(file, diags);
    if (!rule) continue;
    std::ofstream(std::string(argv[1]) + "/seed-" + std::to_string(written++) + ".kql",
                  std::ios::binary)
        << rule->query;
  }
  std::printf("%zu seeds from %zu rule files\n", written, files.size());
  return 0;
}
