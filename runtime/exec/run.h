// Running plans over event files: each Scan source is fed the JSON-lines files of its table
// (runtime/event_reader.h), each Datatable its rows, in the order the plan needs; the plans of
// a rule pack share their reads where their order of sources allows it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "runtime/exec/execution.h"
#include "runtime/exec/pack_scan.h"
#include "runtime/hunt.h"

namespace huntc::exec {

// One plan of those run together, and where its result rows go.
struct PlanRun {
  const PlanNode* plan = nullptr;
  Consumer* sink = nullptr;
  uint64_t nanos = 0;  // with PlanRunOptions::profile: time in its operators and its own reads
  // For a plan that is a bare Scan feeding a scan pipeline: what the pipeline's filter needs in
  // a line (ScanPipeline::literals); nullopt: every row counts.
  std::optional<LineNeeds> literals = std::nullopt;
  // For such a plan, the columns the pipeline's filter reads as strings (ScanPipeline::dictionary).
  std::vector<bool> dictionary = {};
};

struct PlanRunOptions {
  int64_t now = 0;       // now(), in ticks
  bool profile = false;  // time each plan (PlanRun::nanos): two clock reads per plan per batch
  // Threads that parse the inputs (cut into ranges of split_bytes as RunPipelines cuts them);
  // the plans' operators still take every batch on the calling thread, in input order, except a
  // compiled summarize right above a Scan, which the reading threads compute per range; once
  // the reading has ended, an operator's own work may use as many (Execution).
  unsigned threads = 1;
  uint64_t split_bytes = uint64_t{32} << 20;
  std::function<void(const ReadStats&)> on_progress;  // after each input read, the totals so far
  // With it, the compiled scan filters (FilterNode::kernel) of the plans reading one table in a
  // round run as one pack scan stage when there are two or more; each stage's report is added to
  // `pack_reports` when given. It is called for several tables at once, on up to `threads`
  // threads.
  PackScanFactory pack_scan;
  std::vector<PackScanReport>* pack_reports = nullptr;
  // Build the stages of tables no input may hold too (those get no batch, so by default their
  // stages are only laid out for `pack_reports`): a pack's compilation runs over no input.
  bool every_stage = false;
  // Skip lines before parsing them when every Scan of a read has a filter that needs one of a
  // set of literals (runtime/exec/prefilter.h), and read each Scan's columns of a line only when
  // it may want it (EventReader::set_readers).
  bool prefilter = true;
  // With it, the Scans a plan feeds in a later round (a join's probe side, a union's later
  // branch) take their rows from the read of an earlier round instead of reading their table
  // again: the rows they need (those their compiled filter selects, or all) are kept, up to this
  // many bytes in all. A Scan whose rows would pass it is read again in its round. 0: no keeping.
  uint64_t keep_bytes = 0;
};

// Runs plans together, sending each one's result rows to its sink. A plan's sources must be fed
// one after another (Execution: a join's build side before its probe side, a union's branches in
// turn), so the plans advance in rounds: one read of the inputs feeds every plan's next Scan,
// whatever their tables and columns. A rule pack whose plans each scan once is read once; a
// plan with a join reads the inputs once more for its probe side (shared with every other
// plan's second Scan), unless PlanRunOptions::keep_bytes lets the first read keep its rows. Inputs are cut into ranges (as RunPipelines cuts them, whatever the
// thread count); with several threads, workers parse them ahead and run the kernels and the
// rendering of the scan pipelines (PipelineSink plans) there too, while the calling thread feeds
// the other plans' operators and writes, in the order one thread would, so the output is the same
// (--profile then counts only a pipeline's writing in its time). A compiled summarize fed by a
// Scan through filters and projections alone (SummaryAbove, runtime/exec/partial_summary.h) runs
// there too, into one partial table per range, which the calling thread merges in input order
// (--profile: only the merging counts). Adds to `stats` (files counts
// the inputs read, per round). A read whose every Scan sits under a filter with literals (or is
// a pipeline's with them) skips the lines holding none of their union, unparsed; of several Scans
// of a table, one with literals gets only the rows whose line holds them (Batch::readers), and
// beside one that reads every row, its own columns are read of those lines alone.
void RunPlans(std::vector<PlanRun>& plans, const std::vector<InputFile>& inputs,
              const PlanRunOptions& options,
              const std::function<void(const InputIssue&)>& on_issue, RunStats& stats);

// Runs a scan pipeline (runtime/hunt.h) on the batches of a Scan of its table and columns: its
// kernel selects rows, which are written as its detections. So scan pipelines take part in
// RunPlans' shared read. A Scan hands on whole batches, which is what the kernel takes; rows
// selected already (by its Filter in a plan, or a pack scan stage) are written as they are.
class PipelineSink : public Consumer {
 public:
  // What Render needs besides the batch, reused from call to call; one per thread.
  struct Scratch {
    std::vector<ColumnView> views;
    std::vector<const Column*> columns;
    std::vector<uint32_t> selection;
  };

  PipelineSink(const ScanPipeline& pipeline, int64_t now, DetectionRenderer& renderer, DetectionWriter& writer)
      : pipeline_(pipeline), now_(now), renderer_(renderer), writer_(writer) {}
  void Push(const RowSet& rows, int input) override;
  void Finish(int) override {}
  uint64_t rows() const { return rows_; }

  // Push in two halves, so that RunPlans can render on a reading thread: Render appends the
  // detections of the rows `selected[0..n)` of `batch` — or, without `selected`, of the first `n`
  // rows its kernel keeps — to `out`, with the caller's renderer and scratch (so any thread may
  // call it), and returns how many; Write writes them, in order.
  uint32_t Render(const Batch& batch, const uint32_t* selected, uint32_t n, DetectionRenderer& renderer,
                  Scratch& scratch, std::string& out) const;
  void Write(const std::string& rendered, uint32_t count);
  const DetectionRenderer& renderer() const { return renderer_; }

 private:
  const ScanPipeline& pipeline_;
  int64_t now_;
  DetectionRenderer& renderer_;
  DetectionWriter& writer_;
  Scratch scratch_;
  std::string rendered_;
  uint64_t rows_ = 0;
};

// Runs one plan (RunPlans of one): every input whose table is that of a Scan is read once per
// Scan of it.
void RunPlan(const PlanNode& plan, const std::vector<InputFile>& inputs, int64_t now, Consumer& sink,
             const std::function<void(const InputIssue&)>& on_issue, RunStats& stats);

}  // namespace huntc::exec
