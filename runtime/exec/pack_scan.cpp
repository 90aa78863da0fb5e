// Laying out and running the pack scan stage: shared conjuncts and pooled literals.
#include "runtime/exec/pack_scan.h"

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include <fmt/format.h>

#include "runtime/exec/eval.h"

namespace huntc::exec {

namespace {

struct ExprHash {
  size_t operator()(const Expr& e) const { return e.Hash(); }
};

// `e` with its column references renumbered by `positions` (walked with a stack: expressions
// nest as deep as the query does).
Expr Renumber(const Expr& e, const std::vector<size_t>& positions) {
  Expr out = e;
  std::vector<Expr*> stack{&out};
  while (!stack.empty()) {
    Expr* x = stack.back();
    stack.pop_back();
    if (x->kind == ExprKind::Column) x->column = static_cast<int>(positions[static_cast<size_t>(x->column)]);
    for (Expr& a : x->args) stack.push_back(&a);
  }
  return out;
}

bool HasVolatile(const Expr& e) {
  std::vector<const Expr*> stack{&e};
  while (!stack.empty()) {
    const Expr* x = stack.back();
    stack.pop_back();
    if (x->kind == ExprKind::Call && IsVolatile(x->fn)) return true;
    for (const Expr& a : x->args) stack.push_back(&a);
  }
  return false;
}

// The column and literals of a string test a literal pool can answer: a single-literal test
// (ColumnLiteralTest), or `in`/`in~`/has_any over a list of string constants (for has_any, also
// of dynamic constants). Such a test is true when any of its literals matches and is never null.
std::optional<std::pair<size_t, std::vector<LiteralMatcher::Literal>>> PoolableTest(
    const Expr& e, const std::vector<ColumnSpec>& columns) {
  if (e.kind != ExprKind::Call || e.args.empty() || e.args[0].kind != ExprKind::Column ||
      e.args[0].type != Type::String || columns[static_cast<size_t>(e.args[0].column)].type != Type::String) {
    return std::nullopt;
  }
  const size_t column = static_cast<size_t>(e.args[0].column);
  if (auto single = ColumnLiteralTest(e)) return std::pair{column, std::vector{single->second}};
  LiteralMatcher::Literal how;
  switch (e.fn) {
    case Fn::In: how = {"", LiteralMatcher::Mode::Equals, true}; break;
    case Fn::InCi: how = {"", LiteralMatcher::Mode::Equals, false}; break;
    case Fn::HasAny: how = {"", LiteralMatcher::Mode::Term, false}; break;
    default: return std::nullopt;
  }
  if (e.args.size() < 2) return std::nullopt;
  std::vector<LiteralMatcher::Literal> literals;
  const auto add = [&](std::string text) {
    how.text = std::move(text);
    literals.push_back(how);
  };
  for (size_t k = 1; k < e.args.size(); ++k) {
    const Expr& v = e.args[k];
    if (v.kind != ExprKind::Constant) return std::nullopt;
    if (e.fn == Fn::HasAny && v.type == Type::Dynamic) {
      // A dynamic list (`let terms = dynamic([...])`, most corpus rules' has_any): its terms as
      // the interpreter takes them (ListOperands in eval.cpp), nulls left out.
      const Json list = v.value.is_null ? Json() : ParseDynamic(v.value.text);
      if (!list.IsArray()) {
        if (!list.IsNull()) add(list.ToText());
        continue;
      }
      for (const Json& item : list.items()) {
        if (!item.IsNull()) add(item.ToText());
      }
      continue;
    }
    if (v.type != Type::String) return std::nullopt;
    // A string is never null: has_any takes a null string constant as "", as the interpreter and
    // the JIT do; `in` is left to them.
    if (v.value.is_null && e.fn != Fn::HasAny) return std::nullopt;
    add(v.value.is_null ? std::string() : v.value.text);
  }
  return std::pair{column, std::move(literals)};
}

// The code a use of `e` in a kernel costs, roughly: its nodes, a pooled test (`pooled`) being one
// read of a truth.
size_t CodeWeight(const Expr& e, const std::unordered_set<Expr, ExprHash>& pooled) {
  size_t weight = 0;
  std::vector<const Expr*> stack{&e};
  while (!stack.empty()) {
    const Expr* x = stack.back();
    stack.pop_back();
    ++weight;
    if (pooled.count(*x)) continue;
    for (const Expr& a : x->args) stack.push_back(&a);
  }
  return weight;
}

// The CodeWeight of a part of a pack's kernel: the corpus's largest stage (DeviceProcessEvents,
// 209 filters, weight 2338) in four parts, each compiled in about the time of its next stages
// (weight 600-700); as one kernel it alone took longer to compile (2.1 CPU s, GVN and register
// allocation growing faster than its size) than the rest of the corpus's pack scans.
constexpr size_t kPartWeight = 600;

}  // namespace

size_t PackScanLayout::shared_count() const { return static_cast<size_t>(std::count(shared.begin(), shared.end(), true)); }

size_t PackScanLayout::literal_count() const {
  size_t n = 0;
  for (const LiteralPool& p : pools) n += p.literals.size();
  return n;
}

std::string PackScanLayout::Describe(const std::vector<ColumnSpec>& columns) const {
  size_t uses = 0;
  for (const auto& c : consumers) uses += c.size();
  std::string text = fmt::format("{} filters, {} conjuncts ({} distinct, {} shared), {} string tests pooled",
                                 consumers.size(), uses, conjuncts.size(), shared_count(), tests.size());
  if (pools.empty()) return text;
  text += ": literals per column";
  for (const LiteralPool& p : pools) text += fmt::format(" {} {}", columns[p.column].name, p.literals.size());
  return text;
}

PackScanLayout PlanPackScan(const std::vector<ColumnSpec>& columns, const std::vector<PackConsumer>& consumers) {
  PackScanLayout layout;
  std::unordered_map<Expr, uint32_t, ExprHash> ids;
  std::vector<size_t> users;  // per conjunct: how many consumers use it
  for (const PackConsumer& c : consumers) {
    const Expr predicate = Renumber(*c.predicate, c.positions);
    std::vector<const Expr*> terms;
    if (predicate.kind == ExprKind::Call && predicate.fn == Fn::And) {
      for (const Expr& t : predicate.args) terms.push_back(&t);
    } else {
      terms.push_back(&predicate);
    }
    std::vector<uint32_t>& mine = layout.consumers.emplace_back();
    for (const Expr* t : terms) {
      const auto id = static_cast<uint32_t>(layout.conjuncts.size());
      // A volatile conjunct (rand()) gives each use its own value: never shared.
      const auto [it, added] = HasVolatile(*t) ? std::pair{ids.end(), true} : ids.emplace(*t, id);
      if (added) {
        layout.conjuncts.push_back(*t);
        users.push_back(0);
      }
      const uint32_t k = it == ids.end() ? id : it->second;
      if (std::find(mine.begin(), mine.end(), k) == mine.end()) ++users[k];
      mine.push_back(k);
    }
  }
  for (size_t u : users) layout.shared.push_back(u > 1);

  // The poolable tests of every conjunct, by column; each distinct test once.
  std::map<size_t, std::vector<std::pair<const Expr*, std::vector<LiteralMatcher::Literal>>>> by_column;
  std::unordered_map<Expr, bool, ExprHash> seen;
  for (const Expr& conjunct : layout.conjuncts) {
    std::vector<const Expr*> stack{&conjunct};
    while (!stack.empty()) {
      const Expr* x = stack.back();
      stack.pop_back();
      if (auto test = PoolableTest(*x, columns)) {
        if (seen.emplace(*x, true).second) by_column[test->first].emplace_back(x, std::move(test->second));
        continue;
      }
      for (const Expr& a : x->args) stack.push_back(&a);
    }
  }
  for (auto& [column, tests] : by_column) {
    LiteralPool pool{column, {}};
    std::vector<PooledTest> pooled;
    for (const auto& [expr, literals] : tests) {
      PooledTest& t = pooled.emplace_back(PooledTest{layout.pools.size(), {}});
      for (const LiteralMatcher::Literal& l : literals) {
        auto at = std::find_if(pool.literals.begin(), pool.literals.end(), [&](const LiteralMatcher::Literal& p) {
          return p.text == l.text && p.mode == l.mode && p.case_sensitive == l.case_sensitive;
        });
        if (at == pool.literals.end()) at = pool.literals.insert(pool.literals.end(), l);
        t.literals.push_back(static_cast<uint32_t>(at - pool.literals.begin()));
      }
    }
    if (pool.literals.size() < 2) continue;
    for (size_t k = 0; k < tests.size(); ++k) {
      layout.pooled.push_back(*tests[k].first);
      layout.tests.push_back(std::move(pooled[k]));
    }
    layout.pools.push_back(std::move(pool));
  }

  // Parts of about equal weight, each a run of consumers (whose conjuncts the kernel generates at
  // each use, shared or not).
  const std::unordered_set<Expr, ExprHash> pooled(layout.pooled.begin(), layout.pooled.end());
  std::vector<size_t> weights(layout.conjuncts.size());
  for (size_t k = 0; k < weights.size(); ++k) weights[k] = CodeWeight(layout.conjuncts[k], pooled);
  std::vector<size_t> consumer_weights;
  size_t total = 0;
  for (const std::vector<uint32_t>& mine : layout.consumers) {
    size_t w = 1;
    for (uint32_t k : mine) w += weights[k];
    consumer_weights.push_back(w);
    total += w;
  }
  const size_t parts = std::max<size_t>(1, (total + kPartWeight / 2) / kPartWeight);
  size_t done = 0;
  for (size_t c = 0; c < consumer_weights.size(); ++c) {
    done += consumer_weights[c];
    if (layout.part_ends.size() + 1 < parts && done * parts >= total * (layout.part_ends.size() + 1)) {
      layout.part_ends.push_back(c + 1);
    }
  }
  layout.part_ends.push_back(layout.consumers.size());
  return layout;
}

void PackScanStats::Add(const PackScanStats& other) {
  batches += other.batches;
  rows += other.rows;
  shared_evaluations += other.shared_evaluations;
  literal_scans += other.literal_scans;
}

PackScan::PackScan(PackScanLayout layout, std::vector<PackPart> parts)
    : layout_(std::move(layout)), parts_(std::move(parts)) {}

std::unique_ptr<PackScan> PackScan::Create(PackScanLayout layout, std::vector<PackPart> parts, std::string& error,
                                           const MakeMatcher& make_matcher) {
  std::unique_ptr<PackScan> scan(new PackScan(std::move(layout), std::move(parts)));
  for (const LiteralPool& pool : scan->layout_.pools) {
    scan->matchers_.push_back(make_matcher ? make_matcher(pool.literals, error)
                                           : LiteralMatcher::Create(pool.literals, error));
    if (!scan->matchers_.back()) return nullptr;
  }
  scan->Init();
  return scan;
}

std::unique_ptr<PackScan> PackScan::Clone() const {
  std::unique_ptr<PackScan> scan(new PackScan(layout_, parts_));
  scan->matchers_ = matchers_;
  scan->readers_ = readers_;
  scan->Init();
  return scan;
}

void PackScan::Init() {
  pool_tests_.resize(layout_.pools.size());
  literal_tests_.resize(layout_.pools.size());
  for (size_t p = 0; p < layout_.pools.size(); ++p) literal_tests_[p].resize(layout_.pools[p].literals.size());
  for (size_t k = 0; k < layout_.tests.size(); ++k) {
    const PooledTest& t = layout_.tests[k];
    pool_tests_[t.pool].push_back(k);
    for (uint32_t id : t.literals) literal_tests_[t.pool][id].push_back(static_cast<uint32_t>(k));
  }
  truths_.resize(layout_.tests.size());
  truth_ptrs_.resize(layout_.tests.size());
  selections_.resize(layout_.consumers.size());
  selection_ptrs_.resize(layout_.consumers.size());
  counts_.resize(layout_.consumers.size());
  evaluations_.resize(layout_.shared_count());
}

void PackScan::Run(const Batch& batch, int64_t now) {
  ++stats_.batches;
  stats_.rows += batch.rows();
  // When the consumers read fewer than half the rows (Batch::readers: the other rows are other
  // readers'), the kernel runs on a copy of those alone: a rule that reads every row sharing
  // the table would otherwise have every consumer's filter run on all of them.
  const bool every = std::any_of(readers_.begin(), readers_.end(), [](uint64_t bit) { return bit == 0; });
  if (!batch.readers.empty() && !readers_.empty() && !every) {
    uint64_t ours = 0;
    for (const uint64_t bit : readers_) ours |= bit;
    rows_.clear();
    for (uint32_t row = 0; row < batch.rows(); ++row) {
      if (batch.readers[row] & ours) rows_.push_back(row);
    }
    if (rows_.size() * 2 < batch.rows()) {
      if (compact_.specs.empty()) compact_ = Batch(batch.specs);
      for (size_t c = 0; c < batch.columns.size(); ++c) {
        compact_.columns[c].Clear();
        compact_.columns[c].AppendRows(batch.columns[c], rows_.data(), rows_.size());
      }
      compact_.row_count = rows_.size();
      RunKernel(compact_, now);
      for (size_t c = 0; c < selections_.size(); ++c) {
        for (uint32_t k = 0; k < counts_[c]; ++k) selections_[c][k] = rows_[selections_[c][k]];
      }
      Narrow(batch);
      return;
    }
  }
  RunKernel(batch, now);
  Narrow(batch);
}

void PackScan::RunKernel(const Batch& batch, int64_t now) {
  const size_t n = batch.rows();
  for (size_t k = 0; k < truths_.size(); ++k) {
    truths_[k].assign(n, 0);
    truth_ptrs_[k] = truths_[k].data();
  }
  // One scan per pool over all values of its column (LiteralMatcher::MatchValues), whose hits
  // set the truths of the tests reading the literals hit. Over a dictionary-encoded column, a
  // scan of its distinct values, whose truths the rows then read by code.
  for (size_t p = 0; p < layout_.pools.size(); ++p) {
    const Column& column = batch.columns[layout_.pools[p].column];
    const ColumnView view = column.View();
    const uint8_t* codes = column.codes();
    const size_t values = codes ? column.distinct_rows().size() : n;
    stats_.literal_scans += values;
    const char* bytes = view.bytes;
    const uint32_t* offsets = view.offsets;
    if (codes) {
      // The distinct values end to end, as MatchValues takes them.
      distinct_bytes_.clear();
      distinct_offsets_.assign(1, 0);
      for (uint32_t row : column.distinct_rows()) {
        distinct_bytes_.append(column.StringAt(row));
        distinct_offsets_.push_back(static_cast<uint32_t>(distinct_bytes_.size()));
      }
      bytes = distinct_bytes_.data();
      offsets = distinct_offsets_.data();
    }
    hits_.clear();
    matchers_[p]->MatchValues(bytes, offsets, values, hits_);
    for (const LiteralMatcher::ValueHit& hit : hits_) {
      for (uint32_t k : literal_tests_[p][hit.id]) truths_[k][hit.value] = 1;
    }
    if (!codes) continue;
    for (size_t k : pool_tests_[p]) {
      by_value_.assign(truths_[k].begin(), truths_[k].begin() + static_cast<std::ptrdiff_t>(values));
      for (size_t row = 0; row < n; ++row) truths_[k][row] = by_value_[codes[row]];
    }
  }
  for (size_t c = 0; c < selections_.size(); ++c) {
    selections_[c].resize(n);
    selection_ptrs_[c] = selections_[c].data();
  }
  views_.clear();
  for (const Column& c : batch.columns) views_.push_back(c.View());
  for (const PackPart& part : parts_) {
    const KernelContext context{now, part.objects};
    part.kernel(views_.data(), static_cast<uint32_t>(n), &context, truth_ptrs_.data(), selection_ptrs_.data(),
                counts_.data(), evaluations_.data());
  }
}

void PackScan::Narrow(const Batch& batch) {
  // A row read for other consumers only may lack this one's columns (null): its filter, false on
  // such a row's line, must not see it.
  for (size_t c = 0; c < readers_.size() && !batch.readers.empty(); ++c) {
    if (!readers_[c]) continue;
    uint32_t* selection = selections_[c].data();
    uint32_t kept = 0;
    for (uint32_t k = 0; k < counts_[c]; ++k) {
      selection[kept] = selection[k];
      kept += (batch.readers[selection[k]] & readers_[c]) != 0;
    }
    counts_[c] = kept;
  }
}

PackScanStats PackScan::stats() const {
  PackScanStats s = stats_;
  for (uint64_t e : evaluations_) s.shared_evaluations += e;
  return s;
}

}  // namespace huntc::exec
