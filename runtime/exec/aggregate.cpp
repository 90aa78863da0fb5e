// Aggregate functions.
#include "runtime/exec/aggregate.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "runtime/exec/eval.h"
#include "runtime/exec/json.h"
#include "runtime/exec/rows.h"

namespace huntc::exec {

namespace {

constexpr int kRegisterBits = 14;

bool IsReal(Type t) { return t == Type::Real || t == Type::Decimal; }

// Shared by all aggregators: which rows count (the *if predicate is the last argument).
class Base : public Aggregator {
 public:
  explicit Base(const AggregateSpec& spec) : kind_(spec.kind), has_if_(IsConditional(spec.kind)) {}

 protected:
  bool Counts(const std::vector<Column>& args, size_t row) const {
    if (!has_if_) return true;
    const Column& p = args.back();
    return !p.IsNull(row) && p.BoolAt(row);
  }
  AggKind kind_;
  bool has_if_;
};

class CountAgg : public Base {
 public:
  using Base::Base;
  void Resize(size_t groups) override { counts_.resize(groups, 0); }
  void Update(const std::vector<Column>& args, const std::vector<Column>&, const std::vector<uint32_t>& groups) override {
    for (size_t i = 0; i < groups.size(); ++i) counts_[groups[i]] += Counts(args, i);
  }
  void Result(size_t g, Column* const* out) const override { out[0]->AppendLong(counts_[g]); }

 private:
  std::vector<int64_t> counts_;
};

class SumAgg : public Base {
 public:
  SumAgg(const AggregateSpec& spec, Type out) : Base(spec), integer_(!IsReal(out)), avg_(spec.kind == AggKind::Avg || spec.kind == AggKind::AvgIf) {}
  void Resize(size_t groups) override {
    ints_.resize(groups, 0);
    reals_.resize(groups, 0);
    counts_.resize(groups, 0);
  }
  void Update(const std::vector<Column>& args, const std::vector<Column>&, const std::vector<uint32_t>& groups) override {
    const Column& v = args[0];
    for (size_t i = 0; i < groups.size(); ++i) {
      if (v.IsNull(i) || !Counts(args, i)) continue;
      const uint32_t g = groups[i];
      if (integer_ && !avg_) {
        ints_[g] = static_cast<int64_t>(static_cast<uint64_t>(ints_[g]) + static_cast<uint64_t>(IntOf(v, i)));
      } else {
        reals_[g] += RealOf(v, i);
      }
      ++counts_[g];
    }
  }
  void Result(size_t g, Column* const* out) const override {
    if (avg_) {
      if (counts_[g] == 0) {
        out[0]->AppendNull();
      } else {
        out[0]->AppendReal(reals_[g] / static_cast<double>(counts_[g]));
      }
    } else if (integer_) {
      out[0]->AppendLong(ints_[g]);
    } else {
      out[0]->AppendReal(reals_[g]);
    }
  }

 private:
  bool integer_, avg_;
  std::vector<int64_t> ints_;
  std::vector<double> reals_;
  std::vector<int64_t> counts_;
};

// min, max, take_any, arg_max, arg_min: keeps one value (and for arg_* the row's outputs).
class PickAgg : public Base {
 public:
  PickAgg(const AggregateSpec& spec, Type type) : Base(spec), type_(type), n_outputs_(spec.outputs.size()) {}
  void Resize(size_t groups) override {
    best_.resize(groups);
    outputs_.resize(groups);
  }
  void Update(const std::vector<Column>& args, const std::vector<Column>& outputs,
              const std::vector<uint32_t>& groups) override {
    const Column& v = args[0];
    const bool arg = kind_ == AggKind::ArgMax || kind_ == AggKind::ArgMin;
    const bool want_max = kind_ == AggKind::Max || kind_ == AggKind::MaxIf || kind_ == AggKind::ArgMax;
    for (size_t i = 0; i < groups.size(); ++i) {
      if (!Counts(args, i)) continue;
      const uint32_t g = groups[i];
      const bool null = v.IsNull(i) || (IsReal(v.type()) && std::isnan(v.RealAt(i)));
      if (null) {
        // arg_max over a group whose values are all null still returns one of its rows.
        if (arg && outputs_[g].empty()) Take(g, v, outputs, i);
        continue;
      }
      Cell& best = best_[g];
      bool better = best.null;
      if (!better && kind_ != AggKind::TakeAny) {
        const int c = CompareCells(type_, ReadCell(v, i), best);
        better = want_max ? c > 0 : c < 0;
      }
      if (better) Take(g, v, outputs, i);
    }
  }
  void Result(size_t g, Column* const* out) const override {
    AppendCell(*out[0], best_[g]);
    for (size_t k = 0; k < outputs_[g].size(); ++k) AppendCell(*out[k + 1], outputs_[g][k]);
    if (outputs_[g].empty() && (kind_ == AggKind::ArgMax || kind_ == AggKind::ArgMin)) {
      // An empty input without `by`: every output is null.
      for (size_t k = 0; k < n_outputs_; ++k) out[k + 1]->AppendNull();
    }
  }

