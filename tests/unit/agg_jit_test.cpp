// Compiled summarize: the group table and its helpers on their own, and the JIT's aggregation
// kernels against the interpreter's operator over generated batches with nulls, for every
// aggregate and key type the kernels take, over plain and dictionary-encoded batches, make_set and
// make_list of dynamic values; partial tables (as threads would fill) merged against one pass; a
// lone string key of a few to a few thousand values a batch (dictionary codes, the key cache);
// make_set/make_list at their caps through each form of their state; a where right above the
// summarize (its narrow rows tested first) and the result rows of some columns or groups; records
// of packed keys and states in whole pairs of cache lines; interned strings of every length found
// again by their words.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "compiler/jit/jit.h"
#include "runtime/exec/agg_table.h"
#include "runtime/exec/aggregate.h"
#include "runtime/exec/partial_summary.h"
#include "runtime/exec/rows.h"
#include "tests/unit/interp_util.h"

using namespace huntc;
using namespace huntc::exec;
using namespace huntc::exec::testing;

namespace {

// The columns of the generated batches.
enum Field { kB, kI, kL, kR, kS, kT, kTs, kMany };
const std::vector<ColumnSpec> kSchema = {{"b", Type::Bool},     {"i", Type::Int},      {"l", Type::Long},
                                         {"r", Type::Real},     {"s", Type::String},   {"t", Type::DateTime},
                                         {"ts", Type::TimeSpan}, {"many", Type::String}};

const char* const kWords[] = {"",       "alpha",   "Alpha", "beta", "gamma", "delta\t", "quote\"d",
                              "back\\", "ünïcode", "cmd.exe", "powershell.exe", "x", "y", "z"};

// `rows` rows with about one null in eight; `seed` picks the values. With `dictionary`, the
// string columns are dictionary-encoded as the reader's are (s stays so; many, of more distinct
// values than a dictionary holds, drops its codes).
Batch Generate(size_t rows, uint32_t seed, bool dictionary = false) {
  std::mt19937 rng(seed);
  const auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint32_t>(n)); };
  Batch b(kSchema);
  if (dictionary) {
    b.columns[kS].EnableDictionary();
    b.columns[kMany].EnableDictionary();
  }
  for (size_t r = 0; r < rows; ++r) {
    const auto null = [&] { return pick(8) == 0; };
    if (null()) b.columns[kB].AppendNull(); else b.columns[kB].AppendBool(pick(2) == 0);
    if (null()) b.columns[kI].AppendNull(); else b.columns[kI].AppendInt(pick(21) - 10);
    if (null()) b.columns[kL].AppendNull(); else b.columns[kL].AppendLong(int64_t{pick(2000)} - 1000 + (int64_t{pick(3)} << 40));
    if (null()) {
      b.columns[kR].AppendNull();
    } else {
      const int k = pick(40);
      // Halves are exact in sums, so split and whole sums agree; -0.0 and NaN as keys and values.
      b.columns[kR].AppendReal(k == 0 ? -0.0 : k == 1 ? std::nan("") : (pick(200) - 100) * 0.5);
    }
    b.columns[kS].AppendString(kWords[pick(std::size(kWords))]);
    if (null()) b.columns[kT].AppendNull(); else b.columns[kT].AppendLong(*ParseDateTime("2026-11-01") + pick(10) * kHour);
    if (null()) b.columns[kTs].AppendNull(); else b.columns[kTs].AppendLong(int64_t{pick(7) - 3} * kHour);
    b.columns[kMany].AppendString(fmt::format("v{}", pick(3000)));
  }
  return b;
}

AggregateSpec Agg(AggKind kind, std::vector<Expr> args, int64_t limit = 1048576) {
  AggregateSpec spec;
  spec.kind = kind;
  spec.args = std::move(args);
  spec.limit = limit;
  spec.names = {"a"};
  return spec;
}

// Every aggregate the kernels take, over every type it takes. With `exact`, only those whose
// value does not depend on the order of the rows: no real sums of values that round.
std::vector<AggregateSpec> AllAggregates(bool exact = false) {
  const Expr b = Col(kB, Type::Bool), i = Col(kI, Type::Int), l = Col(kL, Type::Long), r = Col(kR, Type::Real),
             s = Col(kS, Type::String), t = Col(kT, Type::DateTime), ts = Col(kTs, Type::TimeSpan),
             many = Col(kMany, Type::String);
  std::vector<AggregateSpec> aggs = {
      Agg(AggKind::Count, {}), Agg(AggKind::CountIf, {b}),
      Agg(AggKind::Sum, {i}), Agg(AggKind::Sum, {l}), Agg(AggKind::Sum, {r}), Agg(AggKind::Sum, {b}),
      Agg(AggKind::Sum, {ts}), Agg(AggKind::SumIf, {l, b}), Agg(AggKind::SumIf, {r, b}),
      Agg(AggKind::Avg, {i}), Agg(AggKind::Avg, {r}), Agg(AggKind::Avg, {ts}), Agg(AggKind::AvgIf, {i, b}),
      Agg(AggKind::TakeAny, {l}), Agg(AggKind::TakeAny, {r}), Agg(AggKind::TakeAny, {s}),
      Agg(AggKind::DCount, {s}), Agg(AggKind::DCount, {l}), Agg(AggKind::DCount, {r}), Agg(AggKind::DCount, {i}),
      Agg(AggKind::DCount, {t}), Agg(AggKind::DCount, {many}), Agg(AggKind::DCountIf, {many, b}),
      Agg(AggKind::MakeSet, {s}), Agg(AggKind::MakeSet, {s}, 3), Agg(AggKind::MakeSet, {i}), Agg(AggKind::MakeSet, {t}),
      Agg(AggKind::MakeSet, {many}, 40), Agg(AggKind::MakeSet, {b}), Agg(AggKind::MakeSetIf, {s, b}, 4),
      Agg(AggKind::MakeList, {s}, 5), Agg(AggKind::MakeList, {r}, 7), Agg(AggKind::MakeList, {ts}, 6),
      Agg(AggKind::MakeListIf, {l, b}, 9),
  };
  for (const Expr& v : {b, i, l, r, s, t, ts}) {
    for (AggKind k : {AggKind::Min, AggKind::Max}) aggs.push_back(Agg(k, {v}));
    for (AggKind k : {AggKind::MinIf, AggKind::MaxIf}) aggs.push_back(Agg(k, {v, b}));
  }
  // arg_max/arg_min with the row's other columns, of every type.
  const auto arg = [&](AggKind kind, const Expr& v) {
    AggregateSpec spec = Agg(kind, {v});
    spec.outputs = {s, t, r, b, i, many};
    return spec;
  };
  for (const Expr& v : {l, s, i, t, b}) {
    aggs.push_back(arg(AggKind::ArgMax, v));
    aggs.push_back(arg(AggKind::ArgMin, v));
  }
  if (!exact) {
    // Sums of datetimes (as reals) and of large longs as reals round, and so do the sample
    // statistics' means and squares.
    aggs.push_back(Agg(AggKind::Sum, {t}));
    aggs.push_back(Agg(AggKind::AvgIf, {l, b}));
    for (const Expr& v : {i, l, r, ts}) {
      aggs.push_back(Agg(AggKind::Stdev, {v}));
      aggs.push_back(Agg(AggKind::Variance, {v}));
    }
    aggs.push_back(Agg(AggKind::StdevIf, {r, b}));
    aggs.push_back(Agg(AggKind::VarianceIf, {i, b}));
    // A group whose first row's value is NaN keeps it (as the interpreter does); a merge
    // offering a later part's NaN row differs from one pass.
    aggs.push_back(arg(AggKind::ArgMax, r));
    aggs.push_back(arg(AggKind::ArgMin, r));
  }
  for (size_t k = 0; k < aggs.size(); ++k) {
    aggs[k].names = {fmt::format("a{}", k)};
    for (size_t o = 0; o < aggs[k].outputs.size(); ++o) aggs[k].names.push_back(fmt::format("a{}_{}", k, o));
  }
  return aggs;
}

