// The KQL lexer and parser: literals, operators, spans, error recovery and depth bounds.
#include <catch2/catch.hpp>

#include "compiler/syntax/parser.h"

using namespace huntc;
using namespace huntc::syntax;

namespace {

struct Parsed {
  Ast ast;
  std::vector<std::pair<Code, Span>> errors;
  bool ok = false;
};

std::unique_ptr<Parsed> ParseText(std::string_view text) {
  auto p = std::make_unique<Parsed>();
  p->ok = Parse(text, p->ast, [&](Code c, Span s, std::string) { p->errors.push_back({c, s}); });
  return p;
}

}  // namespace

TEST_CASE("lexer: timespan, datetime and string literals decode", "[compiler][syntax]") {
  std::vector<Token> t = Lex(R"(7d 1.5h 100ms 10microsecond 2tick 'a\'b' @"C:\x""y" ```multi
line```)", [](Code, Span, std::string) { FAIL("no error expected"); });
  REQUIRE(t.size() == 9);
  CHECK(t[0].ticks == 7 * kTicksPerDay);
  CHECK(t[1].ticks == 5'400 * kTicksPerSecond);
  CHECK(t[2].ticks == 1'000'000);
  CHECK(t[3].ticks == 100);
  CHECK(t[4].ticks == 2);
  CHECK(t[5].text == "a'b");
  CHECK(t[6].text == "C:\\x\"y");
  CHECK(t[7].text == "multi\nline");
  CHECK(t[8].kind == Tok::End);
}

TEST_CASE("lexer: a week unit is rejected with the unit named", "[compiler][syntax]") {
  std::string message;
  Lex("1w", [&](Code c, Span, std::string m) {
    CHECK(c == Code::SyntaxBadLiteral);
    message = m;
  });
  CHECK(message.find("'w'") != std::string::npos);
}

TEST_CASE("parser: where and project with KQL precedence", "[compiler][syntax]") {
  auto p = ParseText(
      "T | where A == 1 and B has 'x' or not(C) | project A, Z = B");
  REQUIRE(p->ok);
  CHECK(Dump(p->ast) ==
        "Query\n  Pipeline\n    Table T\n    Where\n      Or\n        And\n          Binary ==\n"
        "            Name A\n            Literal long 1\n          Binary has\n            Name B\n"
        "            Literal string \"x\"\n        Call not\n          Name C\n    Project\n"
        "      Name A\n      Z =\n        Name B\n");
}

TEST_CASE("parser: negated and case-insensitive operators", "[compiler][syntax]") {
  auto p = ParseText("T | where A !has 'x' and B !in~ ('a', 'b') and C in (1, 2) and D !contains_cs 'y' "
                     "and E between (1 .. 5) and F =~ 'q' and G !~ 'r'");
  REQUIRE(p->ok);
  const std::string dump = Dump(p->ast);
  for (const char* op : {"Binary !has", "In !in~", "In in", "Binary !contains_cs", "Between",
                         "Binary =~", "Binary !~"}) {
    CHECK(dump.find(op) != std::string::npos);
  }
}

TEST_CASE("parser: every node has the span of its text", "[compiler][syntax]") {
  auto p = ParseText("DeviceNetworkEvents | where RemotePort == 443");
  REQUIRE(p->ok);
  const auto* pipeline = p->ast.root->result->As<Pipeline>();
  const auto* where = pipeline->ops[0]->As<Where>();
  const auto* cmp = where->predicate->As<Binary>();
  CHECK(cmp->lhs->span.begin == 28);
  CHECK(cmp->lhs->span.end == 38);
  CHECK(cmp->span.begin == 28);
  CHECK(cmp->span.end == 45);
  CHECK(where->span.begin == 22);
}

TEST_CASE("parser: reports several errors and names unsupported operators", "[compiler][syntax]") {
  auto p = ParseText("T | where A == | fork (count) | bogus 1 | where B >");
  CHECK_FALSE(p->ok);
  REQUIRE(p->errors.size() == 4);
  CHECK(p->errors[0].first == Code::SyntaxExpected);
  CHECK(p->errors[0].second.begin == 14);  // just after '==', where Kusto reports it too
  CHECK(p->errors[1].first == Code::Unsupported);
  CHECK(p->errors[2].first == Code::SyntaxUnexpected);
  CHECK(p->errors[3].first == Code::SyntaxExpected);
}

TEST_CASE("parser: deep nesting gives a diagnostic, not a crash", "[compiler][syntax]") {
  const std::string deep = "T | where " + std::string(100'000, '(') + "A" + std::string(100'000, ')');
  auto p = ParseText(deep);
  CHECK_FALSE(p->ok);
  REQUIRE_FALSE(p->errors.empty());
  CHECK(p->errors[0].first == Code::SyntaxTooDeep);
}

TEST_CASE("parser: a 10,000-term or chain stays one wide node", "[compiler][syntax]") {
  std::string q = "T | where A == 0";
  for (int i = 1; i < 10'000; ++i) q += " or A == " + std::to_string(i);
  auto p = ParseText(q);
  REQUIRE(p->ok);
  const auto* where = p->ast.root->result->As<Pipeline>()->ops[0]->As<Where>();
  CHECK(where->predicate->As<Logical>()->terms.size() == 10'000);
}
