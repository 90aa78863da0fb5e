// The KQL parser.
#include "compiler/syntax/parser.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <initializer_list>

#include <fmt/format.h>

namespace huntc::syntax {

namespace {

struct StringOpEntry {
  std::string_view word;  // as written after an optional '!'
  BinOp op;
  BinOp negated;
};

// String operators spelled as words. `!word` is the negated form.
constexpr std::array kStringOps{
    StringOpEntry{"has", BinOp::Has, BinOp::NotHas},
    StringOpEntry{"has_cs", BinOp::HasCs, BinOp::NotHasCs},
    StringOpEntry{"contains", BinOp::Contains, BinOp::NotContains},
    StringOpEntry{"contains_cs", BinOp::ContainsCs, BinOp::NotContainsCs},
    StringOpEntry{"startswith", BinOp::StartsWith, BinOp::NotStartsWith},
    StringOpEntry{"startswith_cs", BinOp::StartsWithCs, BinOp::NotStartsWithCs},
    StringOpEntry{"endswith", BinOp::EndsWith, BinOp::NotEndsWith},
    StringOpEntry{"endswith_cs", BinOp::EndsWithCs, BinOp::NotEndsWithCs},
    StringOpEntry{"hasprefix", BinOp::HasPrefix, BinOp::NotHasPrefix},
    StringOpEntry{"hasprefix_cs", BinOp::HasPrefixCs, BinOp::NotHasPrefixCs},
    StringOpEntry{"hassuffix", BinOp::HasSuffix, BinOp::NotHasSuffix},
    StringOpEntry{"hassuffix_cs", BinOp::HasSuffixCs, BinOp::NotHasSuffixCs},
    StringOpEntry{"like", BinOp::Like, BinOp::NotLike},
    StringOpEntry{"like_cs", BinOp::LikeCs, BinOp::NotLikeCs},
};

// Tabular operators of KQL that this parser does not read yet: reported by name, then skipped.
constexpr std::array<std::string_view, 11> kOtherOperators{
    "fork", "facet", "search", "scan", "reduce", "sample-distinct", "make-graph",
    "graph-match", "graph-merge", "project-smart", "consume",
};

// Statements of KQL that this parser does not read yet.
constexpr std::array<std::string_view, 3> kOtherStatements{"alias", "restrict", "pattern"};

// Scalar type names that make `name(literal)` a typed literal.
constexpr std::array<std::string_view, 7> kTypedLiteralNames{"bool", "boolean", "int", "long",
                                                             "real", "double", "decimal"};

class Parser;
using OperatorParser = Operator* (Parser::*)(uint32_t begin, std::string_view name);

struct OperatorEntry {
  std::string_view name;
  OperatorParser parse;
};

class Parser {
 public:
  Parser(std::string_view text, Ast& ast, const Reporter& report)
      : text_(text), ast_(ast), report_(report) {
    tokens_ = Lex(text, [this](Code c, Span s, std::string m) { Error(c, s, std::move(m)); });
    if (error_count_ >= kMaxErrors) SkipToEnd();
  }

  bool Run() {
    const bool empty = At(Tok::End);
    ast_.root = ParseQuery(/*in_braces=*/false);
    if (!ast_.root->result && !failed_) {
      Error(Code::SyntaxExpected, Cur().span,
            empty ? "the query is empty: expected a table name"
                  : "the query has no tabular expression to run after its statements");
    }
    return !failed_;
  }

  static const std::array<OperatorEntry, 35>& Operators();

 private:
  // --- tokens ---------------------------------------------------------------------------------
  const Token& Cur() const { return tokens_[pos_]; }
  const Token& PeekTok(size_t ahead = 1) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  bool At(Tok k) const { return Cur().kind == k; }
  bool IsWord(std::string_view w) const { return At(Tok::Identifier) && Cur().text == w; }
  bool PeekWord(size_t ahead, std::string_view w) const {
    return PeekTok(ahead).kind == Tok::Identifier && PeekTok(ahead).text == w;
  }
  const Token& Advance() {
    const Token& t = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return t;
  }
  bool Accept(Tok k) {
    if (!At(k)) return false;
    Advance();
    return true;
  }
  // Where a missing token is reported: just after the token before the gap, as Kusto does.
  Span Gap() const {
    const uint32_t at = pos_ > 0 ? tokens_[pos_ - 1].span.end : Cur().span.begin;
    return {at, at};
  }
  bool Expect(Tok k) {
    if (Accept(k)) return true;
    Error(Code::SyntaxExpected, Gap(),
          "expected " + std::string(TokName(k)) + " but found " + Describe(Cur()));
    return false;
  }
  bool ExpectWord(std::string_view w) {
    if (IsWord(w)) {
      Advance();
      return true;
    }
    Error(Code::SyntaxExpected, Gap(), fmt::format("expected '{}' but found {}", w, Describe(Cur())));
    return false;
  }
  std::string Describe(const Token& t) const {
    if (t.kind == Tok::End) return "the end of the query";
    return fmt::format("'{}'", text_.substr(t.span.begin, t.span.end - t.span.begin));
  }
  void Unexpected(std::string_view wanted) {
    Error(Code::SyntaxUnexpected, Cur().span,
          "expected " + std::string(wanted) + " but found " + Describe(Cur()));
  }
  void Error(Code code, Span span, std::string message) {
    if (Info(code).severity == Severity::Error) failed_ = true;
    if (error_count_ >= kMaxErrors) return;
    // One diagnostic per position: the parser may stumble several times at one bad token.
    if (span.begin == last_error_at_ && error_count_ > 0) return;
    last_error_at_ = span.begin;
    report_(code, span, std::move(message));
    if (++error_count_ == kMaxErrors) {
      report_(Code::SyntaxUnexpected, span,
              fmt::format("too many errors ({}): the rest of the query is not read", kMaxErrors));
      SkipToEnd();
    }
  }
  // Every loop of the parser ends at the end of the query (there are no tokens yet while the
  // lexer reports).
  void SkipToEnd() {
    if (!tokens_.empty()) pos_ = tokens_.size() - 1;
  }
  static bool IsCloser(Tok k) { return k == Tok::RParen || k == Tok::RBracket || k == Tok::RBrace; }
  static bool IsOpener(Tok k) { return k == Tok::LParen || k == Tok::LBracket || k == Tok::LBrace; }
  // Skips to the next `|` or `;` at bracket depth 0, or to a bracket closing one the error
  // happened in, or to the end: where the enclosing construct can go on.
  void Resync() {
    int depth = 0;
    while (!At(Tok::End)) {
      if (depth == 0 && (At(Tok::Pipe) || At(Tok::Semicolon) || IsCloser(Cur().kind))) return;
      if (IsOpener(Cur().kind)) ++depth;
      if (IsCloser(Cur().kind)) --depth;
      Advance();
    }
  }
  // Skips the rest of a broken statement: to its `;`, the `}` of the function body it is in, or
  // the end. Stray closing brackets are skipped too, so this always moves on.
  void SkipStatement(bool in_braces) {
    int depth = 0;
    while (!At(Tok::End)) {
      if (depth == 0 && At(Tok::Semicolon)) return;
      if (depth == 0 && in_braces && At(Tok::RBrace)) return;
      if (IsOpener(Cur().kind)) ++depth;
      if (IsCloser(Cur().kind) && depth > 0) --depth;
      Advance();
    }
  }
  Span From(uint32_t begin) const {
    const uint32_t end = tokens_[pos_ > 0 ? pos_ - 1 : 0].span.end;
    return {begin, std::max(begin, end)};
  }
  // Where an operator's operands end.
  bool AtOperatorEnd() const {
    return At(Tok::Pipe) || At(Tok::Semicolon) || At(Tok::End) || IsCloser(Cur().kind);
  }

