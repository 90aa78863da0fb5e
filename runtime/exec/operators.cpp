// The physical operators and the wiring of a plan into them.
#include <algorithm>
#include <charconv>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

#include "runtime/exec/agg_table.h"
#include "runtime/exec/aggregate.h"
#include "runtime/exec/execution.h"
#include "runtime/exec/join_table.h"
#include "runtime/exec/json.h"
#include "runtime/exec/prefilter.h"
#include "runtime/exec/rows.h"
#include "runtime/parallel.h"

namespace huntc::exec {

namespace {

// An operator: a consumer that hands its rows on to the next consumer.
class Operator : public Consumer {
 public:
  Operator(Consumer* out, int out_input, Evaluator& eval) : out_(out), out_input_(out_input), eval_(eval) {}
  // What an operator does with its rows only shows in the rows it hands on.
  bool Wants(int) const override { return out_->Wants(out_input_); }

 protected:
  void Emit(const RowSet& rows) {
    if (rows.count > 0) out_->Push(rows, out_input_);
  }
  // Hands on every row of a batch, kOutputBatchRows at a time.
  void EmitAll(const Batch& batch) { EmitOrdered(batch, nullptr, batch.rows()); }
  // Hands on rows `order[0..count)` of a batch (all rows in order when order is null).
  void EmitOrdered(const Batch& batch, const uint32_t* order, size_t count) {
    std::vector<uint32_t> identity;
    for (size_t start = 0; start < count; start += kOutputBatchRows) {
      const size_t n = std::min(kOutputBatchRows, count - start);
      if (order) {
        Emit(RowSet{&batch, order + start, n});
      } else {
        identity.resize(n);
        std::iota(identity.begin(), identity.end(), static_cast<uint32_t>(start));
        Emit(RowSet{&batch, identity.data(), n});
      }
    }
  }
  void Done() { out_->Finish(out_input_); }

  Consumer* out_;
  int out_input_;
  Evaluator& eval_;
};

// Selects the rows where a filter's predicate is true (not null, as Evaluator::Select): with its
// row kernel (FilterNode::row_kernel) when it has one, else with the interpreter.
class RowSelector {
 public:
  void Select(const FilterNode& filter, Evaluator& eval, const RowSet& rows, std::vector<uint32_t>& out) {
    if (!filter.row_kernel) {
      eval.Select(filter.predicate, rows, out);
      return;
    }
    const uint32_t* in = inputs_.Prepare(rows);
    const ColumnOutput truth = truth_.Resize(rows.count);
    const KernelContext context{eval.now(), filter.kernel_objects};
    filter.row_kernel(inputs_.views.data(), static_cast<uint32_t>(rows.count), in, &context, &truth);
    const auto* value = static_cast<const uint8_t*>(truth.values);
    out.clear();
    for (size_t i = 0; i < rows.count; ++i) {
      if (truth.valid[i] && value[i]) out.push_back(in[i]);
    }
  }

 private:
  KernelInputs inputs_;
  Column truth_{Type::Bool};
};

class FilterOp : public Operator {
 public:
  FilterOp(const FilterNode& n, Consumer* out, int in, Evaluator& e)
      : Operator(out, in, e), node_(n), kernel_(n.kernel), objects_(n.kernel_objects) {}
  void Push(const RowSet& rows, int) override {
    if (node_.lazy_kernel && !kernel_) {  // compiled now, at its first use (null if it cannot be)
      const LazyFilterKernel::Compiled& compiled = node_.lazy_kernel->Get();
      kernel_ = compiled.kernel;
      objects_ = compiled.objects;
    }
    if (kernel_ && !rows.sel) {
      // A whole batch, as a Scan delivers it: the compiled kernel selects.
      views_.clear();
      for (const Column& c : rows.batch->columns) views_.push_back(c.View());
      // The selection only grows: shrinking it to the rows kept and growing it back for the next
      // batch would zero the rows in between, a pass as long as the kernel's own.
      if (selection_.size() < rows.count) selection_.resize(rows.count);
      const KernelContext context{eval_.now(), objects_};
      const uint32_t kept = kernel_(views_.data(), static_cast<uint32_t>(rows.count), &context, selection_.data());
      Emit(RowSet{rows.batch, selection_.data(), kept});
      return;
    }
    selector_.Select(node_, eval_, rows, selection_);
    Emit(RowSet{rows.batch, selection_.data(), selection_.size()});
  }
  void Finish(int) override { Done(); }

 private:
  const FilterNode& node_;
  FilterKernel kernel_;
  const void* const* objects_;
  std::vector<uint32_t> selection_;
  std::vector<ColumnView> views_;
  RowSelector selector_;
};

class ProjectOp : public Operator {
 public:
  ProjectOp(const ProjectNode& n, Consumer* out, int in, Evaluator& e)
      : Operator(out, in, e), node_(n), batch_(n.schema), identity_(IsIdentity(n)) {}
  // For a Project with a fused kernel (ProjectNode::fused): `filter` is the operator of the filter
  // below, which the Scan no longer feeds: whole batches come here and run the fused kernel, or
  // go to `filter` if it cannot be compiled, which hands its selected rows back. Rows already
  // selected (by `filter`, or a pack scan stage) run the projection alone.
  void Fuse(Consumer* filter) { filter_ = filter; }
  void Push(const RowSet& rows, int) override {
    if (filter_ && !rows.sel && RunFused(rows)) return;
    if (identity_ && rows.batch->columns.size() == node_.exprs.size()) {
      Emit(rows);  // the input's columns as they are: copying them (hunt b's) was all it did
      return;
    }
    const bool computed = Kernel();
    if (computed) RunKernel(rows);
    Complete(rows, computed);
  }
  void Finish(int) override { Done(); }

