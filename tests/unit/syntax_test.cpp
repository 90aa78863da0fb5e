// The KQL lexer and parser: literals, operators, spans, error recovery and depth bounds.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>

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

// --- the whole language ------------------------------------------------------------------------

namespace {

// The dump of a query that must parse without any diagnostic.
std::string DumpOf(std::string_view text) {
  auto p = ParseText(text);
  INFO(text);
  CHECK(p->errors.empty());
  CHECK(p->ok);
  return Dump(p->ast);
}

bool Contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

const Operator* FirstOp(const Parsed& p) {
  return p.ast.root->result->As<Pipeline>()->ops.at(0);
}

}  // namespace

TEST_CASE("parser: let statements hold scalars, tables and functions", "[compiler][syntax]") {
  auto p = ParseText(
      "let n = 5;\n"
      "let T2 = DeviceEvents | where A == n;\n"
      "let f = (a:string, T:(x:long, y:string), d:dynamic = dynamic(null), U:(*)) { let k = a; T | where y == k };\n"
      "let m = materialize(T2 | take 1);\n"
      "let c = toscalar(T2 | count);\n"
      "let v = view () { T2 };\n"
      "T2 | where A in (c)");
  REQUIRE(p->ok);
  const Query* q = p->ast.root;
  REQUIRE(q->statements.size() == 6);
  const auto* n = q->statements[0]->As<Let>();
  CHECK(n->name.name == "n");
  CHECK(n->name.span.begin == 4);
  CHECK(n->value->Is<Literal>());
  CHECK(q->statements[1]->As<Let>()->value->Is<Pipeline>());
  const auto* f = q->statements[2]->As<Let>()->value->As<Lambda>();
  REQUIRE(f->params.size() == 4);
  CHECK(f->params[0].type.scalar.name == "string");
  CHECK(f->params[1].type.tabular);
  REQUIRE(f->params[1].type.columns.size() == 2);
  CHECK(f->params[1].type.columns[1].type.name == "string");
  CHECK(f->params[2].default_value->Is<Dynamic>());
  CHECK(f->params[3].type.any_columns);
  REQUIRE(f->body->statements.size() == 1);
  CHECK(f->body->result->Is<Pipeline>());
  const auto* m = q->statements[3]->As<Let>()->value->As<Call>();
  CHECK(m->name == "materialize");
  CHECK(m->args.at(0)->As<Subquery>()->query->Is<Pipeline>());
  CHECK(q->statements[4]->As<Let>()->value->As<Call>()->args.at(0)->Is<Subquery>());
  CHECK(q->statements[5]->As<Let>()->value->As<Lambda>()->view);
  CHECK(q->result->As<Pipeline>()->source->As<TableRef>()->name == "T2");
}

TEST_CASE("parser: set and declare query_parameters", "[compiler][syntax]") {
  auto p = ParseText("set query_now = datetime(2024-01-01);\nset notruncation;\n"
                     "declare query_parameters(Days:int = 7, Name:string);\nT | take 1;");
  REQUIRE(p->ok);
  const Query* q = p->ast.root;
  REQUIRE(q->statements.size() == 3);
  CHECK(q->statements[0]->As<Set>()->option.name == "query_now");
  CHECK(q->statements[0]->As<Set>()->value->type == Type::DateTime);
  CHECK(q->statements[1]->As<Set>()->value == nullptr);
  const auto* d = q->statements[2]->As<DeclareParams>();
  REQUIRE(d->params.size() == 2);
  CHECK(d->params[0].default_value->As<Literal>()->integer == 7);
  CHECK(q->result->Is<Pipeline>());
}

