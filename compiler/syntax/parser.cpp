// The KQL parser.
#include "compiler/syntax/parser.h"

#include <array>

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
};

// Tabular operators of KQL that this parser does not read yet: reported by name, then skipped.
constexpr std::array<std::string_view, 33> kOtherOperators{
    "extend", "summarize", "join", "union", "sort", "order", "top", "take", "limit",
    "distinct", "count", "mv-expand", "mvexpand", "mv-apply", "parse", "parse-where",
    "make-series", "evaluate", "project-away", "project-rename", "project-reorder",
    "project-keep", "lookup", "serialize", "as", "invoke", "top-nested", "sample",
    "getschema", "partition", "fork", "facet", "search",
};

class Parser {
 public:
  Parser(std::string_view text, Ast& ast, const Reporter& report)
      : text_(text), ast_(ast), report_(report) {
    tokens_ = Lex(text, [this](Code c, Span s, std::string m) { Error(c, s, std::move(m)); });
  }

  bool Run() {
    while (IsWord("let") || IsWord("set") || IsWord("declare")) {
      Error(Code::Unsupported, Cur().span, "'" + Cur().text + "' statements are not supported yet");
      SkipPast(Tok::Semicolon);
    }
    if (At(Tok::End)) {
      Error(Code::SyntaxExpected, Cur().span, "the query is empty: expected a table name");
      return false;
    }
    ast_.root = ParseTabular();
    while (At(Tok::Semicolon)) Advance();
    if (!At(Tok::End)) Unexpected("the end of the query");
    return !failed_;
  }

 private:
  // --- tokens ---------------------------------------------------------------------------------
  const Token& Cur() const { return tokens_[pos_]; }
  const Token& PeekTok(size_t ahead = 1) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  bool At(Tok k) const { return Cur().kind == k; }
  bool IsWord(std::string_view w) const { return At(Tok::Identifier) && Cur().text == w; }
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
  bool Expect(Tok k) {
    if (Accept(k)) return true;
    Error(Code::SyntaxExpected, Cur().span,
          "expected " + std::string(TokName(k)) + " but found " + Describe(Cur()));
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
    // One diagnostic per position: the parser may stumble several times at one bad token.
    if (span.begin == last_error_at_ && error_count_ > 0) return;
    last_error_at_ = span.begin;
    ++error_count_;
    report_(code, span, std::move(message));
  }
  // Skips to the next `|` or `;` at bracket depth 0 (or the end), to resume after an error.
  void Resync() {
    int depth = 0;
    while (!At(Tok::End)) {
      if (depth == 0 && (At(Tok::Pipe) || At(Tok::Semicolon))) return;
      if (At(Tok::LParen) || At(Tok::LBracket) || At(Tok::LBrace)) ++depth;
      if ((At(Tok::RParen) || At(Tok::RBracket) || At(Tok::RBrace)) && depth > 0) --depth;
      Advance();
    }
  }
  void SkipPast(Tok k) {
    while (!At(Tok::End) && !At(k)) Advance();
    Accept(k);
  }
  Span From(uint32_t begin) const { return {begin, tokens_[pos_ > 0 ? pos_ - 1 : 0].span.end}; }

  // --- tabular --------------------------------------------------------------------------------
  Node* ParseTabular() {
    const uint32_t begin = Cur().span.begin;
    Node* source = nullptr;
    if (At(Tok::Identifier)) {
      const Token& t = Advance();
      source = ast_.Make<TableRef>(t.span, t.text);
    } else {
      Unexpected("a table name");
      Resync();
    }
    if (!At(Tok::Pipe)) return source;
    auto* pipeline = ast_.Make<Pipeline>(Span{begin, begin}, source);
    while (Accept(Tok::Pipe)) {
      if (Operator* op = ParseOperator()) pipeline->ops.push_back(op);
      if (!At(Tok::Pipe) && !At(Tok::Semicolon) && !At(Tok::End)) {
        Unexpected("'|' or the end of the query");
        Resync();
      }
    }
    pipeline->span = From(begin);
    return pipeline;
  }