PlanPtr SummarizePlan(std::vector<NamedExpr> keys, std::vector<AggregateSpec> aggs) {
  return Aggregate(Scan("T", kSchema), std::move(keys), std::move(aggs));
}

// The plan's result over the batches, rendered and sorted (summarize defines no order).
std::vector<std::string> Run(const PlanNode& plan, const std::vector<Batch>& batches) {
  CollectSink sink(plan.schema);
  Execution run(plan, 0, sink);
  for (const Batch& b : batches) run.Push(0, b);
  run.Finish(0);
  return Rows(sink.result(), /*sorted=*/true);
}

struct Compiled {
  KernelObjects objects;
  AggregateKernel kernel = nullptr;
};

// Compiles the plan's Aggregate and installs the kernel; the objects live in `out`.
void Install(PlanNode& plan, Jit& jit, Compiled& out) {
  auto* node = plan.As<AggregateNode>();
  std::string error;
  out.kernel = jit.CompileAggregate(*node, out.objects, nullptr, error);
  INFO(error);
  REQUIRE(out.kernel);
  node->kernel = out.kernel;
  node->kernel_objects = out.objects.table.data();
}

// Fills `table` by the kernel from the batches, as the operator does.
void Fill(AggregateKernel kernel, const Compiled& c, const std::vector<Batch>& batches, AggTable& table) {
  for (const Batch& b : batches) {
    std::vector<ColumnView> views;
    for (const Column& col : b.columns) views.push_back(col.View());
    std::vector<uint32_t> sel(b.rows());
    for (size_t r = 0; r < sel.size(); ++r) sel[r] = static_cast<uint32_t>(r);
    const KernelContext context{0, c.objects.table.data()};
    kernel(views.data(), static_cast<uint32_t>(sel.size()), sel.data(), &context, &table);
  }
}

// The layout of a summarize the kernels take.
AggLayout LayoutOf(const AggregateNode& node) {
  AggLayout layout;
  std::string why;
  const bool ok = AggLayout::Of(node, layout, why);
  INFO(why);
  REQUIRE(ok);
  return layout;
}

std::unique_ptr<Jit> MakeJit() {
  std::string error;
  auto jit = Jit::Create(error);
  INFO(error);
  REQUIRE(jit);
  return jit;
}

}  // namespace

TEST_CASE("agg table: dcount's hashes of raw values are those of its encoded keys", "[aggregate][jit]") {
  Column c(Type::Long), r(Type::Real), s(Type::String);
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{1} << 50}) c.AppendLong(v);
  for (double v : {0.0, -0.0, 1.5, -1e300}) r.AppendReal(v);
  for (const char* v : {"", "a", "cmd.exe"}) s.AppendString(v);
  const auto encoded = [](const Column& col, size_t row) {
    std::string key;
    EncodeKey(col, row, key);
    return Hash64(key);
  };
  for (size_t k = 0; k < c.size(); ++k) CHECK(HashKeyInteger(c.LongAt(k)) == encoded(c, k));
  for (size_t k = 0; k < r.size(); ++k) CHECK(HashKeyReal(r.RealAt(k)) == encoded(r, k));
  for (size_t k = 0; k < s.size(); ++k) CHECK(HashKeyString(s.StringAt(k)) == encoded(s, k));
  CHECK(HashKeyReal(-0.0) == HashKeyReal(0.0));
}

TEST_CASE("agg table: distinct counters merged give one pass's estimate", "[aggregate]") {
  // Around the counter's inline values (4), its exact set (1000) and beyond, into registers.
  for (size_t n : {size_t{3}, size_t{5}, size_t{6}, size_t{10}, size_t{900}, size_t{1500}, size_t{50000}}) {
    DistinctCounter whole, left, right;
    for (size_t k = 0; k < n; ++k) {
      const uint64_t h = HashKeyInteger(static_cast<int64_t>(k % (n * 3 / 4 + 1)));
      whole.Add(h);
      (k % 3 == 0 ? left : right).Add(h);
    }
    left.Merge(right);
    CHECK(left.Estimate() == whole.Estimate());
  }
}

TEST_CASE("agg table: dcount of strings counts as the interpreter's through each of its forms", "[aggregate]") {
  // summarize dcount(s) by l, driven by hand: group 0 takes 3000 distinct strings first (their ids
  // then fill the table's interned strings), group -1 100 of them (dense ids), group n then n
  // strings of its own and n/2 of group 0's, whose ids are too sparse for a bitmap past a few. Each count must be
  // that of a DistinctCounter fed the strings' hashes (the interpreter's), split tables merged too.
  auto plan = SummarizePlan({{"l", Col(kL, Type::Long)}}, {Agg(AggKind::DCount, {Col(kS, Type::String)})});
  auto& node = *plan->As<AggregateNode>();
  node.aggregates[0].names = {"d"};
  AggLayout layout = LayoutOf(node);
  const std::vector<int64_t> sizes = {3, 6, 7, 40, 1000, 1001, 2500};
  std::vector<std::pair<int64_t, std::string>> rows;
  for (int k = 0; k < 3000; ++k) rows.emplace_back(0, fmt::format("f{}", k));
  for (int k = 0; k < 100; ++k) rows.emplace_back(-1, fmt::format("f{}", k * 7 % 100));  // dense ids: a bitmap
  for (int64_t n : sizes) {
    for (int64_t k = 0; k < n; ++k) rows.emplace_back(n, fmt::format("g{}-{}", n, k));
    for (int64_t k = 0; k < n; k += 2) rows.emplace_back(n, fmt::format("f{}", k));  // some seen in group 0
  }
  // Group -2: a few strings again and again (a group's first values are found by their bytes, not
  // interned again), alike but for one byte at the start, middle or end, and an empty one: more
  // of them than are compared so.
  const std::vector<std::string> alike = {"wks-1.contoso.local", "wks-1.contoso.locaL", "Wks-1.contoso.local",
                                          "wks-1.contoSo.local", ""};
  for (int pass = 0; pass < 3; ++pass) {
    for (const std::string& v : alike) rows.emplace_back(-2, v);
  }
  const auto fill = [&](AggTable& table, size_t from, size_t step) {
    for (size_t r = from; r < rows.size(); r += step) {
      const int64_t values[] = {rows[r].first};
      const uint8_t valid[] = {1};
      uint8_t* state = huntc_agg_group(&table, HashKeyInteger(rows[r].first), values, nullptr, valid);
      const std::string& v = rows[r].second;
      huntc_agg_dcount_str(&table, state + layout.slots[0].offset, v.data(), static_cast<uint32_t>(v.size()));
    }
  };
  std::map<int64_t, DistinctCounter> expected;
  for (const auto& [l, v] : rows) expected[l].Add(HashKeyString(v));
  AggTable whole(node, layout), left(node, layout), right(node, layout);
  fill(whole, 0, 1);
  fill(left, 0, 3);
  fill(right, 1, 3);
  fill(right, 2, 3);
  left.Merge(right);
  for (AggTable* table : {&whole, &left}) {
    const Batch result = table->Result();
    REQUIRE(result.rows() == expected.size());
    for (size_t g = 0; g < result.rows(); ++g) {
      const int64_t l = result.columns[0].LongAt(g);
      INFO("group " << l);
      CHECK(result.columns[1].LongAt(g) == expected[l].Estimate());
    }
  }
  CHECK(expected[1001].Estimate() != 1001 + 501);  // past 1000 the registers estimate
  CHECK(expected[-2].Estimate() == 5);

  // Past 64 MiB of interned strings (70,000 distinct 1,000-byte strings, two a group), counters
  // take hashes: the counts stay the same.
  AggTable big(node, layout);
  std::map<int64_t, DistinctCounter> big_expected;
  std::string v(1000, 'x');
  for (int k = 0; k < 70'000; ++k) {
    const std::string tag = fmt::format("{}", k);
    v.replace(0, tag.size(), tag);
    const int64_t values[] = {k / 2};
    const uint8_t valid[] = {1};
    uint8_t* state = huntc_agg_group(&big, HashKeyInteger(k / 2), values, nullptr, valid);
    huntc_agg_dcount_str(&big, state + layout.slots[0].offset, v.data(), static_cast<uint32_t>(v.size()));
    big_expected[k / 2].Add(HashKeyString(v));
  }
  CHECK(big.interned_bytes() < (size_t{65} << 20));
  const Batch big_result = big.Result();
  bool same = big_result.rows() == big_expected.size();
  for (size_t g = 0; g < big_result.rows() && same; ++g) {
    same = big_result.columns[1].LongAt(g) == big_expected[big_result.columns[0].LongAt(g)].Estimate();
  }
  CHECK(same);
}

