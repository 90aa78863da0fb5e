// Code generation for IR scalar expressions (see codegen.h).
#include "compiler/jit/codegen.h"

#include <optional>

#include <fmt/format.h>
#include <re2/re2.h>

#include "runtime/exec/agg_table.h"
#include "runtime/exec/eval.h"
#include "runtime/exec/functions.h"
#include "runtime/exec/json.h"
#include "runtime/exec/kernel_entry.h"
#include "runtime/regex.h"

namespace huntc::jit {

using ir::Expr;
using ir::ExprKind;
using ir::Fn;

const std::vector<HelperSymbol>& KernelHelpers() {
  // The case-sensitive comparisons are linked into kernels as bitcode (helpers_bitcode.h).
  static const std::vector<HelperSymbol> helpers = {
      {"huntc_str_eq_ci", reinterpret_cast<void*>(&huntc_str_eq_ci)},
      {"huntc_str_startswith", reinterpret_cast<void*>(&huntc_str_startswith)},
      {"huntc_str_endswith", reinterpret_cast<void*>(&huntc_str_endswith)},
      {"huntc_str_has", reinterpret_cast<void*>(&huntc_str_has)},
      {"huntc_str_hasprefix", reinterpret_cast<void*>(&huntc_str_hasprefix)},
      {"huntc_str_hassuffix", reinterpret_cast<void*>(&huntc_str_hassuffix)},
      {"huntc_str_contains", reinterpret_cast<void*>(&huntc_str_contains)},
      {"huntc_str_in_set", reinterpret_cast<void*>(&huntc_str_in_set)},
      {"huntc_regex_matches", reinterpret_cast<void*>(&huntc_regex_matches)},
      {"huntc_regex_extract", reinterpret_cast<void*>(&huntc_regex_extract)},
      {"huntc_bin_long", reinterpret_cast<void*>(&huntc_bin_long)},
      {"huntc_bin_real", reinterpret_cast<void*>(&huntc_bin_real)},
      {"huntc_strlen", reinterpret_cast<void*>(&huntc_strlen)},
      {"huntc_datetime_diff", reinterpret_cast<void*>(&huntc_datetime_diff)},
      {"huntc_datetime_add", reinterpret_cast<void*>(&huntc_datetime_add)},
      {"huntc_ipv4_is_private", reinterpret_cast<void*>(&huntc_ipv4_is_private)},
      {"huntc_ipv4_is_in_range", reinterpret_cast<void*>(&huntc_ipv4_is_in_range)},
      {"huntc_ipv4_compare", reinterpret_cast<void*>(&huntc_ipv4_compare)},
      {"huntc_kernel_scratch_reset", reinterpret_cast<void*>(&huntc_kernel_scratch_reset)},
      {"huntc_countof", reinterpret_cast<void*>(&huntc_countof)},
      {"huntc_string_fn", reinterpret_cast<void*>(&huntc_string_fn)},
      {"huntc_tostring", reinterpret_cast<void*>(&huntc_tostring)},
      {"huntc_indexof", reinterpret_cast<void*>(&huntc_indexof)},
      {"huntc_split", reinterpret_cast<void*>(&huntc_split)},
      {"huntc_substring", reinterpret_cast<void*>(&huntc_substring)},
      {"huntc_strcat", reinterpret_cast<void*>(&huntc_strcat)},
      {"huntc_literals_match", reinterpret_cast<void*>(&huntc_literals_match)},
      {"huntc_replace_regex", reinterpret_cast<void*>(&huntc_replace_regex)},
      {"huntc_trim", reinterpret_cast<void*>(&huntc_trim)},
      {"huntc_replace_string", reinterpret_cast<void*>(&huntc_replace_string)},
      {"huntc_dyn_convert", reinterpret_cast<void*>(&huntc_dyn_convert)},
      {"huntc_dyn_member", reinterpret_cast<void*>(&huntc_dyn_member)},
      {"huntc_dyn_index", reinterpret_cast<void*>(&huntc_dyn_index)},
      {"huntc_extractjson", reinterpret_cast<void*>(&huntc_extractjson)},
      {"huntc_parse_member", reinterpret_cast<void*>(&huntc_parse_member)},
      {"huntc_array_length", reinterpret_cast<void*>(&huntc_array_length)},
      {"huntc_array_slice", reinterpret_cast<void*>(&huntc_array_slice)},
      {"huntc_strcat_array", reinterpret_cast<void*>(&huntc_strcat_array)},
      {"huntc_parse_command_line", reinterpret_cast<void*>(&huntc_parse_command_line)},
      {"huntc_column_append", reinterpret_cast<void*>(&huntc_column_append)},
      // summarize (runtime/exec/agg_table.h)
      {"huntc_agg_group", reinterpret_cast<void*>(&huntc_agg_group)},
      {"huntc_agg_groups", reinterpret_cast<void*>(&huntc_agg_groups)},
      {"huntc_agg_code_cache", reinterpret_cast<void*>(&huntc_agg_code_cache)},
      {"huntc_agg_key_cache", reinterpret_cast<void*>(&huntc_agg_key_cache)},
      {"huntc_agg_key_add", reinterpret_cast<void*>(&huntc_agg_key_add)},
      {"huntc_agg_bytes_equal", reinterpret_cast<void*>(&huntc_agg_bytes_equal)},
      {"huntc_agg_hash_str", reinterpret_cast<void*>(&huntc_agg_hash_str)},
      {"huntc_agg_dcount_int", reinterpret_cast<void*>(&huntc_agg_dcount_int)},
      {"huntc_agg_dcount_real", reinterpret_cast<void*>(&huntc_agg_dcount_real)},
      {"huntc_agg_dcount_str", reinterpret_cast<void*>(&huntc_agg_dcount_str)},
      {"huntc_agg_dcount_code", reinterpret_cast<void*>(&huntc_agg_dcount_code)},
      {"huntc_agg_list_int", reinterpret_cast<void*>(&huntc_agg_list_int)},
      {"huntc_agg_list_str", reinterpret_cast<void*>(&huntc_agg_list_str)},
      {"huntc_agg_list_code", reinterpret_cast<void*>(&huntc_agg_list_code)},
      {"huntc_agg_list_dyn", reinterpret_cast<void*>(&huntc_agg_list_dyn)},
      {"huntc_agg_pick_str", reinterpret_cast<void*>(&huntc_agg_pick_str)},
      {"huntc_agg_arg_int", reinterpret_cast<void*>(&huntc_agg_arg_int)},
      {"huntc_agg_arg_real", reinterpret_cast<void*>(&huntc_agg_arg_real)},
      {"huntc_agg_arg_str", reinterpret_cast<void*>(&huntc_agg_arg_str)},
  };
  return helpers;
}

namespace {

// In-list sizes above this use a hash set instead of a chain of comparisons.
constexpr size_t kMaxInlineIn = 4;
// From this many string literals on one value (has_any, or an `or` of tests on one column) on,
// one Hyperscan pass beats a helper call per literal: measured with bench-kernels, 12 literals
// of has_any 55 against 7.6 M rows per CPU second, and one `has` 83.
constexpr size_t kMinPooledLiterals = 2;

void MarkColumns(const Expr& e, std::vector<bool>& used) {
  if (e.kind == ExprKind::Column) used[e.column] = true;
  for (const Expr& a : e.args) MarkColumns(a, used);
}

}  // namespace

ExprCodegen::ExprCodegen(llvm::Module& module, const std::vector<ColumnSpec>& columns, KernelObjects& objects)
    : ctx_(module.getContext()), module_(module), b_(ctx_), columns_(columns), objects_(objects) {}

llvm::StructType* ExprCodegen::ViewType() {
  auto* ptr = b_.getPtrTy();
  return llvm::StructType::get(ctx_, {ptr, ptr, ptr, ptr, ptr, ptr, b_.getInt32Ty()});
}

ExprCodegen::Dictionary ExprCodegen::LoadDictionary(llvm::Value* columns, size_t c) {
  llvm::StructType* view_type = ViewType();
  llvm::Value* view = b_.CreateConstInBoundsGEP1_64(view_type, columns, c);
  auto field = [&](unsigned f) {
    return b_.CreateLoad(view_type->getElementType(f), b_.CreateStructGEP(view_type, view, f));
  };
  return Dictionary{field(4), field(5), field(6), field(2), field(3)};
}

void ExprCodegen::LoadInputs(llvm::Value* columns, llvm::Value* context, const std::vector<const Expr*>& exprs) {
  auto* ptr = b_.getPtrTy();
  llvm::StructType* view_type = ViewType();
  auto* context_type = llvm::StructType::get(ctx_, {b_.getInt64Ty(), ptr});
  now_ = b_.CreateLoad(b_.getInt64Ty(), b_.CreateStructGEP(context_type, context, 0), "now");
  objects_ptr_ = b_.CreateLoad(ptr, b_.CreateStructGEP(context_type, context, 1), "objects");
  std::vector<bool> used(columns_.size(), false);
  for (const Expr* e : exprs) MarkColumns(*e, used);
  pointers_.resize(columns_.size());
  for (size_t c = 0; c < columns_.size(); ++c) {
    if (!used[c]) continue;
    llvm::Value* view = b_.CreateConstInBoundsGEP1_64(view_type, columns, c);
    auto field = [&](unsigned f) { return b_.CreateLoad(ptr, b_.CreateStructGEP(view_type, view, f)); };
    pointers_[c] = {field(0), field(1), field(2), field(3)};
  }
}

// The validity of a value computed from several operands: valid only if all are.
llvm::Value* ExprCodegen::AllValid(std::initializer_list<const Val*> vals) {
  llvm::Value* out = nullptr;
  for (const Val* v : vals) {
    if (!v->valid) continue;
    out = out ? b_.CreateAnd(out, v->valid) : v->valid;
  }
  return out;
}

llvm::Type* ExprCodegen::LlvmType(Type t) {
  switch (t) {
    case Type::Bool: return b_.getInt1Ty();
    case Type::Int: return b_.getInt32Ty();
    case Type::Long:
    case Type::DateTime:
    case Type::TimeSpan: return b_.getInt64Ty();
    case Type::Real:
    case Type::Decimal: return b_.getDoubleTy();
    default: return b_.getPtrTy();
  }
}

Val ExprCodegen::Gen(const Expr& e) {
  if (precomputed_ && e.kind == ExprKind::Call) {
    if (std::optional<Val> v = GenPrecomputed(e)) return *v;
  }
  switch (e.kind) {
    case ExprKind::Column: return GenColumn(e);
    case ExprKind::Constant: return GenConstant(e.value);
    case ExprKind::Now: return Val{now_};
    case ExprKind::Call: return GenCall(e);
  }
  throw Unsupported{"an unknown expression"};
}

Val ExprCodegen::GenColumn(const Expr& e) {
  const ColumnPointers& p = pointers_[e.column];
  const Type t = columns_[e.column].type;
  if (IsStringLike(t) || t == Type::Dynamic) {
    llvm::Value* off0 = b_.CreateLoad(b_.getInt32Ty(), b_.CreateInBoundsGEP(b_.getInt32Ty(), p.offsets, row_));
    llvm::Value* off1 = b_.CreateLoad(
        b_.getInt32Ty(), b_.CreateInBoundsGEP(b_.getInt32Ty(), p.offsets, b_.CreateAdd(row_, b_.getInt64(1))));
    llvm::Value* ptr = b_.CreateInBoundsGEP(b_.getInt8Ty(), p.bytes, b_.CreateZExt(off0, b_.getInt64Ty()));
    Val text{ptr, b_.CreateSub(off1, off0), nullptr};  // an absent string reads as ""
    // A dynamic cell is null where its validity says (its text is then empty).
    if (t == Type::Dynamic) {
      text.valid = b_.CreateICmpNE(
          b_.CreateLoad(b_.getInt8Ty(), b_.CreateInBoundsGEP(b_.getInt8Ty(), p.valid, row_)), b_.getInt8(0));
    }
    return text;
  }
  llvm::Value* valid = b_.CreateICmpNE(
      b_.CreateLoad(b_.getInt8Ty(), b_.CreateInBoundsGEP(b_.getInt8Ty(), p.valid, row_)), b_.getInt8(0));
  if (t == Type::Bool) {
    llvm::Value* byte = b_.CreateLoad(b_.getInt8Ty(), b_.CreateInBoundsGEP(b_.getInt8Ty(), p.values, row_));
    return Val{b_.CreateICmpNE(byte, b_.getInt8(0)), nullptr, valid};
  }
  llvm::Type* type = LlvmType(t);
  return Val{b_.CreateLoad(type, b_.CreateInBoundsGEP(type, p.values, row_)), nullptr, valid};
}

Val ExprCodegen::GenConstant(const ir::Value& v) {
  if (v.type == Type::Dynamic) throw Unsupported{"a dynamic constant"};
  if (IsStringLike(v.type)) {
    llvm::Constant* text = b_.CreateGlobalString(v.text, "str", 0, &module_);
    return Val{text, b_.getInt32(static_cast<uint32_t>(v.text.size())), nullptr};
  }
  llvm::Type* type = LlvmType(v.type == Type::Null ? Type::Bool : v.type);
  if (v.is_null) return Val{llvm::Constant::getNullValue(type), nullptr, b_.getFalse()};
  if (type->isDoubleTy()) return Val{llvm::ConstantFP::get(type, v.real)};
  return Val{llvm::ConstantInt::get(type, static_cast<uint64_t>(v.integer), true)};
}

llvm::FunctionCallee ExprCodegen::Helper(const char* name, bool with_object, size_t string_args, bool with_flag) {
  std::vector<llvm::Type*> params;
  if (with_object) params.push_back(b_.getPtrTy());
  for (size_t i = 0; i < string_args; ++i) {
    params.push_back(b_.getPtrTy());
    params.push_back(b_.getInt32Ty());
  }
  if (with_flag) params.push_back(b_.getInt32Ty());
  auto callee = module_.getOrInsertFunction(name, llvm::FunctionType::get(b_.getInt32Ty(), params, false));
  auto* f = llvm::dyn_cast<llvm::Function>(callee.getCallee());
  // A regular expression updates its match cache, Hyperscan its scratch space.
  if (f && std::string_view(name) != "huntc_regex_matches" && std::string_view(name) != "huntc_literals_match") {
    f->setOnlyReadsMemory();
    f->setDoesNotThrow();
    f->setWillReturn();
  }
  return callee;
}

llvm::Value* ExprCodegen::Object(int index) {
  return b_.CreateLoad(b_.getPtrTy(), b_.CreateConstInBoundsGEP1_64(b_.getPtrTy(), objects_ptr_, index));
}

llvm::Value* ExprCodegen::CallStringTest(const char* name, const Val& a, const Val& b, int flag) {
  std::vector<llvm::Value*> args{a.v, a.len, b.v, b.len};
  if (flag >= 0) args.push_back(b_.getInt32(flag));
  return b_.CreateICmpNE(b_.CreateCall(Helper(name, false, 2, flag >= 0), args), b_.getInt32(0));
}

llvm::Value* ExprCodegen::MatchLiterals(std::vector<LiteralMatcher::Literal> literals, const Val& x, bool all) {
  // Only checking that the kernel compiles (KernelObjects::matchers): a matcher's test always does.
  if (!objects_.matchers) return b_.getFalse();
  std::string error;
  std::unique_ptr<LiteralMatcher> matcher = objects_.matchers->MakeMatcher(literals, error);
  if (!matcher) return nullptr;
  llvm::Value* object = Object(objects_.AddMatcher(std::move(matcher), literals));
  llvm::Value* hit = b_.CreateCall(Helper("huntc_literals_match", true, 1, true), {object, x.v, x.len, b_.getInt32(all)});
  return b_.CreateICmpNE(hit, b_.getInt32(0));
}

llvm::Value* ExprCodegen::GenPooledTests(const Expr& e, std::vector<const Expr*>& rest) {
  std::vector<bool> pooled(e.args.size(), false);
  llvm::Value* any = nullptr;
  for (exec::LiteralTestGroup& group : exec::OrLiteralTestGroups(e)) {
    llvm::Value* hit = MatchLiterals(std::move(group.literals), Gen(e.args[group.operands[0]].args[0]), false);
    if (!hit) continue;
    any = any ? b_.CreateOr(any, hit) : hit;
    for (size_t j : group.operands) pooled[j] = true;
  }
  for (size_t k = 0; k < e.args.size(); ++k) {
    if (!pooled[k]) rest.push_back(&e.args[k]);
  }
  return any;
}

Val ExprCodegen::GenLogic(const Expr& e) {
  std::vector<Val> terms;
  // In a pack scan kernel the string tests are precomputed (pooled over the whole pack) already.
  std::vector<const Expr*> rest;
  if (e.fn == Fn::Or && !precomputed_) {
    if (llvm::Value* pooled = GenPooledTests(e, rest)) terms.push_back(Val{pooled});
  } else {
    for (const Expr& a : e.args) rest.push_back(&a);
  }
  for (const Expr* a : rest) terms.push_back(Gen(*a));
  if (e.fn == Fn::Not) return Val{b_.CreateNot(terms[0].v), nullptr, terms[0].valid};
  // and: false if any term is false, else null if any is null. or: the dual.
  const bool is_and = e.fn == Fn::And;
  llvm::Value* decided = b_.getFalse();  // some term is (valid and) false for and, true for or
  llvm::Value* all_valid = b_.getTrue();
  for (const Val& t : terms) {
    llvm::Value* hit = is_and ? b_.CreateNot(t.v) : t.v;
    if (t.valid) {
      hit = b_.CreateAnd(hit, t.valid);
      all_valid = b_.CreateAnd(all_valid, t.valid);
    }
    decided = b_.CreateOr(decided, hit);
  }
  return Val{is_and ? b_.CreateNot(decided) : decided, nullptr, b_.CreateOr(decided, all_valid)};
}

llvm::Value* ExprCodegen::Compare(Fn fn, Type t, const Val& l, const Val& r) {
  if (l.v->getType() != r.v->getType()) throw Unsupported{"a comparison of values of two types"};
  if (t == Type::Dynamic) throw Unsupported{"a comparison of dynamic values"};
  if (IsStringLike(t)) {
    if (fn == Fn::Eq || fn == Fn::Ne) {
      llvm::Value* eq = CallStringTest("huntc_str_eq", l, r, -1);
      return fn == Fn::Eq ? eq : b_.CreateNot(eq);
    }
    throw Unsupported{"ordering comparison (<, >) of strings"};
  }
  if (t == Type::Real || t == Type::Decimal) {
    switch (fn) {
      case Fn::Eq: return b_.CreateFCmpOEQ(l.v, r.v);
      case Fn::Ne: return b_.CreateFCmpUNE(l.v, r.v);
      case Fn::Lt: return b_.CreateFCmpOLT(l.v, r.v);
      case Fn::Le: return b_.CreateFCmpOLE(l.v, r.v);
      case Fn::Gt: return b_.CreateFCmpOGT(l.v, r.v);
      default: return b_.CreateFCmpOGE(l.v, r.v);
    }
  }
  switch (fn) {
    case Fn::Eq: return b_.CreateICmpEQ(l.v, r.v);
    case Fn::Ne: return b_.CreateICmpNE(l.v, r.v);
    case Fn::Lt: return b_.CreateICmpSLT(l.v, r.v);
    case Fn::Le: return b_.CreateICmpSLE(l.v, r.v);
    case Fn::Gt: return b_.CreateICmpSGT(l.v, r.v);
    default: return b_.CreateICmpSGE(l.v, r.v);
  }
}

Val ExprCodegen::GenComparison(const Expr& e) {
  const Val l = Gen(e.args[0]), r = Gen(e.args[1]);
  llvm::Value* cmp = Compare(e.fn, e.args[0].type, l, r);
  if (e.fn != Fn::Eq && e.fn != Fn::Ne) return Val{cmp, nullptr, AllValid({&l, &r})};
  // == and != with one null operand are false and true; with two, null.
  llvm::Value* both = AllValid({&l, &r});
  if (!both) return Val{cmp};
  llvm::Value* either = b_.CreateOr(Valid(l), Valid(r));
  llvm::Value* v = e.fn == Fn::Eq ? b_.CreateAnd(both, cmp) : b_.CreateOr(b_.CreateNot(both), cmp);
  return Val{v, nullptr, either};
}

Val ExprCodegen::GenIn(const Expr& e) {
  const Val value = Gen(e.args[0]);
  const Type t = e.args[0].type;
  const bool ci = e.fn == Fn::InCi;
  const size_t count = e.args.size() - 1;
  if (t == Type::Dynamic) throw Unsupported{fmt::format("'{}' of a dynamic value", ir::FnName(e.fn))};
  llvm::Value* any = b_.getFalse();
  for (size_t k = 1; k < e.args.size(); ++k) {
    if (e.args[k].kind != ExprKind::Constant) throw Unsupported{"a list item that is not a constant"};
  }
  if (IsStringLike(t) && count > kMaxInlineIn) {
    std::vector<std::string> values;
    for (size_t k = 1; k < e.args.size(); ++k) values.push_back(e.args[k].value.text);
    const int index = objects_.AddSet(values, ci);
    llvm::Value* set = Object(index);
    any = b_.CreateICmpNE(b_.CreateCall(Helper("huntc_str_in_set", true, 1, false), {set, value.v, value.len}),
                          b_.getInt32(0));
  } else {
    for (size_t k = 1; k < e.args.size(); ++k) {
      const Val item = Gen(e.args[k]);
      if (item.valid) continue;  // a null in the list matches nothing
      llvm::Value* hit = IsStringLike(t) ? CallStringTest(ci ? "huntc_str_eq_ci" : "huntc_str_eq", value, item, -1)
                                         : Compare(Fn::Eq, t, value, item);
      any = b_.CreateOr(any, hit);
    }
  }
  // A null value is in no list.
  return Val{value.valid ? b_.CreateAnd(any, value.valid) : any};
}

// has_any / has_all over constant terms (strings, or dynamic arrays of them, whose null items
// are left out as the interpreter leaves them out): one `has` test per term.
Val ExprCodegen::GenHasList(const Expr& e) {
  if (!IsStringLike(e.args[0].type)) {
    throw Unsupported{fmt::format("'{}' of a {} value", ir::FnName(e.fn), TypeName(e.args[0].type))};
  }
  std::vector<std::string> terms;
  for (size_t k = 1; k < e.args.size(); ++k) {
    const Expr& item = e.args[k];
    if (item.kind != ExprKind::Constant) throw Unsupported{"a list item that is not a constant"};
    if (item.value.is_null) continue;
    if (IsStringLike(item.type)) {
      terms.push_back(item.value.text);
      continue;
    }
    if (item.type != Type::Dynamic) throw Unsupported{fmt::format("a {} term of '{}'", TypeName(item.type), ir::FnName(e.fn))};
    const std::optional<exec::Json> json = exec::Json::Parse(item.value.text);
    if (!json) throw Unsupported{"a dynamic term list that is not valid JSON"};
    if (json->IsArray()) {
      for (const exec::Json& j : json->items()) {
        if (!j.IsNull()) terms.push_back(j.ToText());
      }
    } else if (!json->IsNull()) {
      terms.push_back(json->ToText());
    }
  }
  const bool all = e.fn == Fn::HasAll;
  const Val x = Gen(e.args[0]);
  if (terms.size() >= kMinPooledLiterals) {
    std::vector<LiteralMatcher::Literal> literals;
    for (const std::string& t : terms) literals.push_back({t, LiteralMatcher::Mode::Term, false});
    if (llvm::Value* hit = MatchLiterals(std::move(literals), x, all)) return Val{hit};
  }
  llvm::Value* result = b_.getInt1(all);  // no terms: has_any is false, has_all true
  for (const std::string& t : terms) {
    llvm::Value* hit = CallStringTest("huntc_str_has", x, GenConstant(ir::Value::String(t)), 0);
    result = all ? b_.CreateAnd(result, hit) : b_.CreateOr(result, hit);
  }
  return Val{result};
}

// `matches regex` and extract() with a constant pattern, compiled once with the interpreter's
// options. Like the interpreter, an invalid pattern (which lowering reports as HC408) matches
// nothing.
Val ExprCodegen::GenRegex(const Expr& e) {
  const bool extract = e.fn == Fn::Extract;
  const Expr& subject = e.args[extract ? 2 : 0];
  const Expr& pattern = e.args[extract ? 0 : 1];
  const std::string_view name = ir::FnName(e.fn);
  if (!IsStringLike(subject.type)) throw Unsupported{fmt::format("'{}' of a {} value", name, TypeName(subject.type))};
  if (extract && e.type != Type::String) throw Unsupported{fmt::format("'extract' to a {} value", TypeName(e.type))};
  if (pattern.kind != ExprKind::Constant || !IsStringLike(pattern.type)) {
    throw Unsupported{fmt::format("'{}' with a pattern that is not a constant string", name)};
  }
  // A null pattern reads as "", as the interpreter reads it.
  const std::string text = pattern.value.is_null ? std::string() : pattern.value.text;
  std::shared_ptr<const re2::RE2> re = SharedRegex(text);
  const Val x = Gen(subject);
  if (!re->ok()) {
    return extract ? Val{x.v, b_.getInt32(0)} : Val{b_.getFalse()};  // extract: "" (a null string)
  }
  llvm::Value* object = Object(objects_.AddRegex(std::move(re), text));
  if (!extract) {
    llvm::Value* hit = b_.CreateCall(Helper("huntc_regex_matches", true, 1, false), {object, x.v, x.len});
    return Val{b_.CreateICmpNE(hit, b_.getInt32(0))};
  }
  // "" where nothing matched: a string column's null is the empty string.
  const Val group = Gen(e.args[1]);
  if (!group.v->getType()->isIntegerTy()) throw Unsupported{"'extract' with a group that is not an integer"};
  llvm::Value* g = b_.CreateSExt(group.v, b_.getInt64Ty());
  if (group.valid) g = b_.CreateSelect(group.valid, g, b_.getInt64(-1));
  const Val place = CallEntry("huntc_regex_extract", {object, g, x.v, x.len}, b_.getInt64Ty(), nullptr);
  llvm::Value* where = b_.CreateSelect(place.valid, place.v, b_.getInt64(0));
  llvm::Value* offset = b_.CreateLShr(where, b_.getInt64(32));
  llvm::Value* length = b_.CreateTrunc(where, b_.getInt32Ty());
  return Val{b_.CreateInBoundsGEP(b_.getInt8Ty(), x.v, offset), length};
}

Val ExprCodegen::Select(llvm::Value* cond, const Val& a, const Val& b) {
  if (a.v->getType() != b.v->getType()) throw Unsupported{"a conditional whose branches have two types"};
  Val out{b_.CreateSelect(cond, a.v, b.v)};
  if (a.len) out.len = b_.CreateSelect(cond, a.len, b.len);
  if (a.valid || b.valid) out.valid = b_.CreateSelect(cond, Valid(a), Valid(b));
  return out;
}

// iff, case and coalesce over values lowering has converted to the result's type. Every branch
// is computed (none can trap) and the one taken is selected, as the interpreter picks it: iff
// and case take the first true condition (a null one is not true), coalesce the first value
// that is not null (nor, for strings, empty), else the last.
Val ExprCodegen::GenConditional(const Expr& e) {
  std::vector<Val> args;
  for (const Expr& a : e.args) args.push_back(Gen(a));
  Val out = args.back();
  if (e.fn == Fn::Coalesce) {
    for (size_t k = args.size() - 1; k-- > 0;) {
      llvm::Value* take = Valid(args[k]);
      if (IsStringLike(e.args[k].type)) take = b_.CreateAnd(take, b_.CreateICmpNE(args[k].len, b_.getInt32(0)));
      out = Select(take, args[k], out);
    }
    return out;
  }
  // iff(c, a, b) is case(c, a, b): pairs of condition and value, then the else value.
  for (size_t p = args.size() - 1; p >= 2;) {
    p -= 2;
    out = Select(IsTrue(args[p]), args[p + 1], out);
  }
  return out;
}

// A value sanitised for a call: zero where it is null, so the callee never sees leftover bytes.
llvm::Value* ExprCodegen::OrZero(const Val& v) {
  return v.valid ? b_.CreateSelect(v.valid, v.v, llvm::Constant::getNullValue(v.v->getType())) : v.v;
}

Val ExprCodegen::CallEntry(const char* name, std::vector<llvm::Value*> args, llvm::Type* out_type,
                           llvm::Value* args_valid) {
  // The result slot lives in the entry block: an alloca inside the row loop would grow the stack
  // on every row.
  llvm::Function* fn = b_.GetInsertBlock()->getParent();
  llvm::IRBuilder<> entry(&fn->getEntryBlock(), fn->getEntryBlock().begin());
  llvm::Value* slot = entry.CreateAlloca(out_type);
  std::vector<llvm::Type*> params;
  for (llvm::Value* a : args) params.push_back(a->getType());
  params.push_back(b_.getPtrTy());
  args.push_back(slot);
  auto callee = module_.getOrInsertFunction(name, llvm::FunctionType::get(b_.getInt32Ty(), params, false));
  llvm::Value* ok = b_.CreateICmpNE(b_.CreateCall(callee, args), b_.getInt32(0));
  return Val{b_.CreateLoad(out_type, slot), nullptr, args_valid ? b_.CreateAnd(args_valid, ok) : ok};
}

// Scalar functions computed by the interpreter's own code (runtime/exec/kernel_entry.h).
Val ExprCodegen::GenEntryCall(const Expr& e) {
  if (e.fn == Fn::Strlen && e.args[0].type == Type::Dynamic) {  // of its tostring(), as the interpreter reads it
    const Val x = GenFromDynamic(e.args[0], Type::String);
    return CallEntry("huntc_strlen", {x.v, x.len}, b_.getInt64Ty(), nullptr);
  }
  std::vector<Val> args;
  for (const Expr& a : e.args) args.push_back(Gen(a));
  const auto require_strings = [&](size_t count) {
    for (size_t k = 0; k < count; ++k) {
      if (!IsStringLike(e.args[k].type)) {
        throw Unsupported{fmt::format("'{}' of a {} value", ir::FnName(e.fn), TypeName(e.args[k].type))};
      }
    }
  };
  const auto as_bool = [&](Val v) { return Val{b_.CreateICmpNE(v.v, b_.getInt32(0)), nullptr, v.valid}; };
  switch (e.fn) {
    case Fn::Strlen:
      require_strings(1);
      return CallEntry("huntc_strlen", {args[0].v, args[0].len}, b_.getInt64Ty(), nullptr);
    case Fn::Ipv4IsPrivate:
      require_strings(1);
      return as_bool(CallEntry("huntc_ipv4_is_private", {args[0].v, args[0].len}, b_.getInt32Ty(), nullptr));
    case Fn::Ipv4IsInRange:
      require_strings(2);
      return as_bool(CallEntry("huntc_ipv4_is_in_range", {args[0].v, args[0].len, args[1].v, args[1].len},
                               b_.getInt32Ty(), nullptr));
    case Fn::Ipv4Compare: {
      require_strings(2);
      // The prefix: 32 when absent, -1 (invalid) when null, as the interpreter passes it.
      llvm::Value* prefix = b_.getInt32(32);
      if (args.size() > 2) {
        if (!args[2].v->getType()->isIntegerTy()) throw Unsupported{"'ipv4_compare' with a prefix that is not an integer"};
        prefix = b_.CreateSExtOrTrunc(args[2].v, b_.getInt32Ty());
        if (args[2].valid) prefix = b_.CreateSelect(args[2].valid, prefix, b_.getInt32(-1));
      }
      return CallEntry("huntc_ipv4_compare", {args[0].v, args[0].len, args[1].v, args[1].len, prefix},
                       b_.getInt64Ty(), nullptr);
    }
    case Fn::DateTimeDiff: {
      require_strings(1);
      if (!args[1].v->getType()->isIntegerTy(64) || !args[2].v->getType()->isIntegerTy(64)) {
        throw Unsupported{"'datetime_diff' of values that are not datetimes"};
      }
      return CallEntry("huntc_datetime_diff", {args[0].v, args[0].len, OrZero(args[1]), OrZero(args[2])},
                       b_.getInt64Ty(), AllValid({&args[1], &args[2]}));
    }
    case Fn::DateTimeAdd: {
      require_strings(1);
      // The amount as the interpreter reads an integer (a bool is 0 or 1); a real is not compiled.
      llvm::Type* amount_type = args[1].v->getType();
      if (!amount_type->isIntegerTy() || !args[2].v->getType()->isIntegerTy(64)) {
        throw Unsupported{"'datetime_add' of values that are not an integer and a datetime"};
      }
      llvm::Value* amount = amount_type->isIntegerTy(1) ? b_.CreateZExt(OrZero(args[1]), b_.getInt64Ty())
                                                         : b_.CreateSExt(OrZero(args[1]), b_.getInt64Ty());
      llvm::Value* valid = AllValid({&args[1], &args[2]});
      // A constant period of fixed length (datetime_add('second', 5, Timestamp) in a join's
      // filter): d + amount * ticks inline, wrapping as the interpreter's does.
      const Expr& period = e.args[0];
      if (period.kind == ExprKind::Constant && !period.value.is_null) {
        if (const int64_t ticks = exec::PeriodTicks(period.value.text)) {
          return Val{b_.CreateAdd(OrZero(args[2]), b_.CreateMul(amount, b_.getInt64(ticks))), nullptr, valid};
        }
      }
      return CallEntry("huntc_datetime_add", {args[0].v, args[0].len, amount, OrZero(args[2])}, b_.getInt64Ty(), valid);
    }
    default: break;
  }
  // bin / bin_at: reals when the result is real, else integers (as 64 bits) of any width.
  const bool real = e.type == Type::Real || e.type == Type::Decimal;
  std::vector<llvm::Value*> values;
  for (const Val& a : args) {
    llvm::Type* t = a.v->getType();
    if (real ? !t->isDoubleTy() : !(t->isIntegerTy(32) || t->isIntegerTy(64))) {
      throw Unsupported{fmt::format("'{}' of a {} value", ir::FnName(e.fn), TypeName(e.type))};
    }
    values.push_back(real ? OrZero(a) : b_.CreateSExt(OrZero(a), b_.getInt64Ty()));
  }
  if (values.size() == 2) values.push_back(real ? llvm::ConstantFP::get(b_.getDoubleTy(), 0.0) : b_.getInt64(0));
  llvm::Value* valid = nullptr;
  for (const Val& a : args) {
    if (a.valid) valid = valid ? b_.CreateAnd(valid, a.valid) : a.valid;
  }
  if (real) return CallEntry("huntc_bin_real", values, b_.getDoubleTy(), valid);
  Val out;
  if (auto* size = llvm::dyn_cast<llvm::ConstantInt>(values[1]); size && size->getSExtValue() > 0) {
    // A positive constant size (bin(Timestamp, 1h), say): BinLong inline, without a call or a
    // branch: origin + FloorDiv(v - origin, size) * size, the division by a constant.
    llvm::Value* shifted = b_.CreateSub(values[0], values[2]);
    llvm::Value* floor = b_.CreateSub(b_.CreateSDiv(shifted, size),
                                      b_.CreateZExt(b_.CreateICmpSLT(b_.CreateSRem(shifted, size), b_.getInt64(0)),
                                                    b_.getInt64Ty()));
    out = Val{b_.CreateAdd(values[2], b_.CreateMul(floor, size)), nullptr, valid};
  } else {
    out = CallEntry("huntc_bin_long", values, b_.getInt64Ty(), valid);
  }
  out.v = b_.CreateTrunc(out.v, LlvmType(e.type));  // an int result keeps its low 32 bits, as the interpreter's
  return out;
}

void ExprCodegen::ResetScratchOnEntry() {
  llvm::Function* fn = b_.GetInsertBlock()->getParent();
  if (scratch_reset_in_ == fn) return;
  scratch_reset_in_ = fn;
  llvm::BasicBlock& entry = fn->getEntryBlock();
  llvm::IRBuilder<> at(&entry, entry.getFirstInsertionPt());
  at.CreateCall(module_.getOrInsertFunction("huntc_kernel_scratch_reset", llvm::FunctionType::get(b_.getVoidTy(), false)));
}

Val ExprCodegen::CallTyped(const char* name, std::vector<llvm::Value*> args, Type t, llvm::Value* args_valid) {
  const bool text = IsStringLike(t) || t == Type::Dynamic;
  llvm::Type* out_type = nullptr;
  switch (t) {
    case Type::Bool:
    case Type::Int: out_type = b_.getInt32Ty(); break;
    case Type::Long:
    case Type::DateTime:
    case Type::TimeSpan:
    case Type::Real:
    case Type::Decimal: out_type = LlvmType(t); break;
    default:
      if (!text) throw Unsupported{fmt::format("a {} result of '{}'", TypeName(t), name)};
      out_type = llvm::StructType::get(ctx_, {b_.getPtrTy(), b_.getInt32Ty()});
      ResetScratchOnEntry();
      break;
  }
  Val out = CallEntry(name, std::move(args), out_type, args_valid);
  if (text) {
    // The entry point stores "" for a null: a string is never null, a null dynamic's text is empty.
    llvm::Value* pair = out.v;
    return Val{b_.CreateExtractValue(pair, 0), b_.CreateExtractValue(pair, 1), t == Type::Dynamic ? out.valid : nullptr};
  }
  if (t == Type::Bool) out.v = b_.CreateICmpNE(out.v, b_.getInt32(0));
  return out;
}

std::vector<llvm::Value*> ExprCodegen::GenDocument(const Expr& e, bool strings_as_json) {
  // parse_json of a string is read from the string: the interpreter parses the text it makes of it.
  const bool parsed = e.kind == ExprKind::Call && e.fn == Fn::ParseJson && IsStringLike(e.args[0].type);
  const Expr& source = parsed ? e.args[0] : e;
  if (source.type != Type::Dynamic && !(IsStringLike(source.type) && (parsed || strings_as_json))) {
    throw Unsupported{fmt::format("a {} value read as dynamic", TypeName(source.type))};
  }
  ResetScratchOnEntry();  // the entry points keep the document they parsed last (kernel_entry.h)
  const Val d = Gen(source);
  const bool is_text = source.type != Type::Dynamic;
  return {d.v, d.len, b_.CreateZExt(Valid(d), b_.getInt32Ty()), b_.getInt32(is_text)};
}

Val ExprCodegen::GenDynamicAccess(const Expr& e, Type as) {
  std::vector<llvm::Value*> args;
  const char* name = nullptr;
  const Expr& doc = e.args[0];
  if (e.fn == Fn::Member && doc.kind == ExprKind::Call && (doc.fn == Fn::ParsePath || doc.fn == Fn::ParseUrl) &&
      doc.type == Type::Dynamic && e.args[1].kind == ExprKind::Constant && IsStringLike(e.args[1].type)) {
    // parse_path(p).Filename: the one member from the string, not the object made, serialised
    // and searched (most of the corpus's "Match Legitimate Name or Location - 2").
    const Expr& arg = doc.args[0];
    if (arg.type != Type::Dynamic && !IsStringLike(arg.type)) {
      throw Unsupported{fmt::format("'{}' of a {} value", ir::FnName(doc.fn), TypeName(arg.type))};
    }
    // A dynamic argument is read as tostring() makes it, as GenTextCall reads it.
    const Val x = arg.type == Type::Dynamic ? GenFromDynamic(arg, Type::String) : Gen(arg);
    const Val key = Gen(e.args[1]);
    const HuntcStringFn fn = doc.fn == Fn::ParseUrl ? kHuntcParseUrl : kHuntcParsePath;
    return CallTyped("huntc_parse_member",
                     {b_.getInt32(fn), x.v, x.len, key.v, key.len, b_.getInt32(static_cast<int32_t>(as))}, as, nullptr);
  }
  if (e.fn == Fn::ExtractJson) {
    if (!IsStringLike(e.args[0].type)) throw Unsupported{"'extractjson' with a path that is not a string"};
    const Val path = Gen(e.args[0]);
    args = {path.v, path.len};
    for (llvm::Value* v : GenDocument(e.args[1], true)) args.push_back(v);
    name = "huntc_extractjson";
  } else {
    args = GenDocument(e.args[0], false);
    const Val key = Gen(e.args[1]);
    if (e.fn == Fn::Member) {
      if (!IsStringLike(e.args[1].type)) throw Unsupported{"'member' with a key that is not a string"};
      args.push_back(key.v);
      args.push_back(key.len);
      name = "huntc_dyn_member";
    } else {
      if (!key.v->getType()->isIntegerTy(32) && !key.v->getType()->isIntegerTy(64)) {
        throw Unsupported{"'index' with an index that is not an integer"};
      }
      args.push_back(b_.CreateSExt(OrZero(key), b_.getInt64Ty()));
      args.push_back(b_.CreateZExt(Valid(key), b_.getInt32Ty()));
      name = "huntc_dyn_index";
    }
  }
  args.push_back(b_.getInt32(static_cast<int32_t>(as)));
  return CallTyped(name, std::move(args), as, nullptr);
}

Val ExprCodegen::GenTextCall(const Expr& e) {
  const std::string_view fn_name = ir::FnName(e.fn);
  const auto require_string = [&](size_t k) {
    if (!IsStringLike(e.args[k].type)) {
      throw Unsupported{fmt::format("'{}' of a {} value", fn_name, TypeName(e.args[k].type))};
    }
  };
  const auto require_integer = [&](const Val& v) {
    if (!v.v->getType()->isIntegerTy(32) && !v.v->getType()->isIntegerTy(64)) {
      throw Unsupported{fmt::format("'{}' with an argument that is not an integer", fn_name)};
    }
    return b_.CreateSExt(OrZero(v), b_.getInt64Ty());
  };
  // Argument k read as text: a string, or a dynamic value as tostring() makes it (the interpreter
  // reads a dynamic argument of these functions so).
  const auto text = [&](size_t k) {
    if (e.args[k].type == Type::Dynamic) return GenFromDynamic(e.args[k], Type::String);
    require_string(k);
    return Gen(e.args[k]);
  };
  // An optional integer argument k: its value and validity, 0 and valid when it is absent.
  const auto optional_integer = [&](size_t k) -> std::pair<llvm::Value*, llvm::Value*> {
    if (e.args.size() <= k) return {b_.getInt64(0), b_.getTrue()};
    const Val v = Gen(e.args[k]);
    return {require_integer(v), Valid(v)};
  };
  // The functions of one string (kernel_entry.h HuntcStringFn).
  std::optional<HuntcStringFn> one;
  switch (e.fn) {
    case Fn::ToLower: one = kHuntcToLower; break;
    case Fn::ToUpper: one = kHuntcToUpper; break;
    case Fn::UrlEncode: one = kHuntcUrlEncode; break;
    case Fn::UrlDecode: one = kHuntcUrlDecode; break;
    case Fn::HashSha256: one = kHuntcSha256; break;
    case Fn::Base64DecodeToString: one = kHuntcBase64DecodeToString; break;
    case Fn::Base64DecodeToArray: one = kHuntcBase64DecodeToArray; break;
    case Fn::ParseJson: one = kHuntcParseJson; break;
    case Fn::ParseUrl: one = kHuntcParseUrl; break;
    case Fn::ParsePath: one = kHuntcParsePath; break;
    case Fn::ParseCsv: one = kHuntcParseCsv; break;
    default: break;
  }
  if (one) {
    if (e.fn == Fn::ParseJson && e.args[0].type == Type::Dynamic) return Gen(e.args[0]);
    const bool dynamic = *one >= kHuntcParseJson;
    if (e.type != (dynamic ? Type::Dynamic : Type::String)) {
      throw Unsupported{fmt::format("'{}' to a {} value", fn_name, TypeName(e.type))};
    }
    const Val x = text(0);
    return CallTyped("huntc_string_fn", {b_.getInt32(*one), x.v, x.len}, e.type, nullptr);
  }
  switch (e.fn) {
    case Fn::Substring: {
      const Val x = text(0);
      const Val start = Gen(e.args[1]);
      std::vector<llvm::Value*> args{x.v, x.len, require_integer(start)};
      llvm::Value* valid = Valid(start);
      if (e.args.size() > 2) {
        const Val length = Gen(e.args[2]);
        args.push_back(require_integer(length));
        valid = b_.CreateAnd(valid, Valid(length));
      } else {
        args.push_back(b_.getInt64(0));
      }
      args.push_back(b_.getInt32(e.args.size() > 2));
      args.push_back(b_.CreateZExt(valid, b_.getInt32Ty()));
      return CallTyped("huntc_substring", std::move(args), Type::String, nullptr);
    }
    case Fn::Strcat: {
      for (size_t k = 0; k < e.args.size(); ++k) require_string(k);
      Val out = Gen(e.args[0]);
      for (size_t k = 1; k < e.args.size(); ++k) {
        const Val next = Gen(e.args[k]);
        out = CallTyped("huntc_strcat", {out.v, out.len, next.v, next.len}, Type::String, nullptr);
      }
      return out;
    }
    case Fn::ReplaceRegex: {
      require_string(0);
      require_string(2);
      const Expr& pattern = e.args[1];
      if (pattern.kind != ExprKind::Constant || !IsStringLike(pattern.type)) {
        throw Unsupported{"'replace_regex' with a pattern that is not a constant string"};
      }
      // Compiled once with the interpreter's options; an invalid one is passed as null.
      const std::string text = pattern.value.is_null ? std::string() : pattern.value.text;
      std::shared_ptr<const re2::RE2> re = SharedRegex(text);
      const Val literal = GenConstant(ir::Value::String(re->ok() ? RegexLiteral(*re, text) : std::string()));
      llvm::Value* object = re->ok() ? Object(objects_.AddRegex(std::move(re), text))
                                     : llvm::ConstantPointerNull::get(b_.getPtrTy());
      const Val x = Gen(e.args[0]);
      const Val with = Gen(e.args[2]);
      return CallTyped("huntc_replace_regex", {object, literal.v, literal.len, x.v, x.len, with.v, with.len},
                       Type::String, nullptr);
    }
    case Fn::Trim:
    case Fn::TrimStart:
    case Fn::TrimEnd: {
      const Expr& pattern = e.args[0];
      if (pattern.kind != ExprKind::Constant || !IsStringLike(pattern.type)) {
        throw Unsupported{fmt::format("'{}' with a pattern that is not a constant string", fn_name)};
      }
      // The interpreter's two patterns, compiled once; one it does not apply, or an invalid one, is null.
      const std::string p = pattern.value.is_null ? std::string() : pattern.value.text;
      const auto regex = [&](bool applied, const std::string& source) -> llvm::Value* {
        std::shared_ptr<const re2::RE2> re = applied ? SharedRegex(source) : nullptr;
        if (!re || !re->ok()) return llvm::ConstantPointerNull::get(b_.getPtrTy());
        return Object(objects_.AddRegex(std::move(re), source));
      };
      llvm::Value* lead = regex(e.fn != Fn::TrimEnd, "^(?:" + p + ")+");
      llvm::Value* tail = regex(e.fn != Fn::TrimStart, "(?:" + p + ")+$");
      const Val x = text(1);
      return CallTyped("huntc_trim", {lead, tail, b_.getInt32(SharedRegex(p)->ok()), x.v, x.len}, Type::String, nullptr);
    }
    case Fn::ReplaceString: {
      const Val x = text(0), from = text(1), to = text(2);
      return CallTyped("huntc_replace_string", {x.v, x.len, from.v, from.len, to.v, to.len}, Type::String, nullptr);
    }
    case Fn::CountOf: {
      require_string(0);
      require_string(1);
      const Val x = Gen(e.args[0]), t = Gen(e.args[1]);
      Val out = CallEntry("huntc_countof", {x.v, x.len, t.v, t.len}, b_.getInt64Ty(), nullptr);
      out.v = b_.CreateSExtOrTrunc(out.v, LlvmType(e.type));
      return out;
    }
    case Fn::IndexOf: {
      require_string(0);
      require_string(1);
      const Val x = Gen(e.args[0]), t = Gen(e.args[1]);
      const auto [start, start_valid] = optional_integer(2);
      Val out = CallEntry("huntc_indexof", {x.v, x.len, t.v, t.len, start, b_.CreateZExt(start_valid, b_.getInt32Ty())},
                          b_.getInt64Ty(), nullptr);
      out.v = b_.CreateSExtOrTrunc(out.v, LlvmType(e.type));
      return out;
    }
    case Fn::Split: {
      require_string(0);
      require_string(1);
      const Val x = Gen(e.args[0]), d = Gen(e.args[1]);
      const auto [k, k_valid] = optional_integer(2);
      return CallTyped("huntc_split", {x.v, x.len, d.v, d.len, k, b_.getInt32(e.args.size() > 2),
                                       b_.CreateZExt(k_valid, b_.getInt32Ty())},
                       Type::Dynamic, nullptr);
    }
    case Fn::ParseCommandLine: {
      require_string(0);
      require_string(1);
      const Val x = Gen(e.args[0]), kind = Gen(e.args[1]);
      return CallTyped("huntc_parse_command_line", {x.v, x.len, kind.v, kind.len}, Type::Dynamic, nullptr);
    }
    case Fn::ArrayLength: {
      if (e.type != Type::Long && e.type != Type::Int) throw Unsupported{"'array_length' to a type other than long"};
      Val out = CallEntry("huntc_array_length", GenDocument(e.args[0], false), b_.getInt64Ty(), nullptr);
      out.v = b_.CreateSExtOrTrunc(out.v, LlvmType(e.type));
      return out;
    }
    case Fn::ArraySlice: {
      std::vector<llvm::Value*> args = GenDocument(e.args[0], false);
      const Val first = Gen(e.args[1]), last = Gen(e.args[2]);
      args.push_back(require_integer(first));
      args.push_back(require_integer(last));
      args.push_back(b_.CreateZExt(b_.CreateAnd(Valid(first), Valid(last)), b_.getInt32Ty()));
      return CallTyped("huntc_array_slice", std::move(args), Type::Dynamic, nullptr);
    }
    case Fn::StrcatArray: {
      require_string(1);
      std::vector<llvm::Value*> args = GenDocument(e.args[0], false);
      const Val d = Gen(e.args[1]);
      args.push_back(d.v);
      args.push_back(d.len);
      return CallTyped("huntc_strcat_array", std::move(args), Type::String, nullptr);
    }
    default: break;
  }
  throw Unsupported{fmt::format("the function '{}'", fn_name)};
}

Val ExprCodegen::GenArithmetic(const Expr& e) {
  if (e.fn == Fn::Abs) {
    const Val x = Gen(e.args[0]);
    llvm::Type* from = x.v->getType();
    llvm::Type* to = LlvmType(e.type);
    if (from->isDoubleTy() && to->isDoubleTy()) {
      return Val{b_.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, x.v), nullptr, x.valid};
    }
    // As the interpreter: the negation wraps (abs of the least value is itself).
    if (from->isIntegerTy() && !from->isIntegerTy(1) && to->isIntegerTy() &&
        from->getIntegerBitWidth() <= to->getIntegerBitWidth()) {
      llvm::Value* v = b_.CreateSExt(x.v, to);
      return Val{b_.CreateSelect(b_.CreateICmpSLT(v, llvm::ConstantInt::get(to, 0)), b_.CreateNeg(v), v), nullptr, x.valid};
    }
    throw Unsupported{fmt::format("'abs' of a {} value to a {} value", TypeName(e.args[0].type), TypeName(e.type))};
  }
  if (e.fn == Fn::Neg) {
    const Val x = Gen(e.args[0]);
    llvm::Value* v = x.v->getType()->isDoubleTy() ? b_.CreateFNeg(x.v) : b_.CreateNeg(x.v);
    return Val{v, nullptr, x.valid};
  }
  const Val l = Gen(e.args[0]), r = Gen(e.args[1]);
  if (l.v->getType() != r.v->getType() || !(l.v->getType()->isDoubleTy() || l.v->getType()->isIntegerTy(32) ||
                                             l.v->getType()->isIntegerTy(64))) {
    throw Unsupported{fmt::format("arithmetic on {} and {} values", TypeName(e.args[0].type), TypeName(e.args[1].type))};
  }
  llvm::Value* valid = AllValid({&l, &r});
  if (l.v->getType()->isDoubleTy()) {
    switch (e.fn) {
      case Fn::Add: return Val{b_.CreateFAdd(l.v, r.v), nullptr, valid};
      case Fn::Sub: return Val{b_.CreateFSub(l.v, r.v), nullptr, valid};
      case Fn::Mul: return Val{b_.CreateFMul(l.v, r.v), nullptr, valid};
      case Fn::Div: return Val{b_.CreateFDiv(l.v, r.v), nullptr, valid};
      default: return Val{b_.CreateFRem(l.v, r.v), nullptr, valid};
    }
  }
  switch (e.fn) {
    case Fn::Add: return Val{b_.CreateAdd(l.v, r.v), nullptr, valid};
    case Fn::Sub: return Val{b_.CreateSub(l.v, r.v), nullptr, valid};
    case Fn::Mul: return Val{b_.CreateMul(l.v, r.v), nullptr, valid};
    default: break;
  }
  // Integer division and modulo: a zero divisor gives null, and the divisor is made safe so
  // the instruction itself never traps (also for MIN / -1).
  llvm::Type* type = l.v->getType();
  llvm::Value* zero = llvm::ConstantInt::get(type, 0);
  llvm::Value* minus_one = llvm::ConstantInt::get(type, -1, true);
  llvm::Value* nonzero = b_.CreateICmpNE(r.v, zero);
  llvm::Value* safe = b_.CreateSelect(b_.CreateOr(b_.CreateNot(nonzero), b_.CreateICmpEQ(r.v, minus_one)),
                                      llvm::ConstantInt::get(type, 1), r.v);
  llvm::Value* is_minus_one = b_.CreateICmpEQ(r.v, minus_one);
  llvm::Value* out_valid = valid ? b_.CreateAnd(valid, nonzero) : nonzero;
  if (e.fn == Fn::Div) {
    llvm::Value* q = b_.CreateSDiv(l.v, safe);
    return Val{b_.CreateSelect(is_minus_one, b_.CreateNeg(l.v), q), nullptr, out_valid};
  }
  // Modulo takes the sign of the divisor: -10 % 4 == 2.
  llvm::Value* rem = b_.CreateSRem(l.v, safe);
  llvm::Value* adjust = b_.CreateAnd(b_.CreateICmpNE(rem, zero),
                                     b_.CreateICmpNE(b_.CreateICmpSLT(rem, zero), b_.CreateICmpSLT(r.v, zero)));
  llvm::Value* mod = b_.CreateSelect(adjust, b_.CreateAdd(rem, r.v), rem);
  return Val{b_.CreateSelect(is_minus_one, zero, mod), nullptr, out_valid};
}

