// The LLVM ORC JIT back end: compiles the optimised IR to native kernels (expression code
// generation in codegen.h; the kinds of kernel in filter.cpp, aggregate.cpp, pack.cpp and
// projection.cpp; LLJIT and the cache in jit.cpp).
//
// A filter kernel is one loop over the rows of a batch that evaluates a scan's predicate with
// KQL's three-valued logic (values and validity kept apart, top-level conjuncts short-circuiting)
// and writes a selection vector; a summarize kernel updates a group table (runtime/exec/
// agg_table.h); a pack scan kernel runs the filters of every rule reading a table at once
// (runtime/exec/pack_scan.h); a projection kernel computes a Project's computed columns for
// the rows a scan filter selected. String tests call
// the runtime's helpers (runtime/strings.h): the small ones linked into each kernel as bitcode so
// they inline (helpers_bitcode.h), the others bound through an explicit symbol map. LLVM
// stays inside compiler/jit: this header needs none of it.
//
// Kernels are added to the JIT as object code. With a cache folder set, that object code is kept
// on disk keyed by a hash of the unoptimised kernel, the helpers' bitcode and the target, so a
// later run loads it and skips optimisation and code generation. A rule pack (`huntc compile`)
// carries the same object code under the same keys (KernelCode), handed to the Jit with AddCode.
// Generating a kernel only to find its key costs about as much as the rest of loading a pack, so
// each kernel's key is also kept as data (FindData) under a hash of its inputs (every field of
// its expressions and columns, and where its objects start in the table), with how its runtime
// objects (string sets, regexes, literal matchers) were made: a later run with the same inputs
// makes those objects again and loads the code without generating it. Such an entry is used only
// by the build of huntc that kept it (its GNU build id is in the key): another build's code
// generator may generate other code from the same inputs.
//
// A Jit may compile kernels on several threads at once: each kernel is generated in its own
// LLVM context and emitted with a target machine no other thread is using.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/ir/ir.h"
#include "runtime/exec/pack_scan.h"
#include "runtime/exec/plan.h"
#include "runtime/kernel.h"
#include "runtime/literal_matcher.h"
#include "runtime/strings.h"

namespace huntc {

class Jit;

// Runtime objects compiled kernels refer to through KernelContext::objects.
struct KernelObjects {
  std::vector<std::unique_ptr<StringSet>> sets;
  std::vector<std::shared_ptr<const void>> others;  // other kinds (compiled regular expressions)
  std::vector<const void*> table;
  // Set by the Jit while it generates a kernel into these objects: the kernel's literal matchers
  // come from its MakeMatcher. Null while the Jit only checks whether a kernel would compile:
  // then none is made, as building a Hyperscan database costs more than generating the kernel.
  Jit* matchers = nullptr;

  // How each object of `table` was made, one entry each: a kernel the Jit finds by the key of its
  // inputs (no code generated) has its objects made again from these.
  std::vector<std::string> made;

  // Each returns the object's index in `table`.
  int AddSet(const std::vector<std::string>& values, bool case_insensitive);
  // `regex` is the valid re2::RE2 that runtime/regex.h CompileRegex makes of `pattern`.
  int AddRegex(std::shared_ptr<const void> regex, std::string_view pattern);
  int AddMatcher(std::unique_ptr<LiteralMatcher> matcher, const std::vector<LiteralMatcher::Literal>& literals);
};

// The LLVM IR of a query's kernels (one module each, in turn) before and after optimisation,
// for `--dump llvm|llvm-opt`.
struct KernelDumps {
  std::string llvm;
  std::string llvm_opt;
};

// How hard a kernel is optimised. Hot: it runs over every row of a batch (or a large share).
// Cold: it runs over few rows (those a rule's filter selected, its detections) and is compiled
// with little optimisation, as its compile time is most of its cost (see jit.cpp).
enum class KernelTier { Hot, Cold };

// What the object-code cache did, for tests and measurements.
struct JitCacheStats {
  uint64_t hits = 0;      // kernels loaded from a cache file
  uint64_t misses = 0;    // kernels optimised and compiled (no usable cache file, or no cache)
  uint64_t rejected = 0;  // cache files found corrupt, truncated or foreign (then rebuilt)
  uint64_t stored = 0;    // cache files written
  uint64_t reused = 0;    // kernels this Jit had already loaded, shared instead of added again
  uint64_t provided = 0;  // kernels whose object code came from AddCode (a pack)
  uint64_t by_inputs = 0;  // kernels found by the key of their inputs, not generated (also counted above)
};

// A kernel's object code (or data kept with Jit::KeepData) and its cache key (lower-case hex), as
// a pack file carries it.
struct KernelCode {
  std::string key;
  std::string object;
};

class Jit {
 public:
  // Sets up LLVM for the host CPU; on failure returns null and says why in `error`.
  static std::unique_ptr<Jit> Create(std::string& error);
  ~Jit();

