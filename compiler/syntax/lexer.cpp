// The KQL lexer.
#include "compiler/syntax/lexer.h"

#include <array>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "runtime/types.h"

namespace huntc::syntax {

namespace {

bool IsIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentPart(char c) { return IsIdentStart(c) || IsDigit(c); }

struct Unit {
  std::string_view name;
  int64_t ticks;
};

constexpr int64_t kTick = 1;
constexpr int64_t kMicro = 10;
constexpr int64_t kMilli = 10'000;
constexpr int64_t kSecond = kTicksPerSecond;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;

// Timespan literal units (KQL has no week unit).
constexpr std::array kUnits{
    Unit{"d", kDay},          Unit{"day", kDay},          Unit{"days", kDay},
    Unit{"h", kHour},         Unit{"hr", kHour},          Unit{"hrs", kHour},
    Unit{"hour", kHour},      Unit{"hours", kHour},       Unit{"m", kMinute},
    Unit{"min", kMinute},     Unit{"minute", kMinute},    Unit{"minutes", kMinute},
    Unit{"s", kSecond},       Unit{"sec", kSecond},       Unit{"second", kSecond},
    Unit{"seconds", kSecond}, Unit{"ms", kMilli},         Unit{"milli", kMilli},
    Unit{"millis", kMilli},   Unit{"millisec", kMilli},   Unit{"millisecond", kMilli},
    Unit{"milliseconds", kMilli}, Unit{"microsec", kMicro}, Unit{"microsecond", kMicro},
    Unit{"microseconds", kMicro}, Unit{"tick", kTick},    Unit{"ticks", kTick},
};

class Lexer {
 public:
  Lexer(std::string_view text, const Reporter& report) : s_(text), report_(report) {}

  std::vector<Token> Run() {
    std::vector<Token> out;
    for (;;) {
      const bool space = SkipSpaceAndComments();
      Token t;
      t.space_before = space;
      t.span.begin = pos_;
      if (pos_ >= s_.size()) {
        t.kind = Tok::End;
        t.span.end = pos_;
        out.push_back(std::move(t));
        return out;
      }
      Next(t);
      t.span.end = pos_;
      // `datetime(...)`-style literals take their parenthesised text raw.
      if (t.kind == Tok::Identifier && IsRawLiteralName(t.text)) {
        out.push_back(std::move(t));
        size_t p = pos_;
        while (p < s_.size() && (s_[p] == ' ' || s_[p] == '\t')) ++p;
        if (p < s_.size() && s_[p] == '(') ReadRawParens(out, p);
        continue;
      }
      out.push_back(std::move(t));
    }
  }

 private:
  static bool IsRawLiteralName(std::string_view name) {
    return name == "datetime" || name == "timespan" || name == "time" || name == "guid";
  }

  void ReadRawParens(std::vector<Token>& out, size_t open) {
    Token lp;
    lp.kind = Tok::LParen;
    lp.span = {static_cast<uint32_t>(open), static_cast<uint32_t>(open + 1)};
    const size_t close = s_.find(')', open + 1);
    if (close == std::string_view::npos) {
      pos_ = static_cast<uint32_t>(open);  // let the parser report the missing ')'
      return;
    }
    out.push_back(std::move(lp));
    Token raw;
    raw.kind = Tok::RawParens;
    raw.span = {static_cast<uint32_t>(open + 1), static_cast<uint32_t>(close)};
    raw.text = std::string(s_.substr(open + 1, close - open - 1));
    out.push_back(std::move(raw));
    Token rp;
    rp.kind = Tok::RParen;
    rp.span = {static_cast<uint32_t>(close), static_cast<uint32_t>(close + 1)};
    out.push_back(std::move(rp));
    pos_ = static_cast<uint32_t>(close + 1);
  }

  bool SkipSpaceAndComments() {
    const uint32_t start = pos_;
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        ++pos_;
      } else if (c == '/' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '/') {
        while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
      } else if (static_cast<unsigned char>(c) == 0xC2 && pos_ + 1 < s_.size() &&
                 static_cast<unsigned char>(s_[pos_ + 1]) == 0xA0) {
        pos_ += 2;  // no-break space, common in pasted queries
      } else {
        break;
      }
    }
    return pos_ != start;
  }

  char Peek(size_t ahead = 0) const { return pos_ + ahead < s_.size() ? s_[pos_ + ahead] : '\0'; }

