// The multi-literal matcher must agree with the single-literal helpers of runtime/strings.h.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "runtime/batch.h"
#include "runtime/exec/eval.h"
#include "runtime/literal_matcher.h"
#include "runtime/strings.h"

using namespace huntc;
using Mode = LiteralMatcher::Mode;
using Literal = LiteralMatcher::Literal;

namespace {

// What the single-literal helper says about literal `l` in `s`.
bool Reference(std::string_view s, const Literal& l) {
  switch (l.mode) {
    case Mode::Term: return StrHas(s, l.text, l.case_sensitive);
    case Mode::Substring: return StrContains(s, l.text, l.case_sensitive);
    case Mode::Prefix: return StrStartsWith(s, l.text, l.case_sensitive);
    case Mode::Suffix: return StrEndsWith(s, l.text, l.case_sensitive);
    case Mode::Equals: return l.case_sensitive ? s == l.text : StrEqualCi(s, l.text);
  }
  return false;
}

std::unique_ptr<LiteralMatcher> Build(std::vector<Literal> literals) {
  std::string error;
  auto m = LiteralMatcher::Create(std::move(literals), error);
  INFO(error);
  REQUIRE(m);
  return m;
}

// Checks Match, MatchesAny and MatchesAll on `s` against the helpers, literal by literal.
void CheckAgrees(const LiteralMatcher& m, std::string_view s) {
  std::vector<uint64_t> bits;
  m.Match(s, bits);
  REQUIRE(bits.size() == (m.size() + 63) / 64);
  bool any = false, all = true;
  for (size_t id = 0; id < m.size(); ++id) {
    const bool want = Reference(s, m.literal(id));
    const bool got = (bits[id / 64] >> (id % 64)) & 1;
    if (got != want) {
      FAIL_CHECK("literal " << id << " '" << m.literal(id).text << "' mode " << int(m.literal(id).mode)
                            << " cs " << m.literal(id).case_sensitive << " on '" << std::string(s)
                            << "': matcher " << got << ", helper " << want);
    }
    any = any || want;
    all = all && want;
  }
  CHECK(m.MatchesAny(s) == any);
  CHECK(m.MatchesAll(s) == all);
}

// Short strings over a small alphabet so that literals occur often, at every kind of boundary:
// letters of both cases, digits, separators, a NUL, and the bytes of a UTF-8 letter (é) and its
// upper-case form (É), which ASCII folding must leave apart.
std::string RandomString(std::mt19937& rng, size_t max_length) {
  static const std::string alphabet = std::string("aAbBzZ09.- \\/_:") + '\0' + "\xc3\xa9\x89";
  std::uniform_int_distribution<size_t> length(0, max_length);
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::string s(length(rng), ' ');
  for (char& c : s) c = alphabet[pick(rng)];
  return s;
}

// `count` literals of every mode, with some letters' case flipped for the case-insensitive ones to
// find; half of them are cut from `values` (when given), so that they occur, the rest random.
std::vector<Literal> RandomLiterals(std::mt19937& rng, int count, const std::vector<std::string>& values) {
  std::uniform_int_distribution<int> mode(0, 4), coin(0, 1);
  std::vector<Literal> literals;
  for (int i = 0; i < count; ++i) {
    Literal l;
    if (!values.empty() && coin(rng)) {
      const std::string& v = values[rng() % values.size()];
      const size_t from = v.empty() ? 0 : rng() % v.size();
      l.text = v.substr(from, rng() % 6);
    } else {
      l.text = RandomString(rng, 4);
    }
    for (char& c : l.text) {
      if (std::isalpha(static_cast<unsigned char>(c)) && coin(rng)) c ^= 0x20;
    }
    l.mode = static_cast<Mode>(mode(rng));
    l.case_sensitive = coin(rng);
    literals.push_back(std::move(l));
  }
  return literals;
}

}  // namespace

TEST_CASE("literal matcher: has terms as StrHas does", "[runtime][strings][matcher]") {
  const auto m = Build({{"Explorer", Mode::Term, false},
                        {"cmd.exe", Mode::Term, false},
                        {".exe", Mode::Term, false},
                        {"pastebin", Mode::Term, true},
                        {"Kusto", Mode::Term, true}});
  std::vector<uint64_t> bits;
  m->Match("KustoExplorerQueryRun", bits);
  CHECK(bits[0] == 0);
  m->Match("C:\\Windows\\cmd.exe /c kusto", bits);
  CHECK(bits[0] == 0b00110);
  m->Match("https://pastebin.com/raw/x Kusto explorer", bits);
  CHECK(bits[0] == 0b11001);
  CHECK_FALSE(m->MatchesAny("notpastebinx.com"));
  CHECK(m->MatchesAny("run a.exe now"));
}

