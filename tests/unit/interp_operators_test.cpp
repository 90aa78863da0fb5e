// The interpreter's operators, each run on plans built directly with the builders of
// runtime/exec/plan.h over Datatable sources. Tests of a kql-semantics.md statement name its §.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "tests/unit/archive_util.h"
#include "runtime/exec/aggregate.h"
#include "runtime/exec/plan.h"
#include "runtime/exec/run.h"
#include "tests/unit/interp_util.h"

using namespace huntc;
using namespace huntc::exec;
using namespace huntc::exec::testing;

namespace {

// user:string, n:long, ts:datetime
PlanPtr Events() {
  const auto dt = [](const char* iso) { return Value::Integer(Type::DateTime, *ParseDateTime(iso)); };
  return Datatable({{"user", Type::String}, {"n", Type::Long}, {"ts", Type::DateTime}},
                   {{S("alice"), L(3), dt("2026-11-19T10:15:00Z")},
                    {S("bob"), L(5), dt("2026-11-19T10:45:00Z")},
                    {S("alice"), N(Type::Long), dt("2026-11-19T11:05:00Z")},
                    {S("carol"), L(1), dt("2026-11-19T11:30:00Z")},
                    {S("alice"), L(7), dt("2026-11-19T12:00:00Z")}});
}

PlanPtr Empty() { return Datatable({{"user", Type::String}, {"n", Type::Long}}, {}); }

AggregateSpec Agg(AggKind kind, std::vector<Expr> args, std::string name) {
  AggregateSpec s;
  s.kind = kind;
  s.args = std::move(args);
  s.names = {std::move(name)};
  return s;
}

const Expr kUser = Col(0, Type::String);
const Expr kN = Col(1, Type::Long);
const Expr kTs = Col(2, Type::DateTime);

}  // namespace

TEST_CASE("Project computes expressions, extend keeps the input columns first", "[interp][operators]") {
  auto plan = Project(Events(), {{"user", kUser}, {"n", kN}, {"double", F(Fn::Mul, Type::Long, {kN, Lng(2)})}});
  CHECK(Rows(Run(*plan)) == std::vector<std::string>{R"("alice" | 3 | 6)", R"("bob" | 5 | 10)", R"("alice" | null | null)",
                                                     R"("carol" | 1 | 2)", R"("alice" | 7 | 14)"});
  CHECK(plan->schema[2].name == "double");
  CHECK(plan->schema[2].type == Type::Long);
}

TEST_CASE("Filter then Project work on the kept rows only", "[interp][operators]") {
  auto plan = Project(Filter(Events(), F(Fn::Eq, Type::Bool, {kUser, Str("alice")})), {{"n", kN}});
  CHECK(Rows(Run(*plan)) == std::vector<std::string>{"3", "null", "7"});
}

TEST_CASE("An identity Project hands on the rows it is given (a selection too) and any other copies", "[interp][operators]") {
  // The identity one's operator passes the filter's selection through: what comes out must be the
  // selected rows all the same, and a summarize over it (as under hunt b's) sees those rows only.
  const auto alice = [] { return Filter(Events(), F(Fn::Eq, Type::Bool, {kUser, Str("alice")})); };
  auto same = Project(alice(), {{"user", kUser}, {"n", kN}, {"ts", kTs}});
  CHECK(IsIdentity(*same->As<ProjectNode>()));
  CHECK(Rows(Run(*same)) == std::vector<std::string>{R"("alice" | 3 | "2026-11-19T10:15:00.0000000Z")",
                                                     R"("alice" | null | "2026-11-19T11:05:00.0000000Z")",
                                                     R"("alice" | 7 | "2026-11-19T12:00:00.0000000Z")"});
  auto counted = Aggregate(Project(alice(), {{"user", kUser}, {"n", kN}, {"ts", kTs}}), {{"user", kUser}},
                           {Agg(AggKind::Count, {}, "c"), Agg(AggKind::Sum, {kN}, "s")});
  CHECK(Rows(Run(*counted)) == std::vector<std::string>{R"("alice" | 3 | 10)"});
  // Renamed, reordered, fewer columns or a computed one: not the identity.
  CHECK_FALSE(IsIdentity(*Project(alice(), {{"who", kUser}, {"n", kN}, {"ts", kTs}})->As<ProjectNode>()));
  CHECK_FALSE(IsIdentity(*Project(alice(), {{"n", kN}, {"user", kUser}, {"ts", kTs}})->As<ProjectNode>()));
  CHECK_FALSE(IsIdentity(*Project(alice(), {{"user", kUser}, {"n", kN}})->As<ProjectNode>()));
  auto renamed = Project(alice(), {{"who", kUser}, {"n", kN}, {"ts", kTs}});
  CHECK(renamed->schema[0].name == "who");
  CHECK(Rows(Run(*renamed)).size() == 3);
}

TEST_CASE("§4 count() counts rows, countif only rows where the predicate is true", "[interp][operators]") {
  AggregateSpec c = Agg(AggKind::Count, {}, "count_");
  AggregateSpec ci = Agg(AggKind::CountIf, {F(Fn::Gt, Type::Bool, {kN, Lng(2)})}, "countif_");
  auto plan = Aggregate(Events(), {{"user", kUser}}, {c, ci});
  CHECK(Rows(Run(*plan), true) == std::vector<std::string>{R"("alice" | 3 | 2)", R"("bob" | 1 | 1)", R"("carol" | 1 | 0)"});
}