TEST_CASE("agg table: make_set and make_list keep their first values to their caps through each form", "[aggregate]") {
  // summarize make_set(s, cap), make_list(s, cap) by l, driven by hand: group n gets n distinct
  // strings (an empty one among them), each twice in a row, then the first again. Sizes and caps
  // around the values kept in the state (3), its array's growth (8, 18, 38) and the hash set of a
  // set past 16 values; the results are the first distinct values (set) and the first values
  // (list) up to the cap, in order, for one table and for split ones merged.
  for (int64_t cap : {int64_t{1}, int64_t{3}, int64_t{4}, int64_t{10}, int64_t{17}, int64_t{40}, int64_t{1000}}) {
    INFO("cap " << cap);
    auto plan = SummarizePlan({{"l", Col(kL, Type::Long)}}, {Agg(AggKind::MakeSet, {Col(kS, Type::String)}, cap),
                                                             Agg(AggKind::MakeList, {Col(kS, Type::String)}, cap)});
    auto& node = *plan->As<AggregateNode>();
    node.aggregates[0].names = {"set"};
    node.aggregates[1].names = {"list"};
    AggLayout layout = LayoutOf(node);
    std::vector<std::pair<int64_t, std::string>> rows;
    std::map<int64_t, std::vector<std::string>> sets, lists;
    for (int64_t n : {1, 2, 3, 4, 5, 9, 10, 11, 17, 18, 19, 40, 100}) {
      for (int64_t k = 0; k <= n; ++k) {
        const std::string v = k == n ? "" : fmt::format("v{}-{}", n, k);  // one empty string
        for (int twice = 0; twice < 2; ++twice) rows.emplace_back(n, v);
      }
      rows.emplace_back(n, fmt::format("v{}-0", n));
    }
    for (const auto& [l, v] : rows) {
      std::vector<std::string>& set = sets[l];
      if (static_cast<int64_t>(set.size()) < cap && std::find(set.begin(), set.end(), v) == set.end()) set.push_back(v);
      if (static_cast<int64_t>(lists[l].size()) < cap) lists[l].push_back(v);
    }
    const auto fill = [&](AggTable& table, size_t from, size_t to) {
      for (size_t r = from; r < to; ++r) {
        const int64_t values[] = {rows[r].first};
        const uint8_t valid[] = {1};
        uint8_t* state = huntc_agg_group(&table, HashKeyInteger(rows[r].first), values, nullptr, valid);
        const std::string& v = rows[r].second;
        const auto n = static_cast<uint32_t>(v.size());
        huntc_agg_list_str(&table, state + layout.slots[0].offset, v.data(), n, cap, 1);
        huntc_agg_list_str(&table, state + layout.slots[1].offset, v.data(), n, cap, 0);
      }
    };
    AggTable whole(node, layout), left(node, layout), right(node, layout);
    fill(whole, 0, rows.size());
    fill(left, 0, rows.size() / 3);  // a split inside groups: the merge adds the right's after the left's
    fill(right, rows.size() / 3, rows.size());
    left.Merge(right);
    const auto json = [](const std::vector<std::string>& values) {
      std::vector<std::string> quoted;
      for (const std::string& v : values) quoted.push_back(fmt::format("\"{}\"", v));
      return fmt::format("[{}]", fmt::join(quoted, ","));
    };
    for (AggTable* table : {&whole, &left}) {
      const Batch result = table->Result();
      REQUIRE(result.rows() == sets.size());
      for (size_t g = 0; g < result.rows(); ++g) {
        const int64_t l = result.columns[0].LongAt(g);
        INFO("group " << l);
        CHECK(result.columns[1].StringAt(g) == json(sets[l]));
        CHECK(result.columns[2].StringAt(g) == json(lists[l]));
      }
    }
  }
}

TEST_CASE("agg table: groups, states and helpers without the JIT", "[aggregate]") {
  // summarize count(), make_set(s, 2), dcount(s), max(s) by l, s, driven by hand as a kernel would.
  auto plan = SummarizePlan({{"l", Col(kL, Type::Long)}, {"s", Col(kS, Type::String)}},
                            {Agg(AggKind::Count, {}), Agg(AggKind::MakeSet, {Col(kS, Type::String)}, 2),
                             Agg(AggKind::DCount, {Col(kS, Type::String)}), Agg(AggKind::Max, {Col(kS, Type::String)})});
  auto& node = *plan->As<AggregateNode>();
  for (size_t k = 0; k < node.aggregates.size(); ++k) node.aggregates[k].names = {fmt::format("a{}", k)};
  AggLayout layout = LayoutOf(node);
  AggTable table(node, layout);
  const auto add = [&](int64_t l, bool l_valid, std::string_view s) {
    const int64_t values[] = {l, static_cast<int64_t>(s.size())};
    const char* bytes[] = {nullptr, s.data()};
    const uint8_t valid[] = {l_valid, 1};
    const uint64_t hash = HashKeyInteger(l_valid ? l : 7) ^ HashKeyString(s);
    uint8_t* state = huntc_agg_group(&table, hash, values, bytes, valid);
    auto* count = reinterpret_cast<int64_t*>(state + layout.slots[0].offset);
    ++*count;
    huntc_agg_list_str(&table, state + layout.slots[1].offset, s.data(), static_cast<uint32_t>(s.size()), 2, 1);
    huntc_agg_dcount_str(&table, state + layout.slots[2].offset, s.data(), static_cast<uint32_t>(s.size()));
    huntc_agg_pick_str(state + layout.slots[3].offset, s.data(), static_cast<uint32_t>(s.size()), 2);
  };
  add(1, true, "a");
  add(1, true, "a");
  add(1, false, "a");  // a null key is a group of its own
  add(0, false, "a");  // ... whatever the value bytes hold
  add(2, true, "");
  CHECK(table.groups() == 3);
  CHECK(Rows(table.Result(), true) == std::vector<std::string>{R"(1 | "a" | 2 | ["a"] | 1 | "a")",
                                                              R"(2 | "" | 1 | [""] | 1 | "")",
                                                              R"(null | "a" | 2 | ["a"] | 1 | "a")"});
  // Many groups: the index grows past a million keys, every group stays findable.
  AggTable many(node, layout);
  const std::string_view s = "k";
  for (int pass = 0; pass < 2; ++pass) {
    for (int64_t l = 0; l < 1'200'000; ++l) {
      const int64_t values[] = {l, 1};
      const char* bytes[] = {nullptr, s.data()};
      const uint8_t valid[] = {1, 1};
      uint8_t* state = huntc_agg_group(&many, HashKeyInteger(l), values, bytes, valid);
      ++*reinterpret_cast<int64_t*>(state + layout.slots[0].offset);
    }
  }
  CHECK(many.groups() == 1'200'000);
  const Batch result = many.Result();
  bool all_twice = true;
  for (size_t g = 0; g < result.rows(); ++g) all_twice &= result.columns[2].LongAt(g) == 2;
  CHECK(all_twice);
}