TEST_CASE("parser: project family, extend and summarize keep names and spans", "[compiler][syntax]") {
  const std::string dump = DumpOf(
      "T | project-away Initiating*, ['A b'] | project-keep X* | project-rename New = Old, N2 = O2 "
      "| project-reorder B asc, A* granny-desc | extend (a, b) = f(x), c = 1 "
      "| summarize hint.shufflekey = Dev Count = count(), arg_max(Timestamp, *), dcount(X) "
      "by bin(Timestamp, 1h), Host = DeviceName");
  CHECK(Contains(dump, "ProjectAway Initiating*, A b\n"));
  CHECK(Contains(dump, "ProjectKeep X*\n"));
  CHECK(Contains(dump, "New = Old\n"));
  CHECK(Contains(dump, "A* granny-desc\n"));
  CHECK(Contains(dump, "(a, b) =\n"));
  CHECK(Contains(dump, "param hint.shufflekey =\n"));
  CHECK(Contains(dump, "Call arg_max\n"));
  CHECK(Contains(dump, "Star\n"));
  CHECK(Contains(dump, "Host =\n"));
  auto p = ParseText("T | summarize Count = count() by DeviceName");
  const auto* s = FirstOp(*p)->As<Summarize>();
  REQUIRE(s->aggregates.size() == 1);
  CHECK(s->aggregates[0].names[0].name == "Count");
  CHECK(s->aggregates[0].names[0].span.begin == 14);
  CHECK(s->by_span.begin == 30);
  CHECK(s->by.at(0).expr->As<Name>()->name == "DeviceName");
}

TEST_CASE("parser: join, lookup and union with their options", "[compiler][syntax]") {
  auto p = ParseText(
      "A | join kind=inner hint.strategy=broadcast (B | where x == 1) on $left.Id == $right.Id, Key "
      "| lookup kind=leftouter C on Key | union kind=outer isfuzzy=true withsource=Src D, Device*, "
      "(E | take 1)");
  REQUIRE(p->ok);
  const auto& ops = p->ast.root->result->As<Pipeline>()->ops;
  const auto* join = ops.at(0)->As<Join>();
  REQUIRE(join->params.size() == 2);
  CHECK(join->params[0].name.name == "kind");
  CHECK(join->params[0].value->As<Name>()->name == "inner");
  CHECK(join->params[1].name.name == "hint.strategy");
  CHECK(join->right->Is<Pipeline>());
  REQUIRE(join->on.size() == 2);
  const auto* cond = join->on[0]->As<Binary>();
  CHECK(cond->lhs->As<Member>()->object->As<Name>()->name == "$left");
  CHECK(cond->rhs->As<Member>()->member.name == "Id");
  CHECK(ops.at(1)->As<Lookup>()->right->As<TableRef>()->name == "C");
  const auto* u = ops.at(2)->As<Union>();
  CHECK(u->params.size() == 3);
  REQUIRE(u->tables.size() == 3);
  CHECK(u->tables[1]->As<TableRef>()->IsPattern());
  CHECK(u->tables[2]->Is<Pipeline>());
  auto lead = ParseText("union isfuzzy=true (A | where x), B | count");
  REQUIRE(lead->ok);
  CHECK(lead->ast.root->result->As<Pipeline>()->source->Is<Union>());
}

TEST_CASE("parser: sort, top, top-nested, take, distinct, count, sample", "[compiler][syntax]") {
  const std::string dump = DumpOf(
      "T | sort by A desc nulls last, B | order by C asc | top 10 by D desc | take 5 | limit 3 "
      "| top-nested 3 of Dev with others = 'other' by dcount(X) asc, of Y by count() "
      "| distinct A, B | distinct * | count | sample 10 | getschema | serialize n = row_number() "
      "| as hint.materialized=true Saved | render timechart with (title = 'x')");
  for (const char* s : {"key desc nulls last\n", "key asc\n", "Top\n", "Take\n", "TopNested\n",
                        "with others\n", "level asc\n", "Distinct\n", "Count\n", "Sample\n",
                        "GetSchema\n", "Serialize\n", "As Saved\n", "Render timechart\n",
                        "param title =\n"}) {
    CHECK(Contains(dump, s));
  }
}

