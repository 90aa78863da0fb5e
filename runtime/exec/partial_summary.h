// Summarizing a Scan's rows on the reading threads: a compiled summarize fed by a Scan through
// filters and projections alone is computed per reading thread (or, when its aggregates need,
// per input range) into a partial group table of its own, and RunPlans merges the tables into the
// plan's in input order (AggTable::Merge), so the result is that of one table fed every row in
// order, whatever the thread count.
#pragma once

#include <cstdint>
#include <memory>

#include "runtime/batch.h"
#include "runtime/exec/agg_table.h"
#include "runtime/exec/execution.h"
#include "runtime/exec/plan.h"

namespace huntc::exec {

// The summarize that `scan`, a source of `plan`, feeds through Filters and Projects alone, when
// it has a compiled kernel and table layout; else null.
const AggregateNode* SummaryAbove(const PlanNode& plan, const PlanNode& scan);

// Whether the compiled summarize `node` (as SummaryAbove gives) sums reals (sum and avg keep
// doubles): partial tables merged then give what one table fed the rows in order gives only up to
// rounding, so a run on one thread takes them too (per range, as on several), to give the same.
bool SumsReals(const AggregateNode& node);

// Whether partial tables of the compiled summarize `node` fed disjoint sets of input ranges, each
// in increasing order, merge (AggTable::Merge of several) into what one table fed all their rows in
// order gives: true unless it has an aggregate whose result depends on the order of its rows
// beyond what the tables keep (the ranges of make_set's and make_list's values and of groups'
// first rows): sums of reals (rounding), take_any and arg_max/arg_min (which of equal rows).
// Then a reading thread feeds all its ranges to one table, instead of one table per range.
bool MergesInOrder(const AggregateNode& node);

// Runs the part of a plan from a Scan to the summarize above it (SummaryAbove: its filters,
// projections and the summarize's kernel) into a group table of its own. One per reading thread.
class PartialSummary {
 public:
  PartialSummary(const AggregateNode& node, int64_t now);
  ~PartialSummary();
  PartialSummary(const PartialSummary&) = delete;
  PartialSummary& operator=(const PartialSummary&) = delete;

  // Feeds a batch of the Scan (Execution::Push), or the rows selection[0..count) of it as its
  // compiled filter selected them (Execution::PushSelected).
  void Push(const Batch& batch) { execution_.Push(0, batch); }
  void PushSelected(const Batch& batch, const uint32_t* selection, size_t count) {
    execution_.PushSelected(0, batch, selection, count);
  }
  // The input range of the batches fed next (AggTable::set_range).
  void SetRange(uint32_t range);
  // The table of the rows fed since the last Take (null if there were none): an empty one takes
  // its place.
  std::unique_ptr<AggTable> Take();

 private:
  class Sink;
  std::unique_ptr<Sink> sink_;
  Execution execution_;
};

}  // namespace huntc::exec
