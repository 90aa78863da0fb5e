// Kernel code generation with LLVM, execution with ORC LLJIT, and the on-disk cache of kernels'
// object code.
#include "compiler/jit/jit.h"

#include <llvm/ADT/StringExtras.h>
#include <llvm/Config/llvm-config.h>
#include <llvm/ExecutionEngine/Orc/ExecutionUtils.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/SHA256.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Support/xxhash.h>
#include <llvm/Target/TargetMachine.h>

#include <array>
#include <cstring>
#include <optional>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>

#include "runtime/exec/json.h"

namespace huntc {

int KernelObjects::Add(std::unique_ptr<StringSet> set) {
  table.push_back(set.get());
  sets.push_back(std::move(set));
  return static_cast<int>(table.size()) - 1;
}

namespace {

using ir::Expr;
using ir::ExprKind;
using ir::Fn;

// The runtime functions kernels may call, bound by name.
struct HelperSymbol {
  const char* name;
  void* address;
};

const HelperSymbol kHelpers[] = {
    {"huntc_str_eq", reinterpret_cast<void*>(&huntc_str_eq)},
    {"huntc_str_eq_ci", reinterpret_cast<void*>(&huntc_str_eq_ci)},
    {"huntc_str_has", reinterpret_cast<void*>(&huntc_str_has)},
    {"huntc_str_contains", reinterpret_cast<void*>(&huntc_str_contains)},
    {"huntc_str_startswith", reinterpret_cast<void*>(&huntc_str_startswith)},
    {"huntc_str_endswith", reinterpret_cast<void*>(&huntc_str_endswith)},
    {"huntc_str_in_set", reinterpret_cast<void*>(&huntc_str_in_set)},
};

// In-list sizes above this use a hash set instead of a chain of comparisons.
constexpr size_t kMaxInlineIn = 4;

// A value during code generation: `v` (and `len` for strings) with `valid` (i1), or a string
// as pointer + length.
struct Val {
  llvm::Value* v = nullptr;
  llvm::Value* len = nullptr;    // strings: i32 byte length
  llvm::Value* valid = nullptr;  // i1; null means always valid
};

// Pointers of one column, loaded once before the row loop.
struct ColumnPointers {
  llvm::Value* values = nullptr;
  llvm::Value* valid = nullptr;
  llvm::Value* offsets = nullptr;
  llvm::Value* bytes = nullptr;
};

// Thrown inside code generation for a construct it cannot compile; caught in CompileFilter.
struct Unsupported {
  std::string what;
};

class KernelBuilder {
 public:
  KernelBuilder(llvm::Module& module, const std::vector<ColumnSpec>& columns,
                KernelObjects& objects)
      : ctx_(module.getContext()), module_(module), b_(ctx_), columns_(columns),
        objects_(objects) {}