 private:
  // Whether the projection kernel is at hand: the node's, or its lazy one compiled now, at its
  // first use (none if it cannot be: then every column is interpreted).
  bool Kernel() {
    if (!kernel_done_) {
      kernel_ = node_.kernel;
      kernel_objects_ = node_.kernel_objects;
      if (!kernel_ && node_.lazy_kernel) {
        const LazyProjectKernel::Compiled& compiled = node_.lazy_kernel->Get();
        kernel_ = compiled.kernel;
        kernel_objects_ = compiled.objects;
      }
      kernel_done_ = true;
    }
    return kernel_ != nullptr;
  }
  // The compiled columns, written by the kernel into this operator's own columns (whose buffers
  // are reused from batch to batch).
  void RunKernel(const RowSet& rows) {
    const uint32_t* selection = inputs_.Prepare(rows);
    const KernelContext context{eval_.now(), kernel_objects_};
    kernel_(inputs_.views.data(), static_cast<uint32_t>(rows.count), selection, &context, Outputs(rows.count));
  }
  // Filters and projects a Scan's whole batch with the fused kernel; false if it has none.
  bool RunFused(const RowSet& rows) {
    if (!fused_done_) {  // compiled now, at its first use (null if it cannot be)
      const LazyScanKernel::Compiled& compiled = node_.fused->Get();
      fused_ = compiled.kernel;
      fused_objects_ = compiled.objects;
      fused_done_ = true;
    }
    if (!fused_) {
      filter_->Push(rows, 0);
      return true;
    }
    inputs_.Prepare(rows);
    selection_.resize(rows.count);
    const KernelContext context{eval_.now(), fused_objects_};
    const uint32_t n = fused_(inputs_.views.data(), static_cast<uint32_t>(rows.count), &context, selection_.data(),
                              Outputs(rows.count));
    if (n == 0) return true;  // nothing selected: nothing to hand on, as from the filter's operator
    for (size_t i = 0; i < node_.exprs.size(); ++i) {
      // A fixed-width column had room for every row; a string or dynamic one has the n appended.
      if (node_.compiled[i] && IsFixedWidth(node_.exprs[i].type)) batch_.columns[i].Resize(n);
    }
    Complete(RowSet{rows.batch, selection_.data(), n}, true);
    return true;
  }
  // The outputs of the compiled columns, with room for `rows`.
  const ColumnOutput* Outputs(size_t rows) {
    outputs_.clear();
    for (size_t i = 0; i < node_.exprs.size(); ++i) {
      if (node_.compiled[i]) outputs_.push_back(batch_.columns[i].Resize(rows));
    }
    return outputs_.data();
  }
  // The columns a kernel did not compute (all when `computed` is false), then the rows handed on.
  // A column passed through (`extend` keeps them all) is copied into this operator's column,
  // whose buffers are reused from batch to batch: a whole batch's buffers at once, selected rows
  // one by one, never through the evaluator's conversions into new buffers.
  void Complete(const RowSet& rows, bool computed) {
    for (size_t i = 0; i < node_.exprs.size(); ++i) {
      if (computed && node_.compiled[i]) continue;
      const Expr& e = node_.exprs[i];
      const Column* from = e.kind == ExprKind::Column ? &rows.batch->columns[static_cast<size_t>(e.column)] : nullptr;
      if (!from || from->type() != e.type) {
        batch_.columns[i] = eval_.Evaluate(e, rows);
      } else if (!rows.sel && rows.count == from->size()) {
        batch_.columns[i] = *from;
      } else {
        Column& to = batch_.columns[i];
        to.Clear();
        to.Reserve(rows.count);
        if (rows.sel) {
          to.AppendRows(*from, rows.sel, rows.count);
        } else {
          for (size_t k = 0; k < rows.count; ++k) to.AppendFrom(*from, k);
        }
      }
    }
    batch_.row_count = rows.count;
    Emit(RowSet::All(batch_));
  }

  const ProjectNode& node_;
  Batch batch_;
  KernelInputs inputs_;
  std::vector<ColumnOutput> outputs_;
  bool identity_;
  Consumer* filter_ = nullptr;
  ProjectKernel kernel_ = nullptr;
  const void* const* kernel_objects_ = nullptr;
  bool kernel_done_ = false;
  ScanKernel fused_ = nullptr;
  const void* const* fused_objects_ = nullptr;
  bool fused_done_ = false;
  std::vector<uint32_t> selection_;
};

class LimitOp : public Operator {
 public:
  LimitOp(const LimitNode& n, Consumer* out, int in, Evaluator& e) : Operator(out, in, e), left_(n.count) {}
  void Push(const RowSet& rows, int) override {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(left_, rows.count));
    left_ -= n;
    if (n == 0) return;
    if (rows.sel) {
      Emit(RowSet{rows.batch, rows.sel, n});
    } else {
      selection_.resize(n);
      std::iota(selection_.begin(), selection_.end(), 0u);
      Emit(RowSet{rows.batch, selection_.data(), n});
    }
  }
  void Finish(int) override { Done(); }
  bool Wants(int input) const override { return left_ > 0 && Operator::Wants(input); }

 private:
  uint64_t left_;
  std::vector<uint32_t> selection_;
};

class CountOp : public Operator {
 public:
  CountOp(const CountNode& n, Consumer* out, int in, Evaluator& e) : Operator(out, in, e), node_(n) {}
  void Push(const RowSet& rows, int) override { count_ += rows.count; }
  void Finish(int) override {
    Batch b(node_.schema);
    b.columns[0].AppendLong(static_cast<int64_t>(count_));
    EmitAll(b);
    Done();
  }

 private:
  const CountNode& node_;
  uint64_t count_ = 0;
};

class UnionOp : public Operator {
 public:
  UnionOp(const UnionNode& n, Consumer* out, int in, Evaluator& e) : Operator(out, in, e), open_(n.inputs.size()) {}
  void Push(const RowSet& rows, int) override { Emit(rows); }
  void Finish(int) override {
    if (--open_ == 0) Done();
  }

 private:
  size_t open_;
};

// Copies rows of `rows` into `into` (same schema).
void AppendRows(Batch& into, const RowSet& rows) {
  for (size_t c = 0; c < into.columns.size(); ++c) {
    const Column& from = rows.batch->columns[c];
    for (size_t i = 0; i < rows.count; ++i) into.columns[c].AppendFrom(from, rows.Row(i));
  }
  into.row_count += rows.count;
}

class DistinctOp : public Operator {
 public:
  DistinctOp(const DistinctNode& n, Consumer* out, int in, Evaluator& e) : Operator(out, in, e), node_(n), batch_(n.schema) {}
  void Push(const RowSet& rows, int) override {
    batch_.Clear();
    std::string key;
    for (size_t i = 0; i < rows.count; ++i) {
      key.clear();
      const uint32_t r = rows.Row(i);
      for (int c : node_.columns) EncodeKey(rows.batch->columns[static_cast<size_t>(c)], r, key);
      if (!seen_.insert(key).second) continue;
      for (size_t k = 0; k < node_.columns.size(); ++k) {
        batch_.columns[k].AppendFrom(rows.batch->columns[static_cast<size_t>(node_.columns[k])], r);
      }
    }
    Emit(RowSet::All(batch_));
  }
  void Finish(int) override { Done(); }

