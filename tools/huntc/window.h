// Event time for `huntc run`: --now auto (the newest event time in the inputs) and the
// --from/--to window, which restricts the rows each table source reads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/diag/source.h"
#include "compiler/schema/schema.h"
#include "runtime/hunt.h"

namespace huntc {

// The time column of a table: Timestamp (Defender XDR), else TimeGenerated (Log Analytics),
// else "" when the table has neither as a datetime.
std::string TimeColumn(const TableSchema& table);

// The newest Timestamp/TimeGenerated of the inputs, read in a first pass that parses only those
// columns; nullopt when no record has one. Input problems are left to the real run, which
// reports them; returns false in `ok` when an input could not be read.
std::optional<int64_t> NewestEventTime(const std::vector<InputFile>& inputs, const Catalog& catalog,
                                       const ReadLimits& limits, bool& ok);

// A query rewritten so that every table it reads by name keeps only rows whose time column is
// in [from, to) (either bound may be absent): `T | ...` becomes `T | where Timestamp >=
// datetime(..) and Timestamp < datetime(..) | ...`, and a table elsewhere (a union leg)
// `(T | where ...)`. `origin` is rewritten alongside, so diagnostics still point
// into the rule file. Tables without a time column and wildcard unions are read whole; their
// names go to `unwindowed`. Returns false when the query does not parse (the caller compiles
// the original, which reports why).
struct WindowedQuery {
  std::string text;
  TextOrigin origin{nullptr};
  std::vector<std::string> unwindowed;
};
bool WindowQuery(const std::string& query, const TextOrigin& origin, const Catalog& catalog,
                 std::optional<int64_t> from, std::optional<int64_t> to, WindowedQuery& out);

}  // namespace huntc