  llvm::Function* Build(const std::string& name, const Expr& predicate) {
    auto* ptr = b_.getPtrTy();
    auto* fn_type = llvm::FunctionType::get(b_.getInt32Ty(), {ptr, b_.getInt32Ty(), ptr, ptr}, false);
    fn_ = llvm::Function::Create(fn_type, llvm::Function::ExternalLinkage, name, module_);
    for (unsigned i : {0u, 2u, 3u}) fn_->addParamAttr(i, llvm::Attribute::NoAlias);
    fn_->addParamAttr(0, llvm::Attribute::ReadOnly);
    fn_->addParamAttr(2, llvm::Attribute::ReadOnly);
    llvm::Value* cols = fn_->getArg(0);
    llvm::Value* rows = fn_->getArg(1);
    llvm::Value* context = fn_->getArg(2);
    llvm::Value* selection = fn_->getArg(3);

    auto* entry = llvm::BasicBlock::Create(ctx_, "entry", fn_);
    auto* loop = llvm::BasicBlock::Create(ctx_, "row", fn_);
    auto* keep = llvm::BasicBlock::Create(ctx_, "keep", fn_);
    auto* next = llvm::BasicBlock::Create(ctx_, "next", fn_);
    auto* done = llvm::BasicBlock::Create(ctx_, "done", fn_);

    // Entry: load what the loop reads, so the loop body does no pointer chasing.
    b_.SetInsertPoint(entry);
    auto* view_type = llvm::StructType::get(ctx_, {ptr, ptr, ptr, ptr});
    auto* context_type = llvm::StructType::get(ctx_, {b_.getInt64Ty(), ptr});
    now_ = b_.CreateLoad(b_.getInt64Ty(), b_.CreateStructGEP(context_type, context, 0), "now");
    objects_ptr_ = b_.CreateLoad(ptr, b_.CreateStructGEP(context_type, context, 1), "objects");
    std::vector<bool> used(columns_.size(), false);
    MarkColumns(predicate, used);
    pointers_.resize(columns_.size());
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (!used[c]) continue;
      llvm::Value* view = b_.CreateConstInBoundsGEP1_64(view_type, cols, c);
      auto field = [&](unsigned f) { return b_.CreateLoad(ptr, b_.CreateStructGEP(view_type, view, f)); };
      pointers_[c] = {field(0), field(1), field(2), field(3)};
    }
    llvm::Value* n = b_.CreateZExt(rows, b_.getInt64Ty());
    b_.CreateCondBr(b_.CreateICmpEQ(n, b_.getInt64(0)), done, loop);

    // The row loop.
    b_.SetInsertPoint(loop);
    row_ = b_.CreatePHI(b_.getInt64Ty(), 2, "i");
    auto* count = b_.CreatePHI(b_.getInt32Ty(), 2, "count");
    row_->addIncoming(b_.getInt64(0), entry);
    count->addIncoming(b_.getInt32(0), entry);
    // Top-level conjuncts are tested one after another: a row leaves at its first false one.
    std::vector<const Expr*> conjuncts;
    if (predicate.kind == ExprKind::Call && predicate.fn == Fn::And) {
      for (const Expr& t : predicate.args) conjuncts.push_back(&t);
    } else {
      conjuncts.push_back(&predicate);
    }
    for (size_t k = 0; k < conjuncts.size(); ++k) {
      llvm::Value* truth = IsTrue(Gen(*conjuncts[k]));
      auto* pass = k + 1 == conjuncts.size() ? keep : llvm::BasicBlock::Create(ctx_, "and", fn_, keep);
      b_.CreateCondBr(truth, pass, next);
      b_.SetInsertPoint(pass);
    }
    // keep: append the row to the selection.
    b_.CreateStore(b_.CreateTrunc(row_, b_.getInt32Ty()),
                   b_.CreateInBoundsGEP(b_.getInt32Ty(), selection, b_.CreateZExt(count, b_.getInt64Ty())));
    llvm::Value* count_kept = b_.CreateAdd(count, b_.getInt32(1));
    b_.CreateBr(next);

    b_.SetInsertPoint(next);
    auto* count_next = b_.CreatePHI(b_.getInt32Ty(), 0, "count.next");
    for (llvm::BasicBlock* pred : llvm::predecessors(next)) {
      count_next->addIncoming(pred == keep ? count_kept : count, pred);
    }
    llvm::Value* row_next = b_.CreateAdd(row_, b_.getInt64(1));
    row_->addIncoming(row_next, next);
    count->addIncoming(count_next, next);
    b_.CreateCondBr(b_.CreateICmpULT(row_next, n), loop, done);

    b_.SetInsertPoint(done);
    auto* result = b_.CreatePHI(b_.getInt32Ty(), 2, "result");
    result->addIncoming(b_.getInt32(0), entry);
    result->addIncoming(count_next, next);
    b_.CreateRet(result);
    return fn_;
  }

 private:
  void MarkColumns(const Expr& e, std::vector<bool>& used) {
    if (e.kind == ExprKind::Column) used[e.column] = true;
    for (const Expr& a : e.args) MarkColumns(a, used);
  }