 private:
  const DistinctNode& node_;
  Batch batch_;
  std::unordered_set<std::string> seen_;
};

class SortOp : public Operator {
 public:
  SortOp(const SortNode& n, Consumer* out, int in, Evaluator& e) : Operator(out, in, e), node_(n), rows_(n.schema) {}
  void Push(const RowSet& rows, int) override { AppendRows(rows_, rows); }
  void Finish(int) override {
    std::vector<uint32_t> order(rows_.rows());
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(),
                     [&](uint32_t a, uint32_t b) { return RowLess(rows_, a, rows_, b, node_.keys); });
    EmitOrdered(rows_, order.data(), order.size());
    Done();
  }

 private:
  const SortNode& node_;
  Batch rows_;
};

// Keeps the best `count` rows: rows are gathered until there are twice as many, then cut back.
// Per group, every row is held until the end.
class TopOp : public Operator {
 public:
  TopOp(const TopNode& n, Consumer* out, int in, Evaluator& e) : Operator(out, in, e), node_(n), rows_(n.schema) {
    for (int g : n.groups) group_keys_.push_back(SortKey::Asc(g));
  }
  void Push(const RowSet& rows, int) override {
    if (node_.count == 0) return;
    AppendRows(rows_, rows);
    if (group_keys_.empty() && rows_.rows() >= std::max<uint64_t>(2 * node_.count, kOutputBatchRows)) Cut();
  }
  void Finish(int) override {
    const std::vector<uint32_t> order = group_keys_.empty() ? Best() : BestPerGroup();
    EmitOrdered(rows_, order.data(), order.size());
    Done();
  }

 private:
  std::vector<uint32_t> Best() const {
    std::vector<uint32_t> order(rows_.rows());
    std::iota(order.begin(), order.end(), 0u);
    const auto less = [&](uint32_t a, uint32_t b) { return RowLess(rows_, a, rows_, b, node_.keys); };
    const size_t keep = static_cast<size_t>(std::min<uint64_t>(node_.count, order.size()));
    std::partial_sort(order.begin(), order.begin() + static_cast<long>(keep), order.end(), less);
    order.resize(keep);
    return order;
  }
  // The rows sorted by group, then by the keys within a group, and cut to `count` per group.
  std::vector<uint32_t> BestPerGroup() const {
    std::vector<SortKey> keys = group_keys_;
    keys.insert(keys.end(), node_.keys.begin(), node_.keys.end());
    std::vector<uint32_t> order(rows_.rows());
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return RowLess(rows_, a, rows_, b, keys); });
    std::vector<uint32_t> kept;
    uint64_t in_group = 0;
    for (size_t i = 0; i < order.size(); ++i) {
      const bool same = i > 0 && !RowLess(rows_, order[i - 1], rows_, order[i], group_keys_);
      in_group = same ? in_group + 1 : 1;
      if (in_group <= node_.count) kept.push_back(order[i]);
    }
    return kept;
  }
  void Cut() {
    const std::vector<uint32_t> order = Best();
    Batch kept(node_.schema);
    AppendRows(kept, RowSet{&rows_, order.data(), order.size()});
    rows_ = std::move(kept);
  }
  const TopNode& node_;
  std::vector<SortKey> group_keys_;
  Batch rows_;
};

class AggregateOp : public Operator {
 public:
  AggregateOp(const AggregateNode& n, Consumer* out, int in, Evaluator& e) : Operator(out, in, e), node_(n) {
    std::vector<ColumnSpec> key_specs(n.schema.begin(), n.schema.begin() + static_cast<long>(n.keys.size()));
    keys_ = Batch(std::move(key_specs));
    for (const AggregateSpec& spec : n.aggregates) aggregators_.push_back(MakeAggregator(spec));
  }
  void Push(const RowSet& rows, int) override {
    std::vector<Column> keys;
    for (const NamedExpr& k : node_.keys) keys.push_back(eval_.Evaluate(k.expr, rows));
    groups_.resize(rows.count);
    std::string key;
    for (size_t i = 0; i < rows.count; ++i) {
      key.clear();
      for (const Column& c : keys) EncodeKey(c, i, key);
      auto [it, added] = index_.try_emplace(key, static_cast<uint32_t>(index_.size()));
      if (added) {
        for (size_t k = 0; k < keys.size(); ++k) keys_.columns[k].AppendFrom(keys[k], i);
        ++keys_.row_count;
      }
      groups_[i] = it->second;
    }
    for (auto& a : aggregators_) a->Resize(index_.size());
    for (size_t k = 0; k < aggregators_.size(); ++k) {
      const AggregateSpec& spec = node_.aggregates[k];
      std::vector<Column> args, outputs;
      for (const Expr& e : spec.args) args.push_back(eval_.Evaluate(e, rows));
      for (const Expr& e : spec.outputs) outputs.push_back(eval_.Evaluate(e, rows));
      aggregators_[k]->Update(args, outputs, groups_);
    }
  }
  void Finish(int) override {
    size_t groups = index_.size();
    if (groups == 0 && node_.keys.empty()) {
      groups = 1;  // summarize without `by` gives one row even for empty input
      for (auto& a : aggregators_) a->Resize(1);
    }
    Batch result(node_.schema);
    const size_t nkeys = node_.keys.size();
    std::vector<Column*> outs;
    for (size_t g = 0; g < groups; ++g) {
      for (size_t k = 0; k < nkeys; ++k) result.columns[k].AppendFrom(keys_.columns[k], g);
      size_t column = nkeys;
      for (size_t k = 0; k < aggregators_.size(); ++k) {
        outs.clear();
        for (size_t j = 0; j < node_.aggregates[k].names.size(); ++j) outs.push_back(&result.columns[column + j]);
        aggregators_[k]->Result(g, outs.data());
        column += outs.size();
      }
    }
    result.row_count = groups;
    EmitAll(result);
    Done();
  }

 private:
  const AggregateNode& node_;
  Batch keys_;
  std::unordered_map<std::string, uint32_t> index_;
  std::vector<uint32_t> groups_;
  std::vector<std::unique_ptr<Aggregator>> aggregators_;
};


// Rows an operator makes (a join's matches, mv-expand's items) that the filter right above it
// then tests: `predicate` is that filter's, `read` the columns it reads. The operator first
// makes only those columns of a batch of rows, tests them, and makes every column only of the
// rows that pass; the filter above tests those again (its predicate calls no rand(), so it
// keeps them all). Rows the filter drops are never copied whole.
struct Prefilter {
  const FilterNode* filter = nullptr;
  std::vector<bool> read;
};