TEST_CASE("§4 aggregates ignore nulls", "[interp][operators]") {
  auto plan = Aggregate(Filter(Events(), F(Fn::Eq, Type::Bool, {kUser, Str("alice")})), {},
                        {Agg(AggKind::Sum, {kN}, "sum_n"), Agg(AggKind::Avg, {kN}, "avg_n"), Agg(AggKind::Min, {kN}, "min_n"),
                         Agg(AggKind::Max, {kN}, "max_n"), Agg(AggKind::DCount, {kN}, "dcount_n"),
                         Agg(AggKind::MakeList, {kN}, "list_n"), Agg(AggKind::MakeSet, {kN}, "set_n")});
  CHECK(Rows(Run(*plan)) == std::vector<std::string>{"10 | 5 | 3 | 7 | 2 | [3,7] | [3,7]"});
}

TEST_CASE("§4 summarize without by on empty input gives one row of zeros, [] and nulls", "[interp][operators]") {
  const Expr n = Col(1, Type::Long);
  auto plan = Aggregate(Empty(), {},
                        {Agg(AggKind::Count, {}, "count_"), Agg(AggKind::CountIf, {F(Fn::Gt, Type::Bool, {n, Lng(0)})}, "countif_"),
                         Agg(AggKind::DCount, {n}, "dcount_n"), Agg(AggKind::Sum, {n}, "sum_n"),
                         Agg(AggKind::Variance, {n}, "variance_n"), Agg(AggKind::Stdev, {n}, "stdev_n"),
                         Agg(AggKind::MakeList, {n}, "list_n"), Agg(AggKind::MakeSet, {n}, "set_n"),
                         Agg(AggKind::MakeBag, {Col(0, Type::String)}, "bag"), Agg(AggKind::Avg, {n}, "avg_n"),
                         Agg(AggKind::Max, {n}, "max_n"), Agg(AggKind::TakeAny, {n}, "any_n")});
  CHECK(Rows(Run(*plan)) == std::vector<std::string>{"0 | 0 | 0 | 0 | 0 | 0 | [] | [] | {} | null | null | null"});
}

TEST_CASE("§4 summarize with by on empty input gives no rows", "[interp][operators]") {
  auto plan = Aggregate(Empty(), {{"user", Col(0, Type::String)}}, {Agg(AggKind::Count, {}, "count_")});
  CHECK(Run(*plan).rows() == 0);
}

TEST_CASE("§4 null group keys form their own group", "[interp][operators]") {
  auto plan = Aggregate(Events(), {{"n", kN}}, {Agg(AggKind::Count, {}, "count_")});
  CHECK(Rows(Run(*plan), true) == std::vector<std::string>{"1 | 1", "3 | 1", "5 | 1", "7 | 1", "null | 1"});
}

TEST_CASE("§5 summarize by bin(Timestamp, 1h) groups by the hour", "[interp][operators]") {
  auto plan = Aggregate(Events(), {{"ts", F(Fn::Bin, Type::DateTime, {kTs, Ts(kHour)})}}, {Agg(AggKind::Count, {}, "count_")});
  CHECK(Rows(Run(*plan), true) == std::vector<std::string>{R"("2026-11-19T10:00:00.0000000Z" | 2)",
                                                          R"("2026-11-19T11:00:00.0000000Z" | 2)",
                                                          R"("2026-11-19T12:00:00.0000000Z" | 1)"});
}

TEST_CASE("§11 dcount is exact for small sets and within the error band for large ones", "[interp][operators]") {
  DistinctCounter small;
  for (uint64_t i = 0; i < 1000; ++i) small.Add(i * 0x9e3779b97f4a7c15ULL);
  CHECK(small.Estimate() == 1000);
  std::vector<std::vector<Value>> rows;
  for (int64_t i = 0; i < 50000; ++i) rows.push_back({L(i % 20000)});
  auto plan = Aggregate(Datatable({{"x", Type::Long}}, std::move(rows)), {}, {Agg(AggKind::DCount, {Col(0, Type::Long)}, "d")});
  const int64_t estimate = Run(*plan).columns[0].LongAt(0);
  CHECK(estimate > 19400);  // 3 % is nearly four standard errors of the 2^14-register estimator
  CHECK(estimate < 20600);
}

TEST_CASE("§11 make_set/make_list honour their size cap, make_list keeps input order", "[interp][operators]") {
  AggregateSpec list = Agg(AggKind::MakeList, {kUser}, "list_user");
  AggregateSpec set = Agg(AggKind::MakeSet, {kUser}, "set_user");
  AggregateSpec capped = Agg(AggKind::MakeSet, {kUser}, "set_capped");
  capped.limit = 2;
  auto plan = Aggregate(Events(), {}, {list, set, capped});
  CHECK(Rows(Run(*plan)) == std::vector<std::string>{
                                R"(["alice","bob","alice","carol","alice"] | ["alice","bob","carol"] | ["alice","bob"])"});
}

