// Running a plan over event files: each Scan source is fed the JSON-lines files of its table
// (runtime/jsonl_reader.h), each Datatable its rows, in the order the plan needs.
#pragma once

#include <functional>
#include <vector>

#include "runtime/exec/execution.h"
#include "runtime/hunt.h"

namespace huntc::exec {

// Runs `plan` with now() = `now`, sending its result rows to `sink`. Every input whose table is
// that of a Scan is read once per Scan of it. Adds to `stats`.
void RunPlan(const PlanNode& plan, const std::vector<InputFile>& inputs, int64_t now, Consumer& sink,
             const std::function<void(const InputIssue&)>& on_issue, RunStats& stats);

}  // namespace huntc::exec