// summarize by a compiled kernel (AggregateNode::kernel) into a group table. Under a prefilter
// (the filter right above it, as `| where Devices > 1`), the groups are first made only in the
// columns the filter reads and tested, and only those that pass are made whole: most groups'
// make_set JSON is never written.
class CompiledAggregateOp : public Operator {
 public:
  CompiledAggregateOp(const AggregateNode& n, AggLayout layout, Consumer* out, int in, Evaluator& e,
                      Prefilter prefilter, unsigned threads)
      : Operator(out, in, e),
        node_(n),
        table_(n, std::move(layout)),
        prefilter_(std::move(prefilter)),
        threads_(threads) {}
  void Push(const RowSet& rows, int) override {
    const uint32_t* selection = inputs_.Prepare(rows);
    const KernelContext context{eval_.now(), node_.kernel_objects};
    node_.kernel(inputs_.views.data(), static_cast<uint32_t>(rows.count), selection, &context, &table_);
  }
  void Finish(int) override {
    if (!prefilter_.filter) {
      for (const Batch& part : Results(nullptr, nullptr)) EmitAll(part);
    } else {
      std::vector<uint32_t> passed;
      std::vector<uint32_t> selected;
      size_t first = 0;  // the group of the part's first row
      for (const Batch& narrow : Results(&prefilter_.read, nullptr)) {
        const RowSet rows{&narrow, nullptr, narrow.row_count};
        selector_.Select(*prefilter_.filter, eval_, rows, selected);
        for (const uint32_t row : selected) passed.push_back(static_cast<uint32_t>(first + row));
        first += narrow.row_count;
      }
      for (const Batch& part : Results(nullptr, &passed)) EmitAll(part);
    }
    Done();
  }
  AggTable& table() { return table_; }

 private:
  // A part's fewest rows: fewer are made faster on one thread than a thread starts.
  static constexpr size_t kMinPartRows = 4 * kOutputBatchRows;

  // The table's result (AggTable::Result) in parts made at once on up to threads_ threads: after
  // the reading threads have ended, it is the run's last work but writing, where a summarize of
  // many groups (hunt b's million at 10 M events) left one of two cores idle for a tenth of the
  // run. Parts are whole output batches, so the batches emitted are those of a single part.
  std::vector<Batch> Results(const std::vector<bool>* columns,
                             const std::vector<uint32_t>* groups) {
    const size_t rows = groups ? groups->size() : table_.groups();
    const size_t parts = std::min<size_t>(threads_, rows / kMinPartRows);
    if (parts < 2) return {table_.Result(columns, groups)};
    const size_t batches = (rows + kOutputBatchRows - 1) / kOutputBatchRows;
    const size_t part_rows = (batches + parts - 1) / parts * kOutputBatchRows;
    std::vector<Batch> out((rows + part_rows - 1) / part_rows);
    ForEachParallel(out.size(), threads_, [&](size_t p) {
      out[p] = table_.Result(columns, groups, p * part_rows, (p + 1) * part_rows);
    });
    return out;
  }

  const AggregateNode& node_;
  AggTable table_;
  KernelInputs inputs_;
  Prefilter prefilter_;
  RowSelector selector_;
  unsigned threads_;
};

// The build side (input 1, the right one) goes into a JoinTable keeping the columns the join
// outputs and its keys; the probe side (input 0) streams through it, a batch of key hashes at a
// time. innerunique keeps the first left row of each key (the table marks its entry taken); the
// kinds that output build rows at the end (rightouter, fullouter, rightsemi, rightanti) read the
// entries' matched flags.
class HashJoinOp : public Operator {
 public:
  HashJoinOp(const HashJoinNode& n, Consumer* out, int in, Evaluator& e, Prefilter prefilter)
      : Operator(out, in, e), node_(n), build_(n.inputs[1]->schema, Kept(n), n.right_keys, OutputsBuildRows(n.join_kind)),
        comparable_(KeysComparable(KeyTypes(*n.inputs[0], n.left_keys), KeyTypes(*n.inputs[1], n.right_keys))),
        out_batch_(n.schema), prefilter_(std::move(prefilter)), narrow_(n.schema) {
    if (!prefilter_.filter) return;
    for (size_t c = 0; c < n.left_out.size(); ++c) {
      if (prefilter_.read[c]) read_left_.emplace_back(c, n.left_out[c]);
    }
    for (size_t c = n.left_out.size(); c < n.left_out.size() + n.right_out.size(); ++c) {
      if (prefilter_.read[c]) read_right_.emplace_back(c, n.right_out[c - n.left_out.size()]);
    }
  }

  void Push(const RowSet& rows, int input) override {
    if (input == 1) {
      build_.Add(rows);
      return;
    }
    Probe(rows);
  }

  // Once the build side is complete and empty (or its keys cannot equal the probe side's), the
  // probe side's rows match nothing: only the kinds that output unmatched left rows need them.
  bool Wants(int input) const override {
    const JoinKind k = node_.join_kind;
    const bool probe_unneeded = input == 0 && built_ && (build_.rows().empty() || !comparable_) && k != JoinKind::LeftOuter &&
                                k != JoinKind::FullOuter && k != JoinKind::LeftAnti;
    return !probe_unneeded && Operator::Wants(input);
  }

  void Finish(int input) override {
    if (input == 1) {  // the build side is complete; the probe side follows
      built_ = true;
      return;
    }
    if (OutputsBuildRows(node_.join_kind)) {
      const bool want_matched = node_.join_kind == JoinKind::RightSemi;
      const auto& rows = build_.rows();
      for (uint32_t id = 0; id < rows.size(); ++id) {
        const bool matched = rows[id].entry != JoinTable::kNone && build_.matched(rows[id].entry);
        if (matched == want_matched) Output(nullptr, 0, id);
      }
    }
    Flush();
    Done();
  }

 private:
  // Whether the kind outputs build rows after the probe side has ended (then rows with a null
  // key are kept too: they are unmatched).
  static bool OutputsBuildRows(JoinKind k) {
    return k == JoinKind::RightOuter || k == JoinKind::FullOuter || k == JoinKind::RightSemi || k == JoinKind::RightAnti;
  }
  // The build input's columns the join needs: its keys and those it outputs.
  static std::vector<int> Kept(const HashJoinNode& n) {
    std::vector<bool> kept(n.inputs[1]->schema.size(), false);
    for (int c : n.right_keys) kept[static_cast<size_t>(c)] = true;
    for (int c : n.right_out) kept[static_cast<size_t>(c)] = true;
    std::vector<int> columns;
    for (size_t c = 0; c < kept.size(); ++c) {
      if (kept[c]) columns.push_back(static_cast<int>(c));
    }
    return columns;
  }
  static std::vector<Type> KeyTypes(const PlanNode& input, const std::vector<int>& keys) {
    std::vector<Type> types;
    for (int c : keys) types.push_back(input.schema[static_cast<size_t>(c)].type);
    return types;
  }