  llvm::Value* Valid(const Val& v) { return v.valid ? v.valid : b_.getTrue(); }
  llvm::Value* IsTrue(const Val& v) { return v.valid ? b_.CreateAnd(v.v, v.valid) : v.v; }
  // The validity of a value computed from several operands: valid only if all are.
  llvm::Value* AllValid(std::initializer_list<const Val*> vals) {
    llvm::Value* out = nullptr;
    for (const Val* v : vals) {
      if (!v->valid) continue;
      out = out ? b_.CreateAnd(out, v->valid) : v->valid;
    }
    return out;
  }

  llvm::Type* LlvmType(Type t) {
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

  Val Gen(const Expr& e) {
    switch (e.kind) {
      case ExprKind::Column: return GenColumn(e);
      case ExprKind::Constant: return GenConstant(e.value);
      case ExprKind::Now: return Val{now_};
      case ExprKind::Call: return GenCall(e);
    }
    throw Unsupported{"an unknown expression"};
  }

  Val GenColumn(const Expr& e) {
    const ColumnPointers& p = pointers_[e.column];
    const Type t = columns_[e.column].type;
    // The interpreter reads a dynamic cell as the value its JSON text holds, not as the text.
    if (t == Type::Dynamic) throw Unsupported{"a dynamic column"};
    if (IsStringLike(t)) {
      llvm::Value* off0 = b_.CreateLoad(b_.getInt32Ty(), b_.CreateInBoundsGEP(b_.getInt32Ty(), p.offsets, row_));
      llvm::Value* off1 = b_.CreateLoad(
          b_.getInt32Ty(), b_.CreateInBoundsGEP(b_.getInt32Ty(), p.offsets, b_.CreateAdd(row_, b_.getInt64(1))));
      llvm::Value* ptr = b_.CreateInBoundsGEP(b_.getInt8Ty(), p.bytes, b_.CreateZExt(off0, b_.getInt64Ty()));
      return Val{ptr, b_.CreateSub(off1, off0), nullptr};  // an absent value reads as ""
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

  Val GenConstant(const ir::Value& v) {
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

  llvm::FunctionCallee Helper(const char* name, size_t string_args, bool with_flag) {
    std::vector<llvm::Type*> params;
    if (std::string_view(name) == "huntc_str_in_set") params.push_back(b_.getPtrTy());
    for (size_t i = 0; i < string_args; ++i) {
      params.push_back(b_.getPtrTy());
      params.push_back(b_.getInt32Ty());
    }
    if (with_flag) params.push_back(b_.getInt32Ty());
    auto callee = module_.getOrInsertFunction(name, llvm::FunctionType::get(b_.getInt32Ty(), params, false));
    if (auto* f = llvm::dyn_cast<llvm::Function>(callee.getCallee())) {
      f->setOnlyReadsMemory();
      f->setDoesNotThrow();
      f->setWillReturn();
    }
    return callee;
  }

  llvm::Value* CallStringTest(const char* name, const Val& a, const Val& b, int flag) {
    std::vector<llvm::Value*> args{a.v, a.len, b.v, b.len};
    if (flag >= 0) args.push_back(b_.getInt32(flag));
    return b_.CreateICmpNE(b_.CreateCall(Helper(name, 2, flag >= 0), args), b_.getInt32(0));
  }

  Val GenLogic(const Expr& e) {
    std::vector<Val> terms;
    for (const Expr& a : e.args) terms.push_back(Gen(a));
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

  llvm::Value* Compare(Fn fn, Type t, const Val& l, const Val& r) {
    if (l.v->getType() != r.v->getType()) throw Unsupported{"a comparison of values of two types"};
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

  Val GenComparison(const Expr& e) {
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

  Val GenIn(const Expr& e) {
    const Val value = Gen(e.args[0]);
    const Type t = e.args[0].type;
    const bool ci = e.fn == Fn::InCi;
    const size_t count = e.args.size() - 1;
    llvm::Value* any = b_.getFalse();
    for (size_t k = 1; k < e.args.size(); ++k) {
      if (e.args[k].kind != ExprKind::Constant) throw Unsupported{"a list item that is not a constant"};
    }
    if (IsStringLike(t) && count > kMaxInlineIn) {
      std::vector<std::string> values;
      for (size_t k = 1; k < e.args.size(); ++k) values.push_back(e.args[k].value.text);
      const int index = objects_.Add(std::make_unique<StringSet>(values, ci));
      llvm::Value* set = b_.CreateLoad(b_.getPtrTy(), b_.CreateConstInBoundsGEP1_64(b_.getPtrTy(), objects_ptr_, index));
      any = b_.CreateICmpNE(b_.CreateCall(Helper("huntc_str_in_set", 1, false), {set, value.v, value.len}),
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
  Val GenHasList(const Expr& e) {
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
    llvm::Value* result = b_.getInt1(all);  // no terms: has_any is false, has_all true
    for (const std::string& t : terms) {
      llvm::Value* hit = CallStringTest("huntc_str_has", x, GenConstant(ir::Value::String(t)), 0);
      result = all ? b_.CreateAnd(result, hit) : b_.CreateOr(result, hit);
    }
    return Val{result};
  }

  Val GenArithmetic(const Expr& e) {
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

  Val GenConvert(const Expr& e) {
    const Val x = Gen(e.args[0]);
    const Type from = e.args[0].type, to = e.type;
    llvm::Type* target = LlvmType(to);
    if (IsStringLike(from) && IsStringLike(to)) return x;
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

  Val GenCall(const Expr& e) {
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
      case Fn::Neg: return GenArithmetic(e);
      case Fn::Convert: return GenConvert(e);
      case Fn::IsNull: return Val{b_.CreateNot(Valid(Gen(e.args[0])))};
      case Fn::IsEmpty: {
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
      case Fn::StartsWithCs: helper = "huntc_str_startswith"; flag = 1; break;
      case Fn::EndsWith: helper = "huntc_str_endswith"; flag = 0; break;
      case Fn::EndsWithCs: helper = "huntc_str_endswith"; flag = 1; break;
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

  llvm::LLVMContext& ctx_;
  llvm::Module& module_;
  llvm::IRBuilder<> b_;
  const std::vector<ColumnSpec>& columns_;
  KernelObjects& objects_;
  llvm::Function* fn_ = nullptr;
  llvm::PHINode* row_ = nullptr;
  llvm::Value* now_ = nullptr;
  llvm::Value* objects_ptr_ = nullptr;
  std::vector<ColumnPointers> pointers_;
};

std::string Print(const llvm::Module& m) {
  std::string text;
  llvm::raw_string_ostream out(text);
  m.print(out, nullptr);
  return text;
}

}  // namespace

namespace {

// The optimisation settings of every kernel; part of the cache key.
const llvm::OptimizationLevel kOptLevel = llvm::OptimizationLevel::O2;
constexpr llvm::CodeGenOptLevel kCodeGenLevel = llvm::CodeGenOptLevel::Default;

// The layout of cache files; bump kCacheFormat whenever it, or the kernel calling convention
// (runtime/kernel.h), changes, so that older files are not used.
constexpr uint32_t kCacheFormat = 1;
constexpr char kCacheMagic[8] = {'H', 'U', 'N', 'T', 'C', 'O', 'B', 'J'};

// Every cache file starts with this header, in host byte order (the key covers the target).
struct CacheHeader {
  char magic[8];
  uint32_t format;
  uint32_t reserved;       // 0
  uint64_t payload_bytes;  // the object file after the header
  uint64_t checksum;       // xxh3 of the object file
  std::array<uint8_t, 32> key;
};
static_assert(sizeof(CacheHeader) == 64);

using CacheKey = std::array<uint8_t, 32>;

// The content hash naming a kernel's object code: everything that decides that code.
CacheKey KeyOf(const std::string& ir_text, const llvm::TargetMachine& target) {
  llvm::SHA256 hash;
  auto part = [&](llvm::StringRef text) {  // length-prefixed, so parts cannot run together
    const uint64_t n = text.size();
    hash.update(llvm::ArrayRef(reinterpret_cast<const uint8_t*>(&n), sizeof n));
    hash.update(text);
  };
  part(fmt::format("huntc kernel cache {}", kCacheFormat));
  part(LLVM_VERSION_STRING);
  part(target.getTargetTriple().str());
  part(target.getTargetCPU());
  part(target.getTargetFeatureString());
  part(fmt::format("O{} Os{} codegen {} reloc {} code model {}", kOptLevel.getSpeedupLevel(),
                   kOptLevel.getSizeLevel(), static_cast<int>(kCodeGenLevel),
                   static_cast<int>(target.getRelocationModel()), static_cast<int>(target.getCodeModel())));
  part(ir_text);
  return hash.final();
}

// The object file in a cache file's bytes, or nothing when the bytes are not a whole, intact
// cache file for `key`.
std::optional<llvm::StringRef> CachedObject(llvm::StringRef file, const CacheKey& key) {
  CacheHeader header;
  if (file.size() < sizeof header) return std::nullopt;
  std::memcpy(&header, file.data(), sizeof header);
  const llvm::StringRef payload = file.drop_front(sizeof header);
  if (std::memcmp(header.magic, kCacheMagic, sizeof kCacheMagic) != 0 || header.format != kCacheFormat ||
      header.reserved != 0 || header.key != key || header.payload_bytes != payload.size() ||
      header.checksum != llvm::xxh3_64bits(payload)) {
    return std::nullopt;
  }
  return payload;
}

std::string CacheFileContent(llvm::StringRef object, const CacheKey& key) {
  CacheHeader header{};
  std::memcpy(header.magic, kCacheMagic, sizeof kCacheMagic);
  header.format = kCacheFormat;
  header.payload_bytes = object.size();
  header.checksum = llvm::xxh3_64bits(object);
  header.key = key;
  std::string content(reinterpret_cast<const char*>(&header), sizeof header);
  content.append(object.data(), object.size());
  return content;
}

}  // namespace

struct Jit::Impl {
  std::unique_ptr<llvm::orc::LLJIT> lljit;
  std::unique_ptr<llvm::TargetMachine> target;
  std::string cache_dir;
  bool cache_writable = true;  // false after the first failed write
  std::string cache_warning;
  JitCacheStats stats;
  std::unordered_map<std::string, FilterKernel> loaded;  // by kernel name (its key)

  // The object code in the cache file at `path`, or nothing: no file, or one not to be trusted
  // (counted as rejected; the caller rebuilds it).
  std::optional<std::string> Load(const std::string& path, const CacheKey& key) {
    auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
    if (!file) return std::nullopt;  // absent or unreadable: a plain miss
    std::optional<llvm::StringRef> object = CachedObject((*file)->getBuffer(), key);
    if (!object) {
      ++stats.rejected;
      return std::nullopt;
    }
    return object->str();
  }

  // Writes the cache file at `path` under a temporary name in the same folder and renames it
  // into place, so that readers see either no file or a whole one.
  void Store(const std::string& path, const CacheKey& key, llvm::StringRef object) {
    if (!cache_writable) return;
    std::error_code ec = llvm::sys::fs::create_directories(cache_dir);
    llvm::SmallString<256> temp;
    if (!ec) {
      int fd = -1;
      ec = llvm::sys::fs::createUniqueFile(path + ".tmp-%%%%%%%%", fd, temp);
      if (!ec) {
        llvm::raw_fd_ostream out(fd, /*shouldClose=*/true);
        out << CacheFileContent(object, key);
        out.close();
        if (out.has_error()) {
          ec = out.error();
          out.clear_error();
        }
        if (!ec) ec = llvm::sys::fs::rename(temp, path);
        if (ec) llvm::sys::fs::remove(temp);
      }
    }
    if (ec) {
      cache_writable = false;
      cache_warning = fmt::format("cannot write the kernel cache in {}: {}; compiled kernels are not kept",
                                  cache_dir, ec.message());
      return;
    }
    ++stats.stored;
  }

  // Optimises `module` and emits its object code into `object`; false, saying why in `error`,
  // if the target cannot.
  bool Emit(llvm::Module& module, KernelDumps* dumps, llvm::SmallVectorImpl<char>& object, std::string& error) {
    llvm::LoopAnalysisManager lam;
    llvm::FunctionAnalysisManager fam;
    llvm::CGSCCAnalysisManager cgam;
    llvm::ModuleAnalysisManager mam;
    llvm::PassBuilder passes(target.get());
    passes.registerModuleAnalyses(mam);
    passes.registerCGSCCAnalyses(cgam);
    passes.registerFunctionAnalyses(fam);
    passes.registerLoopAnalyses(lam);
    passes.crossRegisterProxies(lam, fam, cgam, mam);
    passes.buildPerModuleDefaultPipeline(kOptLevel).run(module, mam);
    if (dumps) dumps->llvm_opt += Print(module);

    llvm::raw_svector_ostream out(object);
    llvm::legacy::PassManager codegen;
    if (target->addPassesToEmitFile(codegen, out, nullptr, llvm::CodeGenFileType::ObjectFile)) {
      error = "internal error: the target cannot emit object code";
      return false;
    }
    codegen.run(module);
    return true;
  }
};

Jit::Jit(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Jit::~Jit() = default;

std::unique_ptr<Jit> Jit::Create(std::string& error) {
  static const bool initialised = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    llvm::InitializeNativeTargetAsmParser();
    return true;
  }();
  (void)initialised;
  auto fail = [&](llvm::Error e) {
    error = "cannot start the LLVM JIT: " + llvm::toString(std::move(e));
    return nullptr;
  };
  auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!builder) return fail(builder.takeError());
  builder->setCodeGenOptLevel(kCodeGenLevel);
  // Object code is emitted here, not by LLJIT: position-independent, small code model, as
  // LLJIT's own JITLink set-up would choose, so the linker can place it anywhere.
  builder->setRelocationModel(llvm::Reloc::PIC_);
  builder->setCodeModel(llvm::CodeModel::Small);
  auto target = builder->createTargetMachine();
  if (!target) return fail(target.takeError());
  auto lljit = llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(std::move(*builder)).create();
  if (!lljit) return fail(lljit.takeError());

  auto& session = (*lljit)->getExecutionSession();
  llvm::orc::MangleAndInterner mangle(session, (*lljit)->getDataLayout());
  llvm::orc::SymbolMap symbols;
  for (const HelperSymbol& h : kHelpers) {
    symbols[mangle(h.name)] = {llvm::orc::ExecutorAddr::fromPtr(h.address),
                               llvm::JITSymbolFlags::Exported | llvm::JITSymbolFlags::Callable};
  }
  if (auto e = (*lljit)->getMainJITDylib().define(llvm::orc::absoluteSymbols(std::move(symbols)))) {
    return fail(std::move(e));
  }
  auto impl = std::make_unique<Impl>();
  impl->lljit = std::move(*lljit);
  impl->target = std::move(*target);
  return std::unique_ptr<Jit>(new Jit(std::move(impl)));
}

void Jit::SetCacheDir(std::string dir) {
  impl_->cache_dir = std::move(dir);
  impl_->cache_writable = true;
}

const JitCacheStats& Jit::cache_stats() const { return impl_->stats; }

std::string Jit::TakeCacheWarning() { return std::exchange(impl_->cache_warning, std::string()); }

namespace {

// Generates the kernel `name` for `predicate` into `module` and verifies it; false (saying why
// in `error`) for a construct the JIT cannot compile.
bool Generate(llvm::Module& module, const std::string& name, const ir::Expr& predicate,
              const std::vector<ColumnSpec>& columns, KernelObjects& objects,
              const llvm::TargetMachine& target, std::string& error) {
  llvm::Function* fn = nullptr;
  try {
    fn = KernelBuilder(module, columns, objects).Build(name, predicate);
  } catch (const Unsupported& u) {
    error = "the JIT cannot compile " + u.what + " yet";
    return false;
  }
  fn->addFnAttr("target-cpu", target.getTargetCPU());
  fn->addFnAttr("target-features", target.getTargetFeatureString());
  std::string verify_errors;
  llvm::raw_string_ostream verify_out(verify_errors);
  if (llvm::verifyModule(module, &verify_out)) {
    error = "internal error: invalid kernel: " + verify_errors;
    return false;
  }
  return true;
}

}  // namespace

bool Jit::CanCompile(const ir::Expr& predicate, const std::vector<ColumnSpec>& columns, std::string& error) {
  llvm::LLVMContext context;
  llvm::Module module("huntc_check", context);
  KernelObjects scratch;
  return Generate(module, "check", predicate, columns, scratch, *impl_->target, error);
}

FilterKernel Jit::CompileFilter(const ir::Expr& predicate, const std::vector<ColumnSpec>& columns,
                                KernelObjects& objects, KernelDumps* dumps, std::string& error) {
  Impl& jit = *impl_;
  llvm::LLVMContext context;
  llvm::Module module("huntc_kernel", context);
  module.setDataLayout(jit.lljit->getDataLayout());
  module.setTargetTriple(jit.lljit->getTargetTriple().str());
  // Generated under a fixed name, then named after its key: equal kernels get equal names in
  // every run, and their object code can be shared.
  if (!Generate(module, "kernel", predicate, columns, objects, *jit.target, error)) return nullptr;
  const CacheKey key = KeyOf(Print(module), *jit.target);
  const std::string key_hex = llvm::toHex(key, /*LowerCase=*/true);
  const std::string name = "filter_" + key_hex;
  module.getFunction("kernel")->setName(name);
  if (dumps) dumps->llvm += Print(module);
  const auto found = jit.loaded.find(name);
  if (found != jit.loaded.end() && !dumps) {
    ++jit.stats.reused;
    return found->second;
  }

  llvm::SmallString<256> path;
  if (!jit.cache_dir.empty()) {
    path = jit.cache_dir;
    llvm::sys::path::append(path, key_hex + ".o");
  }
  // With dumps wanted the kernel is compiled anyway, for its optimised IR.
  std::optional<std::string> object = path.empty() || dumps ? std::nullopt : jit.Load(path.str().str(), key);
  if (object) {
    ++jit.stats.hits;
  } else {
    ++jit.stats.misses;
    llvm::SmallVector<char, 0> emitted;
    if (!jit.Emit(module, dumps, emitted, error)) return nullptr;
    object.emplace(emitted.data(), emitted.size());
    if (!path.empty()) jit.Store(path.str().str(), key, *object);
  }
  if (found != jit.loaded.end()) return found->second;  // compiled again only for the dumps
  if (auto e = jit.lljit->addObjectFile(llvm::MemoryBuffer::getMemBufferCopy(*object, name))) {
    error = "the JIT could not add the kernel: " + llvm::toString(std::move(e));
    return nullptr;
  }
  auto address = jit.lljit->lookup(name);
  if (!address) {
    error = "the JIT could not link the kernel: " + llvm::toString(address.takeError());
    return nullptr;
  }
  const auto kernel = address->toPtr<FilterKernel>();
  jit.loaded.emplace(name, kernel);
  return kernel;
}

}  // namespace huntc
