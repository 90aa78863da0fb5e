// Running compiled scan pipelines over input files: one read of each file feeds every pipeline
// of its table; each pipeline's kernel selects rows, which are written as detections.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "runtime/jsonl_reader.h"
#include "runtime/kernel.h"
#include "runtime/output.h"

namespace huntc {

// One query ready to run: its scan columns, its kernel and what it outputs.
struct ScanPipeline {
  std::string table;
  std::vector<ColumnSpec> columns;  // read from the table, in the order the kernel indexes them
  FilterKernel filter = nullptr;    // null: every row is selected
  const void* const* objects = nullptr;
  std::vector<uint32_t> output;     // indexes into `columns`
  std::vector<std::string> output_names;
  std::string prefix;               // rendered rule fields for each detection line, or ""
  uint64_t detections = 0;          // rows written so far
};

struct InputFile {
  std::string path;
  std::string table;
};

struct RunStats {
  uint64_t files = 0;
  ReadStats read;
};

// Runs every pipeline over the inputs of its table, in input order, writing detections.
void RunPipelines(std::vector<ScanPipeline>& pipelines, const std::vector<InputFile>& inputs,
                  int64_t now, JsonLinesWriter& out,
                  const std::function<void(const InputIssue&)>& on_issue, RunStats& stats);

// The table an input file belongs to by its name: the longest table name that the file name
// starts with (`DeviceNetworkEvents-2026-11.jsonl`), or "" if none.
std::string TableFromFileName(const std::string& path, const std::vector<std::string>& tables);

}  // namespace huntc
