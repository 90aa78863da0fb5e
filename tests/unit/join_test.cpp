// The hash join's build table (runtime/exec/join_table.h) and the join and mv-expand operators
// over generated tables: every join kind against a nested-loop reference keyed as EncodeKey
// keys rows, with duplicate, null and empty keys on both sides, keys of several columns and
// types, dynamic keys, build sides arriving dense and sparse, and build sides of many rows.
#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>
#include <random>
#include <set>

#include "runtime/exec/execution.h"
#include "runtime/exec/join_table.h"
#include "runtime/exec/json.h"
#include "runtime/exec/plan.h"
#include "runtime/exec/rows.h"
#include "tests/unit/interp_util.h"

using namespace huntc;
using namespace huntc::exec;
using namespace huntc::exec::testing;

namespace {

// prefix followed by n (built so, as GCC 12 warns about a literal + std::string; -Wrestrict).
std::string Numbered(const char* prefix, int64_t n) {
  std::string s = prefix;
  s += std::to_string(n);
  return s;
}

const std::vector<JoinKind> kAllKinds = {JoinKind::InnerUnique, JoinKind::Inner,     JoinKind::LeftOuter,
                                         JoinKind::RightOuter,  JoinKind::FullOuter, JoinKind::LeftSemi,
                                         JoinKind::LeftAnti,    JoinKind::RightSemi, JoinKind::RightAnti};

// The key of a row as the join kept it before the typed table: EncodeKey's bytes of each key
// column, or none when one is null.
std::optional<std::string> EncodedKey(const Batch& b, size_t row, const std::vector<int>& keys) {
  std::string key;
  for (int c : keys) {
    if (b.columns[static_cast<size_t>(c)].IsNull(row)) return std::nullopt;
    EncodeKey(b.columns[static_cast<size_t>(c)], row, key);
  }
  return key;
}

// The join's result by nested loops over the whole tables: left rows in order, each with its
// matches in build order, then the build rows the kind outputs at the end.
Batch ReferenceJoin(const Batch& left, const Batch& right, JoinKind kind, const std::vector<int>& lk,
                    const std::vector<int>& rk, const std::vector<int>& lo, const std::vector<int>& ro,
                    const std::vector<ColumnSpec>& schema) {
  Batch out(schema);
  const auto emit = [&](const Batch* l, size_t lrow, std::optional<size_t> rrow) {
    size_t c = 0;
    for (int x : lo) l ? out.columns[c++].AppendFrom(l->columns[static_cast<size_t>(x)], lrow) : out.columns[c++].AppendNull();
    for (int x : ro) rrow ? out.columns[c++].AppendFrom(right.columns[static_cast<size_t>(x)], *rrow) : out.columns[c++].AppendNull();
  };
  std::vector<std::optional<std::string>> right_keys;
  for (size_t r = 0; r < right.rows(); ++r) right_keys.push_back(EncodedKey(right, r, rk));
  std::set<std::string> seen, matched;
  for (size_t l = 0; l < left.rows(); ++l) {
    const std::optional<std::string> key = EncodedKey(left, l, lk);
    if (kind == JoinKind::InnerUnique && (!key || !seen.insert(*key).second)) continue;
    std::vector<size_t> matches;
    for (size_t r = 0; key && r < right.rows(); ++r) {
      if (right_keys[r] == key) matches.push_back(r);
    }
    if (!matches.empty()) matched.insert(*key);
    switch (kind) {
      case JoinKind::LeftSemi:
        if (!matches.empty()) emit(&left, l, std::nullopt);
        break;
      case JoinKind::LeftAnti:
        if (matches.empty()) emit(&left, l, std::nullopt);
        break;
      case JoinKind::RightSemi:
      case JoinKind::RightAnti: break;
      default:
        for (size_t r : matches) emit(&left, l, r);
        if (matches.empty() && (kind == JoinKind::LeftOuter || kind == JoinKind::FullOuter)) emit(&left, l, std::nullopt);
    }
  }
  if (kind == JoinKind::RightOuter || kind == JoinKind::FullOuter || kind == JoinKind::RightSemi || kind == JoinKind::RightAnti) {
    for (size_t r = 0; r < right.rows(); ++r) {
      const bool was_matched = right_keys[r] && matched.count(*right_keys[r]) > 0;
      if (was_matched == (kind == JoinKind::RightSemi)) emit(nullptr, 0, r);
    }
  }
  return out;
}

// A table of `rows` rows whose key columns repeat a few values, with nulls and empty strings:
// s:string, i:int, l:long, r:real, d:dynamic, b:bool, t:datetime, then id:long (the row number).
PlanPtr KeyTable(size_t rows, unsigned seed, size_t distinct) {
  std::mt19937 rng(seed);
  const auto pick = [&](size_t n) { return static_cast<int64_t>(rng() % n); };
  const std::vector<std::string> dyn = {"1", "\"a\"", "[1,2]", "{\"k\":\"v\"}", "\"\""};
  std::vector<std::vector<Value>> values;
  for (size_t n = 0; n < rows; ++n) {
    const bool null = pick(10) == 0;
    const int64_t v = pick(static_cast<int64_t>(distinct));
    values.push_back({null && pick(2) ? N(Type::String) : S(v == 0 ? "" : Numbered("s", v)),
                      null ? N(Type::Int) : Value::Integer(Type::Int, pick(3)),
                      pick(12) == 0 ? N(Type::Long) : L(v % 4),
                      pick(12) == 0 ? N(Type::Real) : R(v % 3 == 0 ? (pick(2) ? 0.0 : -0.0) : 0.5 * static_cast<double>(v % 3)),
                      pick(12) == 0 ? N(Type::Dynamic) : D(dyn[static_cast<size_t>(v) % dyn.size()]),
                      Value::Integer(Type::Bool, pick(2)),
                      Value::Integer(Type::DateTime, 1000 * (v % 5)),
                      L(static_cast<int64_t>(n))});
  }
  return Datatable({{"s", Type::String}, {"i", Type::Int}, {"l", Type::Long}, {"r", Type::Real}, {"d", Type::Dynamic},
                    {"b", Type::Bool}, {"t", Type::DateTime}, {"id", Type::Long}},
                   std::move(values));
}

// The rows of `plan` with id % `every` == 0 when `every` > 1: with 2 a batch keeps half its rows
// (copied whole into the build table), with 8 few (appended to a chunk of their own).
PlanPtr Thinned(PlanPtr plan, int64_t every) {
  if (every <= 1) return plan;
  const Expr id = Col(7, Type::Long);
  return Filter(std::move(plan), F(Fn::Eq, Type::Bool, {F(Fn::Mod, Type::Long, {id, Lng(every)}), Lng(0)}));
}

// The same rows in the same order; on a difference, says the first one instead of printing both
// whole lists (Catch takes minutes over thousands of rows).
void CheckSameRows(const std::vector<std::string>& got, const std::vector<std::string>& want) {
  CHECK(got.size() == want.size());
  const auto [g, w] = std::mismatch(got.begin(), got.end(), want.begin(), want.end());
  INFO("the first row that differs, the join's then the reference's");
  CHECK((g == got.end() ? std::string("(none)") : *g) == (w == want.end() ? std::string("(none)") : *w));
}

struct JoinCase {
  std::vector<int> left_keys, right_keys;
};

// Runs every kind of join of a left and a right KeyTable on the keys given and compares each
// with the reference, row for row and in order.
void CheckAgainstReference(size_t left_rows, size_t right_rows, size_t distinct, int64_t thin, const JoinCase& keys) {
  const auto left = [&] { return KeyTable(left_rows, 1, distinct); };
  const auto right = [&] { return Thinned(KeyTable(right_rows, 2, distinct), thin); };
  const Batch left_rows_all = Run(*left());
  const Batch right_rows_all = Run(*right());
  for (JoinKind kind : kAllKinds) {
    INFO("kind " << static_cast<int>(kind) << ", thinned by " << thin);
    const bool left_only = kind == JoinKind::LeftSemi || kind == JoinKind::LeftAnti;
    const bool right_only = kind == JoinKind::RightSemi || kind == JoinKind::RightAnti;
    std::vector<int> lo, ro;
    std::vector<std::string> names;
    if (!right_only) lo = {7, keys.left_keys[0]};
    if (!left_only) ro = {7, 0, 3};  // the id, a string and a real column of the build side
    for (size_t i = 0; i < lo.size() + ro.size(); ++i) names.push_back(Numbered("c", static_cast<int64_t>(i)));
    auto plan = HashJoin(left(), right(), kind, keys.left_keys, keys.right_keys, lo, ro, names);
    const Batch got = Run(*plan);
    const Batch want = ReferenceJoin(left_rows_all, right_rows_all, kind, keys.left_keys, keys.right_keys, lo, ro, plan->schema);
    CheckSameRows(Rows(got), Rows(want));
  }
}

}  // namespace

