// Lowering from the bound syntax tree.
#include "compiler/ir/lower.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cctype>
#include <functional>
#include <optional>
#include <set>
#include <unordered_map>

#include <fmt/format.h>
#include <re2/re2.h>

#include "compiler/ir/external_data.h"
#include "compiler/ir/optimize.h"
#include "runtime/exec/eval.h"
#include "runtime/exec/join_table.h"
#include "runtime/exec/json.h"

namespace huntc::ir {

using namespace syntax;

Value ConvertConstant(const Value& v, Type to) {
  if (v.type == to) return v;
  if (v.is_null) return Value::Null(to);
  Value out = v;
  out.type = to;
  if (to == Type::Real || to == Type::Decimal) {
    if (v.type != Type::Real && v.type != Type::Decimal) out.real = static_cast<double>(v.integer);
  } else if (to == Type::Int || to == Type::Long) {
    if (v.type == Type::Real || v.type == Type::Decimal) out.integer = static_cast<int64_t>(v.real);
    if (to == Type::Int) out.integer = static_cast<int32_t>(out.integer);
  }
  return out;
}

namespace {

Expr Convert(Expr e, Type to) {
  if (e.type == to) return e;
  if (e.kind == ExprKind::Constant) return Expr::Constant(ConvertConstant(e.value, to));
  return Expr::Call(Fn::Convert, to, {std::move(e)});
}

Expr Not(Expr e) { return Expr::Call(Fn::Not, Type::Bool, {std::move(e)}); }

Expr BoolConstant(bool v) { return Expr::Constant(Value::Integer(Type::Bool, v)); }

struct StringOpInfo {
  Fn fn;
  bool negated;
};

StringOpInfo StringOp(BinOp op) {
  switch (op) {
    case BinOp::EqCi: return {Fn::EqCi, false};
    case BinOp::NeCi: return {Fn::EqCi, true};
    case BinOp::Has: return {Fn::Has, false};
    case BinOp::NotHas: return {Fn::Has, true};
    case BinOp::HasCs: return {Fn::HasCs, false};
    case BinOp::NotHasCs: return {Fn::HasCs, true};
    case BinOp::Contains: return {Fn::Contains, false};
    case BinOp::NotContains: return {Fn::Contains, true};
    case BinOp::ContainsCs: return {Fn::ContainsCs, false};
    case BinOp::NotContainsCs: return {Fn::ContainsCs, true};
    case BinOp::StartsWith: return {Fn::StartsWith, false};
    case BinOp::NotStartsWith: return {Fn::StartsWith, true};
    case BinOp::StartsWithCs: return {Fn::StartsWithCs, false};
    case BinOp::NotStartsWithCs: return {Fn::StartsWithCs, true};
    case BinOp::EndsWith: return {Fn::EndsWith, false};
    case BinOp::NotEndsWith: return {Fn::EndsWith, true};
    case BinOp::EndsWithCs: return {Fn::EndsWithCs, false};
    case BinOp::NotEndsWithCs: return {Fn::EndsWithCs, true};
    case BinOp::HasPrefix: return {Fn::HasPrefix, false};
    case BinOp::NotHasPrefix: return {Fn::HasPrefix, true};
    case BinOp::HasPrefixCs: return {Fn::HasPrefixCs, false};
    case BinOp::NotHasPrefixCs: return {Fn::HasPrefixCs, true};
    case BinOp::HasSuffix: return {Fn::HasSuffix, false};
    case BinOp::NotHasSuffix: return {Fn::HasSuffix, true};
    case BinOp::HasSuffixCs: return {Fn::HasSuffixCs, false};
    case BinOp::NotHasSuffixCs: return {Fn::HasSuffixCs, true};
    case BinOp::MatchesRegex: return {Fn::MatchesRegex, false};
    default: return {Fn::Eq, false};
  }
}

Fn ArithmeticFn(BinOp op) {
  switch (op) {
    case BinOp::Add: return Fn::Add;
    case BinOp::Sub: return Fn::Sub;
    case BinOp::Mul: return Fn::Mul;
    case BinOp::Div: return Fn::Div;
    default: return Fn::Mod;
  }
}

Fn ComparisonFn(BinOp op) {
  switch (op) {
    case BinOp::Eq: return Fn::Eq;
    case BinOp::Ne: return Fn::Ne;
    case BinOp::Lt: return Fn::Lt;
    case BinOp::Le: return Fn::Le;
    case BinOp::Gt: return Fn::Gt;
    default: return Fn::Ge;
  }
}

// An integer constant that fits the other operand's int type is narrowed to it, so that
// `RemotePort == 443` compares ints instead of widening every row.
bool NarrowConstant(Expr& constant, const Expr& other) {
  if (constant.kind != ExprKind::Constant || constant.type != Type::Long || other.type != Type::Int) {
    return false;
  }
  const int64_t v = constant.value.integer;
  if (!constant.value.is_null && (v < INT32_MIN || v > INT32_MAX)) return false;
  constant = Expr::Constant(ConvertConstant(constant.value, Type::Int));
  return true;
}

std::string ParamWord(const std::vector<OpParam>& params, std::string_view name) {
  for (const OpParam& p : params) {
    if (p.name.name != name || !p.value) continue;
    if (p.value->Is<Name>()) return p.value->As<Name>()->name;
    if (p.value->Is<Literal>()) return p.value->As<Literal>()->text;
  }
  return {};
}

const OpParam* FindParam(const std::vector<OpParam>& params, std::string_view name) {
  for (const OpParam& p : params) {
    if (p.name.name == name) return &p;
  }
  return nullptr;
}

int FindColumn(const std::vector<ColumnSpec>& schema, std::string_view name) {
  for (size_t i = 0; i < schema.size(); ++i) {
    if (schema[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

bool IsConstant(const Expr& e) { return e.kind == ExprKind::Constant; }

// Scalar functions that map one-to-one (same arguments, the call's type) onto an IR function.
const std::unordered_map<std::string_view, Fn>& DirectFunctions() {
  static const std::unordered_map<std::string_view, Fn> kMap{
      {"strcat", Fn::Strcat}, {"strlen", Fn::Strlen}, {"substring", Fn::Substring},
      {"tolower", Fn::ToLower}, {"toupper", Fn::ToUpper}, {"indexof", Fn::IndexOf},
      {"trim", Fn::Trim}, {"trim_start", Fn::TrimStart}, {"trim_end", Fn::TrimEnd},
      {"replace_string", Fn::ReplaceString}, {"replace_regex", Fn::ReplaceRegex},
      {"translate", Fn::Translate}, {"split", Fn::Split}, {"strcat_array", Fn::StrcatArray},
      {"url_decode", Fn::UrlDecode}, {"url_encode", Fn::UrlEncode},
      {"base64_decode_tostring", Fn::Base64DecodeToString}, {"hash_sha256", Fn::HashSha256},
      {"base64_decode_toarray", Fn::Base64DecodeToArray}, {"make_string", Fn::MakeString},
      {"tohex", Fn::ToHex}, {"parse_url", Fn::ParseUrl}, {"parse_path", Fn::ParsePath},
      {"parse_command_line", Fn::ParseCommandLine}, {"parse_csv", Fn::ParseCsv},
      {"parse_json", Fn::ParseJson}, {"array_length", Fn::ArrayLength},
      {"pack_array", Fn::PackArray}, {"bag_pack", Fn::Pack}, {"array_concat", Fn::ArrayConcat},
      {"array_index_of", Fn::ArrayIndexOf}, {"array_slice", Fn::ArraySlice},
      {"set_has_element", Fn::SetHasElement}, {"datetime_diff", Fn::DateTimeDiff},
      {"datetime_add", Fn::DateTimeAdd}, {"format_timespan", Fn::FormatTimeSpan},
      {"ipv4_is_private", Fn::Ipv4IsPrivate}, {"ipv4_is_in_range", Fn::Ipv4IsInRange},
      {"ipv4_is_in_any_range", Fn::Ipv4IsInAnyRange}, {"ipv4_compare", Fn::Ipv4Compare},
      {"parse_ipv4", Fn::ParseIpv4}, {"has_any_ipv4", Fn::HasAnyIpv4},
      {"extract_json", Fn::ExtractJson},
      {"extractjson", Fn::ExtractJson},
  };
  return kMap;
}

// The conversion functions: to<type>() of the call's type.
bool IsConversion(std::string_view name) {
  static constexpr std::array<std::string_view, 11> kNames{
      "tostring", "toint", "tolong", "toreal", "todouble", "tobool", "toboolean", "todatetime",
      "totimespan", "toguid", "todecimal"};
  return std::find(kNames.begin(), kNames.end(), name) != kNames.end();
}

// The elements of a constant dynamic array (a lone value stands for itself), as constants of
// `to` where they convert; nullopt when `v` is not valid JSON.
std::optional<std::vector<Value>> ArrayConstants(const Value& v, Type to) {
  std::optional<exec::Json> json = exec::Json::Parse(v.text);
  if (!json) return std::nullopt;
  std::vector<exec::Json> items;
  if (json->IsArray()) {
    items = json->items();
  } else {
    items.push_back(*json);
  }
  std::vector<Value> out;
  for (const exec::Json& item : items) {
    switch (item.kind()) {
      case exec::Json::Kind::String:
        if (IsStringLike(to)) out.push_back(ConvertConstant(Value::String(item.text()), to));
        break;
      case exec::Json::Kind::Long:
        if (IsNumeric(to)) out.push_back(ConvertConstant(Value::Integer(Type::Long, item.integer()), to));
        break;
      case exec::Json::Kind::Real:
        if (IsNumeric(to)) out.push_back(ConvertConstant(Value::Real(item.real()), to));
        break;
      case exec::Json::Kind::Bool:
        if (to == Type::Bool) out.push_back(Value::Integer(Type::Bool, item.boolean()));
        break;
      default: break;  // null and nested values match nothing
    }
  }
  return out;
}

// Whether rows of `root` call rand() or new_guid(): evaluated twice, they differ.
bool DrawsRandom(const Op& root) {
  const auto draws = [](const Expr& e) {
    std::vector<const Expr*> stack{&e};  // expressions nest as deep as the query writes them
    while (!stack.empty()) {
      const Expr* x = stack.back();
      stack.pop_back();
      if (x->kind == ExprKind::Call && exec::IsVolatile(x->fn)) return true;
      for (const Expr& a : x->args) stack.push_back(&a);
    }
    return false;
  };
  std::vector<const Op*> stack{&root};
  while (!stack.empty()) {
    const Op* o = stack.back();
    stack.pop_back();
    if (draws(o->predicate) || std::any_of(o->exprs.begin(), o->exprs.end(), draws)) return true;
    for (const exec::AggregateSpec& a : o->aggregates) {
      if (std::any_of(a.args.begin(), a.args.end(), draws) || std::any_of(a.outputs.begin(), a.outputs.end(), draws)) {
        return true;
      }
    }
    for (const exec::WindowFunction& f : o->window) {
      if (draws(f.arg)) return true;
    }
    if (o->input) stack.push_back(o->input.get());
    for (const auto& other : o->others) stack.push_back(other.get());
    if (o->shared) stack.push_back(o->shared.get());
  }
  return false;
}

// Puts each shared subplan that has one use left in the place of that use, and numbers the
// others in the order they are met (`Shared #1` ...). A use count of one is the subplan's
// shared_ptr count: only its uses hold it.
void InlineSingleUses(std::unique_ptr<Op>& root) {
  std::unordered_map<const Op*, int> ids;
  std::vector<std::unique_ptr<Op>*> stack{&root};
  while (!stack.empty()) {
    std::unique_ptr<Op>* slot = stack.back();
    stack.pop_back();
    Op& o = **slot;
    if (o.kind == OpKind::Shared && o.shared.use_count() == 1) {
      const std::shared_ptr<Op> subplan = std::move(o.shared);
      *slot = std::make_unique<Op>(std::move(*subplan));
      stack.push_back(slot);
      continue;
    }
    if (o.kind == OpKind::Shared) {
      auto [id, first] = ids.emplace(o.shared.get(), static_cast<int>(ids.size()) + 1);
      o.shared_id = id->second;
      if (!first) continue;
      // The subplan's root is no slot of the tree: its inputs are visited instead.
      if (o.shared->input) stack.push_back(&o.shared->input);
      for (auto& other : o.shared->others) stack.push_back(&other);
      continue;
    }
    if (o.input) stack.push_back(&o.input);
    for (auto& other : o.others) stack.push_back(&other);
  }
}

// Lowers a bound query. Each construct it cannot express yet is reported (HC500, at its span)
// and the result is then discarded; `let` names are inlined at their uses (their values were
// bound once, where they are defined), and so are calls of `let` functions.
class Lowerer {
 public:
  Lowerer(const BoundQuery& bound, const Reporter& report, const LowerOptions& options)
      : bound_(bound), report_(report), options_(options) {}

  std::unique_ptr<Op> Run(const Query* q) {
    auto op = LowerQuery(q, {});
    if (!ok_) return nullptr;
    shared_.clear();  // the uses now hold the subplans alone
    InlineSingleUses(op);
    return op;
  }


 private:
  using Scope = std::unordered_map<std::string, const Node*>;

  Expr Scalar(const syntax::Expr* e);  // defined after the class: it dispatches to the rest

  void Unsupported(Span span, std::string_view what, bool plural = false) {
    ok_ = false;
    report_(Code::Unsupported, span,
            fmt::format("{} {} not supported yet", what, plural ? "are" : "is"));
  }

  // A constant pattern that is not valid RE2 (doc: re2) makes Kusto reject the query; it is
  // reported here rather than matching nothing at run time.
  bool ValidPattern(const Expr& pattern, const syntax::Expr* at) {
    if (!IsConstant(pattern) || pattern.value.is_null) return true;
    const std::string error = exec::Evaluator::RegexError(pattern.value.text);
    if (error.empty()) return true;
    ok_ = false;
    report_(Code::InvalidRegex, at->span, fmt::format("this is not a valid RE2 regular expression: {}", error));
    return false;
  }

  Expr Fail(const syntax::Expr* e, std::string_view what) {
    Unsupported(e->span, what);
    return Expr::Constant(Value::Null(e->type));
  }

  std::unique_ptr<Op> Failed(const Node* n, std::string_view what) {
    Unsupported(n->span, what);
    return nullptr;
  }

  const Node* LookupLet(const std::string& name) const {
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
      auto found = it->find(name);
      if (found != it->end()) return found->second;
    }
    return nullptr;
  }

  // A query (the whole one, or a function body) with `params` already in scope.
  std::unique_ptr<Op> LowerQuery(const Query* q, Scope params) {
    if (scopes_.size() >= kMaxDepth) return Failed(q, "nesting this deep");
    scopes_.push_back(std::move(params));
    for (const Node* statement : q->statements) {
      if (statement->Is<Let>()) {
        scopes_.back()[statement->As<Let>()->name.name] = statement->As<Let>()->value;
      } else if (statement->Is<DeclareParams>()) {
        Unsupported(statement->span, "'declare query_parameters' statements", true);
      }  // `set` changes nothing the results depend on
    }
    std::unique_ptr<Op> out;
    if (!q->result) {
      Unsupported(q->span, "a function without a result");
    } else {
      out = Tabular(q->result);
    }
    scopes_.pop_back();
    return out;
  }

  // --- scalars --------------------------------------------------------------------------------

  Expr Convert(Expr e, Type to) { return ir::Convert(std::move(e), to); }

  Expr AsString(Expr e) { return IsStringLike(e.type) ? e : Convert(std::move(e), Type::String); }

  // An argument whose value must be a constant (a count, a cap, a period).
  std::optional<Value> ConstantArg(const syntax::Expr* e) {
    Expr v = FoldConstants(Scalar(e));  // -1, 2 * 60, ...: constant calls count as constants
    if (!IsConstant(v)) {
      Unsupported(e->span, "a value that is not a constant here");
      return std::nullopt;
    }
    return v.value;
  }

  Expr LetName(const syntax::Name* n) {
    const Node* value = LookupLet(n->name);
    if (!value || !value->IsExpr() || value->Is<Subquery>()) {
      return Fail(n, fmt::format("the name '{}' (not a column or a scalar let)", n->name));
    }
    if (++inlining_ > kMaxDepth) return Fail(n, "let values nested this deep");
    Expr out = Scalar(syntax::AsExpr(value));
    --inlining_;
    return out;
  }

  Expr Json(const syntax::Expr* e) {
    std::optional<exec::Json> json = JsonOf(e);
    if (!json) return Fail(e, "this dynamic() literal");
    if (json->IsNull()) return Expr::Constant(Value::Null(Type::Dynamic));
    return Expr::Constant(Value::Dynamic(json->Serialize()));
  }

  // A dynamic literal's document (nesting bounded by the parser).
  std::optional<exec::Json> JsonOf(const syntax::Expr* e) {
    if (e->Is<syntax::Dynamic>()) return JsonOf(e->As<syntax::Dynamic>()->value);
    if (e->Is<DynArray>()) {
      exec::Json out = exec::Json::Array();
      for (const syntax::Expr* item : e->As<DynArray>()->items) {
        std::optional<exec::Json> v = JsonOf(item);
        if (!v) return std::nullopt;
        out.Push(std::move(*v));
      }
      return out;
    }
    if (e->Is<DynBag>()) {
      exec::Json out = exec::Json::Object();
      for (const DynBag::Entry& entry : e->As<DynBag>()->entries) {
        std::optional<exec::Json> v = JsonOf(entry.value);
        if (!v) return std::nullopt;
        out.Set(entry.key.name, std::move(*v));
      }
      return out;
    }
    Expr v = Scalar(e);
    if (!IsConstant(v)) return std::nullopt;
    return ValueJson(v.value);
  }

  static std::optional<exec::Json> ValueJson(const Value& v) {
    if (v.is_null) return exec::Json();
    switch (v.type) {
      case Type::Bool: return exec::Json::Bool(v.integer != 0);
      case Type::Int: case Type::Long: return exec::Json::Long(v.integer);
      case Type::Real: return exec::Json::Real(v.real);
      case Type::String: case Type::Guid: return exec::Json::String(v.text);
      case Type::Dynamic: return exec::Json::Parse(v.text);
      default: return std::nullopt;
    }
  }

  // Both operands converted to their common type, for comparison; a dynamic operand takes the
  // other's type (KQL compares the value it holds).
  std::pair<Expr, Expr> Promote(const syntax::Expr* l, const syntax::Expr* r) {
    Expr a = Scalar(l), b = Scalar(r);
    if (a.type == Type::Dynamic && b.type == Type::Dynamic) {
      return {Convert(std::move(a), Type::String), Convert(std::move(b), Type::String)};
    }
    if (a.type == Type::Dynamic) a = Convert(std::move(a), b.type);
    if (b.type == Type::Dynamic) b = Convert(std::move(b), a.type);
    if (NarrowConstant(b, a) || NarrowConstant(a, b)) return {std::move(a), std::move(b)};
    if (auto common = CommonType(a.type, b.type)) {
      return {Convert(std::move(a), *common), Convert(std::move(b), *common)};
    }
    return {std::move(a), std::move(b)};
  }

  Expr Binary(const syntax::Binary* b) {
    if (b->op >= BinOp::Like && b->op <= BinOp::NotLikeCs) {
      Unsupported(b->op_span, fmt::format("the '{}' operator", BinOpName(b->op)));
      return Expr::Constant(Value::Null(Type::Bool));
    }
    if (b->op >= BinOp::EqCi) {  // =~, !~, the string operators and matches regex
      const StringOpInfo info = StringOp(b->op);
      Expr pattern = AsString(Scalar(b->rhs));
      if (info.fn == Fn::MatchesRegex && !ValidPattern(pattern, b->rhs)) return Expr::Constant(Value::Null(Type::Bool));
      Expr e = Expr::Call(info.fn, Type::Bool, {AsString(Scalar(b->lhs)), std::move(pattern)});
      return info.negated ? Not(std::move(e)) : e;
    }
    if (b->op >= BinOp::Eq) {
      const bool dynamic = b->lhs->type == Type::Dynamic || b->rhs->type == Type::Dynamic;
      if (!dynamic && !CommonType(b->lhs->type, b->rhs->type)) return BoolConstant(b->op == BinOp::Ne);
      auto [l, r] = Promote(b->lhs, b->rhs);
      if (l.type != r.type) return BoolConstant(b->op == BinOp::Ne);
      return Expr::Call(ComparisonFn(b->op), Type::Bool, {std::move(l), std::move(r)});
    }
    if (b->lhs->type == Type::Dynamic || b->rhs->type == Type::Dynamic) {
      return Fail(b, "arithmetic on dynamic values");
    }
    Expr l = Scalar(b->lhs), r = Scalar(b->rhs);
    if (IsNumeric(b->type)) {
      l = Convert(std::move(l), b->type);
      r = Convert(std::move(r), b->type);
    }
    return Expr::Call(ArithmeticFn(b->op), b->type, {std::move(l), std::move(r)});
  }

  Expr In(const InList* in) {
    Expr lhs = Scalar(in->lhs);
    if (in->op == InOp::HasAny || in->op == InOp::HasAll) {
      std::vector<Expr> args{AsString(std::move(lhs))};
      for (const syntax::Expr* item : in->items) {
        Expr v = in->items.size() == 1 && IsTabularItem(item) ? TableValues(item) : Scalar(item);
        args.push_back(v.type == Type::Dynamic ? std::move(v) : AsString(std::move(v)));
      }
      return Expr::Call(in->op == InOp::HasAny ? Fn::HasAny : Fn::HasAll, Type::Bool, std::move(args));
    }
    const bool ci = in->op == InOp::InCi || in->op == InOp::NotInCi;
    const bool negated = in->op == InOp::NotIn || in->op == InOp::NotInCi;
    std::vector<Expr> items;
    if (in->items.size() == 1 && IsTabularItem(in->items[0])) return NestedMembership(in);
    for (const syntax::Expr* item : in->items) {
      if (item->Is<Subquery>()) return Fail(item, "'in' over a subquery among other values");
      Expr v = Scalar(item);
      if (!IsConstant(v)) return Fail(item, "a value other than a constant in a list");
      items.push_back(std::move(v));
    }
    // The list's type: that of its scalar items, else (only dynamic arrays) the lhs's.
    Type common = Type::Null;
    for (const Expr& v : items) {
      if (v.type == Type::Dynamic) continue;
      common = common == Type::Null ? v.type : CommonType(common, v.type).value_or(common);
    }
    if (lhs.type == Type::Dynamic) {
      lhs = Convert(std::move(lhs), common == Type::Null ? Type::String : common);
    }
    if (auto c = CommonType(common == Type::Null ? lhs.type : common, lhs.type)) common = *c;
    if (common == Type::Null) common = lhs.type;
    std::vector<Expr> args{Convert(std::move(lhs), common)};
    for (Expr& v : items) {
      if (v.type == Type::Dynamic) {
        if (v.value.is_null) continue;
        std::optional<std::vector<Value>> values = ArrayConstants(v.value, common);
        if (!values) return Fail(in, "'in' over a dynamic value that is not JSON");
        for (Value& x : *values) args.push_back(Expr::Constant(std::move(x)));
      } else if (CommonType(common, v.type)) {
        args.push_back(Convert(std::move(v), common));  // others never match
      }
    }
    Expr e = Expr::Call(ci ? Fn::InCi : Fn::In, Type::Bool, std::move(args));
    return negated ? Not(std::move(e)) : e;
  }

  Expr Between(const syntax::Between* b) {
    auto [value, low] = Promote(b->value, b->low);
    Expr high = Scalar(b->high);
    if (value.type == Type::DateTime && high.type == Type::TimeSpan) {
      high = Expr::Call(Fn::Add, Type::DateTime, {low, std::move(high)});
    } else {
      high = Convert(std::move(high), value.type);
    }
    Expr e = Expr::Call(Fn::And, Type::Bool,
                        {Expr::Call(Fn::Ge, Type::Bool, {value, std::move(low)}),
                         Expr::Call(Fn::Le, Type::Bool, {value, std::move(high)})});
    return b->negated ? Not(std::move(e)) : e;
  }

  Expr Call(const syntax::Call* c) {
    if (c->name == "toscalar") return ScalarSubquery(c);
    if (const Node* f = LookupLet(c->name); f && f->Is<Lambda>()) return ScalarFunction(f->As<Lambda>(), c);
    const FunctionInfo* info = FindFunction(c->name);
    if (!info) return Fail(c, fmt::format("the function {}()", c->name));
    if (info->cls == FunctionClass::Window && extras_) return WindowColumn(c);
    if (info->cls == FunctionClass::Aggregate && aggregate_) return AggregateColumn(c);
    if (info->cls != FunctionClass::Scalar) {
      return Fail(c, fmt::format("the {} function {}() here",
                                 info->cls == FunctionClass::Aggregate ? "aggregate" : "window", c->name));
    }
    const std::string_view name = info->canonical.empty() ? info->name : info->canonical;
    for (const syntax::Expr* a : c->args) {
      if (a->Is<NamedArg>() || a->Is<Star>()) return Fail(a, "this kind of argument");
    }
    std::vector<Expr> args;
    std::vector<const syntax::Expr*> arg_syntax;
    // typeof(T) arguments name a type, already in the call's type.
    for (const syntax::Expr* a : c->args) {
      if (a->Is<syntax::Call>() && a->As<syntax::Call>()->name == "typeof") continue;
      args.push_back(Scalar(a));
      arg_syntax.push_back(a);
    }
    // The deprecated replace(regex, rewrite, text) is replace_regex(text, regex, rewrite).
    if (info->name == "replace" && args.size() == 3) {
      std::rotate(args.begin(), args.begin() + 2, args.end());
      std::rotate(arg_syntax.begin(), arg_syntax.begin() + 2, arg_syntax.end());
    }
    // The argument that is a regex: first for extract and trim, second for replace_regex and
    // countof(..., "regex").
    const bool regex_first = name == "extract" || name == "extract_all" || name.starts_with("trim");
    const bool regex_second = name == "replace_regex" ||
                              (name == "countof" && args.size() == 3 && IsConstant(args[2]) && args[2].value.text == "regex");
    const size_t regex_at = regex_first ? 0 : 1;
    if ((regex_first || regex_second) && args.size() > regex_at && !ValidPattern(args[regex_at], arg_syntax[regex_at])) {
      return Expr::Constant(Value::Null(c->type));
    }
    const Type t = c->type;
    if (name == "now") {
      if (args.empty()) return Expr::Now();
      return Expr::Call(Fn::Add, Type::DateTime, {Expr::Now(), std::move(args[0])});
    }
    if (name == "ago") return Expr::Call(Fn::Sub, Type::DateTime, {Expr::Now(), std::move(args[0])});
    if (name == "rand" || name == "new_guid") {  // allowed, but the detections may vary between runs
      report_(Code::NonDeterministic, c->span,
              fmt::format("{}() is non-deterministic: detections may differ between runs", name));
      return Expr::Call(name == "rand" ? Fn::Rand : Fn::NewGuid, t, std::move(args));
    }
    if (name == "not") return Not(std::move(args[0]));
    if (name == "isempty" || name == "isnotempty") {
      const bool is_string = IsStringLike(args[0].type);
      Expr e = Expr::Call(is_string ? Fn::IsEmpty : Fn::IsNull, Type::Bool, {std::move(args[0])});
      return name == "isempty" ? e : Not(std::move(e));
    }
    if (name == "isnull" || name == "isnotnull") {  // a string is never null
      Expr e = IsStringLike(args[0].type) ? BoolConstant(false)
                                          : Expr::Call(Fn::IsNull, Type::Bool, {std::move(args[0])});
      return name == "isnull" ? e : Not(std::move(e));
    }
    if (IsConversion(name)) {
      if (args[0].type == t) return std::move(args[0]);
      return Expr::Call(Fn::Convert, t, {std::move(args[0])});
    }
    if (name == "iff") {
      return Expr::Call(Fn::Iff, t, {std::move(args[0]), Convert(std::move(args[1]), t), Convert(std::move(args[2]), t)});
    }
    if (name == "case") {
      for (size_t i = 1; i < args.size(); i += 2) args[i] = Convert(std::move(args[i]), t);
      args.back() = Convert(std::move(args.back()), t);
      return Expr::Call(Fn::Case, t, std::move(args));
    }
    if (name == "coalesce" || name == "abs") {
      for (Expr& a : args) a = Convert(std::move(a), t);
      return Expr::Call(name == "abs" ? Fn::Abs : Fn::Coalesce, t, std::move(args));
    }
    if (name == "bin" || name == "floor" || name == "bin_at") {
      if (!IsNumeric(t) && t != Type::DateTime && t != Type::TimeSpan) return Fail(c, "bin() of this type");
      args[0] = Convert(std::move(args[0]), t);
      if (t != Type::DateTime) args[1] = Convert(std::move(args[1]), t);
      if (args.size() > 2) args[2] = Convert(std::move(args[2]), t);
      return Expr::Call(name == "bin_at" ? Fn::BinAt : Fn::Bin, t, std::move(args));
    }
    if (name == "extract") {
      if (args.size() != 3) return Fail(c, "extract() with this many arguments");
      return Expr::Call(Fn::Extract, t, std::move(args));
    }
    if (name == "extract_all") {
      if (args.size() != 2) return Fail(c, "extract_all() with a list of groups");
      return Expr::Call(Fn::ExtractAll, t, std::move(args));
    }
    if (name == "countof") {
      Fn fn = Fn::CountOf;
      if (args.size() == 3) {
        if (!IsConstant(args[2]) || (args[2].value.text != "regex" && args[2].value.text != "normal")) {
          return Fail(c->args[2], "this countof() kind");
        }
        if (args[2].value.text == "regex") fn = Fn::CountOfRegex;
        args.pop_back();
      }
      return Expr::Call(fn, t, std::move(args));
    }
    if (name.starts_with("series_")) return SeriesCall(c, name, std::move(args));
    if (name == "pack_array" && std::all_of(args.begin(), args.end(), IsConstant)) {
      // Folded: a list of constants, as `in` and has_any need them.
      exec::Json array = exec::Json::Array();
      for (const Expr& a : args) {
        std::optional<exec::Json> item = ValueJson(a.value);
        if (!item) return Expr::Call(Fn::PackArray, t, std::move(args));
        array.Push(std::move(*item));
      }
      return Expr::Constant(Value::Dynamic(array.Serialize()));
    }
    if (name == "range") return RangeArray(c->span, std::move(args), kRangeFunctionLimit);
    auto direct = DirectFunctions().find(name);
    if (direct == DirectFunctions().end()) return Fail(c, fmt::format("the function {}()", c->name));
    return Expr::Call(direct->second, t, std::move(args));
  }

  // A constant or expression as a dynamic value (a series function's placeholders and fills).
  Expr ToDynamic(Expr e) {
    if (e.type == Type::Dynamic) return e;
    if (IsConstant(e)) {
      std::optional<exec::Json> json = ValueJson(e.value);
      if (json) return Expr::Constant(json->IsNull() ? Value::Null(Type::Dynamic) : Value::Dynamic(json->Serialize()));
    }
    return Expr::Call(Fn::Convert, Type::Dynamic, {std::move(e)});
  }

  // The series functions: every argument passed, KQL's documented defaults filled in (see
  // runtime/exec/expr.h for the argument lists).
  Expr SeriesCall(const syntax::Call* c, std::string_view name, std::vector<Expr> args) {
    struct Signature {
      Fn fn;
      std::vector<Value> defaults;  // the arguments after the series; their types convert the given ones
    };
    static const Value null_dynamic = Value::Null(Type::Dynamic);
    static const std::unordered_map<std::string_view, Signature> kSeries{
        {"series_stats", {Fn::SeriesStats, {}}},
        {"series_stats_dynamic", {Fn::SeriesStats, {}}},
        {"series_fit_line", {Fn::SeriesFitLine, {}}},
        {"series_fit_line_dynamic", {Fn::SeriesFitLine, {}}},
        // Threshold 1.5, seasonality -1 (detect), trend avg, no test points, ctukey, 0.6.
        {"series_decompose_anomalies",
         {Fn::SeriesDecomposeAnomalies,
          {Value::Real(1.5), Value::Integer(Type::Long, -1), Value::String("avg"), Value::Integer(Type::Long, 0),
           Value::String("ctukey"), Value::Real(0.6)}}},
        {"series_decompose",
         {Fn::SeriesDecompose,
          {Value::Integer(Type::Long, -1), Value::String("avg"), Value::Integer(Type::Long, 0), Value::Real(0.6)}}},
        {"series_outliers",
         {Fn::SeriesOutliers, {Value::String("ctukey"), Value::Null(Type::Real), Value::Real(10), Value::Real(90)}}},
        {"series_fill_forward", {Fn::SeriesFillForward, {null_dynamic}}},
        {"series_fill_backward", {Fn::SeriesFillBackward, {null_dynamic}}},
        {"series_fill_const", {Fn::SeriesFillConst, {null_dynamic, null_dynamic}}},
        {"series_fill_linear",
         {Fn::SeriesFillLinear, {null_dynamic, Value::Integer(Type::Bool, 1), Value::Dynamic("0")}}},
    };
    auto found = kSeries.find(name);
    if (found == kSeries.end()) return Fail(c, fmt::format("the function {}()", c->name));
    const Signature& sig = found->second;
    if (args.size() > sig.defaults.size() + 1) {
      return Fail(c, fmt::format("{}() with {} arguments", c->name, args.size()));
    }
    args[0] = ToDynamic(std::move(args[0]));
    for (size_t k = 0; k < sig.defaults.size(); ++k) {
      const Type t = sig.defaults[k].type;
      if (k + 1 >= args.size()) {
        args.push_back(Expr::Constant(sig.defaults[k]));
      } else {
        args[k + 1] = t == Type::Dynamic ? ToDynamic(std::move(args[k + 1])) : Convert(std::move(args[k + 1]), t);
      }
    }
    return Expr::Call(sig.fn, Type::Dynamic, std::move(args));
  }

  // externaldata: the rows of the local files its URLs are mapped to, read now into a
  // datatable of strings (CSV, TSV) or dynamic values (JSON) and converted to the declared
  // types as to<type>() converts. A URL without a file is reported, naming it.
  std::unique_ptr<Op> ExternalDataOp(const syntax::ExternalData* d) {
    auto bound = bound_.schemas.find(d);
    if (bound == bound_.schemas.end() || bound->second.empty()) return Failed(d, "an externaldata the binder did not bind");
    const std::vector<ColumnSpec>& out = bound->second;
    std::string format = "csv";
    bool skip_first = false;
    for (const OpParam& option : d->options) {
      std::string word = ParamWord(d->options, option.name.name);
      std::transform(word.begin(), word.end(), word.begin(), [](unsigned char c) { return std::tolower(c); });
      if (option.name.name == "format") {
        format = word;
      } else if (option.name.name == "ignoreFirstRecord") {  // true, or 'true' in quotes
        std::optional<Value> v = option.value ? ConstantArg(option.value) : std::nullopt;
        if (!v) return Failed(d, "this ignoreFirstRecord value");
        skip_first = v->type == Type::Bool ? v->integer != 0 : word == "true";
      } else {
        return Failed(d, fmt::format("the externaldata option '{}'", option.name.name));
      }
    }
    if (!IsExternalFormat(format)) return Failed(d, fmt::format("externaldata format '{}' (csv, tsv, txt, json, multijson are)", format));
    const Type cell = IsJsonFormat(format) ? Type::Dynamic : Type::String;
    std::vector<ColumnSpec> cells = out;
    for (ColumnSpec& c : cells) c.type = cell;
    auto table = Make(OpKind::Datatable, nullptr, cells);
    for (const syntax::Expr* uri : d->uris) {
      Expr url = Scalar(uri);
      if (!IsConstant(url) || !IsStringLike(url.type)) return Failed(uri, "an externaldata URL that is not a constant string");
      const std::string& text = url.value.text;
      const std::string* path = nullptr;
      if (options_.external_files) {
        auto found = options_.external_files->find(text);
        if (found != options_.external_files->end()) path = &found->second;
      }
      if (!path) {
        return Failed(uri, fmt::format("externaldata from '{}' (map the URL to a local copy with --externaldata {}=PATH)", text, text));
      }
      std::string error;
      if (!ReadExternalData(*path, format, skip_first, cells, table->rows, error)) {
        ok_ = false;
        report_(Code::InputUnreadable, uri->span, fmt::format("externaldata from '{}': {}", text, error));
        return nullptr;
      }
    }
    std::vector<Expr> exprs;
    for (size_t i = 0; i < out.size(); ++i) exprs.push_back(Expr::Column(static_cast<int>(i), cell));
    return ProjectOp(std::move(table), std::move(exprs), out);
  }

  // range(start, stop[, step]) as Fn::Range over operands of one type: datetime (stepping by a
  // timespan) or timespan as they are, else real if any operand is real, else long. The default
  // step is 1, or 1h for datetimes and timespans (range-function docs).
  Expr RangeArray(Span at, std::vector<Expr> args, int64_t limit) {
    if (args.size() < 2 || args.size() > 3) {
      Unsupported(at, "range() with these arguments");
      return Expr::Constant(Value::Null(Type::Dynamic));
    }
    const Type first = args[0].type;
    const bool time = first == Type::DateTime || first == Type::TimeSpan;
    Type t = time ? first : Type::Long;
    for (const Expr& a : args) {
      if (!time && !IsNumeric(a.type)) t = Type::Null;
      if (t != Type::Null && !time && (a.type == Type::Real || a.type == Type::Decimal)) t = Type::Real;
    }
    const Type step = t == Type::DateTime ? Type::TimeSpan : t;
    if (args.size() == 2) {
      args.push_back(time ? Expr::Constant(Value::Integer(Type::TimeSpan, 3600 * kTicksPerSecond))
                          : Expr::Constant(Value::Integer(Type::Long, 1)));
    }
    if (t == Type::Null || (time && (args[1].type != t || args[2].type != step))) {
      Unsupported(at, "range() over values of these types");
      return Expr::Constant(Value::Null(Type::Dynamic));
    }
    args[0] = Convert(std::move(args[0]), t);
    args[1] = Convert(std::move(args[1]), t);
    args[2] = Convert(std::move(args[2]), step);
    args.push_back(Expr::Constant(Value::Integer(Type::Long, limit)));
    return Expr::Call(Fn::Range, Type::Dynamic, std::move(args));
  }

  // `range C from a to b step s`: one row holding range(a, b, s), expanded to a row per value
  // (the operator has no cap of its own beyond mv-expand's row limit).
  std::unique_ptr<Op> RangeOp(const syntax::Range* r) {
    auto bound = bound_.schemas.find(r);
    if (bound == bound_.schemas.end() || bound->second.size() != 1) return Failed(r, "a range the binder did not bind");
    const std::vector<ColumnSpec>& out = bound->second;
    auto row = Make(OpKind::Datatable, nullptr, {{"range", Type::Bool}});
    row->rows.push_back({Value::Integer(Type::Bool, 1)});
    Expr step = Scalar(r->step);
    if (IsConstant(step) && !step.value.is_null && step.value.integer == 0 && step.value.real == 0) {
      return Failed(r->step, "a range with a zero step");
    }
    Expr array = RangeArray(r->span, {Scalar(r->from), Scalar(r->to), std::move(step)}, kRangeOperatorLimit);
    auto values = ProjectOp(std::move(row), {std::move(array)}, {{out[0].name, Type::Dynamic}});
    auto expand = Make(OpKind::MvExpand, std::move(values), out);
    expand->expand.push_back({0, out[0].type, false});
    expand->count = kRangeOperatorLimit;
    return expand;
  }

  // A scalar `let` function inlined: its parameters stand for the call's arguments, which are
  // evaluated over the caller's row (a scalar body sees no other row).
  Expr ScalarFunction(const Lambda* lambda, const syntax::Call* c) {
    const Query* body = lambda->body;
    if (!body->result || !body->result->IsExpr()) return Fail(c, fmt::format("calling {}() here", c->name));
    Scope params;
    if (!BindArguments(lambda, c->name, c->args, c, params)) return Expr::Constant(Value::Null(c->type));
    if (scopes_.size() >= kMaxDepth) return Fail(c, "calls nested this deep");
    scopes_.push_back(std::move(params));
    for (const Node* statement : body->statements) {
      if (statement->Is<syntax::Let>()) scopes_.back()[statement->As<syntax::Let>()->name.name] = statement->As<syntax::Let>()->value;
    }
    Expr out = Scalar(syntax::AsExpr(body->result));
    scopes_.pop_back();
    return Convert(std::move(out), c->type);
  }

  // The parameters of a call of `lambda`, bound to its arguments (or their defaults). The
  // binder annotates a body once per call, the last call winning, so a function with
  // parameters is lowered for one call only.
  // `invoke` passes its input rows as the first argument: `piped` (the Invoke node, which
  // piped_ maps to those rows) then stands for it.
  bool BindArguments(const Lambda* lambda, const std::string& name, const std::vector<syntax::Expr*>& args,
                     const Node* at, Scope& params, const Node* piped = nullptr) {
    // Calls whose arguments have the same types (and tables the same columns) bind the body
    // alike; a call with others would need the body bound again.
    std::string signature;
    const auto describe = [&](const std::vector<ColumnSpec>& schema) {
      signature += "(";
      for (const ColumnSpec& c : schema) signature += fmt::format("{}:{},", c.name, TypeName(c.type));
      signature += ")";
    };
    if (piped) describe(invoked_.at(piped)->schema);
    for (const syntax::Expr* a : args) {
      auto schema = bound_.schemas.find(a);
      if (schema != bound_.schemas.end()) {
        describe(schema->second);
      } else {
        signature += fmt::format("{},", TypeName(a->type));
      }
    }
    auto [seen, fresh] = called_.try_emplace(lambda, signature);
    if (!fresh && seen->second != signature) {
      Unsupported(at->span, fmt::format("calling the function {}() with arguments of other types", name));
      return false;
    }
    const size_t offset = piped ? 1 : 0;
    if (piped && !lambda->params.empty()) params[lambda->params[0].name.name] = piped;
    for (size_t i = offset; i < lambda->params.size(); ++i) {
      const Param& p = lambda->params[i];
      const Node* value = i - offset < args.size() ? args[i - offset] : p.default_value;
      if (!value) {
        Unsupported(at->span, fmt::format("calling {}() without '{}'", name, p.name.name));
        return false;
      }
      params[p.name.name] = value;
    }
    return true;
  }

  // --- tabular --------------------------------------------------------------------------------

  std::unique_ptr<Op> Make(OpKind kind, std::unique_ptr<Op> input, std::vector<ColumnSpec> schema) {
    auto op = std::make_unique<Op>();
    op->kind = kind;
    op->input = std::move(input);
    op->schema = std::move(schema);
    return op;
  }

  std::unique_ptr<Op> ProjectOp(std::unique_ptr<Op> input, std::vector<Expr> exprs,
                                std::vector<ColumnSpec> schema) {
    for (size_t i = 0; i < exprs.size(); ++i) exprs[i] = Convert(std::move(exprs[i]), schema[i].type);
    auto op = Make(OpKind::Project, std::move(input), std::move(schema));
    op->exprs = std::move(exprs);
    return op;
  }

  // `op` with the schema the binder gave it: the same names, and types converted where the
  // runtime computes another (an aggregate's widening, say).
  std::unique_ptr<Op> Conform(std::unique_ptr<Op> op, const std::vector<ColumnSpec>& want) {
    bool same = true;
    for (size_t i = 0; i < want.size(); ++i) same &= op->schema[i].type == want[i].type;
    if (same) {
      op->schema = want;
      return op;
    }
    std::vector<Expr> exprs;
    for (size_t i = 0; i < want.size(); ++i) exprs.push_back(Expr::Column(static_cast<int>(i), op->schema[i].type));
    return ProjectOp(std::move(op), std::move(exprs), want);
  }

  // The columns of `from` by name into `want` (union): a missing column is null; a column whose
  // name union split by type (`Name_type`) is found under its own name. Under `inner_of` (a
  // union kind=inner) every column must be found: one missing was split by type.
  std::unique_ptr<Op> ByName(std::unique_ptr<Op> from, const std::vector<ColumnSpec>& want,
                             const std::string& source_column, const std::string& source,
                             const syntax::Union* inner_of = nullptr) {
    std::vector<Expr> exprs;
    for (const ColumnSpec& c : want) {
      if (!source_column.empty() && c.name == source_column) {
        exprs.push_back(Expr::Constant(Value::String(source)));
        continue;
      }
      int found = -1;
      for (size_t i = 0; i < from->schema.size() && found < 0; ++i) {
        const ColumnSpec& have = from->schema[i];
        // c.name is the column's name, or name_type (a union's column of several types); tested
        // without building the text, as this runs for every pair of columns.
        const std::string_view rest = std::string_view(c.name).substr(std::min(have.name.size(), c.name.size()));
        if (have.type == c.type && c.name.starts_with(have.name) &&
            (rest.empty() || (rest[0] == '_' && rest.substr(1) == TypeName(have.type)))) {
          found = static_cast<int>(i);
        }
      }
      if (found < 0 && inner_of) return Failed(inner_of, "union kind=inner over a column of several types");
      exprs.push_back(found >= 0 ? Expr::Column(found, c.type) : Expr::Constant(Value::Null(c.type)));
    }
    return ProjectOp(std::move(from), std::move(exprs), want);
  }

  std::unique_ptr<Op> Tabular(const Node* node) {
    // Every source the binder saw has its schema; one it never bound is refused rather than
    // guessed.
    const bool reads_schema = node->Is<TableRef>() || node->Is<syntax::Datatable>() ||
                              node->Is<Print>() || node->Is<syntax::Union>();
    if (reads_schema && !bound_.schemas.contains(node)) {
      return Failed(node, "a table the binder did not bind");
    }
    if (++tabular_depth_ > kMaxDepth) return Failed(node, "tables nested this deep");
    std::unique_ptr<Op> out = TabularNode(node);
    --tabular_depth_;
    return out;
  }

  std::unique_ptr<Op> TabularNode(const Node* node) {
    switch (node->kind) {
      case Kind::TableRef: {
        const auto* ref = node->As<TableRef>();
        if (const Node* value = LookupLet(ref->name)) return LetTable(value, ref->name, node);  // a let hides a table
        if (ref->IsPattern()) return Failed(node, "a table name pattern");
        auto scan = Make(OpKind::Scan, nullptr, bound_.schemas.at(node));
        scan->table = ref->name;
        for (const ColumnSpec& c : scan->schema) scan->source_columns.push_back(c.name);
        return scan;
      }
      case Kind::Pipeline: {
        const auto* p = node->As<Pipeline>();
        return LowerPrefix(p, p->ops.size());
      }
      case Kind::Subquery: return Tabular(node->As<Subquery>()->query);
      case Kind::Name: {
        const std::string& name = node->As<Name>()->name;
        const Node* value = LookupLet(name);
        if (!value) return Failed(node, fmt::format("the table '{}'", name));
        return LetTable(value, name, node);
      }
      case Kind::Call: {
        const auto* c = node->As<syntax::Call>();
        if (c->name == "materialize" || c->name == "view") return Tabular(c->args[0]);
        const Node* f = LookupLet(c->name);
        if (!f || !f->Is<Lambda>()) return Failed(node, fmt::format("the tabular function {}()", c->name));
        return CallFunction(f->As<Lambda>(), c->name, c->args, node);
      }
      case Kind::Datatable: return DatatableOp(node->As<syntax::Datatable>());
      case Kind::Print: return PrintOp(node->As<Print>());
      case Kind::Range: return RangeOp(node->As<syntax::Range>());
      case Kind::ExternalData: return ExternalDataOp(node->As<syntax::ExternalData>());
      case Kind::Union: return UnionOp(node->As<syntax::Union>(), nullptr);
      case Kind::Find: return FindOp(node->As<syntax::Find>());
      case Kind::PipeInput: {  // the rows of the mv-apply being lowered
        auto piped = piped_.find(node);
        if (piped == piped_.end() || !piped->second) return Failed(node, "this subquery's input rows");
        return std::move(piped->second);
      }
      default: return Failed(node, fmt::format("the '{}' source", KqlName(node->kind)));
    }
  }

  // A tabular `let` name (or a view, a function called by name) at its use.
  std::unique_ptr<Op> LetTable(const Node* value, const std::string& name, const Node* at) {
    if (value->Is<Lambda>()) return CallFunction(value->As<Lambda>(), name, {}, at);
    if (value->Is<Invoke>()) {  // the rows invoke passes: one subplan for all the uses
      auto piped = invoked_.find(value);
      if (piped == invoked_.end()) return Failed(at, fmt::format("the rows of '{}' here", name));
      return Use(piped->second);
    }
    // A table `let` of the query's own statements reads the same rows at every use; one in a
    // function body may read the function's parameters, so it is lowered at each call.
    if (options_.share_tables && !scopes_.empty() && scopes_[0].contains(name) && scopes_[0].at(name) == value) {
      return SharedTable(value);
    }
    return Tabular(value);
  }

  // A table `let` of the query: lowered once, at its first use, into a subplan that every use
  // reads (a Shared node each; Run inlines a subplan used once). A table whose rows differ
  // from one evaluation to the next (rand(), new_guid()) is lowered again at each use unless
  // it is materialize()d: materialize evaluates a tabular expression once for all its uses,
  // which is what a non-deterministic one needs (doc: materialize-function).
  std::unique_ptr<Op> SharedTable(const Node* value) {
    auto found = shared_.find(value);
    if (found == shared_.end()) {
      // In the scope of the query's statements, where the let is written.
      auto use_scopes = std::exchange(scopes_, {scopes_[0]});
      std::unique_ptr<Op> op = Tabular(value);
      scopes_ = std::move(use_scopes);
      if (!op) return nullptr;
      const bool materialized = value->Is<syntax::Call>() && value->As<syntax::Call>()->name == "materialize";
      if (!materialized && DrawsRandom(*op)) return op;
      // A let naming another shared table shares that table's subplan.
      found = shared_.emplace(value, op->kind == OpKind::Shared ? op->shared : std::shared_ptr<Op>(std::move(op))).first;
    }
    return Use(found->second);
  }

  // A use of a shared subplan.
  std::unique_ptr<Op> Use(const std::shared_ptr<Op>& subplan) {
    auto use = Make(OpKind::Shared, nullptr, subplan->schema);
    use->shared = subplan;
    return use;
  }

  // Inlines a `let` function's body with its parameters bound to the call's arguments.
  std::unique_ptr<Op> CallFunction(const Lambda* lambda, const std::string& name,
                                   const std::vector<syntax::Expr*>& args, const Node* at,
                                   const Node* piped = nullptr) {
    Scope params;
    if (!BindArguments(lambda, name, args, at, params, piped)) return nullptr;
    return LowerQuery(lambda->body, std::move(params));
  }

  // `T | invoke f(args)`: f's body with T as its first parameter.
  std::unique_ptr<Op> InvokeOp(const Invoke* invoke, std::unique_ptr<Op> in, const std::vector<ColumnSpec>& out) {
    if (!invoke->function->Is<syntax::Call>()) return Failed(invoke, "invoke of something other than a call");
    const auto* c = invoke->function->As<syntax::Call>();
    const Node* f = LookupLet(c->name);
    if (!f || !f->Is<Lambda>() || f->As<Lambda>()->params.empty()) {
      return Failed(invoke, fmt::format("invoke of {}()", c->name));
    }
    invoked_[invoke] = std::shared_ptr<Op>(std::move(in));
    std::unique_ptr<Op> result = CallFunction(f->As<Lambda>(), c->name, c->args, invoke, invoke);
    invoked_.erase(invoke);
    if (!result) return nullptr;
    if (result->schema.size() != out.size()) return Failed(invoke, "this invoke's columns");
    return Conform(std::move(result), out);
  }

  std::unique_ptr<Op> DatatableOp(const syntax::Datatable* d) {
    const std::vector<ColumnSpec>& schema = bound_.schemas.at(d);
    auto op = Make(OpKind::Datatable, nullptr, schema);
    if (schema.empty()) return Failed(d, "a datatable without columns");
    for (size_t i = 0; i < d->values.size(); ++i) {
      if (i % schema.size() == 0) op->rows.emplace_back();
      std::optional<Value> v = ConstantArg(d->values[i]);
      if (!v) return nullptr;
      const Type t = schema[i % schema.size()].type;
      if (v->type != t && !v->is_null && !(IsNumeric(v->type) && IsNumeric(t))) {
        return Failed(d->values[i], "a datatable value of another type");
      }
      op->rows.back().push_back(v->is_null ? Value::Null(t) : ConvertConstant(*v, t));
    }
    if (!op->rows.empty() && op->rows.back().size() != schema.size()) return Failed(d, "a partial datatable row");
    return op;
  }

  std::unique_ptr<Op> PrintOp(const Print* p) {
    // One row of no input columns: a one-row datatable the projection ignores.
    auto row = Make(OpKind::Datatable, nullptr, {{"print", Type::Bool}});
    row->rows.push_back({Value::Integer(Type::Bool, 1)});
    std::vector<Expr> exprs;
    for (const NamedExpr& item : p->items) exprs.push_back(Scalar(item.expr));
    return ProjectOp(std::move(row), std::move(exprs), bound_.schemas.at(p));
  }

  // `find in (T, ...) where P project C, ...` (doc: find-operator): the union of each table's
  // rows for which P is true, each with the source column (`source_`, or withsource's name)
  // holding its table's name, then the listed columns. P and the list read the tables' columns
  // unified as union's: a column a table lacks is null there, so a term over it is not true.
  // Without a project list (project-smart) the result has a pack_ column of each row's other
  // columns, which is not built yet.
  std::unique_ptr<Op> FindOp(const syntax::Find* f) {
    if (f->tables.empty()) return Failed(f, "find without 'in (...)' (over every table)");
    if (f->project.empty() || f->project_smart) return Failed(f, "find without a 'project' list (project-smart, its pack_ column)");
    auto all = bound_.schemas.find(f->predicate);
    if (all == bound_.schemas.end()) return Failed(f, "a find the binder did not bind");
    const std::vector<ColumnSpec>& out = bound_.schemas.at(f);
    std::vector<std::unique_ptr<Op>> inputs;
    for (const Node* t : f->tables) {
      if (!t->Is<TableRef>() || t->As<TableRef>()->IsPattern()) return Failed(t, "find in a subquery or a table name pattern");
      std::unique_ptr<Op> rows = Tabular(t);
      if (!rows) return nullptr;
      rows = ByName(std::move(rows), all->second, "", "");
      auto filter = Make(OpKind::Filter, std::move(rows), all->second);
      filter->predicate = Scalar(f->predicate);
      std::vector<Expr> columns{Expr::Constant(Value::String(t->As<TableRef>()->name))};
      for (const syntax::Expr* e : f->project) {
        if (!e->Is<Name>()) return Failed(e, "find's pack_all()");
        columns.push_back(Scalar(e));
      }
      if (columns.size() != out.size()) return Failed(f, "this find's columns");
      inputs.push_back(ProjectOp(std::move(filter), std::move(columns), out));
    }
    auto op = Make(OpKind::Union, std::move(inputs[0]), out);
    for (size_t i = 1; i < inputs.size(); ++i) op->others.push_back(std::move(inputs[i]));
    return op;
  }

  std::unique_ptr<Op> UnionOp(const syntax::Union* u, std::unique_ptr<Op> piped) {
    if (ParamWord(u->params, "isfuzzy") == "true") return Failed(u, "a fuzzy union");
    const std::string kind = ParamWord(u->params, "kind");
    if (!kind.empty() && kind != "outer" && kind != "inner") return Failed(u, fmt::format("union kind={}", kind));
    const syntax::Union* inner_of = kind == "inner" ? u : nullptr;
    const std::string source = ParamWord(u->params, "withsource");
    const std::vector<ColumnSpec>& schema = bound_.schemas.at(u);
    std::vector<std::unique_ptr<Op>> inputs;
    if (piped) {
      if (!source.empty()) return Failed(u, "withsource over piped rows");
      inputs.push_back(ByName(std::move(piped), schema, "", "", inner_of));
      if (!inputs.back()) return nullptr;
    }
    for (const Node* t : u->tables) {
      if (!source.empty() && !t->Is<TableRef>()) return Failed(t, "withsource for a subquery");
      std::unique_ptr<Op> in = Tabular(t);
      if (!in) return nullptr;
      inputs.push_back(ByName(std::move(in), schema, source, t->Is<TableRef>() ? t->As<TableRef>()->name : "", inner_of));
      if (!inputs.back()) return nullptr;
    }
    auto op = Make(OpKind::Union, std::move(inputs[0]), schema);
    for (size_t i = 1; i < inputs.size(); ++i) op->others.push_back(std::move(inputs[i]));
    return op;
  }

  std::unique_ptr<Op> LowerOperator(const syntax::Operator* op, std::unique_ptr<Op> in) {
    auto bound = bound_.schemas.find(op);
    if (bound == bound_.schemas.end()) return Failed(op, "an operator the binder did not bind");
    const std::vector<ColumnSpec>& out = bound->second;
    switch (op->kind) {
      case Kind::Where: return WhereOp(op->As<Where>(), std::move(in), out);
      case Kind::Project: {
        const auto& items = op->As<syntax::Project>()->items;
        std::vector<int> hidden;
        in = HideMultiColumnCalls(items, std::move(in), hidden);
        WindowScope windows(*this, in->schema.size());
        std::vector<Expr> exprs;
        for (size_t k = 0; k < items.size(); ++k) {
          if (hidden[k] < 0) {
            exprs.push_back(Scalar(items[k].expr));
            continue;
          }
          for (auto& column : MultiColumns(items[k], hidden[k])) exprs.push_back(std::move(column.second));
        }
        if (exprs.size() != out.size()) return Failed(op, "a projection computing several columns per item");
        std::unique_ptr<Op> below = windows.Below(std::move(in));
        if (!below) return nullptr;
        return ProjectOp(std::move(below), std::move(exprs), out);
      }
      case Kind::Extend: return ExtendOp(op, op->As<Extend>()->items, std::move(in), out);
      case Kind::Serialize: return ExtendOp(op, op->As<Serialize>()->items, std::move(in), out);
      case Kind::ProjectAway: case Kind::ProjectKeep: case Kind::ProjectReorder: {
        std::vector<Expr> exprs;
        for (const ColumnSpec& c : out) {
          const int column = FindColumn(in->schema, c.name);
          if (column < 0) return Failed(op, fmt::format("this '{}' (no column '{}')", KqlName(op->kind), c.name));
          exprs.push_back(Expr::Column(column, c.type));
        }
        return ProjectOp(std::move(in), std::move(exprs), out);
      }
      case Kind::ProjectRename: {
        std::vector<Expr> exprs;
        for (size_t i = 0; i < out.size(); ++i) exprs.push_back(Expr::Column(static_cast<int>(i), out[i].type));
        return ProjectOp(std::move(in), std::move(exprs), out);
      }
      case Kind::Summarize: return SummarizeOp(op->As<Summarize>(), std::move(in), out);
      case Kind::Join: case Kind::Lookup: return JoinOp(static_cast<const JoinLike*>(op), std::move(in), out);
      case Kind::Union: return UnionOp(op->As<syntax::Union>(), std::move(in));
      case Kind::Sort: {
        auto s = Make(OpKind::Sort, std::move(in), out);
        if (!SortKeys(op->As<syntax::Sort>()->keys, s->sort_keys)) return nullptr;
        return s;
      }
      case Kind::Top: {
        const auto* top = op->As<syntax::Top>();
        auto t = Make(OpKind::Top, std::move(in), out);
        if (!Count(top->count, t->count) || !SortKeys(top->keys, t->sort_keys)) return nullptr;
        return t;
      }
      case Kind::Take: {
        auto t = Make(OpKind::Limit, std::move(in), out);
        if (!Count(op->As<Take>()->count, t->count)) return nullptr;
        return t;
      }
      case Kind::Distinct: {
        const auto& columns = op->As<syntax::Distinct>()->columns;
        std::unique_ptr<Op> input = std::move(in);
        if (!(columns.size() == 1 && columns[0]->Is<Star>())) {
          std::vector<Expr> exprs;
          for (const syntax::Expr* c : columns) exprs.push_back(Scalar(c));
          input = ProjectOp(std::move(input), std::move(exprs), out);
        }
        auto d = Make(OpKind::Distinct, std::move(input), out);
        for (size_t i = 0; i < out.size(); ++i) d->columns.push_back(static_cast<int>(i));
        return d;
      }
      case Kind::Count: return Make(OpKind::Count, std::move(in), out);
      case Kind::MvExpand: return MvExpandOp(op->As<syntax::MvExpand>(), std::move(in), out);
      case Kind::MvApply: return MvApplyOp(op->As<syntax::MvApply>(), std::move(in), out);
      case Kind::MakeSeries: return MakeSeriesOp(op->As<syntax::MakeSeries>(), std::move(in), out);
      case Kind::Invoke: return InvokeOp(op->As<Invoke>(), std::move(in), out);
      case Kind::Render: return in;  // presentation only
      case Kind::Parse: case Kind::ParseWhere: return ParseOperator(static_cast<const ParseLike*>(op), std::move(in), out);
      case Kind::TopNested: return TopNestedOp(op->As<syntax::TopNested>(), std::move(in), out);
      default: return Failed(op, fmt::format("the '{}' operator", KqlName(op->kind)));
    }
  }

  // Whether an `in` list item denotes a table: a subquery, or a tabular `let` name.
  bool IsTabularItem(const syntax::Expr* item) const {
    if (item->Is<Subquery>()) return true;
    if (!item->Is<Name>() || item->As<Name>()->column >= 0) return false;
    const Node* value = LookupLet(item->As<Name>()->name);
    if (!value) return false;
    if (!value->IsExpr() || value->Is<Subquery>()) return true;
    if (value->Is<syntax::Call>()) {
      const std::string& f = value->As<syntax::Call>()->name;
      return f == "materialize" || f == "view";
    }
    return false;
  }

  // where: the terms of its `and` that test membership in a table (`x in (T)`, `x !in (T)`) become
  // semi/anti joins on T's first column, after a filter by the other terms.
  std::unique_ptr<Op> WhereOp(const Where* w, std::unique_ptr<Op> in, const std::vector<ColumnSpec>& out) {
    std::vector<const syntax::Expr*> terms;
    if (w->predicate->Is<Logical>() && w->predicate->As<Logical>()->op == LogicalOp::And) {
      for (const syntax::Expr* t : w->predicate->As<Logical>()->terms) terms.push_back(t);
    } else {
      terms.push_back(w->predicate);
    }
    std::vector<const InList*> memberships;
    std::vector<Expr> filters;
    WindowScope windows(*this, in->schema.size());
    for (const syntax::Expr* t : terms) {
      const InList* list = t->Is<InList>() ? t->As<InList>() : nullptr;
      if (list && list->op != InOp::HasAny && list->op != InOp::HasAll && list->items.size() == 1 &&
          IsTabularItem(list->items[0])) {
        memberships.push_back(list);
      } else {
        filters.push_back(Scalar(t));
      }
    }
    const bool windowed = !windows.empty();
    std::unique_ptr<Op> current = windows.Below(std::move(in));
    if (!current) return nullptr;
    if (!filters.empty()) {
      std::vector<ColumnSpec> schema = current->schema;
      current = Make(OpKind::Filter, std::move(current), std::move(schema));
      current->predicate = filters.size() == 1 ? std::move(filters[0])
                                               : Expr::Call(Fn::And, Type::Bool, std::move(filters));
    }
    if (windowed) {  // the window columns were only for the filter
      std::vector<Expr> back;
      for (size_t i = 0; i < out.size(); ++i) back.push_back(Expr::Column(static_cast<int>(i), out[i].type));
      current = ProjectOp(std::move(current), std::move(back), out);
    }
    for (const InList* list : memberships) {
      if (!current) return nullptr;
      current = Membership(list, std::move(current), out);
    }
    return current;
  }

  // The right side of `x in (T)` reduced to its key column (T's first), and `value` (x) made
  // comparable with it: both folded to lower case for in~; a dynamic key column (a make_list or
  // make_set result, say) flattened, since `in` compares with the elements of arrays on its
  // right (in-operator docs: "dynamic arrays are flattened"). Null if it cannot be lowered.
  std::unique_ptr<Op> MembershipKeys(const InList* list, Expr& value) {
    std::unique_ptr<Op> right = Tabular(list->items[0]);
    if (!right) return nullptr;
    if (right->schema.empty()) return Failed(list->items[0], "'in' over a table without columns");
    const bool ci = list->op == InOp::InCi || list->op == InOp::NotInCi;
    ColumnSpec key = right->schema[0];
    if (key.type == Type::Dynamic && value.type != Type::Dynamic) {
      auto expand = Make(OpKind::MvExpand, nullptr, {});
      key.type = ci ? Type::String : value.type;
      expand->expand.push_back({0, key.type, false});
      expand->count = 2147483647;
      expand->schema = right->schema;
      expand->schema[0] = key;
      expand->input = std::move(right);
      right = std::move(expand);
    }
    Expr right_value = Expr::Column(0, key.type);
    if (ci) {  // in~: both sides folded to lower case
      if (!IsStringLike(key.type)) return Failed(list, "'in~' over a column that is not a string");
      key.type = Type::String;
      value = Expr::Call(Fn::ToLower, Type::String, {AsString(std::move(value))});
      right_value = Expr::Call(Fn::ToLower, Type::String, {AsString(std::move(right_value))});
    } else if (value.type != key.type) {
      if (!CommonType(value.type, key.type) && value.type != Type::Dynamic) {
        return Failed(list, "'in' over a column of another type");
      }
      value = Convert(std::move(value), key.type);
    }
    return ProjectOp(std::move(right), {std::move(right_value)}, {key});
  }

  std::unique_ptr<Op> Membership(const InList* list, std::unique_ptr<Op> in, const std::vector<ColumnSpec>& out) {
    Expr value = Scalar(list->lhs);
    std::unique_ptr<Op> right_key = MembershipKeys(list, value);
    if (!right_key) return nullptr;
    const ColumnSpec key = right_key->schema[0];
    // The left side with the value as its last column, the right side reduced to its key.
    std::vector<Expr> left_exprs;
    std::vector<ColumnSpec> left_schema = in->schema;
    for (size_t i = 0; i < in->schema.size(); ++i) left_exprs.push_back(Expr::Column(static_cast<int>(i), in->schema[i].type));
    left_exprs.push_back(std::move(value));
    left_schema.push_back({"in_value", key.type});
    auto left = ProjectOp(std::move(in), std::move(left_exprs), left_schema);
    auto join = Make(OpKind::Join, std::move(left), left_schema);
    const bool negated = list->op == InOp::NotIn || list->op == InOp::NotInCi;
    join->join_kind = negated ? exec::JoinKind::LeftAnti : exec::JoinKind::LeftSemi;
    join->left_keys = {static_cast<int>(left_schema.size() - 1)};
    join->right_keys = {0};
    for (size_t i = 0; i < left_schema.size(); ++i) join->left_out.push_back(static_cast<int>(i));
    join->others.push_back(std::move(right_key));
    std::vector<Expr> back;
    for (size_t i = 0; i < out.size(); ++i) back.push_back(Expr::Column(static_cast<int>(i), out[i].type));
    return ProjectOp(std::move(join), std::move(back), out);
  }

  // `x in (T)` inside a larger expression (under `or`, say), in a WindowScope: T's distinct
  // keys are left-outer joined on x as one more column, a marker that is null where x is not
  // among them.
  Expr NestedMembership(const InList* list) {
    WindowScope* scope = std::exchange(extras_, nullptr);  // the table has rows of its own
    if (!scope) {
      extras_ = scope;
      return Fail(list, "'in' over a table here (only in where, project, extend)");
    }
    Expr value = Scalar(list->lhs);
    std::unique_ptr<Op> keys = MembershipKeys(list, value);
    extras_ = scope;
    if (!keys) return Expr::Constant(Value::Null(Type::Bool));
    const ColumnSpec key = keys->schema[0];
    auto distinct = Make(OpKind::Distinct, std::move(keys), {key});
    distinct->columns = {0};
    auto marked = ProjectOp(std::move(distinct), {Expr::Column(0, key.type), BoolConstant(true)},
                            {key, {"in_marker", Type::Bool}});
    const int column = scope->AddScalar({std::move(marked), std::move(value)});
    Expr found = Expr::Call(Fn::IsNull, Type::Bool, {Expr::Column(column, Type::Bool)});
    const bool negated = list->op == InOp::NotIn || list->op == InOp::NotInCi;
    return negated ? found : Not(std::move(found));
  }

  // has_any/has_all over a table (has-any-operator docs: its first column's values), inside a
  // WindowScope: the distinct values as one dynamic array joined on as a column.
  Expr TableValues(const syntax::Expr* item) {
    WindowScope* scope = std::exchange(extras_, nullptr);  // the table has rows of its own
    if (!scope) {
      extras_ = scope;
      return Fail(item, "has_any over a table here (only in where, project, extend)");
    }
    std::unique_ptr<Op> table = Tabular(item);
    extras_ = scope;
    if (!table) return Expr::Constant(Value::Null(Type::Dynamic));
    if (table->schema.empty()) return Fail(item, "has_any over a table without columns");
    exec::AggregateSpec spec;
    spec.kind = exec::AggKind::MakeSet;
    spec.args.push_back(Expr::Column(0, table->schema[0].type));
    spec.names.push_back("values");
    auto values = Make(OpKind::Aggregate, std::move(table), {{"values", Type::Dynamic}});
    values->aggregates.push_back(std::move(spec));
    return Expr::Column(scope->AddScalar({std::move(values), std::nullopt}), Type::Dynamic);
  }

  // `in` with one more column: the marker column of `marked` (its key, then a true column)
  // where `value` equals its key, else null.
  std::unique_ptr<Op> JoinMembership(std::unique_ptr<Op> in, Expr value, std::unique_ptr<Op> marked) {
    const size_t width = in->schema.size();
    std::vector<Expr> left_exprs;
    std::vector<ColumnSpec> left_schema = in->schema;
    for (size_t i = 0; i < width; ++i) left_exprs.push_back(Expr::Column(static_cast<int>(i), in->schema[i].type));
    left_schema.push_back({"in_value", value.type});
    left_exprs.push_back(std::move(value));
    auto left = ProjectOp(std::move(in), std::move(left_exprs), left_schema);
    std::vector<ColumnSpec> schema(left_schema.begin(), left_schema.end() - 1);
    schema.push_back({fmt::format("in_{}", width), Type::Bool});
    auto join = Make(OpKind::Join, std::move(left), std::move(schema));
    join->join_kind = exec::JoinKind::LeftOuter;
    join->left_keys = {static_cast<int>(width)};
    join->right_keys = {0};
    for (size_t i = 0; i < width; ++i) join->left_out.push_back(static_cast<int>(i));
    join->right_out = {1};
    join->others.push_back(std::move(marked));
    return join;
  }

  bool Count(const syntax::Expr* e, uint64_t& out) {
    std::optional<Value> v = ConstantArg(e);
    if (!v) return false;
    if (v->is_null || (v->type != Type::Long && v->type != Type::Int) || v->integer < 0) {
      Unsupported(e->span, "a row count that is not a non-negative integer");
      return false;
    }
    out = static_cast<uint64_t>(v->integer);
    return true;
  }

  bool SortKeys(const std::vector<syntax::SortKey>& keys, std::vector<exec::SortKey>& out) {
    for (const syntax::SortKey& k : keys) {
      if (!k.expr->Is<Name>() || k.expr->As<Name>()->column < 0) {
        Unsupported(k.expr->span, "sorting by a computed expression");
        return false;
      }
      const int c = k.expr->As<Name>()->column;
      exec::SortKey key = k.order == SortOrder::Asc ? exec::SortKey::Asc(c) : exec::SortKey::Desc(c);
      if (k.nulls != NullsOrder::Default) key.nulls_first = k.nulls == NullsOrder::First;
      out.push_back(key);
    }
    return true;
  }

  // Items computing several columns (`series_stats(x)`, `(a, b) = series_fit_line(x)`): each
  // such call is evaluated once per row into a hidden column appended to the input, and its
  // columns are members of that value. hidden[i] is item i's hidden column, or -1.
  std::unique_ptr<Op> HideMultiColumnCalls(const std::vector<NamedExpr>& items, std::unique_ptr<Op> in,
                                           std::vector<int>& hidden) {
    std::vector<ColumnSpec> schema = in->schema;
    std::vector<Expr> exprs;
    for (size_t i = 0; i < schema.size(); ++i) exprs.push_back(Expr::Column(static_cast<int>(i), schema[i].type));
    for (const NamedExpr& item : items) {
      if (!item.expr->Is<syntax::Call>() || ResultColumns(item.expr->As<syntax::Call>()->name).empty()) {
        hidden.push_back(-1);
        continue;
      }
      hidden.push_back(static_cast<int>(schema.size()));
      schema.push_back({fmt::format("multi_{}", schema.size()), Type::Dynamic});
      exprs.push_back(Scalar(item.expr));
    }
    if (schema.size() == in->schema.size()) return in;
    return ProjectOp(std::move(in), std::move(exprs), std::move(schema));
  }

  // The columns of a multi-column item (its names, else `<function>_<arg>_<key>`, as the
  // binder names them) over its hidden column.
  std::vector<std::pair<ColumnSpec, Expr>> MultiColumns(const NamedExpr& item, int hidden) {
    const auto* call = item.expr->As<syntax::Call>();
    const std::string arg = call->args.empty() ? "" : ExpressionName(call->args[0]);
    std::vector<std::pair<ColumnSpec, Expr>> out;
    const auto columns = ResultColumns(call->name);
    for (size_t i = 0; i < columns.size(); ++i) {
      std::string name = i < item.names.size() ? item.names[i].name : fmt::format("{}_{}_{}", call->name, arg, columns[i].key);
      Expr member = Expr::Call(Fn::Member, Type::Dynamic,
                               {Expr::Column(hidden, Type::Dynamic), Expr::Constant(Value::String(std::string(columns[i].key)))});
      out.push_back({{std::move(name), columns[i].type}, Convert(std::move(member), columns[i].type)});
    }
    return out;
  }

  // extend (and serialize's columns): the input's columns, each item replacing the column of
  // its name in place or appended. row_number()/prev()/next() items come from a Window below.
  std::unique_ptr<Op> ExtendOp(const Node* at, const std::vector<NamedExpr>& items, std::unique_ptr<Op> in,
                               const std::vector<ColumnSpec>& out) {
    std::vector<ColumnSpec> names = in->schema;
    std::vector<Expr> exprs;
    for (size_t i = 0; i < in->schema.size(); ++i) exprs.push_back(Expr::Column(static_cast<int>(i), in->schema[i].type));
    std::vector<int> hidden;
    in = HideMultiColumnCalls(items, std::move(in), hidden);
    WindowScope windows(*this, in->schema.size());
    const auto set = [&](ColumnSpec column, Expr value) {
      const int existing = FindColumn(names, column.name);
      if (existing >= 0) {
        exprs[static_cast<size_t>(existing)] = std::move(value);
      } else {
        names.push_back(std::move(column));
        exprs.push_back(std::move(value));
      }
    };
    for (size_t k = 0; k < items.size(); ++k) {
      const NamedExpr& item = items[k];
      if (hidden[k] >= 0) {
        for (auto& [column, value] : MultiColumns(item, hidden[k])) set(std::move(column), std::move(value));
        continue;
      }
      if (item.names.size() > 1) return Failed(item.expr, "an item computing several columns");
      std::string name = item.names.empty() ? ExpressionName(item.expr) : item.names[0].name;
      for (int n = 1; name.empty(); ++n) {
        const std::string candidate = fmt::format("Column{}", n);
        if (FindColumn(names, candidate) < 0) name = candidate;
      }
      set({name, item.expr->type}, Scalar(item.expr));
    }
    if (names.size() != out.size()) return Failed(at, "this extend's columns");
    std::unique_ptr<Op> below = windows.Below(std::move(in));
    if (!below) return nullptr;
    return ProjectOp(std::move(below), std::move(exprs), out);
  }

  // Collects the columns an operator's expressions need appended to its input, numbered in the
  // order they are met: the window functions they call (row_number, prev, next), computed by a
  // Window operator, and the toscalar() subqueries, each joined on after it as one more column
  // (left outer, so an empty subquery gives null).
  class WindowScope {
   public:
    WindowScope(Lowerer& l, size_t width) : l_(l), width_(width), saved_(l.extras_) {
      l.extras_ = this;
    }
    ~WindowScope() { l_.extras_ = saved_; }
    // `in` with the columns appended, if any were needed; null (reported) if it cannot be built.
    std::unique_ptr<Op> Below(std::unique_ptr<Op> in) {
      l_.extras_ = saved_;
      const size_t windows = functions_.size();
      if (windows) {
        std::vector<ColumnSpec> schema = in->schema;
        for (const exec::WindowFunction& w : functions_) {
          schema.push_back({w.name, w.kind == exec::WindowKind::RowNumber ? Type::Long : w.arg.type});
        }
        in = l_.Make(OpKind::Window, std::move(in), std::move(schema));
        in->window = std::move(functions_);
      }
      for (Appended& a : scalars_) {
        if (!in) return nullptr;
        in = a.key ? l_.JoinMembership(std::move(in), std::move(*a.key), std::move(a.table))
                   : l_.JoinScalar(std::move(in), std::move(a.table));
      }
      if (!in || windows == 0 || scalars_.empty()) return in;
      // The window columns, then the scalars, back into the order they were met.
      std::vector<Expr> exprs;
      std::vector<ColumnSpec> schema;
      size_t window = 0, scalar = 0;
      for (size_t c = 0; c < width_ + order_.size(); ++c) {
        const size_t from = c < width_ ? c : order_[c - width_] ? width_ + window++ : width_ + windows + scalar++;
        exprs.push_back(Expr::Column(static_cast<int>(from), in->schema[from].type));
        schema.push_back(in->schema[from]);
      }
      return l_.ProjectOp(std::move(in), std::move(exprs), std::move(schema));
    }
    bool empty() const { return order_.empty(); }
    size_t width() const { return width_; }
    // toscalar() (no key: the table's first value) and nested `in` (the key: its value).
    struct Appended {
      std::unique_ptr<Op> table;
      std::optional<Expr> key;
    };
    // The column a window function or a scalar is appended as.
    int AddWindow(exec::WindowFunction w) {
      w.name = fmt::format("window_{}", functions_.size());
      functions_.push_back(std::move(w));
      return Append(true);
    }
    int AddScalar(Appended a) {
      scalars_.push_back(std::move(a));
      return Append(false);
    }

   private:
    int Append(bool window) {
      order_.push_back(window);
      return static_cast<int>(width_ + order_.size() - 1);
    }
    Lowerer& l_;
    size_t width_;
    WindowScope* saved_;
    std::vector<exec::WindowFunction> functions_;
    std::vector<Appended> scalars_;
    std::vector<bool> order_;  // the appended columns as met: true for a window function
  };

  // `in` with one more column: the first column of the first row of `scalar`.
  std::unique_ptr<Op> JoinScalar(std::unique_ptr<Op> in, std::unique_ptr<Op> scalar) {
    const size_t width = in->schema.size();
    const Type type = scalar->schema[0].type;
    const Expr key = BoolConstant(true);
    std::vector<Expr> left_exprs;
    std::vector<ColumnSpec> left_schema = in->schema;
    for (size_t i = 0; i < width; ++i) left_exprs.push_back(Expr::Column(static_cast<int>(i), in->schema[i].type));
    left_exprs.push_back(key);
    left_schema.push_back({"scalar_key", Type::Bool});
    auto left = ProjectOp(std::move(in), std::move(left_exprs), left_schema);
    std::vector<ColumnSpec> first = scalar->schema;
    auto limit = Make(OpKind::Limit, std::move(scalar), std::move(first));
    limit->count = 1;
    auto right = ProjectOp(std::move(limit), {Expr::Column(0, type), key}, {{"scalar", type}, {"scalar_key", Type::Bool}});
    std::vector<ColumnSpec> schema(left_schema.begin(), left_schema.end() - 1);
    schema.push_back({fmt::format("scalar_{}", width), type});
    auto join = Make(OpKind::Join, std::move(left), std::move(schema));
    join->join_kind = exec::JoinKind::LeftOuter;
    join->left_keys = {static_cast<int>(width)};
    join->right_keys = {1};
    for (size_t i = 0; i < width; ++i) join->left_out.push_back(static_cast<int>(i));
    join->right_out = {0};
    join->others.push_back(std::move(right));
    return join;
  }

  // toscalar(T) inside a WindowScope: the column its value is joined on as.
  Expr ScalarSubquery(const syntax::Call* c) {
    if (c->args.size() != 1) return Fail(c, "toscalar() with these arguments");
    const syntax::Expr* arg = c->args[0];
    const bool tabular = arg->Is<Subquery>() || IsTabularItem(arg) ||
                         bound_.schemas.find(arg) != bound_.schemas.end();
    if (!tabular) return Scalar(arg);  // toscalar of a scalar is the scalar
    WindowScope* scope = std::exchange(extras_, nullptr);  // the subquery has rows of its own
    if (!scope) {
      extras_ = scope;
      return Fail(c, "toscalar() here (only in where, project, extend)");
    }
    std::unique_ptr<Op> table = Tabular(arg);
    extras_ = scope;
    if (!table) return Expr::Constant(Value::Null(c->type));
    if (table->schema.empty() || table->schema[0].type != c->type) return Fail(c, "this toscalar()");
    return Expr::Column(scope->AddScalar({std::move(table), std::nullopt}), c->type);
  }

  // A window function call inside a WindowScope: the column it appends.
  Expr WindowColumn(const syntax::Call* c) {
    WindowScope* scope = std::exchange(extras_, nullptr);  // none nest
    std::optional<exec::WindowFunction> w = WindowCall(c);
    extras_ = scope;
    if (!w) return Expr::Constant(Value::Null(c->type));
    return Expr::Column(scope->AddWindow(std::move(*w)), c->type);
  }

  // row_number([start]), prev(x[, offset[, default]]), next(...); reports what it cannot lower.
  std::optional<exec::WindowFunction> WindowCall(const syntax::Call* c) {
    const syntax::Expr* e = c;
    if (c->name != "row_number" && c->name != "prev" && c->name != "next") {
      Unsupported(c->span, fmt::format("the window function {}()", c->name));
      return std::nullopt;
    }
    exec::WindowFunction w;
    if (c->name == "row_number") {
      w.kind = exec::WindowKind::RowNumber;
      w.arg = Expr::Constant(Value::Integer(Type::Long, 0));
      if (!c->args.empty()) {
        std::optional<Value> start = ConstantArg(c->args[0]);
        if (!start) return std::nullopt;
        if (c->args.size() > 1) {
          Unsupported(c->args[1]->span, "row_number() restarting on a condition");
          return std::nullopt;
        }
        w.offset = start->integer;
      }
      return w;
    }
    w.kind = c->name == "prev" ? exec::WindowKind::Prev : exec::WindowKind::Next;
    w.arg = Convert(Scalar(c->args[0]), e->type);
    w.fallback = Value::Null(e->type);
    if (c->args.size() > 1) {
      std::optional<Value> offset = ConstantArg(c->args[1]);
      if (!offset) return std::nullopt;
      w.offset = offset->integer;
    }
    if (c->args.size() > 2) {
      std::optional<Value> fallback = ConstantArg(c->args[2]);
      if (!fallback) return std::nullopt;
      w.fallback = fallback->is_null ? Value::Null(e->type) : ConvertConstant(*fallback, e->type);
    }
    return w;
  }

  // summarize: an Aggregate of the keys and of every aggregate call; an item that computes on
  // aggregates (`dcount(x) > 1`) is a Project above it, over hidden aggregate columns.
  std::unique_ptr<Op> SummarizeOp(const Summarize* s, std::unique_ptr<Op> in,
                                  const std::vector<ColumnSpec>& out) {
    if (!s->params.empty()) return Failed(s, "summarize with hints");
    std::vector<Expr> keys;
    for (const NamedExpr& item : s->by) keys.push_back(Scalar(item.expr));
    AggregateScope scope{&in->schema, &out, keys.size(), {}, keys.size()};
    std::vector<Expr> results;  // the output columns after the keys, over the Aggregate's output
    bool computed = false;
    for (const NamedExpr& item : s->aggregates) {
      const FunctionInfo* info =
          item.expr->Is<syntax::Call>() ? FindFunction(item.expr->As<syntax::Call>()->name) : nullptr;
      if (!info || info->cls != FunctionClass::Aggregate) {
        computed = true;
        AggregateScope* saved = std::exchange(aggregate_, &scope);
        results.push_back(Scalar(item.expr));
        aggregate_ = saved;
        continue;
      }
      const size_t before = scope.specs.size();
      if (!Aggregate(item.expr, in->schema, out, keys.size(), scope.specs)) return nullptr;
      for (size_t i = before; i < scope.specs.size(); ++i) {
        for (Type t : AggregateOutputTypes(scope.specs[i])) {
          const size_t column = keys.size() + results.size();
          if (column >= out.size()) return Failed(item.expr, "this aggregate's columns");
          scope.specs[i].names.push_back(out[column].name);
          results.push_back(Expr::Column(static_cast<int>(scope.width++), t));
        }
      }
    }
    if (keys.size() + results.size() != out.size()) return Failed(s, "this summarize's columns");
    std::vector<ColumnSpec> schema;
    for (size_t i = 0; i < keys.size(); ++i) schema.push_back({out[i].name, keys[i].type});
    for (const exec::AggregateSpec& a : scope.specs) {
      const std::vector<Type> types = AggregateOutputTypes(a);
      for (size_t i = 0; i < types.size(); ++i) schema.push_back({a.names[i], types[i]});
    }
    auto op = Make(OpKind::Aggregate, std::move(in), std::move(schema));
    op->exprs = std::move(keys);
    op->aggregates = std::move(scope.specs);
    if (!computed) return Conform(std::move(op), out);
    std::vector<Expr> exprs;
    for (size_t i = 0; i < op->exprs.size(); ++i) exprs.push_back(Expr::Column(static_cast<int>(i), op->schema[i].type));
    for (Expr& e : results) exprs.push_back(std::move(e));
    return ProjectOp(std::move(op), std::move(exprs), out);
  }

  // An aggregate call inside a computed summarize item: a hidden aggregate column.
  Expr AggregateColumn(const syntax::Call* c) {
    AggregateScope* scope = std::exchange(aggregate_, nullptr);  // the arguments are over the rows
    const size_t before = scope->specs.size();
    const bool ok = Aggregate(c, *scope->in, *scope->out, scope->keys, scope->specs);
    aggregate_ = scope;
    if (!ok) return Expr::Constant(Value::Null(c->type));
    const std::vector<Type> types =
        scope->specs.size() == before + 1 ? AggregateOutputTypes(scope->specs.back()) : std::vector<Type>{};
    if (types.size() != 1) return Fail(c, "an aggregate of several columns inside an expression");
    scope->specs.back().names.push_back(fmt::format("aggregate_{}", scope->width));
    return Expr::Column(static_cast<int>(scope->width++), types[0]);
  }

  // Appends the aggregate(s) one summarize item computes.
  bool Aggregate(const syntax::Expr* e, const std::vector<ColumnSpec>& in,
                 const std::vector<ColumnSpec>& out, size_t keys,
                 std::vector<exec::AggregateSpec>& specs) {
    const FunctionInfo* info = e->Is<syntax::Call>() ? FindFunction(e->As<syntax::Call>()->name) : nullptr;
    if (!info || info->cls != FunctionClass::Aggregate) {
      Unsupported(e->span, "an expression around aggregates");
      return false;
    }
    const auto* c = e->As<syntax::Call>();
    const std::string_view name = info->canonical.empty() ? info->name : info->canonical;
    using exec::AggKind;
    static const std::unordered_map<std::string_view, std::pair<AggKind, int>> kSimple{
        // kind, number of arguments lowered (the rest are options: accuracy, cap)
        {"count", {AggKind::Count, 0}}, {"countif", {AggKind::CountIf, 1}},
        {"sum", {AggKind::Sum, 1}}, {"sumif", {AggKind::SumIf, 2}},
        {"avg", {AggKind::Avg, 1}}, {"avgif", {AggKind::AvgIf, 2}},
        {"min", {AggKind::Min, 1}}, {"max", {AggKind::Max, 1}},
        {"minif", {AggKind::MinIf, 2}}, {"maxif", {AggKind::MaxIf, 2}},
        {"dcount", {AggKind::DCount, 1}}, {"dcountif", {AggKind::DCountIf, 2}},
        {"make_set", {AggKind::MakeSet, 1}}, {"make_set_if", {AggKind::MakeSetIf, 2}},
        {"make_list", {AggKind::MakeList, 1}}, {"make_list_if", {AggKind::MakeListIf, 2}},
        {"make_bag", {AggKind::MakeBag, 1}}, {"make_bag_if", {AggKind::MakeBagIf, 2}},
        {"stdev", {AggKind::Stdev, 1}}, {"stdevif", {AggKind::StdevIf, 2}},
        {"variance", {AggKind::Variance, 1}}, {"varianceif", {AggKind::VarianceIf, 2}},
    };
    for (const syntax::Expr* a : c->args) {
      if (a->Is<NamedArg>()) {
        Unsupported(a->span, "a named argument");
        return false;
      }
    }
    if (auto simple = kSimple.find(name); simple != kSimple.end()) {
      exec::AggregateSpec spec;
      spec.kind = simple->second.first;
      const size_t lowered = static_cast<size_t>(simple->second.second);
      if (c->args.size() < lowered) {
        Unsupported(e->span, fmt::format("{}() with these arguments", c->name));
        return false;
      }
      for (size_t i = 0; i < lowered; ++i) spec.args.push_back(Scalar(c->args[i]));
      if (name.starts_with("make_set") || name.starts_with("make_list")) {
        // The deprecated makeset()/makelist() cap at 128 by default (doc: make-set- and
        // make-list-aggregation-function), the modern spellings at 1048576.
        if (!info->canonical.empty()) spec.limit = 128;
        if (c->args.size() > lowered) {
          std::optional<Value> cap = ConstantArg(c->args[lowered]);
          if (!cap) return false;
          spec.limit = cap->integer;
        }
      }
      specs.push_back(std::move(spec));
      return true;
    }
    if (name == "arg_max" || name == "arg_min") {
      exec::AggregateSpec spec;
      spec.kind = name == "arg_max" ? AggKind::ArgMax : AggKind::ArgMin;
      spec.args.push_back(Scalar(c->args[0]));
      // The binder's naming of `*`: every input column not already a key or listed.
      std::vector<std::string> listed;
      for (size_t i = 0; i < keys; ++i) listed.push_back(out[i].name);
      listed.push_back(ExpressionName(c->args[0]));
      for (size_t i = 1; i < c->args.size(); ++i) {
        const syntax::Expr* a = c->args[i];
        if (!a->Is<Star>()) {
          spec.outputs.push_back(Scalar(a));
          listed.push_back(ExpressionName(a));
          continue;
        }
        if (!info->prefix.empty()) {
          Unsupported(a->span, "'*' in this aggregate");
          return false;
        }
        for (size_t k = 0; k < in.size(); ++k) {
          if (std::find(listed.begin(), listed.end(), in[k].name) != listed.end()) continue;
          listed.push_back(in[k].name);
          spec.outputs.push_back(Expr::Column(static_cast<int>(k), in[k].type));
        }
      }
      specs.push_back(std::move(spec));
      return true;
    }
    if (name == "take_any") {
      for (const syntax::Expr* a : c->args) {
        if (a->Is<Star>()) {
          Unsupported(a->span, "'*' in take_any()");
          return false;
        }
        exec::AggregateSpec spec;
        spec.kind = AggKind::TakeAny;
        spec.args.push_back(Scalar(a));
        specs.push_back(std::move(spec));
      }
      return true;
    }
    if (name == "percentile" || name == "percentiles") {
      for (size_t i = 1; i < c->args.size(); ++i) {
        std::optional<Value> p = ConstantArg(c->args[i]);
        if (!p) return false;
        exec::AggregateSpec spec;
        spec.kind = AggKind::Percentile;
        spec.args.push_back(Scalar(c->args[0]));
        spec.param = p->type == Type::Real ? p->real : static_cast<double>(p->integer);
        specs.push_back(std::move(spec));
      }
      return true;
    }
    Unsupported(e->span, fmt::format("the aggregate {}()", c->name));
    return false;
  }

  // parse and parse-where. The pattern becomes one RE2 regex: anchored at the start (`*` is
  // how a pattern skips a prefix), at the end only when it ends with a column (which then takes
  // the rest of the string), each column a group (CaptureRegex), each string part quoted (regex
  // kind: used as written). A column is the text of its group converted to its type. The parse
  // succeeds when the regex matches and, except for kind=relaxed, every typed column converts
  // (the docs: "all extended columns must match the required types"; relaxed: "extended columns
  // that didn't match the required type get null"). parse-where keeps the rows that succeed;
  // parse gives the others null columns (empty strings).
  std::unique_ptr<Op> ParseOperator(const ParseLike* p, std::unique_ptr<Op> in, const std::vector<ColumnSpec>& out) {
    std::string kind = ParamWord(p->params, "kind");
    if (kind.empty()) kind = "simple";
    if (kind != "simple" && kind != "regex" && kind != "relaxed") return Failed(p, fmt::format("parse kind={}", kind));
    std::string regex;
    const OpParam* flags = FindParam(p->params, "flags");
    if (flags) {
      const std::string word = ParamWord(p->params, "flags");
      if (kind != "regex" || word.empty() || word.find_first_not_of("imsU") != std::string::npos) {
        return Failed(p, fmt::format("parse flags={}", word));
      }
      regex = fmt::format("(?{})", word);
    } else if (kind != "regex") {
      regex = "(?s)";  // literal delimiters: a column spans line breaks too
    }
    regex += "\\A";
    struct Capture {
      std::string name;
      Type type;
      int group;
    };
    std::vector<Capture> captures;
    int groups = 0;
    for (const ParsePart& part : p->pattern) {
      switch (part.what) {
        case ParsePart::What::Star: regex += ".*?"; break;
        case ParsePart::What::Column: {
          const int column = FindColumn(out, part.column.name);
          if (column < 0) return Failed(p, fmt::format("the parse column '{}'", part.column.name));
          const Type t = out[static_cast<size_t>(column)].type;
          regex += CaptureRegex(t, kind == "relaxed");
          captures.push_back({part.column.name, t, ++groups});
          break;
        }
        case ParsePart::What::Text: {
          if (kind != "regex") {
            regex += re2::RE2::QuoteMeta(part.text);
            break;
          }
          const re2::RE2 piece(part.text, re2::RE2::Quiet);
          if (!piece.ok()) return Failed(p, fmt::format("the parse regex '{}'", part.text));
          regex += "(?:" + part.text + ")";
          groups += piece.NumberOfCapturingGroups();
          break;
        }
      }
    }
    if (!p->pattern.empty() && p->pattern.back().what == ParsePart::What::Column) regex += "\\z";
    if (!re2::RE2(regex, re2::RE2::Quiet).ok()) return Failed(p, "this parse pattern");
    // The input with the parsed string appended, so that it is computed once.
    const size_t width = in->schema.size();
    std::vector<Expr> exprs;
    std::vector<ColumnSpec> schema = in->schema;
    for (size_t i = 0; i < width; ++i) exprs.push_back(Expr::Column(static_cast<int>(i), in->schema[i].type));
    exprs.push_back(AsString(Scalar(p->source)));
    schema.push_back({"parse_source", Type::String});
    std::unique_ptr<Op> current = ProjectOp(std::move(in), std::move(exprs), schema);
    const Expr source = Expr::Column(static_cast<int>(width), Type::String);
    const Expr pattern = Expr::Constant(Value::String(regex));
    const auto extract = [&](const Capture& c) {
      return Expr::Call(Fn::Extract, c.type,
                        {pattern, Expr::Constant(Value::Integer(Type::Long, c.group)), source});
    };
    std::vector<Expr> tests{Expr::Call(Fn::MatchesRegex, Type::Bool, {source, pattern})};
    if (kind != "relaxed") {
      for (const Capture& c : captures) {
        if (c.type != Type::String) tests.push_back(Not(Expr::Call(Fn::IsNull, Type::Bool, {extract(c)})));
      }
    }
    Expr parsed = tests.size() == 1 ? std::move(tests[0]) : Expr::Call(Fn::And, Type::Bool, std::move(tests));
    const bool where = p->Is<ParseWhereOp>();
    if (where) {
      current = Make(OpKind::Filter, std::move(current), schema);
      current->predicate = parsed;
    }
    std::vector<Expr> results;
    for (size_t i = 0; i < out.size(); ++i) {
      auto capture = std::find_if(captures.rbegin(), captures.rend(), [&](const Capture& c) { return c.name == out[i].name; });
      if (capture == captures.rend()) {
        const int column = FindColumn(schema, out[i].name);
        if (column < 0) return Failed(p, fmt::format("the column '{}' after parse", out[i].name));
        results.push_back(Expr::Column(column, out[i].type));
      } else if (where) {
        results.push_back(extract(*capture));
      } else {
        results.push_back(Expr::Call(Fn::Iff, out[i].type, {parsed, extract(*capture), Expr::Constant(Value::Null(out[i].type))}));
      }
    }
    return ProjectOp(std::move(current), std::move(results), out);
  }

  // The group of a parse column: a number's digits for the numeric types (so that a `*` after
  // it skips only what follows the number, as the docs' regex translation of a long column
  // shows), else the shortest text up to what follows. kind=relaxed takes the text up to what
  // follows in any case (a column that does not convert is null there), the number first.
  static std::string CaptureRegex(Type t, bool relaxed) {
    std::string number;
    if (t == Type::Int || t == Type::Long) number = R"(-?\d+)";
    if (t == Type::Real || t == Type::Decimal) number = R"(-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)";
    if (number.empty()) return "(.*?)";
    return relaxed ? "((?:" + number + ")?.*?)" : "(" + number + ")";
  }

  // top-nested, level by level: each level aggregates its column's values within the values
  // kept at the levels above (grouped by the columns of every level so far), keeps the best N per
  // parent (the highest aggregates; asc: the lowest; without N, or with `all`, every value), and
  // is joined with the levels above for their aggregates and to keep only their kept values.
  // Every level reads the operator's input, one shared subplan.
  std::unique_ptr<Op> TopNestedOp(const syntax::TopNested* t, std::unique_ptr<Op> in, const std::vector<ColumnSpec>& out) {
    const size_t levels = t->levels.size();
    if (out.size() != 2 * levels) return Failed(t, "this top-nested's columns");
    const std::shared_ptr<Op> rows(std::move(in));
    std::unique_ptr<Op> result;  // the levels so far: K1, A1, ..., Kl, Al
    bool others_above = false;   // a level above has an others row
    for (size_t l = 0; l < levels; ++l) {
      const syntax::TopNested::Level& level = t->levels[l];
      std::unique_ptr<Op> input = Use(rows);
      std::vector<ColumnSpec> schema;
      std::vector<Expr> keys;
      for (size_t k = 0; k <= l; ++k) {
        keys.push_back(Scalar(t->levels[k].of.expr));
        schema.push_back({out[2 * k].name, keys.back().type});
      }
      std::vector<exec::AggregateSpec> specs;
      if (!Aggregate(level.by.expr, input->schema, out, 0, specs)) return nullptr;
      const std::vector<Type> types = specs.size() == 1 ? AggregateOutputTypes(specs[0]) : std::vector<Type>{};
      if (types.size() != 1) return Failed(level.by.expr, "a top-nested aggregate of several columns");
      specs[0].names.push_back(out[2 * l + 1].name);
      schema.push_back({out[2 * l + 1].name, types[0]});
      auto op = Make(OpKind::Aggregate, std::move(input), schema);
      op->exprs = keys;
      op->aggregates = specs;
      // `top-nested all of K` keeps every value; the parser reads `all` as a name.
      const bool all = level.count && level.count->Is<Name>() && level.count->As<Name>()->column < 0 &&
                       level.count->As<Name>()->name == "all";
      if (level.count && !all) {
        op = Make(OpKind::Top, std::move(op), schema);
        if (!Count(level.count, op->count)) return nullptr;
        const int agg = static_cast<int>(l + 1);
        op->sort_keys.push_back(level.order == SortOrder::Asc ? exec::SortKey::Asc(agg) : exec::SortKey::Desc(agg));
        for (size_t k = 0; k < l; ++k) op->columns.push_back(static_cast<int>(k));
      }
      if (level.others) {
        if (!level.count || all) return Failed(level.others, "top-nested 'with others' without a count");
        std::optional<Value> value = ConstantArg(level.others);
        if (!value) return nullptr;
        const Type type = schema[l].type;
        if (!value->is_null && value->type != type && !(IsNumeric(value->type) && IsNumeric(type))) {
          return Failed(level.others, "a 'with others' value of another type than its column");
        }
        op = WithOthers(std::move(op), rows, std::move(keys), std::move(specs), ConvertConstant(*value, type));
      }
      result = l == 0 ? std::move(op) : JoinLevel(std::move(op), std::move(result), l, others_above);
      others_above = others_above || level.others;
    }
    return Conform(std::move(result), out);
  }

  // `with others = X` (doc: top-nested-operator): next to the kept values of a level (`kept`:
  // K1..Kl, Al), one row per group of the levels above with Kl = X and the aggregate over the
  // input rows of that group whose value did not make the top. Those rows are found by an anti
  // join of the input (its keys appended) with the kept values; `kept` is read twice, one
  // shared subplan.
  std::unique_ptr<Op> WithOthers(std::unique_ptr<Op> top, const std::shared_ptr<Op>& rows, std::vector<Expr> keys,
                                 std::vector<exec::AggregateSpec> specs, const Value& others) {
    const std::shared_ptr<Op> kept(std::move(top));
    const std::vector<ColumnSpec> schema = kept->schema;
    const size_t l = keys.size() - 1;
    std::unique_ptr<Op> input = Use(rows);
    const size_t width = input->schema.size();
    std::vector<ColumnSpec> keyed = input->schema;
    std::vector<Expr> exprs;
    for (size_t c = 0; c < width; ++c) exprs.push_back(Expr::Column(static_cast<int>(c), keyed[c].type));
    for (size_t k = 0; k <= l; ++k) keyed.push_back({fmt::format("key{}", k), keys[k].type});
    for (Expr& k : keys) exprs.push_back(std::move(k));
    auto rest = Make(OpKind::Join, ProjectOp(std::move(input), std::move(exprs), keyed), keyed);
    rest->join_kind = exec::JoinKind::LeftAnti;
    for (size_t k = 0; k <= l; ++k) {
      rest->left_keys.push_back(static_cast<int>(width + k));
      rest->right_keys.push_back(static_cast<int>(k));
    }
    for (size_t c = 0; c < keyed.size(); ++c) rest->left_out.push_back(static_cast<int>(c));
    rest->others.push_back(Use(kept));
    std::vector<ColumnSpec> grouped;
    std::vector<Expr> parents;
    for (size_t k = 0; k < l; ++k) {
      parents.push_back(Expr::Column(static_cast<int>(width + k), schema[k].type));
      grouped.push_back(schema[k]);
    }
    grouped.push_back(schema[l + 1]);
    auto aggregate = Make(OpKind::Aggregate, std::move(rest), grouped);
    aggregate->exprs = std::move(parents);
    aggregate->aggregates = std::move(specs);
    std::vector<Expr> columns;
    for (size_t k = 0; k < l; ++k) columns.push_back(Expr::Column(static_cast<int>(k), schema[k].type));
    columns.push_back(Expr::Constant(others));
    columns.push_back(Expr::Column(static_cast<int>(l), schema[l + 1].type));
    auto op = Make(OpKind::Union, Use(kept), schema);
    op->others.push_back(ProjectOp(std::move(aggregate), std::move(columns), schema));
    return op;
  }

  // Level l's rows (the l parent keys, its key, its aggregate) joined on the parent keys with the
  // levels above (K1, A1, ..., Kl, Al), then ordered K1, A1, ..., Kl+1, Al+1.
  // `keep_above`: the levels above have others rows, which no row of this level belongs to;
  // they are kept (a right outer join), this level's columns null in them.
  std::unique_ptr<Op> JoinLevel(std::unique_ptr<Op> level, std::unique_ptr<Op> above, size_t l, bool keep_above) {
    std::vector<ColumnSpec> joined = level->schema;
    for (size_t k = 0; k < l; ++k) {
      if (keep_above) joined.push_back(above->schema[2 * k]);
      joined.push_back(above->schema[2 * k + 1]);
    }
    auto join = Make(OpKind::Join, std::move(level), joined);
    join->join_kind = keep_above ? exec::JoinKind::RightOuter : exec::JoinKind::Inner;
    for (size_t k = 0; k < l; ++k) {
      join->left_keys.push_back(static_cast<int>(k));
      join->right_keys.push_back(static_cast<int>(2 * k));
      if (keep_above) join->right_out.push_back(static_cast<int>(2 * k));
      join->right_out.push_back(static_cast<int>(2 * k + 1));
    }
    for (size_t k = 0; k <= l + 1; ++k) join->left_out.push_back(static_cast<int>(k));
    join->others.push_back(std::move(above));
    std::vector<Expr> exprs;
    std::vector<ColumnSpec> schema;
    const auto take = [&](size_t c) {
      exprs.push_back(Expr::Column(static_cast<int>(c), joined[c].type));
      schema.push_back(joined[c]);
    };
    for (size_t k = 0; k < l; ++k) {
      if (keep_above) {
        take(l + 2 + 2 * k);
        take(l + 3 + 2 * k);
      } else {
        take(k);
        take(l + 2 + k);
      }
    }
    take(l);
    take(l + 1);
    return ProjectOp(std::move(join), std::move(exprs), std::move(schema));
  }

  // A pipeline's source and its first `n` operators (again, when an operator reads its input
  // more than once).
  std::unique_ptr<Op> LowerPrefix(const Pipeline* p, size_t n) {
    std::unique_ptr<Op> current = Tabular(p->source);
    for (size_t i = 0; i < n && current; ++i) current = LowerOperator(p->ops[i], std::move(current));
    return current;
  }

  std::unique_ptr<Op> JoinOp(const JoinLike* j, std::unique_ptr<Op> left,
                             const std::vector<ColumnSpec>& out) {
    std::unique_ptr<Op> right = Tabular(j->right);
    if (!right) return nullptr;
    const bool lookup = j->Is<Lookup>();
    std::string kind = ParamWord(j->params, "kind");
    static const std::unordered_map<std::string, exec::JoinKind> kKinds{
        {"", exec::JoinKind::InnerUnique}, {"innerunique", exec::JoinKind::InnerUnique},
        {"inner", exec::JoinKind::Inner}, {"leftouter", exec::JoinKind::LeftOuter},
        {"rightouter", exec::JoinKind::RightOuter}, {"fullouter", exec::JoinKind::FullOuter},
        {"leftsemi", exec::JoinKind::LeftSemi},
        {"leftanti", exec::JoinKind::LeftAnti}, {"anti", exec::JoinKind::LeftAnti},
        {"leftantisemi", exec::JoinKind::LeftAnti}, {"rightsemi", exec::JoinKind::RightSemi},
        {"rightanti", exec::JoinKind::RightAnti}, {"rightantisemi", exec::JoinKind::RightAnti},
    };
    if (lookup && kind.empty()) kind = "leftouter";
    auto found = kKinds.find(kind);
    if (found == kKinds.end() || (lookup && kind != "leftouter" && kind != "inner")) {
      return Failed(j, fmt::format("join kind={}", kind));
    }
    auto op = Make(OpKind::Join, nullptr, out);
    op->join_kind = found->second;
    std::vector<std::string> same_name;
    // Conditions are ANDed, whether by commas or by `and`.
    std::vector<const syntax::Expr*> conditions;
    for (const syntax::Expr* cond : j->on) {
      if (cond->Is<Logical>() && cond->As<Logical>()->op == LogicalOp::And) {
        for (const syntax::Expr* t : cond->As<Logical>()->terms) conditions.push_back(t);
      } else {
        conditions.push_back(cond);
      }
    }
    for (const syntax::Expr* cond : conditions) {
      int l = -1, r = -1;
      if (cond->Is<Name>()) {
        l = FindColumn(left->schema, cond->As<Name>()->name);
        r = FindColumn(right->schema, cond->As<Name>()->name);
        same_name.push_back(cond->As<Name>()->name);
      } else if (cond->Is<syntax::Binary>() && cond->As<syntax::Binary>()->op == BinOp::Eq) {
        const auto* b = cond->As<syntax::Binary>();
        const auto side = [&](const syntax::Expr* e, std::string_view which) {
          if (!e->Is<Member>() || !e->As<Member>()->object->Is<Name>() ||
              e->As<Member>()->object->As<Name>()->name != which) {
            return -1;
          }
          return FindColumn(which == "$left" ? left->schema : right->schema, e->As<Member>()->member.name);
        };
        l = side(b->lhs, "$left");
        r = side(b->rhs, "$right");
        if (l < 0 || r < 0) {
          l = side(b->rhs, "$left");
          r = side(b->lhs, "$right");
        }
      }
      if (l < 0 || r < 0) return Failed(cond, "this join condition (only columns, $left.A == $right.B)");
      // The binder lets only int and long keys differ; the join compares them as longs.
      if (!exec::KeysComparable({left->schema[static_cast<size_t>(l)].type},
                                {right->schema[static_cast<size_t>(r)].type})) {
        return Failed(cond, "joining on columns of different types");
      }
      op->left_keys.push_back(l);
      op->right_keys.push_back(r);
    }
    const exec::JoinKind k = op->join_kind;
    const bool left_only = k == exec::JoinKind::LeftSemi || k == exec::JoinKind::LeftAnti;
    const bool right_only = k == exec::JoinKind::RightSemi || k == exec::JoinKind::RightAnti;
    if (!right_only) {
      for (size_t i = 0; i < left->schema.size(); ++i) op->left_out.push_back(static_cast<int>(i));
    }
    if (!left_only) {
      for (size_t i = 0; i < right->schema.size(); ++i) {
        if (lookup && std::find(same_name.begin(), same_name.end(), right->schema[i].name) != same_name.end()) continue;
        op->right_out.push_back(static_cast<int>(i));
      }
    }
    if (op->left_out.size() + op->right_out.size() != out.size()) return Failed(j, "this join's columns");
    std::vector<ColumnSpec> schema;
    for (int i : op->left_out) schema.push_back({out[schema.size()].name, left->schema[static_cast<size_t>(i)].type});
    for (int i : op->right_out) schema.push_back({out[schema.size()].name, right->schema[static_cast<size_t>(i)].type});
    op->schema = std::move(schema);
    op->input = std::move(left);
    op->others.push_back(std::move(right));
    return Conform(std::move(op), out);
  }

  std::unique_ptr<Op> MvExpandOp(const syntax::MvExpand* m, std::unique_ptr<Op> in,
                                 const std::vector<ColumnSpec>& out) {
    return Expand(m->params, m->items, m->limit, std::move(in), out);
  }

  // mv-expand's rows (also the rows an mv-apply hands its subquery): `out` is the input's
  // columns with the expanded ones typed, then the item index if with_itemindex.
  std::unique_ptr<Op> Expand(const std::vector<OpParam>& params, const std::vector<ExpandItem>& items,
                             const syntax::Expr* limit, std::unique_ptr<Op> in, const std::vector<ColumnSpec>& out) {
    // The bag expansion mode is spelled kind= or bagexpansion= (doc: mv-expand-operator).
    const bool by_kind = !ParamWord(params, "kind").empty();
    const std::string bag = ParamWord(params, by_kind ? "kind" : "bagexpansion");
    if (!bag.empty() && bag != "array" && bag != "bag") {
      return Failed(items[0].expr.expr, fmt::format("{}={}", by_kind ? "kind" : "bagexpansion", bag));
    }
    const bool with_index = FindParam(params, "with_itemindex") != nullptr;
    const size_t width = out.size() - (with_index ? 1 : 0);
    // The input with each expanded expression in its output column, still dynamic.
    std::vector<ColumnSpec> before(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(width));
    std::vector<Expr> exprs;
    for (size_t i = 0; i < in->schema.size(); ++i) exprs.push_back(Expr::Column(static_cast<int>(i), in->schema[i].type));
    exprs.resize(width, Expr::Constant(Value::Null(Type::Dynamic)));
    auto op = Make(OpKind::MvExpand, nullptr, out);
    std::vector<ColumnSpec> names = in->schema;
    for (const ExpandItem& item : items) {
      std::string name = item.expr.names.empty() ? ExpressionName(item.expr.expr) : item.expr.names[0].name;
      int at = FindColumn(names, name);
      if (name.empty()) return Failed(item.expr.expr, "an unnamed mv-expand expression");
      if (at < 0) {
        at = static_cast<int>(names.size());
        names.push_back({name, Type::Dynamic});
      }
      if (static_cast<size_t>(at) >= width) return Failed(item.expr.expr, "this mv-expand's columns");
      exprs[static_cast<size_t>(at)] = Convert(Scalar(item.expr.expr), Type::Dynamic);
      before[static_cast<size_t>(at)].type = Type::Dynamic;
      op->expand.push_back({at, out[static_cast<size_t>(at)].type, bag == "array"});
    }
    op->count = 2147483647;
    if (limit && !Count(limit, op->count)) return nullptr;
    op->with_index = with_index;
    op->input = ProjectOp(std::move(in), std::move(exprs), std::move(before));
    return op;
  }

  // mv-apply: the subquery runs once per input row over that row's expanded items (an
  // ApplyInput of the row, expanded as mv-expand would); its rows follow the input row's
  // columns that the subquery does not output.
  std::unique_ptr<Op> MvApplyOp(const syntax::MvApply* m, std::unique_ptr<Op> in, const std::vector<ColumnSpec>& out) {
    const Node* sub = m->subquery;
    const Node* source = sub->Is<Pipeline>() ? sub->As<Pipeline>()->source : nullptr;
    auto expanded = source && source->Is<PipeInput>() ? bound_.schemas.find(source) : bound_.schemas.end();
    if (expanded == bound_.schemas.end()) return Failed(sub, "an mv-apply subquery that does not start from its rows");
    auto rows = Expand(m->params, m->items, m->limit, Make(OpKind::ApplyInput, nullptr, in->schema), expanded->second);
    if (!rows) return nullptr;
    piped_[source] = std::move(rows);
    std::unique_ptr<Op> result = Tabular(sub);
    piped_.erase(source);
    if (!result) return nullptr;
    if (ReadsTable(*result)) return Failed(sub, "reading a table inside an mv-apply subquery");
    std::vector<int> kept;
    for (size_t i = 0; i < in->schema.size(); ++i) {
      if (FindColumn(result->schema, in->schema[i].name) < 0) kept.push_back(static_cast<int>(i));
    }
    if (kept.size() + result->schema.size() != out.size()) return Failed(m, "this mv-apply's columns");
    std::vector<ColumnSpec> schema;
    for (int i : kept) schema.push_back(in->schema[static_cast<size_t>(i)]);
    for (const ColumnSpec& c : result->schema) schema.push_back(c);
    auto op = Make(OpKind::MvApply, std::move(in), std::move(schema));
    op->columns = std::move(kept);
    op->others.push_back(std::move(result));
    return Conform(std::move(op), out);
  }

  // make-series: the rows within [from, to) on the axis, aggregated by the keys and the axis
  // bin (bin_at from `from`, else bin), then laid out per key combination as one array per
  // aggregate over every bin of the axis (MakeSeries).
  std::unique_ptr<Op> MakeSeriesOp(const syntax::MakeSeries* m, std::unique_ptr<Op> in,
                                   const std::vector<ColumnSpec>& out) {
    // kind=nonempty: an empty input still gives a result (doc: make-series-operator), one row of
    // default-filled series over the axis, which needs the axis's bounds and no groups.
    const std::string kind = ParamWord(m->params, "kind");
    if (!kind.empty() && kind != "nonempty") return Failed(m, fmt::format("make-series kind={}", kind));
    const bool nonempty = kind == "nonempty";
    if (nonempty && (!m->by.empty() || !m->from || !m->to)) {
      return Failed(m, "make-series kind=nonempty with a 'by' clause or without 'from' and 'to'");
    }
    Expr axis = Scalar(m->on);
    if (axis.type == Type::Int) axis = Convert(std::move(axis), Type::Long);
    if (axis.type != Type::Long && axis.type != Type::Real && axis.type != Type::DateTime && axis.type != Type::TimeSpan) {
      return Failed(m->on, "a make-series axis of this type");
    }
    const Type step_type = axis.type == Type::DateTime ? Type::TimeSpan : axis.type;
    std::optional<Value> step = ConstantArg(m->step);
    if (!step) return nullptr;
    if (step->is_null || (step->type != step_type && !(IsNumeric(step->type) && IsNumeric(step_type))) ||
        (step_type == Type::Long && step->type != Type::Long && step->type != Type::Int)) {
      return Failed(m->step, "this make-series step");
    }
    *step = ConvertConstant(*step, step_type);
    if (step_type == Type::Real ? !(step->real > 0) : step->integer <= 0) return Failed(m->step, "a step that is not positive");
    // from and to: constants or now()-relative (`from ago(7d) to now()`); the binder lets them
    // name no column.
    Expr bounds[2] = {Expr::Constant(Value::Null(axis.type)), Expr::Constant(Value::Null(axis.type))};
    const syntax::Expr* bound_exprs[2] = {m->from, m->to};
    for (int k = 0; k < 2; ++k) {
      if (!bound_exprs[k]) continue;
      Expr v = Scalar(bound_exprs[k]);
      if (v.type != axis.type && !(IsNumeric(v.type) && IsNumeric(axis.type)) && v.type != Type::Null) {
        return Failed(bound_exprs[k], "a make-series bound of another type than the axis");
      }
      bounds[k] = Convert(std::move(v), axis.type);
    }
    const auto given = [](const Expr& e) { return !(IsConstant(e) && e.value.is_null); };
    // Only the rows on the axis's range count.
    std::vector<Expr> range;
    if (given(bounds[0])) range.push_back(Expr::Call(Fn::Ge, Type::Bool, {axis, bounds[0]}));
    if (given(bounds[1])) range.push_back(Expr::Call(Fn::Lt, Type::Bool, {axis, bounds[1]}));
    if (!range.empty()) {
      std::vector<ColumnSpec> schema = in->schema;
      in = Make(OpKind::Filter, std::move(in), std::move(schema));
      in->predicate = range.size() == 1 ? std::move(range[0]) : Expr::Call(Fn::And, Type::Bool, std::move(range));
    }
    std::vector<Expr> keys;
    for (const NamedExpr& item : m->by) keys.push_back(Scalar(item.expr));
    Expr bin = !given(bounds[0]) ? Expr::Call(Fn::Bin, axis.type, {axis, Expr::Constant(*step)})
                                 : Expr::Call(Fn::BinAt, axis.type, {axis, Expr::Constant(*step), bounds[0]});
    std::vector<exec::AggregateSpec> specs;
    std::vector<Value> defaults;
    for (const syntax::MakeSeries::Aggregate& a : m->aggregates) {
      const size_t before = specs.size();
      if (!Aggregate(a.agg.expr, in->schema, out, keys.size(), specs)) return nullptr;
      if (specs.size() != before + 1 || AggregateOutputTypes(specs.back()).size() != 1) {
        return Failed(a.agg.expr, "a make-series aggregate of several columns");
      }
      const size_t column = keys.size() + before;
      if (column + 1 >= out.size()) return Failed(a.agg.expr, "this make-series' columns");
      specs.back().names.push_back(out[column].name);
      // default=: the value of empty bins (0 unless given).
      Value fill = Value::Integer(Type::Long, 0);
      if (a.default_value) {
        std::optional<Value> v = ConstantArg(a.default_value);
        if (!v) return nullptr;
        fill = *v;
      }
      defaults.push_back(std::move(fill));
    }
    if (keys.size() + specs.size() + 1 != out.size()) return Failed(m, "this make-series' columns");
    std::vector<ColumnSpec> schema;
    for (size_t i = 0; i < keys.size(); ++i) schema.push_back({out[i].name, keys[i].type});
    schema.push_back({out.back().name, axis.type});
    for (const exec::AggregateSpec& a : specs) schema.push_back({a.names[0], AggregateOutputTypes(a)[0]});
    keys.push_back(std::move(bin));
    auto aggregate = Make(OpKind::Aggregate, std::move(in), std::move(schema));
    aggregate->exprs = std::move(keys);
    aggregate->aggregates = std::move(specs);
    auto op = Make(OpKind::MakeSeries, std::move(aggregate), out);
    op->series_keys = m->by.size();
    op->series_bounds = {std::move(bounds[0]), std::move(bounds[1])};
    op->series_step = *step;
    op->series_defaults = std::move(defaults);
    op->series_nonempty = nonempty;
    // The keys keep the types they were computed in; the binder's are the same but for widening.
    for (size_t i = 0; i < op->series_keys; ++i) op->schema[i].type = op->input->schema[i].type;
    return Conform(std::move(op), out);
  }

  // Whether a chain (or a chain it reads) scans a table: an mv-apply subquery is fed only its row.
  static bool ReadsTable(const Op& root) {
    for (const Op* o = &root; o; o = o->input.get()) {
      if (o->kind == OpKind::Scan) return true;
      for (const auto& other : o->others) {
        if (ReadsTable(*other)) return true;
      }
    }
    return false;
  }

  static constexpr size_t kMaxDepth = 64;
  // The values range() gives at most (range-function docs: 2^20), and the rows of the range
  // operator (mv-expand's default limit; the operator's docs state none).
  static constexpr int64_t kRangeFunctionLimit = 1 << 20;
  static constexpr int64_t kRangeOperatorLimit = 2147483647;
  const BoundQuery& bound_;
  const Reporter& report_;
  const LowerOptions& options_;
  bool ok_ = true;
  std::vector<Scope> scopes_;
  std::unordered_map<const Lambda*, std::string> called_;  // the argument types of its calls
  // an mv-apply subquery's input (by its PipeInput), until used
  std::unordered_map<const Node*, std::unique_ptr<Op>> piped_;
  // invoke's input (by the Invoke): a subplan every use of the parameter reads
  std::unordered_map<const Node*, std::shared_ptr<Op>> invoked_;
  // The aggregates of a summarize whose items compute on them.
  struct AggregateScope {
    const std::vector<ColumnSpec>* in;   // the summarize's input
    const std::vector<ColumnSpec>* out;  // its bound output
    size_t keys;
    std::vector<exec::AggregateSpec> specs;
    size_t width;  // the Aggregate's columns so far
  };
  AggregateScope* aggregate_ = nullptr;  // while lowering a computed summarize item
  WindowScope* extras_ = nullptr;  // the scope collecting appended columns, if any
  std::unordered_map<const Node*, std::shared_ptr<Op>> shared_;  // per let value: its subplan
  size_t inlining_ = 0;
  size_t tabular_depth_ = 0;
};

Expr Lowerer::Scalar(const syntax::Expr* e) {
  switch (e->kind) {
    case Kind::Literal: {
      const auto* l = e->As<Literal>();
      if (l->is_null) return Expr::Constant(Value::Null(l->type));
      switch (l->type) {
        case Type::Real: return Expr::Constant(Value::Real(l->real));
        case Type::Decimal: return Fail(e, "a decimal literal");
        case Type::String: return Expr::Constant(Value::String(l->text));
        case Type::Guid: return Expr::Constant(Value{Type::Guid, false, 0, 0, l->text});
        default: return Expr::Constant(Value::Integer(l->type, l->integer));
      }
    }
    case Kind::Name: {
      const auto* n = e->As<Name>();
      if (n->column >= 0) {
        if (aggregate_) return Fail(e, "a column outside the aggregates of a computed summarize item");
        return Expr::Column(n->column, e->type);
      }
      return LetName(n);
    }
    case Kind::Logical: {
      const auto* l = e->As<Logical>();
      std::vector<Expr> terms;
      for (const syntax::Expr* t : l->terms) terms.push_back(Scalar(t));
      return Expr::Call(l->op == LogicalOp::And ? Fn::And : Fn::Or, Type::Bool, std::move(terms));
    }
    case Kind::Unary: {
      const auto* u = e->As<Unary>();
      Expr operand = Scalar(u->operand);
      if (u->op == UnaryOp::Plus) return operand;
      return Expr::Call(Fn::Neg, operand.type, {std::move(operand)});
    }
    case Kind::Binary: return Binary(e->As<syntax::Binary>());
    case Kind::InList: return In(e->As<InList>());
    case Kind::Between: return Between(e->As<syntax::Between>());
    case Kind::Call: return Call(e->As<syntax::Call>());
    case Kind::Member: {
      const auto* m = e->As<Member>();
      Expr object = Scalar(m->object);
      if (object.type != Type::Dynamic) return Fail(e, "member access on a value that is not dynamic");
      return Expr::Call(Fn::Member, Type::Dynamic, {std::move(object), Expr::Constant(Value::String(m->member.name))});
    }
    case Kind::Index: {
      const auto* ix = e->As<syntax::Index>();
      Expr object = Scalar(ix->object);
      Expr index = Scalar(ix->index);
      if (object.type != Type::Dynamic) return Fail(e, "indexing a value that is not dynamic");
      if (IsStringLike(index.type)) return Expr::Call(Fn::Member, Type::Dynamic, {std::move(object), std::move(index)});
      if (index.type != Type::Long && index.type != Type::Int) return Fail(ix->index, "an index of this type");
      return Expr::Call(Fn::Index, Type::Dynamic, {std::move(object), Convert(std::move(index), Type::Long)});
    }
    case Kind::Dynamic: case Kind::DynArray: case Kind::DynBag: return Json(e);
    case Kind::Subquery: return Fail(e, "a subquery in a scalar position");
    default: return Fail(e, KqlName(e->kind));
  }
}

}  // namespace

std::unique_ptr<Op> Lower(const Ast& ast, const BoundQuery& bound, const Reporter& report,
                          const LowerOptions& options) {
  if (!ast.root->result) return nullptr;
  return Lowerer(bound, report, options).Run(ast.root);
}

}  // namespace huntc::ir