TEST_CASE("agg table: records of two lines, many groups, nulls and merged partials", "[aggregate]") {
  // Hunt b's layout, count(), dcount(d), make_set(p, 3) by s, l: 32 bytes of packed keys and 96 of
  // states, each record one pair of cache lines. Keys: addresses kept whole in the record, longer
  // ones (past 16 bytes) kept apart, empty and null strings, null numbers; each group sees up to
  // 13 devices (its dcount past the ids it keeps inline) and 5 processes (its set at its cap). Two
  // tables fed alternate halves and merged give what one table fed all rows does, and every
  // group's counts are the rows'.
  auto plan = SummarizePlan({{"s", Col(kS, Type::String)}, {"l", Col(kL, Type::Long)}},
                            {Agg(AggKind::Count, {}), Agg(AggKind::DCount, {Col(kMany, Type::String)}),
                             Agg(AggKind::MakeSet, {Col(kS, Type::String)}, 3)});
  auto& node = *plan->As<AggregateNode>();
  for (size_t k = 0; k < node.aggregates.size(); ++k) node.aggregates[k].names = {fmt::format("a{}", k)};
  AggLayout layout = LayoutOf(node);
  REQUIRE(layout.state_bytes == 96);
  constexpr size_t kKeys = 32;
  AggTable one(node, layout), first(node, layout), second(node, layout);
  bool aligned = true;
  // Per group of `one`, in order of first sight (the results' order): its keys (a null string as
  // a null; results show it as an empty string) and devices.
  using GroupKey = std::tuple<bool, std::string, int64_t>;
  std::vector<GroupKey> order;
  std::map<GroupKey, std::set<std::string>> devices;
  const auto add = [&](AggTable& table, int64_t row) {
    std::string s = fmt::format("10.0.{}.{}", row % 7, row % 3000);
    if (row % 13 == 0) s = fmt::format("fe80::1ff:fe23:{}:{}", row % 7, row % 3000);  // past 16 bytes
    if (row % 17 == 0) s.clear();
    const bool s_valid = row % 19 != 0;
    const int64_t l = row % 5;
    const bool l_valid = row % 11 != 0;
    const std::string device = fmt::format("device-{}.contoso.local", row % 61 % 13);
    const std::string process = fmt::format("p{}.exe", row % 5);
    const int64_t values[] = {s_valid ? static_cast<int64_t>(s.size()) : 0, l_valid ? l : 0};
    const char* bytes[] = {s_valid ? s.data() : nullptr, nullptr};
    const uint8_t valid[] = {s_valid, l_valid};
    const uint64_t hash = (s_valid ? HashKeyString(s) : 5) ^ (l_valid ? HashKeyInteger(l) : 7);
    uint8_t* state = huntc_agg_group(&table, hash, values, bytes, valid);
    aligned &= (reinterpret_cast<uintptr_t>(state) - kKeys) % 128 == 0;
    ++*reinterpret_cast<int64_t*>(state + layout.slots[0].offset);
    huntc_agg_dcount_str(&table, state + layout.slots[1].offset, device.data(), static_cast<uint32_t>(device.size()));
    huntc_agg_list_str(&table, state + layout.slots[2].offset, process.data(), static_cast<uint32_t>(process.size()),
                       3, 1);
    if (&table != &one) return;
    const GroupKey key{s_valid, s_valid ? s : "", l_valid ? l : -1};
    if (devices.count(key) == 0) order.push_back(key);
    devices[key].insert(device);
  };
  constexpr int64_t kRows = 60'000;
  for (int64_t row = 0; row < kRows; ++row) {
    add(one, row);
    add(row < kRows / 2 ? first : second, row);
  }
  first.Merge(second);
  CHECK(aligned);
  REQUIRE(one.groups() == order.size());
  CHECK(one.groups() == first.groups());
  const Batch merged = first.Result();
  CHECK(Rows(merged) == Rows(one.Result()));
  int64_t rows = 0;
  size_t empty = 0, long_keys = 0, null_keys = 0, many_devices = 0;
  bool counted = true;
  for (size_t g = 0; g < merged.rows(); ++g) {
    const auto& [s_valid, s, l] = order[g];
    empty += s_valid && s.empty();
    long_keys += s.size() > 16;
    null_keys += !s_valid;
    const size_t distinct = devices[order[g]].size();
    many_devices += distinct > 6;
    counted &= merged.columns[0].StringAt(g) == s;
    counted &= l < 0 ? merged.columns[1].IsNull(g) : merged.columns[1].LongAt(g) == l;
    counted &= merged.columns[3].LongAt(g) == static_cast<int64_t>(distinct);
    rows += merged.columns[2].LongAt(g);
  }
  CHECK(rows == kRows);
  CHECK(counted);
  CHECK(empty > 0);
  CHECK(long_keys > 0);
  CHECK(null_keys > 0);
  CHECK(many_devices > 0);
}