  void Next(Token& t) {
    const char c = s_[pos_];
    if ((c == 'h' || c == 'H') && (Peek(1) == '"' || Peek(1) == '\'' || Peek(1) == '@')) {
      ++pos_;  // h"..." obfuscated string: same value
      return Next(t);
    }
    if (IsIdentStart(c) || (c == '$' && IsIdentStart(Peek(1)))) {
      const uint32_t b = pos_++;
      while (pos_ < s_.size() && IsIdentPart(s_[pos_])) ++pos_;
      t.kind = Tok::Identifier;
      t.text = std::string(s_.substr(b, pos_ - b));
      return;
    }
    if (IsDigit(c) || (c == '.' && IsDigit(Peek(1)))) return Number(t);
    if (c == '"' || c == '\'') return QuotedString(t);
    if (c == '@' && (Peek(1) == '"' || Peek(1) == '\'')) return VerbatimString(t);
    if (c == '`' && Peek(1) == '`' && Peek(2) == '`') return MultiLineString(t);
    ++pos_;
    switch (c) {
      case '|': t.kind = Tok::Pipe; return;
      case '(': t.kind = Tok::LParen; return;
      case ')': t.kind = Tok::RParen; return;
      case '[': t.kind = Tok::LBracket; return;
      case ']': t.kind = Tok::RBracket; return;
      case '{': t.kind = Tok::LBrace; return;
      case '}': t.kind = Tok::RBrace; return;
      case ',': t.kind = Tok::Comma; return;
      case ';': t.kind = Tok::Semicolon; return;
      case ':': t.kind = Tok::Colon; return;
      case '+': t.kind = Tok::Plus; return;
      case '-': t.kind = Tok::Minus; return;
      case '*': t.kind = Tok::Star; return;
      case '/': t.kind = Tok::Slash; return;
      case '%': t.kind = Tok::Percent; return;
      case '~': t.kind = Tok::Tilde; return;
      case '@': t.kind = Tok::At; return;
      case '$': t.kind = Tok::Dollar; return;
      case '?': t.kind = Tok::Question; return;
      case '.':
        if (Peek() == '.') {
          ++pos_;
          t.kind = Tok::DotDot;
        } else {
          t.kind = Tok::Dot;
        }
        return;
      case '=':
        if (Peek() == '=') {
          ++pos_;
          t.kind = Tok::Eq;
        } else if (Peek() == '~') {
          ++pos_;
          t.kind = Tok::EqTilde;
        } else {
          t.kind = Tok::Assign;
        }
        return;
      case '!':
        if (Peek() == '=') {
          ++pos_;
          t.kind = Tok::Ne;
        } else if (Peek() == '~') {
          ++pos_;
          t.kind = Tok::NeTilde;
        } else {
          t.kind = Tok::Bang;
        }
        return;
      case '<':
        if (Peek() == '=') {
          ++pos_;
          t.kind = Tok::Le;
        } else if (Peek() == '>') {
          ++pos_;
          t.kind = Tok::Ne;
        } else {
          t.kind = Tok::Lt;
        }
        return;
      case '>':
        if (Peek() == '=') {
          ++pos_;
          t.kind = Tok::Ge;
        } else {
          t.kind = Tok::Gt;
        }
        return;
      default: break;
    }
    // Skip the rest of a multi-byte UTF-8 character so it is reported once.
    while (pos_ < s_.size() && (static_cast<unsigned char>(s_[pos_]) & 0xC0) == 0x80) ++pos_;
    t.kind = Tok::Error;
    report_(Code::SyntaxBadCharacter, {t.span.begin, pos_},
            fmt::format("unexpected character '{}'", s_.substr(t.span.begin, pos_ - t.span.begin)));
  }