Val ExprCodegen::GenFromDynamic(const Expr& inner, Type to) {
  // A member, index or extractjson converts the value found, as the interpreter's conversion of
  // the dynamic it would make of it does, without making it.
  if (inner.kind == ExprKind::Call && (inner.fn == Fn::Member || inner.fn == Fn::Index || inner.fn == Fn::ExtractJson)) {
    return GenDynamicAccess(inner, to);
  }
  const Val d = Gen(inner);
  llvm::Value* valid = b_.CreateZExt(Valid(d), b_.getInt32Ty());
  return CallTyped("huntc_dyn_convert", {d.v, d.len, valid, b_.getInt32(static_cast<int32_t>(to))}, to, nullptr);
}

Val ExprCodegen::GenConvert(const Expr& e) {
  const Type from = e.args[0].type, to = e.type;
  if (from == Type::Dynamic && to != Type::Dynamic) return GenFromDynamic(e.args[0], to);
  llvm::Type* target = LlvmType(to);
  const Val x = Gen(e.args[0]);
  if (IsStringLike(from) && IsStringLike(to)) return x;
  if (to == Type::String && !IsStringLike(from) && from != Type::Null) {
    // tostring() of a number, bool, datetime or timespan, as the interpreter prints it.
    llvm::Type* t = x.v->getType();
    llvm::Value* integer = t->isIntegerTy() ? (t->isIntegerTy(1) ? b_.CreateZExt(OrZero(x), b_.getInt64Ty())
                                                                 : b_.CreateSExt(OrZero(x), b_.getInt64Ty()))
                                            : b_.getInt64(0);
    llvm::Value* real = t->isDoubleTy() ? OrZero(x) : llvm::ConstantFP::get(b_.getDoubleTy(), 0.0);
    return CallTyped("huntc_tostring", {b_.getInt32(static_cast<int32_t>(from)), integer, real,
                                        b_.CreateZExt(Valid(x), b_.getInt32Ty())},
                     Type::String, nullptr);
  }
  if (IsStringLike(from) || IsStringLike(to) || to == Type::Bool) {
    throw Unsupported{fmt::format("conversion from {} to {}", TypeName(from), TypeName(to))};
  }
  if (x.v->getType() == target) return x;
  if (from == Type::Bool) {  // true is 1
    llvm::Value* one = b_.CreateZExt(x.v, target->isDoubleTy() ? b_.getInt64Ty() : target);
    return Val{target->isDoubleTy() ? b_.CreateSIToFP(one, target) : one, nullptr, x.valid};
  }
  if (target->isDoubleTy() && x.v->getType()->isIntegerTy()) return Val{b_.CreateSIToFP(x.v, target), nullptr, x.valid};
  if (target->isIntegerTy() && x.v->getType()->isIntegerTy()) {
    return Val{b_.CreateSExtOrTrunc(x.v, target), nullptr, x.valid};
  }
  if (target->isIntegerTy() && x.v->getType()->isDoubleTy()) {
    llvm::Value* v = b_.CreateIntrinsic(llvm::Intrinsic::fptosi_sat, {target, x.v->getType()}, {x.v});
    return Val{v, nullptr, x.valid};
  }
  throw Unsupported{fmt::format("conversion from {} to {}", TypeName(from), TypeName(to))};
}