 private:
  void Take(uint32_t g, const Column& v, const std::vector<Column>& outputs, size_t i) {
    best_[g] = ReadCell(v, i);
    outputs_[g].resize(outputs.size());
    for (size_t k = 0; k < outputs.size(); ++k) outputs_[g][k] = ReadCell(outputs[k], i);
  }
  Type type_;
  size_t n_outputs_;
  std::vector<Cell> best_;
  std::vector<std::vector<Cell>> outputs_;
};

class DCountAgg : public Base {
 public:
  using Base::Base;
  void Resize(size_t groups) override { counters_.resize(groups); }
  void Update(const std::vector<Column>& args, const std::vector<Column>&, const std::vector<uint32_t>& groups) override {
    std::string key;
    for (size_t i = 0; i < groups.size(); ++i) {
      if (args[0].IsNull(i) || !Counts(args, i)) continue;
      key.clear();
      EncodeKey(args[0], i, key);
      counters_[groups[i]].Add(Hash64(key));
    }
  }
  void Result(size_t g, Column* const* out) const override { out[0]->AppendLong(counters_[g].Estimate()); }

 private:
  std::vector<DistinctCounter> counters_;
};

// make_list, make_set: values as JSON text.
class ListAgg : public Base {
 public:
  ListAgg(const AggregateSpec& spec) : Base(spec), set_(spec.kind == AggKind::MakeSet || spec.kind == AggKind::MakeSetIf),
                                       limit_(static_cast<size_t>(std::max<int64_t>(spec.limit, 0))) {}
  void Resize(size_t groups) override {
    items_.resize(groups);
    seen_.resize(groups);
  }
  void Update(const std::vector<Column>& args, const std::vector<Column>&, const std::vector<uint32_t>& groups) override {
    for (size_t i = 0; i < groups.size(); ++i) {
      const uint32_t g = groups[i];
      if (args[0].IsNull(i) || !Counts(args, i)) continue;
      ForEachListItem(CellToJson(args[0], i), set_, [&](std::string text) { Add(g, std::move(text)); });
    }
  }
  void Result(size_t g, Column* const* out) const override {
    std::string text = "[";
    for (size_t k = 0; k < items_[g].size(); ++k) {
      if (k) text.push_back(',');
      text += items_[g][k];
    }
    out[0]->AppendString(text + "]");
  }

 private:
  void Add(uint32_t g, std::string text) {
    if (items_[g].size() >= limit_) return;
    if (set_ && !seen_[g].insert(text).second) return;
    items_[g].push_back(std::move(text));
  }

  bool set_;
  size_t limit_;
  std::vector<std::vector<std::string>> items_;
  std::vector<std::unordered_set<std::string>> seen_;
};

class BagAgg : public Base {
 public:
  using Base::Base;
  void Resize(size_t groups) override { bags_.resize(groups, Json::Object()); }
  void Update(const std::vector<Column>& args, const std::vector<Column>&, const std::vector<uint32_t>& groups) override {
    for (size_t i = 0; i < groups.size(); ++i) {
      if (args[0].IsNull(i) || !Counts(args, i)) continue;
      const Json bag = CellToJson(args[0], i);
      if (!bag.IsObject()) continue;  // make_bag takes property bags only
      Json& into = bags_[groups[i]];
      for (const auto& [key, value] : bag.members()) {
        if (!into.Find(key)) into.Append(key, value);
      }
    }
  }
  void Result(size_t g, Column* const* out) const override { out[0]->AppendString(bags_[g].Serialize()); }