TEST_CASE("§11 make_set of arrays collects their elements, make_list keeps each array whole", "[interp][operators]") {
  // The doc's "Set from array column" example: [1,5,7] and ["A1","A2","A3","C1","C2"].
  auto arrays = Datatable({{"v", Type::Long}, {"a", Type::Dynamic}},
                          {{L(1), D(R"(["A1","A2","A3"])")}, {L(5), D(R"(["A2","C1"])")},
                           {L(7), D(R"(["C2","A3"])")}, {L(5), D(R"(["C2","A1"])")}});
  AggregateSpec capped = Agg(AggKind::MakeSet, {Col(1, Type::Dynamic)}, "capped");
  capped.limit = 4;
  auto plan = Aggregate(std::move(arrays), {},
                        {Agg(AggKind::MakeSet, {Col(0, Type::Long)}, "v"), Agg(AggKind::MakeSet, {Col(1, Type::Dynamic)}, "a"),
                         capped, Agg(AggKind::MakeList, {Col(1, Type::Dynamic)}, "l")});
  CHECK(Rows(Run(*plan)) ==
        std::vector<std::string>{R"([1,5,7] | ["A1","A2","A3","C1","C2"] | ["A1","A2","A3","C1"] | )"
                                 R"([["A1","A2","A3"],["A2","C1"],["C2","A3"],["C2","A1"]])"});
}

TEST_CASE("§11 make_bag merges property bags, make_list_if and sumif filter rows", "[interp][operators]") {
  auto bags = Datatable({{"d", Type::Dynamic}, {"k", Type::Long}}, {{D(R"({"a":1})"), L(1)}, {D(R"({"b":2,"a":9})"), L(2)}, {N(Type::Dynamic), L(3)}});
  const Expr big = F(Fn::Gt, Type::Bool, {Col(1, Type::Long), Lng(1)});
  auto plan = Aggregate(std::move(bags), {},
                        {Agg(AggKind::MakeBag, {Col(0, Type::Dynamic)}, "bag"), Agg(AggKind::MakeListIf, {Col(1, Type::Long), big}, "l"),
                         Agg(AggKind::SumIf, {Col(1, Type::Long), big}, "s"), Agg(AggKind::AvgIf, {Col(1, Type::Long), big}, "a"),
                         Agg(AggKind::DCountIf, {Col(1, Type::Long), big}, "dc"), Agg(AggKind::MaxIf, {Col(1, Type::Long), F(Fn::Lt, Type::Bool, {Col(1, Type::Long), Lng(3)})}, "m")});
  CHECK(Rows(Run(*plan)) == std::vector<std::string>{R"({"a":1,"b":2} | [2,3] | 5 | 2.5 | 2 | 2)"});
}

TEST_CASE("§11 arg_max returns the row of the largest value, ignoring nulls", "[interp][operators]") {
  AggregateSpec a = Agg(AggKind::ArgMax, {kN}, "max_n");
  a.outputs = {kTs};
  a.names = {"n", "ts"};
  auto plan = Aggregate(Events(), {{"user", kUser}}, {a});
  CHECK(Rows(Run(*plan), true) == std::vector<std::string>{R"("alice" | 7 | "2026-11-19T12:00:00.0000000Z")",
                                                          R"("bob" | 5 | "2026-11-19T10:45:00.0000000Z")",
                                                          R"("carol" | 1 | "2026-11-19T11:30:00.0000000Z")"});
  AggregateSpec m = Agg(AggKind::ArgMin, {kN}, "n");
  m.outputs = {kUser};
  m.names = {"n", "user"};
  CHECK(Rows(Run(*Aggregate(Events(), {}, {m}))) == std::vector<std::string>{R"(1 | "carol")"});
}

TEST_CASE("§11 arg_max over a group whose values are all null still returns one of its rows", "[interp][operators]") {
  auto t = Datatable({{"fruit", Type::String}, {"version", Type::Long}}, {{S("Banana"), N(Type::Long)}, {S("Banana"), N(Type::Long)}});
  AggregateSpec a = Agg(AggKind::ArgMax, {Col(1, Type::Long)}, "version");
  a.outputs = {Col(0, Type::String)};
  a.names = {"version", "fruit1"};
  CHECK(Rows(Run(*Aggregate(std::move(t), {{"fruit", Col(0, Type::String)}}, {a}))) ==
        std::vector<std::string>{R"("Banana" | null | "Banana")"});
}

TEST_CASE("stdev, variance and percentile", "[interp][operators]") {
  std::vector<std::vector<Value>> rows;
  for (int64_t v : {2, 4, 4, 4, 5, 5, 7, 9}) rows.push_back({L(v)});
  AggregateSpec p50 = Agg(AggKind::Percentile, {Col(0, Type::Long)}, "p50");
  p50.param = 50;
  AggregateSpec p100 = Agg(AggKind::Percentile, {Col(0, Type::Long)}, "p100");
  p100.param = 100;
  auto plan = Aggregate(Datatable({{"x", Type::Long}}, std::move(rows)), {},
                        {Agg(AggKind::Variance, {Col(0, Type::Long)}, "v"), Agg(AggKind::Stdev, {Col(0, Type::Long)}, "s"), p50, p100});
  const Batch b = Run(*plan);
  CHECK(b.columns[0].RealAt(0) == Approx(32.0 / 7));
  CHECK(b.columns[1].RealAt(0) == Approx(std::sqrt(32.0 / 7)));
  CHECK(b.columns[2].LongAt(0) == 4);
  CHECK(b.columns[3].LongAt(0) == 9);
}

