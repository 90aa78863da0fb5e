// Code generation for IR scalar expressions inside a kernel's row loop, shared by every kind of
// kernel (filters, and whatever else evaluates expressions per row).
//
// A kernel function takes the columns of a batch as ColumnView[] and a KernelContext
// (runtime/kernel.h). ExprCodegen loads the pointers of the columns an expression reads once,
// before the loop, and then generates each expression's value for the current row with KQL's
// null rules: a value and its validity are kept apart. Internal to compiler/jit.
#pragma once

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Module.h>

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/ir/ir.h"
#include "compiler/jit/jit.h"
#include "runtime/exec/plan.h"
#include "runtime/literal_matcher.h"

namespace huntc::jit {

// The code generator's version, part of every kernel's cache key: bump it whenever generated code
// may change for the same IR without the LLVM IR showing it (a helper's behaviour, say), so that
// cached and packed object code of older versions is not used.
inline constexpr int kCodegenVersion = 19;  // 19: huntc_trim, huntc_replace_string (18: huntc_array_slice, huntc_strcat_array)

// The runtime functions kernels may call that are not linked in as bitcode (helpers_bitcode.h),
// bound by name when the JIT starts.
struct HelperSymbol {
  const char* name;
  void* address;
};
const std::vector<HelperSymbol>& KernelHelpers();

// A value during code generation: `v` (and `len` for strings) with `valid` (i1), or a string
// as pointer + length. A dynamic value is its JSON text as pointer + length (as a dynamic column
// holds it, or made by a helper in the kernel's scratch, runtime/exec/kernel_entry.h), with
// `valid`; a null one has length 0.
struct Val {
  llvm::Value* v = nullptr;
  llvm::Value* len = nullptr;    // strings: i32 byte length
  llvm::Value* valid = nullptr;  // i1; null means always valid
};

// Thrown inside code generation for a construct it cannot compile; caught where a kernel is
// generated, and reported as "the JIT cannot compile <what> yet".
struct Unsupported {
  std::string what;
};

class ExprCodegen {
 public:
  ExprCodegen(llvm::Module& module, const std::vector<ColumnSpec>& columns, KernelObjects& objects);

  llvm::IRBuilder<>& builder() { return b_; }

  // At the insertion point (before the row loop): loads now() and the objects table from the
  // KernelContext `context`, and the pointers of every column `exprs` read from the ColumnView
  // array `columns`.
  void LoadInputs(llvm::Value* columns, llvm::Value* context, const std::vector<const ir::Expr*>& exprs);
  // The dictionary of column `c` in this batch (ColumnView::codes, distinct_rows, distinct), loaded
  // at the insertion point from the ColumnView array `columns`; codes is null when the column is
  // not encoded.
  struct Dictionary {
    llvm::Value* codes = nullptr;          // ptr to i8 per row
    llvm::Value* distinct_rows = nullptr;  // ptr to i32 per distinct value
    llvm::Value* distinct = nullptr;       // i32
    llvm::Value* offsets = nullptr;        // the column's strings (ColumnView::offsets, bytes)
    llvm::Value* bytes = nullptr;
  };
  Dictionary LoadDictionary(llvm::Value* columns, size_t c);
  // The row (i64) that column reads use from now on.
  void SetRow(llvm::Value* row) { row_ = row; }

  // From now on Gen of an expression equal to `precomputed[k]` (which must outlive this) reads
  // byte `row` of the k-th of the arrays `tests` points to: a truth the caller computed (pack.cpp).
  void SetPrecomputed(const std::vector<ir::Expr>& precomputed, llvm::Value* tests);

  // The value of `e` at the current row; throws Unsupported.
  Val Gen(const ir::Expr& e);
  // i1: the value is valid and true.
  llvm::Value* IsTrue(const Val& v) { return v.valid ? b_.CreateAnd(v.v, v.valid) : v.v; }
  llvm::Value* Valid(const Val& v) { return v.valid ? v.valid : b_.getTrue(); }
  llvm::Type* LlvmType(Type t);

 private:
  // Pointers of one column, loaded once before the row loop.
  struct ColumnPointers {
    llvm::Value* values = nullptr;
    llvm::Value* valid = nullptr;
    llvm::Value* offsets = nullptr;
    llvm::Value* bytes = nullptr;
  };