  void Probe(const RowSet& rows) {
    const JoinKind k = node_.join_kind;
    KeyHashes(rows, node_.left_keys, hashes_, keyed_);
    for (size_t i = 0; i < rows.count; ++i) {
      const uint32_t row = rows.Row(i);
      const uint32_t entry = keyed_[i] && comparable_ ? build_.Find(*rows.batch, row, node_.left_keys, hashes_[i]) : JoinTable::kNone;
      const bool found = entry != JoinTable::kNone;
      // innerunique: a left row whose key an earlier left row had is dropped (one whose key the
      // build side lacks is dropped anyway).
      if (k == JoinKind::InnerUnique && (!found || !build_.Take(entry))) continue;
      if (found) build_.set_matched(entry);
      switch (k) {
        case JoinKind::LeftSemi:
          if (found) Output(rows.batch, row, -1);
          break;
        case JoinKind::LeftAnti:
          if (!found) Output(rows.batch, row, -1);
          break;
        case JoinKind::RightSemi:
        case JoinKind::RightAnti: break;  // output at the end, from the build side
        default:
          if (found) {
            for (uint32_t id = build_.First(entry); id != JoinTable::kNone; id = build_.Next(id)) Output(rows.batch, row, id);
          } else if (k == JoinKind::LeftOuter || k == JoinKind::FullOuter) {
            Output(rows.batch, row, -1);
          }
      }
    }
    Flush();
  }

  // One output row: left row `row` of `left` (or nulls if left is null), build row `right` (or
  // nulls if negative). With a prefilter it waits in pending_.
  void Output(const Batch* left, uint32_t row, int64_t right) {
    if (prefilter_.filter) {
      if (!pending_.empty() && pending_left_ != left) FlushPending();
      pending_left_ = left;
      pending_.push_back({row, right});
      if (pending_.size() >= kOutputBatchRows) FlushPending();
      return;
    }
    AppendRow(out_batch_, left, row, right);
    if (++out_batch_.row_count >= kOutputBatchRows) EmitBatch();
  }

  // Appends that row's columns to `to`.
  void AppendRow(Batch& to, const Batch* left, uint32_t row, int64_t right) {
    size_t c = 0;
    for (int l : node_.left_out) AppendLeft(to.columns[c++], left, row, l);
    for (int r : node_.right_out) AppendRight(to.columns[c++], right, r);
  }
  void AppendLeft(Column& to, const Batch* left, uint32_t row, int l) {
    if (left) {
      to.AppendFrom(left->columns[static_cast<size_t>(l)], row);
    } else {
      to.AppendNull();
    }
  }
  void AppendRight(Column& to, int64_t right, int r) {
    if (right >= 0) {
      const JoinTable::Row& at = build_.rows()[static_cast<size_t>(right)];
      to.AppendFrom(build_.ColumnOf(at, r), at.row);
    } else {
      to.AppendNull();
    }
  }

  // The pending rows: the prefilter's columns of all, then every column of those that pass.
  void FlushPending() {
    if (pending_.empty()) return;
    narrow_.Clear();
    for (const PendingRow& p : pending_) {
      for (const auto& [c, l] : read_left_) AppendLeft(narrow_.columns[c], pending_left_, p.row, l);
      for (const auto& [c, r] : read_right_) AppendRight(narrow_.columns[c], p.right, r);
    }
    selector_.Select(*prefilter_.filter, eval_, RowSet{&narrow_, nullptr, pending_.size()}, selection_);
    for (uint32_t k : selection_) {
      AppendRow(out_batch_, pending_left_, pending_[k].row, pending_[k].right);
      if (++out_batch_.row_count >= kOutputBatchRows) EmitBatch();
    }
    pending_.clear();
  }

  void EmitBatch() {
    Emit(RowSet::All(out_batch_));
    out_batch_.Clear();
  }

  void Flush() {
    FlushPending();
    EmitBatch();
  }

  struct PendingRow {
    uint32_t row;
    int64_t right;
  };

  const HashJoinNode& node_;
  JoinTable build_;
  bool built_ = false;  // the build side has finished
  bool comparable_;  // whether the two sides' key columns can hold equal keys at all
  std::vector<uint64_t> hashes_;  // the key hashes of a probe batch
  std::vector<uint8_t> keyed_;
  Batch out_batch_;
  Prefilter prefilter_;
  Batch narrow_;  // the prefilter's columns of the pending rows
  // The output columns the prefilter reads, each with its left or right input column.
  std::vector<std::pair<size_t, int>> read_left_, read_right_;
  std::vector<PendingRow> pending_;
  const Batch* pending_left_ = nullptr;
  std::vector<uint32_t> selection_;
  RowSelector selector_;
};

// Each output row is first made narrow: the expanded columns, the index and, under a prefilter,
// the columns its predicate reads, with the input row it comes from (sources_). A batch of them
// then becomes whole column by column: the narrow columns moved (or, of the rows a prefilter
// passes, copied), every other column gathered from the input rows in one loop per column.
class MvExpandOp : public Operator {
 public:
  MvExpandOp(const MvExpandNode& n, Consumer* out, int in, Evaluator& e, Prefilter prefilter)
      : Operator(out, in, e), node_(n), batch_(n.schema), prefilter_(std::move(prefilter)), narrow_(n.schema) {
    made_ = prefilter_.filter ? prefilter_.read : std::vector<bool>(n.schema.size(), false);
    std::vector<bool> expanded(n.inputs[0]->schema.size(), false);
    for (const MvExpandColumn& k : node_.columns) expanded[static_cast<size_t>(k.column)] = true;
    for (size_t c = 0; c < expanded.size(); ++c) {
      if (made_[c] && !expanded[c]) copied_.push_back(c);
      if (expanded[c]) made_[c] = true;
    }
    if (node_.with_index) made_.back() = true;
  }
  void Push(const RowSet& rows, int) override {
    items_.resize(node_.columns.size());
    for (size_t i = 0; i < rows.count; ++i) {
      const uint32_t row = rows.Row(i);
      size_t count = 0;
      for (size_t k = 0; k < node_.columns.size(); ++k) {
        Items(rows.batch->columns[static_cast<size_t>(node_.columns[k].column)], row, node_.columns[k], items_[k]);
        count = std::max(count, items_[k].size());
      }
      count = static_cast<size_t>(std::min<uint64_t>(count, node_.limit));
      for (size_t j = 0; j < count; ++j) {
        for (size_t k = 0; k < node_.columns.size(); ++k) {
          AppendItem(narrow_.columns[static_cast<size_t>(node_.columns[k].column)], items_[k], j, node_.columns[k].to);
        }
        for (size_t c : copied_) narrow_.columns[c].AppendFrom(rows.batch->columns[c], row);
        if (node_.with_index) narrow_.columns.back().AppendLong(static_cast<int64_t>(j));
        sources_.push_back(row);
        if (sources_.size() >= kOutputBatchRows) FlushPending(*rows.batch);
      }
    }
    FlushPending(*rows.batch);
  }
  void Finish(int) override { Done(); }