TEST_CASE("parser: mv-expand, mv-apply, parse, make-series, evaluate, invoke, partition",
          "[compiler][syntax]") {
  const std::string dump = DumpOf(
      "T | mv-expand bagexpansion=array with_itemindex=i x = Arr to typeof(string), Other limit 100 "
      "| mvexpand Y | mv-apply d = Data to typeof(dynamic) on (where d.Name == 'a' | project d) "
      "| parse kind=regex flags=Ui Cmd with * \"user \" User:string \" \" * "
      "| parse-where Msg with 'a' Rest "
      "| make-series kind=nonempty n = count() default = 0 on Timestamp from ago(1d) to now() step 1h by Dev "
      "| make-series avg(X) on Timestamp in range(ago(1d), now(), 1h) "
      "| evaluate bag_unpack(Data, columnsConflict = 'keep_source') | invoke AliasPath() "
      "| partition hint.strategy=native by Dev ( top 1 by Time )");
  for (const char* s : {"param bagexpansion =\n", "to typeof(string)\n", "limit\n", "MvApply\n",
                        "PipeInput\n", "Parse\n", "column User:string\n", "\"user \"\n",
                        "ParseWhere\n", "MakeSeries\n", "default\n", "in range\n", "Evaluate\n",
                        "NamedArg columnsConflict =\n", "Invoke\n", "Partition\n"}) {
    INFO(s);
    CHECK(Contains(dump, s));
  }
}

TEST_CASE("parser: sources: datatable, externaldata, range, print, find", "[compiler][syntax]") {
  const std::string dump = DumpOf(
      "let d = datatable(A:string, B:long) ['x', 1, 'y', -2,];\n"
      "let e = externaldata(Ip:string) [h@'https://example.com/a.csv'] with (format = 'csv', ignoreFirstRecord = true);\n"
      "let r = range i from 1 to 10 step 1;\n"
      "let p = print x = 1, 'a';\n"
      "find withsource=Src in (A, B*) where X == 1 project A, B");
  for (const char* s : {"Datatable (A:string, B:long)\n", "ExternalData (Ip:string)\n",
                        "param ignoreFirstRecord =\n", "Range i\n", "Print\n", "Find\n",
                        "Table B*\n"}) {
    INFO(s);
    CHECK(Contains(dump, s));
  }
}

TEST_CASE("parser: literals of every type", "[compiler][syntax]") {
  auto p = ParseText(
      "print a = 'it\\'s', b = \"q\\\"\\n\", c = @'C:\\x', d = h'secret', e = ```multi\nline```, "
      "f = datetime(2024-05-06 07:08:09), g = datetime(null), h = timespan(1.02:03:04.5), "
      "i = guid(0b7f3f5e-1c2d-4e5f-8a9b-0c1d2e3f4a5b), j = dynamic(['a', 1, [true], {'k': null}]), "
      "k = dynamic({\"x\": 1.5}), l = dynamic(null), m = 1.5e3, n = 42, o = int(7), p = true, "
      "q = real(null), r = long(-3), s = 0x1F, t = datetime(01/16/2022 10:00:00 PM), u = 90s");
  REQUIRE(p->errors.empty());
  const auto& items = p->ast.root->result->As<Print>()->items;
  REQUIRE(items.size() == 21);
  const auto lit = [&](size_t i) { return items[i].expr->As<Literal>(); };
  CHECK(lit(0)->text == "it's");
  CHECK(lit(1)->text == "q\"\n");
  CHECK(lit(2)->text == "C:\\x");
  CHECK(lit(3)->text == "secret");
  CHECK(lit(4)->text == "multi\nline");
  CHECK(lit(5)->integer == *ParseDateTime("2024-05-06T07:08:09Z"));
  CHECK(lit(6)->is_null);
  CHECK(lit(7)->integer == ((26 * 60 + 3) * 60 + 4) * kTicksPerSecond + 5'000'000);
  CHECK(lit(8)->type == Type::Guid);
  const auto* arr = items[9].expr->As<Dynamic>()->value->As<DynArray>();
  REQUIRE(arr->items.size() == 4);
  CHECK(arr->items[2]->Is<DynArray>());
  CHECK(arr->items[3]->As<DynBag>()->entries.at(0).key.name == "k");
  CHECK(items[10].expr->As<Dynamic>()->value->As<DynBag>()->entries.at(0).value->As<Literal>()->real == 1.5);
  CHECK(items[11].expr->As<Dynamic>()->value->As<Literal>()->is_null);
  CHECK(lit(12)->real == 1500.0);
  CHECK(lit(13)->integer == 42);
  CHECK(lit(14)->type == Type::Int);
  CHECK(lit(15)->type == Type::Bool);
  CHECK((lit(16)->type == Type::Real && lit(16)->is_null));
  CHECK(lit(17)->integer == -3);
  CHECK(lit(18)->integer == 31);
  CHECK(lit(19)->integer == *ParseDateTime("2022-01-16T22:00:00Z"));
  CHECK(lit(20)->integer == 90 * kTicksPerSecond);
}