TEST_CASE("join table: typed keys, an int equals a long and a bool, -0.0 equals 0.0, nulls have no key", "[join]") {
  Batch b({{"i", Type::Int}, {"l", Type::Long}, {"b", Type::Bool}, {"r", Type::Real}, {"s", Type::String}});
  b.columns[0].AppendInt(1);
  b.columns[1].AppendLong(1);
  b.columns[2].AppendBool(true);
  b.columns[3].AppendReal(-0.0);
  b.columns[4].AppendString("");
  b.columns[0].AppendNull();
  b.columns[1].AppendLong(2);
  b.columns[2].AppendBool(false);
  b.columns[3].AppendReal(0.0);
  b.columns[4].AppendNull();
  std::vector<uint64_t> h0, h1, h2;
  std::vector<uint8_t> k0, k1, k2;
  KeyHashes(RowSet::All(b), {0}, h0, k0);
  KeyHashes(RowSet::All(b), {1}, h1, k1);
  KeyHashes(RowSet::All(b), {2}, h2, k2);
  CHECK(h0[0] == h1[0]);
  CHECK(h1[0] == h2[0]);
  CHECK(k0 == std::vector<uint8_t>{1, 0});  // a null int has no key
  std::vector<uint64_t> hr;
  std::vector<uint8_t> kr, ks;
  KeyHashes(RowSet::All(b), {3}, hr, kr);
  CHECK(hr[0] == hr[1]);
  CHECK(kr == std::vector<uint8_t>{1, 1});
  KeyHashes(RowSet::All(b), {4}, hr, ks);
  // strings are never null (kql-semantics.md): a null one is "", a key like any other
  CHECK(ks == std::vector<uint8_t>{1, 1});
  CHECK(hr[0] == hr[1]);

  // A table keyed on the long column finds the int and the bool of equal value.
  JoinTable table(b.specs, {1, 4}, {1}, false);
  table.Add(RowSet::All(b));
  CHECK(table.entry_count() == 2);
  CHECK(table.Find(b, 0, {0}, h0[0]) != JoinTable::kNone);
  CHECK(table.Find(b, 0, {2}, h2[0]) != JoinTable::kNone);
  CHECK(table.Find(b, 1, {2}, h2[1]) == JoinTable::kNone);  // false is 0, no long is

  CHECK(KeysComparable({Type::Int, Type::String}, {Type::Long, Type::Dynamic}));
  CHECK(KeysComparable({Type::DateTime}, {Type::Long}));
  CHECK_FALSE(KeysComparable({Type::Long}, {Type::Real}));
  CHECK_FALSE(KeysComparable({Type::String}, {Type::Long}));
}