TEST_CASE("literal matcher: anchored modes and empty literals", "[runtime][strings][matcher]") {
  const auto m = Build({{"power", Mode::Prefix, false},
                        {".EXE", Mode::Suffix, false},
                        {"cmd.exe", Mode::Equals, false},
                        {"", Mode::Equals, true},
                        {"", Mode::Term, false},
                        {"-enc", Mode::Substring, true}});
  std::vector<uint64_t> bits;
  m->Match("PowerShell.exe -enc", bits);
  CHECK(bits[0] == 0b110001);
  m->Match("CMD.EXE", bits);
  CHECK(bits[0] == 0b010110);
  m->Match("", bits);
  CHECK(bits[0] == 0b011000);
  CHECK(m->MatchesAny("anything"));  // the empty term matches every value
  CHECK_FALSE(m->MatchesAll("anything"));
}

TEST_CASE("literal matcher: no literals", "[runtime][strings][matcher]") {
  const auto m = Build({});
  CHECK_FALSE(m->MatchesAny("x"));
  CHECK(m->MatchesAll("x"));
}

TEST_CASE("literal matcher: a serialised database gives the same matches", "[runtime][strings][matcher]") {
  const std::vector<Literal> literals = {{"powershell", Mode::Term, false}, {"-enc", Mode::Substring, false},
                                         {"", Mode::Equals, false}, {"EXE", Mode::Suffix, true}};
  std::string error;
  const auto compiled = LiteralMatcher::Create(literals, error);
  REQUIRE(compiled);
  const std::string database = compiled->Serialize();
  REQUIRE_FALSE(database.empty());
  const auto loaded = LiteralMatcher::Deserialize(literals, database, error);
  REQUIRE(loaded);
  std::vector<uint64_t> want, got;
  for (const char* s : {"", "PowerShell -EncodedCommand x", "a.EXE", "a.exe", "powershellx"}) {
    compiled->Match(s, want);
    loaded->Match(s, got);
    CHECK(want == got);
  }
  // Bytes that are not a database, and a database for literals that are all empty, are refused.
  CHECK_FALSE(LiteralMatcher::Deserialize(literals, "not a database", error));
  CHECK_FALSE(error.empty());
  CHECK_FALSE(LiteralMatcher::Deserialize({{"", Mode::Term, false}}, database, error));
  const auto all_empty = LiteralMatcher::Create({{"", Mode::Term, false}}, error);
  REQUIRE(all_empty);
  CHECK(all_empty->Serialize().empty());
  CHECK(LiteralMatcher::Deserialize({{"", Mode::Term, false}}, "", error));
}

TEST_CASE("literal matcher: agrees with the single-literal helpers on generated inputs",
          "[runtime][strings][matcher]") {
  std::mt19937 rng(20261122);
  std::uniform_int_distribution<int> list_size(1, 150);
  size_t scans = 0;
  for (int round = 0; round < 300; ++round) {
    std::vector<std::string> values;
    for (int i = 0; i < 120; ++i) values.push_back(RandomString(rng, 14));
    const auto m = Build(RandomLiterals(rng, list_size(rng), values));
    for (const std::string& v : values) {
      CheckAgrees(*m, v);
      ++scans;
    }
  }
  CHECK(scans == 300 * 120);
}

namespace {

// MatchValues over `count` values from value `first` of `column`, as each value's Match bits
// (value k relative to `first`).
std::vector<std::vector<uint64_t>> ValueBits(const LiteralMatcher& m, const Column& column, size_t first,
                                             size_t count) {
  const ColumnView view = column.View();
  std::vector<LiteralMatcher::ValueHit> hits;
  m.MatchValues(view.bytes, view.offsets + first, count, hits);
  std::vector<std::vector<uint64_t>> bits(count, std::vector<uint64_t>((m.size() + 63) / 64, 0));
  for (const LiteralMatcher::ValueHit& h : hits) {
    REQUIRE(h.value < count);
    REQUIRE(h.id < m.size());
    bits[h.value][h.id / 64] |= uint64_t{1} << (h.id % 64);
  }
  return bits;
}

}  // namespace