TEST_CASE("parser: every comparison and string operator", "[compiler][syntax]") {
  std::string q = "T | where A == 1";
  const std::vector<std::string> ops = {
      "==", "!=", "<", "<=", ">", ">=", "=~", "!~", "has", "!has", "has_cs", "!has_cs",
      "hasprefix", "!hasprefix", "hasprefix_cs", "!hasprefix_cs", "hassuffix", "!hassuffix",
      "hassuffix_cs", "!hassuffix_cs", "contains", "!contains", "contains_cs", "!contains_cs",
      "startswith", "!startswith", "startswith_cs", "!startswith_cs", "endswith", "!endswith",
      "endswith_cs", "!endswith_cs", "like", "!like", "like_cs", "!like_cs", "matches regex"};
  for (const std::string& op : ops) q += " and A " + op + " 'x'";
  q += " and A in ('a', 'b') and A !in (L) and A in~ (T | project x) and A !in~ ('c') "
       "and A has_any ('a', 'b') and A has_all (dynamic(['a'])) and A between (1 .. 2) "
       "and A !between (1 .. 2) and not(A) and -A * 2 + B % 3 / 4 - +5 > 0 and A = 1";
  const std::string dump = DumpOf(q);
  for (const std::string& op : ops) {
    INFO(op);
    CHECK(Contains(dump, "Binary " + op + "\n"));
  }
  for (const char* s : {"In in\n", "In !in\n", "In in~\n", "In !in~\n", "In has_any\n",
                        "In has_all\n", "Subquery\n", "Between\n", "NotBetween\n", "Neg\n",
                        "Plus\n", "Binary %\n", "Binary /\n"}) {
    INFO(s);
    CHECK(Contains(dump, s));
  }
}

TEST_CASE("parser: member access, indexing, named arguments, bracketed names", "[compiler][syntax]") {
  auto p = ParseText("T | extend a = d.b.c, e = d[0]['k'], f = d.['#text'], g = ['Name with space'], "
                     "h = pack_all(), i = f(x, p = 2), j = toscalar(T | count), k = 5Minutebin");
  REQUIRE(p->ok);
  const auto& items = FirstOp(*p)->As<Extend>()->items;
  const auto* a = items[0].expr->As<Member>();
  CHECK(a->member.name == "c");
  CHECK(a->object->As<Member>()->object->As<Name>()->name == "d");
  CHECK(a->span.begin == 15);
  CHECK(a->span.end == 20);
  const auto* e = items[1].expr->As<Index>();
  CHECK(e->index->As<Literal>()->text == "k");
  CHECK(e->object->As<Index>()->index->As<Literal>()->integer == 0);
  CHECK(items[2].expr->As<Index>()->index->As<Literal>()->text == "#text");
  CHECK(items[3].expr->As<Name>()->name == "Name with space");
  CHECK(items[4].expr->As<Call>()->args.empty());
  CHECK(items[5].expr->As<Call>()->args.at(1)->As<NamedArg>()->name.name == "p");
  CHECK(items[6].expr->As<Call>()->args.at(0)->As<Subquery>()->query->Is<Pipeline>());
  CHECK(items[7].expr->As<Name>()->name == "5Minutebin");
}