namespace {

// left: k, lv; right: k, rv
PlanPtr Left() { return Datatable({{"k", Type::String}, {"lv", Type::Long}}, {{S("a"), L(1)}, {S("b"), L(2)}, {S("b"), L(3)}, {S("c"), L(4)}}); }
PlanPtr Right() { return Datatable({{"k", Type::String}, {"rv", Type::Long}}, {{S("b"), L(10)}, {S("b"), L(20)}, {S("d"), L(30)}}); }

std::vector<std::string> Join(JoinKind kind) {
  const bool left_only = kind == JoinKind::LeftSemi || kind == JoinKind::LeftAnti;
  const bool right_only = kind == JoinKind::RightSemi || kind == JoinKind::RightAnti;
  std::vector<int> lo = right_only ? std::vector<int>{} : std::vector<int>{0, 1};
  std::vector<int> ro = left_only ? std::vector<int>{} : std::vector<int>{0, 1};
  std::vector<std::string> names;
  for (size_t i = 0; i < lo.size(); ++i) names.push_back(i ? "lv" : "k");
  for (size_t i = 0; i < ro.size(); ++i) names.push_back(i ? "rv" : "k1");
  return Rows(Run(*HashJoin(Left(), Right(), kind, {0}, {0}, lo, ro, names)), true);
}

}  // namespace

TEST_CASE("§12 join innerunique keeps one left row per key, all right duplicates", "[interp][operators][join]") {
  const std::vector<std::string> rows = Join(JoinKind::InnerUnique);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].substr(0, 7) == R"("b" | 2)");
  CHECK(rows[1].substr(0, 7) == R"("b" | 2)");
  CHECK(rows[0].substr(7) == R"( | "b" | 10)");
  CHECK(rows[1].substr(7) == R"( | "b" | 20)");
}

TEST_CASE("§12 join inner keeps every pair", "[interp][operators][join]") {
  CHECK(Join(JoinKind::Inner) == std::vector<std::string>{R"("b" | 2 | "b" | 10)", R"("b" | 2 | "b" | 20)",
                                                          R"("b" | 3 | "b" | 10)", R"("b" | 3 | "b" | 20)"});
}

TEST_CASE("§12 outer joins fill the missing side with nulls (\"\" for strings)", "[interp][operators][join]") {
  CHECK(Join(JoinKind::LeftOuter) == std::vector<std::string>{R"("a" | 1 | "" | null)", R"("b" | 2 | "b" | 10)", R"("b" | 2 | "b" | 20)",
                                                              R"("b" | 3 | "b" | 10)", R"("b" | 3 | "b" | 20)", R"("c" | 4 | "" | null)"});
  CHECK(Join(JoinKind::RightOuter) == std::vector<std::string>{R"("" | null | "d" | 30)", R"("b" | 2 | "b" | 10)", R"("b" | 2 | "b" | 20)",
                                                               R"("b" | 3 | "b" | 10)", R"("b" | 3 | "b" | 20)"});
  CHECK(Join(JoinKind::FullOuter).size() == 7);
}

TEST_CASE("§12 semi and anti joins return one side's rows", "[interp][operators][join]") {
  CHECK(Join(JoinKind::LeftSemi) == std::vector<std::string>{R"("b" | 2)", R"("b" | 3)"});
  CHECK(Join(JoinKind::LeftAnti) == std::vector<std::string>{R"("a" | 1)", R"("c" | 4)"});
  CHECK(Join(JoinKind::RightSemi) == std::vector<std::string>{R"("b" | 10)", R"("b" | 20)"});
  CHECK(Join(JoinKind::RightAnti) == std::vector<std::string>{R"("d" | 30)"});
}

TEST_CASE("join on several keys, null keys never match", "[interp][operators][join]") {
  auto l = Datatable({{"a", Type::Long}, {"b", Type::String}}, {{L(1), S("x")}, {L(1), S("y")}, {N(Type::Long), S("x")}});
  auto r = Datatable({{"a", Type::Long}, {"b", Type::String}, {"v", Type::Long}}, {{L(1), S("y"), L(7)}, {N(Type::Long), S("x"), L(8)}});
  auto plan = HashJoin(std::move(l), std::move(r), JoinKind::Inner, {0, 1}, {0, 1}, {0, 1}, {2}, {"a", "b", "v"});
  CHECK(Rows(Run(*plan)) == std::vector<std::string>{R"(1 | "y" | 7)"});
}

TEST_CASE("§12 union keeps every row (UNION ALL)", "[interp][operators]") {
  std::vector<PlanPtr> inputs;
  inputs.push_back(Project(Left(), {{"k", Col(0, Type::String)}}));
  inputs.push_back(Project(Right(), {{"k", Col(0, Type::String)}}));
  CHECK(Rows(Run(*Union(std::move(inputs))), true) ==
        std::vector<std::string>{R"("a")", R"("b")", R"("b")", R"("b")", R"("b")", R"("c")", R"("d")"});
}

TEST_CASE("§12 sort: desc puts nulls last, asc puts nulls first, several keys", "[interp][operators]") {
  CHECK(Rows(Run(*Project(Sort(Events(), {SortKey::Desc(1)}), {{"n", kN}}))) ==
        std::vector<std::string>{"7", "5", "3", "1", "null"});
  CHECK(Rows(Run(*Project(Sort(Events(), {SortKey::Asc(1)}), {{"n", kN}}))) ==
        std::vector<std::string>{"null", "1", "3", "5", "7"});
  CHECK(Rows(Run(*Project(Sort(Events(), {SortKey::Asc(0), SortKey::Desc(2)}), {{"user", kUser}, {"n", kN}}))) ==
        std::vector<std::string>{R"("alice" | 7)", R"("alice" | null)", R"("alice" | 3)", R"("bob" | 5)", R"("carol" | 1)"});
}