TEST_CASE("literal matcher: values end to end match as each alone, never across two",
          "[runtime][strings][matcher]") {
  // Every literal here occurs across the boundary of two neighbouring values, and the term and
  // anchored ones also inside a value, at its edges.
  const auto m = Build({{"bc", Mode::Substring, false},          // "ab" + "cd"
                        {"cmd", Mode::Term, false},               // "cmd" + "exe": a term at the value's end
                        {"exe", Mode::Prefix, true},              // at the start of a value only
                        {"dcm", Mode::Substring, true},           // "abcd" "cmd": across
                        {"", Mode::Equals, false},                // the empty values
                        {"X", Mode::Suffix, false},               // "...x" then "y"
                        {"cmdexe", Mode::Term, false}});          // "cmd" + "exe": never
  Column column(Type::String);
  for (const char* v : {"ab", "cd", "cmd", "exe", "", "ax", "y", "abcd", "cmd"}) column.AppendString(v);
  column.AppendNull();  // a null string is ""
  const auto bits = ValueBits(*m, column, 0, column.size());
  const std::vector<uint64_t> want = {0, 0, 0b10, 0b100, 0b10000, 0b100000, 0, 0b1, 0b10, 0b10000};
  REQUIRE(bits.size() == want.size());
  for (size_t v = 0; v < want.size(); ++v) {
    INFO("value " << v << " '" << std::string(column.StringAt(v)) << "'");
    CHECK(bits[v][0] == want[v]);
  }
  // From a value other than the first: values are numbered from there.
  const auto tail = ValueBits(*m, column, 3, 4);
  CHECK(tail == std::vector<std::vector<uint64_t>>(bits.begin() + 3, bits.begin() + 7));
  std::vector<LiteralMatcher::ValueHit> none;
  m->MatchValues(column.View().bytes, column.View().offsets, 0, none);
  CHECK(none.empty());
}

TEST_CASE("literal matcher: values end to end agree with Match on generated columns", "[runtime][strings][matcher]") {
  std::mt19937 rng(20261123);
  std::uniform_int_distribution<int> list_size(1, 100);
  size_t matched = 0;
  for (int round = 0; round < 100; ++round) {
    // Many short values, a fifth of them empty or null, so that literals often straddle two.
    Column column(Type::String);
    for (int i = 0; i < 500; ++i) {
      if (i % 10 == 0) {
        column.AppendNull();
      } else {
        column.AppendString(RandomString(rng, i % 10 == 5 ? 0 : 8));
      }
    }
    const auto m = Build(RandomLiterals(rng, list_size(rng), {}));
    const auto bits = ValueBits(*m, column, 0, column.size());
    std::vector<uint64_t> want;
    for (size_t v = 0; v < column.size(); ++v) {
      m->Match(column.StringAt(v), want);
      if (bits[v] != want) FAIL_CHECK("round " << round << " value " << v << " '" << std::string(column.StringAt(v)) << "'");
      matched += std::any_of(want.begin(), want.end(), [](uint64_t w) { return w != 0; });
    }
  }
  CHECK(matched > 0);
  CHECK(matched < 100 * 500);
}

TEST_CASE("literal matcher: one matcher scanned from several threads", "[runtime][strings][matcher]") {
  std::vector<Literal> literals;
  for (int i = 0; i < 200; ++i) literals.push_back({"term" + std::to_string(i), Mode::Term, false});
  const auto m = Build(literals);
  const auto other = Build({{"zzz", Mode::Substring, true}});
  std::vector<int> found(2, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        // Alternating matchers makes each thread's scratch serve both databases.
        found[t] += m->MatchesAny("run TERM" + std::to_string(i % 400) + ".x") ? 1 : 0;
        found[t] += other->MatchesAny("zz") ? 1 : 0;
      }
    });
  }
  for (std::thread& th : threads) th.join();
  CHECK(found[0] == 1000);
  CHECK(found[1] == 1000);
}

