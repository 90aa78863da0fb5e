// The calling convention between the runtime and generated kernels.
#pragma once

#include <cstdint>

#include "runtime/batch.h"

namespace huntc {

// What every kernel may read besides its columns.
struct KernelContext {
  int64_t now;                 // now() of this run, in ticks
  const void* const* objects;  // runtime objects the kernel was compiled against (string sets)
};

// A filter kernel: writes the index of every row whose predicate is true to `selection`
// (which has room for `rows` entries) and returns how many it wrote.
using FilterKernel = uint32_t (*)(const ColumnView* columns, uint32_t rows,
                                  const KernelContext* context, uint32_t* selection);

// A summarize kernel: for rows selection[0..rows) of a batch, finds or inserts each row's group
// in `table` (an exec::AggTable, runtime/exec/agg_table.h) and updates its aggregates' states.
using AggregateKernel = void (*)(const ColumnView* columns, uint32_t rows, const uint32_t* selection,
                                 const KernelContext* context, void* table);

}  // namespace huntc