TEST_CASE("§12 top N by e is sort by e | take N, keeping only N rows", "[interp][operators]") {
  CHECK(Rows(Run(*Project(Top(Events(), 2, {SortKey::Desc(1)}), {{"n", kN}}))) == std::vector<std::string>{"7", "5"});
  // Over several cuts of its buffer (more rows than one cut keeps), against a full sort.
  std::vector<std::vector<Value>> rows;
  std::vector<int64_t> values;
  for (int64_t i = 0; i < 20000; ++i) {
    values.push_back((i * 7919 + 13) % 30011);
    rows.push_back({L(values.back())});
  }
  std::sort(values.begin(), values.end(), std::greater<>());
  auto plan = Top(Datatable({{"x", Type::Long}}, std::move(rows)), 3, {SortKey::Desc(0)});
  CHECK(Rows(Run(*plan)) == std::vector<std::string>{std::to_string(values[0]), std::to_string(values[1]),
                                                     std::to_string(values[2])});
}

TEST_CASE("top per group keeps the best N rows of each group (top-nested's levels)", "[interp][operators]") {
  // top-nested docs: each level's N values are chosen within each value of the level above.
  CHECK(Rows(Run(*Project(Top(Events(), 1, {SortKey::Desc(1)}, {0}), {{"user", kUser}, {"n", kN}}))) ==
        std::vector<std::string>{R"("alice" | 7)", R"("bob" | 5)", R"("carol" | 1)"});
  CHECK(Rows(Run(*Project(Top(Events(), 2, {SortKey::Asc(1)}, {0}), {{"user", kUser}, {"n", kN}}))) ==
        std::vector<std::string>{R"("alice" | null)", R"("alice" | 3)", R"("bob" | 5)", R"("carol" | 1)"});
  CHECK(Run(*Top(Events(), 0, {SortKey::Desc(1)}, {0})).rows() == 0);
}

TEST_CASE("limit, distinct and count", "[interp][operators]") {
  CHECK(Run(*Limit(Events(), 2)).rows() == 2);
  CHECK(Run(*Limit(Events(), 0)).rows() == 0);
  CHECK(Rows(Run(*Distinct(Events(), {0})), true) == std::vector<std::string>{R"("alice")", R"("bob")", R"("carol")"});
  CHECK(Rows(Run(*Count(Events()))) == std::vector<std::string>{"5"});
  CHECK(Rows(Run(*Count(Empty()))) == std::vector<std::string>{"0"});
  CHECK(Count(Events())->schema[0].name == "Count");
}

TEST_CASE("§6 mv-expand: empty array drops the row, null keeps one, columns zip padded with null", "[interp][operators]") {
  auto t = Datatable({{"id", Type::Long}, {"a", Type::Dynamic}, {"b", Type::Dynamic}},
                     {{L(1), D("[1,2,3]"), D(R"(["x"])")}, {L(2), D("[]"), D("[]")}, {L(3), N(Type::Dynamic), D("[]")}, {L(4), D(R"("s")"), D("[]")}});
  auto plan = MvExpand(std::move(t), {{1, Type::Long, false}, {2, Type::Dynamic, false}});
  CHECK(Rows(Run(*plan)) == std::vector<std::string>{R"(1 | 1 | "x")", "1 | 2 | null", "1 | 3 | null", "3 | null | null", R"(4 | null | null)"});
}

TEST_CASE("§6 mv-expand of bags: one-entry bags, or [key, value] with kind=array, index and limit", "[interp][operators]") {
  auto bag = [] { return Datatable({{"d", Type::Dynamic}}, {{D(R"({"a":1,"b":"two"})")}}); };
  CHECK(Rows(Run(*MvExpand(bag(), {{0, Type::Dynamic, false}}))) == std::vector<std::string>{R"({"a":1})", R"({"b":"two"})"});
  CHECK(Rows(Run(*MvExpand(bag(), {{0, Type::Dynamic, true}}, 2147483647, "i"))) ==
        std::vector<std::string>{R"(["a",1] | 0)", R"(["b","two"] | 1)"});
  auto arr = Datatable({{"d", Type::Dynamic}}, {{D(R"([1,2,3])")}});
  CHECK(Rows(Run(*MvExpand(std::move(arr), {{0, Type::Long, false}}, 2))) == std::vector<std::string>{"1", "2"});
}

TEST_CASE("§6 mv-expand to typeof(T) casts only: elements of another type are null", "[interp][operators]") {
  auto mixed = [] { return Datatable({{"d", Type::Dynamic}}, {{D(R"([1,"2",2.5,true,"x",[3]])")}}); };
  CHECK(Rows(Run(*MvExpand(mixed(), {{0, Type::Long, false}}))) ==
        std::vector<std::string>{"1", "null", "null", "null", "null", "null"});
  CHECK(Rows(Run(*MvExpand(mixed(), {{0, Type::Real, false}}))) ==
        std::vector<std::string>{"1", "null", "2.5", "null", "null", "null"});
  CHECK(Rows(Run(*MvExpand(mixed(), {{0, Type::String, false}}))) ==
        std::vector<std::string>{R"("")", R"("2")", R"("")", R"("")", R"("x")", R"("")"});
  CHECK(Rows(Run(*MvExpand(mixed(), {{0, Type::Bool, false}}))) ==
        std::vector<std::string>{"null", "null", "null", "true", "null", "null"});
}

