// Running a plan: the operator instances of a PlanNode tree, wired push-based from its sources
// to a sink.
#pragma once

#include <cstdint>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "runtime/batch.h"
#include "runtime/exec/eval.h"
#include "runtime/exec/plan.h"
#include "runtime/output.h"

namespace huntc::exec {

class AggTable;

// What an operator's kernel takes of a batch: its columns' views and the rows' selection (every
// row in order when the rows have none), in buffers reused from batch to batch.
struct KernelInputs {
  std::vector<ColumnView> views;
  std::vector<uint32_t> identity;

  const uint32_t* Prepare(const RowSet& rows) {
    views.clear();
    for (const Column& c : rows.batch->columns) views.push_back(c.View());
    if (rows.sel) return rows.sel;
    identity.resize(rows.count);
    std::iota(identity.begin(), identity.end(), 0u);
    return identity.data();
  }
};

// Rows go to consumers: every operator is one, and so is the sink at the end of a plan.
class Consumer {
 public:
  virtual ~Consumer() = default;
  // Rows for input `input`: 0 for single-input operators; for HashJoin 0 = left (probe side),
  // 1 = right (build side); for Union the branch. The rows are only valid during the call.
  virtual void Push(const RowSet& rows, int input) = 0;
  // Input `input` will send no more rows.
  virtual void Finish(int input) = 0;
  // Whether rows pushed to input `input` can still change the result: false once they cannot (a
  // join whose build side is empty, for the kinds that then output nothing; a limit reached), so
  // that the rows of a source are no longer made and pushed.
  virtual bool Wants(int) const { return true; }
};

// Collects a plan's result rows into one batch.
class CollectSink : public Consumer {
 public:
  explicit CollectSink(std::vector<ColumnSpec> schema) : result_(std::move(schema)) {}
  void Push(const RowSet& rows, int input) override;
  void Finish(int) override { finished_ = true; }
  const Batch& result() const { return result_; }
  bool finished() const { return finished_; }

 private:
  Batch result_;
  bool finished_ = false;
};

// Writes a plan's result rows as detection lines (runtime/output.h).
class WriterSink : public Consumer {
 public:
  // Renders each result row as a detection of `shape` (whose output indexes the plan's result
  // columns) and writes it.
  WriterSink(DetectionRenderer& renderer, DetectionWriter& writer, const DetectionShape& shape)
      : renderer_(renderer), writer_(writer), shape_(shape) {}
  void Push(const RowSet& rows, int input) override;
  void Finish(int) override {}
  uint64_t rows() const { return rows_; }

 private:
  DetectionRenderer& renderer_;
  DetectionWriter& writer_;
  const DetectionShape& shape_;
  std::vector<const Column*> columns_;
  std::vector<uint32_t> selection_;
  std::string rendered_;
  uint64_t rows_ = 0;
};

class Execution {
 public:
  // Instantiates the operators of `plan`, whose result rows go to `sink`. `now` is now().
  // `threads`: how many threads an operator may use at once for the work it does alone once its
  // inputs have ended (making a summarize's result rows), where nothing else runs.
  Execution(const PlanNode& plan, int64_t now, Consumer& sink, unsigned threads = 1);
  ~Execution();

  // The plan's sources (Scan, Datatable, ApplyInput and Shared nodes), in the order they must be
  // fed: the build side of every join before its probe side, a shared subplan's own sources
  // before its first use. Feed each completely (Push its batches, then Finish) before the next.
  size_t source_count() const { return sources_.size(); }
  const PlanNode& source(size_t i) const { return *sources_[i].node; }
  void Push(size_t source, const Batch& batch);
  void Finish(size_t source);
  // Whether rows of source `source` can still change the result (Consumer::Wants): Push and
  // PushSelected drop them when they cannot.
  bool Wants(size_t source) const;
  // Feeds a source whose rows are at hand, a Datatable's or a shared subplan's result, (in
  // batches of kOutputBatchRows) and finishes it. A shared subplan's result is dropped after
  // its last use.
  void Replay(size_t source);

  class SharedResult;
  // The compiled filter directly above source `source` when it is a Scan, or null.
  const FilterNode* ScanFilter(size_t source) const { return sources_[source].filter; }
  // Feeds source `source` the rows selection[0..count) of `batch`, as its ScanFilter would have
  // selected them (a pack scan stage did): they go straight to the operator after that filter.
  void PushSelected(size_t source, const Batch& batch, const uint32_t* selection, size_t count);
  // The group table of the summarize `node` of this plan when it runs its compiled kernel (else
  // null): partial tables of its rows computed apart (PartialSummary) are merged into it.
  AggTable* SummaryTable(const AggregateNode& node) const;

 private:
  struct Source {
    const PlanNode* node;
    Consumer* consumer;
    int input;
    SharedResult* shared = nullptr;  // a Shared node's subplan result
    const FilterNode* filter = nullptr;  // ScanFilter, and where its rows go
    Consumer* after_filter = nullptr;
    int after_filter_input = 0;
  };
  // `above`: the filter `out` is, when it is one (a join or mv-expand under it tests its rows
  // before making them whole).
  void Build(const PlanNode& node, Consumer* out, int input, const FilterNode* above = nullptr);

  std::unique_ptr<Evaluator> evaluator_;
  unsigned threads_;
  std::vector<std::unique_ptr<Consumer>> operators_;
  std::vector<Source> sources_;
  std::vector<std::pair<const PlanNode*, SharedResult*>> shared_;  // per shared subplan
  std::vector<std::pair<const PlanNode*, AggTable*>> summaries_;  // per compiled summarize
};

// The mv-apply and make-series operators (runtime/exec/apply.cpp).
std::unique_ptr<Consumer> MakeMvApplyOp(const MvApplyNode& node, Consumer* out, int input, Evaluator& eval);
std::unique_ptr<Consumer> MakeMakeSeriesOp(const MakeSeriesNode& node, Consumer* out, int input, Evaluator& eval);

// Appends a constant to a column of its type (or converted to the column's type).
void AppendValue(Column& out, const Value& v);

}  // namespace huntc::exec