Val ExprCodegen::GenCall(const Expr& e) {
  switch (e.fn) {
    case Fn::And:
    case Fn::Or:
    case Fn::Not: return GenLogic(e);
    case Fn::Eq:
    case Fn::Ne:
    case Fn::Lt:
    case Fn::Le:
    case Fn::Gt:
    case Fn::Ge: return GenComparison(e);
    case Fn::In:
    case Fn::InCi: return GenIn(e);
    case Fn::HasAny:
    case Fn::HasAll: return GenHasList(e);
    case Fn::Add:
    case Fn::Sub:
    case Fn::Mul:
    case Fn::Div:
    case Fn::Mod:
    case Fn::Neg:
    case Fn::Abs: return GenArithmetic(e);
    case Fn::Convert: return GenConvert(e);
    case Fn::IsNull: return Val{b_.CreateNot(Valid(Gen(e.args[0])))};
    case Fn::MatchesRegex:
    case Fn::Extract: return GenRegex(e);
    case Fn::Iff:
    case Fn::Case:
    case Fn::Coalesce: return GenConditional(e);
    case Fn::Bin:
    case Fn::BinAt:
    case Fn::Strlen:
    case Fn::DateTimeDiff:
    case Fn::DateTimeAdd:
    case Fn::Ipv4IsPrivate:
    case Fn::Ipv4IsInRange:
    case Fn::Ipv4Compare: return GenEntryCall(e);
    case Fn::Member:
    case Fn::Index:
    case Fn::ExtractJson: return GenDynamicAccess(e, e.type);
    case Fn::ToLower:
    case Fn::ToUpper:
    case Fn::UrlEncode:
    case Fn::UrlDecode:
    case Fn::HashSha256:
    case Fn::Base64DecodeToString:
    case Fn::Base64DecodeToArray:
    case Fn::ParseJson:
    case Fn::ParseUrl:
    case Fn::ParsePath:
    case Fn::ParseCsv:
    case Fn::Substring:
    case Fn::Strcat:
    case Fn::ReplaceRegex:
    case Fn::ReplaceString:
    case Fn::Trim:
    case Fn::TrimStart:
    case Fn::TrimEnd:
    case Fn::CountOf:
    case Fn::IndexOf:
    case Fn::Split:
    case Fn::ParseCommandLine:
    case Fn::ArrayLength:
    case Fn::ArraySlice:
    case Fn::StrcatArray: return GenTextCall(e);
    case Fn::IsEmpty: {
      if (e.args[0].type == Type::Dynamic) {  // null, or empty text
        const Val d = Gen(e.args[0]);
        return Val{b_.CreateOr(b_.CreateNot(Valid(d)), b_.CreateICmpEQ(d.len, b_.getInt32(0)))};
      }
      if (!IsStringLike(e.args[0].type)) throw Unsupported{fmt::format("isempty() of a {} value", TypeName(e.args[0].type))};
      return Val{b_.CreateICmpEQ(Gen(e.args[0]).len, b_.getInt32(0))};
    }
    default: break;
  }
  // The string tests: the helper and its case flag (-1: none).
  const char* helper = nullptr;
  int flag = -1;
  switch (e.fn) {
    case Fn::EqCi: helper = "huntc_str_eq_ci"; break;
    case Fn::Has: helper = "huntc_str_has"; flag = 0; break;
    case Fn::HasCs: helper = "huntc_str_has"; flag = 1; break;
    case Fn::Contains: helper = "huntc_str_contains"; flag = 0; break;
    case Fn::ContainsCs: helper = "huntc_str_contains"; flag = 1; break;
    case Fn::StartsWith: helper = "huntc_str_startswith"; flag = 0; break;
    case Fn::StartsWithCs: helper = "huntc_str_startswith_cs"; break;
    case Fn::EndsWith: helper = "huntc_str_endswith"; flag = 0; break;
    case Fn::EndsWithCs: helper = "huntc_str_endswith_cs"; break;
    case Fn::HasPrefix: helper = "huntc_str_hasprefix"; flag = 0; break;
    case Fn::HasPrefixCs: helper = "huntc_str_hasprefix"; flag = 1; break;
    case Fn::HasSuffix: helper = "huntc_str_hassuffix"; flag = 0; break;
    case Fn::HasSuffixCs: helper = "huntc_str_hassuffix"; flag = 1; break;
    default: throw Unsupported{fmt::format("the function '{}'", ir::FnName(e.fn))};
  }
  // The helpers take strings as they are stored: other operand types are not compiled.
  for (const Expr& a : e.args) {
    if (!IsStringLike(a.type)) {
      throw Unsupported{fmt::format("'{}' of a {} value", ir::FnName(e.fn), TypeName(a.type))};
    }
  }
  return Val{CallStringTest(helper, Gen(e.args[0]), Gen(e.args[1]), flag)};
}

}  // namespace huntc::jit