TEST_CASE("join table: rows of a key chain in the order they came, across dense and sparse batches", "[join]") {
  Batch b({{"k", Type::Long}, {"v", Type::Long}});
  for (int64_t i = 0; i < 100; ++i) {
    b.columns[0].AppendLong(i % 3);
    b.columns[1].AppendLong(i);
  }
  JoinTable table(b.specs, {0, 1}, {0}, false);
  table.Add(RowSet::All(b));  // dense: copied whole
  std::vector<uint32_t> few = {5, 8, 11};
  table.Add(RowSet{&b, few.data(), few.size()});  // sparse: appended to a chunk
  std::vector<uint64_t> hashes;
  std::vector<uint8_t> keyed;
  KeyHashes(RowSet::All(b), {0}, hashes, keyed);
  const uint32_t entry = table.Find(b, 2, {0}, hashes[2]);
  REQUIRE(entry != JoinTable::kNone);
  std::vector<int64_t> values;
  for (uint32_t id = table.First(entry); id != JoinTable::kNone; id = table.Next(id)) {
    const JoinTable::Row& row = table.rows()[id];
    values.push_back(table.ColumnOf(row, 1).LongAt(row.row));
  }
  std::vector<int64_t> want;
  for (int64_t i = 2; i < 100; i += 3) want.push_back(i);
  want.insert(want.end(), {5, 8, 11});
  CHECK(values == want);
}