TEST_CASE("has_any/has_all in the interpreter: a constant list gives the per-literal answers",
          "[runtime][interp][matcher]") {
  std::mt19937 rng(7);
  // Values and literals over the same small alphabet, so that a fair share of rows match.
  Batch batch;
  batch.columns.emplace_back(Type::String);
  for (int i = 0; i < 2000; ++i) batch.columns[0].AppendString(RandomString(rng, 24));
  size_t all_true_rows = 0;
  for (size_t count : {1, 3, 150}) {
    std::vector<std::string> needles;
    while (needles.size() < count) {
      std::string t = RandomString(rng, 3);
      if (!t.empty()) needles.push_back(std::move(t));  // an empty needle is in every row
    }
    for (exec::Fn fn : {exec::Fn::HasAny, exec::Fn::HasAll}) {
      std::vector<exec::Expr> args = {exec::Expr::Column(0, Type::String)};
      for (const std::string& t : needles) args.push_back(exec::Expr::Constant(exec::Value::String(t)));
      const exec::Expr call = exec::Expr::Call(fn, Type::Bool, std::move(args));
      exec::Evaluator evaluator(0);
      const Column got = evaluator.Evaluate(call, exec::RowSet::All(batch));
      REQUIRE(got.size() == batch.rows());
      size_t true_rows = 0;
      for (size_t r = 0; r < batch.rows(); ++r) {
        const std::string_view v = batch.columns[0].StringAt(r);
        const auto has = [&](const std::string& t) { return StrHas(v, t, false); };
        const bool want = fn == exec::Fn::HasAny ? std::any_of(needles.begin(), needles.end(), has)
                                                 : std::all_of(needles.begin(), needles.end(), has);
        CHECK(got.BoolAt(r) == want);
        true_rows += want;
      }
      INFO(count << " literals, " << true_rows << " rows true");
      CHECK(true_rows < batch.rows());
      all_true_rows += true_rows;
    }
  }
  CHECK(all_true_rows > 0);  // the case distinguishes matching rows from the others
}

TEST_CASE("an `or` of string tests on one column, evaluated in one pass, gives each test's answers",
          "[runtime][interp][matcher]") {
  std::mt19937 rng(11);
  using exec::Fn;
  Batch batch;
  batch.columns.emplace_back(Type::String);
  batch.columns.emplace_back(Type::String);
  for (int i = 0; i < 3000; ++i) {
    if (i % 50 == 0) {
      batch.columns[0].AppendNull();
    } else {
      batch.columns[0].AppendString(RandomString(rng, 20));
    }
    batch.columns[1].AppendString(RandomString(rng, 6));
  }
  const Fn tests[] = {Fn::Has,          Fn::HasCs,        Fn::Contains, Fn::ContainsCs, Fn::StartsWith,
                      Fn::StartsWithCs, Fn::EndsWith,     Fn::EndsWithCs, Fn::EqCi,     Fn::HasPrefix};
  // Every other row, to check that the one-pass operand follows the row selection.
  std::vector<uint32_t> sel;
  for (uint32_t r = 1; r < batch.rows(); r += 2) sel.push_back(r);
  const exec::RowSet rows{&batch, sel.data(), sel.size()};
  size_t true_rows = 0;
  for (int round = 0; round < 40; ++round) {
    std::vector<exec::Expr> terms;
    for (int k = 0; k < 12; ++k) {
      const int column = rng() % 4 == 0 ? 1 : 0;
      terms.push_back(exec::Expr::Call(tests[rng() % std::size(tests)], Type::Bool,
                                       {exec::Expr::Column(column, Type::String),
                                        exec::Expr::Constant(exec::Value::String(RandomString(rng, 3)))}));
    }
    const exec::Expr any = exec::Expr::Call(Fn::Or, Type::Bool, terms);
    exec::Evaluator evaluator(0);
    const Column got = evaluator.Evaluate(any, rows);
    std::vector<Column> each;
    for (const exec::Expr& t : terms) each.push_back(evaluator.Evaluate(t, rows));
    for (size_t i = 0; i < rows.count; ++i) {
      bool want = false;
      for (const Column& c : each) want = want || (!c.IsNull(i) && c.BoolAt(i));
      REQUIRE_FALSE(got.IsNull(i));
      CHECK(got.BoolAt(i) == want);
      true_rows += want;
    }
  }
  CHECK(true_rows > 0);
  CHECK(true_rows < 40 * rows.count);
}
