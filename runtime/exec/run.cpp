// Feeding plans' sources from files.
#include "runtime/exec/run.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <numeric>
#include <optional>
#include <thread>

#include "runtime/exec/partial_summary.h"
#include "runtime/exec/prefilter.h"
#include "runtime/parallel.h"

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
  const std::vector<ColumnSpec>* schema;
  std::vector<size_t> positions;
  bool whole = false;  // its columns are the table's, in order: the batch is passed as it is
  // A plan that is a scan pipeline alone (its plan is the Scan): its detections are rendered
  // where the batch is prepared, and only written in order on the calling thread.
  PipelineSink* pipeline = nullptr;
  // A Scan of a later round of its plan: its rows are kept (Kept) instead of fed now.
  bool deferred = false;
  // The columns its filter would have dictionary-encoded (TableColumns::dictionary), by position.
  std::vector<bool> dictionary = {};
};

// The rows kept for a Scan of a later round (PlanRunOptions::keep_bytes), as they would have
// been fed then: whole batches, or (`selected`) the rows its compiled filter selected.
struct Kept {
  enum class State { None, Keeping, Kept, Dropped } state = State::None;
  bool selected = false;
  std::vector<Batch> batches;
  uint64_t bytes = 0;

  // Its rows are fed, or will be read again: their memory goes.
  void Drop() {
    *this = Kept();
    state = State::Dropped;
  }
};

// About what a batch takes in memory: a validity byte and a value per row, and string bytes.
uint64_t BatchBytes(const Batch& batch) {
  uint64_t bytes = 0;
  for (const Column& c : batch.columns) {
    const ColumnView view = c.View();
    bytes += c.size() * 9 + (view.offsets ? c.size() * 4 + view.offsets[c.size()] : 0);
  }
  return bytes;
}

// Copies a shared scan's columns of `batch` to `to` (made of its schema if new): the rows
// selection[0..count), or every row without a selection.
void CopyColumns(const Batch& batch, const SharedScan& sh, const uint32_t* selection, uint32_t count, Batch& to) {
  if (to.specs.empty()) to = Batch(*sh.schema);
  if (selection) {
    GatherRows(batch, &sh.positions, selection, count, to);
    return;
  }
  for (size_t c = 0; c < sh.positions.size(); ++c) to.columns[c] = batch.columns[sh.positions[c]];
  to.row_count = batch.rows();
}

// The rows of `batch` whose readers (Batch::readers) have `bit`, in `rows`, and how many in
// `count`; null (every row) when the batch keeps no readers or `bit` is 0.
const uint32_t* RowsOf(const Batch& batch, uint64_t bit, std::vector<uint32_t>& rows, uint32_t& count) {
  if (!bit || batch.readers.empty()) return nullptr;
  rows.resize(batch.rows());
  count = 0;
  for (uint32_t row = 0; row < batch.rows(); ++row) {
    rows[count] = row;
    count += (batch.readers[row] & bit) != 0;
  }
  return rows.data();
}

// 0, 1, ... count - 1: the selection of the rows copied to a projection, in `identity` (grown).
const uint32_t* SelectAll(size_t count, std::vector<uint32_t>& identity) {
  if (identity.size() < count) {
    identity.resize(count);
    std::iota(identity.begin(), identity.end(), 0u);
  }
  return identity.data();
}

// What is made of one of the reader's batches for the scans of a round: on the reading threads
// when there are several, so that the calling thread only feeds operators and writes.
struct Prepared {
  size_t table = 0;
  size_t rows = 0;
  const Batch* batch = nullptr;       // the reader's batch; null when it is kept in `copy`
  Batch copy;
  std::vector<Batch> projections;     // per shared scan not taking the whole batch: its columns
  std::vector<std::string> rendered;  // per shared scan of a scan pipeline: its detections
  std::vector<uint32_t> counts;       // and how many; per shared scan in a pack scan stage: rows selected
  // Per shared scan in a pack scan stage taking the whole batch: the rows it selected (the others
  // have their selected rows copied to `projections`).
  std::vector<std::vector<uint32_t>> selected;
  // At the end of a range, per shared scan summarized on the reading threads (PartialSummary):
  // the partial table of its rows in the range, if any, which the calling thread merges in order.
  std::vector<std::unique_ptr<AggTable>> partials;

  const Batch& whole() const { return batch ? *batch : copy; }
};