  // --- names ----------------------------------------------------------------------------------
  // An identifier or a `['bracketed name']`.
  bool AtName() const {
    return At(Tok::Identifier) || (At(Tok::LBracket) && PeekTok().kind == Tok::String &&
                                   PeekTok(2).kind == Tok::RBracket);
  }
  Ident ReadName() {
    const uint32_t begin = Cur().span.begin;
    if (At(Tok::Identifier)) {
      const Token& t = Advance();
      return {t.text, t.span};
    }
    Advance();  // [
    std::string name = Advance().text;
    Advance();  // ]
    return {std::move(name), From(begin)};
  }
  Ident ExpectName(std::string_view what) {
    if (AtName()) return ReadName();
    Error(Code::SyntaxExpected, Gap(), fmt::format("expected {} but found {}", what, Describe(Cur())));
    return {};
  }
  // A name followed by `=` (not `==`): the start of `Name = expr`.
  bool AtNameAssign() const {
    if (At(Tok::Identifier)) return PeekTok().kind == Tok::Assign;
    return AtName() && PeekTok(3).kind == Tok::Assign;
  }
  // A column name or wildcard pattern: identifiers and `*` written without spaces between.
  Ident ReadPattern(std::string_view what) {
    if (!At(Tok::Identifier) && !At(Tok::Star)) return ExpectName(what);
    const uint32_t begin = Cur().span.begin;
    std::string name;
    do {
      name += At(Tok::Star) ? std::string("*") : Cur().text;
      Advance();
    } while ((At(Tok::Identifier) || At(Tok::Star)) && !Cur().space_before &&
             (At(Tok::Star) || tokens_[pos_ - 1].kind == Tok::Star));
    return {std::move(name), From(begin)};
  }
  // Reads a name spelled with hyphens (`project-away`, `granny-asc`) at the cursor.
  std::string HyphenatedName(size_t& tokens) const {
    std::string name = Cur().text;
    tokens = 1;
    while (PeekTok(tokens).kind == Tok::Minus && !PeekTok(tokens).space_before &&
           PeekTok(tokens + 1).kind == Tok::Identifier && !PeekTok(tokens + 1).space_before) {
      name += "-" + PeekTok(tokens + 1).text;
      tokens += 2;
    }
    return name;
  }

  // --- statements -----------------------------------------------------------------------------
  // Guards recursion: every construct that can nest passes through one of these.
  struct DepthGuard {
    Parser& p;
    explicit DepthGuard(Parser& parser) : p(parser) { ++p.depth_; }
    ~DepthGuard() { --p.depth_; }
  };
  bool TooDeep() {
    if (depth_ <= kMaxNesting) return false;
    Error(Code::SyntaxTooDeep, Cur().span,
          "expression nested more than " + std::to_string(kMaxNesting) + " levels deep");
    Resync();
    return true;
  }

  Query* ParseQuery(bool in_braces) {
    const uint32_t begin = Cur().span.begin;
    auto* query = ast_.Make<Query>(Span{begin, begin});
    for (;;) {
      while (Accept(Tok::Semicolon)) {
      }
      if (At(Tok::End) || (in_braces && At(Tok::RBrace))) break;
      if (IsWord("let")) {
        query->statements.push_back(ParseLet());
      } else if (IsWord("set") && PeekTok().kind == Tok::Identifier) {
        query->statements.push_back(ParseSet());
      } else if (IsWord("declare") && PeekWord(1, "query_parameters")) {
        query->statements.push_back(ParseDeclare());
      } else if (IsOtherStatement()) {
        Error(Code::Unsupported, Cur().span,
              "'" + Cur().text + "' statements are not supported yet");
        SkipStatement(in_braces);
        continue;
      } else {
        Node* result = AsTabular(ParsePipeExpr());
        SkipStrayClosers(result, in_braces);
        if (query->result) {
          Error(Code::Unsupported, result->span,
                "a query with more than one tabular result is not supported yet");
        } else {
          query->result = result;
        }
      }
      if (!At(Tok::Semicolon) && !At(Tok::End) && !(in_braces && At(Tok::RBrace))) {
        Unexpected(in_braces ? "';' or '}'" : "';' or the end of the query");
        SkipStatement(in_braces);
      }
    }
    query->span = From(begin);
    return query;
  }

  // After an error inside brackets the parser may stop at a closing bracket that matches
  // nothing: report it, skip it, and go on with the pipeline's next operator.
  void SkipStrayClosers(Node* result, bool in_braces) {
    while (IsCloser(Cur().kind) && !(in_braces && At(Tok::RBrace))) {
      Unexpected("';' or the end of the query");
      Advance();
      Resync();
      if (At(Tok::Pipe) && result->Is<Pipeline>()) {
        ParseOperators(result->As<Pipeline>(), /*leading_pipe=*/true);
        result->span = From(result->span.begin);
      }
    }
  }

  bool IsOtherStatement() const {
    if (!At(Tok::Identifier) || PeekTok().kind == Tok::Pipe) return false;
    for (std::string_view s : kOtherStatements) {
      if (Cur().text == s) return true;
    }
    return false;
  }

  Let* ParseLet() {
    const uint32_t begin = Advance().span.begin;
    Ident name = ExpectName("a name after 'let'");
    Node* value = nullptr;
    if (Expect(Tok::Assign)) {
      if ((IsWord("view") && PeekTok().kind == Tok::LParen) || (At(Tok::LParen) && LambdaAhead())) {
        value = ParseLambda();
      } else {
        value = ParsePipeExpr();
      }
    } else {
      value = ErrorExpr(Gap());
    }
    return ast_.Make<Let>(From(begin), std::move(name), value);
  }

  // At `(`: whether the matching `)` is followed by `{`, which makes a function.
  bool LambdaAhead() const {
    int depth = 0;
    for (size_t i = pos_; i < tokens_.size(); ++i) {
      const Tok k = tokens_[i].kind;
      if (IsOpener(k)) ++depth;
      if (IsCloser(k) && --depth == 0) {
        return i + 1 < tokens_.size() && tokens_[i + 1].kind == Tok::LBrace;
      }
      if (k == Tok::Semicolon || k == Tok::Pipe) return false;
    }
    return false;
  }

  Node* ParseLambda() {
    DepthGuard guard(*this);
    const uint32_t begin = Cur().span.begin;
    if (TooDeep()) return ErrorExpr(Cur().span);
    auto* lambda = ast_.Make<Lambda>(Span{begin, begin});
    if (IsWord("view")) {
      lambda->view = true;
      Advance();
    }
    Expect(Tok::LParen);
    lambda->params = ParseParamList();
    Expect(Tok::RParen);
    if (Expect(Tok::LBrace)) {
      lambda->body = ParseQuery(/*in_braces=*/true);
      if (!lambda->body->result) {
        Error(Code::SyntaxExpected, Gap(), "a function body must end with an expression");
      }
      Expect(Tok::RBrace);
    }
    lambda->span = From(begin);
    return lambda;
  }

  // `name:type [= default], ...` up to (not including) `)`.
  std::vector<Param> ParseParamList() {
    std::vector<Param> params;
    if (At(Tok::RParen)) return params;
    do {
      Param p;
      p.name = ExpectName("a parameter name");
      Expect(Tok::Colon);
      p.type = ParseParamType();
      if (Accept(Tok::Assign)) p.default_value = ParseExpr();
      params.push_back(std::move(p));
    } while (Accept(Tok::Comma));
    return params;
  }

  ParamType ParseParamType() {
    ParamType type;
    const uint32_t begin = Cur().span.begin;
    if (!Accept(Tok::LParen)) {
      type.scalar = ExpectName("a type name");
      type.span = type.scalar.span;
      return type;
    }
    type.tabular = true;
    if (!At(Tok::RParen)) {
      do {
        if (Accept(Tok::Star)) {
          type.any_columns = true;
          break;
        }
        type.columns.push_back(ParseColumnDecl());
      } while (Accept(Tok::Comma));
    }
    Expect(Tok::RParen);
    type.span = From(begin);
    return type;
  }

  ColumnDecl ParseColumnDecl() {
    ColumnDecl c;
    c.name = ExpectName("a column name");
    Expect(Tok::Colon);
    c.type = ExpectName("a type name");
    return c;
  }

  // `(A:string, B:long)`
  std::vector<ColumnDecl> ParseSchema() {
    std::vector<ColumnDecl> columns;
    if (!Expect(Tok::LParen)) return columns;
    if (!At(Tok::RParen)) {
      do {
        columns.push_back(ParseColumnDecl());
      } while (Accept(Tok::Comma));
    }
    Expect(Tok::RParen);
    return columns;
  }

  Node* ParseSet() {
    const uint32_t begin = Advance().span.begin;
    Ident option = ReadName();
    Expr* value = Accept(Tok::Assign) ? ParseExpr() : nullptr;
    return ast_.Make<Set>(From(begin), std::move(option), value);
  }

