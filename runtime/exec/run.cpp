// Feeding a plan's sources from files.
#include "runtime/exec/run.h"

namespace huntc::exec {

void RunPlan(const PlanNode& plan, const std::vector<InputFile>& inputs, int64_t now, Consumer& sink,
             const std::function<void(const InputIssue&)>& on_issue, RunStats& stats) {
  Execution execution(plan, now, sink);
  for (size_t s = 0; s < execution.source_count(); ++s) {
    const auto* scan = execution.source(s).As<ScanNode>();
    if (!scan) {
      execution.RunDatatable(s);
      continue;
    }
    // Records name their table (envelopes, exports) or take their input's; an input named
    // after another table is not read for this scan.
    EventReader reader({TableColumns{scan->table, scan->schema}});
    for (const InputFile& input : inputs) {
      if (!input.table.empty() && input.table != scan->table) continue;
      ++stats.files;
      reader.Read(InputRange{input.path, input.table},
                  [&](size_t, const Batch& batch) { execution.Push(s, batch); }, on_issue,
                  stats.read);
    }
    execution.Finish(s);
  }
}

}  // namespace huntc::exec
