// Running compiled queries in a test as `huntc run` does, with the detections read back as JSON
// lines: what the engine, optimiser and corpus tests compare.
#pragma once

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "compiler/driver/compile.h"

namespace huntc::test {

// The built-in schemas and one JIT, shared by a test binary's cases (a JIT is costly to start).
inline const Catalog& TestCatalog() {
  static const Catalog catalog = Catalog::BuiltIn();
  return catalog;
}

inline Jit& TestJit() {
  static std::string error;
  static std::unique_ptr<Jit> jit = Jit::Create(error);
  REQUIRE(jit);
  return *jit;
}

// Runs `queries` over `inputs` with now() = `now` (ticks), writing their detections to a
// scratch file in `dir`, and returns its lines in the order written. `stats`, if given, gets
// the run's figures (how many inputs were read, ...). With `pack`, as a pack with its scan stages
// (RunQueries). `options` sets the rest (threads, prefilter, ...); its `now` is replaced.
inline std::vector<std::string> RunToLines(std::vector<std::unique_ptr<CompiledQuery>>& queries,
                                           const std::vector<InputFile>& inputs, int64_t now,
                                           const std::filesystem::path& dir, RunStats* stats_out = nullptr,
                                           PackScanCompiler* pack = nullptr, RunOptions options = {}) {
  const std::filesystem::path path = dir / "detections.jsonl";
  std::FILE* out = std::fopen(path.c_str(), "w");
  REQUIRE(out);
  {
    DetectionWriter writer(out, OutputFormat::JsonLines, {});
    options.now = now;
    RunStats stats;
    CHECK(RunQueries(queries, inputs, options, OutputFormat::JsonLines, writer,
                     [](const InputIssue&) { return true; }, stats, pack));
    CHECK(writer.Finish());
    if (stats_out) *stats_out = stats;
  }
  std::fclose(out);
  std::vector<std::string> lines;
  {
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
  }
  std::filesystem::remove(path);
  return lines;
}

}  // namespace huntc::test