  // Reads an operator name, joining hyphenated names such as `project-away`.
  std::string OperatorName() {
    std::string name = Cur().text;
    size_t ahead = 1;
    while (PeekTok(ahead).kind == Tok::Minus && !PeekTok(ahead).space_before &&
           PeekTok(ahead + 1).kind == Tok::Identifier && !PeekTok(ahead + 1).space_before) {
      name += "-" + PeekTok(ahead + 1).text;
      ahead += 2;
    }
    return name;
  }

  Operator* ParseOperator() {
    const uint32_t begin = Cur().span.begin;
    if (!At(Tok::Identifier)) {
      Unexpected("a tabular operator");
      Resync();
      return nullptr;
    }
    const std::string name = OperatorName();
    if (name == "where" || name == "filter") {
      Advance();
      Expr* pred = ParseExpr();
      return ast_.Make<Where>(From(begin), pred);
    }
    if (name == "project") {
      Advance();
      auto* project = ast_.Make<Project>(Span{begin, begin});
      do {
        project->items.push_back(ParseProjectItem());
      } while (Accept(Tok::Comma));
      project->span = From(begin);
      return project;
    }
    if (name == "render") {  // presentation only: accepted and ignored
      Resync();
      return nullptr;
    }
    const Span name_span{begin, begin + static_cast<uint32_t>(name.size())};
    for (std::string_view other : kOtherOperators) {
      if (name == other) {
        Error(Code::Unsupported, name_span,
              "the '" + name + "' operator is not supported yet");
        Resync();
        return nullptr;
      }
    }
    Error(Code::SyntaxUnexpected, name_span, "'" + name + "' is not a tabular operator");
    Resync();
    return nullptr;
  }

  ProjectItem ParseProjectItem() {
    ProjectItem item;
    if (At(Tok::Identifier) && PeekTok().kind == Tok::Assign) {
      item.name = Cur().text;
      item.name_span = Cur().span;
      Advance();
      Advance();
    }
    item.expr = ParseExpr();
    return item;
  }

  // --- scalar ---------------------------------------------------------------------------------
  // Guards recursion: every nested expression passes through here.
  struct DepthGuard {
    Parser& p;
    explicit DepthGuard(Parser& parser) : p(parser) { ++p.depth_; }
    ~DepthGuard() { --p.depth_; }
  };

  Expr* ErrorExpr(Span span) { return ast_.Make<Literal>(span, Type::Null); }

