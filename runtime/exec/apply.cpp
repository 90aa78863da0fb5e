// The mv-apply and make-series operators: both turn each input row (mv-apply) or group
// (make-series) into values computed over a set of items of its own.
#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "runtime/exec/execution.h"
#include "runtime/exec/rows.h"

namespace huntc::exec {

namespace {

// mv-apply: a fresh instance of the subplan per input row (its operators hold per-run state:
// a summarize's groups, a top's rows), fed that one row; the results are handed on behind the
// row's kept columns.
class MvApplyOp : public Consumer {
 public:
  MvApplyOp(const MvApplyNode& n, Consumer* out, int out_input, Evaluator& e)
      : node_(n), out_(out), out_input_(out_input), now_(e.now()), row_(n.inputs[0]->schema), batch_(n.schema) {}

  void Push(const RowSet& rows, int) override {
    for (size_t i = 0; i < rows.count; ++i) {
      const uint32_t r = rows.Row(i);
      row_.Clear();
      for (size_t c = 0; c < row_.columns.size(); ++c) row_.columns[c].AppendFrom(rows.batch->columns[c], r);
      row_.row_count = 1;
      CollectSink results(node_.subplan->schema);
      Execution sub(*node_.subplan, now_, results);
      for (size_t s = 0; s < sub.source_count(); ++s) {
        if (sub.source(s).Is<ApplyInputNode>()) {
          sub.Push(s, row_);
          sub.Finish(s);
        } else {
          sub.Replay(s);  // the compiler gives a subplan no other sources
        }
      }
      const Batch& got = results.result();
      for (size_t j = 0; j < got.rows(); ++j) {
        size_t c = 0;
        for (int k : node_.kept) batch_.columns[c++].AppendFrom(rows.batch->columns[static_cast<size_t>(k)], r);
        for (const Column& from : got.columns) batch_.columns[c++].AppendFrom(from, j);
        if (++batch_.row_count >= kOutputBatchRows) Flush();
      }
    }
    Flush();
  }
  void Finish(int) override { out_->Finish(out_input_); }

 private:
  void Flush() {
    if (batch_.rows() > 0) out_->Push(RowSet::All(batch_), out_input_);
    batch_.Clear();
  }

  const MvApplyNode& node_;
  Consumer* out_;
  int out_input_;
  int64_t now_;
  Batch row_;
  Batch batch_;
};

// make-series: gathers the per-(group, bin) aggregates, then lays each group's values out over
// the whole axis.
class MakeSeriesOp : public Consumer {
 public:
  MakeSeriesOp(const MakeSeriesNode& n, Consumer* out, int out_input, Evaluator& e)
      : node_(n), out_(out), out_input_(out_input), eval_(e), rows_(n.inputs[0]->schema) {}

  void Push(const RowSet& rows, int) override {
    for (size_t c = 0; c < rows_.columns.size(); ++c) {
      for (size_t i = 0; i < rows.count; ++i) rows_.columns[c].AppendFrom(rows.batch->columns[c], rows.Row(i));
    }
    rows_.row_count += rows.count;
  }

  void Finish(int) override {
    Emit();
    out_->Finish(out_input_);
  }

