// Feeding plans' sources from files.
#include "runtime/exec/run.h"

#include <algorithm>
#include <chrono>
#include <memory>

#include "runtime/exec/prefilter.h"

namespace huntc::exec {

namespace {

// Whether `input` may hold records of `table`: records name their table (envelopes, exports)
// or take their input's, so an input named after another table is not read for it.
bool MayHold(const InputFile& input, const std::string& table) {
  return input.table.empty() || input.table == table;
}

// A plan's source fed by the shared read: which table of the reader, and where its columns are
// in that table's batches.
struct SharedScan {
  size_t plan;
  size_t source;
  size_t table;
  std::vector<size_t> positions;
  bool whole = false;  // its columns are the table's, in order: the batch is passed as it is
  Batch scratch;       // otherwise its columns are copied here
};

class Stopwatch {
 public:
  explicit Stopwatch(bool on) : on_(on) {
    if (on_) start_ = std::chrono::steady_clock::now();
  }
  void AddTo(uint64_t& nanos) const {
    if (!on_) return;
    nanos += static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start_).count());
  }

 private:
  bool on_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace

void RunPlans(std::vector<PlanRun>& plans, const std::vector<InputFile>& inputs,
              const PlanRunOptions& options,
              const std::function<void(const InputIssue&)>& on_issue, RunStats& stats) {
  std::vector<std::unique_ptr<Execution>> executions;
  for (const PlanRun& run : plans) executions.push_back(std::make_unique<Execution>(*run.plan, options.now, *run.sink));
  std::vector<size_t> next(plans.size(), 0);  // per plan: the next of its sources to feed
  // In rounds: each feeds every plan its Datatables up to its next Scan, then one read of the
  // inputs feeds all those Scans. A round has at least one Scan while any is left.
  while (true) {
    std::vector<TableColumns> tables;
    std::vector<SharedScan> shared;
    for (size_t k = 0; k < plans.size(); ++k) {
      Execution& e = *executions[k];
      const Stopwatch watch(options.profile);
      while (next[k] < e.source_count() && !e.source(next[k]).Is<ScanNode>()) e.RunDatatable(next[k]++);
      watch.AddTo(plans[k].nanos);
      if (next[k] == e.source_count()) continue;
      const auto* scan = e.source(next[k]).As<ScanNode>();
      size_t t = 0;
      while (t < tables.size() && tables[t].table != scan->table) ++t;
      if (t == tables.size()) tables.push_back({scan->table, {}});
      std::vector<ColumnSpec>& columns = tables[t].columns;
      // A column this round reads as another type: the scan waits for a later round.
      const bool clash = std::any_of(scan->schema.begin(), scan->schema.end(), [&](const ColumnSpec& c) {
        return std::any_of(columns.begin(), columns.end(),
                           [&](const ColumnSpec& x) { return x.name == c.name && x.type != c.type; });
      });
      if (clash) continue;
      SharedScan& sh = shared.emplace_back(SharedScan{k, next[k], t, {}, false, Batch(scan->schema)});
      for (const ColumnSpec& c : scan->schema) {
        size_t i = 0;
        while (i < columns.size() && columns[i].name != c.name) ++i;
        if (i == columns.size()) columns.push_back(c);
        sh.positions.push_back(i);
      }
    }
    if (shared.empty()) return;

    for (SharedScan& sh : shared) {
      sh.whole = sh.positions.size() == tables[sh.table].columns.size();
      for (size_t i = 0; i < sh.positions.size(); ++i) sh.whole &= sh.positions[i] == i;
    }
    EventReader reader(tables);
    if (options.prefilter) {
      // A line that holds what none of its table's Scans needs feeds nobody.
      TableNeeds needs(tables.size());
      for (const SharedScan& sh : shared) {
        const PlanNode& scan = executions[sh.plan]->source(sh.source);
        needs.Add(sh.table,
                  &scan == plans[sh.plan].plan ? plans[sh.plan].literals : ScanLiterals(*plans[sh.plan].plan, scan));
      }
      reader.set_prefilter(needs.Result());
    }
    const auto on_batch = [&](size_t table, const Batch& batch) {
      for (SharedScan& sh : shared) {
        if (sh.table != table) continue;
        const Stopwatch watch(options.profile);
        if (sh.whole) {
          executions[sh.plan]->Push(sh.source, batch);
        } else {
          for (size_t c = 0; c < sh.positions.size(); ++c) sh.scratch.columns[c] = batch.columns[sh.positions[c]];
          sh.scratch.row_count = batch.rows();
          executions[sh.plan]->Push(sh.source, sh.scratch);
        }
        watch.AddTo(plans[sh.plan].nanos);
      }
    };
    for (const InputFile& input : inputs) {
      if (std::none_of(tables.begin(), tables.end(), [&](const TableColumns& t) { return MayHold(input, t.table); })) {
        continue;
      }
      ++stats.files;
      reader.Read(InputRange{input.path, input.table}, on_batch, on_issue, stats.read);
      if (options.on_progress) options.on_progress(stats.read);
    }
    for (const SharedScan& sh : shared) {
      const Stopwatch watch(options.profile);
      executions[sh.plan]->Finish(sh.source);
      watch.AddTo(plans[sh.plan].nanos);
      next[sh.plan] = sh.source + 1;
    }
  }
}

void PipelineSink::Push(const RowSet& rows, int) {
  const Batch& batch = *rows.batch;
  const uint32_t n = static_cast<uint32_t>(rows.count);
  selection_.resize(n);
  uint32_t count = n;
  if (pipeline_.filter) {
    views_.clear();
    for (const Column& c : batch.columns) views_.push_back(c.View());
    const KernelContext context{now_, pipeline_.objects};
    count = pipeline_.filter(views_.data(), n, &context, selection_.data());
  } else {
    for (uint32_t i = 0; i < n; ++i) selection_[i] = i;
  }
  columns_.clear();
  for (const Column& c : batch.columns) columns_.push_back(&c);
  rendered_.clear();
  renderer_.Render(pipeline_.shape, columns_, selection_.data(), count, rendered_);
  writer_.Write(rendered_);
  rows_ += count;
}

void RunPlan(const PlanNode& plan, const std::vector<InputFile>& inputs, int64_t now, Consumer& sink,
             const std::function<void(const InputIssue&)>& on_issue, RunStats& stats) {
  std::vector<PlanRun> plans{PlanRun{&plan, &sink}};
  PlanRunOptions options;
  options.now = now;
  RunPlans(plans, inputs, options, on_issue, stats);
}

}  // namespace huntc::exec