  Expr* ParseExpr() {
    DepthGuard guard(*this);
    if (depth_ > kMaxNesting) {
      Error(Code::SyntaxTooDeep, Cur().span,
            "expression nested more than " + std::to_string(kMaxNesting) + " levels deep");
      const Span at = Cur().span;
      Resync();
      return ErrorExpr(at);
    }
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
  bool PeekBinaryOp(BinOp& op, size_t& length) {
    length = 1;
    switch (Cur().kind) {
      case Tok::Eq: op = BinOp::Eq; return true;
      case Tok::Ne: op = BinOp::Ne; return true;
      case Tok::Lt: op = BinOp::Lt; return true;
      case Tok::Le: op = BinOp::Le; return true;
      case Tok::Gt: op = BinOp::Gt; return true;
      case Tok::Ge: op = BinOp::Ge; return true;
      case Tok::EqTilde: op = BinOp::EqCi; return true;
      case Tok::NeTilde: op = BinOp::NeCi; return true;
      case Tok::Identifier:
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

  // `in`, `!in`, `in~`, `!in~` at the cursor: the number of tokens, or 0.
  size_t PeekInOp(InOp& op) const {
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

  Expr* ParseComparison() {
    const uint32_t begin = Cur().span.begin;
    Expr* lhs = ParseAdditive();
    for (int links = 1;; ++links) {
      if (ChainTooDeep(links)) return lhs;
      BinOp op;
      size_t length;
      InOp in_op;
      if (size_t n = PeekInOp(in_op)) {
        for (size_t i = 0; i < n; ++i) Advance();
        auto* node = ast_.Make<InList>(Span{begin, begin}, in_op, lhs);
        if (Expect(Tok::LParen)) {
          if (!At(Tok::RParen)) {
            do {
              node->items.push_back(ParseExpr());
            } while (Accept(Tok::Comma));
          }
          Expect(Tok::RParen);
        }
        node->span = From(begin);
        lhs = node;
      } else if (IsWord("between") ||
                 (At(Tok::Bang) && PeekTok().kind == Tok::Identifier &&
                  PeekTok().text == "between")) {
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
      if (depth_ > kMaxNesting) return ParseExpr();  // reports the depth error
      Expr* operand = ParseUnary();
      return ast_.Make<Unary>(From(begin), op, operand);
    }
    return ParsePrimary();
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
        Expr* inner = ParseExpr();
        Expect(Tok::RParen);
        inner->span = From(begin);
        return inner;
      }
      case Tok::Identifier: return ParseNameOrCall();
      default: break;
    }
    Unexpected("an expression");
    const Span at = t.span;
    if (!At(Tok::Pipe) && !At(Tok::End) && !At(Tok::Semicolon) && !At(Tok::RParen) &&
        !At(Tok::Comma)) {
      Advance();
    }
    return ErrorExpr(at);
  }

  Expr* ParseNameOrCall() {
    const Token& t = Advance();
    if (t.text == "true" || t.text == "false") {
      auto* lit = ast_.Make<Literal>(t.span, Type::Bool);
      lit->integer = t.text == "true";
      return lit;
    }
    if (PeekLiteralKeyword(t)) return ParseTypedLiteral(t);
    if (!At(Tok::LParen)) return ast_.Make<Name>(t.span, t.text);
    auto* call = ast_.Make<Call>(t.span, t.text);
    call->name_span = t.span;
    Advance();
    if (!At(Tok::RParen)) {
      do {
        call->args.push_back(ParseExpr());
      } while (Accept(Tok::Comma));
    }
    Expect(Tok::RParen);
    call->span = From(t.span.begin);
    return call;
  }

  bool PeekLiteralKeyword(const Token& t) const {
    return (t.text == "datetime" || t.text == "timespan" || t.text == "time") &&
           At(Tok::LParen) && PeekTok().kind == Tok::RawParens;
  }

  // `datetime(2026-11-20 10:00)`, `datetime(null)`, `timespan(1d)`.
  Expr* ParseTypedLiteral(const Token& keyword) {
    Advance();  // (
    const Token& raw = Advance();
    Advance();  // )
    const Span span = From(keyword.span.begin);
    std::string body = raw.text;
    while (!body.empty() && body.back() == ' ') body.pop_back();
    while (!body.empty() && body.front() == ' ') body.erase(body.begin());
    if (keyword.text == "datetime") {
      auto* lit = ast_.Make<Literal>(span, Type::DateTime);
      if (body == "null") {
        lit->is_null = true;
      } else if (auto ticks = ParseDateTime(body)) {
        lit->integer = *ticks;
      } else {
        Error(Code::SyntaxBadLiteral, raw.span, "'" + body + "' is not a valid datetime");
      }
      return lit;
    }
    auto* lit = ast_.Make<Literal>(span, Type::TimeSpan);
    if (body == "null") {
      lit->is_null = true;
      return lit;
    }
    std::vector<Token> inner =
        Lex(body, [](Code, Span, std::string) {});
    if (inner.size() == 2 && inner[0].kind == Tok::TimeSpan) {
      lit->integer = inner[0].ticks;
    } else if (inner.size() == 2 && inner[0].kind == Tok::Long) {
      lit->integer = inner[0].ticks * kTicksPerDay;  // timespan(2) means 2 days
    } else {
      Error(Code::Unsupported, raw.span,
            "the timespan literal form '" + body + "' is not supported yet");
    }
    return lit;
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

}  // namespace

bool Parse(std::string_view text, Ast& ast, const Reporter& report) {
  return Parser(text, ast, report).Run();
}

}  // namespace huntc::syntax