  Node* ParseDeclare() {
    const uint32_t begin = Advance().span.begin;
    Advance();  // query_parameters
    auto* decl = ast_.Make<DeclareParams>(Span{begin, begin});
    if (Expect(Tok::LParen)) {
      decl->params = ParseParamList();
      Expect(Tok::RParen);
    }
    decl->span = From(begin);
    return decl;
  }

  // --- tabular --------------------------------------------------------------------------------
  // A tabular expression where a tabular node is needed: a bare name is a table, a
  // parenthesised subquery is its query.
  Node* AsTabular(Node* n) {
    if (n->Is<Name>()) return ast_.Make<TableRef>(n->span, n->As<Name>()->name);
    if (n->Is<Subquery>()) return n->As<Subquery>()->query;
    return n;
  }
  // A node where an expression is needed: a tabular node becomes a Subquery.
  Expr* AsScalar(Node* n) {
    if (n->IsExpr()) return static_cast<Expr*>(n);
    return ast_.Make<Subquery>(n->span, n);
  }

  // An expression that may continue with `| operator ...`: a scalar Expr, or a tabular node.
  Node* ParsePipeExpr() {
    DepthGuard guard(*this);
    const uint32_t begin = Cur().span.begin;
    if (TooDeep()) return ErrorExpr(Cur().span);
    Node* source = ParseSource();
    if (!At(Tok::Pipe)) return source;
    auto* pipeline = ast_.Make<Pipeline>(Span{begin, begin}, AsTabular(source));
    ParseOperators(pipeline, /*leading_pipe=*/true);
    pipeline->span = From(begin);
    return pipeline;
  }

  // `| op | op ...`, or `op | op ...` in the subqueries of mv-apply and partition.
  void ParseOperators(Pipeline* pipeline, bool leading_pipe) {
    while (!leading_pipe || Accept(Tok::Pipe)) {
      leading_pipe = true;
      if (Operator* op = ParseOperator()) pipeline->ops.push_back(op);
      if (!AtOperatorEnd()) {
        Unexpected("'|' or the end of the expression");
        Resync();
      }
    }
  }

  // The tabular sources that are not expressions, else an expression.
  Node* ParseSource() {
    if (IsWord("datatable") && PeekTok().kind == Tok::LParen) return ParseDatatable();
    if (IsWord("externaldata") && PeekTok().kind == Tok::LParen) return ParseExternalData();
    if (IsWord("range") && PeekTok().kind == Tok::Identifier && PeekWord(2, "from")) {
      return ParseRange();
    }
    if (IsWord("print")) return ParsePrint();
    if (IsWord("find") && (PeekWord(1, "in") || PeekWord(1, "where") || PeekWord(1, "withsource"))) {
      return ParseFind();
    }
    if (IsWord("union")) {
      const uint32_t begin = Cur().span.begin;
      Advance();
      return ParseUnion(begin, "union");
    }
    if (At(Tok::Identifier) && PeekTok().kind != Tok::LParen) {
      for (std::string_view other : kOtherOperators) {
        if (Cur().text == other) {
          Error(Code::Unsupported, Cur().span,
                "the '" + Cur().text + "' operator is not supported yet");
          const Span at = Cur().span;
          Resync();
          return ErrorExpr(at);
        }
      }
    }
    return ParseExpr();
  }

  // A tabular operand of join, lookup and union: `(subquery)`, a source, or a name or call.
  Node* ParseTabularOperand() {
    if (At(Tok::LParen)) {
      const uint32_t begin = Advance().span.begin;
      Node* inner = AsTabular(ParsePipeExpr());
      Expect(Tok::RParen);
      if (inner->Is<TableRef>()) inner->span = From(begin);
      return inner;
    }
    DepthGuard guard(*this);
    if (TooDeep()) return ErrorExpr(Cur().span);
    return AsTabular(ParseSource());
  }

  Node* ParseDatatable() {
    const uint32_t begin = Advance().span.begin;
    auto* table = ast_.Make<Datatable>(Span{begin, begin});
    table->columns = ParseSchema();
    if (Expect(Tok::LBracket)) {
      if (!At(Tok::RBracket)) {
        do {
          if (At(Tok::RBracket)) break;  // a trailing comma
          table->values.push_back(ParseExpr());
        } while (Accept(Tok::Comma));
      }
      Expect(Tok::RBracket);
    }
    table->span = From(begin);
    return table;
  }

  Node* ParseExternalData() {
    const uint32_t begin = Advance().span.begin;
    auto* data = ast_.Make<ExternalData>(Span{begin, begin});
    data->columns = ParseSchema();
    if (Expect(Tok::LBracket)) {
      if (!At(Tok::RBracket)) {
        do {
          data->uris.push_back(ParseExpr());
        } while (Accept(Tok::Comma));
      }
      Expect(Tok::RBracket);
    }
    if (IsWord("with") && PeekTok().kind == Tok::LParen) {
      Advance();
      data->options = ParsePropertyList();
    }
    data->span = From(begin);
    return data;
  }

  // `( name = value, ... )`
  std::vector<OpParam> ParsePropertyList() {
    std::vector<OpParam> props;
    Expect(Tok::LParen);
    if (!At(Tok::RParen)) {
      do {
        OpParam p;
        p.name = ExpectName("a property name");
        Expect(Tok::Assign);
        p.value = ParseParamValue();
        props.push_back(std::move(p));
      } while (Accept(Tok::Comma));
    }
    Expect(Tok::RParen);
    return props;
  }

  Node* ParseRange() {
    const uint32_t begin = Advance().span.begin;
    auto* range = ast_.Make<Range>(Span{begin, begin});
    range->column = ReadName();
    Advance();  // from
    range->from = ParseExpr();
    ExpectWord("to");
    range->to = ParseExpr();
    ExpectWord("step");
    range->step = ParseExpr();
    range->span = From(begin);
    return range;
  }

  Node* ParsePrint() {
    const uint32_t begin = Advance().span.begin;
    auto* print = ast_.Make<Print>(Span{begin, begin});
    if (!AtOperatorEnd()) print->items = ParseNamedList();
    print->span = From(begin);
    return print;
  }

  Node* ParseFind() {
    const uint32_t begin = Advance().span.begin;
    auto* find = ast_.Make<Find>(Span{begin, begin});
    find->params = ParseParams({"withsource", "datascope"}, /*hints=*/true);
    if (IsWord("in")) {
      Advance();
      if (Expect(Tok::LParen)) {
        do {
          find->tables.push_back(ParseUnionItem());
        } while (Accept(Tok::Comma));
        Expect(Tok::RParen);
      }
    }
    if (ExpectWord("where")) find->predicate = ParseExpr();
    if (IsWord("project-smart") || (IsWord("project") && PeekTok().kind == Tok::Minus)) {
      size_t tokens = 1;
      if (HyphenatedName(tokens) == "project-smart") {
        for (size_t i = 0; i < tokens; ++i) Advance();
        find->project_smart = true;
      }
    } else if (IsWord("project")) {
      Advance();
      do {
        find->project.push_back(ParseExpr());
      } while (Accept(Tok::Comma));
    }
    find->span = From(begin);
    return find;
  }

  // Options such as `kind=inner` or `hint.strategy=shuffle` before an operator's operands:
  // the names in `names`, and `hint.*` where `hints` is set.
  std::vector<OpParam> ParseParams(std::initializer_list<std::string_view> names, bool hints) {
    std::vector<OpParam> params;
    for (;;) {
      if (!At(Tok::Identifier)) return params;
      // A dotted name: `hint.strategy`.
      std::string name = Cur().text;
      size_t n = 1;
      while (PeekTok(n).kind == Tok::Dot && PeekTok(n + 1).kind == Tok::Identifier) {
        name += "." + PeekTok(n + 1).text;
        n += 2;
      }
      if (PeekTok(n).kind != Tok::Assign) return params;
      bool known = hints && name.rfind("hint.", 0) == 0;
      for (std::string_view w : names) known = known || name == w;
      if (!known) return params;
      const uint32_t begin = Cur().span.begin;
      for (size_t i = 0; i < n; ++i) Advance();
      OpParam p;
      p.name = {std::move(name), From(begin)};
      Advance();  // =
      p.value = ParseParamValue();
      params.push_back(std::move(p));
    }
  }

