// The KQL syntax tree.
//
// Nodes form a closed set: each class names its `kKind`, and `As<T>()` / `Is<T>()` check it.
// Every node carries the span of query text it was parsed from, and every name the user wrote
// is kept with its own span (an Ident), so that later stages can point at it. The binder
// annotates expression nodes in place (`type`, `column`), which makes the tree the bound, typed
// tree the later stages read. Nodes are owned by an Ast arena and refer to each other by raw
// pointer. Chains of `and`/`or` are kept n-ary so that a 10,000-term condition is a wide node,
// not a 10,000-deep one; pipelines and lists are vectors, so only real nesting (parentheses,
// subqueries, calls), which the parser bounds, makes the tree deep.
//
// Shape of a query: the root is a Query holding its statements (Let, Set, DeclareParams) and
// the final tabular expression. A tabular expression is a source (TableRef, Datatable,
// ExternalData, Range, Print, Find, Union, or a scalar-looking Expr such as a Call to a function or a
// Name bound by `let`), or a Pipeline of a source and the operators after each `|`. Where a
// tabular expression stands in a scalar position (`toscalar(T | count)`, `x in (T | project
// y)`), a Subquery wraps it. The subqueries of mv-apply and partition start with an operator:
// their Pipeline's source is a PipeInput, the rows the enclosing operator hands them.
#pragma once

#include <cassert>
#include <memory>
#include <string>
#include <vector>

#include "compiler/syntax/token.h"
#include "runtime/types.h"

namespace huntc::syntax {

enum class Kind : uint8_t {
  // scalar expressions
  Literal, Name, Binary, Logical, Unary, Call, InList, Between, Member, Index, Star, NamedArg,
  Dynamic, DynArray, DynBag, Subquery,
  // tabular sources
  TableRef, Pipeline, PipeInput, Datatable, ExternalData, Range, Print, Find,
  // tabular operators (Union also stands as a source)
  Where, Project, Extend, ProjectAway, ProjectKeep, ProjectRename, ProjectReorder, Summarize,
  Join, Lookup, Union, Sort, Top, TopNested, Take, Distinct, Count, MvExpand, MvApply, Parse,
  ParseWhere, MakeSeries, Evaluate, Invoke, Serialize, Partition, As, GetSchema, Sample, Render,
  // statements and their containers
  Query, Let, Set, DeclareParams, Lambda,
};

// The name of a kind as Dump prints it ("Where", "MvExpand", ...).
std::string_view KindName(Kind k);
// How KQL spells or names the construct, for messages: the operator or statement word
// ("summarize", "mv-expand", "let", "datatable"), or a phrase for other forms ("a dynamic()
// literal", "member access ('.')").
std::string_view KqlName(Kind k);
// Whether a kind is a tabular operator or source spelled by a word (where ... render, and
// datatable, externaldata, range, print, find).
bool IsOperatorKind(Kind k);

struct Node {
  Kind kind;
  Span span;

  explicit Node(Kind k, Span s) : kind(k), span(s) {}
  virtual ~Node() = default;