TEST_CASE("agg table: interned strings of every length keep one id each, through slots taken over", "[aggregate]") {
  auto plan = SummarizePlan({{"l", Col(kL, Type::Long)}}, {Agg(AggKind::DCount, {Col(kS, Type::String)})});
  auto& node = *plan->As<AggregateNode>();
  node.aggregates[0].names = {"a0"};
  AggLayout layout = LayoutOf(node);
  AggTable table(node, layout);
  // Strings of 0 to 40 bytes (short ones found by their words, longer ones by their hash), each
  // also with one byte changed at every position, so that any byte the words left out would make
  // two strings one; names alike but for a few digits; then more strings than the table's slots,
  // so that slots change hands, and all of them again: each keeps the id it got first.
  std::vector<std::string> texts;
  for (size_t n = 0; n <= 40; ++n) {
    std::string base(n, 'a');
    for (size_t i = 0; i < n; ++i) base[i] = static_cast<char>('a' + i % 26);
    texts.push_back(base);
    for (size_t i = 0; i < n; ++i) {
      std::string changed = base;
      changed[i] = '#';
      texts.push_back(changed);
    }
  }
  for (int d = 0; d < 20'000; ++d) texts.push_back(fmt::format("wks-{}.contoso.local", d));
  std::map<std::string, int64_t> ids;
  for (int pass = 0; pass < 2; ++pass) {
    for (const std::string& t : texts) {
      const int64_t id = table.Intern(t.data(), static_cast<uint32_t>(t.size()));
      const auto [at, added] = ids.emplace(t, id);
      if (at->second != id) FAIL(fmt::format("\"{}\": id {}, then {}", t, at->second, id));
    }
  }
  std::set<int64_t> distinct;
  bool texts_kept = true;
  for (const auto& [t, id] : ids) {
    distinct.insert(id);
    texts_kept &= table.Interned(id) == t;
  }
  CHECK(distinct.size() == ids.size());
  CHECK(texts_kept);
}

TEST_CASE("agg kernels: the JIT's summarize equals the interpreter's", "[aggregate][jit]") {
  auto jit = MakeJit();
  const std::vector<Batch> batches = {Generate(3000, 1), Generate(5000, 2), Generate(1, 3), Generate(2000, 4)};
  const std::vector<std::vector<NamedExpr>> key_sets = {
      {},
      {{"s", Col(kS, Type::String)}},
      {{"l", Col(kL, Type::Long)}},
      {{"i", Col(kI, Type::Int)}, {"b", Col(kB, Type::Bool)}},
      {{"r", Col(kR, Type::Real)}},
      {{"t", Col(kT, Type::DateTime)}, {"s", Col(kS, Type::String)}},
      {{"ts", Col(kTs, Type::TimeSpan)}, {"p", F(Fn::Add, Type::Long, {Col(kL, Type::Long), Lng(1)})}},
      // Strings before fixed-width keys (hunt b's RemoteIP, RemotePort), which the table compares
      // first: nulls, empty strings, -0.0 and 0.0 as one key, thousands of groups.
      {{"s", Col(kS, Type::String)}, {"i", Col(kI, Type::Int)}},
      {{"many", Col(kMany, Type::String)}, {"r", Col(kR, Type::Real)}, {"b", Col(kB, Type::Bool)}},
  };
  for (const auto& keys : key_sets) {
    std::string key_names;
    for (const NamedExpr& k : keys) key_names += k.name + " ";
    INFO("by " << key_names);
    auto reference = SummarizePlan(keys, AllAggregates());
    auto compiled = SummarizePlan(keys, AllAggregates());
    Compiled c;
    Install(*compiled, *jit, c);
    const auto expected = Run(*reference, batches);
    CHECK(expected.size() > (keys.empty() ? 0u : 1u));
    CHECK(Run(*compiled, batches) == expected);
    // No rows: no groups, or without keys one row of empty states.
    const std::vector<Batch> none;
    CHECK(Run(*compiled, none) == Run(*reference, none));
    CHECK(Run(*compiled, none).size() == (keys.empty() ? 1u : 0u));

    // Partial tables of split input merged: as one pass, groups in the same order.
    auto exact = SummarizePlan(keys, AllAggregates(/*exact=*/true));
    Compiled e;
    Install(*exact, *jit, e);
    const auto& node = *exact->As<AggregateNode>();
    AggLayout layout = LayoutOf(node);
    AggTable whole(node, layout), left(node, layout), right(node, layout);
    Fill(e.kernel, e, batches, whole);
    Fill(e.kernel, e, {batches[0], batches[1]}, left);
    Fill(e.kernel, e, {batches[2], batches[3]}, right);
    left.Merge(right);
    CHECK(Rows(left.Result()) == Rows(whole.Result()));
  }
}

TEST_CASE("agg kernels: a where right above the summarize tests narrow rows, then makes those it keeps", "[aggregate][jit]") {
  auto jit = MakeJit();
  const std::vector<Batch> batches = {Generate(3000, 1), Generate(5000, 2), Generate(1, 3), Generate(2000, 4)};
  const Expr count_of_one_key = Col(1, Type::Long);  // a0, count(), after one key
  struct Case {
    std::vector<NamedExpr> keys;
    Expr where;
  };
  const std::vector<Case> cases = {
      {{{"s", Col(kS, Type::String)}}, F(Fn::Gt, Type::Bool, {count_of_one_key, Lng(700)})},
      {{{"l", Col(kL, Type::Long)}}, F(Fn::Gt, Type::Bool, {count_of_one_key, Lng(1)})},
      // A key and an aggregate read; the other key and aggregates are made only for the rows kept.
      {{{"t", Col(kT, Type::DateTime)}, {"s", Col(kS, Type::String)}},
       F(Fn::Or, Type::Bool, {F(Fn::Gt, Type::Bool, {Col(2, Type::Long), Lng(70)}),
                              F(Fn::Eq, Type::Bool, {Col(1, Type::String), Str("alpha")})})},
  };
  for (const Case& c : cases) {
    INFO("where " << c.where.ToString());
    auto reference = Filter(SummarizePlan(c.keys, AllAggregates()), c.where);
    auto compiled = Filter(SummarizePlan(c.keys, AllAggregates()), c.where);
    Compiled k;
    Install(*compiled->inputs[0], *jit, k);
    const auto expected = Run(*reference, batches);
    // The where keeps some groups and drops others.
    CHECK(!expected.empty());
    CHECK(expected.size() < Run(*reference->inputs[0], batches).size());
    CHECK(Run(*compiled, batches) == expected);
  }
}

TEST_CASE("agg table: result rows of some columns, or of some groups in a given order", "[aggregate][jit]") {
  auto jit = MakeJit();
  const std::vector<NamedExpr> keys = {{"t", Col(kT, Type::DateTime)}, {"s", Col(kS, Type::String)}};
  auto plan = SummarizePlan(keys, AllAggregates());
  Compiled c;
  Install(*plan, *jit, c);
  const auto& node = *plan->As<AggregateNode>();
  AggLayout layout = LayoutOf(node);
  AggTable table(node, layout);
  Fill(c.kernel, c, {Generate(3000, 1)}, table);
  REQUIRE(table.groups() > 3);
  const Batch all = table.Result();
  // Only key s and the count filled; the rest left empty.
  std::vector<bool> read(node.schema.size(), false);
  read[1] = read[2] = true;
  const Batch narrow = table.Result(&read);
  CHECK(narrow.row_count == table.groups());
  for (size_t col = 0; col < narrow.columns.size(); ++col) {
    INFO("column " << col);
    if (!read[col]) {
      CHECK(narrow.columns[col].size() == 0);
      continue;
    }
    REQUIRE(narrow.columns[col].size() == table.groups());
    for (size_t g = 0; g < table.groups(); ++g) CHECK(Render(narrow.columns[col], g) == Render(all.columns[col], g));
  }
  // Groups 3 and 0, in that order: their rows of the whole result.
  const std::vector<uint32_t> some = {3, 0};
  const std::vector<std::string> rows = Rows(all), picked = Rows(table.Result(nullptr, &some));
  REQUIRE(picked.size() == 2);
  CHECK(picked[0] == rows[3]);
  CHECK(picked[1] == rows[0]);
}

// The result rows of the kernel filling one table from all batches, and of partial tables each
// filled from a run of them (some empty) merged in order, as threads' partials are.
std::pair<std::vector<std::string>, std::vector<std::string>> WholeAndMerged(
    const AggregateNode& node, const Compiled& c, const std::vector<Batch>& batches, size_t parts) {
  AggLayout layout = LayoutOf(node);
  AggTable whole(node, layout);
  Fill(c.kernel, c, batches, whole);
  std::vector<std::unique_ptr<AggTable>> partials;
  for (size_t p = 0; p < parts; ++p) {
    partials.push_back(std::make_unique<AggTable>(node, layout));
    // Part p takes batches [p * n / parts, (p + 1) * n / parts): the first of several parts over
    // few batches are empty.
    const size_t from = p * batches.size() / parts, to = (p + 1) * batches.size() / parts;
    Fill(c.kernel, c, std::vector<Batch>(batches.begin() + static_cast<std::ptrdiff_t>(from),
                                         batches.begin() + static_cast<std::ptrdiff_t>(to)),
         *partials.back());
  }
  for (size_t p = 1; p < parts; ++p) partials[0]->Merge(*partials[p]);
  return {Rows(whole.Result()), Rows(partials[0]->Result())};
}

TEST_CASE("agg kernels: dictionary-encoded columns give the plain columns' results", "[aggregate][jit]") {
  auto jit = MakeJit();
  // Each batch's codes stand for other strings (first appearance differs): the kernel's caches
  // of groups and interned ids per code must start afresh per batch; 300 rows span chunks.
  std::vector<Batch> coded, plain;
  for (uint32_t seed : {11u, 12u, 13u, 14u}) {
    coded.push_back(Generate(seed == 13 ? 300 : 2000, seed, /*dictionary=*/true));
    plain.push_back(Generate(seed == 13 ? 300 : 2000, seed));
  }
  REQUIRE(coded[0].columns[kS].codes() != nullptr);
  CHECK(coded[0].columns[kMany].codes() == nullptr);
  const Expr s = Col(kS, Type::String), many = Col(kMany, Type::String), b = Col(kB, Type::Bool);
  const auto aggregates = [&] {
    std::vector<AggregateSpec> aggs = {Agg(AggKind::Count, {}),          Agg(AggKind::DCount, {s}),
                                       Agg(AggKind::DCountIf, {s, b}),   Agg(AggKind::MakeSet, {s}),
                                       Agg(AggKind::MakeSet, {s}, 3),    Agg(AggKind::MakeList, {s}, 5),
                                       Agg(AggKind::MakeSetIf, {s, b}, 4), Agg(AggKind::DCount, {many}),
                                       Agg(AggKind::Max, {s})};
    for (size_t k = 0; k < aggs.size(); ++k) aggs[k].names = {fmt::format("a{}", k)};
    return aggs;
  };
  const std::vector<std::vector<NamedExpr>> key_sets = {
      {{"s", s}}, {{"many", many}}, {{"l", Col(kL, Type::Long)}}, {{"s", s}, {"i", Col(kI, Type::Int)}}};
  for (const auto& keys : key_sets) {
    INFO("by " << keys[0].name << " and " << keys.size() - 1 << " more");
    auto reference = SummarizePlan(keys, aggregates());
    auto compiled = SummarizePlan(keys, aggregates());
    Compiled c;
    Install(*compiled, *jit, c);
    const auto expected = Run(*reference, plain);
    CHECK(Run(*reference, coded) == expected);
    CHECK(Run(*compiled, coded) == expected);
    CHECK(Run(*compiled, plain) == expected);
    const auto [whole, merged] = WholeAndMerged(*compiled->As<AggregateNode>(), c, coded, 3);
    CHECK(merged == whole);
  }
}

TEST_CASE("agg kernels: make_set and make_list of dynamic values as the interpreter's", "[aggregate][jit]") {
  auto jit = MakeJit();
  const std::vector<ColumnSpec> schema = {{"k", Type::Long}, {"d", Type::Dynamic}};
  // Arrays (make_set adds their elements, make_list keeps them whole), scalars, objects, nulls,
  // duplicates in and across rows, and texts that are JSON of other spellings.
  const char* const kValues[] = {R"(["A1","A2","A3"])", R"(["A2","C1"])", R"([1,2.5,"x",null,[3]])", "7",
                                 R"("text")", R"({"a":1,"b":[2]})", R"({ "b" : [2], "a" : 1 })", "[]",
                                 "true", "null", "1.0"};
  std::vector<Batch> batches;
  std::mt19937 rng(5);
  for (size_t rows : {700u, 1u, 0u, 300u}) {
    Batch b(schema);
    for (size_t r = 0; r < rows; ++r) {
      b.columns[0].AppendLong(static_cast<int64_t>(rng() % 5));
      if (rng() % 9 == 0) b.columns[1].AppendNull(); else b.columns[1].AppendString(kValues[rng() % std::size(kValues)]);
    }
    b.row_count = rows;
    batches.push_back(std::move(b));
  }
  const Expr d = Col(1, Type::Dynamic);
  const auto aggregates = [&] {
    std::vector<AggregateSpec> aggs = {Agg(AggKind::MakeSet, {d}), Agg(AggKind::MakeSet, {d}, 4),
                                       Agg(AggKind::MakeList, {d}, 6), Agg(AggKind::MakeList, {d}),
                                       Agg(AggKind::MakeSetIf, {d, F(Fn::Gt, Type::Bool, {Col(0, Type::Long), Lng(1)})}, 3)};
    for (size_t k = 0; k < aggs.size(); ++k) aggs[k].names = {fmt::format("a{}", k)};
    return aggs;
  };
  for (bool keyed : {false, true}) {
    INFO((keyed ? "by k" : "without keys"));
    std::vector<NamedExpr> keys;
    if (keyed) keys.push_back({"k", Col(0, Type::Long)});
    auto reference = Aggregate(Scan("T", schema), keys, aggregates());
    auto compiled = Aggregate(Scan("T", schema), keys, aggregates());
    Compiled c;
    Install(*compiled, *jit, c);
    const auto expected = Run(*reference, batches);
    CHECK(expected.size() == (keyed ? 5u : 1u));
    CHECK(Run(*compiled, batches) == expected);
    const auto [whole, merged] = WholeAndMerged(*compiled->As<AggregateNode>(), c, batches, 4);
    CHECK(merged == whole);
  }
}

TEST_CASE("agg kernels: partial tables merged give one pass's result", "[aggregate][jit]") {
  auto jit = MakeJit();
  // Groups spread over the parts; dcount past its exact limit (without keys: about 2,900 distinct
  // of `many`) and make_set at its cap in several parts; parts of no rows (more parts than
  // batches); half the batches dictionary-encoded.
  std::vector<Batch> batches;
  for (uint32_t seed = 20; seed < 26; ++seed) batches.push_back(Generate(1500, seed, seed % 2 == 0));
  const std::vector<std::vector<NamedExpr>> key_sets = {{}, {{"i", Col(kI, Type::Int)}}, {{"s", Col(kS, Type::String)}}};
  for (const auto& keys : key_sets) {
    INFO(keys.size() << " keys");
    auto plan = SummarizePlan(keys, AllAggregates(/*exact=*/true));
    Compiled c;
    Install(*plan, *jit, c);
    auto reference = SummarizePlan(keys, AllAggregates(/*exact=*/true));
    for (size_t parts : {2u, 3u, 6u, 9u}) {
      INFO(parts << " parts");
      const auto [whole, merged] = WholeAndMerged(*plan->As<AggregateNode>(), c, batches, parts);
      CHECK(merged == whole);
    }
    std::vector<std::string> sorted_whole = WholeAndMerged(*plan->As<AggregateNode>(), c, batches, 1).first;
    std::sort(sorted_whole.begin(), sorted_whole.end());
    CHECK(sorted_whole == Run(*reference, batches));
  }
}

TEST_CASE("agg kernels: stdev and variance of merged parts are one pass's up to rounding", "[aggregate][jit]") {
  // Each part keeps its count, mean and sum of squared deviations; merged, they give what one
  // pass's Welford steps give, but for the rounding of the means.
  auto jit = MakeJit();
  std::vector<Batch> batches;
  for (uint32_t seed = 50; seed < 56; ++seed) batches.push_back(Generate(1500, seed));
  const Expr i = Col(kI, Type::Int), l = Col(kL, Type::Long), b = Col(kB, Type::Bool);
  std::vector<AggregateSpec> aggs = {Agg(AggKind::Stdev, {i}), Agg(AggKind::Variance, {l}),
                                     Agg(AggKind::StdevIf, {l, b}), Agg(AggKind::VarianceIf, {i, b})};
  for (size_t k = 0; k < aggs.size(); ++k) aggs[k].names = {fmt::format("a{}", k)};
  auto plan = SummarizePlan({{"s", Col(kS, Type::String)}}, aggs);
  Compiled c;
  Install(*plan, *jit, c);
  const auto& node = *plan->As<AggregateNode>();
  AggLayout layout = LayoutOf(node);
  AggTable whole(node, layout), first(node, layout), second(node, layout), empty(node, layout), last(node, layout);
  Fill(c.kernel, c, batches, whole);
  Fill(c.kernel, c, {batches[0], batches[1]}, first);
  Fill(c.kernel, c, {batches[2]}, second);
  Fill(c.kernel, c, {batches[3], batches[4], batches[5]}, last);
  for (AggTable* part : {&second, &empty, &last}) first.Merge(*part);
  const Batch one = whole.Result(), merged = first.Result();
  REQUIRE(one.rows() == merged.rows());
  REQUIRE(one.rows() > 3);
  size_t spread = 0;  // groups whose statistics are not 0
  for (size_t row = 0; row < one.rows(); ++row) {
    CHECK(merged.columns[0].StringAt(row) == one.columns[0].StringAt(row));
    for (size_t k = 1; k <= aggs.size(); ++k) {
      CHECK(merged.columns[k].RealAt(row) == Approx(one.columns[k].RealAt(row)).epsilon(1e-12));
      spread += one.columns[k].RealAt(row) > 0;
    }
  }
  CHECK(spread > one.rows());
}

TEST_CASE("agg kernels: tables of interleaved ranges merged by range give one pass's result",
          "[aggregate][jit]") {
  auto jit = MakeJit();
  // Each batch a range, dealt to the parts as reading threads take them (each part's in increasing
  // order, some parts none), small enough that groups, make_set's and make_list's values and their
  // caps span parts; the parts merged at once, in an order of their own. Sums of reals, avg,
  // take_any and arg_max/arg_min, whose results depend on more of the rows' order, are left out.
  std::vector<Batch> batches;
  for (uint32_t seed = 30; seed < 42; ++seed) batches.push_back(Generate(400, seed, seed % 2 == 0));
  const auto in_order = [] {
    std::vector<AggregateSpec> aggs;
    for (AggregateSpec& spec : AllAggregates(/*exact=*/true)) {
      const AggKind k = spec.kind;
      const bool real_sum =
          (k == AggKind::Sum || k == AggKind::SumIf) && spec.args[0].type == Type::Real;
      if (real_sum || k == AggKind::Avg || k == AggKind::AvgIf || k == AggKind::TakeAny ||
          k == AggKind::ArgMax || k == AggKind::ArgMin) {
        continue;
      }
      aggs.push_back(std::move(spec));
    }
    return aggs;
  };
  // Over 16 K groups a part under two keys: two parts' common groups are then found and merged
  // in pieces on several threads at once (AggTable::MergeFound), and the other part's others are
  // kept in its table, not copied.
  std::vector<Batch> large;
  for (uint32_t seed = 50; seed < 62; ++seed) large.push_back(Generate(4000, seed, seed % 2 == 0));
  const std::vector<std::vector<NamedExpr>> key_sets = {{},
                                                        {{"i", Col(kI, Type::Int)}},
                                                        {{"s", Col(kS, Type::String)}},
                                                        {{"l", Col(kL, Type::Long)}, {"s", Col(kS, Type::String)}}};
  for (const auto& keys : key_sets) {
    INFO(keys.size() << " keys");
    const std::vector<Batch>& input = keys.size() == 2 ? large : batches;
    CHECK(!MergesInOrder(*SummarizePlan(keys, AllAggregates(/*exact=*/true))->As<AggregateNode>()));
    auto plan = SummarizePlan(keys, in_order());
    const auto& node = *plan->As<AggregateNode>();
    CHECK(MergesInOrder(node));
    Compiled c;
    Install(*plan, *jit, c);
    AggLayout layout = LayoutOf(node);
    AggTable whole(node, layout);
    Fill(c.kernel, c, input, whole);
    for (const auto& [parts, threads] : {std::pair{2u, 1u}, {2u, 2u}, {2u, 3u}, {3u, 2u}, {5u, 1u}, {16u, 2u}}) {
      INFO(parts << " parts, " << threads << " threads");
      std::vector<std::unique_ptr<AggTable>> tables;
      for (size_t p = 0; p < parts; ++p) tables.push_back(std::make_unique<AggTable>(node, layout));
      for (size_t r = 0; r < input.size(); ++r) {
        AggTable& table = *tables[(r * 5 + r / 3) % parts];
        table.set_range(static_cast<uint32_t>(r));
        Fill(c.kernel, c, {input[r]}, table);
      }
      std::vector<AggTable*> merging;
      for (size_t p = parts; p-- > 0;) merging.push_back(tables[p].get());
      AggTable merged(node, layout);
      merged.Merge(merging, threads);
      CHECK(merged.groups() == whole.groups());
      CHECK(Rows(merged.Result()) == Rows(whole.Result()));
      // By their positions (as a filter above picks them) and in parts (as several threads make
      // them): the same groups, those a merge of two parts kept in the other's table among them.
      std::vector<uint32_t> some;
      for (uint32_t g = 0; g < whole.groups(); g += 3) some.push_back(g);
      CHECK(Rows(merged.Result(nullptr, &some)) == Rows(whole.Result(nullptr, &some)));
      const size_t half = whole.groups() / 2;
      CHECK(Rows(merged.Result(nullptr, nullptr, half)) == Rows(whole.Result(nullptr, nullptr, half)));
    }
  }
}

TEST_CASE("agg kernels: a filtered selection and over a million groups", "[aggregate][jit]") {
  auto jit = MakeJit();
  // A selection (rows the filter below kept) reaches the kernel as such.
  {
    std::vector<NamedExpr> keys = {{"s", Col(kS, Type::String)}};
    std::vector<AggregateSpec> aggs = {Agg(AggKind::Count, {}), Agg(AggKind::Sum, {Col(kI, Type::Int)})};
    aggs[1].names = {"n"};
    const Expr where = F(Fn::Gt, Type::Bool, {Col(kI, Type::Int), Int(2)});
    auto reference = Aggregate(Filter(Scan("T", kSchema), where), keys, aggs);
    auto compiled = Aggregate(Filter(Scan("T", kSchema), where), keys, aggs);
    Compiled c;
    Install(*compiled, *jit, c);
    const std::vector<Batch> batches = {Generate(4000, 9)};
    CHECK(Run(*compiled, batches) == Run(*reference, batches));
  }
  // 1.2 M distinct keys, a batch at a time.
  std::vector<Batch> batches;
  for (int64_t start = 0; start < 1'200'000; start += 100'000) {
    Batch b({{"k", Type::Long}});
    for (int64_t v = start; v < start + 100'000; ++v) b.columns[0].AppendLong(v * 7919 % 1'200'000);
    batches.push_back(std::move(b));
  }
  batches.push_back(batches[3]);  // a repeat: those groups count 2
  const std::vector<ColumnSpec> schema = {{"k", Type::Long}};
  std::vector<AggregateSpec> aggs = {Agg(AggKind::Count, {}), Agg(AggKind::Max, {Col(0, Type::Long)})};
  aggs[1].names = {"m"};
  auto reference = Aggregate(Scan("T", schema), {{"k", Col(0, Type::Long)}}, aggs);
  auto compiled = Aggregate(Scan("T", schema), {{"k", Col(0, Type::Long)}}, aggs);
  Compiled c;
  Install(*compiled, *jit, c);
  const auto expected = Run(*reference, batches);
  CHECK(expected.size() == 1'200'000);
  CHECK(Run(*compiled, batches) == expected);
}

// Name k of the string key tests' pool: "" (k = 0) and names of every length class the key
// cache reads apart (up to 3 bytes, up to 7, 8, up to 16, up to 24, beyond), the longest alike
// in all the words the cache keeps and mixes, differing only in bytes [24, 32).
std::string KeyName(uint32_t k) {
  if (k == 0) return "";
  switch (k % 6) {
    case 0: return fmt::format("{}", k % 1000);  // 1 to 3 bytes: repeats, one group
    case 1: return fmt::format("n{:05d}", k);
    case 2: return fmt::format("h{:07d}", k);
    case 3: return fmt::format("host-{:05d}.lan", k);
    case 4: return fmt::format("wks-{:05d}.contoso.local", k);
    default: return fmt::format("0123456789abcdefMIDDLEMI{:08d}-suffix!", k);
  }
}

// A batch of `rows` rows whose key column `k` (dictionary-encoded as the reader's, while it can
// be) holds `distinct` distinct values, each at least once, in an order and from a part of the
// pool that `seed` picks; with `nulls`, "" among them and about one row in ten null (as "").
// Column `v` holds a long per row.
Batch KeyBatch(size_t rows, uint32_t distinct, uint32_t seed, bool nulls) {
  std::mt19937 rng(seed);
  std::vector<std::string> names;
  if (nulls) names.push_back("");
  const uint32_t from = seed * 977;
  for (uint32_t i = 0; names.size() < distinct; ++i) {
    std::string name = KeyName(from + i + 1);
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(std::move(name));
  }
  std::shuffle(names.begin(), names.end(), rng);
  Batch b({{"k", Type::String}, {"v", Type::Long}});
  b.columns[0].EnableDictionary();
  for (size_t r = 0; r < rows; ++r) {
    if (nulls && rng() % 10 == 0) {
      b.columns[0].AppendNull();
    } else {
      b.columns[0].AppendString(names[r < names.size() ? r : rng() % names.size()]);
    }
    b.columns[1].AppendLong(static_cast<int64_t>(rng() % 1000));
  }
  return b;
}

TEST_CASE("agg table: the key cache keeps long keys' bytes, and rests after a window of misses", "[aggregate]") {
  const std::vector<ColumnSpec> schema = {{"k", Type::String}};
  auto plan = Aggregate(Scan("T", schema), {{"k", Col(0, Type::String)}}, {Agg(AggKind::Count, {})});
  const auto& node = *plan->As<AggregateNode>();
  AggLayout layout = LayoutOf(node);
  AggTable table(node, layout);
  AggTable::KeyCache* cache = table.KeyCacheForBatch(1000);
  REQUIRE(cache != nullptr);
  CHECK(cache->count == 0);
  std::string key = "0123456789abcdefMIDDLEMI00000001-suffix!";
  const uint64_t words[3] = {1, 2, 3};
  REQUIRE(AggTable::AddKey(*cache, 7, key.data(), key.size(), words) == 0);
  CHECK(cache->slots[7] == 1);
  const AggTable::KeyCacheEntry& e = cache->entries[0];
  CHECK(e.state == nullptr);
  CHECK(e.length == key.size());
  key.assign(key.size(), 'x');  // the batch's bytes go; the cache's copy stays
  REQUIRE(e.bytes != nullptr);
  CHECK(std::string_view(e.bytes, key.size()) == "0123456789abcdefMIDDLEMI00000001-suffix!");
  CHECK(AggTable::AddKey(*cache, 8, "short", 5, words) == 1);
  CHECK(cache->entries[1].bytes == nullptr);  // the words are the whole key
  // Full: a key is turned away; so is a long key beyond the bytes left.
  for (uint32_t k = 2; k < AggTable::kKeyCacheEntries; ++k) REQUIRE(AggTable::AddKey(*cache, 8 + k, "k", 1, words) >= 0);
  CHECK(AggTable::AddKey(*cache, 9, "k", 1, words) == -1);
  const std::string huge(AggTable::kKeyCacheBytes + 1, 'h');
  cache->count = 2;
  CHECK(AggTable::AddKey(*cache, 1, huge.data(), huge.size(), words) == -1);
  // Batches go on with what the cache holds while at most a quarter of a window's rows miss.
  cache->misses = AggTable::kKeyCacheWindow / 4;
  for (uint64_t rows = 1000; rows < AggTable::kKeyCacheWindow; rows += 4096) REQUIRE(table.KeyCacheForBatch(4096) == cache);
  CHECK(table.KeyCacheForBatch(4096) == cache);
  CHECK(cache->count == 2);
  CHECK(cache->misses == 0);
  // More: it is emptied and rests kKeyCacheRest windows, then tries again.
  cache->misses = AggTable::kKeyCacheWindow / 4 + 1;
  uint64_t rested = 0;
  while (cache->rows < AggTable::kKeyCacheWindow) REQUIRE(table.KeyCacheForBatch(4096) == cache);
  while (table.KeyCacheForBatch(4096) == nullptr) rested += 4096;
  CHECK(rested >= AggTable::kKeyCacheRest * AggTable::kKeyCacheWindow);
  CHECK(rested < (AggTable::kKeyCacheRest + 1) * AggTable::kKeyCacheWindow);
  CHECK(cache->count == 0);
  CHECK(cache->slots[7] == 0);
}

TEST_CASE("agg kernels: a lone string key of a few to a few thousand values a batch as the interpreter's",
          "[aggregate][jit]") {
  auto jit = MakeJit();
  const std::vector<ColumnSpec> schema = {{"k", Type::String}, {"v", Type::Long}};
  const Expr k = Col(0, Type::String), v = Col(1, Type::Long);
  const auto aggregates = [&] {
    std::vector<AggregateSpec> aggs = {Agg(AggKind::Count, {}), Agg(AggKind::Sum, {v}), Agg(AggKind::Max, {v}),
                                       Agg(AggKind::DCount, {k}), Agg(AggKind::TakeAny, {k})};
    for (size_t a = 0; a < aggs.size(); ++a) aggs[a].names = {fmt::format("a{}", a)};
    return aggs;
  };
  auto reference = Aggregate(Scan("T", schema), {{"k", k}}, aggregates());
  auto compiled = Aggregate(Scan("T", schema), {{"k", k}}, aggregates());
  Compiled c;
  Install(*compiled, *jit, c);
  // Up to 256 values a batch is dictionary-encoded (the kernel looks groups up by code), beyond
  // plain (by the key cache); 5,000 fill the cache past its entries and its bytes for long keys.
  for (const uint32_t distinct : {1u, 255u, 256u, 257u, 300u, 5000u}) {
    INFO(distinct << " distinct keys a batch");
    const size_t rows = distinct > 1000 ? 6000 : 1500;
    const auto batch = [&](uint32_t b) { return KeyBatch(b == 2 ? 1 : rows, distinct, distinct + b, b % 2 == 0); };
    {
      const Batch first = batch(1);
      CHECK((first.columns[0].codes() != nullptr) == (distinct <= Column::kMaxDistinct));
    }
    // Each batch is gone before the next comes (the cache must not point into it); every other
    // has nulls and "", and each draws its own part of the pool in its own order, so codes
    // differ from batch to batch. Batch 2 has one row, and batches 4 and 5 are batches 0 and 1
    // again.
    const std::vector<uint32_t> order = {0, 1, 2, 3, 0, 1};
    const auto run = [&](const PlanNode& plan) {
      CollectSink sink(plan.schema);
      Execution execution(plan, 0, sink);
      for (uint32_t b : order) execution.Push(0, batch(b));
      execution.Finish(0);
      return Rows(sink.result(), /*sorted=*/true);
    };
    const auto expected = run(*reference);
    CHECK(expected.size() >= distinct);
    CHECK(run(*compiled) == expected);
    std::vector<Batch> batches;
    for (uint32_t b : order) batches.push_back(batch(b));
    const auto [whole, merged] = WholeAndMerged(*compiled->As<AggregateNode>(), c, batches, 3);
    CHECK(merged == whole);
  }
  // New keys batch after batch, past a window of the cache's: it rests (the kernel finds no
  // cache), and the results stay the interpreter's.
  std::vector<Batch> changing;
  const size_t windows = 3 * AggTable::kKeyCacheWindow / 4096 + 1;
  for (uint32_t b = 0; b < windows; ++b) changing.push_back(KeyBatch(4096, 3000, 100 + b, b % 2 == 0));
  CHECK(Run(*compiled, changing) == Run(*reference, changing));
  AggLayout layout = LayoutOf(*compiled->As<AggregateNode>());
  AggTable table(*compiled->As<AggregateNode>(), layout);
  Fill(c.kernel, c, changing, table);
  CHECK(table.KeyCacheForBatch(0) == nullptr);
}

TEST_CASE("agg kernels: what they cannot compile is named", "[aggregate][jit]") {
  auto jit = MakeJit();
  const auto why = [&](std::vector<NamedExpr> keys, AggregateSpec agg) {
    auto plan = SummarizePlan(std::move(keys), {std::move(agg)});
    std::string error;
    CHECK_FALSE(jit->CanCompileAggregate(*plan->As<AggregateNode>(), error));
    return error;
  };
  AggregateSpec p = Agg(AggKind::Percentile, {Col(kL, Type::Long)});
  p.param = 50;
  CHECK(why({}, p) == "the JIT cannot compile percentile yet");
  CHECK(why({}, Agg(AggKind::MakeSet, {Col(kR, Type::Real)})) == "the JIT cannot compile make_set of a real yet");
  CHECK(why({{"d", Col(kS, Type::Guid)}}, Agg(AggKind::Count, {})) == "the JIT cannot compile a guid key of summarize yet");
  AggregateSpec computed = Agg(AggKind::ArgMax, {Col(kL, Type::Long)});
  computed.outputs = {F(Fn::Add, Type::Long, {Col(kL, Type::Long), Lng(1)})};
  computed.names = {"a", "b"};
  CHECK(why({}, computed) == "the JIT cannot compile arg_max of a computed column yet");
}