  void Number(Token& t) {
    const uint32_t b = pos_;
    bool is_real = false;
    if (s_[pos_] == '0' && (Peek(1) == 'x' || Peek(1) == 'X')) {
      pos_ += 2;
      while (pos_ < s_.size() && std::isxdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
      t.kind = Tok::Long;
      t.ticks = static_cast<int64_t>(
          std::strtoull(std::string(s_.substr(b + 2, pos_ - b - 2)).c_str(), nullptr, 16));
      return;
    }
    while (pos_ < s_.size() && IsDigit(s_[pos_])) ++pos_;
    if (Peek() == '.' && IsDigit(Peek(1))) {
      is_real = true;
      ++pos_;
      while (pos_ < s_.size() && IsDigit(s_[pos_])) ++pos_;
    }
    if ((Peek() == 'e' || Peek() == 'E') &&
        (IsDigit(Peek(1)) || ((Peek(1) == '+' || Peek(1) == '-') && IsDigit(Peek(2))))) {
      is_real = true;
      pos_ += 2;
      while (pos_ < s_.size() && IsDigit(s_[pos_])) ++pos_;
    }
    const std::string number(s_.substr(b, pos_ - b));
    if (pos_ < s_.size() && IsIdentStart(s_[pos_])) {
      const uint32_t ub = pos_;
      while (pos_ < s_.size() && IsIdentPart(s_[pos_])) ++pos_;
      const std::string_view unit = s_.substr(ub, pos_ - ub);
      for (const Unit& u : kUnits) {
        if (u.name == unit) {
          t.kind = Tok::TimeSpan;
          t.ticks = static_cast<int64_t>(std::llround(std::strtod(number.c_str(), nullptr) *
                                                      static_cast<double>(u.ticks)));
          return;
        }
      }
      // KQL has no week unit: say so rather than leave an unknown name `1w`.
      if (is_real || unit == "w" || unit == "week" || unit == "weeks") {
        t.kind = Tok::Error;
        report_(Code::SyntaxBadLiteral, {b, pos_},
                fmt::format("'{}' is not a timespan unit (use d, h, m, s, ms, tick)", unit));
        return;
      }
      // Otherwise a name that starts with digits, such as `5Minutebin`, as Kusto reads it.
      t.kind = Tok::Identifier;
      t.text = std::string(s_.substr(b, pos_ - b));
      return;
    }
    if (is_real) {
      t.kind = Tok::Real;
      t.real = std::strtod(number.c_str(), nullptr);
      return;
    }
    errno = 0;
    t.ticks = std::strtoll(number.c_str(), nullptr, 10);
    if (errno == ERANGE) {
      t.kind = Tok::Real;  // Kusto reads integer literals beyond long as real
      t.real = std::strtod(number.c_str(), nullptr);
      return;
    }
    t.kind = Tok::Long;
  }

  void Unterminated(Token& t, std::string_view what) {
    t.kind = Tok::Error;
    report_(Code::SyntaxUnterminated, {t.span.begin, pos_}, std::string(what) + " is not closed");
  }

  void QuotedString(Token& t) {
    const char quote = s_[pos_++];
    t.kind = Tok::String;
    while (pos_ < s_.size() && s_[pos_] != quote) {
      char c = s_[pos_++];
      if (c == '\n') {
        --pos_;
        return Unterminated(t, "string literal");
      }
      if (c == '\\' && pos_ < s_.size()) {
        c = s_[pos_++];
        switch (c) {
          case 'n': c = '\n'; break;
          case 't': c = '\t'; break;
          case 'r': c = '\r'; break;
          case '0': c = '\0'; break;
          case 'u':
            if (pos_ + 4 <= s_.size()) {
              const unsigned cp = static_cast<unsigned>(
                  std::strtoul(std::string(s_.substr(pos_, 4)).c_str(), nullptr, 16));
              pos_ += 4;
              AppendUtf8(t.text, cp);
              continue;
            }
            break;
          default: break;  // \\ \" \' and anything else stand for themselves
        }
      }
      t.text.push_back(c);
    }
    if (pos_ >= s_.size()) return Unterminated(t, "string literal");
    ++pos_;
  }

  void VerbatimString(Token& t) {
    ++pos_;  // '@'
    const char quote = s_[pos_++];
    t.kind = Tok::String;
    for (;;) {
      if (pos_ >= s_.size() || s_[pos_] == '\n') return Unterminated(t, "verbatim string literal");
      const char c = s_[pos_++];
      if (c == quote) {
        if (Peek() != quote) return;
        ++pos_;  // a doubled quote stands for one
      }
      t.text.push_back(c);
    }
  }

  void MultiLineString(Token& t) {
    pos_ += 3;
    const size_t end = s_.find("```", pos_);
    t.kind = Tok::String;
    if (end == std::string_view::npos) {
      pos_ = static_cast<uint32_t>(s_.size());
      return Unterminated(t, "multi-line string literal");
    }
    t.text = std::string(s_.substr(pos_, end - pos_));
    pos_ = static_cast<uint32_t>(end + 3);
  }

  static void AppendUtf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  std::string_view s_;
  const Reporter& report_;
  uint32_t pos_ = 0;
};

}  // namespace

std::string_view TokName(Tok t) {
  switch (t) {
    case Tok::End: return "end of query";
    case Tok::Identifier: return "name";
    case Tok::String: return "string";
    case Tok::Long: return "number";
    case Tok::Real: return "number";
    case Tok::TimeSpan: return "timespan";
    case Tok::RawParens: return "literal";
    case Tok::Pipe: return "'|'";
    case Tok::LParen: return "'('";
    case Tok::RParen: return "')'";
    case Tok::LBracket: return "'['";
    case Tok::RBracket: return "']'";
    case Tok::LBrace: return "'{'";
    case Tok::RBrace: return "'}'";
    case Tok::Comma: return "','";
    case Tok::Semicolon: return "';'";
    case Tok::Colon: return "':'";
    case Tok::Dot: return "'.'";
    case Tok::DotDot: return "'..'";
    case Tok::Assign: return "'='";
    case Tok::Eq: return "'=='";
    case Tok::Ne: return "'!='";
    case Tok::Lt: return "'<'";
    case Tok::Le: return "'<='";
    case Tok::Gt: return "'>'";
    case Tok::Ge: return "'>='";
    case Tok::EqTilde: return "'=~'";
    case Tok::NeTilde: return "'!~'";
    case Tok::Bang: return "'!'";
    case Tok::Tilde: return "'~'";
    case Tok::Plus: return "'+'";
    case Tok::Minus: return "'-'";
    case Tok::Star: return "'*'";
    case Tok::Slash: return "'/'";
    case Tok::Percent: return "'%'";
    case Tok::At: return "'@'";
    case Tok::Dollar: return "'$'";
    case Tok::Question: return "'?'";
    case Tok::Error: return "invalid token";
  }
  return "?";
}

std::vector<Token> Lex(std::string_view text, const Reporter& report) {
  return Lexer(text, report).Run();
}

}  // namespace huntc::syntax
