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
};

struct PlanRunOptions {
  int64_t now = 0;       // now(), in ticks
  bool profile = false;  // time each plan (PlanRun::nanos): two clock reads per plan per batch
  std::function<void(const ReadStats&)> on_progress;  // after each input read, the totals so far
  // Skip lines before parsing them when every Scan of a read has a filter that needs one of a
  // set of literals (runtime/exec/prefilter.h, EventReader::set_prefilter).
  bool prefilter = true;
};

// Runs plans together, sending each one's result rows to its sink. A plan's sources must be fed
// one after another (Execution: a join's build side before its probe side, a union's branches in
// turn), so the plans advance in rounds: one read of the inputs feeds every plan's next Scan,
// whatever their tables and columns. A rule pack whose plans each scan once is read once; a
// plan with a join reads the inputs once more for its probe side (shared with every other
// plan's second Scan). Adds to `stats` (files counts the inputs read, per round). A read whose
// every Scan sits under a filter with literals (or is a pipeline's with them) skips the lines
// holding none of their union, unparsed.
void RunPlans(std::vector<PlanRun>& plans, const std::vector<InputFile>& inputs,
              const PlanRunOptions& options,
              const std::function<void(const InputIssue&)>& on_issue, RunStats& stats);

// Runs a scan pipeline (runtime/hunt.h) on the batches of a Scan of its table and columns: its
// kernel selects rows, which are written as its detections. So scan pipelines take part in
// RunPlans' shared read. A Scan hands on whole batches, which is what the kernel takes.
class PipelineSink : public Consumer {
 public:
  PipelineSink(const ScanPipeline& pipeline, int64_t now, DetectionRenderer& renderer, DetectionWriter& writer)
      : pipeline_(pipeline), now_(now), renderer_(renderer), writer_(writer) {}
  void Push(const RowSet& rows, int input) override;
  void Finish(int) override {}
  uint64_t rows() const { return rows_; }

 private:
  const ScanPipeline& pipeline_;
  int64_t now_;
  DetectionRenderer& renderer_;
  DetectionWriter& writer_;
  std::vector<ColumnView> views_;
  std::vector<const Column*> columns_;
  std::vector<uint32_t> selection_;
  std::string rendered_;
  uint64_t rows_ = 0;
};

// Runs one plan (RunPlans of one): every input whose table is that of a Scan is read once per
// Scan of it.
void RunPlan(const PlanNode& plan, const std::vector<InputFile>& inputs, int64_t now, Consumer& sink,
             const std::function<void(const InputIssue&)>& on_issue, RunStats& stats);

}  // namespace huntc::exec
