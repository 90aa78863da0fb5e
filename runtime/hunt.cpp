// Running pipelines over inputs.
#include "runtime/hunt.h"

#include <filesystem>

namespace huntc {

void RunPipelines(std::vector<ScanPipeline>& pipelines, const std::vector<InputFile>& inputs,
                  int64_t now, JsonLinesWriter& out,
                  const std::function<void(const InputIssue&)>& on_issue, RunStats& stats) {
  for (const InputFile& input : inputs) {
    // The union of the columns of this table's pipelines, and where each pipeline's are.
    std::vector<ScanPipeline*> active;
    std::vector<ColumnSpec> columns;
    std::vector<std::vector<size_t>> positions;
    for (ScanPipeline& p : pipelines) {
      if (p.table != input.table) continue;
      active.push_back(&p);
      std::vector<size_t>& pos = positions.emplace_back();
      for (const ColumnSpec& c : p.columns) {
        size_t i = 0;
        while (i < columns.size() && columns[i].name != c.name) ++i;
        if (i == columns.size()) columns.push_back(c);
        pos.push_back(i);
      }
    }
    if (active.empty()) continue;
    ++stats.files;
    JsonLinesReader reader(columns);
    std::vector<uint32_t> selection;
    std::vector<ColumnView> views;
    std::vector<const Column*> out_columns;
    const auto on_batch = [&](const Batch& batch) {
      const uint32_t rows = static_cast<uint32_t>(batch.rows());
      selection.resize(rows);
      for (size_t k = 0; k < active.size(); ++k) {
        ScanPipeline& p = *active[k];
        uint32_t count = rows;
        if (p.filter) {
          views.clear();
          for (size_t i : positions[k]) views.push_back(batch.columns[i].View());
          const KernelContext context{now, p.objects};
          count = p.filter(views.data(), rows, &context, selection.data());
        } else {
          for (uint32_t i = 0; i < rows; ++i) selection[i] = i;
        }
        out_columns.clear();
        for (uint32_t o : p.output) out_columns.push_back(&batch.columns[positions[k][o]]);
        out.WriteRows(p.prefix, p.output_names, out_columns, selection.data(), count);
        p.detections += count;
      }
    };
    reader.ReadFile(input.path, on_batch, on_issue, stats.read);
  }
}

std::string TableFromFileName(const std::string& path, const std::vector<std::string>& tables) {
  const std::string name = std::filesystem::path(path).filename().string();
  std::string best;
  for (const std::string& t : tables) {
    if (name.compare(0, t.size(), t) == 0 && t.size() > best.size()) best = t;
  }
  return best;
}

}  // namespace huntc