 private:
  void Emit() {
    const Column& bin = rows_.columns[node_.keys];
    const bool real = bin.type() == Type::Real;
    // The axis: integer arithmetic for ticks (beyond a double's exact range), else reals.
    const int64_t istep = node_.step.integer;
    const double rstep = node_.step.type == Type::Real ? node_.step.real : static_cast<double>(node_.step.integer);
    if ((real ? !(rstep > 0) : istep <= 0)) return;
    bool any = false;
    int64_t ilo = 0, ihi = 0;
    double rlo = 0, rhi = 0;
    for (size_t r = 0; r < rows_.rows(); ++r) {
      if (bin.IsNull(r)) continue;
      if (real) {
        rlo = any ? std::min(rlo, bin.RealAt(r)) : bin.RealAt(r);
        rhi = any ? std::max(rhi, bin.RealAt(r)) : bin.RealAt(r);
      } else {
        ilo = any ? std::min(ilo, bin.LongAt(r)) : bin.LongAt(r);
        ihi = any ? std::max(ihi, bin.LongAt(r)) : bin.LongAt(r);
      }
      any = true;
    }
    Batch one;
    one.row_count = 1;
    const Column from = eval_.Evaluate(node_.from, RowSet::All(one));
    const Column to = eval_.Evaluate(node_.to, RowSet::All(one));
    if (!from.IsNull(0)) {
      rlo = real ? from.RealAt(0) : 0;
      ilo = real ? 0 : from.LongAt(0);
    }
    if (!any && (from.IsNull(0) || to.IsNull(0))) return;
    // The number of bins: from `from` while below `to`, else through the largest bin seen.
    size_t bins = 0;
    if (real) {
      const double end = to.IsNull(0) ? rhi + rstep : to.RealAt(0);
      bins = end > rlo ? static_cast<size_t>(std::ceil((end - rlo) / rstep)) : 0;
    } else {
      const int64_t end = to.IsNull(0) ? ihi + istep : to.LongAt(0);
      bins = end > ilo ? static_cast<size_t>((end - ilo + istep - 1) / istep) : 0;
    }
    const auto index_of = [&](size_t r) -> int64_t {
      if (real) return static_cast<int64_t>(std::llround((bin.RealAt(r) - rlo) / rstep));
      const int64_t offset = bin.LongAt(r) - ilo;
      return offset < 0 ? -1 : offset / istep;
    };
    Column axis(bin.type());
    for (size_t k = 0; k < bins; ++k) {
      if (real) {
        axis.AppendReal(rlo + static_cast<double>(k) * rstep);
      } else {
        axis.AppendLong(ilo + static_cast<int64_t>(k) * istep);
      }
    }
    Json axis_json = Json::Array();
    for (size_t k = 0; k < bins; ++k) axis_json.Push(CellToJson(axis, k));
    // The groups in order of first appearance.
    const size_t series = node_.defaults.size();
    std::vector<Json> defaults;
    for (const Value& d : node_.defaults) {
      Column one(d.type == Type::Null ? Type::Dynamic : d.type);
      AppendValue(one, d);
      defaults.push_back(CellToJson(one, 0));
    }
    std::unordered_map<std::string, size_t> group_of;
    std::vector<size_t> first_row;
    std::vector<std::vector<Json>> values;  // per group, per series: the array
    std::string key;
    for (size_t r = 0; r < rows_.rows(); ++r) {
      key.clear();
      for (size_t c = 0; c < node_.keys; ++c) EncodeKey(rows_.columns[c], r, key);
      auto [it, fresh] = group_of.try_emplace(key, first_row.size());
      if (fresh) {
        first_row.push_back(r);
        values.emplace_back();
        for (size_t s = 0; s < series; ++s) values.back().push_back(Json::Array(std::vector<Json>(bins, defaults[s])));
      }
      if (bin.IsNull(r)) continue;
      const int64_t k = index_of(r);
      if (k < 0 || static_cast<size_t>(k) >= bins) continue;
      for (size_t s = 0; s < series; ++s) {
        values[it->second][s].items()[static_cast<size_t>(k)] = CellToJson(rows_.columns[node_.keys + 1 + s], r);
      }
    }
    if (first_row.empty() && node_.nonempty && node_.keys == 0) {  // one row of defaults
      first_row.push_back(0);
      values.emplace_back();
      for (size_t s = 0; s < series; ++s) values.back().push_back(Json::Array(std::vector<Json>(bins, defaults[s])));
    }
    Batch out(node_.schema);
    for (size_t g = 0; g < first_row.size(); ++g) {
      for (size_t c = 0; c < node_.keys; ++c) out.columns[c].AppendFrom(rows_.columns[c], first_row[g]);
      for (size_t s = 0; s < series; ++s) AppendJson(out.columns[node_.keys + s], values[g][s]);
      AppendJson(out.columns.back(), axis_json);
      if (++out.row_count >= kOutputBatchRows) {
        out_->Push(RowSet::All(out), out_input_);
        out.Clear();
      }
    }
    if (out.rows() > 0) out_->Push(RowSet::All(out), out_input_);
  }

  const MakeSeriesNode& node_;
  Consumer* out_;
  int out_input_;
  Evaluator& eval_;
  Batch rows_;
};

}  // namespace

std::unique_ptr<Consumer> MakeMvApplyOp(const MvApplyNode& node, Consumer* out, int input, Evaluator& eval) {
  return std::make_unique<MvApplyOp>(node, out, input, eval);
}

std::unique_ptr<Consumer> MakeMakeSeriesOp(const MakeSeriesNode& node, Consumer* out, int input, Evaluator& eval) {
  return std::make_unique<MakeSeriesOp>(node, out, input, eval);
}

}  // namespace huntc::exec