// Fills `out` from the reader's batch of input range `unit` (in input order) on reading thread
// `worker`; `keep`: copy what must outlive the call (the reader reuses its batch).
using Prepare = std::function<void(unsigned worker, size_t unit, size_t table, const Batch& batch,
                                   bool keep, Prepared& out)>;
// Fills `out` with what reading thread `worker` made of the whole range it has just read.
using EndRange = std::function<void(unsigned worker, Prepared& out)>;

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

// A range of an input read by a worker, and what it gave, handed to the calling thread as it
// comes.
struct ReadUnit {
  size_t input;
  InputRange range;
  std::vector<Prepared> batches;  // in reading order
  size_t rows = 0;                // in `batches`
  std::vector<InputIssue> issues;
  ReadStats stats;
  bool done = false;
};

// A unit holds at most about this many rows not yet consumed before its worker waits, so a large
// compressed file (one unit) read faster than the operators consume it cannot fill the memory.
constexpr size_t kMaxWaitingRows = size_t{1} << 18;
// The calling thread is woken for a unit's batches once this many rows wait (or the unit is read),
// not for each batch: when the reading threads summarize, it has little to do with them, and a
// wake-up a batch cost hunt b 9,500 context switches on 2 threads, against 1,300 on one.
constexpr size_t kHandOffRows = kMaxWaitingRows / 4;

// Reads `inputs` once (judging lines by what `readers` of each table need, when given), calling
// consume (with what prepare made of each batch) and on_issue on this thread in input order, as
// one EventReader reading them in turn would; with several threads, workers parse ranges and
// prepare their batches ahead.
void ReadInputs(const std::vector<TableColumns>& tables, const std::vector<std::vector<TableReader>>* readers,
                const std::vector<const InputFile*>& inputs,
                const PlanRunOptions& options, const Prepare& prepare, const EndRange& end_range,
                const std::function<void(Prepared&)>& consume,
                const std::function<void(const InputIssue&)>& on_issue, ReadStats& stats) {
  // Ranges as RunPipelines cuts them, whatever the thread count: batches then end at the same
  // rows on one thread as on many, so scan pipelines' detections interleave the same way.
  std::vector<ReadUnit> units;
  for (size_t i = 0; i < inputs.size(); ++i) {
    for (InputRange& r : SplitInput(inputs[i]->path, inputs[i]->table, options.split_bytes)) {
      ReadUnit& unit = units.emplace_back();
      unit.input = i;
      unit.range = std::move(r);
    }
  }
  // Lines of a file's later ranges count on from its earlier ones.
  uint64_t line_base = 0;
  const auto issue = [&](const InputIssue& i) {
    InputIssue at = i;
    if (at.line > 0) at.line += line_base;
    on_issue(at);
  };
  const auto unit_done = [&](size_t u, const ReadStats& unit_stats) {
    line_base += unit_stats.lines;
    stats.Add(unit_stats);
    const bool last_of_input = u + 1 == units.size() || units[u + 1].input != units[u].input;
    if (last_of_input && options.on_progress) options.on_progress(stats);
  };
  if (options.threads < 2 || units.size() < 2) {
    EventReader reader(tables);
    if (readers) reader.set_readers(*readers);
    Prepared prepared;
    size_t u = 0;
    const auto on_batch = [&](size_t table, const Batch& batch) {
      prepare(0, u, table, batch, false, prepared);
      consume(prepared);
    };
    for (; u < units.size(); ++u) {
      if (units[u].range.begin == 0) line_base = 0;
      ReadStats local;
      reader.Read(units[u].range, on_batch, issue, local);
      Prepared end;
      end_range(0, end);
      consume(end);
      unit_done(u, local);
    }
    return;
  }

  std::mutex mutex;
  std::condition_variable changed;
  size_t next_unit = 0;  // the next unit a worker takes
  size_t head = 0;       // the unit the calling thread is consuming
  const unsigned threads = std::min<unsigned>(options.threads, static_cast<unsigned>(units.size()));
  const size_t window = 2 * threads;
  const auto work = [&](unsigned worker) {
    EventReader reader(tables);
    if (readers) reader.set_readers(*readers);
    while (true) {
      size_t u;
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return next_unit >= units.size() || next_unit < head + window; });
        if (next_unit >= units.size()) return;
        u = next_unit++;
      }
      ReadUnit& unit = units[u];
      ReadStats local;
      const auto batch = [&](size_t table, const Batch& b) {
        Prepared prepared;
        prepare(worker, u, table, b, true, prepared);
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return unit.rows < kMaxWaitingRows; });
        const bool below = unit.rows < kHandOffRows;
        unit.rows += prepared.rows;
        unit.batches.push_back(std::move(prepared));
        if (below && unit.rows >= kHandOffRows) changed.notify_all();
      };
      const auto found = [&](const InputIssue& i) {
        std::lock_guard lock(mutex);
        unit.issues.push_back(i);
      };
      reader.Read(unit.range, batch, found, local);
      Prepared end;
      end_range(worker, end);
      std::lock_guard lock(mutex);
      unit.batches.push_back(std::move(end));
      unit.stats = local;
      unit.done = true;
      changed.notify_all();
    }
  };
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < threads; ++t) workers.emplace_back(work, t);

  std::vector<Prepared> batches;
  std::vector<InputIssue> issues;
  for (; head < units.size();) {
    ReadUnit& unit = units[head];
    if (unit.range.begin == 0) line_base = 0;
    bool done = false;
    while (!done) {
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return unit.done || unit.rows >= kHandOffRows; });
        done = unit.done;
        batches.swap(unit.batches);
        issues.swap(unit.issues);
        unit.rows = 0;
        changed.notify_all();
      }
      for (const InputIssue& i : issues) issue(i);
      for (Prepared& b : batches) consume(b);
      batches.clear();
      issues.clear();
    }
    unit_done(head, unit.stats);
    std::lock_guard lock(mutex);
    ++head;
    changed.notify_all();
  }
  for (std::thread& w : workers) w.join();
}

}  // namespace