 private:
  // The narrow rows made so far (of input rows of `input`), those the prefilter passes (all
  // without one) made whole and handed on.
  void FlushPending(const Batch& input) {
    if (sources_.empty()) return;
    const bool all = !prefilter_.filter;
    if (!all) selector_.Select(*prefilter_.filter, eval_, RowSet{&narrow_, nullptr, sources_.size()}, selection_);
    const size_t count = all ? sources_.size() : selection_.size();
    for (size_t c = 0; c < batch_.columns.size(); ++c) {
      Column& to = batch_.columns[c];
      if (made_[c] && all) {
        std::swap(to, narrow_.columns[c]);
      } else if (made_[c]) {
        for (uint32_t k : selection_) to.AppendFrom(narrow_.columns[c], k);
      } else {
        const Column& from = input.columns[c];
        if (all) {
          for (uint32_t row : sources_) to.AppendFrom(from, row);
        } else {
          for (uint32_t k : selection_) to.AppendFrom(from, sources_[k]);
        }
      }
    }
    batch_.row_count = count;
    narrow_.Clear();
    sources_.clear();
    if (count > 0) Emit(RowSet::All(batch_));
    batch_.Clear();
  }

  // The values one row's cell expands to: an array's items, a bag's entries, a null or scalar
  // as itself; an empty array or bag gives none. An array of scalars in compact form (split()'s,
  // range()'s) is only cut into its items' texts (SplitScalarArray); anything else is parsed.
  struct ItemList {
    bool texts = false;                  // the items are `text`, else `values`
    std::vector<std::string_view> text;  // views of the cell
    std::vector<Json> values;
    size_t size() const { return texts ? text.size() : values.size(); }
  };
  static void Items(const Column& c, size_t row, const MvExpandColumn& spec, ItemList& out) {
    out.values.clear();
    out.texts = c.type() == Type::Dynamic && !c.IsNull(row) && SplitScalarArray(c.StringAt(row), out.text);
    if (out.texts) return;
    Json v = CellToJson(c, row);
    if (v.IsArray()) {
      out.values = std::move(v.items());
    } else if (v.IsObject()) {
      for (const auto& [key, value] : v.members()) {
        if (spec.bag_as_array) {
          out.values.push_back(Json::Array({Json::String(key), value}));
        } else {
          Json entry = Json::Object();
          entry.Append(key, value);
          out.values.push_back(std::move(entry));
        }
      }
    } else {
      out.values.push_back(std::move(v));
    }
  }
  // The value of an item's compact JSON text (SplitScalarArray's: a scalar).
  static Json TextValue(std::string_view text) {
    switch (text.front()) {
      case '"':
        // With escapes, the parser undoes them.
        if (text.find('\\') != std::string_view::npos) return Json::Parse(text).value_or(Json());
        return Json::String(std::string(text.substr(1, text.size() - 2)));
      case 't': return Json::Bool(true);
      case 'f': return Json::Bool(false);
      case 'n': return Json();
      default: {
        int64_t v = 0;
        std::from_chars(text.data(), text.data() + text.size(), v);
        return Json::Long(v);
      }
    }
  }
  // Item `j` of `list` into `out`: null past its end (shorter columns pad with null) or when not
  // of the `to typeof()` type. A dynamic column takes an item's text as it is: it is the compact
  // JSON the item would be serialised to.
  static void AppendItem(Column& out, const ItemList& list, size_t j, Type to) {
    if (j >= list.size()) {
      AppendJson(out, Json());
    } else if (!list.texts) {
      AppendJson(out, Conforms(list.values[j], to) ? list.values[j] : Json());
    } else if (out.type() == Type::Dynamic && to == Type::Dynamic) {
      const std::string_view text = list.text[j];
      if (text == "null") {
        out.AppendNull();
      } else {
        out.AppendString(text);
      }
    } else {
      const Json v = TextValue(list.text[j]);
      AppendJson(out, Conforms(v, to) ? v : Json());
    }
  }
  // `to typeof(T)` only casts, it does not parse or convert (doc: mv-expand-operator): a string
  // element is no number, a number no string. Datetimes, timespans and guids are held as text
  // in a dynamic value, so a string may be one of those.
  static bool Conforms(const Json& v, Type to) {
    if (to == Type::Dynamic) return true;
    switch (v.kind()) {
      case Json::Kind::Null: return true;
      case Json::Kind::Bool: return to == Type::Bool;
      case Json::Kind::Long: return IsNumeric(to);
      case Json::Kind::Real: return to == Type::Real || to == Type::Decimal;
      case Json::Kind::String: return IsStringLike(to) || to == Type::DateTime || to == Type::TimeSpan;
      case Json::Kind::Array:
      case Json::Kind::Object: return false;
    }
    return false;
  }
  const MvExpandNode& node_;
  std::vector<ItemList> items_;     // per expanded column: the items of the row at hand
  Batch batch_;
  Prefilter prefilter_;
  Batch narrow_;
  std::vector<bool> made_;          // the columns the narrow batch holds
  std::vector<size_t> copied_;      // those of them copied from the input (a prefilter reads them)
  std::vector<uint32_t> sources_;   // the input row of each narrow row
  std::vector<uint32_t> selection_;
  RowSelector selector_;
};