  // An option's value: a bare word is a Name (never a call: `kind=inner (T)`), else a literal.
  Expr* ParseParamValue() {
    if (At(Tok::Identifier) && Cur().text != "true" && Cur().text != "false" &&
        !(PeekTok().kind == Tok::LParen && PeekTok(2).kind == Tok::RawParens)) {
      const Token& t = Advance();
      return ast_.Make<Name>(t.span, t.text);
    }
    return ParseUnary();
  }

  Operator* ParseOperator() {
    const uint32_t begin = Cur().span.begin;
    if (!At(Tok::Identifier)) {
      Unexpected("a tabular operator");
      Resync();
      return nullptr;
    }
    size_t tokens = 1;
    const std::string name = HyphenatedName(tokens);
    const Span name_span{begin, PeekTok(tokens - 1).span.end};
    for (const OperatorEntry& e : Operators()) {
      if (e.name == name) {
        for (size_t i = 0; i < tokens; ++i) Advance();
        Operator* op = (this->*e.parse)(begin, name);
        if (op) op->span = From(begin);
        return op;
      }
    }
    for (std::string_view other : kOtherOperators) {
      if (name == other) {
        Error(Code::Unsupported, name_span, "the '" + name + "' operator is not supported yet");
        Resync();
        return nullptr;
      }
    }
    Error(Code::SyntaxUnexpected, name_span, "'" + name + "' is not a tabular operator");
    Resync();
    return nullptr;
  }

  bool AtOperatorName() const {
    if (!At(Tok::Identifier)) return false;
    size_t tokens = 1;
    const std::string name = HyphenatedName(tokens);
    for (const OperatorEntry& e : Operators()) {
      if (e.name == name) return true;
    }
    return false;
  }

  Operator* ParseWhere(uint32_t begin, std::string_view) {
    return ast_.Make<Where>(Span{begin, begin}, ParseExpr());
  }

  template <class T>
  Operator* ParseItems(uint32_t begin, std::string_view) {
    auto* op = ast_.Make<T>(Span{begin, begin});
    op->items = ParseNamedList();
    return op;
  }

  template <class T>
  Operator* ParseColumns(uint32_t begin, std::string_view) {
    auto* op = ast_.Make<T>(Span{begin, begin});
    do {
      op->columns.push_back(ReadPattern("a column name"));
    } while (Accept(Tok::Comma));
    return op;
  }

  Operator* ParseProjectRename(uint32_t begin, std::string_view) {
    auto* op = ast_.Make<ProjectRename>(Span{begin, begin});
    do {
      ProjectRename::Item item;
      item.new_name = ExpectName("a new column name");
      Expect(Tok::Assign);
      item.old_name = ExpectName("a column name");
      op->items.push_back(std::move(item));
    } while (Accept(Tok::Comma));
    return op;
  }

  Operator* ParseProjectReorder(uint32_t begin, std::string_view) {
    auto* op = ast_.Make<ProjectReorder>(Span{begin, begin});
    do {
      ProjectReorder::Item item;
      item.column = ReadPattern("a column name");
      if (At(Tok::Identifier)) {
        size_t tokens = 1;
        const std::string order = HyphenatedName(tokens);
        if (order == "asc" || order == "desc" || order == "granny-asc" || order == "granny-desc") {
          const uint32_t order_begin = Cur().span.begin;
          for (size_t i = 0; i < tokens; ++i) Advance();
          item.order = {order, From(order_begin)};
        }
      }
      op->items.push_back(std::move(item));
    } while (Accept(Tok::Comma));
    return op;
  }

  Operator* ParseSummarize(uint32_t begin, std::string_view) {
    auto* op = ast_.Make<Summarize>(Span{begin, begin});
    op->params = ParseParams({}, /*hints=*/true);
    if (!IsWord("by")) op->aggregates = ParseNamedList();
    if (IsWord("by")) {
      op->by_span = Advance().span;
      op->by = ParseNamedList();
    }
    return op;
  }

  template <class T>
  Operator* ParseJoin(uint32_t begin, std::string_view) {
    auto* op = ast_.Make<T>(Span{begin, begin});
    op->params = ParseParams({"kind"}, /*hints=*/true);
    op->right = ParseTabularOperand();
    if (ExpectWord("on")) {
      do {
        op->on.push_back(ParseExpr());
      } while (Accept(Tok::Comma));
    }
    return op;
  }

  Operator* ParseUnionOperator(uint32_t begin, std::string_view name) {
    return ParseUnion(begin, name);
  }

  Union* ParseUnion(uint32_t begin, std::string_view) {
    auto* op = ast_.Make<Union>(Span{begin, begin});
    op->params = ParseParams({"kind", "isfuzzy", "withsource"}, /*hints=*/true);
    do {
      op->tables.push_back(ParseUnionItem());
    } while (Accept(Tok::Comma));
    op->span = From(begin);
    return op;
  }

  // A table of union or find: a name pattern (`Device*`) or a tabular operand.
  Node* ParseUnionItem() {
    const bool pattern = At(Tok::Star) || (At(Tok::Identifier) && PeekTok().kind == Tok::Star &&
                                           !PeekTok().space_before);
    if (!pattern) return ParseTabularOperand();
    Ident p = ReadPattern("a table name");
    return ast_.Make<TableRef>(p.span, p.name);
  }

  std::vector<SortKey> ParseSortKeys(bool several) {
    std::vector<SortKey> keys;
    do {
      SortKey key;
      key.expr = ParseExpr();
      if (IsWord("asc") || IsWord("desc")) {
        key.order = Advance().text == "asc" ? SortOrder::Asc : SortOrder::Desc;
      }
      if (IsWord("nulls") && (PeekWord(1, "first") || PeekWord(1, "last"))) {
        Advance();
        key.nulls = Advance().text == "first" ? NullsOrder::First : NullsOrder::Last;
      }
      keys.push_back(key);
    } while (several && Accept(Tok::Comma));
    return keys;
  }

  Operator* ParseSort(uint32_t begin, std::string_view) {
    auto* op = ast_.Make<Sort>(Span{begin, begin});
    op->params = ParseParams({}, /*hints=*/true);
    if (ExpectWord("by")) op->keys = ParseSortKeys(/*several=*/true);
    return op;
  }

  Operator* ParseTop(uint32_t begin, std::string_view) {
    auto* op = ast_.Make<Top>(Span{begin, begin});
    op->count = ParseExpr();
    if (ExpectWord("by")) op->keys = ParseSortKeys(/*several=*/false);
    return op;
  }

  Operator* ParseTopNested(uint32_t begin, std::string_view) {
    auto* op = ast_.Make<TopNested>(Span{begin, begin});
    do {
      // The levels after the first may repeat the operator's name (doc: `, top-nested ...`).
      size_t tokens = 1;
      if (!op->levels.empty() && At(Tok::Identifier) && HyphenatedName(tokens) == "top-nested") {
        for (size_t i = 0; i < tokens; ++i) Advance();
      }
      TopNested::Level level;
      if (!IsWord("of")) level.count = ParseExpr();
      if (ExpectWord("of")) level.of = ParseNamedItem();
      if (IsWord("with") && PeekWord(1, "others")) {
        Advance();
        Advance();
        Expect(Tok::Assign);
        level.others = ParseExpr();
      }
      if (ExpectWord("by")) level.by = ParseNamedItem();
      if (IsWord("asc") || IsWord("desc")) {
        level.order = Advance().text == "asc" ? SortOrder::Asc : SortOrder::Desc;
      }
      op->levels.push_back(std::move(level));
    } while (Accept(Tok::Comma));
    return op;
  }

  Operator* ParseTake(uint32_t begin, std::string_view) {
    return ast_.Make<Take>(Span{begin, begin}, ParseExpr());
  }

  Operator* ParseSample(uint32_t begin, std::string_view) {
    return ast_.Make<Sample>(Span{begin, begin}, ParseExpr());
  }

  Operator* ParseDistinct(uint32_t begin, std::string_view) {
    auto* op = ast_.Make<Distinct>(Span{begin, begin});
    op->params = ParseParams({}, /*hints=*/true);
    if (At(Tok::Star)) {
      op->columns.push_back(ast_.Make<Star>(Advance().span));
      return op;
    }
    do {
      op->columns.push_back(ParseExpr());
    } while (Accept(Tok::Comma));
    return op;
  }