void RunPlans(std::vector<PlanRun>& plans, const std::vector<InputFile>& inputs,
              const PlanRunOptions& options,
              const std::function<void(const InputIssue&)>& on_issue, RunStats& stats) {
  std::vector<std::unique_ptr<Execution>> executions;
  for (const PlanRun& run : plans) {
    executions.push_back(
        std::make_unique<Execution>(*run.plan, options.now, *run.sink, options.threads));
  }
  std::vector<size_t> next(plans.size(), 0);  // per plan: the next of its sources to feed
  // Per plan and source: the rows kept for it by an earlier round's read.
  std::vector<std::vector<Kept>> kept(plans.size());
  for (size_t k = 0; k < plans.size(); ++k) kept[k].resize(executions[k]->source_count());
  uint64_t kept_bytes = 0;
  std::vector<uint32_t> identity;  // 0, 1, ...: the selection of rows copied to a projection
  const auto select_all = [&](size_t count) { return SelectAll(count, identity); };
  // In rounds: each feeds every plan its Datatables, shared results and kept rows up to its next
  // Scan, then one read of the inputs feeds all those Scans (and keeps rows for later ones). A
  // round has at least one Scan while any is left.
  while (true) {
    std::vector<TableColumns> tables;
    std::vector<SharedScan> shared;
    // Adds source `source` of plan `k` to this round's read, unless a column of it is read as
    // another type in this round already.
    const auto add = [&](size_t k, size_t source, bool deferred) {
      const auto* scan = executions[k]->source(source).As<ScanNode>();
      size_t t = 0;
      while (t < tables.size() && tables[t].table != scan->table) ++t;
      if (t == tables.size()) tables.push_back({scan->table, {}});
      std::vector<ColumnSpec>& columns = tables[t].columns;
      const bool clash = std::any_of(scan->schema.begin(), scan->schema.end(), [&](const ColumnSpec& c) {
        return std::any_of(columns.begin(), columns.end(),
                           [&](const ColumnSpec& x) { return x.name == c.name && x.type != c.type; });
      });
      if (clash) return false;
      SharedScan& sh = shared.emplace_back(SharedScan{k, source, t, &scan->schema, {}});
      sh.deferred = deferred;
      if (plans[k].plan->Is<ScanNode>()) sh.pipeline = dynamic_cast<PipelineSink*>(plans[k].sink);
      for (const ColumnSpec& c : scan->schema) {
        size_t i = 0;
        while (i < columns.size() && columns[i].name != c.name) ++i;
        if (i == columns.size()) columns.push_back(c);
        sh.positions.push_back(i);
      }
      sh.dictionary = scan == plans[k].plan ? plans[k].dictionary : ScanDictionary(*plans[k].plan, *scan);
      return true;
    };
    for (size_t k = 0; k < plans.size(); ++k) {
      Execution& e = *executions[k];
      const Stopwatch watch(options.profile);
      while (next[k] < e.source_count()) {
        const size_t source = next[k];
        if (!e.source(source).Is<ScanNode>()) {
          e.Replay(next[k]++);
          continue;
        }
        Kept& rows = kept[k][source];
        if (rows.state != Kept::State::Kept) break;
        for (const Batch& batch : rows.batches) {
          if (rows.selected) {
            e.PushSelected(source, batch, select_all(batch.rows()), batch.rows());
          } else {
            e.Push(source, batch);
          }
        }
        e.Finish(source);
        kept_bytes -= rows.bytes;
        rows.Drop();
        ++next[k];
      }
      watch.AddTo(plans[k].nanos);
      if (next[k] < e.source_count()) add(k, next[k], false);  // a clash: it waits for a later round
    }
    if (shared.empty()) return;
    // The Scans of later rounds keep their rows from this read, each at most once (so a Scan
    // whose rows passed keep_bytes is read in its round).
    for (size_t k = 0; options.keep_bytes > 0 && k < plans.size(); ++k) {
      for (size_t source = next[k] + 1; source < executions[k]->source_count(); ++source) {
        Kept& rows = kept[k][source];
        if (rows.state != Kept::State::None || !executions[k]->source(source).Is<ScanNode>()) continue;
        if (add(k, source, true)) rows.state = Kept::State::Keeping;
      }
    }

    for (SharedScan& sh : shared) {
      // A kept Scan's rows are copied: the reader's batch does not outlive the read.
      sh.whole = !sh.deferred && sh.positions.size() == tables[sh.table].columns.size();
      for (size_t i = 0; i < sh.positions.size(); ++i) sh.whole &= sh.positions[i] == i;
    }
    // What each table's Scans need in a line, in order, and each Scan's bit in the rows'
    // readers (Batch::readers) when it has needs (else 0: it reads every row): a line that holds
    // what none of them needs feeds nobody, and one that some need only is read for those.
    std::vector<std::vector<TableReader>> readers(tables.size());
    std::vector<uint64_t> reader_bit(shared.size(), 0);
    std::vector<bool> every_line(tables.size(), false);  // some Scan of the table reads every row
    for (size_t i = 0; options.prefilter && i < shared.size(); ++i) {
      const SharedScan& sh = shared[i];
      const PlanNode& scan = executions[sh.plan]->source(sh.source);
      TableReader& reader = readers[sh.table].emplace_back();
      reader.needs = &scan == plans[sh.plan].plan ? plans[sh.plan].literals : ScanLiterals(*plans[sh.plan].plan, scan);
      reader.columns = sh.positions;
      if (reader.needs) reader_bit[i] = ReaderBit(readers[sh.table].size() - 1);
      if (!reader.needs) every_line[sh.table] = true;
    }
    // Per reading thread: a renderer for each scan pipeline, and the scratch of rendering.
    const unsigned workers = std::max(1u, options.threads);
    // Per table, the pack scan stage of the compiled filters over its Scans, if any, one copy per
    // reading thread; `member` is each shared scan's consumer number in its table's stage (or -1).
    std::vector<std::vector<std::unique_ptr<PackScan>>> stages(workers);
    for (auto& s : stages) s.resize(tables.size());
    std::vector<int> member(shared.size(), -1);
    std::vector<std::vector<PackConsumer>> consumers(tables.size());
    std::vector<std::vector<size_t>> scans(tables.size());  // the shared scan of each consumer
    for (size_t i = 0; options.pack_scan && i < shared.size(); ++i) {
      const FilterNode* filter = executions[shared[i].plan]->ScanFilter(shared[i].source);
      if (!filter) continue;
      consumers[shared[i].table].push_back(PackConsumer{&filter->predicate, shared[i].positions});
      scans[shared[i].table].push_back(i);
    }
    // The stages of different tables are laid out and compiled at once, the largest first: one
    // after the other they were a fifth of the start of a run of hundreds of rules.
    // A table no input may hold gets no batch: its stage is not built (a run of hundreds of rules
    // over a few tables spent a tenth of its start on stages never run), only reported.
    std::vector<size_t> packed;
    std::vector<bool> unread(tables.size(), false);
    for (size_t t = 0; t < tables.size(); ++t) {
      if (consumers[t].size() < 2) continue;
      const auto holds = [&](const InputFile& input) { return MayHold(input, tables[t].table); };
      unread[t] = !options.every_stage && std::none_of(inputs.begin(), inputs.end(), holds);
      if (!unread[t]) packed.push_back(t);
    }
    std::stable_sort(packed.begin(), packed.end(),
                     [&](size_t a, size_t b) { return consumers[a].size() > consumers[b].size(); });
    ForEachParallel(packed.size(), workers, [&](size_t j) {
      const size_t t = packed[j];
      stages[0][t] = options.pack_scan(tables[t].table, tables[t].columns, consumers[t]);
    });
    for (const size_t t : packed) {
      if (!stages[0][t]) continue;
      std::vector<uint64_t> bits;
      for (const size_t i : scans[t]) bits.push_back(reader_bit[i]);
      stages[0][t]->set_readers(bits);
      for (unsigned w = 1; w < workers; ++w) stages[w][t] = stages[0][t]->Clone();
      for (size_t m = 0; m < scans[t].size(); ++m) member[scans[t][m]] = static_cast<int>(m);
    }
    // A Scan outside the stages that reads some rows only sees them copied (RowsOf); in a stage,
    // a consumer's selection holds its rows alone, and beside a Scan that reads every row the
    // stage mostly runs on a copy of its consumers' rows (PackScan::Run). Their filters then run
    // on copies, whose columns are not encoded: encoding every row of the table for them would
    // cost more than it saves.
    for (size_t i = 0; i < shared.size(); ++i) {
      SharedScan& sh = shared[i];
      const bool some = reader_bit[i] && readers[sh.table].size() > 1;
      if (some && member[i] < 0) sh.whole = false;
      if (!some || (member[i] >= 0 && !every_line[sh.table])) AddDictionary(tables[sh.table], sh.positions, sh.dictionary);
    }
    // The shared scans whose plan's summarize right above them (SummaryAbove) runs on the reading
    // threads: `summary` is it, `merged` its plan's table. One partial table per thread, fed all
    // its ranges and merged once the reading ends (`per_thread`), when the tables' merge by their
    // ranges gives one thread's result (MergesInOrder): a group seen in several ranges is then
    // made and merged once per thread, not once per range. Else one per range, merged in input
    // order as each range ends (sums of reals added alike, the first of equal rows taken); the
    // reading window (2 ranges a thread) bounds the tables waiting.
    std::vector<const AggregateNode*> summary(shared.size(), nullptr);
    std::vector<AggTable*> merged(shared.size(), nullptr);
    std::vector<bool> per_thread(shared.size(), false);
    for (size_t i = 0; i < shared.size(); ++i) {
      const SharedScan& sh = shared[i];
      if (sh.deferred || sh.pipeline) continue;
      const AggregateNode* node = SummaryAbove(*plans[sh.plan].plan, executions[sh.plan]->source(sh.source));
      // One thread gains nothing from partial tables but their merging, and one table fed in order
      // gives what merged ones do, except sums of reals, whose rounding follows the order of adding.
      if (!node || (options.threads < 2 && !SumsReals(*node))) continue;
      merged[i] = executions[sh.plan]->SummaryTable(*node);
      if (merged[i]) summary[i] = node;
      per_thread[i] = summary[i] && MergesInOrder(*node);
    }
    std::vector<std::vector<std::unique_ptr<PartialSummary>>> partials(workers);
    for (auto& p : partials) p.resize(shared.size());
    // Per thread and shared scan not taking the whole batch: its columns, and the identity
    // selection of the selected rows copied there.
    std::vector<std::vector<Batch>> partial_input(workers, std::vector<Batch>(shared.size()));
    std::vector<std::vector<uint32_t>> identities(workers);
    std::vector<std::vector<uint32_t>> rows_of(workers);  // RowsOf's
    std::vector<std::vector<std::unique_ptr<DetectionRenderer>>> renderers(workers);
    std::vector<PipelineSink::Scratch> scratch(workers);
    for (auto& r : renderers) r.resize(shared.size());
    const Prepare prepare = [&](unsigned worker, size_t unit, size_t table, const Batch& batch,
                                bool keep, Prepared& out) {
      out.table = table;
      out.rows = batch.rows();
      out.projections.resize(shared.size());
      out.rendered.resize(shared.size());
      out.counts.resize(shared.size());
      out.selected.resize(shared.size());
      PackScan* stage = stages[worker][table].get();
      if (stage && batch.rows() > 0) stage->Run(batch, options.now);
      bool whole_needed = false;
      for (size_t i = 0; i < shared.size(); ++i) {
        const SharedScan& sh = shared[i];
        if (sh.table != table) continue;
        if (summary[i]) {
          std::unique_ptr<PartialSummary>& partial = partials[worker][i];
          if (!partial) partial = std::make_unique<PartialSummary>(*summary[i], options.now);
          partial->SetRange(static_cast<uint32_t>(unit));
          Batch& projection = partial_input[worker][i];
          if (member[i] < 0) {
            uint32_t count = 0;
            const uint32_t* rows = RowsOf(batch, reader_bit[i], rows_of[worker], count);
            if (!sh.whole) CopyColumns(batch, sh, rows, count, projection);
            partial->Push(sh.whole ? batch : projection);
            continue;
          }
          const auto m = static_cast<size_t>(member[i]);
          const uint32_t count = batch.rows() > 0 ? stage->count(m) : 0;
          if (count == 0) continue;
          if (sh.whole) {
            partial->PushSelected(batch, stage->selection(m), count);
          } else {
            CopyColumns(batch, sh, stage->selection(m), count, projection);
            partial->PushSelected(projection, SelectAll(count, identities[worker]), count);
          }
          continue;
        }
        if (member[i] >= 0) {
          const auto m = static_cast<size_t>(member[i]);
          const uint32_t count = batch.rows() > 0 ? stage->count(m) : 0;
          const uint32_t* selection = stage->selection(m);
          out.counts[i] = count;
          if (count == 0) continue;  // neither its columns copied nor a push
          if (sh.whole) {
            out.selected[i].assign(selection, selection + count);
            whole_needed = true;
            continue;
          }
          // Only its selected rows are copied: a filter keeps few rows of most batches.
          CopyColumns(batch, sh, selection, count, out.projections[i]);
          continue;
        }
        const Batch* input = &batch;
        if (!sh.whole) {
          uint32_t count = 0;
          const uint32_t* rows = RowsOf(batch, reader_bit[i], rows_of[worker], count);
          CopyColumns(batch, sh, rows, count, out.projections[i]);
          input = &out.projections[i];
        }
        if (sh.pipeline) {
          std::unique_ptr<DetectionRenderer>& renderer = renderers[worker][i];
          if (!renderer) renderer = std::make_unique<DetectionRenderer>(sh.pipeline->renderer());
          out.rendered[i].clear();
          out.counts[i] = sh.pipeline->Render(*input, nullptr, static_cast<uint32_t>(input->rows()), *renderer,
                                              scratch[worker], out.rendered[i]);
        } else {
          whole_needed |= sh.whole;
        }
      }
      out.batch = &batch;
      if (keep && whole_needed) {
        out.copy = batch;
        out.batch = nullptr;
      }
    };
    const EndRange end_range = [&](unsigned worker, Prepared& out) {
      out.partials.resize(shared.size());  // not empty: marks the range's end
      for (size_t i = 0; i < shared.size(); ++i) {
        if (partials[worker][i] && !per_thread[i]) out.partials[i] = partials[worker][i]->Take();
      }
    };
    const auto consume = [&](Prepared& in) {
      if (!in.partials.empty()) {  // a range's end
        for (size_t i = 0; i < shared.size(); ++i) {
          if (!in.partials[i]) continue;
          const Stopwatch watch(options.profile);
          merged[i]->Merge(*in.partials[i]);
          in.partials[i].reset();
          watch.AddTo(plans[shared[i].plan].nanos);
        }
        return;
      }
      for (size_t i = 0; i < shared.size(); ++i) {
        const SharedScan& sh = shared[i];
        if (summary[i]) continue;  // summarized on the reading threads
        if (sh.table != in.table || (member[i] >= 0 && in.counts[i] == 0)) continue;
        if (sh.deferred) {
          Kept& rows = kept[sh.plan][sh.source];
          Batch& batch = in.projections[i];
          if (rows.state != Kept::State::Keeping || batch.rows() == 0) continue;
          rows.selected = member[i] >= 0;
          const uint64_t bytes = BatchBytes(batch);
          if (kept_bytes + bytes > options.keep_bytes) {  // too many: read again in its round
            kept_bytes -= rows.bytes;
            rows.Drop();
            continue;
          }
          kept_bytes += bytes;
          rows.bytes += bytes;
          rows.batches.push_back(std::move(batch));
          batch = Batch();
          continue;
        }
        const Stopwatch watch(options.profile);
        if (member[i] >= 0) {
          const uint32_t count = in.counts[i];
          if (sh.whole) {
            executions[sh.plan]->PushSelected(sh.source, in.whole(), in.selected[i].data(), count);
          } else {
            executions[sh.plan]->PushSelected(sh.source, in.projections[i], select_all(count), count);
          }
        } else if (sh.pipeline) {
          sh.pipeline->Write(in.rendered[i], in.counts[i]);
        } else {
          executions[sh.plan]->Push(sh.source, sh.whole ? in.whole() : in.projections[i]);
        }
        watch.AddTo(plans[sh.plan].nanos);
      }
    };
    std::vector<const InputFile*> wanted;
    for (const InputFile& input : inputs) {
      if (std::any_of(tables.begin(), tables.end(), [&](const TableColumns& t) { return MayHold(input, t.table); })) {
        wanted.push_back(&input);
      }
    }
    stats.files += wanted.size();
    ReadInputs(tables, options.prefilter ? &readers : nullptr, wanted, options, prepare, end_range, consume, on_issue,
               stats.read);
    for (size_t i = 0; i < shared.size(); ++i) {
      if (!per_thread[i]) continue;
      std::vector<std::unique_ptr<AggTable>> made;
      std::vector<AggTable*> parts;  // the threads' tables, in any order: merged by their ranges
      for (auto& p : partials) {
        if (!p[i]) continue;
        std::unique_ptr<AggTable>& table = made.emplace_back(p[i]->Take());
        if (table) parts.push_back(table.get());
      }
      const Stopwatch watch(options.profile);
      merged[i]->Merge(parts, workers);
      watch.AddTo(plans[shared[i].plan].nanos);
    }
    for (size_t t = 0; options.pack_reports && t < tables.size(); ++t) {
      if (unread[t]) {  // as its stage would have, having seen no row
        options.pack_reports->push_back(PackScanReport{
            tables[t].table, PlanPackScan(tables[t].columns, consumers[t]).Describe(tables[t].columns), {}});
        continue;
      }
      if (!stages[0][t]) continue;
      PackScanStats totals;
      for (const auto& s : stages) totals.Add(s[t]->stats());
      options.pack_reports->push_back(
          PackScanReport{tables[t].table, stages[0][t]->layout().Describe(tables[t].columns), totals});
    }
    for (const SharedScan& sh : shared) {
      if (sh.deferred) {
        Kept& rows = kept[sh.plan][sh.source];
        if (rows.state == Kept::State::Keeping) rows.state = Kept::State::Kept;
        continue;
      }
      const Stopwatch watch(options.profile);
      executions[sh.plan]->Finish(sh.source);
      watch.AddTo(plans[sh.plan].nanos);
      next[sh.plan] = sh.source + 1;
    }
  }
}

