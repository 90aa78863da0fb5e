// Scalar re-scanning with byte origins. The structure mirrors yaml-cpp's ScanScalar, which
// scans every style with one loop of three phases per line (content, line break, indentation
// of the next line) steered by parameters; matching its quirks is what makes the values equal.
#include "compiler/rule/scalar_scan.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>

namespace huntc::rule_internal {
namespace {

// What yaml-cpp's stream reads past the end of input. Its end-of-input pattern tests for this
// byte, so it also matches a literal 0x04 in the text, while its end-of-stream test does not.
constexpr char kEof = '\x04';

enum class Fold { None, Block, Flow };  // literal block, folded block, plain and quoted
enum class Chomp { Strip, Clip, Keep };
enum class End { Eof, Plain, PlainInFlow, SingleQuote, DoubleQuote };
enum class OnDocIndicator { Ignore, Stop, Fail };

struct Params {
  End end = End::Eof;
  bool eat_end = false;
  int indent = 0;
  bool detect_indent = false;
  bool eat_leading_blanks = false;
  char escape = 0;
  Fold fold = Fold::None;
  bool trim_trailing_blanks = false;
  Chomp chomp = Chomp::Clip;
  OnDocIndicator on_doc_indicator = OnDocIndicator::Ignore;
  bool tab_in_indent_fails = false;
};

class Scanner {
 public:
  Scanner(std::string_view text, uint32_t start, uint32_t column)
      : text_(text), pos_(start), line_start_(start - std::min(start, column)) {}

  std::optional<ScannedScalar> Scan(ScalarContext context);

 private:
  char Peek(uint32_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : kEof;
  }
  bool AtEof() const { return pos_ >= text_.size(); }
  int Column() const { return static_cast<int>(pos_ - line_start_); }
  // yaml-cpp 0.7 breaks lines at "\n" and "\r\n" only; a lone '\r' is content.
  uint32_t BreakLength(uint32_t ahead = 0) const {
    if (Peek(ahead) == '\n') return 1;
    return Peek(ahead) == '\r' && Peek(ahead + 1) == '\n' ? 2 : 0;
  }
  bool IsBlank(uint32_t ahead = 0) const { return Peek(ahead) == ' ' || Peek(ahead) == '\t'; }
  bool IsSeparator(uint32_t ahead) const {  // blank, break or end of input
    return IsBlank(ahead) || BreakLength(ahead) > 0 || Peek(ahead) == kEof;
  }
  bool AtComment() const {  // a blank or break followed by '#'
    const uint32_t n = IsBlank() ? 1 : BreakLength();
    return n > 0 && Peek(n) == '#';
  }
  bool AtDocIndicator() const {
    const std::string_view rest = text_.substr(pos_);
    return Column() == 0 && (rest.starts_with("---") || rest.starts_with("...")) && IsSeparator(3);
  }
  bool AtEnd(End end) const;
  void Eat(uint32_t n);
  void Put(char c, uint32_t from) {
    out_.value += c;
    out_.origin.push_back(from);
  }
  // The bytes from here that are content whatever the scalar's style: none can end a scalar,
  // break a line, escape, start a comment or (past column 0) a document indicator. Taking them
  // as one run, not byte by byte, was most of the rescanning of a rule's query.
  uint32_t OrdinaryRun() const {
    if (Column() == 0) return 0;
    static constexpr std::array<bool, 256> kSpecial = [] {
      std::array<bool, 256> special{};
      for (const char c : std::string_view(" \t\r\n:,?[]{}'\"\\")) special[static_cast<uint8_t>(c)] = true;
      special[static_cast<uint8_t>(kEof)] = true;  // Peek's end of input, which a byte may equal
      return special;
    }();
    uint32_t end = pos_;
    while (end < text_.size() && !kSpecial[static_cast<uint8_t>(text_[end])]) ++end;
    return end - pos_;
  }
  void PutRun(uint32_t n) {  // the bytes have no line break: line_start_ stays
    out_.value.append(text_.substr(pos_, n));
    for (uint32_t i = 0; i < n; ++i) out_.origin.push_back(pos_ + i);
    pos_ += n;
  }
  void Truncate(size_t n) {
    out_.value.resize(std::min(n, out_.value.size()));
    out_.origin.resize(out_.value.size());
  }
  bool ReadBlockHeader(Params& params, ScalarContext context);
  bool Escape(char escape);
  bool Hex(int digits, uint32_t at);
  bool ScanLines(Params& params);
  void ApplyChomping(Chomp chomp, size_t last_escaped);