  template <class T>
  Operator* ParseNoOperands(uint32_t begin, std::string_view) {
    return ast_.Make<T>(Span{begin, begin});
  }

  std::vector<ExpandItem> ParseExpandItems() {
    std::vector<ExpandItem> items;
    do {
      ExpandItem item;
      item.expr = ParseNamedItem();
      if (IsWord("to") && PeekWord(1, "typeof")) {
        Advance();
        Advance();
        if (Expect(Tok::LParen)) {
          item.to_type = ExpectName("a type name");
          Expect(Tok::RParen);
        }
      }
      items.push_back(std::move(item));
    } while (Accept(Tok::Comma));
    return items;
  }

  Operator* ParseMvExpand(uint32_t begin, std::string_view) {
    auto* op = ast_.Make<MvExpand>(Span{begin, begin});
    op->params = ParseParams({"bagexpansion", "with_itemindex", "kind"}, /*hints=*/false);
    op->items = ParseExpandItems();
    if (IsWord("limit")) {
      Advance();
      op->limit = ParseExpr();
    }
    return op;
  }

  Operator* ParseMvApply(uint32_t begin, std::string_view) {
    auto* op = ast_.Make<MvApply>(Span{begin, begin});
    op->params = ParseParams({"bagexpansion", "with_itemindex", "kind"}, /*hints=*/false);
    op->items = ParseExpandItems();
    if (IsWord("limit")) {
      Advance();
      op->limit = ParseExpr();
    }
    if (ExpectWord("on") && Expect(Tok::LParen)) {
      op->subquery = ParseSubquery();
      Expect(Tok::RParen);
    }
    return op;
  }

  // The body of an mv-apply or partition subquery: operators applied to the rows handed in,
  // or a tabular expression of its own.
  Node* ParseSubquery() {
    DepthGuard guard(*this);
    if (TooDeep()) return ErrorExpr(Cur().span);
    if (!AtOperatorName()) return AsTabular(ParsePipeExpr());
    const uint32_t begin = Cur().span.begin;
    auto* pipeline = ast_.Make<Pipeline>(Span{begin, begin}, ast_.Make<PipeInput>(Span{begin, begin}));
    ParseOperators(pipeline, /*leading_pipe=*/false);
    pipeline->span = From(begin);
    return pipeline;
  }

  template <class T>
  Operator* ParseParse(uint32_t begin, std::string_view) {
    auto* op = ast_.Make<T>(Span{begin, begin});
    op->params = ParseParams({"kind", "flags"}, /*hints=*/false);
    op->source = ParseExpr();
    if (!ExpectWord("with")) return op;
    while (!AtOperatorEnd()) {
      ParsePart part;
      part.span = Cur().span;
      if (At(Tok::Star)) {
        Advance();
      } else if (At(Tok::String)) {
        part.what = ParsePart::What::Text;
        part.text = Advance().text;
      } else if (AtName()) {
        part.what = ParsePart::What::Column;
        part.column = ReadName();
        if (Accept(Tok::Colon)) part.type = ExpectName("a type name");
        part.span = From(part.span.begin);
      } else {
        Unexpected("'*', a string or a column name in the parse pattern");
        Resync();
        break;
      }
      op->pattern.push_back(std::move(part));
    }
    return op;
  }

  Operator* ParseMakeSeries(uint32_t begin, std::string_view) {
    auto* op = ast_.Make<MakeSeries>(Span{begin, begin});
    op->params = ParseParams({"kind"}, /*hints=*/true);
    do {
      MakeSeries::Aggregate agg;
      agg.agg = ParseNamedItem();
      if (IsWord("default") && PeekTok().kind == Tok::Assign) {
        Advance();
        Advance();
        agg.default_value = ParseExpr();
      }
      op->aggregates.push_back(std::move(agg));
    } while (Accept(Tok::Comma));
    if (!ExpectWord("on")) return op;
    // Not ParseExpr: `on Timestamp in range(...)` must not read as the `in` operator.
    op->on = ParseAdditive();
    if (IsWord("in") && PeekWord(1, "range")) {
      Advance();
      Advance();
      op->in_range = true;
      if (Expect(Tok::LParen)) {
        op->from = ParseExpr();
        Expect(Tok::Comma);
        op->to = ParseExpr();
        Expect(Tok::Comma);
        op->step = ParseExpr();
        Expect(Tok::RParen);
      }
    } else {
      if (IsWord("from")) {
        Advance();
        op->from = ParseAdditive();
      }
      if (IsWord("to")) {
        Advance();
        op->to = ParseAdditive();
      }
      if (ExpectWord("step")) op->step = ParseAdditive();
    }
    if (IsWord("by")) {
      Advance();
      op->by = ParseNamedList();
    }
    return op;
  }

  Operator* ParseEvaluate(uint32_t begin, std::string_view) {
    auto* op = ast_.Make<Evaluate>(Span{begin, begin});
    op->params = ParseParams({}, /*hints=*/true);
    if (!At(Tok::Identifier) || PeekTok().kind != Tok::LParen) {
      Error(Code::SyntaxExpected, Gap(), "expected a plugin call such as bag_unpack(Column) but found " + Describe(Cur()));
      op->plugin = ErrorExpr(Gap());
      return op;
    }
    op->plugin = ParsePostfix();
    return op;
  }

  Operator* ParseInvoke(uint32_t begin, std::string_view) {
    auto* op = ast_.Make<Invoke>(Span{begin, begin});
    op->function = ParsePostfix();
    return op;
  }

  Operator* ParseSerialize(uint32_t begin, std::string_view) {
    auto* op = ast_.Make<Serialize>(Span{begin, begin});
    if (!AtOperatorEnd()) op->items = ParseNamedList();
    return op;
  }

  Operator* ParsePartition(uint32_t begin, std::string_view) {
    auto* op = ast_.Make<Partition>(Span{begin, begin});
    op->params = ParseParams({}, /*hints=*/true);
    if (!ExpectWord("by")) return op;
    // A column name: `partition by A (...)` is not a call of A.
    const Ident column = ExpectName("a column name");
    op->by = ast_.Make<Name>(column.span, column.name);
    const Tok close = At(Tok::LBrace) ? Tok::RBrace : Tok::RParen;
    if (Accept(Tok::LBrace) || Expect(Tok::LParen)) {
      op->subquery = ParseSubquery();
      Expect(close);
    }
    return op;
  }

  Operator* ParseAs(uint32_t begin, std::string_view) {
    auto* op = ast_.Make<As>(Span{begin, begin});
    op->params = ParseParams({}, /*hints=*/true);
    op->name = ExpectName("a name");
    return op;
  }

  Operator* ParseRender(uint32_t begin, std::string_view) {
    auto* op = ast_.Make<Render>(Span{begin, begin});
    op->chart = ExpectName("a chart type");
    if (IsWord("with") && PeekTok().kind == Tok::LParen) {
      Advance();
      op->properties = ParsePropertyList();
    }
    return op;
  }

  // `Name = expr`, `(A, B) = expr` or `expr`.
  NamedExpr ParseNamedItem() {
    NamedExpr item;
    if (AtNameAssign()) {
      item.names.push_back(ReadName());
      Advance();  // =
    } else if (At(Tok::LParen) && TupleNamesAhead()) {
      Advance();
      do {
        item.names.push_back(ReadName());
      } while (Accept(Tok::Comma));
      Advance();  // )
      Advance();  // =
    }
    item.expr = ParseExpr();
    return item;
  }

  // At `(`: whether `(A, B, ...) =` follows.
  bool TupleNamesAhead() const {
    size_t i = 1;
    for (;;) {
      if (PeekTok(i).kind != Tok::Identifier) return false;
      ++i;
      if (PeekTok(i).kind == Tok::RParen) return PeekTok(i + 1).kind == Tok::Assign;
      if (PeekTok(i).kind != Tok::Comma) return false;
      ++i;
    }
  }

  std::vector<NamedExpr> ParseNamedList() {
    std::vector<NamedExpr> items;
    do {
      items.push_back(ParseNamedItem());
    } while (Accept(Tok::Comma));
    return items;
  }

  // --- scalar ---------------------------------------------------------------------------------
  Expr* ErrorExpr(Span span) { return ast_.Make<Literal>(span, Type::Null); }