TEST_CASE("window: row_number, prev and next across batches", "[interp][operators]") {
  std::vector<std::vector<Value>> rows;
  for (int64_t i = 0; i < 10000; ++i) rows.push_back({L(i)});
  WindowFunction rn{WindowKind::RowNumber, "rn", {}, 1, {}};
  WindowFunction prev{WindowKind::Prev, "prev", Col(0, Type::Long), 1, Value::Null(Type::Long)};
  WindowFunction next2{WindowKind::Next, "next2", Col(0, Type::Long), 2, Value::Integer(Type::Long, -1)};
  // Datatable rows arrive as one batch; a Limit-free Union of two halves makes two batches.
  std::vector<PlanPtr> halves;
  std::vector<std::vector<Value>> first(rows.begin(), rows.begin() + 5000), second(rows.begin() + 5000, rows.end());
  halves.push_back(Datatable({{"x", Type::Long}}, std::move(first)));
  halves.push_back(Datatable({{"x", Type::Long}}, std::move(second)));
  const Batch b = Run(*Window(Union(std::move(halves)), {rn, prev, next2}));
  REQUIRE(b.rows() == 10000);
  bool ok = true;
  for (size_t i = 0; i < b.rows(); ++i) {
    const int64_t x = b.columns[0].LongAt(i);
    ok = ok && x == static_cast<int64_t>(i) && b.columns[1].LongAt(i) == x + 1;
    ok = ok && (i == 0 ? b.columns[2].IsNull(i) : b.columns[2].LongAt(i) == x - 1);
    ok = ok && b.columns[3].LongAt(i) == (i + 2 < 10000 ? x + 2 : -1);
  }
  CHECK(ok);
}

TEST_CASE("plans print one node per line", "[interp][operators]") {
  auto plan = Limit(Filter(Events(), F(Fn::Gt, Type::Bool, {kN, Lng(2)})), 5);
  CHECK(plan->ToString() == "Limit 5\n  Filter (gt #1 2)\n    Datatable 5 rows\n");
}

TEST_CASE("RunPlan feeds Scan sources from their tables' files, a join's build side first", "[interp][operators]") {
  const test::TempDir dir;  // per process: test runs may overlap
  const auto write = [&dir](const char* name, const char* text) {
    const std::string path = (dir.path / name).string();
    std::FILE* f = std::fopen(path.c_str(), "w");
    REQUIRE(f);
    std::fputs(text, f);
    std::fclose(f);
    return path;
  };
  const std::string procs = write("huntc-interp-procs.jsonl",
                                  "{\"DeviceId\": \"d1\", \"FileName\": \"a.exe\"}\n{\"DeviceId\": \"d2\", \"FileName\": \"b.exe\"}\n");
  const std::string devices = write("huntc-interp-devices.jsonl",
                                    "{\"DeviceId\": \"d1\", \"OSPlatform\": \"Windows10\"}\n{\"DeviceId\": \"d3\", \"OSPlatform\": \"Linux\"}\n");
  auto left = Scan("DeviceProcessEvents", {{"DeviceId", Type::String}, {"FileName", Type::String}});
  auto right = Scan("DeviceInfo", {{"DeviceId", Type::String}, {"OSPlatform", Type::String}});
  auto plan = HashJoin(std::move(left), std::move(right), JoinKind::LeftOuter, {0}, {0}, {0, 1}, {1},
                       {"DeviceId", "FileName", "OSPlatform"});
  CollectSink sink(plan->schema);
  RunStats stats;
  RunPlan(*plan, {{procs, "DeviceProcessEvents"}, {devices, "DeviceInfo"}}, 0, sink, [](const InputIssue&) {}, stats);
  CHECK(sink.finished());
  CHECK(Rows(sink.result(), true) == std::vector<std::string>{R"("d1" | "a.exe" | "Windows10")", R"("d2" | "b.exe" | "")"});
  CHECK(stats.files == 2);
  CHECK(stats.read.records == 4);

  // RunPlans: a scan of other columns of the same table and the join share one read; the
  // join's probe side then waits for a second round of reading, which reads its file.
  auto names = Scan("DeviceProcessEvents", {{"FileName", Type::String}});
  auto joined = HashJoin(Scan("DeviceProcessEvents", {{"DeviceId", Type::String}, {"FileName", Type::String}}),
                         Scan("DeviceInfo", {{"DeviceId", Type::String}, {"OSPlatform", Type::String}}),
                         JoinKind::LeftOuter, {0}, {0}, {0, 1}, {1}, {"DeviceId", "FileName", "OSPlatform"});
  auto counted = Count(Scan("DeviceInfo", {{"OSPlatform", Type::String}}));
  CollectSink names_sink(names->schema), joined_sink(joined->schema), counted_sink(counted->schema);
  std::vector<PlanRun> runs{{names.get(), &names_sink}, {joined.get(), &joined_sink}, {counted.get(), &counted_sink}};
  RunStats shared;
  RunPlans(runs, {{procs, "DeviceProcessEvents"}, {devices, "DeviceInfo"}}, PlanRunOptions{}, [](const InputIssue&) {}, shared);
  CHECK(Rows(names_sink.result(), true) == std::vector<std::string>{R"("a.exe")", R"("b.exe")"});
  CHECK(Rows(joined_sink.result(), true) == Rows(sink.result(), true));
  CHECK(Rows(counted_sink.result(), true) == std::vector<std::string>{"2"});
  CHECK(shared.files == 3);  // both files once, shared; the probe side's file again
  CHECK(shared.read.records == 6);

  // With keep_bytes, the probe side keeps its rows from the first read: each file is read once.
  // When its rows pass the bound, it reads its file again in its round. The rows are the same.
  for (const uint64_t keep_bytes : {uint64_t{1} << 20, uint64_t{1}}) {
    INFO("keep_bytes " << keep_bytes);
    CollectSink names_kept(names->schema), joined_kept(joined->schema), counted_kept(counted->schema);
    std::vector<PlanRun> kept_runs{{names.get(), &names_kept}, {joined.get(), &joined_kept}, {counted.get(), &counted_kept}};
    PlanRunOptions options;
    options.keep_bytes = keep_bytes;
    RunStats kept;
    RunPlans(kept_runs, {{procs, "DeviceProcessEvents"}, {devices, "DeviceInfo"}}, options, [](const InputIssue&) {}, kept);
    CHECK(Rows(names_kept.result(), true) == Rows(names_sink.result(), true));
    CHECK(Rows(joined_kept.result(), true) == Rows(sink.result(), true));
    CHECK(Rows(counted_kept.result(), true) == Rows(counted_sink.result(), true));
    CHECK(kept.files == (keep_bytes > 1 ? 2 : 3));
    CHECK(kept.read.records == (keep_bytes > 1 ? 4 : 6));
  }
  std::filesystem::remove(procs);
  std::filesystem::remove(devices);
}