// serialize with row_number/prev/next: rows stream through; `tail_` keeps the last rows
// emitted (what prev looks back at) and `pending_` the last rows received (held back until the
// rows next looks ahead at have arrived).
class WindowOp : public Operator {
 public:
  WindowOp(const WindowNode& n, Consumer* out, int in, Evaluator& e)
      : Operator(out, in, e), node_(n), tail_(n.inputs[0]->schema), pending_(n.inputs[0]->schema) {
    for (const WindowFunction& f : n.functions) {
      if (f.kind == WindowKind::Prev) back_ = std::max(back_, static_cast<size_t>(std::max<int64_t>(f.offset, 0)));
      if (f.kind == WindowKind::Next) ahead_ = std::max(ahead_, static_cast<size_t>(std::max<int64_t>(f.offset, 0)));
      if (f.kind == WindowKind::RowNumber) next_number_.push_back(f.offset);
    }
  }
  void Push(const RowSet& rows, int) override { Process(&rows); }
  void Finish(int) override {
    Process(nullptr);
    Done();
  }

 private:
  void Process(const RowSet* rows) {
    Batch work(node_.inputs[0]->schema);
    AppendRows(work, RowSet::All(tail_));
    AppendRows(work, RowSet::All(pending_));
    if (rows) AppendRows(work, *rows);
    const size_t first = tail_.rows();
    const size_t total = work.rows();
    const size_t end = rows ? (total > first + ahead_ ? total - ahead_ : first) : total;
    if (end > first) {
      Batch out(node_.schema);
      const size_t n_in = work.columns.size();
      for (size_t c = 0; c < n_in; ++c) {
        for (size_t r = first; r < end; ++r) out.columns[c].AppendFrom(work.columns[c], r);
      }
      size_t numbers = 0;
      for (size_t k = 0; k < node_.functions.size(); ++k) {
        const WindowFunction& f = node_.functions[k];
        Column& col = out.columns[n_in + k];
        if (f.kind == WindowKind::RowNumber) {
          for (size_t r = first; r < end; ++r) col.AppendLong(next_number_[numbers]++);
          ++numbers;
          continue;
        }
        const Column values = eval_.Evaluate(f.arg, RowSet::All(work));
        const int64_t step = f.kind == WindowKind::Prev ? -f.offset : f.offset;
        for (size_t r = first; r < end; ++r) {
          const int64_t at = static_cast<int64_t>(r) + step;
          if (at >= 0 && at < static_cast<int64_t>(total)) {
            col.AppendFrom(values, static_cast<size_t>(at));
          } else {
            AppendValue(col, f.fallback);
          }
        }
      }
      out.row_count = end - first;
      EmitAll(out);
    }
    // Keep the last `back_` rows up to `end` and the rows after it.
    tail_.Clear();
    pending_.Clear();
    const size_t keep_from = end > back_ ? end - back_ : 0;
    for (size_t r = keep_from; r < total; ++r) {
      Batch& into = r < end ? tail_ : pending_;
      for (size_t c = 0; c < into.columns.size(); ++c) into.columns[c].AppendFrom(work.columns[c], r);
      ++into.row_count;
    }
  }

  const WindowNode& node_;
  Batch tail_, pending_;
  size_t back_ = 0, ahead_ = 0;
  std::vector<int64_t> next_number_;
};

// Whether `e` calls rand() or new_guid(): evaluated twice, it may give two answers.
bool CallsVolatile(const Expr& e) {
  if (e.kind == ExprKind::Call && IsVolatile(e.fn)) return true;
  return std::any_of(e.args.begin(), e.args.end(), CallsVolatile);
}

// The prefilter of an operator whose output goes straight into the filter `above` (null when
// it does not): that filter's test, when it may be evaluated twice.
Prefilter PrefilterOf(const PlanNode& n, const FilterNode* above) {
  if (!above || CallsVolatile(above->predicate)) return {};
  return {above, PredicateColumns(above->predicate, n.schema.size())};
}

std::unique_ptr<Consumer> MakeOperator(const PlanNode& n, Consumer* out, int in, Evaluator& e,
                                       const FilterNode* above, unsigned threads) {
  switch (n.kind) {
    case PlanKind::Filter: return std::make_unique<FilterOp>(*n.As<FilterNode>(), out, in, e);
    case PlanKind::Project: return std::make_unique<ProjectOp>(*n.As<ProjectNode>(), out, in, e);
    case PlanKind::Aggregate: {
      const auto& a = *n.As<AggregateNode>();
      AggLayout layout;
      std::string why;
      if (a.kernel && AggLayout::Of(a, layout, why)) {
        return std::make_unique<CompiledAggregateOp>(a, std::move(layout), out, in, e,
                                                     PrefilterOf(n, above), threads);
      }
      return std::make_unique<AggregateOp>(a, out, in, e);
    }
    case PlanKind::HashJoin: return std::make_unique<HashJoinOp>(*n.As<HashJoinNode>(), out, in, e, PrefilterOf(n, above));
    case PlanKind::Union: return std::make_unique<UnionOp>(*n.As<UnionNode>(), out, in, e);
    case PlanKind::Sort: return std::make_unique<SortOp>(*n.As<SortNode>(), out, in, e);
    case PlanKind::Top: return std::make_unique<TopOp>(*n.As<TopNode>(), out, in, e);
    case PlanKind::Limit: return std::make_unique<LimitOp>(*n.As<LimitNode>(), out, in, e);
    case PlanKind::Distinct: return std::make_unique<DistinctOp>(*n.As<DistinctNode>(), out, in, e);
    case PlanKind::Count: return std::make_unique<CountOp>(*n.As<CountNode>(), out, in, e);
    case PlanKind::MvExpand: return std::make_unique<MvExpandOp>(*n.As<MvExpandNode>(), out, in, e, PrefilterOf(n, above));
    case PlanKind::Window: return std::make_unique<WindowOp>(*n.As<WindowNode>(), out, in, e);
    case PlanKind::MvApply: return MakeMvApplyOp(*n.As<MvApplyNode>(), out, in, e);
    case PlanKind::MakeSeries: return MakeMakeSeriesOp(*n.As<MakeSeriesNode>(), out, in, e);
    case PlanKind::Scan:
    case PlanKind::Datatable:
    case PlanKind::ApplyInput:
    case PlanKind::Shared: break;  // sources, fed by Execution
  }
  return nullptr;
}

}  // namespace