  Expr* ParseExpr() {
    DepthGuard guard(*this);
    if (TooDeep()) return ErrorExpr(Cur().span);
    return ParseLogical(LogicalOp::Or);
  }

  Expr* ParseLogical(LogicalOp op) {
    const uint32_t begin = Cur().span.begin;
    const char* word = op == LogicalOp::Or ? "or" : "and";
    Expr* first = op == LogicalOp::Or ? ParseLogical(LogicalOp::And) : ParseComparison();
    if (!IsWord(word)) return first;
    auto* node = ast_.Make<Logical>(Span{begin, begin}, op);
    node->terms.push_back(first);
    while (IsWord(word)) {
      Advance();
      node->terms.push_back(op == LogicalOp::Or ? ParseLogical(LogicalOp::And)
                                                : ParseComparison());
    }
    node->span = From(begin);
    return node;
  }

  // Recognises a comparison or string operator at the cursor without consuming it.
  bool PeekBinaryOp(BinOp& op, size_t& length) const {
    length = 1;
    switch (Cur().kind) {
      case Tok::Eq: op = BinOp::Eq; return true;
      case Tok::Assign: op = BinOp::Eq; return true;  // Kusto reads `A = 1` in a condition as `==`
      case Tok::Ne: op = BinOp::Ne; return true;
      case Tok::Lt: op = BinOp::Lt; return true;
      case Tok::Le: op = BinOp::Le; return true;
      case Tok::Gt: op = BinOp::Gt; return true;
      case Tok::Ge: op = BinOp::Ge; return true;
      case Tok::EqTilde: op = BinOp::EqCi; return true;
      case Tok::NeTilde: op = BinOp::NeCi; return true;
      case Tok::Identifier:
        if (Cur().text == "matches" && PeekWord(1, "regex")) {
          op = BinOp::MatchesRegex;
          length = 2;
          return true;
        }
        [[fallthrough]];
      case Tok::Bang: {
        const bool negated = At(Tok::Bang);
        const Token& word = negated ? PeekTok() : Cur();
        if (word.kind != Tok::Identifier || (negated && word.space_before)) return false;
        for (const auto& e : kStringOps) {
          if (word.text == e.word) {
            op = negated ? e.negated : e.op;
            length = negated ? 2 : 1;
            return true;
          }
        }
        return false;
      }
      default: return false;
    }
  }

  // `in`, `!in`, `in~`, `!in~`, `has_any`, `has_all` at the cursor: the number of tokens, or 0.
  size_t PeekInOp(InOp& op) const {
    if (IsWord("has_any") || IsWord("has_all")) {
      op = Cur().text == "has_any" ? InOp::HasAny : InOp::HasAll;
      return 1;
    }
    size_t i = 0;
    bool negated = false;
    if (At(Tok::Bang)) {
      negated = true;
      ++i;
    }
    const Token& word = PeekTok(i);
    if (word.kind != Tok::Identifier || word.text != "in" || (negated && word.space_before)) {
      return 0;
    }
    ++i;
    const bool ci = PeekTok(i).kind == Tok::Tilde && !PeekTok(i).space_before;
    if (ci) ++i;
    op = negated ? (ci ? InOp::NotInCi : InOp::NotIn) : (ci ? InOp::InCi : InOp::In);
    return i;
  }

  // A left-deep chain `a + b + c ...` is as deep as it is long: each link counts as nesting.
  bool ChainTooDeep(int links) {
    if (depth_ + links <= kMaxNesting) return false;
    Error(Code::SyntaxTooDeep, Cur().span,
          "expression nested more than " + std::to_string(kMaxNesting) + " levels deep");
    Resync();
    return true;
  }

  // `(item, ...)` of an `in` or `has_any` list.
  void ParseListItems(InList* node) {
    if (!Expect(Tok::LParen)) return;
    if (!At(Tok::RParen)) {
      do {
        node->items.push_back(AsScalar(ParsePipeExpr()));
      } while (Accept(Tok::Comma));
    }
    Expect(Tok::RParen);
  }

  Expr* ParseComparison() {
    const uint32_t begin = Cur().span.begin;
    Expr* lhs = ParseAdditive();
    for (int links = 1;; ++links) {
      if (ChainTooDeep(links)) return lhs;
      BinOp op;
      size_t length;
      InOp in_op;
      if (size_t n = PeekInOp(in_op)) {
        const Span op_span{Cur().span.begin, PeekTok(n - 1).span.end};
        for (size_t i = 0; i < n; ++i) Advance();
        auto* node = ast_.Make<InList>(Span{begin, begin}, in_op, lhs);
        node->op_span = op_span;
        ParseListItems(node);
        node->span = From(begin);
        lhs = node;
      } else if (IsWord("between") || (At(Tok::Bang) && PeekWord(1, "between"))) {
        const bool negated = At(Tok::Bang);
        if (negated) Advance();
        Advance();
        Expr* low = nullptr;
        Expr* high = nullptr;
        if (Expect(Tok::LParen)) {
          low = ParseAdditive();
          Expect(Tok::DotDot);
          high = ParseAdditive();
          Expect(Tok::RParen);
        }
        if (!low || !high) return ErrorExpr(From(begin));
        lhs = ast_.Make<Between>(From(begin), negated, lhs, low, high);
      } else if (PeekBinaryOp(op, length)) {
        const Span op_span{Cur().span.begin, PeekTok(length - 1).span.end};
        for (size_t i = 0; i < length; ++i) Advance();
        Expr* rhs = ParseAdditive();
        auto* node = ast_.Make<Binary>(From(begin), op, lhs, rhs);
        node->op_span = op_span;
        lhs = node;
      } else {
        return lhs;
      }
    }
  }

  Expr* ParseAdditive() {
    const uint32_t begin = Cur().span.begin;
    Expr* lhs = ParseMultiplicative();
    for (int links = 1; At(Tok::Plus) || At(Tok::Minus); ++links) {
      if (ChainTooDeep(links)) return lhs;
      const BinOp op = At(Tok::Plus) ? BinOp::Add : BinOp::Sub;
      const Span op_span = Advance().span;
      auto* node = ast_.Make<Binary>(Span{}, op, lhs, ParseMultiplicative());
      node->op_span = op_span;
      node->span = From(begin);
      lhs = node;
    }
    return lhs;
  }

  Expr* ParseMultiplicative() {
    const uint32_t begin = Cur().span.begin;
    Expr* lhs = ParseUnary();
    for (int links = 1; At(Tok::Star) || At(Tok::Slash) || At(Tok::Percent); ++links) {
      if (ChainTooDeep(links)) return lhs;
      const BinOp op = At(Tok::Star) ? BinOp::Mul : At(Tok::Slash) ? BinOp::Div : BinOp::Mod;
      const Span op_span = Advance().span;
      auto* node = ast_.Make<Binary>(Span{}, op, lhs, ParseUnary());
      node->op_span = op_span;
      node->span = From(begin);
      lhs = node;
    }
    return lhs;
  }

  Expr* ParseUnary() {
    if (At(Tok::Minus) || At(Tok::Plus)) {
      DepthGuard guard(*this);
      const uint32_t begin = Cur().span.begin;
      const UnaryOp op = At(Tok::Minus) ? UnaryOp::Neg : UnaryOp::Plus;
      Advance();
      if (TooDeep()) return ErrorExpr(Cur().span);
      Expr* operand = ParseUnary();
      return ast_.Make<Unary>(From(begin), op, operand);
    }
    return ParsePostfix();
  }

  // `a.b`, `a[i]` after a primary expression.
  Expr* ParsePostfix() {
    const uint32_t begin = Cur().span.begin;
    Expr* e = ParsePrimary();
    for (int links = 1; At(Tok::LBracket) || (At(Tok::Dot) && (PeekTok().kind == Tok::Identifier ||
                                                                 PeekTok().kind == Tok::LBracket));
         ++links) {
      if (ChainTooDeep(links)) return e;
      if (At(Tok::Dot) && PeekTok().kind == Tok::LBracket) Advance();  // `x.["name"]` is `x["name"]`
      if (Accept(Tok::Dot)) {
        const Token& member = Advance();
        e = ast_.Make<Member>(From(begin), e, Ident{member.text, member.span});
        continue;
      }
      Advance();  // [
      Expr* index = ParseExpr();
      Expect(Tok::RBracket);
      e = ast_.Make<Index>(From(begin), e, index);
    }
    return e;
  }

