// A generated archive of all ten Device* tables with every scenario, for the tests that run the
// corpus rules over it (lower_corpus_test, optimize_test).
#pragma once

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "runtime/hunt.h"
#include "tools/gen-events/generator.h"

namespace huntc::test {

// Writes `events` generated events (seed 7) as one <Table>.jsonl file per table under `dir`.
inline std::vector<InputFile> WriteDeviceArchive(const std::filesystem::path& dir, size_t events, int64_t now) {
  gen::GenOptions opt;
  opt.seed = 7;
  opt.events = events;
  opt.now = now;
  opt.tables.clear();
  for (size_t t = 0; t < gen::kTableCount; ++t) opt.tables.push_back(static_cast<gen::Table>(t));
  for (size_t s = 0; s < gen::kScenarioCount; ++s) opt.scenarios.push_back(static_cast<gen::Scenario>(s));
  std::vector<InputFile> inputs;
  std::map<gen::Table, std::ofstream> files;
  for (gen::Table t : opt.tables) {
    const std::string name(gen::TableName(t));
    const std::filesystem::path path = dir / (name + ".jsonl");
    files[t].open(path, std::ios::binary);
    inputs.push_back({path.string(), name});
  }
  const gen::GenResult result = gen::Generate(opt, [&](gen::Table t, std::string_view chunk) {
    return static_cast<bool>(files[t].write(chunk.data(), static_cast<std::streamsize>(chunk.size())));
  });
  REQUIRE(result.error.empty());
  return inputs;
}

}  // namespace huntc::test
