// The calling convention between the runtime and generated kernels.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "runtime/batch.h"

namespace huntc {

// What every kernel may read besides its columns.
struct KernelContext {
  int64_t now;                 // now() of this run, in ticks
  const void* const* objects;  // runtime objects the kernel was compiled against (string sets, regexes)
};

// A filter kernel: writes the index of every row whose predicate is true to `selection`
// (which has room for `rows` entries) and returns how many it wrote.
using FilterKernel = uint32_t (*)(const ColumnView* columns, uint32_t rows,
                                  const KernelContext* context, uint32_t* selection);

// A kernel compiled when first asked for: a filter that runs inside a pack scan stage
// (runtime/exec/pack_scan.h) never needs a kernel of its own, nor the fused scan kernel of its
// filter and projection (ScanKernel), and compiling or loading kernels is most of what starting
// a pack of hundreds of rules costs. Any thread may ask; the first compiles, the others wait for it.
template <typename Kernel>
class LazyKernel {
 public:
  struct Compiled {
    Kernel kernel = nullptr;  // null when it could not be compiled (the operator runs without it)
    const void* const* objects = nullptr;
    std::string error;        // then why
  };
  // `compile` may own what the kernel refers to (its objects): it lives as long as this.
  explicit LazyKernel(std::function<Compiled()> compile) : compile_(std::move(compile)) {}

  const Compiled& Get() {
    std::call_once(once_, [this] {
      compiled_ = compile_();
      done_ = true;
    });
    return compiled_;
  }
  // What Get returned, if it was called: else null.
  const Compiled* IfDone() const { return done_ ? &compiled_ : nullptr; }

 private:
  std::once_flag once_;
  std::function<Compiled()> compile_;
  Compiled compiled_;
  std::atomic<bool> done_{false};
};

// A pack scan kernel (runtime/exec/pack_scan.h): the filters of several consumers of one table
// over one batch. `tests[k][row]` is the truth (0 or 1) of the k-th precomputed string test;
// consumer c's selected rows go to `selections[c]` (room for `rows` each) and their number to
// `counts[c]`; `evaluations[j]` is increased by how many rows the j-th shared conjunct was
// evaluated on.
using PackKernel = void (*)(const ColumnView* columns, uint32_t rows, const KernelContext* context,
                            const uint8_t* const* tests, uint32_t* const* selections, uint32_t* counts,
                            uint64_t* evaluations);

// A summarize kernel: for rows selection[0..rows) of a batch, finds or inserts each row's group
// in `table` (an exec::AggTable, runtime/exec/agg_table.h) and updates its aggregates' states.
using AggregateKernel = void (*)(const ColumnView* columns, uint32_t rows, const uint32_t* selection,
                                 const KernelContext* context, void* table);

// A projection kernel: computes a Project's computed columns (the interpreter's values: 0 where
// null) for rows selection[0..rows) of a batch; row i of output k goes to element i of
// outputs[k], which has room for `rows`, or for a string or dynamic output is appended to its
// column (ColumnOutput, runtime/batch.h).
using ProjectKernel = void (*)(const ColumnView* columns, uint32_t rows, const uint32_t* selection,
                               const KernelContext* context, const ColumnOutput* outputs);

// A fused scan kernel: a scan filter and the projection kernel above it in one function per
// batch. Selects as the FilterKernel does (returns the count, writes `selection`), then computes
// the ProjectKernel's outputs for the selected rows, row i of output k for selection[i].
using ScanKernel = uint32_t (*)(const ColumnView* columns, uint32_t rows, const KernelContext* context,
                                uint32_t* selection, const ColumnOutput* outputs);

using LazyFilterKernel = LazyKernel<FilterKernel>;
using LazyScanKernel = LazyKernel<ScanKernel>;
using LazyProjectKernel = LazyKernel<ProjectKernel>;

}  // namespace huntc