  Expr* ParsePrimary() {
    const Token& t = Cur();
    switch (t.kind) {
      case Tok::Long: {
        auto* lit = ast_.Make<Literal>(t.span, Type::Long);
        lit->integer = t.ticks;
        Advance();
        return lit;
      }
      case Tok::Real: {
        auto* lit = ast_.Make<Literal>(t.span, Type::Real);
        lit->real = t.real;
        Advance();
        return lit;
      }
      case Tok::TimeSpan: {
        auto* lit = ast_.Make<Literal>(t.span, Type::TimeSpan);
        lit->integer = t.ticks;
        Advance();
        return lit;
      }
      case Tok::String: {
        auto* lit = ast_.Make<Literal>(t.span, Type::String);
        Advance();
        lit->text = t.text;
        while (At(Tok::String)) {  // adjacent literals concatenate
          lit->text += Cur().text;
          lit->span.end = Advance().span.end;
        }
        return lit;
      }
      case Tok::LParen: {
        const uint32_t begin = t.span.begin;
        Advance();
        Node* inner = ParsePipeExpr();
        Expect(Tok::RParen);
        if (inner->IsExpr() && !inner->Is<Subquery>()) {
          inner->span = From(begin);
          return static_cast<Expr*>(inner);
        }
        return ast_.Make<Subquery>(From(begin), AsTabular(inner));
      }
      case Tok::LBracket:
        if (AtName()) {
          Ident id = ReadName();
          return ast_.Make<Name>(id.span, std::move(id.name));
        }
        break;
      case Tok::Identifier: return ParseNameOrCall();
      default: break;
    }
    // A token the lexer could not read was reported already.
    if (!At(Tok::Error)) {
      Error(Code::SyntaxExpected, Gap(), "expected an expression but found " + Describe(Cur()));
    }
    const Span at = Gap();
    if (!AtOperatorEnd() && !At(Tok::Comma)) Advance();
    return ErrorExpr(at);
  }

  Expr* ParseNameOrCall() {
    const Token& t = Advance();
    if (t.text == "true" || t.text == "false") {
      auto* lit = ast_.Make<Literal>(t.span, Type::Bool);
      lit->integer = t.text == "true";
      return lit;
    }
    if (!At(Tok::LParen)) return ast_.Make<Name>(t.span, t.text);
    if (PeekTok().kind == Tok::RawParens) return ParseRawLiteral(t);
    if (t.text == "dynamic") return ParseDynamic(t);
    if (Expr* lit = ParseTypedLiteral(t)) return lit;
    auto* call = ast_.Make<Call>(t.span, t.text);
    call->name_span = t.span;
    Advance();
    if (!At(Tok::RParen)) {
      do {
        call->args.push_back(ParseArgument());
      } while (Accept(Tok::Comma));
    }
    Expect(Tok::RParen);
    call->span = From(t.span.begin);
    return call;
  }

  // A call argument: `*`, `name = value`, or an expression (which may be tabular).
  Expr* ParseArgument() {
    if (At(Tok::Star) && (PeekTok().kind == Tok::Comma || PeekTok().kind == Tok::RParen)) {
      return ast_.Make<Star>(Advance().span);
    }
    if (At(Tok::Identifier) && PeekTok().kind == Tok::Assign) {
      const Token& name = Advance();
      Advance();  // =
      Expr* value = ParseExpr();
      return ast_.Make<NamedArg>(From(name.span.begin), Ident{name.text, name.span}, value);
    }
    return AsScalar(ParsePipeExpr());
  }

  // `int(5)`, `real(null)`, `bool(true)`, `long(-1)`: a literal of the named type, or null
  // when the parentheses hold anything else (then it is a call).
  Expr* ParseTypedLiteral(const Token& keyword) {
    bool typed = false;
    for (std::string_view n : kTypedLiteralNames) typed = typed || keyword.text == n;
    if (!typed) return nullptr;
    size_t i = 1;
    const bool negative = PeekTok(i).kind == Tok::Minus;
    if (negative) ++i;
    const Token& value = PeekTok(i);
    const bool word = value.kind == Tok::Identifier &&
                      (value.text == "null" || value.text == "true" || value.text == "false" ||
                       value.text == "inf" || value.text == "nan");
    if ((value.kind != Tok::Long && value.kind != Tok::Real && !word) ||
        PeekTok(i + 1).kind != Tok::RParen) {
      return nullptr;
    }
    const Type type = *TypeFromName(keyword.text == "double" ? "real" : keyword.text);
    for (size_t k = 0; k <= i + 1; ++k) Advance();
    auto* lit = ast_.Make<Literal>(From(keyword.span.begin), type);
    const double sign = negative ? -1.0 : 1.0;
    if (value.text == "null") {
      lit->is_null = true;
    } else if (value.text == "true" || value.text == "false") {
      lit->integer = value.text == "true";
    } else if (value.text == "inf" || value.text == "nan") {
      lit->real = value.text == "inf" ? sign * HUGE_VAL : std::nan("");
    } else if (value.kind == Tok::Real || type == Type::Real || type == Type::Decimal) {
      lit->real = sign * (value.kind == Tok::Real ? value.real : static_cast<double>(value.ticks));
      lit->integer = static_cast<int64_t>(lit->real);
    } else {
      lit->integer = negative ? -value.ticks : value.ticks;
      lit->real = static_cast<double>(lit->integer);
    }
    if ((type == Type::Int || type == Type::Long || type == Type::Bool) &&
        (value.kind == Tok::Real || value.text == "inf" || value.text == "nan")) {
      Error(Code::SyntaxBadLiteral, value.span,
            fmt::format("'{}' is not a valid {} value", Describe(value), keyword.text));
    }
    return lit;
  }

  // `dynamic(...)`: JSON-like values with KQL literals at the leaves.
  Expr* ParseDynamic(const Token& keyword) {
    Advance();  // (
    Expr* value = ParseDynamicValue();
    Expect(Tok::RParen);
    return ast_.Make<Dynamic>(From(keyword.span.begin), value);
  }

  Expr* ParseDynamicValue() {
    DepthGuard guard(*this);
    if (TooDeep()) return ErrorExpr(Cur().span);
    const uint32_t begin = Cur().span.begin;
    if (IsWord("null")) {
      auto* lit = ast_.Make<Literal>(Advance().span, Type::Dynamic);
      lit->is_null = true;
      return lit;
    }
    if (Accept(Tok::LBracket)) {
      auto* array = ast_.Make<DynArray>(Span{begin, begin});
      if (!At(Tok::RBracket)) {
        do {
          if (At(Tok::RBracket)) break;  // a trailing comma
          array->items.push_back(ParseDynamicValue());
        } while (Accept(Tok::Comma));
      }
      Expect(Tok::RBracket);
      array->span = From(begin);
      return array;
    }
    if (Accept(Tok::LBrace)) {
      auto* bag = ast_.Make<DynBag>(Span{begin, begin});
      if (!At(Tok::RBrace)) {
        do {
          if (At(Tok::RBrace)) break;
          DynBag::Entry entry;
          if (At(Tok::String) || At(Tok::Identifier)) {
            const Token& key = Advance();
            entry.key = {key.text, key.span};
          } else {
            Error(Code::SyntaxExpected, Gap(), "expected a property name but found " + Describe(Cur()));
          }
          Expect(Tok::Colon);
          entry.value = ParseDynamicValue();
          bag->entries.push_back(std::move(entry));
        } while (Accept(Tok::Comma));
      }
      Expect(Tok::RBrace);
      bag->span = From(begin);
      return bag;
    }
    return ParseUnary();
  }