  // ColumnView (runtime/batch.h) as LLVM sees it.
  llvm::StructType* ViewType();
  llvm::Value* AllValid(std::initializer_list<const Val*> vals);
  // A precomputed truth equal to `e`, if there is one (pack.cpp).
  std::optional<Val> GenPrecomputed(const ir::Expr& e);
  Val GenColumn(const ir::Expr& e);
  Val GenConstant(const ir::Value& v);
  // The helper `name`: takes a runtime object first if `with_object`, then `string_args` strings
  // (pointer, length), then an int32 flag if `with_flag`; returns int32.
  llvm::FunctionCallee Helper(const char* name, bool with_object, size_t string_args, bool with_flag);
  // The runtime object `index` of KernelObjects, read from the context.
  llvm::Value* Object(int index);
  llvm::Value* CallStringTest(const char* name, const Val& a, const Val& b, int flag);
  Val GenLogic(const ir::Expr& e);
  llvm::Value* Compare(ir::Fn fn, Type t, const Val& l, const Val& r);
  Val GenComparison(const ir::Expr& e);
  Val GenIn(const ir::Expr& e);
  Val GenHasList(const ir::Expr& e);
  // i1: whether any (or, if `all`, every) of `literals` matches `x`, in one pass over it; null
  // when no matcher can be built (a CPU Hyperscan cannot use): the caller tests them one by one.
  llvm::Value* MatchLiterals(std::vector<LiteralMatcher::Literal> literals, const Val& x, bool all);
  // An `or`'s string tests with constant needles on one column (two or more),
  // matched in one pass per column as the interpreter matches them; the terms left are pushed
  // to `rest`.
  llvm::Value* GenPooledTests(const ir::Expr& e, std::vector<const ir::Expr*>& rest);
  Val GenRegex(const ir::Expr& e);
  // `a` where `cond` (i1) holds, else `b`: value, length and validity.
  Val Select(llvm::Value* cond, const Val& a, const Val& b);
  Val GenConditional(const ir::Expr& e);
  llvm::Value* OrZero(const Val& v);
  // Calls the entry point `name` (runtime/exec/kernel_entry.h) with `args` and a result slot of
  // `out_type`; the result is valid where the call says so and `args_valid` (if any) holds.
  Val CallEntry(const char* name, std::vector<llvm::Value*> args, llvm::Type* out_type, llvm::Value* args_valid);
  Val GenEntryCall(const ir::Expr& e);
  // Calls the entry point `name` whose result has type `t` (kernel_entry.h: strings and dynamic
  // values come back as text in the kernel's scratch, which the kernel then empties on entry).
  Val CallTyped(const char* name, std::vector<llvm::Value*> args, Type t, llvm::Value* args_valid);
  // Empties the helpers' scratch once, at the start of the kernel being generated.
  void ResetScratchOnEntry();
  // A dynamic operand as the entry points take it: text, length, validity and whether it is a
  // string parse_json reads (i32 flags). Strings are read so only if `strings_as_json`.
  std::vector<llvm::Value*> GenDocument(const ir::Expr& e, bool strings_as_json);
  // member, index, extractjson of a dynamic value, converted to `as`.
  Val GenDynamicAccess(const ir::Expr& e, Type as);
  // The interpreter's string and dynamic functions through their entry points.
  Val GenTextCall(const ir::Expr& e);
  // A dynamic value `inner` converted to `to` as the interpreter's conversion does (tostring(),
  // toint(), ...).
  Val GenFromDynamic(const ir::Expr& inner, Type to);
  Val GenArithmetic(const ir::Expr& e);
  Val GenConvert(const ir::Expr& e);
  Val GenCall(const ir::Expr& e);

  llvm::LLVMContext& ctx_;
  llvm::Module& module_;
  llvm::IRBuilder<> b_;
  const std::vector<ColumnSpec>& columns_;
  KernelObjects& objects_;
  llvm::Value* row_ = nullptr;
  llvm::Value* now_ = nullptr;
  llvm::Value* objects_ptr_ = nullptr;
  std::vector<ColumnPointers> pointers_;
  const std::vector<ir::Expr>* precomputed_ = nullptr;
  std::unordered_multimap<size_t, size_t> precomputed_by_hash_;
  llvm::Value* tests_ = nullptr;
  llvm::Function* scratch_reset_in_ = nullptr;
};

// Generates into `module` the filter kernel `name` (runtime/kernel.h FilterKernel) for
// `predicate` over a batch with `columns`; throws Unsupported.
llvm::Function* BuildFilter(llvm::Module& module, const std::string& name, const ir::Expr& predicate,
                            const std::vector<ColumnSpec>& columns, KernelObjects& objects);

// Generates into `module` the pack scan kernel `name` (runtime/kernel.h PackKernel) of part `part`
// of `layout` (PackScanLayout::part_ends) over a batch with `columns`; throws Unsupported.
llvm::Function* BuildPack(llvm::Module& module, const std::string& name, const exec::PackScanLayout& layout,
                          size_t part, const std::vector<ColumnSpec>& columns, KernelObjects& objects);

// Generates into `module` the projection kernel `name` (runtime/kernel.h ProjectKernel) computing
// `exprs`, in order, over a batch with `columns` (projection.cpp); throws Unsupported.
llvm::Function* BuildProjection(llvm::Module& module, const std::string& name,
                                const std::vector<const ir::Expr*>& exprs,
                                const std::vector<ColumnSpec>& columns, KernelObjects& objects);

// Generates into `module` the fused scan kernel `name` (runtime/kernel.h ScanKernel): the filter
// kernel of `predicate`, then the projection kernel of `exprs` over the rows it selected
// (fused.cpp); throws Unsupported.
llvm::Function* BuildScan(llvm::Module& module, const std::string& name, const ir::Expr& predicate,
                          const std::vector<const ir::Expr*>& exprs, const std::vector<ColumnSpec>& columns,
                          KernelObjects& objects);

// Generates into `module` the summarize kernel `name` (runtime/kernel.h AggregateKernel) for
// `node` over its input's columns (aggregate.cpp); throws Unsupported.
llvm::Function* BuildAggregate(llvm::Module& module, const std::string& name, const exec::AggregateNode& node,
                               KernelObjects& objects);

}  // namespace huntc::jit