TEST_CASE("parser: Dump prints every node kind", "[compiler][syntax]") {
  const std::string dump = DumpOf(
      "set s = 1; declare query_parameters(P:int = 1);\n"
      "let f = (x:long) { print y = x };\n"
      "let d = datatable(A:string) ['x'];\n"
      "let e = externaldata(A:string) ['u'];\n"
      "let r = range i from 1 to 2 step 1;\n"
      "let q = find in (A) where B == 1;\n"
      "T | where a.b[0] in (1) and c between (1 .. 2) and -x > 1 or g(*, n = 1, dynamic([{'k': 1}])) "
      "and h in (T | take 1) | project p | extend e2 = 1 | project-away a | project-keep b "
      "| project-rename c = d | project-reorder e | summarize count() | join (U) on k "
      "| lookup V on k | union W | sort by x | top 1 by x | top-nested of a by count() | take 1 "
      "| distinct a | count | mv-expand a | mv-apply a on (take 1) | parse a with b "
      "| parse-where a with b | make-series count() on t step 1h | evaluate p() | invoke f() "
      "| serialize | partition by a (take 1) | as z | getschema | sample 1 | render table");
  for (int k = 0; k <= static_cast<int>(Kind::Lambda); ++k) {
    const Kind kind = static_cast<Kind>(k);
    std::string word = std::string(KindName(kind));
    if (kind == Kind::Logical) word = "Or";
    if (kind == Kind::Unary) word = "Neg";
    if (kind == Kind::InList) word = "In in";
    if (kind == Kind::TableRef) word = "Table";
    INFO(word);
    CHECK((Contains(dump, "  " + word) || dump.rfind(word, 0) == 0));
  }
}

TEST_CASE("parser: recovers at '|' and ',' and reports each error once", "[compiler][syntax]") {
  auto p = ParseText("let a = ;\nlet b = 1;\nT | where A == | project B, | extend C = (1 | where D > 1");
  CHECK_FALSE(p->ok);
  REQUIRE(p->errors.size() == 4);
  CHECK(p->errors[0].second.begin == 7);   // after `let a =`
  CHECK(p->errors[1].second.begin == 35);  // after `==`
  CHECK(p->errors[2].second.begin == 48);  // after `project B,`
  CHECK(p->errors[3].first == Code::SyntaxExpected);  // the `(` never closed
  REQUIRE(p->ast.root->statements.size() == 2);
  CHECK(p->ast.root->statements[1]->As<Let>()->value->As<Literal>()->integer == 1);
  const auto& ops = p->ast.root->result->As<Pipeline>()->ops;
  REQUIRE(ops.size() == 3);  // where, project, extend (whose `(1 | where ...` is not closed)
  CHECK(ops[2]->Is<Extend>());
}

TEST_CASE("parser: a list after 'has' is an error where Kusto reports it", "[compiler][syntax]") {
  auto p = ParseText("T | where A has (\"a\", \"b\") | take 1");
  CHECK_FALSE(p->ok);
  REQUIRE_FALSE(p->errors.empty());
  CHECK(p->errors[0].first == Code::SyntaxExpected);
  CHECK(p->errors[0].second.begin == 20);  // the ','
  CHECK(p->ast.root->result->As<Pipeline>()->ops.back()->Is<Take>());  // read on after it
}