void PipelineSink::Push(const RowSet& rows, int) {
  rendered_.clear();
  const uint32_t count = Render(*rows.batch, rows.sel, static_cast<uint32_t>(rows.count), renderer_, scratch_, rendered_);
  Write(rendered_, count);
}

uint32_t PipelineSink::Render(const Batch& batch, const uint32_t* selected, uint32_t n, DetectionRenderer& renderer,
                              Scratch& scratch, std::string& out) const {
  std::vector<uint32_t>& selection = scratch.selection;
  selection.resize(n);
  uint32_t count = n;
  if (selected) {  // its filter ran before it, in the plan (or a pack scan stage)
    std::copy(selected, selected + n, selection.begin());
  } else if (pipeline_.filter) {
    scratch.views.clear();
    for (const Column& c : batch.columns) scratch.views.push_back(c.View());
    const KernelContext context{now_, pipeline_.objects};
    count = pipeline_.filter(scratch.views.data(), n, &context, selection.data());
  } else {
    for (uint32_t i = 0; i < n; ++i) selection[i] = i;
  }
  scratch.columns.clear();
  for (const Column& c : batch.columns) scratch.columns.push_back(&c);
  renderer.Render(pipeline_.shape, scratch.columns, selection.data(), count, out);
  return count;
}

void PipelineSink::Write(const std::string& rendered, uint32_t count) {
  writer_.Write(rendered);
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