 private:
  std::vector<Json> bags_;
};

// Sample variance and standard deviation (Welford's method).
class VarianceAgg : public Base {
 public:
  using Base::Base;
  void Resize(size_t groups) override { states_.resize(groups); }
  void Update(const std::vector<Column>& args, const std::vector<Column>&, const std::vector<uint32_t>& groups) override {
    for (size_t i = 0; i < groups.size(); ++i) {
      if (args[0].IsNull(i) || !Counts(args, i)) continue;
      State& s = states_[groups[i]];
      const double x = RealOf(args[0], i);
      ++s.n;
      const double delta = x - s.mean;
      s.mean += delta / static_cast<double>(s.n);
      s.m2 += delta * (x - s.mean);
    }
  }
  void Result(size_t g, Column* const* out) const override {
    const State& s = states_[g];
    const double variance = s.n > 1 ? s.m2 / static_cast<double>(s.n - 1) : 0;
    const bool stdev = kind_ == AggKind::Stdev || kind_ == AggKind::StdevIf;
    out[0]->AppendReal(stdev ? std::sqrt(variance) : variance);
  }

 private:
  struct State {
    int64_t n = 0;
    double mean = 0, m2 = 0;
  };
  std::vector<State> states_;
};

class PercentileAgg : public Base {
 public:
  PercentileAgg(const AggregateSpec& spec) : Base(spec), p_(std::clamp(spec.param, 0.0, 100.0)) {}
  void Resize(size_t groups) override { values_.resize(groups); }
  void Update(const std::vector<Column>& args, const std::vector<Column>&, const std::vector<uint32_t>& groups) override {
    for (size_t i = 0; i < groups.size(); ++i) {
      if (!args[0].IsNull(i)) values_[groups[i]].push_back(RealOf(args[0], i));
    }
  }
  void Result(size_t g, Column* const* out) const override {
    std::vector<double> v = values_[g];
    if (v.empty()) {
      out[0]->AppendNull();
      return;
    }
    // Nearest rank: the smallest value with at least p% of the values at or below it.
    const size_t rank = static_cast<size_t>(std::max(1.0, std::ceil(p_ / 100.0 * static_cast<double>(v.size()))));
    std::nth_element(v.begin(), v.begin() + static_cast<long>(rank - 1), v.end());
    const double x = v[rank - 1];
    if (IsReal(out[0]->type())) {
      out[0]->AppendReal(x);
    } else {
      Column& c = *out[0];
      if (c.type() == Type::Int) c.AppendInt(static_cast<int32_t>(x)); else c.AppendLong(static_cast<int64_t>(x));
    }
  }