void AppendValue(Column& out, const Value& v) {
  Column one(v.type == Type::Null ? out.type() : v.type);
  if (v.is_null) {
    one.AppendNull();
  } else if (IsStringLike(v.type) || v.type == Type::Dynamic) {
    one.AppendString(v.text);
  } else if (v.type == Type::Real || v.type == Type::Decimal) {
    one.AppendReal(v.real);
  } else if (v.type == Type::Bool) {
    one.AppendBool(v.integer != 0);
  } else if (v.type == Type::Int) {
    one.AppendInt(static_cast<int32_t>(v.integer));
  } else {
    one.AppendLong(v.integer);
  }
  AppendConverted(out, one, 0);
}

void CollectSink::Push(const RowSet& rows, int) { AppendRows(result_, rows); }

void WriterSink::Push(const RowSet& rows, int) {
  columns_.clear();
  for (const Column& c : rows.batch->columns) columns_.push_back(&c);
  selection_.resize(rows.count);
  for (size_t i = 0; i < rows.count; ++i) selection_[i] = rows.Row(i);
  rendered_.clear();
  renderer_.Render(shape_, columns_, selection_.data(), static_cast<uint32_t>(rows.count), rendered_);
  writer_.Write(rendered_);
  rows_ += rows.count;
}

// A shared subplan's sink: keeps its result rows for the Shared nodes that read them.
class Execution::SharedResult : public Consumer {
 public:
  explicit SharedResult(const std::vector<ColumnSpec>& schema) : rows_(schema) {}
  void Push(const RowSet& rows, int) override { rows_.Push(rows, 0); }
  void Finish(int) override { rows_.Finish(0); }
  const Batch& result() const { return rows_.result(); }
  void AddUse() { ++uses_; }
  // After the last use, the rows are no longer needed.
  void Used() {
    if (--uses_ == 0) rows_ = CollectSink(result().specs);
  }

 private:
  CollectSink rows_;
  size_t uses_ = 0;
};

Execution::Execution(const PlanNode& plan, int64_t now, Consumer& sink, unsigned threads)
    : evaluator_(std::make_unique<Evaluator>(now)), threads_(threads) {
  Build(plan, &sink, 0);
}

Execution::~Execution() = default;

void Execution::Build(const PlanNode& node, Consumer* out, int input, const FilterNode* above) {
  if (node.Is<ScanNode>() || node.Is<DatatableNode>() || node.Is<ApplyInputNode>()) {
    sources_.push_back({&node, out, input});
    return;
  }
  if (const auto* shared = node.As<SharedNode>()) {
    // The subplan is built at its first use, so its sources come before that use's.
    const PlanNode* subplan = shared->subplan.get();
    auto found = std::find_if(shared_.begin(), shared_.end(), [&](const auto& s) { return s.first == subplan; });
    SharedResult* result = found == shared_.end() ? nullptr : found->second;
    if (!result) {
      auto sink = std::make_unique<SharedResult>(subplan->schema);
      result = sink.get();
      operators_.push_back(std::move(sink));
      shared_.emplace_back(subplan, result);
      Build(*subplan, result, 0);
    }
    result->AddUse();
    sources_.push_back({&node, out, input, result});
    return;
  }
  if (const auto* project = node.As<ProjectNode>(); project && project->fused) {
    // The Scan feeds the Project, which runs the filter in its fused kernel (ProjectOp::Fuse);
    // the filter's operator, fed by the Project, stays for when that cannot be compiled.
    const auto& filter = *project->inputs[0]->As<FilterNode>();
    auto op = std::make_unique<ProjectOp>(*project, out, input, *evaluator_);
    ProjectOp* self = op.get();
    operators_.push_back(std::move(op));
    operators_.push_back(MakeOperator(filter, self, 0, *evaluator_, nullptr, threads_));
    self->Fuse(operators_.back().get());
    sources_.push_back({filter.inputs[0].get(), self, 0});
    sources_.back().filter = &filter;
    sources_.back().after_filter = self;
    sources_.back().after_filter_input = 0;
    return;
  }
  std::unique_ptr<Consumer> op = MakeOperator(node, out, input, *evaluator_, above, threads_);
  Consumer* self = op.get();
  if (auto* summary = dynamic_cast<CompiledAggregateOp*>(self)) summaries_.emplace_back(&node, &summary->table());
  operators_.push_back(std::move(op));
  // Depth-first, the build side of a join first: the order sources must be fed in.
  if (node.Is<HashJoinNode>()) {
    Build(*node.inputs[1], self, 1);
    Build(*node.inputs[0], self, 0);
    return;
  }
  const auto* filter = node.As<FilterNode>();
  for (size_t i = 0; i < node.inputs.size(); ++i) Build(*node.inputs[i], self, static_cast<int>(i), filter);
  if (filter && filter->compiled() && filter->inputs[0]->Is<ScanNode>()) {
    sources_.back().filter = filter;
    sources_.back().after_filter = out;
    sources_.back().after_filter_input = input;
  }
}

AggTable* Execution::SummaryTable(const AggregateNode& node) const {
  for (const auto& [summary, table] : summaries_) {
    if (summary == &node) return table;
  }
  return nullptr;
}

bool Execution::Wants(size_t source) const { return sources_[source].consumer->Wants(sources_[source].input); }

void Execution::Push(size_t source, const Batch& batch) {
  if (batch.rows() > 0 && Wants(source)) sources_[source].consumer->Push(RowSet::All(batch), sources_[source].input);
}

void Execution::PushSelected(size_t source, const Batch& batch, const uint32_t* selection, size_t count) {
  const Source& s = sources_[source];
  if (count > 0 && Wants(source)) s.after_filter->Push(RowSet{&batch, selection, count}, s.after_filter_input);
}

void Execution::Finish(size_t source) { sources_[source].consumer->Finish(sources_[source].input); }

void Execution::Replay(size_t source) {
  const Source& s = sources_[source];
  Batch table;
  if (const auto* datatable = s.node->As<DatatableNode>()) {
    table = Batch(datatable->schema);
    for (const std::vector<Value>& row : datatable->rows) {
      for (size_t c = 0; c < table.columns.size(); ++c) AppendValue(table.columns[c], row[c]);
    }
    table.row_count = datatable->rows.size();
  }
  const Batch& batch = s.shared ? s.shared->result() : table;
  // In batches of the usual size, as a reader would deliver them.
  std::vector<uint32_t> rows(batch.rows());
  std::iota(rows.begin(), rows.end(), 0u);
  for (size_t start = 0; start < rows.size(); start += kOutputBatchRows) {
    s.consumer->Push(RowSet{&batch, rows.data() + start, std::min(kOutputBatchRows, rows.size() - start)}, s.input);
  }
  Finish(source);
  if (s.shared) s.shared->Used();
}

}  // namespace huntc::exec