TEST_CASE("join: every kind on one key of each type matches the reference, duplicates and nulls on both sides", "[join]") {
  for (int c : {0, 1, 2, 3, 4, 5, 6}) {
    INFO("key column " << c);
    CheckAgainstReference(300, 200, 6, 1, {{c}, {c}});
  }
}

TEST_CASE("join: every kind on keys of several columns and mixed types matches the reference", "[join]") {
  CheckAgainstReference(400, 300, 5, 1, {{0, 2, 4}, {0, 2, 4}});
  CheckAgainstReference(400, 300, 5, 1, {{3, 1}, {3, 1}});
  // an int key against a long one, a bool against a long, a datetime against a datetime
  CheckAgainstReference(400, 300, 5, 1, {{1, 5, 6}, {2, 2, 6}});
}

TEST_CASE("join: the build side arriving thinned by a filter (sparse batches) matches the reference", "[join]") {
  for (int64_t thin : {2, 8}) CheckAgainstReference(3000, 9000, 40, thin, {{0, 2}, {0, 2}});
}

TEST_CASE("join: keys of different kinds (a long and a real) never match", "[join]") {
  auto l = Datatable({{"k", Type::Long}}, {{L(0)}, {L(1)}});
  auto r = Datatable({{"k", Type::Real}}, {{R(0.0)}, {R(1.0)}});
  CHECK(Run(*HashJoin(std::move(l), std::move(r), JoinKind::Inner, {0}, {0}, {0}, {0}, {"k", "k1"})).rows() == 0);
  auto l2 = Datatable({{"k", Type::Long}}, {{L(0)}, {L(1)}});
  auto r2 = Datatable({{"k", Type::Real}}, {{R(0.0)}});
  CHECK(Run(*HashJoin(std::move(l2), std::move(r2), JoinKind::RightAnti, {0}, {0}, {}, {0}, {"k"})).rows() == 1);
}

TEST_CASE("join: a build side of 300,000 rows, whole and thinned, and its probe", "[join]") {
  // key: i % 50,000 on the build side, so each key has 6 rows; the probe side has keys 0..1,999
  // once each, then 100,000 keys no build row has.
  const auto numbered = [](size_t rows, int64_t keys, int64_t offset) {
    std::vector<std::vector<Value>> values;
    for (size_t i = 0; i < rows; ++i) {
      const auto n = static_cast<int64_t>(i);
      values.push_back({L(offset + n % keys), S(Numbered("v", n))});
    }
    return Datatable({{"k", Type::Long}, {"v", Type::String}}, std::move(values));
  };
  for (int64_t thin : {1, 3}) {
    INFO("thinned by " << thin);
    const auto build = [&] {
      PlanPtr plan = numbered(300000, 50000, 0);
      if (thin > 1) {
        // keeps the rows whose key is a multiple of 3, a third of each batch: the build table
        // appends them to chunks of their own (100,002 rows, more than one chunk)
        plan = Filter(std::move(plan), F(Fn::Eq, Type::Bool, {F(Fn::Mod, Type::Long, {Col(0, Type::Long), Lng(3)}), Lng(0)}));
      }
      return plan;
    };
    const auto probe = [&] {
      std::vector<PlanPtr> parts;
      parts.push_back(numbered(2000, 2000, 0));
      parts.push_back(numbered(100000, 100000, 1000000));
      return Union(std::move(parts));
    };
    const size_t matched_keys = thin > 1 ? 667 : 2000;  // of 0..1,999 (multiples of 3)
    const size_t build_rows = thin > 1 ? 16667 * 6 : 300000;
    const Batch inner = Run(*HashJoin(probe(), build(), JoinKind::Inner, {0}, {0}, {0}, {1}, {"k", "v1"}));
    CHECK(inner.rows() == matched_keys * 6);
    // each probe key's 6 build rows come in build order: v<k>, v<k+50000>, ...; the first key
    // matched is 0, and the second 1 or 3
    REQUIRE(inner.rows() >= 12);
    CHECK(inner.columns[1].StringAt(0) == "v0");
    CHECK(inner.columns[1].StringAt(5) == "v250000");
    CHECK(inner.columns[1].StringAt(11) == (thin > 1 ? "v250003" : "v250001"));
    const Batch anti = Run(*HashJoin(probe(), build(), JoinKind::LeftAnti, {0}, {0}, {0}, {}, {"k"}));
    CHECK(anti.rows() == 102000 - matched_keys);
    const Batch right_anti = Run(*HashJoin(probe(), build(), JoinKind::RightAnti, {0}, {0}, {}, {0}, {"k"}));
    CHECK(right_anti.rows() == build_rows - matched_keys * 6);
  }
}