  template <class T>
  bool Is() const { return kind == T::kKind; }
  // Scalar expression kinds come first in Kind.
  bool IsExpr() const { return kind <= Kind::Subquery; }
  template <class T>
  T* As() { assert(Is<T>()); return static_cast<T*>(this); }
  template <class T>
  const T* As() const { assert(Is<T>()); return static_cast<const T*>(this); }
};

// A name as the user wrote it: an identifier, a `['bracketed name']`, an option name such as
// `hint.strategy`, or a type name.
struct Ident {
  std::string name;
  Span span;
  bool empty() const { return name.empty(); }
};

// ---------------------------------------------------------------------------------------------
// Scalar expressions

// A scalar expression; `type` and (for names) `column` are filled by the binder.
struct Expr : Node {
  using Node::Node;
  Type type = Type::Null;
};

// The node as a scalar expression; IsExpr() must hold (Expr has no kind of its own for As<>).
inline Expr* AsExpr(Node* n) {
  assert(n->IsExpr());
  return static_cast<Expr*>(n);
}
inline const Expr* AsExpr(const Node* n) {
  assert(n->IsExpr());
  return static_cast<const Expr*>(n);
}

// bool, int, long, real, decimal, string, datetime, timespan and guid literals, typed nulls
// (`datetime(null)`, `int(null)`). A Literal of type Null stands for an expression that could
// not be parsed (an error was reported).
struct Literal : Expr {
  static constexpr Kind kKind = Kind::Literal;
  Literal(Span s, Type t) : Expr(kKind, s) { type = t; }
  bool is_null = false;
  int64_t integer = 0;  // bool, int, long, datetime and timespan ticks
  double real = 0;
  std::string text;     // string (decoded), guid
};

// A column, variable, parameter or table name; `$left`/`$right` in join conditions.
struct Name : Expr {
  static constexpr Kind kKind = Kind::Name;
  Name(Span s, std::string n) : Expr(kKind, s), name(std::move(n)) {}
  std::string name;
  int column = -1;  // bound: index into the input schema of the enclosing operator
};

enum class BinOp : uint8_t {
  Add, Sub, Mul, Div, Mod,
  Eq, Ne, Lt, Le, Gt, Ge, EqCi, NeCi,
  Has, NotHas, HasCs, NotHasCs,
  Contains, NotContains, ContainsCs, NotContainsCs,
  StartsWith, NotStartsWith, StartsWithCs, NotStartsWithCs,
  EndsWith, NotEndsWith, EndsWithCs, NotEndsWithCs,
  HasPrefix, NotHasPrefix, HasPrefixCs, NotHasPrefixCs,
  HasSuffix, NotHasSuffix, HasSuffixCs, NotHasSuffixCs,
  Like, NotLike, LikeCs, NotLikeCs,
  MatchesRegex,
};

struct Binary : Expr {
  static constexpr Kind kKind = Kind::Binary;
  Binary(Span s, BinOp o, Expr* l, Expr* r) : Expr(kKind, s), op(o), lhs(l), rhs(r) {}
  BinOp op;
  Span op_span;
  Expr* lhs;
  Expr* rhs;
};

enum class LogicalOp : uint8_t { And, Or };

struct Logical : Expr {
  static constexpr Kind kKind = Kind::Logical;
  Logical(Span s, LogicalOp o) : Expr(kKind, s), op(o) {}
  LogicalOp op;
  std::vector<Expr*> terms;
};

enum class UnaryOp : uint8_t { Neg, Plus };

struct Unary : Expr {
  static constexpr Kind kKind = Kind::Unary;
  Unary(Span s, UnaryOp o, Expr* e) : Expr(kKind, s), op(o), operand(e) {}
  UnaryOp op;
  Expr* operand;
};

// `name(args)`. Arguments may be Star (`arg_max(T, *)`), NamedArg (`f(p = 1)`) or Subquery
// (`toscalar(T | count)`, `materialize(T | where ...)`).
struct Call : Expr {
  static constexpr Kind kKind = Kind::Call;
  Call(Span s, std::string n) : Expr(kKind, s), name(std::move(n)) {}
  std::string name;
  Span name_span;
  std::vector<Expr*> args;
};

// The list operators: `in`, `!in`, `in~`, `!in~`, `has_any`, `has_all`. Items may be scalars,
// a Name of a dynamic array or a table, or a Subquery.
enum class InOp : uint8_t { In, NotIn, InCi, NotInCi, HasAny, HasAll };

struct InList : Expr {
  static constexpr Kind kKind = Kind::InList;
  InList(Span s, InOp o, Expr* l) : Expr(kKind, s), op(o), lhs(l) {}
  InOp op;
  Span op_span;
  Expr* lhs;
  std::vector<Expr*> items;
};

struct Between : Expr {
  static constexpr Kind kKind = Kind::Between;
  Between(Span s, bool neg, Expr* v, Expr* lo, Expr* hi)
      : Expr(kKind, s), negated(neg), value(v), low(lo), high(hi) {}
  bool negated;
  Expr* value;
  Expr* low;
  Expr* high;
};

// `object.member`: a dynamic property, `$left.Column`, `database('x').Table`.
struct Member : Expr {
  static constexpr Kind kKind = Kind::Member;
  Member(Span s, Expr* o, Ident m) : Expr(kKind, s), object(o), member(std::move(m)) {}
  Expr* object;
  Ident member;
};

// `object[index]`: an array element or a `['property']` of a dynamic value.
struct Index : Expr {
  static constexpr Kind kKind = Kind::Index;
  Index(Span s, Expr* o, Expr* i) : Expr(kKind, s), object(o), index(i) {}
  Expr* object;
  Expr* index;
};

// `*` as a call argument (`arg_max(Timestamp, *)`) or a column list (`distinct *`).
struct Star : Expr {
  static constexpr Kind kKind = Kind::Star;
  explicit Star(Span s) : Expr(kKind, s) {}
};

// `name = value` as a call argument.
struct NamedArg : Expr {
  static constexpr Kind kKind = Kind::NamedArg;
  NamedArg(Span s, Ident n, Expr* v) : Expr(kKind, s), name(std::move(n)), value(v) {}
  Ident name;
  Expr* value;
};

// `dynamic(...)`: `value` is a Literal (possibly the null of type Dynamic), DynArray or DynBag.
struct Dynamic : Expr {
  static constexpr Kind kKind = Kind::Dynamic;
  Dynamic(Span s, Expr* v) : Expr(kKind, s), value(v) {}
  Expr* value;
};

// `[a, b, ...]` inside dynamic(): items are Literals, DynArrays and DynBags.
struct DynArray : Expr {
  static constexpr Kind kKind = Kind::DynArray;
  explicit DynArray(Span s) : Expr(kKind, s) {}
  std::vector<Expr*> items;
};

// `{"key": value, ...}` inside dynamic().
struct DynBag : Expr {
  static constexpr Kind kKind = Kind::DynBag;
  explicit DynBag(Span s) : Expr(kKind, s) {}
  struct Entry {
    Ident key;  // the decoded key; span of its string literal
    Expr* value;
  };
  std::vector<Entry> entries;
};

// A tabular expression where a scalar is expected.
struct Subquery : Expr {
  static constexpr Kind kKind = Kind::Subquery;
  Subquery(Span s, Node* q) : Expr(kKind, s), query(q) {}
  Node* query;  // a tabular node
};

// ---------------------------------------------------------------------------------------------
// Pieces shared by operators

// One `Name = expr`, `(A, B) = expr` or bare `expr` of project, extend, summarize, print, ...
struct NamedExpr {
  std::vector<Ident> names;  // empty when the expression is not named
  Expr* expr = nullptr;
};

// An operator option such as `kind=inner`, `hint.strategy=shuffle`, `isfuzzy=true`,
// `withsource=Source`, `bagexpansion=array`, `flags=iU`: a bare word value is a Name.
struct OpParam {
  Ident name;
  Expr* value = nullptr;
};

enum class SortOrder : uint8_t { Default, Asc, Desc };
enum class NullsOrder : uint8_t { Default, First, Last };

struct SortKey {
  Expr* expr = nullptr;
  SortOrder order = SortOrder::Default;
  NullsOrder nulls = NullsOrder::Default;
};

// A declared column: `Name:string` in datatable, externaldata and tabular parameters.
struct ColumnDecl {
  Ident name;
  Ident type;
};

// ---------------------------------------------------------------------------------------------
// Tabular sources

struct TableRef : Node {
  static constexpr Kind kKind = Kind::TableRef;
  TableRef(Span s, std::string n) : Node(kKind, s), name(std::move(n)) {}
  std::string name;  // may hold `*` wildcards in a union (`Device*`)
  bool IsPattern() const { return name.find('*') != std::string::npos; }
};

// An operator after a `|`.
struct Operator : Node {
  using Node::Node;
};

// `source | op | op ...`
struct Pipeline : Node {
  static constexpr Kind kKind = Kind::Pipeline;
  Pipeline(Span s, Node* src) : Node(kKind, s), source(src) {}
  Node* source;
  std::vector<Operator*> ops;
};

// The rows an mv-apply or partition operator hands to its subquery.
struct PipeInput : Node {
  static constexpr Kind kKind = Kind::PipeInput;
  explicit PipeInput(Span s) : Node(kKind, s) {}
};

// `datatable(A:string, B:long) [ 'x', 1, ... ]`: values row by row.
struct Datatable : Node {
  static constexpr Kind kKind = Kind::Datatable;
  explicit Datatable(Span s) : Node(kKind, s) {}
  std::vector<ColumnDecl> columns;
  std::vector<Expr*> values;
};

// `externaldata(A:string) [ uri, ... ] with (format = 'csv', ...)`
struct ExternalData : Node {
  static constexpr Kind kKind = Kind::ExternalData;
  explicit ExternalData(Span s) : Node(kKind, s) {}
  std::vector<ColumnDecl> columns;
  std::vector<Expr*> uris;
  std::vector<OpParam> options;
};

// `range Column from a to b step c`
struct Range : Node {
  static constexpr Kind kKind = Kind::Range;
  explicit Range(Span s) : Node(kKind, s) {}
  Ident column;
  Expr* from = nullptr;
  Expr* to = nullptr;
  Expr* step = nullptr;
};

// `print a, Name = b`
struct Print : Node {
  static constexpr Kind kKind = Kind::Print;
  explicit Print(Span s) : Node(kKind, s) {}
  std::vector<NamedExpr> items;
};

// `find [withsource=C] [in (T, ...)] where Predicate [project A, B | project-smart]`
struct Find : Node {
  static constexpr Kind kKind = Kind::Find;
  explicit Find(Span s) : Node(kKind, s) {}
  std::vector<OpParam> params;
  std::vector<Node*> tables;  // empty when there is no `in (...)`: every table
  Expr* predicate = nullptr;
  std::vector<Expr*> project;  // the `project` columns (Names, or calls such as pack_all())
  bool project_smart = false;
};

// ---------------------------------------------------------------------------------------------
// Tabular operators

struct Where : Operator {  // `where` and `filter`
  static constexpr Kind kKind = Kind::Where;
  Where(Span s, Expr* p) : Operator(kKind, s), predicate(p) {}
  Expr* predicate;
};

// project and extend share their item list.
struct ItemsOperator : Operator {
  using Operator::Operator;
  std::vector<NamedExpr> items;
};

struct Project : ItemsOperator {
  static constexpr Kind kKind = Kind::Project;
  explicit Project(Span s) : ItemsOperator(kKind, s) {}
};

struct Extend : ItemsOperator {
  static constexpr Kind kKind = Kind::Extend;
  explicit Extend(Span s) : ItemsOperator(kKind, s) {}
};

// project-away and project-keep take column names or wildcard patterns (`Initiating*`).
struct ColumnsOperator : Operator {
  using Operator::Operator;
  std::vector<Ident> columns;
};

struct ProjectAway : ColumnsOperator {
  static constexpr Kind kKind = Kind::ProjectAway;
  explicit ProjectAway(Span s) : ColumnsOperator(kKind, s) {}
};

struct ProjectKeep : ColumnsOperator {
  static constexpr Kind kKind = Kind::ProjectKeep;
  explicit ProjectKeep(Span s) : ColumnsOperator(kKind, s) {}
};

// `project-rename New = Old, ...`
struct ProjectRename : Operator {
  static constexpr Kind kKind = Kind::ProjectRename;
  explicit ProjectRename(Span s) : Operator(kKind, s) {}
  struct Item {
    Ident new_name, old_name;
  };
  std::vector<Item> items;
};

// `project-reorder A, B* asc, ...`
struct ProjectReorder : Operator {
  static constexpr Kind kKind = Kind::ProjectReorder;
  explicit ProjectReorder(Span s) : Operator(kKind, s) {}
  struct Item {
    Ident column;  // name or wildcard pattern
    Ident order;   // `asc`, `desc`, `granny-asc`, `granny-desc`, or empty
  };
  std::vector<Item> items;
};

// `summarize [hints] Aggregates [by Groups]`
struct Summarize : Operator {
  static constexpr Kind kKind = Kind::Summarize;
  explicit Summarize(Span s) : Operator(kKind, s) {}
  std::vector<OpParam> params;
  std::vector<NamedExpr> aggregates;
  std::vector<NamedExpr> by;
  Span by_span;  // the `by` keyword; empty when there is none
};

// join and lookup: `join kind=... hint.x=... Right on Conditions`. Each condition is a Name
// (same column on both sides) or an expression over `$left.A` and `$right.B`.
struct JoinLike : Operator {
  using Operator::Operator;
  std::vector<OpParam> params;
  Node* right = nullptr;  // a tabular expression
  std::vector<Expr*> on;
};

struct Join : JoinLike {
  static constexpr Kind kKind = Kind::Join;
  explicit Join(Span s) : JoinLike(kKind, s) {}
};

struct Lookup : JoinLike {
  static constexpr Kind kKind = Kind::Lookup;
  explicit Lookup(Span s) : JoinLike(kKind, s) {}
};

// `union kind=... isfuzzy=... withsource=... A, B*, (T | ...)`; as an operator its input is
// the first table.
struct Union : Operator {
  static constexpr Kind kKind = Kind::Union;
  explicit Union(Span s) : Operator(kKind, s) {}
  std::vector<OpParam> params;
  std::vector<Node*> tables;  // TableRefs (maybe patterns) and tabular expressions
};

// `sort by ...` and `order by ...`
struct Sort : Operator {
  static constexpr Kind kKind = Kind::Sort;
  explicit Sort(Span s) : Operator(kKind, s) {}
  std::vector<OpParam> params;
  std::vector<SortKey> keys;
};

// `top N by Key [asc|desc] [nulls first|last]`
struct Top : Operator {
  static constexpr Kind kKind = Kind::Top;
  explicit Top(Span s) : Operator(kKind, s) {}
  Expr* count = nullptr;
  std::vector<SortKey> keys;
};

// `top-nested [N] of Column [with others = X] by Aggregate [asc|desc], ...`
struct TopNested : Operator {
  static constexpr Kind kKind = Kind::TopNested;
  explicit TopNested(Span s) : Operator(kKind, s) {}
  struct Level {
    Expr* count = nullptr;  // null when omitted
    NamedExpr of;
    Expr* others = nullptr;  // `with others = expr`, or null
    NamedExpr by;
    SortOrder order = SortOrder::Default;
  };
  std::vector<Level> levels;
};

// `take N` and `limit N`
struct Take : Operator {
  static constexpr Kind kKind = Kind::Take;
  Take(Span s, Expr* n) : Operator(kKind, s), count(n) {}
  Expr* count;
};

// `distinct A, B` or `distinct *`
struct Distinct : Operator {
  static constexpr Kind kKind = Kind::Distinct;
  explicit Distinct(Span s) : Operator(kKind, s) {}
  std::vector<OpParam> params;
  std::vector<Expr*> columns;
};

struct Count : Operator {
  static constexpr Kind kKind = Kind::Count;
  explicit Count(Span s) : Operator(kKind, s) {}
};

// One `[Name =] ArrayExpr [to typeof(Type)]` of mv-expand and mv-apply.
struct ExpandItem {
  NamedExpr expr;
  Ident to_type;  // empty when there is no `to typeof()`
};

// `mv-expand [bagexpansion=...] [with_itemindex=...] Items [limit N]` (also `mvexpand`)
struct MvExpand : Operator {
  static constexpr Kind kKind = Kind::MvExpand;
  explicit MvExpand(Span s) : Operator(kKind, s) {}
  std::vector<OpParam> params;
  std::vector<ExpandItem> items;
  Expr* limit = nullptr;
};

// `mv-apply [params] Items [limit N] on ( Subquery )`
struct MvApply : Operator {
  static constexpr Kind kKind = Kind::MvApply;
  explicit MvApply(Span s) : Operator(kKind, s) {}
  std::vector<OpParam> params;
  std::vector<ExpandItem> items;
  Expr* limit = nullptr;
  Node* subquery = nullptr;  // a Pipeline from a PipeInput
};

// One piece of a parse pattern: `*`, a string to match, or a column to extract.
struct ParsePart {
  enum class What : uint8_t { Star, Text, Column };
  What what = What::Star;
  Span span;
  std::string text;  // the decoded string of a Text part
  Ident column;      // a Column part
  Ident type;        // a Column part's `: type`, or empty (string)
};

// `parse [kind=simple|regex|relaxed [flags=...]] Expr with Pattern...` and parse-where.
struct ParseLike : Operator {
  using Operator::Operator;
  std::vector<OpParam> params;
  Expr* source = nullptr;
  std::vector<ParsePart> pattern;
};

// (Named ParseOp and ParseWhereOp: `Parse` is the parser's entry point.)
struct ParseOp : ParseLike {
  static constexpr Kind kKind = Kind::Parse;
  explicit ParseOp(Span s) : ParseLike(kKind, s) {}
};

struct ParseWhereOp : ParseLike {
  static constexpr Kind kKind = Kind::ParseWhere;
  explicit ParseWhereOp(Span s) : ParseLike(kKind, s) {}
};

// `make-series [kind=nonempty] [Name =] Agg [default = D], ... on Axis (from A] [to B] step S
// | in range(A, B, S)) [by Groups]`
struct MakeSeries : Operator {
  static constexpr Kind kKind = Kind::MakeSeries;
  explicit MakeSeries(Span s) : Operator(kKind, s) {}
  struct Aggregate {
    NamedExpr agg;
    Expr* default_value = nullptr;
  };
  std::vector<OpParam> params;
  std::vector<Aggregate> aggregates;
  Expr* on = nullptr;
  Expr* from = nullptr;  // null when omitted
  Expr* to = nullptr;    // null when omitted
  Expr* step = nullptr;
  bool in_range = false;  // written `in range(from, to, step)`
  std::vector<NamedExpr> by;
};

// `evaluate [hints] plugin(args)`
struct Evaluate : Operator {
  static constexpr Kind kKind = Kind::Evaluate;
  explicit Evaluate(Span s) : Operator(kKind, s) {}
  std::vector<OpParam> params;
  Expr* plugin = nullptr;  // a Call (an error Literal when missing)
};

// `invoke Function(args)`: calls a tabular function with the piped rows as its first argument.
struct Invoke : Operator {
  static constexpr Kind kKind = Kind::Invoke;
  explicit Invoke(Span s) : Operator(kKind, s) {}
  Expr* function = nullptr;  // a Call or a Name
};

// `serialize [Name = expr, ...]`
struct Serialize : Operator {
  static constexpr Kind kKind = Kind::Serialize;
  explicit Serialize(Span s) : Operator(kKind, s) {}
  std::vector<NamedExpr> items;
};

// `partition [hints] by Column ( Subquery )` (or `{ ... }`)
struct Partition : Operator {
  static constexpr Kind kKind = Kind::Partition;
  explicit Partition(Span s) : Operator(kKind, s) {}
  std::vector<OpParam> params;
  Expr* by = nullptr;
  Node* subquery = nullptr;  // a Pipeline from a PipeInput, or a tabular expression
};

// `as [hint.materialized=true] Name`
struct As : Operator {
  static constexpr Kind kKind = Kind::As;
  explicit As(Span s) : Operator(kKind, s) {}
  std::vector<OpParam> params;
  Ident name;
};

struct GetSchema : Operator {
  static constexpr Kind kKind = Kind::GetSchema;
  explicit GetSchema(Span s) : Operator(kKind, s) {}
};

// `sample N`
struct Sample : Operator {
  static constexpr Kind kKind = Kind::Sample;
  Sample(Span s, Expr* n) : Operator(kKind, s), count(n) {}
  Expr* count;
};

// `render Chart [with (prop = value, ...)]`: presentation only, kept so tools can show it.
struct Render : Operator {
  static constexpr Kind kKind = Kind::Render;
  explicit Render(Span s) : Operator(kKind, s) {}
  Ident chart;
  std::vector<OpParam> properties;
};

// ---------------------------------------------------------------------------------------------
// Statements

// A list of statements and the tabular expression they lead to: the whole query, or the body
// of a function.
struct Query : Node {
  static constexpr Kind kKind = Kind::Query;
  explicit Query(Span s) : Node(kKind, s) {}
  std::vector<Node*> statements;  // Let, Set, DeclareParams in source order
  Node* result = nullptr;         // the final expression; null when there is none
};

// `let Name = Value`: Value is an Expr (a scalar, or a Name/Call that may denote a table), a
// tabular node, or a Lambda.
struct Let : Node {
  static constexpr Kind kKind = Kind::Let;
  Let(Span s, Ident n, Node* v) : Node(kKind, s), name(std::move(n)), value(v) {}
  Ident name;
  Node* value;
};

// `set option [= value]`
struct Set : Node {
  static constexpr Kind kKind = Kind::Set;
  Set(Span s, Ident o, Expr* v) : Node(kKind, s), option(std::move(o)), value(v) {}
  Ident option;
  Expr* value;  // null when the option has no value
};

// A parameter's type: a scalar type name, or a table schema `(A:string, ...)` / `(*)`.
struct ParamType {
  Ident scalar;                     // set for a scalar parameter
  bool tabular = false;
  bool any_columns = false;         // `(*)`
  std::vector<ColumnDecl> columns;  // a tabular parameter's columns (before any `*`)
  Span span;
};

struct Param {
  Ident name;
  ParamType type;
  Expr* default_value = nullptr;
};

// `declare query_parameters (Name:type [= default], ...)`
struct DeclareParams : Node {
  static constexpr Kind kKind = Kind::DeclareParams;
  explicit DeclareParams(Span s) : Node(kKind, s) {}
  std::vector<Param> params;
};

// `(params) { body }` or `view (params) { body }` as the value of a let.
struct Lambda : Node {
  static constexpr Kind kKind = Kind::Lambda;
  explicit Lambda(Span s) : Node(kKind, s) {}
  bool view = false;
  std::vector<Param> params;
  Query* body = nullptr;
};

// Owns every node of one parsed query.
class Ast {
 public:
  template <class T, class... Args>
  T* Make(Args&&... args) {
    auto node = std::make_unique<T>(std::forward<Args>(args)...);
    T* raw = node.get();
    nodes_.push_back(std::move(node));
    return raw;
  }

  Query* root = nullptr;  // the whole query

 private:
  std::vector<std::unique_ptr<Node>> nodes_;
};

std::string_view BinOpName(BinOp op);  // KQL spelling: "==", "!has", "contains_cs", ...
std::string_view InOpName(InOp op);    // "in", "!in~", "has_any", ...
// Prints the tree as an indented outline (for `--dump ast` and tests).
std::string Dump(const Ast& ast);
std::string Dump(const Node* node);

}  // namespace huntc::syntax
