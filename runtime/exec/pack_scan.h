// The pack scan stage: the compiled scan filters of every rule of a pack that reads one table in
// one round (runtime/exec/run.h) run as one function per batch instead of one kernel each.
//
// PlanPackScan lays the filters out over the table's batch: each predicate's columns are
// renumbered to the table's, its top-level conjuncts are made distinct across consumers (an
// Expr compares and hashes itself), and a conjunct used by several consumers is marked shared,
// so the kernel computes it at most once per row. The string tests with a constant needle
// (has, contains, startswith, endswith, =~, in, in~, has_any) of all consumers on one column
// are pooled: one LiteralMatcher (Hyperscan) holds every literal of that column, one scan over
// the column's values (its distinct values when the batch's column is dictionary-encoded) per
// batch reports which literals match which value, and each hit sets the truths of the tests
// reading that literal. The kernel then reads
// those tests' truths instead of calling a string helper per test and row.
//
// A compiler (compiler/jit) turns each part of a PackScanLayout into a PackKernel; PackScan runs
// them.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "runtime/batch.h"
#include "runtime/exec/expr.h"
#include "runtime/kernel.h"
#include "runtime/literal_matcher.h"

namespace huntc::exec {

// One consumer of a shared read: its filter, and where its columns are in the table's batch.
struct PackConsumer {
  const Expr* predicate = nullptr;  // over the consumer's own columns
  std::vector<size_t> positions;    // its column i is the table's column positions[i]
};

// The literals of one column, and the tests that read them.
struct LiteralPool {
  size_t column = 0;  // in the table's batch
  std::vector<LiteralMatcher::Literal> literals;
};

// A pooled test: true when any of its literals (in its pool) matches.
struct PooledTest {
  size_t pool = 0;
  std::vector<uint32_t> literals;
};

struct PackScanLayout {
  std::vector<Expr> conjuncts;                    // distinct, over the table's columns
  std::vector<bool> shared;                       // per conjunct: used by several consumers
  std::vector<std::vector<uint32_t>> consumers;   // per consumer: its conjuncts, in order
  std::vector<Expr> pooled;                       // the pooled tests' expressions
  std::vector<PooledTest> tests;                  // and how each is answered
  std::vector<LiteralPool> pools;
  // The kernel's parts, compiled each on its own (on several threads at once) and run in turn on
  // a batch: part p selects for consumers [part_ends[p - 1], part_ends[p]) (from 0 for the first).
  // One kernel of a large pack is one module whose superlinear passes (GVN, register allocation)
  // alone would take longer than compiling the rest of the pack.
  std::vector<size_t> part_ends;

  size_t shared_count() const;
  size_t literal_count() const;
  // One line: consumers, conjuncts, shared ones, pooled literals per column.
  std::string Describe(const std::vector<ColumnSpec>& columns) const;
};

// Lays out the filters of `consumers` over a batch of `columns`. A column's string tests are
// pooled when they hold at least two distinct literals (one literal is faster tested directly).
PackScanLayout PlanPackScan(const std::vector<ColumnSpec>& columns, const std::vector<PackConsumer>& consumers);

// What a pack scan stage did, for tests and --verbose.
struct PackScanStats {
  uint64_t batches = 0;
  uint64_t rows = 0;
  uint64_t shared_evaluations = 0;  // rows on which a shared conjunct was evaluated, summed
  uint64_t literal_scans = 0;       // values scanned by a literal pool

  void Add(const PackScanStats& other);
};

// A pack scan stage once it has run: which table, its layout (Describe) and what it did.
struct PackScanReport {
  std::string table;
  std::string layout;
  PackScanStats stats;
};

// The compiled kernel of one part of a layout (PackScanLayout::part_ends), and the objects table
// it was compiled against.
struct PackPart {
  PackKernel kernel = nullptr;
  const void* const* objects = nullptr;
};

// A compiled pack scan: runs the kernel's parts on a table's batches.
class PackScan {
 public:
  // Builds the matcher of a pool's literals: LiteralMatcher::Create, or a copy kept of its
  // database; null, saying why in `error`, when it cannot.
  using MakeMatcher =
      std::function<std::unique_ptr<LiteralMatcher>(const std::vector<LiteralMatcher::Literal>&, std::string& error)>;

  // `parts` has one kernel per part of `layout`; their objects tables must outlive this stage.
  // Fails (null, `error` set) when a pool's matcher cannot be built. The matchers are made with
  // `make_matcher` when given, else compiled.
  static std::unique_ptr<PackScan> Create(PackScanLayout layout, std::vector<PackPart> parts, std::string& error,
                                          const MakeMatcher& make_matcher = nullptr);

  // Another stage running the same kernel with buffers of its own, for another reading thread;
  // it shares this one's matchers (immutable; Hyperscan compiling them is most of a stage's set-up).
  std::unique_ptr<PackScan> Clone() const;

  // Per consumer, its bit in the rows' readers (Batch::readers), or 0 when it reads every row.
  // Copied by Clone.
  void set_readers(std::vector<uint64_t> bits) { readers_ = std::move(bits); }

  // Computes every consumer's selection of the rows of `batch` (laid out as the table's columns):
  // of those whose readers have its bit, when the batch keeps them.
  void Run(const Batch& batch, int64_t now);
  const uint32_t* selection(size_t consumer) const { return selections_[consumer].data(); }
  uint32_t count(size_t consumer) const { return counts_[consumer]; }
  const PackScanLayout& layout() const { return layout_; }
  PackScanStats stats() const;

 private:
  PackScan(PackScanLayout layout, std::vector<PackPart> parts);
  // Sizes the buffers; the matchers are set.
  void Init();
  // Run on every row of `batch`, or (Narrow) keeping in each consumer's selection its rows alone.
  void RunKernel(const Batch& batch, int64_t now);
  void Narrow(const Batch& batch);

  PackScanLayout layout_;
  std::vector<PackPart> parts_;
  std::vector<std::shared_ptr<const LiteralMatcher>> matchers_;  // per pool
  std::vector<std::vector<size_t>> pool_tests_;            // per pool: the tests reading it
  std::vector<std::vector<std::vector<uint32_t>>> literal_tests_;  // per pool and literal: the tests reading it
  std::vector<std::vector<uint8_t>> truths_;               // per pooled test, per row
  std::vector<const uint8_t*> truth_ptrs_;
  std::vector<std::vector<uint32_t>> selections_;
  std::vector<uint32_t*> selection_ptrs_;
  std::vector<uint32_t> counts_;
  std::vector<uint64_t> evaluations_;  // per shared conjunct
  std::vector<LiteralMatcher::ValueHit> hits_;
  std::string distinct_bytes_;  // a dictionary-encoded column's distinct values, end to end
  std::vector<uint32_t> distinct_offsets_;
  std::vector<uint8_t> by_value_;  // a pooled test's truth per distinct value of its column
  std::vector<ColumnView> views_;
  std::vector<uint64_t> readers_;  // see set_readers
  std::vector<uint32_t> rows_;     // the rows of the batch some consumer reads, when copied
  Batch compact_;                  // and their copy
  PackScanStats stats_;
};

// Builds the pack scan stage of the consumers of one table over batches of `columns`, or returns
// null when they cannot be compiled together (they then run their own kernels).
using PackScanFactory = std::function<std::unique_ptr<PackScan>(
    const std::string& table, const std::vector<ColumnSpec>& columns, const std::vector<PackConsumer>& consumers)>;

}  // namespace huntc::exec