TEST_CASE("mv-expand: the columns not expanded, of every type, come with each item of their row, across batches",
          "[mv-expand]") {
  std::vector<std::vector<Value>> values;
  size_t items = 0;
  for (int64_t i = 0; i < 3000; ++i) {
    std::string list = "[";
    for (int64_t k = 0; k < i % 5; ++k) list += Numbered(k ? "," : "", i * 10 + k);
    items += static_cast<size_t>(i % 5);
    values.push_back({L(i), D(list + "]"), i % 7 == 0 ? N(Type::String) : S(Numbered("row", i)), R(0.5 * static_cast<double>(i)),
                      Value::Integer(Type::Bool, i % 2), Value::Integer(Type::DateTime, i * 1000), i % 9 == 0 ? N(Type::Int) : Value::Integer(Type::Int, i)});
  }
  auto plan = MvExpand(Datatable({{"id", Type::Long}, {"items", Type::Dynamic}, {"s", Type::String}, {"r", Type::Real},
                                  {"b", Type::Bool}, {"t", Type::DateTime}, {"n", Type::Int}},
                                 values),
                       {{1, Type::Long, false}}, 2147483647, "j");
  const Batch b = Run(*plan);
  REQUIRE(b.rows() == items);
  size_t bad = 0;
  for (size_t r = 0; r < b.rows(); ++r) {
    const int64_t id = b.columns[0].LongAt(r);
    const int64_t j = b.columns[7].LongAt(r);
    const bool ok = b.columns[1].LongAt(r) == id * 10 + j && j < id % 5 &&
                    Render(b.columns[2], r) == (id % 7 == 0 ? "\"\"" : Numbered("\"row", id) + "\"") &&
                    b.columns[3].RealAt(r) == 0.5 * static_cast<double>(id) && b.columns[4].BoolAt(r) == (id % 2 == 1) &&
                    b.columns[5].LongAt(r) == id * 1000 && (id % 9 == 0 ? b.columns[6].IsNull(r) : b.columns[6].IntAt(r) == id);
    bad += !ok;
  }
  CHECK(bad == 0);
}

TEST_CASE("SplitScalarArray: compact scalar arrays are cut into their items' JSON, anything else is left to the parser",
          "[mv-expand]") {
  std::vector<std::string_view> items;
  for (const std::string text :
       {R"([])", R"( [ ] )", R"(["a","",1,-5,0,123456789012345678,true,false,null])", "[ \"x\" ,\t2\n,\r\"y\" ]",
        R"(["q\"uote","back\\slash","\n\r\t","\u0001\u001f\u0000","caf)" "\xc3\xa9" R"("])"}) {
    INFO(text);
    const std::optional<Json> parsed = Json::Parse(text);
    REQUIRE(parsed);
    REQUIRE(SplitScalarArray(text, items));
    REQUIRE(items.size() == parsed->items().size());
    for (size_t i = 0; i < items.size(); ++i) CHECK(std::string(items[i]) == parsed->items()[i].Serialize());
  }
  for (const std::string text :
       {"", "1", R"("s")", R"({"a":1})", "[[1]]", R"([{"a":1}])", "[1.5]", "[1e3]", "[-0]", "[01]", "[1234567890123456789]",
        R"(["\/"])", R"(["\u0041"])", R"(["\u000a"])", R"(["\u001F"])", R"(["\b"])", "[1,]", "[,1]", "[1 2]", "[", "[\"a",
        "[tru]", "[truex]", "[1]x", "[\"\x01\"]", "[\"\xc3\"]", "[\"\xff\"]"}) {
    INFO(text);
    CHECK_FALSE(SplitScalarArray(text, items));
  }
}