// --- mv-apply and make-series (runtime/exec/apply.cpp) ---

namespace {

// name:string, l:dynamic
PlanPtr Lists() {
  return Datatable({{"name", Type::String}, {"l", Type::Dynamic}},
                   {{S("a"), D("[3, 1, 2]")}, {S("b"), D("[]")}, {S("c"), D("[9, 8]")}});
}

// The subplan of an mv-apply over Lists(): the row's `l` expanded as longs, then `rest`.
template <class F>
PlanPtr ApplyOverLists(F rest, std::vector<int> kept) {
  PlanPtr rows = MvExpand(ApplyInput(Lists()->schema), {{1, Type::Long, false}}, 2147483647, "i");
  return MvApply(Lists(), rest(std::move(rows)), std::move(kept));
}

}  // namespace

TEST_CASE("MvApply runs the subplan over each row's items alone", "[interp][operators]") {
  // mv-apply doc: "applies a subquery to each record, and returns the union of the results of
  // all subqueries"; the docs' example `mv-apply element=l to typeof(long) on (top 1 by
  // element)` keeps each row's largest element.
  auto top = ApplyOverLists([](PlanPtr rows) { return Top(std::move(rows), 1, {SortKey::Desc(1)}); }, {});
  CHECK(Rows(Run(*top)) == std::vector<std::string>{R"("a" | 3 | 0)", R"("c" | 9 | 0)"});
  // A subquery that returns nothing for a row (b's empty array) drops that row; the input
  // columns the subquery does not output come first.
  auto filtered = ApplyOverLists(
      [](PlanPtr rows) {
        PlanPtr kept = Filter(std::move(rows), F(Fn::Gt, Type::Bool, {Col(1, Type::Long), Lng(1)}));
        return Project(std::move(kept), {{"e", Col(1, Type::Long)}, {"i", Col(2, Type::Long)}});
      },
      {0});
  CHECK(Rows(Run(*filtered)) ==
        std::vector<std::string>{R"("a" | 3 | 0)", R"("a" | 2 | 2)", R"("c" | 9 | 0)", R"("c" | 8 | 1)"});
  CHECK(filtered->schema.size() == 3);
  // A summarize inside sees only the row's items: one result row per input row, b's over no
  // items (count 0).
  auto counted = ApplyOverLists(
      [](PlanPtr rows) {
        return Aggregate(std::move(rows), {}, {Agg(AggKind::Sum, {Col(1, Type::Long)}, "s"), Agg(AggKind::Count, {}, "n")});
      },
      {0});
  CHECK(Rows(Run(*counted)) == std::vector<std::string>{R"("a" | 6 | 3)", R"("b" | 0 | 0)", R"("c" | 17 | 2)"});
}

TEST_CASE("MakeSeries lays each group's bins out over the whole axis", "[interp][operators]") {
  // make-series doc: one row per `by` group with an array per aggregation over every bin of
  // the axis; "default: a default value to use instead of absent values"; the axis column holds
  // the bins' start values; `from`..`to` is right-exclusive. Events(): alice at 10:15, 11:05
  // (n null), 12:00; bob at 10:45; carol at 11:30.
  auto binned = Aggregate(Events(), {{"user", kUser}, {"ts", F(Fn::Bin, Type::DateTime, {kTs, Ts(kHour)})}},
                          {Agg(AggKind::Count, {}, "count"), Agg(AggKind::Sum, {kN}, "total")});
  // from = now() - 15h, evaluated once (`from ago(15h)`), with now = 2026-11-20T00:00Z.
  auto plan = MakeSeries(std::move(binned), 1, F(Fn::Sub, Type::DateTime, {Expr::Now(), Ts(15 * kHour)}),
                         Dt("2026-11-19T13:00:00Z"), Value::Integer(Type::TimeSpan, kHour), {L(0), L(-1)},
                         {"user", "ts", "count", "total"});
  CHECK(plan->schema[1].name == "count");
  CHECK(plan->schema[3].name == "ts");
  const std::vector<std::string> rows = Rows(Run(*plan, *ParseDateTime("2026-11-20T00:00:00Z")));
  REQUIRE(rows.size() == 3);
  const std::string axis =
      R"(["2026-11-19T09:00:00.0000000Z","2026-11-19T10:00:00.0000000Z","2026-11-19T11:00:00.0000000Z","2026-11-19T12:00:00.0000000Z"])";
  CHECK(rows[0] == R"("alice" | [0,1,1,1] | [-1,3,0,7] | )" + axis);
  CHECK(rows[1] == R"("bob" | [0,1,0,0] | [-1,5,-1,-1] | )" + axis);
  // Without from/to the axis runs from the first bin seen to the last, over every group.
  auto open = MakeSeries(Aggregate(Events(), {{"ts", F(Fn::Bin, Type::DateTime, {kTs, Ts(kHour)})}},
                                   {Agg(AggKind::Count, {}, "count")}),
                         0, Null(Type::DateTime), Null(Type::DateTime), Value::Integer(Type::TimeSpan, kHour), {L(0)},
                         {"ts", "count"});
  CHECK(Rows(Run(*open)) ==
        std::vector<std::string>{
            R"([2,2,1] | ["2026-11-19T10:00:00.0000000Z","2026-11-19T11:00:00.0000000Z","2026-11-19T12:00:00.0000000Z"])"});
}