  // `datetime(2026-11-20 10:00)`, `datetime(null)`, `timespan(1d)`, `timespan(1.02:03:04)`,
  // `guid(...)`: the lexer kept the text inside the parentheses raw.
  Expr* ParseRawLiteral(const Token& keyword) {
    Advance();  // (
    const Token& raw = Advance();
    Advance();  // )
    const Span span = From(keyword.span.begin);
    std::string_view body = raw.text;
    while (!body.empty() && (body.back() == ' ' || body.back() == '\t')) body.remove_suffix(1);
    while (!body.empty() && (body.front() == ' ' || body.front() == '\t')) body.remove_prefix(1);
    if (body.size() >= 2 && (body.front() == '"' || body.front() == '\'') &&
        body.back() == body.front()) {
      body = body.substr(1, body.size() - 2);
    }
    const Type type = keyword.text == "datetime"   ? Type::DateTime
                      : keyword.text == "guid"     ? Type::Guid
                                                   : Type::TimeSpan;
    auto* lit = ast_.Make<Literal>(span, type);
    if (body == "null") {
      lit->is_null = true;
      return lit;
    }
    bool ok = true;
    if (type == Type::DateTime) {
      auto ticks = ParseDateTime(body);
      if (!ticks) ticks = ParseUsDateTime(body);
      if (!ticks && LooksLikeTimeOfDay(body)) {
        // .NET reads a time alone as that time today: a value that depends on when it is read.
        Error(Code::Unsupported, raw.span,
              fmt::format("a datetime without a date ('{}') is not supported yet", body));
        return lit;
      }
      ok = ticks.has_value();
      lit->integer = ticks.value_or(0);
    } else if (type == Type::Guid) {
      lit->text = std::string(body);
      ok = IsGuid(body);
    } else {
      const auto ticks = ParseTimeSpanBody(body);
      ok = ticks.has_value();
      lit->integer = ticks.value_or(0);
    }
    if (!ok) {
      Error(Code::SyntaxBadLiteral, raw.span,
            fmt::format("'{}' is not a valid {}", body, TypeName(type)));
    }
    return lit;
  }

  // `M/d/yyyy [H:mm[:ss]] [AM|PM]`, the US form .NET also accepts.
  static std::optional<int64_t> ParseUsDateTime(std::string_view s) {
    unsigned month = 0, day = 0, year = 0, hour = 0, minute = 0, second = 0;
    char ampm[3] = {};
    int used = 0;
    const std::string text(s);
    const int n = std::sscanf(text.c_str(), "%2u/%2u/%4u%n %2u:%2u%n:%2u%n %2s%n", &month, &day,
                              &year, &used, &hour, &minute, &used, &second, &used, ampm, &used);
    if (n < 3 || static_cast<size_t>(used) != text.size()) return std::nullopt;
    const std::string_view suffix(ampm);
    if (suffix == "PM" || suffix == "pm") {
      if (hour > 12) return std::nullopt;
      hour = hour % 12 + 12;
    } else if (suffix == "AM" || suffix == "am") {
      if (hour > 12) return std::nullopt;
      hour %= 12;
    } else if (!suffix.empty()) {
      return std::nullopt;
    }
    return ParseDateTime(
        fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", year, month, day, hour, minute, second));
  }

  static bool LooksLikeTimeOfDay(std::string_view s) {
    return !s.empty() && std::isdigit(static_cast<unsigned char>(s.front())) &&
           s.find(':') != std::string_view::npos && s.find('-') == std::string_view::npos &&
           s.find('/') == std::string_view::npos;
  }

  static bool IsGuid(std::string_view s) {
    if (s.size() != 36) return false;
    for (size_t i = 0; i < s.size(); ++i) {
      const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
      if (dash != (s[i] == '-')) return false;
      if (!dash && !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
    }
    return true;
  }

  // The text of timespan(...): a timespan literal (`1d`), a number of days (`2`), or
  // `[-][d.]hh:mm[:ss[.fffffff]]`.
  static std::optional<int64_t> ParseTimeSpanBody(std::string_view body) {
    std::vector<Token> inner = Lex(body, [](Code, Span, std::string) {});
    if (inner.size() == 2 && inner[0].kind == Tok::TimeSpan) return inner[0].ticks;
    if (inner.size() == 2 && inner[0].kind == Tok::Long) return inner[0].ticks * kTicksPerDay;
    bool negative = false;
    if (!body.empty() && body.front() == '-') {
      negative = true;
      body.remove_prefix(1);
    }
    // Reads digits into `value`; false when there are none.
    const auto number = [&](int64_t& value, size_t max_digits) {
      size_t n = 0;
      value = 0;
      while (n < body.size() && n < max_digits && body[n] >= '0' && body[n] <= '9') {
        value = value * 10 + (body[n] - '0');
        ++n;
      }
      body.remove_prefix(n);
      return n > 0;
    };
    int64_t days = 0, hours = 0, minutes = 0, seconds = 0, fraction = 0;
    if (!number(hours, 9)) return std::nullopt;
    if (!body.empty() && body.front() == '.') {
      body.remove_prefix(1);
      days = hours;
      if (!number(hours, 2)) return std::nullopt;
    }
    if (body.empty() || body.front() != ':') return std::nullopt;
    body.remove_prefix(1);
    if (!number(minutes, 2)) return std::nullopt;
    if (!body.empty() && body.front() == ':') {
      body.remove_prefix(1);
      if (!number(seconds, 2)) return std::nullopt;
      if (!body.empty() && body.front() == '.') {
        body.remove_prefix(1);
        const size_t before = body.size();
        if (!number(fraction, 7)) return std::nullopt;
        for (size_t d = before - body.size(); d < 7; ++d) fraction *= 10;
      }
    }
    if (!body.empty() || hours > 23 || minutes > 59 || seconds > 59) return std::nullopt;
    const int64_t ticks = (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * kTicksPerSecond +
                          fraction;
    return negative ? -ticks : ticks;
  }

  std::string_view text_;
  Ast& ast_;
  const Reporter& report_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
  bool failed_ = false;
  uint32_t last_error_at_ = 0;
  size_t error_count_ = 0;
};

// The operators read after a `|`, by name.
const std::array<OperatorEntry, 35>& Parser::Operators() {
  static const std::array<OperatorEntry, 35> kOperators{
      OperatorEntry{"where", &Parser::ParseWhere},
      OperatorEntry{"filter", &Parser::ParseWhere},
      OperatorEntry{"project", &Parser::ParseItems<Project>},
      OperatorEntry{"extend", &Parser::ParseItems<Extend>},
      OperatorEntry{"project-away", &Parser::ParseColumns<ProjectAway>},
      OperatorEntry{"project-keep", &Parser::ParseColumns<ProjectKeep>},
      OperatorEntry{"project-rename", &Parser::ParseProjectRename},
      OperatorEntry{"project-reorder", &Parser::ParseProjectReorder},
      OperatorEntry{"summarize", &Parser::ParseSummarize},
      OperatorEntry{"join", &Parser::ParseJoin<Join>},
      OperatorEntry{"lookup", &Parser::ParseJoin<Lookup>},
      OperatorEntry{"union", &Parser::ParseUnionOperator},
      OperatorEntry{"sort", &Parser::ParseSort},
      OperatorEntry{"order", &Parser::ParseSort},
      OperatorEntry{"top", &Parser::ParseTop},
      OperatorEntry{"top-nested", &Parser::ParseTopNested},
      OperatorEntry{"take", &Parser::ParseTake},
      OperatorEntry{"limit", &Parser::ParseTake},
      OperatorEntry{"distinct", &Parser::ParseDistinct},
      OperatorEntry{"count", &Parser::ParseNoOperands<Count>},
      OperatorEntry{"mv-expand", &Parser::ParseMvExpand},
      OperatorEntry{"mvexpand", &Parser::ParseMvExpand},
      OperatorEntry{"mv-apply", &Parser::ParseMvApply},
      OperatorEntry{"mvapply", &Parser::ParseMvApply},
      OperatorEntry{"parse", &Parser::ParseParse<ParseOp>},
      OperatorEntry{"parse-where", &Parser::ParseParse<ParseWhereOp>},
      OperatorEntry{"make-series", &Parser::ParseMakeSeries},
      OperatorEntry{"evaluate", &Parser::ParseEvaluate},
      OperatorEntry{"invoke", &Parser::ParseInvoke},
      OperatorEntry{"serialize", &Parser::ParseSerialize},
      OperatorEntry{"partition", &Parser::ParsePartition},
      OperatorEntry{"as", &Parser::ParseAs},
      OperatorEntry{"getschema", &Parser::ParseNoOperands<GetSchema>},
      OperatorEntry{"sample", &Parser::ParseSample},
      OperatorEntry{"render", &Parser::ParseRender},
  };
  return kOperators;
}

}  // namespace

bool Parse(std::string_view text, Ast& ast, const Reporter& report) {
  return Parser(text, ast, report).Run();
}

}  // namespace huntc::syntax