TEST_CASE("mv-expand of compact scalar arrays gives what the parsed tree gives, for every to typeof(), with index and limit",
          "[mv-expand]") {
  // Each list, as it is (cut into its items' texts) and with a nested array after its items
  // (parsed): the rows of the second, less the nested array's, are those of the first.
  const std::vector<std::string> lists = {
      R"(["a","b c","",7,-12,123456789012345678,true,false,null,"q\"t","C:\\Windows\\x.exe","\n\t\r","\u0002\u001e","caf)"
      "\xc3\xa9" R"("])",
      R"([1,2,3])", R"(["2", "x" ,null])", "[]", R"([true])"};
  std::vector<std::vector<Value>> as_is, parsed;
  for (size_t i = 0; i < lists.size(); ++i) {
    const std::string& list = lists[i];
    as_is.push_back({L(static_cast<int64_t>(i)), D(list)});
    parsed.push_back({L(static_cast<int64_t>(i)), D(list.substr(0, list.size() - 1) + (list == "[]" ? "[0]]" : ",[0]]"))});
  }
  as_is.push_back({L(99), N(Type::Dynamic)});
  parsed.push_back({L(99), N(Type::Dynamic)});
  const std::vector<ColumnSpec> schema = {{"id", Type::Long}, {"d", Type::Dynamic}};
  for (const Type to : {Type::Dynamic, Type::String, Type::Long, Type::Int, Type::Real, Type::Bool, Type::DateTime}) {
    for (const uint64_t limit : {uint64_t{2147483647}, uint64_t{2}}) {
      INFO(TypeName(to) << ", limit " << limit);
      const Batch fast = Run(*MvExpand(Datatable(schema, as_is), {{1, to, false}}, limit, "i"));
      const Batch slow = Run(*MvExpand(Datatable(schema, parsed), {{1, to, false}}, limit, "i"));
      std::vector<std::string> expected;
      for (size_t r = 0; r < slow.rows(); ++r) {
        const auto id = static_cast<size_t>(slow.columns[0].LongAt(r));
        const int64_t index = slow.columns[2].LongAt(r);
        const bool nested = id < lists.size() && Json::Parse(lists[id])->items().size() == static_cast<size_t>(index);
        if (!nested) expected.push_back(Rows(slow)[r]);
      }
      CHECK(Rows(fast) == expected);
      CHECK(fast.rows() > 0);
    }
  }
}

TEST_CASE("a join whose build side is empty wants no probe rows unless it outputs unmatched left rows, and a reached limit none",
          "[join]") {
  const std::vector<ColumnSpec> schema = {{"k", Type::String}, {"v", Type::Long}};
  Batch probe(schema), some(schema), none(schema);
  for (const char* k : {"a", "b", "a"}) {
    probe.columns[0].AppendString(k);
    probe.columns[1].AppendLong(static_cast<int64_t>(probe.rows()));
  }
  some.columns[0].AppendString("a");
  some.columns[1].AppendLong(7);
  for (const JoinKind kind : kAllKinds) {
    const bool left_only = kind == JoinKind::LeftSemi || kind == JoinKind::LeftAnti;
    const bool right_only = kind == JoinKind::RightSemi || kind == JoinKind::RightAnti;
    const std::vector<int> lo = right_only ? std::vector<int>{} : std::vector<int>{0, 1};
    const std::vector<int> ro = left_only ? std::vector<int>{} : right_only ? std::vector<int>{0, 1} : std::vector<int>{1};
    std::vector<std::string> names = {"k", "v"};
    if (!left_only && !right_only) names.push_back("v1");
    for (const Batch* build : {&none, &some}) {
      INFO(JoinKindName(kind) << ", build rows " << build->rows());
      auto plan = HashJoin(Scan("L", schema), Scan("R", schema), kind, {0}, {0}, lo, ro, names);
      CollectSink sink(plan->schema);
      Execution e(*plan, 0, sink);
      REQUIRE(e.source_count() == 2);  // the build side first
      e.Push(0, *build);
      e.Finish(0);
      const bool unmatched_left = kind == JoinKind::LeftOuter || kind == JoinKind::FullOuter || kind == JoinKind::LeftAnti;
      CHECK(e.Wants(1) == (build->rows() > 0 || unmatched_left));
      e.Push(1, probe);
      e.Finish(1);
      CHECK(Rows(sink.result(), true) == Rows(ReferenceJoin(probe, *build, kind, {0}, {0}, lo, ro, plan->schema), true));
    }
  }
  auto limited = Limit(Scan("L", schema), 2);
  CollectSink sink(limited->schema);
  Execution e(*limited, 0, sink);
  CHECK(e.Wants(0));
  e.Push(0, probe);
  CHECK_FALSE(e.Wants(0));
  e.Push(0, probe);
  e.Finish(0);
  CHECK(sink.result().rows() == 2);
}