 private:
  double p_;
  std::vector<std::vector<double>> values_;
};

}  // namespace

void DistinctCounter::Add(uint64_t hash) {
  if (!large_) {
    for (uint32_t i = 0; i < size_; ++i) {
      if (inline_[i] == hash) return;
    }
    if (size_ < kInline) {
      inline_[size_++] = hash;
      return;
    }
    large_ = std::make_unique<Large>();
    large_->exact.assign(4 * kInline, 0);
    for (uint32_t i = 0; i < size_; ++i) large_->AddExact(inline_[i]);
  }
  large_->Add(hash);
}

void DistinctCounter::Large::Add(uint64_t hash) {
  if (!registers.empty()) {
    AddRegister(hash);
    return;
  }
  AddExact(hash);
  if (count <= kExactLimit) return;
  registers.assign(size_t{1} << kRegisterBits, 0);
  ForEachExact([&](uint64_t h) { AddRegister(h); });
  exact = {};
  zero = false;
}

void DistinctCounter::Large::AddExact(uint64_t hash) {
  if (hash == 0) {
    count += !zero;
    zero = true;
    return;
  }
  size_t mask = exact.size() - 1;
  size_t pos = hash & mask;
  for (; exact[pos] != 0; pos = (pos + 1) & mask) {
    if (exact[pos] == hash) return;
  }
  exact[pos] = hash;
  ++count;
  if (count * 2 <= exact.size()) return;
  std::vector<uint64_t> old(exact.size() * 2, 0);
  old.swap(exact);
  mask = exact.size() - 1;
  for (uint64_t h : old) {
    if (h == 0) continue;
    for (pos = h & mask; exact[pos] != 0;) pos = (pos + 1) & mask;
    exact[pos] = h;
  }
}

void DistinctCounter::Large::AddRegister(uint64_t hash) {
  const size_t index = hash >> (64 - kRegisterBits);
  const uint64_t rest = hash << kRegisterBits;
  const uint8_t rank = static_cast<uint8_t>(rest == 0 ? 64 - kRegisterBits + 1 : __builtin_clzll(rest) + 1);
  registers[index] = std::max(registers[index], rank);
}

void DistinctCounter::Merge(const DistinctCounter& other) {
  if (!other.large_) {
    for (uint32_t i = 0; i < other.size_; ++i) Add(other.inline_[i]);
    return;
  }
  if (other.large_->registers.empty()) {
    other.large_->ForEachExact([&](uint64_t h) { Add(h); });
    return;
  }
  if (!large_ || large_->registers.empty()) {
    // Registers are the max over the hashes added, in any order: start from other's and add ours.
    auto large = std::make_unique<Large>();
    large->registers = other.large_->registers;
    if (large_) {
      large_->ForEachExact([&](uint64_t h) { large->AddRegister(h); });
    } else {
      for (uint32_t i = 0; i < size_; ++i) large->AddRegister(inline_[i]);
    }
    large_ = std::move(large);
    return;
  }
  std::vector<uint8_t>& registers = large_->registers;
  for (size_t i = 0; i < registers.size(); ++i) registers[i] = std::max(registers[i], other.large_->registers[i]);
}

int64_t DistinctCounter::Estimate() const {
  if (!large_) return size_;
  const std::vector<uint8_t>& registers = large_->registers;
  if (registers.empty()) return static_cast<int64_t>(large_->count);
  const double m = static_cast<double>(registers.size());
  double sum = 0;
  size_t zeros = 0;
  for (uint8_t r : registers) {
    sum += std::ldexp(1.0, -r);
    zeros += r == 0;
  }
  const double alpha = 0.7213 / (1 + 1.079 / m);
  double estimate = alpha * m * m / sum;
  if (estimate <= 2.5 * m && zeros > 0) estimate = m * std::log(m / static_cast<double>(zeros));  // linear counting
  return static_cast<int64_t>(std::llround(estimate));
}

std::unique_ptr<Aggregator> MakeAggregator(const AggregateSpec& spec) {
  const std::vector<Type> types = AggregateOutputTypes(spec);
  switch (spec.kind) {
    case AggKind::Count:
    case AggKind::CountIf: return std::make_unique<CountAgg>(spec);
    case AggKind::Sum:
    case AggKind::SumIf:
    case AggKind::Avg:
    case AggKind::AvgIf: return std::make_unique<SumAgg>(spec, types[0]);
    case AggKind::Min:
    case AggKind::Max:
    case AggKind::MinIf:
    case AggKind::MaxIf:
    case AggKind::ArgMax:
    case AggKind::ArgMin:
    case AggKind::TakeAny: return std::make_unique<PickAgg>(spec, types[0]);
    case AggKind::DCount:
    case AggKind::DCountIf: return std::make_unique<DCountAgg>(spec);
    case AggKind::MakeSet:
    case AggKind::MakeSetIf:
    case AggKind::MakeList:
    case AggKind::MakeListIf: return std::make_unique<ListAgg>(spec);
    case AggKind::MakeBag:
    case AggKind::MakeBagIf: return std::make_unique<BagAgg>(spec);
    case AggKind::Stdev:
    case AggKind::StdevIf:
    case AggKind::Variance:
    case AggKind::VarianceIf: return std::make_unique<VarianceAgg>(spec);
    case AggKind::Percentile: return std::make_unique<PercentileAgg>(spec);
  }
  return nullptr;
}

}  // namespace huntc::exec