namespace {

// `plan` under a projection of each of its columns: the same rows, but a filter over it is no
// longer right above the join or mv-expand, which then makes every row whole.
PlanPtr Identity(PlanPtr plan) {
  std::vector<NamedExpr> columns;
  for (size_t c = 0; c < plan->schema.size(); ++c) {
    columns.push_back({plan->schema[c].name, Col(static_cast<int>(c), plan->schema[c].type)});
  }
  return Project(std::move(plan), std::move(columns));
}

// key: i % keys, v: i, s: "<prefix>i"
PlanPtr Numbered(size_t rows, int64_t keys, const std::string& prefix) {
  std::vector<std::vector<Value>> values;
  for (size_t i = 0; i < rows; ++i) {
    const auto n = static_cast<int64_t>(i);
    values.push_back({L(n % keys), L(n), S(prefix + std::to_string(n))});
  }
  return Datatable({{"key", Type::Long}, {"v", Type::Long}, {"s", Type::String}}, std::move(values));
}

}  // namespace

TEST_CASE("a join right under a filter tests its matches before making them whole: the filter's rows, across batches",
          "[interp][operators][join]") {
  // (v + v1) % 5 == 0, or the right side is null-filled (an outer join's unmatched rows)
  const Expr sum = F(Fn::Add, Type::Long, {Col(1, Type::Long), Col(4, Type::Long)});
  const Expr predicate = F(Fn::Or, Type::Bool, {F(Fn::IsNull, Type::Bool, {Col(4, Type::Long)}),
                                                F(Fn::Eq, Type::Bool, {F(Fn::Mod, Type::Long, {sum, Lng(5)}), Lng(0)})});
  for (JoinKind kind : {JoinKind::Inner, JoinKind::InnerUnique, JoinKind::LeftOuter, JoinKind::RightOuter, JoinKind::FullOuter}) {
    INFO(static_cast<int>(kind));
    const auto join = [&] {
      // keys 0..8 on the left, 0..10 on the right: each side has rows the other lacks
      return HashJoin(Numbered(3000, 9, "l"), Numbered(700, 11, "r"), kind, {0}, {0}, {0, 1, 2}, {0, 1, 2},
                      {"key", "v", "s", "key1", "v1", "s1"});
    };
    const std::vector<std::string> fused = Rows(Run(*Filter(join(), predicate)), true);
    CHECK(fused.size() > (kind == JoinKind::InnerUnique ? 100 : 4096));  // innerunique: one left row per key
    CHECK(fused == Rows(Run(*Filter(Identity(join()), predicate)), true));
  }
}

TEST_CASE("mv-expand right under a filter tests its items before making rows whole: the filter's rows, across batches",
          "[interp][operators]") {
  std::vector<std::vector<Value>> values;
  for (int64_t i = 0; i < 5000; ++i) {
    std::string items = "[";
    for (int64_t k = 0; k < i % 7; ++k) {
      if (k) items += ',';
      items += std::to_string(k);
    }
    values.push_back({L(i), i % 11 == 0 ? N(Type::Dynamic) : D(items + "]"), S("row" + std::to_string(i))});
  }
  const auto expand = [&] {
    return MvExpand(Datatable({{"id", Type::Long}, {"items", Type::Dynamic}, {"s", Type::String}}, values),
                    {{1, Type::Long, false}}, 2147483647, "i");
  };
  // reads an expanded column and another: items > 1 and id % 3 != 0, or the item is null
  const Expr predicate = F(
      Fn::Or, Type::Bool,
      {F(Fn::IsNull, Type::Bool, {Col(1, Type::Long)}),
       F(Fn::And, Type::Bool,
         {F(Fn::Gt, Type::Bool, {Col(1, Type::Long), Lng(1)}),
          F(Fn::Not, Type::Bool, {F(Fn::Eq, Type::Bool, {F(Fn::Mod, Type::Long, {Col(0, Type::Long), Lng(3)}), Lng(0)})})})});
  const std::vector<std::string> fused = Rows(Run(*Filter(expand(), predicate)));
  CHECK(fused.size() > 4096);
  CHECK(fused == Rows(Run(*Filter(Identity(expand()), predicate))));
  // the item index is an expanded column too
  const Expr by_index = F(Fn::Eq, Type::Bool, {Col(3, Type::Long), Lng(2)});
  CHECK(Rows(Run(*Filter(expand(), by_index))) == Rows(Run(*Filter(Identity(expand()), by_index))));
}
