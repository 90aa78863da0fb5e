// Column-at-a-time evaluation of scalar expressions.
#include "runtime/exec/eval.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include <re2/re2.h>

#include "runtime/exec/functions.h"
#include "runtime/exec/series.h"
#include "runtime/literal_matcher.h"
#include "runtime/regex.h"
#include "runtime/strings.h"

namespace huntc::exec {

// A column-shaped operand: a view of a batch column (through the row set's selection), a
// constant (one row repeated), or a column computed by a call (owned, dense).
struct Evaluator::Vec {
  const Column* col = nullptr;
  const uint32_t* sel = nullptr;
  bool constant = false;
  std::unique_ptr<Column> owned;
  std::vector<uint32_t> owned_sel;  // sel when it is not the row set's: a value per distinct value

  size_t At(size_t i) const { return constant ? 0 : sel ? sel[i] : i; }
};

namespace {

using Vec = Evaluator::Vec;

constexpr size_t kMaxCachedRegexes = 4096;

bool IsIntegerLike(Type t) {
  return t == Type::Bool || t == Type::Int || t == Type::Long || t == Type::DateTime || t == Type::TimeSpan;
}

bool IsRealLike(Type t) { return t == Type::Real || t == Type::Decimal; }

bool IsTextLike(Type t) { return IsStringLike(t) || t == Type::Dynamic; }


// Appends an integer to a column of an integer-like type.
void AppendInteger(Column& out, int64_t v) {
  switch (out.type()) {
    case Type::Bool: out.AppendBool(v != 0); return;
    case Type::Int: out.AppendInt(static_cast<int32_t>(v)); return;
    case Type::Real:
    case Type::Decimal: out.AppendReal(static_cast<double>(v)); return;
    default: out.AppendLong(v); return;
  }
}

// Appends a real to a numeric column; a non-finite value is null in an integer column.
void AppendNumber(Column& out, double v) {
  if (IsRealLike(out.type())) {
    out.AppendReal(v);
  } else if (!std::isfinite(v)) {
    out.AppendNull();
  } else if (out.type() == Type::Int) {
    out.AppendInt(static_cast<int32_t>(std::clamp(v, -2147483648.0, 2147483647.0)));
  } else {
    out.AppendLong(static_cast<int64_t>(std::clamp(v, -9.2233720368547748e18, 9.2233720368547748e18)));
  }
}

template <class T>
void AppendOptional(Column& out, const std::optional<T>& v) {
  if (!v) {
    out.AppendNull();
  } else if constexpr (std::is_same_v<T, bool>) {
    out.AppendBool(*v);
  } else if constexpr (std::is_same_v<T, double>) {
    AppendNumber(out, *v);
  } else if constexpr (std::is_same_v<T, std::string>) {
    out.AppendString(*v);
  } else {
    AppendInteger(out, *v);
  }
}

void AppendDynamic(Column& out, const Json& v) {
  if (v.IsNull()) {
    out.AppendNull();
  } else {
    std::string text;
    v.AppendTo(text);
    out.AppendString(text);
  }
}

bool IsGuidText(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

// Appends text converted to the column's type.
void AppendParsed(Column& out, std::string_view text) {
  switch (out.type()) {
    case Type::String: out.AppendString(text); return;
    case Type::Guid:
      if (IsGuidText(text)) {
        out.AppendString(ToLowerAscii(text));
      } else {
        out.AppendNull();
      }
      return;
    case Type::Dynamic: AppendDynamic(out, Json::String(std::string(text))); return;
    case Type::Bool: AppendOptional(out, ParseBool(text)); return;
    case Type::Int: {
      // Text of a number beyond the int range does not convert (doc: toint-function, null
      // when the conversion fails), rather than wrapping around.
      std::optional<int64_t> v = ParseLong(text);
      if (v && (*v < std::numeric_limits<int32_t>::min() || *v > std::numeric_limits<int32_t>::max())) v.reset();
      AppendOptional(out, v);
      return;
    }
    case Type::Long: AppendOptional(out, ParseLong(text)); return;
    case Type::Real:
    case Type::Decimal: AppendOptional(out, ParseReal(text)); return;
    case Type::DateTime: AppendOptional(out, ParseDateTime(text)); return;
    case Type::TimeSpan: AppendOptional(out, ParseTimeSpan(text)); return;
    case Type::Null: out.AppendNull(); return;
  }
}

}  // namespace

std::optional<std::string> QuotedAscii(std::string_view text) {
  if (text.size() < 2 || text.front() != '"' || text.back() != '"') return std::nullopt;
  const std::string_view inside = text.substr(1, text.size() - 2);
  std::string out;
  size_t start = 0;  // the first byte of inside not yet in out
  for (size_t i = 0; i < inside.size(); ++i) {
    const char c = inside[i];
    if (c < 0x20 || c >= 0x7f || c == '"') return std::nullopt;  // char may be signed: < 0x20 too
    if (c != '\\') continue;
    if (i + 1 == inside.size()) return std::nullopt;  // the closing quote is escaped
    out.append(inside.data() + start, i - start);
    switch (inside[++i]) {
      case '"': out.push_back('"'); break;
      case '\\': out.push_back('\\'); break;
      case '/': out.push_back('/'); break;
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      default: return std::nullopt;
    }
    start = i + 1;
  }
  out.append(inside.data() + start, inside.size() - start);
  return out;
}

Json ParseDynamic(std::string_view text) {
  if (text.empty()) return Json();
  if (std::optional<std::string> s = QuotedAscii(text)) return Json::String(std::move(*s));
  if (auto j = Json::Parse(text)) return std::move(*j);
  return Json::String(std::string(text));
}

int64_t IntOf(const Column& c, size_t r) {
  switch (c.type()) {
    case Type::Bool: return c.BoolAt(r);
    case Type::Int: return c.IntAt(r);
    case Type::Real:
    case Type::Decimal: return static_cast<int64_t>(c.RealAt(r));
    default: return c.LongAt(r);
  }
}

double RealOf(const Column& c, size_t r) {
  return IsRealLike(c.type()) ? c.RealAt(r) : static_cast<double>(IntOf(c, r));
}

Json CellToJson(const Column& c, size_t r) {
  if (c.IsNull(r)) return Json();
  switch (c.type()) {
    case Type::Bool: return Json::Bool(c.BoolAt(r));
    case Type::Int: return Json::Long(c.IntAt(r));
    case Type::Long: return Json::Long(c.LongAt(r));
    case Type::Real:
    case Type::Decimal: return Json::Real(c.RealAt(r));
    case Type::DateTime: return Json::String(FormatDateTime(c.LongAt(r)));
    case Type::TimeSpan: return Json::String(FormatTimeSpan(c.LongAt(r)));
    case Type::Dynamic: return ParseDynamic(c.StringAt(r));
    case Type::Null: return Json();
    default: return Json::String(std::string(c.StringAt(r)));
  }
}

std::string CellToString(const Column& c, size_t r) {
  if (c.IsNull(r)) return "";
  switch (c.type()) {
    case Type::Bool: return c.BoolAt(r) ? "true" : "false";
    case Type::Int: return std::to_string(c.IntAt(r));
    case Type::Long: return std::to_string(c.LongAt(r));
    case Type::Real:
    case Type::Decimal: return RealToString(c.RealAt(r));
    case Type::DateTime: return FormatDateTime(c.LongAt(r));
    case Type::TimeSpan: return FormatTimeSpan(c.LongAt(r));
    case Type::Dynamic: {
      std::optional<std::string> s = QuotedAscii(c.StringAt(r));
      return s ? std::move(*s) : ParseDynamic(c.StringAt(r)).ToText();
    }
    case Type::Null: return "";
    default: return std::string(c.StringAt(r));
  }
}

void AppendJson(Column& out, const Json& v) {
  if (out.type() == Type::Dynamic) {
    AppendDynamic(out, v);
    return;
  }
  switch (v.kind()) {
    case Json::Kind::Null: out.AppendNull(); return;
    case Json::Kind::String: AppendParsed(out, v.text()); return;
    case Json::Kind::Bool:
      if (IsStringLike(out.type())) {
        out.AppendString(v.boolean() ? "true" : "false");
      } else if (out.type() == Type::DateTime || out.type() == Type::TimeSpan) {
        out.AppendNull();
      } else {
        AppendInteger(out, v.boolean());
      }
      return;
    case Json::Kind::Long:
    case Json::Kind::Real:
      if (IsStringLike(out.type())) {
        out.AppendString(v.ToText());
      } else if (out.type() == Type::DateTime) {
        out.AppendNull();
      } else if (out.type() == Type::Bool) {
        out.AppendBool(v.real() != 0);
      } else if (v.kind() == Json::Kind::Long) {
        AppendInteger(out, v.integer());
      } else {
        AppendNumber(out, v.real());
      }
      return;
    case Json::Kind::Array:
    case Json::Kind::Object:
      if (IsStringLike(out.type())) {
        out.AppendString(v.Serialize());
      } else {
        out.AppendNull();
      }
      return;
  }
}

void AppendConverted(Column& out, const Column& from, size_t row) {
  const Type to = out.type(), src = from.type();
  if (to == src) {
    out.AppendFrom(from, row);
    return;
  }
  if (to == Type::String) {
    out.AppendString(CellToString(from, row));
    return;
  }
  if (from.IsNull(row)) {
    out.AppendNull();
    return;
  }
  if (to == Type::Dynamic || src == Type::Dynamic) {
    AppendJson(out, CellToJson(from, row));
    return;
  }
  if (IsStringLike(src)) {
    AppendParsed(out, from.StringAt(row));
    return;
  }
  if (to == Type::Guid) {
    out.AppendNull();
    return;
  }
  if (IsRealLike(src)) {
    if (to == Type::DateTime) {
      out.AppendNull();
    } else if (to == Type::Bool) {
      out.AppendBool(from.RealAt(row) != 0);
    } else {
      AppendNumber(out, from.RealAt(row));
    }
    return;
  }
  AppendInteger(out, IntOf(from, row));
}

Evaluator::Evaluator(int64_t now) : now_(now) {}

std::mt19937_64& Evaluator::Random() {
  if (!random_) random_.emplace(std::random_device{}());
  return *random_;
}
Evaluator::~Evaluator() = default;

const re2::RE2* Evaluator::Regex(std::string_view pattern) {
  auto it = regexes_.find(std::string(pattern));
  if (it == regexes_.end()) {
    if (regexes_.size() >= kMaxCachedRegexes) regexes_.clear();  // patterns computed per row
    it = regexes_.emplace(std::string(pattern), CompileRegex(pattern)).first;
  }
  return it->second->ok() ? it->second.get() : nullptr;
}

const LiteralMatcher* Evaluator::Matcher(const std::vector<LiteralMatcher::Literal>& literals) {
  std::string key;  // each literal's mode, case and length before its text: no two lists share a key
  for (const LiteralMatcher::Literal& l : literals) {
    key += std::to_string(static_cast<int>(l.mode)) + (l.case_sensitive ? 'c' : 'i') +
           std::to_string(l.text.size()) + ':' + l.text;
  }
  auto it = matchers_.find(key);
  if (it == matchers_.end()) {
    // Without a matcher (a CPU Hyperscan cannot use) the caller's per-literal loop gives the same
    // answers, only slower; the null is cached so that the build is not retried every batch.
    std::string error;
    it = matchers_.emplace(std::move(key), LiteralMatcher::Create(literals, error)).first;
  }
  return it->second.get();
}

const StringSet& Evaluator::Set(const std::vector<std::string>& values, bool case_insensitive) {
  std::string key(1, case_insensitive ? 'i' : 'c');  // each value's length before its text
  for (const std::string& v : values) key += std::to_string(v.size()) + ':' + v;
  auto it = sets_.find(key);
  if (it == sets_.end()) it = sets_.emplace(std::move(key), std::make_unique<StringSet>(values, case_insensitive)).first;
  return *it->second;
}

// The literal a string test on a column with a constant needle looks for (`x contains "a"`), and
// the column; nullopt for any other expression. Only tests that are never null qualify, so that
// an `or` of them is plain "any matches".
std::optional<std::pair<int, LiteralMatcher::Literal>> ColumnLiteralTest(const Expr& e) {
  if (e.kind != ExprKind::Call || e.args.size() != 2 || e.args[0].kind != ExprKind::Column ||
      e.args[0].type != Type::String || e.args[1].kind != ExprKind::Constant ||
      e.args[1].type != Type::String || e.args[1].value.is_null) {
    return std::nullopt;
  }
  using Mode = LiteralMatcher::Mode;
  std::pair<Mode, bool> how;
  switch (e.fn) {
    case Fn::Has: how = {Mode::Term, false}; break;
    case Fn::HasCs: how = {Mode::Term, true}; break;
    case Fn::Contains: how = {Mode::Substring, false}; break;
    case Fn::ContainsCs: how = {Mode::Substring, true}; break;
    case Fn::StartsWith: how = {Mode::Prefix, false}; break;
    case Fn::StartsWithCs: how = {Mode::Prefix, true}; break;
    case Fn::EndsWith: how = {Mode::Suffix, false}; break;
    case Fn::EndsWithCs: how = {Mode::Suffix, true}; break;
    case Fn::EqCi: how = {Mode::Equals, false}; break;
    default: return std::nullopt;
  }
  return std::pair{e.args[0].column, LiteralMatcher::Literal{e.args[1].value.text, how.first, how.second}};
}

std::vector<LiteralTestGroup> OrLiteralTestGroups(const Expr& e) {
  std::vector<std::optional<std::pair<int, LiteralMatcher::Literal>>> tests;
  for (const Expr& a : e.args) tests.push_back(ColumnLiteralTest(a));
  std::vector<LiteralTestGroup> groups;
  for (size_t k = 0; k < e.args.size(); ++k) {
    if (!tests[k]) continue;
    LiteralTestGroup group{.column = tests[k]->first};
    for (size_t j = k; j < e.args.size(); ++j) {
      if (tests[j] && tests[j]->first == group.column) {
        group.operands.push_back(j);
        group.literals.push_back(tests[j]->second);
        tests[j].reset();  // grouped or not, this test is looked at once
      }
    }
    if (group.operands.size() >= 2) groups.push_back(std::move(group));
  }
  return groups;
}

void Evaluator::EvalOrOperands(const Expr& e, const RowSet& in, std::vector<Vec>& args) {
  std::vector<bool> done(e.args.size(), false);
  for (const LiteralTestGroup& group : OrLiteralTestGroups(e)) {
    const Column& values = in.batch->columns[static_cast<size_t>(group.column)];
    if (values.type() != Type::String) continue;
    // The string tests of this `or` on the same column, matched together in one pass per row.
    const LiteralMatcher* matcher = Matcher(group.literals);
    if (!matcher) continue;
    Vec v;
    v.owned = std::make_unique<Column>(Type::Bool);
    v.owned->Reserve(in.count);
    for (size_t i = 0; i < in.count; ++i) v.owned->AppendBool(matcher->MatchesAny(values.StringAt(in.Row(i))));
    v.col = v.owned.get();
    args.push_back(std::move(v));
    for (size_t j : group.operands) done[j] = true;
  }
  for (size_t k = 0; k < e.args.size(); ++k) {
    if (!done[k]) args.push_back(Eval(e.args[k], in));
  }
}

std::string Evaluator::RegexError(std::string_view pattern) {
  const std::shared_ptr<const re2::RE2> re = SharedRegex(pattern);
  return re->ok() ? std::string() : re->error();
}

Evaluator::Vec Evaluator::Eval(const Expr& e, const RowSet& in) {
  Vec v;
  switch (e.kind) {
    case ExprKind::Column:
      v.col = &in.batch->columns[static_cast<size_t>(e.column)];
      v.sel = in.sel;
      return v;
    case ExprKind::Constant:
    case ExprKind::Now: {
      v.owned = std::make_unique<Column>(e.type == Type::Null ? Type::Bool : e.type);
      if (e.kind == ExprKind::Now) {
        v.owned->AppendLong(now_);
      } else if (e.value.is_null) {
        v.owned->AppendNull();
      } else if (IsTextLike(e.type)) {
        v.owned->AppendString(e.value.text);
      } else if (IsRealLike(e.type)) {
        v.owned->AppendReal(e.value.real);
      } else {
        AppendInteger(*v.owned, e.value.integer);
      }
      v.col = v.owned.get();
      v.constant = true;
      return v;
    }
    case ExprKind::Call: break;
  }
  if (std::optional<Vec> d = EvalByDictionary(e, in)) return std::move(*d);
  std::vector<Vec> args;
  args.reserve(e.args.size());
  if (e.fn == Fn::Or) {
    EvalOrOperands(e, in, args);
  } else {
    for (const Expr& a : e.args) args.push_back(Eval(a, in));
  }
  v.owned = std::make_unique<Column>(Call(e, args, in.count));
  v.col = v.owned.get();
  return v;
}

// A call of one dictionary-encoded string column alone (SingleStringColumn), over many more rows
// than the batch has distinct values: computed for the first row of each distinct value, then
// viewed through the rows' codes. Nullopt when it does not apply. Over the distinct rows this
// never applies again (as many rows as values), so it recurses at most once.
std::optional<Vec> Evaluator::EvalByDictionary(const Expr& e, const RowSet& in) {
  const int column = SingleStringColumn(e);
  if (column < 0) return std::nullopt;
  const Column& c = in.batch->columns[static_cast<size_t>(column)];
  const uint8_t* codes = c.codes();
  const std::vector<uint32_t>& distinct = c.distinct_rows();
  if (!codes || in.count <= 2 * distinct.size()) return std::nullopt;
  Vec v = Eval(e, RowSet{in.batch, distinct.data(), distinct.size()});  // a call: dense, one row per value
  v.owned_sel.resize(in.count);
  for (size_t i = 0; i < in.count; ++i) v.owned_sel[i] = codes[in.Row(i)];
  v.sel = v.owned_sel.data();
  return v;
}

Column Evaluator::Evaluate(const Expr& e, const RowSet& in) {
  Vec v = Eval(e, in);
  if (v.owned && !v.constant && !v.sel && v.owned->type() == e.type) return std::move(*v.owned);
  Column out(e.type == Type::Null ? Type::Bool : e.type);
  out.Reserve(in.count);
  for (size_t i = 0; i < in.count; ++i) AppendConverted(out, *v.col, v.At(i));
  return out;
}

void Evaluator::Select(const Expr& e, const RowSet& in, std::vector<uint32_t>& out) {
  out.clear();
  const Vec v = Eval(e, in);
  for (size_t i = 0; i < in.count; ++i) {
    const size_t r = v.At(i);
    if (!v.col->IsNull(r) && v.col->BoolAt(r)) out.push_back(in.Row(i));
  }
}

namespace {

// Per-row readers of operands.
struct Args {
  const std::vector<Vec>& v;
  bool Null(size_t k, size_t i) const { return v[k].col->IsNull(v[k].At(i)); }
  int64_t Int(size_t k, size_t i) const { return IntOf(*v[k].col, v[k].At(i)); }
  double Real(size_t k, size_t i) const { return RealOf(*v[k].col, v[k].At(i)); }
  // A string operand; other types are converted with tostring.
  std::string_view Str(size_t k, size_t i, std::string& scratch) const {
    const Column& c = *v[k].col;
    if (IsStringLike(c.type())) return c.StringAt(v[k].At(i));
    scratch = CellToString(c, v[k].At(i));
    return scratch;
  }
  bool True(size_t k, size_t i) const {
    const size_t r = v[k].At(i);
    return !v[k].col->IsNull(r) && v[k].col->BoolAt(r);
  }
  Json Dyn(size_t k, size_t i) const { return CellToJson(*v[k].col, v[k].At(i)); }
  const Column& Col(size_t k) const { return *v[k].col; }
  size_t Row(size_t k, size_t i) const { return v[k].At(i); }
  bool Constant(size_t k) const { return v[k].constant; }
  size_t size() const { return v.size(); }
};

// A series function (runtime/exec/series.h) of row i; a null argument takes KQL's default.
std::optional<Json> SeriesCall(Fn fn, const Args& a, size_t i) {
  std::string s0;
  const auto real = [&](size_t k, double fallback) { return a.Null(k, i) ? fallback : a.Real(k, i); };
  const auto text = [&](size_t k, std::string_view fallback) {
    return IsStringLike(a.Col(k).type()) && !a.Str(k, i, s0).empty() ? std::string(a.Str(k, i, s0)) : std::string(fallback);
  };
  // The decomposition's arguments at their positions in the call.
  const auto decompose = [&](size_t seasonality, size_t test_points, size_t threshold) {
    DecomposeOptions o;
    o.seasonality = a.Null(seasonality, i) ? -1 : a.Int(seasonality, i);
    o.test_points = a.Null(test_points, i) ? 0 : a.Int(test_points, i);
    o.seasonality_threshold = real(threshold, 0.6);
    return o;
  };
  const Json series = a.Dyn(0, i);
  switch (fn) {
    case Fn::SeriesStats: return SeriesStats(series);
    case Fn::SeriesFitLine: return SeriesFitLine(series);
    case Fn::SeriesDecompose: {
      const std::string trend = text(2, "avg");
      DecomposeOptions o = decompose(1, 3, 4);
      o.trend = trend;
      return SeriesDecompose(series, o);
    }
    case Fn::SeriesDecomposeAnomalies: {
      const std::string trend = text(3, "avg"), method = text(5, "ctukey");
      DecomposeOptions o = decompose(2, 4, 6);
      o.trend = trend;
      return SeriesDecomposeAnomalies(series, real(1, 1.5), o, method);
    }
    case Fn::SeriesOutliers: {
      const std::string kind = text(1, "ctukey");
      std::optional<double> ignore;
      if (!a.Null(2, i)) ignore = a.Real(2, i);
      return SeriesOutliers(series, kind, ignore, real(3, 10), real(4, 90));
    }
    case Fn::SeriesFillForward: return SeriesFill(series, FillKind::Forward, a.Dyn(1, i), Json(), false);
    case Fn::SeriesFillBackward: return SeriesFill(series, FillKind::Backward, a.Dyn(1, i), Json(), false);
    case Fn::SeriesFillConst: return SeriesFill(series, FillKind::Const, a.Dyn(2, i), a.Dyn(1, i), false);
    case Fn::SeriesFillLinear:
      return SeriesFill(series, FillKind::Linear, a.Dyn(1, i), a.Dyn(3, i), a.Null(2, i) || a.True(2, i));
    default: return std::nullopt;
  }
}

// range(start, stop, step, limit) of row i: the values as numbers, or datetimes and timespans
// as their text (as a dynamic holds them).
Json RangeArray(const Args& a, size_t i) {
  if (a.Null(0, i) || a.Null(1, i) || a.Null(2, i) || a.Null(3, i)) return Json();
  const Type t = a.Col(0).type();
  const int64_t limit = a.Int(3, i);
  Json out = Json::Array();
  if (IsRealLike(t)) {
    const double start = a.Real(0, i), stop = a.Real(1, i), step = a.Real(2, i);
    if (step == 0 || !std::isfinite(step)) return Json();
    for (int64_t k = 0; k < limit; ++k) {
      const double x = start + static_cast<double>(k) * step;
      if (step > 0 ? x > stop : x < stop) break;
      out.Push(Json::Real(x));
    }
    return out;
  }
  const int64_t start = a.Int(0, i), stop = a.Int(1, i), step = a.Int(2, i);
  if (step == 0) return Json();
  int64_t x = start;
  for (int64_t k = 0; k < limit && (step > 0 ? x <= stop : x >= stop); ++k) {
    switch (t) {
      case Type::DateTime: out.Push(Json::String(FormatDateTime(x))); break;
      case Type::TimeSpan: out.Push(Json::String(FormatTimeSpan(x))); break;
      default: out.Push(Json::Long(x)); break;
    }
    if (__builtin_add_overflow(x, step, &x)) break;  // the next value is past any stop
  }
  return out;
}

int Compare3(const Column& a, size_t ra, const Column& b, size_t rb) {
  if (IsTextLike(a.type()) || IsTextLike(b.type())) {
    const int c = a.StringAt(ra).compare(b.StringAt(rb));
    return (c > 0) - (c < 0);
  }
  if (IsRealLike(a.type()) || IsRealLike(b.type())) {
    const double x = RealOf(a, ra), y = RealOf(b, rb);
    return (x > y) - (x < y);
  }
  const int64_t x = IntOf(a, ra), y = IntOf(b, rb);
  return (x > y) - (x < y);
}

// The strings (or array of strings) in operands k.. of row i, for has_any and friends.
void ListOperands(const Args& a, size_t first, size_t i, std::vector<std::string>& out) {
  out.clear();
  std::string scratch;
  for (size_t k = first; k < a.size(); ++k) {
    if (a.Col(k).type() == Type::Dynamic) {
      const Json j = a.Dyn(k, i);
      if (j.IsArray()) {
        for (const Json& item : j.items()) {
          if (!item.IsNull()) out.push_back(item.ToText());
        }
      } else if (!j.IsNull()) {
        out.push_back(j.ToText());
      }
    } else if (!a.Null(k, i)) {
      out.emplace_back(a.Str(k, i, scratch));
    }
  }
}

bool AllConstant(const Args& a, size_t first) {
  for (size_t k = first; k < a.size(); ++k) {
    if (!a.Constant(k)) return false;
  }
  return true;
}

}  // namespace

Column Evaluator::Call(const Expr& e, const std::vector<Vec>& vecs, size_t n) {
  Column out(e.type == Type::Null ? Type::Bool : e.type);
  out.Reserve(n);
  const Args a{vecs};
  std::string s0, s1, s2;  // scratch for converted string operands
  switch (e.fn) {
    case Fn::And:
    case Fn::Or: {
      const bool is_and = e.fn == Fn::And;
      for (size_t i = 0; i < n; ++i) {
        bool decided = false, any_null = false;
        for (size_t k = 0; k < a.size() && !decided; ++k) {
          if (a.Null(k, i)) {
            any_null = true;
          } else if (a.True(k, i) != is_and) {
            decided = true;
          }
        }
        if (decided) {
          out.AppendBool(!is_and);
        } else if (any_null) {
          out.AppendNull();
        } else {
          out.AppendBool(is_and);
        }
      }
      return out;
    }
    case Fn::Not:
      for (size_t i = 0; i < n; ++i) {
        if (a.Null(0, i)) {
          out.AppendNull();
        } else {
          out.AppendBool(!a.True(0, i));
        }
      }
      return out;
    case Fn::Eq:
    case Fn::Ne:
    case Fn::Lt:
    case Fn::Le:
    case Fn::Gt:
    case Fn::Ge:
      for (size_t i = 0; i < n; ++i) {
        const bool n0 = a.Null(0, i), n1 = a.Null(1, i);
        if (n0 || n1) {
          if ((e.fn == Fn::Eq || e.fn == Fn::Ne) && n0 != n1) {
            out.AppendBool(e.fn == Fn::Ne);  // one null side: == false, != true
          } else {
            out.AppendNull();
          }
          continue;
        }
        const Column& x = a.Col(0);
        const Column& y = a.Col(1);
        const int c = Compare3(x, a.Row(0, i), y, a.Row(1, i));
        bool r = false;
        if (IsRealLike(x.type()) || IsRealLike(y.type())) {
          // NaN compares unequal to everything, as IEEE says.
          const double p = a.Real(0, i), q = a.Real(1, i);
          switch (e.fn) {
            case Fn::Eq: r = p == q; break;
            case Fn::Ne: r = p != q; break;
            case Fn::Lt: r = p < q; break;
            case Fn::Le: r = p <= q; break;
            case Fn::Gt: r = p > q; break;
            default: r = p >= q; break;
          }
        } else {
          switch (e.fn) {
            case Fn::Eq: r = c == 0; break;
            case Fn::Ne: r = c != 0; break;
            case Fn::Lt: r = c < 0; break;
            case Fn::Le: r = c <= 0; break;
            case Fn::Gt: r = c > 0; break;
            default: r = c >= 0; break;
          }
        }
        out.AppendBool(r);
      }
      return out;
    case Fn::EqCi:
    case Fn::Has:
    case Fn::HasCs:
    case Fn::HasPrefix:
    case Fn::HasPrefixCs:
    case Fn::HasSuffix:
    case Fn::HasSuffixCs:
    case Fn::Contains:
    case Fn::ContainsCs:
    case Fn::StartsWith:
    case Fn::StartsWithCs:
    case Fn::EndsWith:
    case Fn::EndsWithCs:
      for (size_t i = 0; i < n; ++i) {
        const std::string_view x = a.Str(0, i, s0), y = a.Str(1, i, s1);
        bool r = false;
        switch (e.fn) {
          case Fn::EqCi: r = StrEqualCi(x, y); break;
          case Fn::Has: r = StrHas(x, y, false); break;
          case Fn::HasCs: r = StrHas(x, y, true); break;
          case Fn::HasPrefix: r = StrHasPrefix(x, y, false); break;
          case Fn::HasPrefixCs: r = StrHasPrefix(x, y, true); break;
          case Fn::HasSuffix: r = StrHasSuffix(x, y, false); break;
          case Fn::HasSuffixCs: r = StrHasSuffix(x, y, true); break;
          case Fn::Contains: r = StrContains(x, y, false); break;
          case Fn::ContainsCs: r = StrContains(x, y, true); break;
          case Fn::StartsWith: r = StrStartsWith(x, y, false); break;
          case Fn::StartsWithCs: r = StrStartsWith(x, y, true); break;
          case Fn::EndsWith: r = StrEndsWith(x, y, false); break;
          default: r = StrEndsWith(x, y, true); break;
        }
        out.AppendBool(r);
      }
      return out;
    case Fn::MatchesRegex:
      for (size_t i = 0; i < n; ++i) {
        const re2::RE2* re = Regex(a.Str(1, i, s1));
        const std::string_view x = a.Str(0, i, s0);
        out.AppendBool(re && RegexMatches(*re, x));
      }
      return out;
    case Fn::HasAny:
    case Fn::HasAll:
    case Fn::HasAnyIpv4: {
      std::vector<std::string> needles;
      const bool fixed = AllConstant(a, 1);
      if (fixed && n > 0) ListOperands(a, 1, 0, needles);
      // A constant list is matched in one pass per value; measured (tools/bench-match) faster
      // than StrHas per literal from a single literal on.
      const LiteralMatcher* matcher = nullptr;
      if (fixed && n > 0 && e.fn != Fn::HasAnyIpv4) {
        std::vector<LiteralMatcher::Literal> literals;
        for (const std::string& t : needles) literals.push_back({t, LiteralMatcher::Mode::Term, false});
        matcher = Matcher(literals);
      }
      if (matcher) {
        for (size_t i = 0; i < n; ++i) {
          const std::string_view x = a.Str(0, i, s0);
          out.AppendBool(e.fn == Fn::HasAll ? matcher->MatchesAll(x) : matcher->MatchesAny(x));
        }
        return out;
      }
      for (size_t i = 0; i < n; ++i) {
        if (!fixed) ListOperands(a, 1, i, needles);
        const std::string_view x = a.Str(0, i, s0);
        const auto hit = [&](const std::string& t) {
          return e.fn == Fn::HasAnyIpv4 ? TextHasIpv4(x, t) : StrHas(x, t, false);
        };
        out.AppendBool(e.fn == Fn::HasAll ? std::all_of(needles.begin(), needles.end(), hit)
                                          : std::any_of(needles.begin(), needles.end(), hit));
      }
      return out;
    }
    case Fn::In:
    case Fn::InCi: {
      const bool ci = e.fn == Fn::InCi;
      const StringSet* set = nullptr;
      if (IsTextLike(a.Col(0).type()) && AllConstant(a, 1)) {
        std::vector<std::string> values;
        for (size_t k = 1; k < a.size(); ++k) {
          if (!a.Null(k, 0)) values.emplace_back(a.Col(k).StringAt(0));
        }
        set = &Set(values, ci);
      }
      for (size_t i = 0; i < n; ++i) {
        if (a.Null(0, i)) {
          out.AppendBool(false);  // a null value is in no list
          continue;
        }
        bool hit = false;
        if (set) {
          hit = set->Contains(a.Col(0).StringAt(a.Row(0, i)));
        } else {
          for (size_t k = 1; k < a.size() && !hit; ++k) {
            if (a.Null(k, i)) continue;
            if (IsTextLike(a.Col(0).type())) {
              const std::string_view x = a.Str(0, i, s0), y = a.Str(k, i, s1);
              hit = ci ? StrEqualCi(x, y) : x == y;
            } else {
              hit = Compare3(a.Col(0), a.Row(0, i), a.Col(k), a.Row(k, i)) == 0;
            }
          }
        }
        out.AppendBool(hit);
      }
      return out;
    }
    case Fn::Add:
    case Fn::Sub:
    case Fn::Mul:
    case Fn::Div:
    case Fn::Mod: {
      const bool integer = IsIntegerLike(out.type()) && IsIntegerLike(a.Col(0).type()) &&
                           IsIntegerLike(a.Col(1).type());
      for (size_t i = 0; i < n; ++i) {
        if (a.Null(0, i) || a.Null(1, i)) {
          out.AppendNull();
          continue;
        }
        if (integer) {
          const int64_t x = a.Int(0, i), y = a.Int(1, i);
          // Wrapping arithmetic, as the JIT's machine integers.
          const auto wrap = [](uint64_t v) { return static_cast<int64_t>(v); };
          switch (e.fn) {
            case Fn::Add: AppendInteger(out, wrap(static_cast<uint64_t>(x) + static_cast<uint64_t>(y))); break;
            case Fn::Sub: AppendInteger(out, wrap(static_cast<uint64_t>(x) - static_cast<uint64_t>(y))); break;
            case Fn::Mul: AppendInteger(out, wrap(static_cast<uint64_t>(x) * static_cast<uint64_t>(y))); break;
            case Fn::Div:
              if (y == 0) {
                out.AppendNull();
              } else {
                AppendInteger(out, y == -1 ? wrap(0 - static_cast<uint64_t>(x)) : x / y);
              }
              break;
            default:
              if (y == 0) {
                out.AppendNull();
              } else if (y == -1) {
                AppendInteger(out, 0);
              } else {
                int64_t m = x % y;
                if (m != 0 && ((m < 0) != (y < 0))) m += y;  // the divisor's sign: -10 % 4 == 2
                AppendInteger(out, m);
              }
              break;
          }
          continue;
        }
        const double x = a.Real(0, i), y = a.Real(1, i);
        double r = 0;
        switch (e.fn) {
          case Fn::Add: r = x + y; break;
          case Fn::Sub: r = x - y; break;
          case Fn::Mul: r = x * y; break;
          case Fn::Div: r = x / y; break;
          default: r = std::fmod(x, y); break;
        }
        AppendNumber(out, r);
      }
      return out;
    }
    case Fn::Neg:
    case Fn::Abs:
      for (size_t i = 0; i < n; ++i) {
        if (a.Null(0, i)) {
          out.AppendNull();
        } else if (IsRealLike(a.Col(0).type())) {
          const double x = a.Real(0, i);
          out.AppendReal(e.fn == Fn::Neg ? -x : std::fabs(x));
        } else {
          const int64_t x = a.Int(0, i);
          const bool flip = e.fn == Fn::Neg || x < 0;
          AppendInteger(out, flip ? static_cast<int64_t>(0 - static_cast<uint64_t>(x)) : x);
        }
      }
      return out;
    case Fn::Bin:
    case Fn::BinAt:
      for (size_t i = 0; i < n; ++i) {
        const bool has_origin = e.fn == Fn::BinAt;
        if (a.Null(0, i) || a.Null(1, i) || (has_origin && a.Null(2, i))) {
          out.AppendNull();
        } else if (IsRealLike(a.Col(0).type()) || IsRealLike(a.Col(1).type())) {
          AppendOptional(out, BinReal(a.Real(0, i), a.Real(1, i), has_origin ? a.Real(2, i) : 0.0));
        } else {
          AppendOptional(out, BinLong(a.Int(0, i), a.Int(1, i), has_origin ? a.Int(2, i) : 0));
        }
      }
      return out;
    case Fn::Convert:
      for (size_t i = 0; i < n; ++i) AppendConverted(out, a.Col(0), a.Row(0, i));
      return out;
    case Fn::IsNull:
      for (size_t i = 0; i < n; ++i) out.AppendBool(a.Null(0, i));
      return out;
    case Fn::IsEmpty:
      for (size_t i = 0; i < n; ++i) {
        out.AppendBool(a.Null(0, i) || (IsTextLike(a.Col(0).type()) && a.Col(0).StringAt(a.Row(0, i)).empty()));
      }
      return out;
    case Fn::Iff:
      for (size_t i = 0; i < n; ++i) {
        const size_t k = a.True(0, i) ? 1 : 2;  // a false or null condition takes the else branch
        AppendConverted(out, a.Col(k), a.Row(k, i));
      }
      return out;
    case Fn::Case:
      for (size_t i = 0; i < n; ++i) {
        size_t k = a.size() - 1;  // else
        for (size_t p = 0; p + 1 < a.size(); p += 2) {
          if (a.True(p, i)) {
            k = p + 1;
            break;
          }
        }
        AppendConverted(out, a.Col(k), a.Row(k, i));
      }
      return out;
    case Fn::Coalesce:
      for (size_t i = 0; i < n; ++i) {
        size_t k = 0;
        while (k + 1 < a.size() && (a.Null(k, i) || (IsStringLike(a.Col(k).type()) && a.Col(k).StringAt(a.Row(k, i)).empty()))) ++k;
        AppendConverted(out, a.Col(k), a.Row(k, i));
      }
      return out;
    case Fn::Strcat:
      for (size_t i = 0; i < n; ++i) {
        std::string text;
        for (size_t k = 0; k < a.size(); ++k) text += a.Str(k, i, s0);
        out.AppendString(text);
      }
      return out;
    case Fn::Strlen:
      for (size_t i = 0; i < n; ++i) AppendInteger(out, Utf8Length(a.Str(0, i, s0)));
      return out;
    case Fn::Substring:
      for (size_t i = 0; i < n; ++i) {
        if (a.Null(1, i) || (a.size() > 2 && a.Null(2, i))) {
          out.AppendString("");
          continue;
        }
        const std::optional<int64_t> length = a.size() > 2 ? std::optional<int64_t>(a.Int(2, i)) : std::nullopt;
        out.AppendString(Utf8Substring(a.Str(0, i, s0), a.Int(1, i), length));
      }
      return out;
    case Fn::ToLower:
    case Fn::ToUpper:
      for (size_t i = 0; i < n; ++i) {
        const std::string_view x = a.Str(0, i, s0);
        out.AppendString(e.fn == Fn::ToLower ? ToLowerAscii(x) : ToUpperAscii(x));
      }
      return out;
    case Fn::IndexOf:
      for (size_t i = 0; i < n; ++i) {
        if (a.size() > 2 && a.Null(2, i)) {
          out.AppendNull();
          continue;
        }
        AppendInteger(out, IndexOf(a.Str(0, i, s0), a.Str(1, i, s1), a.size() > 2 ? a.Int(2, i) : 0));
      }
      return out;
    case Fn::CountOf:
      for (size_t i = 0; i < n; ++i) AppendInteger(out, CountOf(a.Str(0, i, s0), a.Str(1, i, s1)));
      return out;
    case Fn::CountOfRegex:
      for (size_t i = 0; i < n; ++i) {
        const re2::RE2* re = Regex(a.Str(1, i, s1));
        if (!re) {
          out.AppendNull();
          continue;
        }
        const std::string_view x = a.Str(0, i, s0);
        re2::StringPiece rest(x.data(), x.size());
        re2::StringPiece match;
        int64_t count = 0;
        while (!rest.empty() && re->Match(rest, 0, rest.size(), re2::RE2::UNANCHORED, &match, 1)) {
          ++count;
          const size_t end = static_cast<size_t>(match.data() - rest.data()) + std::max<size_t>(match.size(), 1);
          rest.remove_prefix(std::min(end, rest.size()));
        }
        AppendInteger(out, count);
      }
      return out;
    case Fn::Trim:
    case Fn::TrimStart:
    case Fn::TrimEnd:
      for (size_t i = 0; i < n; ++i) {
        const std::string pattern(a.Str(0, i, s0));
        const re2::RE2* lead = e.fn == Fn::TrimEnd ? nullptr : Regex("^(?:" + pattern + ")+");
        const re2::RE2* tail = e.fn == Fn::TrimStart ? nullptr : Regex("(?:" + pattern + ")+$");
        out.AppendString(Regex(pattern) ? RegexTrim(lead, tail, a.Str(1, i, s1)) : std::string());
      }
      return out;
    case Fn::ReplaceString:
      for (size_t i = 0; i < n; ++i) out.AppendString(ReplaceString(a.Str(0, i, s0), a.Str(1, i, s1), a.Str(2, i, s2)));
      return out;
    case Fn::ReplaceRegex: {
      std::string pattern, literal;  // the last row's pattern and its RegexLiteral
      const re2::RE2* re = nullptr;
      for (size_t i = 0; i < n; ++i) {
        if (i == 0 || a.Str(1, i, s1) != pattern) {
          pattern = a.Str(1, i, s1);
          re = Regex(pattern);
          literal = re ? RegexLiteral(*re, pattern) : std::string();
        }
        out.AppendString(re ? RegexReplace(*re, literal, a.Str(0, i, s0), a.Str(2, i, s2)) : "");
      }
      return out;
    }
    case Fn::Translate:
      for (size_t i = 0; i < n; ++i) out.AppendString(Translate(a.Str(0, i, s0), a.Str(1, i, s1), a.Str(2, i, s2)));
      return out;
    case Fn::Extract: {
      Column text(Type::String);
      for (size_t i = 0; i < n; ++i) {
        const re2::RE2* re = Regex(a.Str(0, i, s0));
        const int64_t group = a.Null(1, i) ? -1 : a.Int(1, i);
        const std::optional<std::string_view> g = re ? RegexExtract(*re, group, a.Str(2, i, s2)) : std::nullopt;
        if (!g) {
          out.AppendNull();  // strings: ""
          continue;
        }
        AppendParsed(out, *g);
      }
      return out;
    }
    case Fn::ExtractAll:
      for (size_t i = 0; i < n; ++i) {
        const re2::RE2* re = Regex(a.Str(0, i, s0));
        if (!re) {
          out.AppendNull();
          continue;
        }
        const std::string_view x = a.Str(1, i, s1);
        const int groups = re->NumberOfCapturingGroups();
        std::vector<re2::StringPiece> m(static_cast<size_t>(groups) + 1);
        Json all = Json::Array();
        size_t pos = 0;
        while (pos <= x.size() &&
               re->Match(re2::StringPiece(x.data(), x.size()), pos, x.size(), re2::RE2::UNANCHORED, m.data(),
                         static_cast<int>(m.size()))) {
          const auto text = [](const re2::StringPiece& p) { return Json::String(std::string(p.data(), p.size())); };
          if (groups <= 1) {
            all.Push(text(m[static_cast<size_t>(groups)]));
          } else {
            Json row = Json::Array();
            for (int g = 1; g <= groups; ++g) row.Push(text(m[static_cast<size_t>(g)]));
            all.Push(std::move(row));
          }
          const size_t end = static_cast<size_t>(m[0].data() - x.data()) + m[0].size();
          pos = m[0].empty() ? end + 1 : end;
        }
        AppendDynamic(out, all.items().empty() ? Json() : all);
      }
      return out;
    case Fn::Split:
      for (size_t i = 0; i < n; ++i) {
        Json parts = Split(a.Str(0, i, s0), a.Str(1, i, s1));
        if (a.size() > 2) parts = SplitPart(parts, a.Null(2, i) ? -1 : a.Int(2, i));
        AppendDynamic(out, parts);
      }
      return out;
    case Fn::StrcatArray:
      for (size_t i = 0; i < n; ++i) out.AppendString(StrcatArray(a.Dyn(0, i), a.Str(1, i, s1)));
      return out;
    case Fn::UrlDecode:
    case Fn::UrlEncode:
    case Fn::HashSha256:
      for (size_t i = 0; i < n; ++i) {
        const std::string_view x = a.Str(0, i, s0);
        out.AppendString(e.fn == Fn::UrlDecode ? UrlDecode(x) : e.fn == Fn::UrlEncode ? UrlEncode(x) : Sha256Hex(x));
      }
      return out;
    case Fn::Base64DecodeToString:
      for (size_t i = 0; i < n; ++i) {
        const auto decoded = Base64Decode(a.Str(0, i, s0));
        out.AppendString(decoded ? *decoded : "");
      }
      return out;
    case Fn::Base64DecodeToArray:
      for (size_t i = 0; i < n; ++i) AppendDynamic(out, Base64DecodeToArray(a.Str(0, i, s0)));
      return out;
    case Fn::MakeString:
      for (size_t i = 0; i < n; ++i) {
        std::vector<Json> values;
        for (size_t k = 0; k < a.size(); ++k) values.push_back(a.Dyn(k, i));
        // Strings are never null: text with an invalid code point is empty.
        out.AppendString(CodepointsToString(values).value_or(""));
      }
      return out;
    case Fn::ToHex:
      for (size_t i = 0; i < n; ++i) {
        if (a.Null(0, i)) {
          out.AppendString("");
        } else {
          out.AppendString(ToHex(a.Int(0, i), a.size() > 1 && !a.Null(1, i) ? a.Int(1, i) : 0));
        }
      }
      return out;
    case Fn::Rand:
      for (size_t i = 0; i < n; ++i) {
        const double unit = std::uniform_real_distribution<double>(0.0, 1.0)(Random());
        if (a.size() == 0) {
          out.AppendReal(unit);
        } else if (a.Null(0, i) || a.Real(0, i) < 1) {
          out.AppendNull();
        } else {  // a whole number in [0, n)
          const double whole = std::floor(a.Real(0, i));
          out.AppendReal(std::min(std::floor(unit * whole), whole - 1));
        }
      }
      return out;
    case Fn::NewGuid:
      for (size_t i = 0; i < n; ++i) {
        const uint64_t high = Random()();
        out.AppendString(RandomGuid(high, Random()()));
      }
      return out;
    case Fn::ParseUrl:
    case Fn::ParsePath:
    case Fn::ParseCsv:
      for (size_t i = 0; i < n; ++i) {
        const std::string_view x = a.Str(0, i, s0);
        AppendDynamic(out, e.fn == Fn::ParseUrl ? ParseUrl(x) : e.fn == Fn::ParsePath ? ParsePath(x) : ParseCsv(x));
      }
      return out;
    case Fn::ParseCommandLine:
      for (size_t i = 0; i < n; ++i) {
        if (!StrEqualCi(a.Str(1, i, s1), "windows")) {
          out.AppendNull();  // the only parser KQL defines
        } else {
          AppendDynamic(out, ParseCommandLineWindows(a.Str(0, i, s0)));
        }
      }
      return out;
    case Fn::ParseJson:
      for (size_t i = 0; i < n; ++i) {
        if (a.Col(0).type() == Type::Dynamic) {
          out.AppendFrom(a.Col(0), a.Row(0, i));
        } else {
          AppendDynamic(out, ParseDynamic(a.Str(0, i, s0)));
        }
      }
      return out;
    case Fn::Member:
    case Fn::Index:
      for (size_t i = 0; i < n; ++i) {
        const Json d = a.Dyn(0, i);
        const Json* found = nullptr;
        if (e.fn == Fn::Member) {
          if (d.IsObject()) found = d.Find(a.Str(1, i, s1));
        } else if (!a.Null(1, i)) {
          found = ArrayItem(d, a.Int(1, i));
        }
        AppendJson(out, found ? *found : Json());
      }
      return out;
    case Fn::ExtractJson:
      for (size_t i = 0; i < n; ++i) {
        const Json doc = a.Col(1).type() == Type::Dynamic ? a.Dyn(1, i) : ParseDynamic(a.Str(1, i, s1));
        const std::optional<Json> found = JsonPathGet(a.Str(0, i, s0), doc);
        AppendJson(out, found ? *found : Json());
      }
      return out;
    case Fn::ArrayLength:
      for (size_t i = 0; i < n; ++i) {
        const Json d = a.Dyn(0, i);
        if (d.IsArray()) {
          AppendInteger(out, static_cast<int64_t>(d.items().size()));
        } else {
          out.AppendNull();
        }
      }
      return out;
    case Fn::PackArray:
      for (size_t i = 0; i < n; ++i) {
        Json arr = Json::Array();
        for (size_t k = 0; k < a.size(); ++k) arr.Push(a.Dyn(k, i));
        AppendDynamic(out, arr);
      }
      return out;
    case Fn::Pack:
      for (size_t i = 0; i < n; ++i) {
        Json bag = Json::Object();
        for (size_t k = 0; k + 1 < a.size(); k += 2) bag.Set(std::string(a.Str(k, i, s0)), a.Dyn(k + 1, i));
        AppendDynamic(out, bag);
      }
      return out;
    case Fn::ArrayConcat:
      for (size_t i = 0; i < n; ++i) {
        Json all = Json::Array();
        bool ok = true;
        for (size_t k = 0; k < a.size() && ok; ++k) {
          Json part = a.Dyn(k, i);
          ok = part.IsArray();
          for (Json& item : part.items()) all.Push(std::move(item));
        }
        AppendDynamic(out, ok ? all : Json());
      }
      return out;
    case Fn::ArrayIndexOf:
    case Fn::SetHasElement:
      for (size_t i = 0; i < n; ++i) {
        const Json arr = a.Dyn(0, i);
        if (!arr.IsArray()) {
          out.AppendNull();
          continue;
        }
        const Json x = a.Dyn(1, i);
        const auto it = std::find(arr.items().begin(), arr.items().end(), x);
        if (e.fn == Fn::SetHasElement) {
          out.AppendBool(it != arr.items().end());
        } else {
          AppendInteger(out, it == arr.items().end() ? -1 : it - arr.items().begin());
        }
      }
      return out;
    case Fn::ArraySlice:
      for (size_t i = 0; i < n; ++i) {
        if (a.Null(1, i) || a.Null(2, i)) {
          out.AppendNull();
        } else {
          AppendDynamic(out, ArraySlice(a.Dyn(0, i), a.Int(1, i), a.Int(2, i)));
        }
      }
      return out;
    case Fn::Range:
      for (size_t i = 0; i < n; ++i) AppendDynamic(out, RangeArray(a, i));
      return out;
    case Fn::DateTimeDiff:
      for (size_t i = 0; i < n; ++i) {
        if (a.Null(1, i) || a.Null(2, i)) {
          out.AppendNull();
        } else {
          AppendOptional(out, DateTimeDiff(a.Str(0, i, s0), a.Int(1, i), a.Int(2, i)));
        }
      }
      return out;
    case Fn::DateTimeAdd:
      for (size_t i = 0; i < n; ++i) {
        if (a.Null(1, i) || a.Null(2, i)) {
          out.AppendNull();
        } else {
          AppendOptional(out, DateTimeAdd(a.Str(0, i, s0), a.Int(1, i), a.Int(2, i)));
        }
      }
      return out;
    case Fn::FormatTimeSpan:
      for (size_t i = 0; i < n; ++i) {
        const auto text = a.Null(0, i) ? std::nullopt : FormatTimeSpanAs(a.Int(0, i), a.Str(1, i, s1));
        out.AppendString(text ? *text : "");
      }
      return out;
    case Fn::Ipv4IsPrivate:
      for (size_t i = 0; i < n; ++i) AppendOptional(out, Ipv4IsPrivate(a.Str(0, i, s0)));
      return out;
    case Fn::Ipv4IsInRange:
      for (size_t i = 0; i < n; ++i) AppendOptional(out, Ipv4IsInRange(a.Str(0, i, s0), a.Str(1, i, s1)));
      return out;
    case Fn::Ipv4IsInAnyRange: {
      std::vector<std::string> ranges;
      for (size_t i = 0; i < n; ++i) {
        ListOperands(a, 1, i, ranges);
        const std::string_view ip = a.Str(0, i, s0);
        std::optional<bool> result = ParseIpv4Prefix(ip) ? std::optional<bool>(false) : std::nullopt;
        for (const std::string& r : ranges) {
          if (!result) break;
          const std::optional<bool> in = Ipv4IsInRange(ip, r);
          if (!in) result = std::nullopt;
          else if (*in) result = true;
          if (result && *result) break;
        }
        AppendOptional(out, result);
      }
      return out;
    }
    case Fn::Ipv4Compare:
      for (size_t i = 0; i < n; ++i) {
        const int prefix = a.size() > 2 ? (a.Null(2, i) ? -1 : static_cast<int>(a.Int(2, i))) : 32;
        AppendOptional(out, Ipv4Compare(a.Str(0, i, s0), a.Str(1, i, s1), prefix));
      }
      return out;
    case Fn::ParseIpv4:
      for (size_t i = 0; i < n; ++i) AppendOptional(out, ParseIpv4(a.Str(0, i, s0)));
      return out;
    case Fn::SeriesStats: case Fn::SeriesDecomposeAnomalies: case Fn::SeriesDecompose:
    case Fn::SeriesOutliers: case Fn::SeriesFitLine: case Fn::SeriesFillForward:
    case Fn::SeriesFillBackward: case Fn::SeriesFillConst: case Fn::SeriesFillLinear:
      for (size_t i = 0; i < n; ++i) {
        const std::optional<Json> result = SeriesCall(e.fn, a, i);
        AppendDynamic(out, result ? *result : Json());
      }
      return out;
  }
  return out;
}

}  // namespace huntc::exec
