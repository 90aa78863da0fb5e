// Running compiled scan pipelines over inputs: one read of each input feeds every pipeline of
// every table in it; each pipeline's kernel selects rows, which are rendered as detections.
//
// Inputs are cut into units (whole files, or byte ranges of large uncompressed JSON-lines files)
// that worker threads read in parallel. Units are cut the same way whatever the thread count,
// and their detections and input issues are put out in unit order, so a run gives the same
// bytes on one thread as on many.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "runtime/event_reader.h"
#include "runtime/kernel.h"
#include "runtime/output.h"

namespace huntc {

// One query ready to run: its scan columns, its kernel and what it outputs.
struct ScanPipeline {
  std::string table;
  std::vector<ColumnSpec> columns;  // read from the table, in the order the kernel indexes them
  FilterKernel filter = nullptr;    // null: every row is selected
  const void* const* objects = nullptr;
  // What a line must hold for the filter to select a row of it (runtime/exec/prefilter.h);
  // nullopt when nothing is known, or there is no filter.
  std::optional<LineNeeds> literals;
  // Per column, whether the filter reads it as a string (exec::PredicateDictionary): the reader
  // dictionary-encodes those (TableColumns::dictionary).
  std::vector<bool> dictionary = {};
  // Per column, whether the filter reads it (exec::PredicateColumns): the others are read only
  // of the rows it keeps (TableColumns::late). Empty: all.
  std::vector<bool> filter_columns = {};
  DetectionShape shape;             // column numbers index `columns`
  uint64_t detections = 0;          // rows written so far
  uint64_t nanos = 0;               // with RunOptions::profile: time in its kernel and renderer
};

struct InputFile {
  std::string path;   // "-" is stdin
  std::string table;  // of records that do not name theirs, or ""
};

struct RunOptions {
  int64_t now = 0;
  unsigned threads = 1;
  uint64_t split_bytes = uint64_t{32} << 20;  // range size for splitting large files
  ReadLimits limits;
  // Time each pipeline's kernel and rendering (ScanPipeline::nanos): two clock reads per
  // pipeline per batch, so off unless asked for.
  bool profile = false;
  // Skip lines holding no literal of any pipeline, unparsed, when every pipeline has literals
  // (ScanPipeline::literals, EventReader::set_prefilter); --no-prefilter and --strict turn it off.
  bool prefilter = true;
  // A join's probe side or a union's later branch takes its rows from the first read of its
  // table instead of a read of its own, keeping up to this many bytes of rows in all
  // (exec::PlanRunOptions::keep_bytes; 0: each reads its tables again). For a pack of the corpus,
  // a read of most tables instead of three or four: filtered scans keep few rows, and the bound
  // keeps unfiltered ones of a large archive from holding it in memory (over 500 k events,
  // 512 MiB saved no more CPU than 128 MiB and took 250 MB more).
  uint64_t keep_bytes = uint64_t{128} << 20;
  // Called from the calling thread after each unit (a file, or a range of a large one) is
  // written, with the totals so far.
  std::function<void(const ReadStats&)> on_progress;
};

struct RunStats {
  uint64_t files = 0;
  uint64_t files_failed = 0;  // inputs that could not be opened or read to their end
  ReadStats read;
};

// Runs every pipeline over the inputs, writing detections in input order. on_issue sees every
// input problem, in input order, with lines counted from the start of its file; returning false
// stops the run (--strict). Returns false when the run stopped early: by on_issue, or because
// the output went away (then out.failed()).
bool RunPipelines(std::vector<ScanPipeline>& pipelines, const std::vector<InputFile>& inputs,
                  const RunOptions& options, OutputFormat format, DetectionWriter& out,
                  const std::function<bool(const InputIssue&)>& on_issue, RunStats& stats);

// The table an input belongs to by its name: the longest table name that the file name starts
// with (`DeviceNetworkEvents-2026-11.jsonl`), else the nearest folder named after a table, as
// Log Analytics and Defender exports lay out files (`.../DeviceNetworkEvents/y=2026/.../PT1H.json`,
// `insights-logs-advancedhunting-devicenetworkevents/...`); "" if none.
std::string TableFromPath(const std::string& path, const std::vector<std::string>& tables);

}  // namespace huntc