  std::string_view text_;
  uint32_t pos_;
  uint32_t line_start_;
  ScannedScalar out_;
};

bool Scanner::AtEnd(End end) const {
  const char c = Peek();
  switch (end) {
    case End::Eof: return Peek() == kEof;
    case End::Plain: return (c == ':' && IsSeparator(1)) || AtComment();
    case End::PlainInFlow:
      return (c == ':' && (IsSeparator(1) ||
                           std::string_view(",]}").find(Peek(1)) != std::string_view::npos)) ||
             std::string_view(",?[]{}").find(c) != std::string_view::npos || AtComment();
    case End::SingleQuote: return c == '\'' && Peek(1) != '\'';
    case End::DoubleQuote: return c == '"';
  }
  return false;
}

void Scanner::Eat(uint32_t n) {
  for (; n > 0 && pos_ < text_.size(); --n) {
    if (text_[pos_++] == '\n') line_start_ = pos_;
  }
}

std::optional<ScannedScalar> Scanner::Scan(ScalarContext context) {
  // A tag or anchor comes first in a node's text and is not part of the value.
  while (Peek() == '!' || Peek() == '&') {
    while (!AtEof() && !IsBlank() && BreakLength() == 0) Eat(1);
    while (IsBlank() || BreakLength() > 0) Eat(IsBlank() ? 1 : BreakLength());
  }
  const uint32_t start = pos_;
  const char first = Peek();
  Params params;
  if (first == '|' || first == '>') {
    if (context.in_flow || !ReadBlockHeader(params, context)) return std::nullopt;
  } else if (first == '\'' || first == '"') {
    params.end = first == '\'' ? End::SingleQuote : End::DoubleQuote;
    params.eat_end = true;
    params.escape = first == '\'' ? '\'' : '\\';
    params.fold = Fold::Flow;
    params.eat_leading_blanks = true;
    params.on_doc_indicator = OnDocIndicator::Fail;
    Eat(1);
  } else {
    params.end = context.in_flow ? End::PlainInFlow : End::Plain;
    params.indent = context.in_flow ? 0 : context.parent_column + 1;
    params.fold = Fold::Flow;
    params.eat_leading_blanks = true;
    params.trim_trailing_blanks = true;
    params.chomp = Chomp::Strip;
    params.on_doc_indicator = OnDocIndicator::Stop;
    params.tab_in_indent_fails = true;
  }
  if (!ScanLines(params)) return std::nullopt;

  if (params.eat_end) {
    out_.end = pos_;  // past the closing quote
  } else {
    // Past the last content byte; an empty block scalar is just its indicator.
    const size_t last = out_.value.find_last_not_of('\n');
    out_.end = last == std::string::npos ? start + 1 : out_.origin[last] + 1;
  }
  return std::move(out_);
}

// `|` or `>`, then at most one chomping and one indentation indicator, then only blanks or a
// comment up to the line break.
bool Scanner::ReadBlockHeader(Params& params, ScalarContext context) {
  params.fold = Peek() == '>' ? Fold::Block : Fold::None;
  params.indent = 1;
  params.detect_indent = true;
  params.tab_in_indent_fails = true;
  Eat(1);
  bool seen_chomp = false, seen_indent = false;
  for (;; Eat(1)) {
    const char c = Peek();
    if ((c == '+' || c == '-') && !seen_chomp) {
      params.chomp = c == '+' ? Chomp::Keep : Chomp::Strip;
      seen_chomp = true;
    } else if (c >= '1' && c <= '9' && !seen_indent) {
      params.indent = c - '0';
      params.detect_indent = false;
      seen_indent = true;
    } else {
      break;
    }
  }
  while (IsBlank()) Eat(1);
  if (Peek() == '#') {
    while (!AtEof() && BreakLength() == 0) Eat(1);
  }
  if (!AtEof() && BreakLength() == 0) return false;
  // Indentation is relative to the enclosing block collection.
  if (context.parent_column >= 0) params.indent += context.parent_column;
  return true;
}

// Appends the bytes an escape sequence at pos_ stands for, each mapped to the escape's first
// byte. In single quotes the only escape is '' (a lone quote ends the scalar first).
bool Scanner::Escape(char escape) {
  const uint32_t at = pos_;
  const char c = Peek(1);
  Eat(2);
  if (escape == '\'') {
    Put('\'', at);
    return true;
  }
  std::string_view bytes;
  switch (c) {
    case '0': bytes = std::string_view("\0", 1); break;
    case 'a': bytes = "\a"; break;
    case 'b': bytes = "\b"; break;
    case 't':
    case '\t': bytes = "\t"; break;
    case 'n': bytes = "\n"; break;
    case 'v': bytes = "\v"; break;
    case 'f': bytes = "\f"; break;
    case 'r': bytes = "\r"; break;
    case 'e': bytes = "\x1b"; break;
    case ' ': bytes = " "; break;
    case '"': bytes = "\""; break;
    case '\'': bytes = "'"; break;
    case '\\': bytes = "\\"; break;
    case '/': bytes = "/"; break;
    case 'N': bytes = "\xC2\x85"; break;
    case '_': bytes = "\xC2\xA0"; break;
    case 'L': bytes = "\xE2\x80\xA8"; break;
    case 'P': bytes = "\xE2\x80\xA9"; break;
    case 'x': return Hex(2, at);
    case 'u': return Hex(4, at);
    case 'U': return Hex(8, at);
    default: return false;
  }
  for (char b : bytes) Put(b, at);
  return true;
}

// A code point written with `digits` hex digits, appended as UTF-8.
bool Scanner::Hex(int digits, uint32_t at) {
  uint32_t value = 0;
  for (int i = 0; i < digits; ++i, Eat(1)) {
    const char c = Peek();
    uint32_t digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else {
      return false;
    }
    value = value << 4 | digit;
  }
  if ((value >= 0xD800 && value <= 0xDFFF) || value > 0x10FFFF) return false;
  auto put = [&](uint32_t byte) { Put(static_cast<char>(byte), at); };
  if (value <= 0x7F) {
    put(value);
  } else if (value <= 0x7FF) {
    put(0xC0 | value >> 6);
    put(0x80 | (value & 0x3F));
  } else if (value <= 0xFFFF) {
    put(0xE0 | value >> 12);
    put(0x80 | (value >> 6 & 0x3F));
    put(0x80 | (value & 0x3F));
  } else {
    put(0xF0 | value >> 18);
    put(0x80 | (value >> 12 & 0x3F));
    put(0x80 | (value >> 6 & 0x3F));
    put(0x80 | (value & 0x3F));
  }
  return true;
}

bool Scanner::ScanLines(Params& params) {
  std::string& value = out_.value;
  bool found_content = false;
  // A block scalar's first line break ends its header line and is not content.
  bool past_opening_break = params.fold == Fold::Flow;
  bool empty_line = false, more_indented = false;
  int folded_breaks = 0;
  bool folded_started_more_indented = false;
  size_t last_escaped = std::string::npos;

  while (!AtEof()) {
    // Phase 1: the content up to the line break.
    size_t last_non_blank = value.size();
    bool escaped_break = false;
    while (!AtEnd(params.end) && BreakLength() == 0 && !AtEof()) {
      if (AtDocIndicator()) {
        if (params.on_doc_indicator == OnDocIndicator::Stop) break;
        if (params.on_doc_indicator == OnDocIndicator::Fail) return false;
      }
      found_content = true;
      past_opening_break = true;
      if (params.escape == '\\' && Peek() == '\\' && BreakLength(1) > 0) {
        Eat(1);  // the break is joined without a space; blanks before it stay
        last_non_blank = last_escaped = value.size();
        escaped_break = true;
        break;
      }
      if (params.escape != 0 && Peek() == params.escape) {
        if (!Escape(params.escape)) return false;
        last_non_blank = last_escaped = value.size();
        continue;
      }
      if (const uint32_t run = OrdinaryRun(); run > 0) {
        PutRun(run);
        last_non_blank = value.size();
        continue;
      }
      const char c = Peek();
      Put(c, pos_);
      Eat(1);
      if (c != ' ' && c != '\t') last_non_blank = value.size();
    }
    if (AtEof()) {
      if (params.eat_end) return false;  // an unclosed quote
      break;
    }
    if (params.on_doc_indicator == OnDocIndicator::Stop && AtDocIndicator()) break;
    if (AtEnd(params.end)) {
      if (params.eat_end) Eat(1);
      break;
    }
    if (params.fold == Fold::Flow) Truncate(last_non_blank);

    // Phase 2: the line break.
    const uint32_t break_at = pos_;
    Eat(BreakLength());

    // Phase 3: the indentation of the next line; the first content line sets it when detecting.
    while (Peek() == ' ' &&
           (Column() < params.indent || (params.detect_indent && !found_content)) &&
           !AtEnd(params.end)) {
      Eat(1);
    }
    if (params.detect_indent && !found_content) params.indent = std::max(params.indent, Column());
    while (IsBlank()) {
      if (Peek() == '\t' && Column() < params.indent && params.tab_in_indent_fails) return false;
      if (!params.eat_leading_blanks || AtEnd(params.end)) break;
      Eat(1);
    }

    const bool next_empty = BreakLength() > 0;
    const bool next_more_indented = IsBlank();
    if (params.fold == Fold::Block && folded_breaks == 0 && next_empty) {
      folded_started_more_indented = more_indented;
    }
    if (past_opening_break) {
      switch (params.fold) {
        case Fold::None: Put('\n', break_at); break;
        case Fold::Block:
          if (!empty_line && !next_empty && !more_indented && !next_more_indented &&
              Column() >= params.indent) {
            Put(' ', break_at);
          } else if (next_empty) {
            ++folded_breaks;
          } else {
            Put('\n', break_at);
          }
          if (!next_empty && folded_breaks > 0) {
            for (int i = 1; i < folded_breaks; ++i) Put('\n', break_at);
            if (folded_started_more_indented || next_more_indented || !found_content) {
              Put('\n', break_at);
            }
            folded_breaks = 0;
          }
          break;
        case Fold::Flow:
          if (next_empty) {
            Put('\n', break_at);
          } else if (!empty_line && !escaped_break) {
            Put(' ', break_at);
          }
          break;
      }
    }
    empty_line = next_empty;
    more_indented = next_more_indented;
    past_opening_break = true;

    if (!empty_line && Column() < params.indent) break;  // a less indented line ends the scalar
  }

  if (params.trim_trailing_blanks) {
    size_t keep = value.find_last_not_of(" \t");
    if (last_escaped != std::string::npos && (keep == std::string::npos || keep < last_escaped)) {
      keep = last_escaped;
    }
    if (keep < value.size()) Truncate(keep + 1);
  }
  ApplyChomping(params.chomp, last_escaped);
  return true;
}

// Final line breaks: Strip drops them all, Clip keeps one, Keep keeps them all. Escaped
// bytes are content, never chomped.
void Scanner::ApplyChomping(Chomp chomp, size_t last_escaped) {
  if (chomp == Chomp::Keep) return;
  size_t last = out_.value.find_last_not_of('\n');
  if (last_escaped != std::string::npos && (last == std::string::npos || last < last_escaped)) {
    last = last_escaped;
  }
  if (last == std::string::npos) {
    Truncate(0);
  } else if (chomp == Chomp::Clip) {
    if (last + 1 < out_.value.size()) Truncate(last + 2);
  } else {
    Truncate(last + 1);
  }
}

}  // namespace

std::optional<ScannedScalar> ScanScalar(std::string_view text, uint32_t start, uint32_t column,
                                        ScalarContext context) {
  if (start >= text.size()) return std::nullopt;
  return Scanner(text, start, column).Scan(context);
}

}  // namespace huntc::rule_internal
