// Tokens of KQL as the lexer produces them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace huntc::syntax {

// A byte range [begin, end) in the query text.
struct Span {
  uint32_t begin = 0;
  uint32_t end = 0;
};

enum class Tok : uint8_t {
  End,
  Identifier,  // names and keywords alike: `where`, `and`, `DeviceName`, `has_cs`
  String,      // any string literal; `text` holds the decoded value
  Long,        // integer literal
  Real,        // floating-point literal
  TimeSpan,    // `7d`, `1.5h`, `100ms`: `ticks` holds the value
  RawParens,   // the raw text inside `datetime(...)`, `timespan(...)`, `guid(...)`
  Pipe, LParen, RParen, LBracket, RBracket, LBrace, RBrace, Comma, Semicolon, Colon,
  Dot, DotDot, Assign, Eq, Ne, Lt, Le, Gt, Ge, EqTilde, NeTilde, Bang, Tilde,
  Plus, Minus, Star, Slash, Percent, At, Dollar, Question,
  Error,  // a character or literal the lexer could not read (already reported)
};

struct Token {
  Tok kind = Tok::End;
  Span span;
  bool space_before = false;  // whitespace or a comment precedes it (for `project-away`, `in~`)
  std::string text;           // identifier name, decoded string, raw parens text
  int64_t ticks = 0;          // Long value or TimeSpan ticks
  double real = 0;
};

std::string_view TokName(Tok t);

}  // namespace huntc::syntax