  // Compiles `predicate` over a batch with `columns` into a filter kernel; on failure returns
  // null and names the construct in `error`. The kernel lives as long as this Jit.
  FilterKernel CompileFilter(const ir::Expr& predicate, const std::vector<ColumnSpec>& columns,
                             KernelObjects& objects, KernelDumps* dumps, std::string& error);
  // Compiles the scan filters of part `part` (PackScanLayout::part_ends) of a pack laid out in
  // `layout` over a batch with `columns` into a pack scan kernel (runtime/exec/pack_scan.h); on
  // failure returns null and says why in `error`.
  PackKernel CompilePack(const exec::PackScanLayout& layout, size_t part, const std::vector<ColumnSpec>& columns,
                         KernelObjects& objects, KernelDumps* dumps, std::string& error);
  // Whether CompileFilter would compile `predicate`, found without generating machine code; if
  // not, names the construct in `error`. The answer is kept as data is (FindData), keyed by every
  // field of `predicate` and `columns`, so a pack or a warm cache answers without generating.
  bool CanCompile(const ir::Expr& predicate, const std::vector<ColumnSpec>& columns, std::string& error);

  // Compiles the keys and aggregates of a summarize into a kernel that fills its group table
  // (runtime/exec/agg_table.h); on failure returns null and names the aggregate, type or
  // construct in `error`. The kernel lives as long as this Jit.
  AggregateKernel CompileAggregate(const exec::AggregateNode& node, KernelObjects& objects, KernelDumps* dumps,
                                   std::string& error);
  // Whether CompileAggregate would compile `node`, found without generating machine code.
  bool CanCompileAggregate(const exec::AggregateNode& node, std::string& error);

  // Compiles the computed columns `exprs` of a Project over a batch with `columns` into one
  // projection kernel (runtime/kernel.h ProjectKernel) writing them in order; on failure returns
  // null and names the construct in `error`. Fixed-width, string and dynamic columns compile.
  // A cold kernel (KernelTier) is compiled with little optimisation.
  ProjectKernel CompileProjection(const std::vector<const ir::Expr*>& exprs, const std::vector<ColumnSpec>& columns,
                                  KernelObjects& objects, KernelDumps* dumps, std::string& error,
                                  KernelTier tier = KernelTier::Hot);
  // Compiles the filter `predicate` over a Scan with `columns` and the computed columns `exprs`
  // of the Project above it into one fused scan kernel (runtime/kernel.h ScanKernel); on failure
  // returns null and names the construct in `error`.
  ScanKernel CompileScan(const ir::Expr& predicate, const std::vector<const ir::Expr*>& exprs,
                         const std::vector<ColumnSpec>& columns, KernelObjects& objects, KernelDumps* dumps,
                         std::string& error);
  // Whether CompileProjection would compile `expr` as a column, found without generating
  // machine code; if not, names the construct in `error`. Kept as CanCompile's answer is.
  bool CanCompileProjection(const ir::Expr& expr, const std::vector<ColumnSpec>& columns, std::string& error);

  // Keeps compiled kernels in the folder `dir` (created when first written) and reuses them;
  // empty (the default) turns the cache off. Other processes may use the same folder at once.
  void SetCacheDir(std::string dir);
  // Object code to use, by key, before the cache folder: a pack's kernels. Only code built by
  // this huntc for this target (TargetId) may be given; keys still decide which is used.
  void AddCode(std::vector<KernelCode> code);
  // From now on, remembers the object code of every kernel compiled or loaded, for TakeCode.
  void KeepCode();
  // The object code remembered since KeepCode, one entry per key, in the order first compiled.
  std::vector<KernelCode> TakeCode();
  // Data other than kernels that is slow to make and kept as their object code is, in packs
  // (KeepCode, AddCode) and the cache folder: Hyperscan databases. `content` names it: every
  // input that decides it (hashed with TargetId). FindData returns it when kept (and keeps it
  // again for TakeCode); KeepData keeps what was made for `content`.
  std::optional<std::string> FindData(std::string_view content);
  void KeepData(std::string_view content, std::string data);
  // The matcher of `literals`, from its Hyperscan database kept as data (FindData: a pack's, the
  // cache's) or else compiled, its database then kept (KeepData); null, saying why in `error`,
  // if Hyperscan cannot build it (a CPU it does not support).
  std::unique_ptr<LiteralMatcher> MakeMatcher(const std::vector<LiteralMatcher::Literal>& literals,
                                              std::string& error);
  // Everything besides a kernel's IR that decides its object code: LLVM version, target triple,
  // CPU and features, optimisation settings, the code generator's and cache format's versions.
  std::string TargetId() const;
  const JitCacheStats& cache_stats() const;
  // The first problem writing the cache folder (after which this Jit stops writing it), said
  // once: returns it and forgets it. Empty if none. Never an error: kernels still compile.
  std::string TakeCacheWarning();

 private:
  struct Impl;
  explicit Jit(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace huntc