TEST_CASE("parser: a time of day without a date is named as unsupported", "[compiler][syntax]") {
  auto p = ParseText("print datetime(8:00:00 AM)");
  CHECK_FALSE(p->ok);
  REQUIRE(p->errors.size() == 1);
  CHECK(p->errors[0].first == Code::Unsupported);
}

// --- hostile input -----------------------------------------------------------------------------

namespace {

// Parses `text` and returns how long it took; the parse must end with a tree.
double ParseSeconds(const std::string& text, std::unique_ptr<Parsed>& out) {
  const auto start = std::chrono::steady_clock::now();
  out = ParseText(text);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  REQUIRE(out->ast.root);
  CHECK_FALSE(Dump(out->ast).empty());
  return seconds;
}

}  // namespace

TEST_CASE("parser: hostile nesting of every bracketed form gives HC305", "[compiler][syntax][hostile]") {
  const size_t n = 100'000;
  auto repeat = [](std::string_view s, size_t k) {
    std::string out;
    out.reserve(s.size() * k);
    for (size_t i = 0; i < k; ++i) out += s;
    return out;
  };
  const std::vector<std::string> inputs = {
      "T | where " + repeat("f(", n) + "1" + repeat(")", n),
      "print " + repeat("dynamic([", 1) + repeat("[", n) + repeat("]", n) + "])",
      repeat("union (", n) + "T" + repeat(")", n),
      "T | where " + repeat("-", n) + "1",
      "T | where " + repeat("x.", n) + "y == 1",
      "T | where a" + repeat("[0]", n) + " == 1",
      "T | extend a = 1" + repeat(" + 1", n),
      repeat("let f = () { ", n) + "T" + repeat(" }", n),
      "T | mv-apply a on (" + repeat("mv-apply a on (", n) + "take 1" + repeat(")", n) + ")",
      "T | where a in (" + repeat("(T | where a in (", n / 4) + "1" + repeat("))", n / 4) + ")",
  };
  for (const std::string& text : inputs) {
    INFO(text.substr(0, 40));
    std::unique_ptr<Parsed> p;
    // Bounded time is shown as a figure (no timed assertions: sanitizer builds are slow).
    WARN("parsed in " << ParseSeconds(text, p) << " s");
    CHECK_FALSE(p->ok);
    bool too_deep = false;
    for (const auto& e : p->errors) too_deep = too_deep || e.first == Code::SyntaxTooDeep;
    CHECK(too_deep);
  }
}

TEST_CASE("parser: a 10 MB query parses in bounded time", "[compiler][syntax][hostile]") {
  std::string q = "T | where A == 0";
  while (q.size() < 10'000'000) q += " or A has 'some text' or B in (1, 2, 3)";
  std::unique_ptr<Parsed> p;
  WARN("10 MB of conditions parsed in " << ParseSeconds(q, p) << " s");
  CHECK(p->ok);
  std::string junk;
  while (junk.size() < 10'000'000) junk += "| ) ( ] , ; } { 'x' ! ~ @ $ ";
  WARN("10 MB of junk parsed in " << ParseSeconds(junk, p) << " s");
  CHECK_FALSE(p->ok);
  CHECK(p->errors.size() <= kMaxErrors + 1);  // the rest is not read after too many errors
}

TEST_CASE("parser: inputs the fuzzer found crashing or hanging now parse", "[compiler][syntax][fuzz]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(HUNTC_SOURCE_DIR) / "tests" / "fuzz-regressions";
  size_t replayed = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".kql") continue;
    INFO(entry.path().filename().string());
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Ast ast;
    const auto start = std::chrono::steady_clock::now();
    Parse(text, ast, [&](Code, Span span, std::string) {
      CHECK(span.begin <= span.end);
      CHECK(span.end <= text.size());
    });
    REQUIRE(ast.root);
    CHECK_FALSE(Dump(ast).empty());
    CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < 2.0);
    ++replayed;
  }
  CHECK(replayed > 0);
}
