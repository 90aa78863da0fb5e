// Running pipelines over inputs (see hunt.h).
//
// Workers take units in order and render each unit's detections and issues into its own slot;
// the calling thread drains the slot of the oldest unfinished unit as it fills, so output
// streams while later units are still being read. Workers stay at most a few units ahead of the
// output, and a unit's worker pauses while the output it holds back is large, which bounds the
// memory held by units waiting for their turn.
#include "runtime/hunt.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "runtime/exec/prefilter.h"

namespace huntc {
namespace {

// Rendered output above this is handed over to the writer mid-unit.
constexpr size_t kHandOverBytes = size_t{1} << 20;
// A unit still waiting for its turn holds at most about this much output; its worker waits
// beyond it, so a large compressed file (one unit) behind another cannot fill the memory.
constexpr size_t kMaxWaitingBytes = size_t{64} << 20;
// The same for input issues (a file of bad records has one per record).
constexpr size_t kHandOverIssues = 4096;
constexpr size_t kMaxWaitingIssues = 65536;

// What the scans of one table need: the union of its pipelines' columns.
struct TablePlan {
  std::vector<size_t> pipelines;
  std::vector<std::vector<size_t>> positions;  // per pipeline: its columns in the batch
};

// A unit's results, filled by a worker and drained in order by the writer.
struct UnitSlot {
  std::string output;
  std::vector<InputIssue> issues;
  ReadStats stats;
  std::vector<uint64_t> detections;
  std::vector<uint64_t> nanos;  // per pipeline, with RunOptions::profile
  bool ok = true;
  bool done = false;
};

struct Unit {
  size_t input;
  InputRange range;
};

}  // namespace

bool RunPipelines(std::vector<ScanPipeline>& pipelines, const std::vector<InputFile>& inputs,
                  const RunOptions& options, OutputFormat format, DetectionWriter& out,
                  const std::function<bool(const InputIssue&)>& on_issue, RunStats& stats) {
  std::vector<TableColumns> tables;
  std::vector<TablePlan> plans;
  for (size_t k = 0; k < pipelines.size(); ++k) {
    const ScanPipeline& p = pipelines[k];
    size_t t = 0;
    while (t < tables.size() && tables[t].table != p.table) ++t;
    if (t == tables.size()) {
      tables.push_back({p.table, {}});
      plans.emplace_back();
    }
    plans[t].pipelines.push_back(k);
    std::vector<size_t>& pos = plans[t].positions.emplace_back();
    std::vector<ColumnSpec>& columns = tables[t].columns;
    for (const ColumnSpec& c : p.columns) {
      size_t i = 0;
      while (i < columns.size() && columns[i].name != c.name) ++i;
      if (i == columns.size()) columns.push_back(c);
      pos.push_back(i);
    }
    AddDictionary(tables[t], pos, p.dictionary);
  }
  // A column only filtered pipelines read, none in its filter, is read of the rows they keep.
  for (size_t t = 0; t < tables.size(); ++t) {
    std::vector<bool> read(tables[t].columns.size(), false), eager(read.size(), false);
    for (size_t k = 0; k < plans[t].pipelines.size(); ++k) {
      const ScanPipeline& p = pipelines[plans[t].pipelines[k]];
      const std::vector<size_t>& pos = plans[t].positions[k];
      for (size_t i = 0; i < pos.size(); ++i) {
        read[pos[i]] = true;
        if (!p.filter || i >= p.filter_columns.size() || p.filter_columns[i]) eager[pos[i]] = true;
      }
    }
    tables[t].late.resize(read.size());
    for (size_t c = 0; c < read.size(); ++c) tables[t].late[c] = read[c] && !eager[c];
  }

  // An input named after a table no query reads is left alone; an unnamed one may hold any.
  std::vector<Unit> units;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const InputFile& in = inputs[i];
    const bool wanted = in.table.empty() ||
                        std::any_of(tables.begin(), tables.end(),
                                    [&](const TableColumns& t) { return t.table == in.table; });
    if (!wanted) continue;
    ++stats.files;
    for (InputRange& r : SplitInput(in.path, in.table, options.split_bytes)) {
      units.push_back({i, std::move(r)});
    }
  }

  // A line that holds what none of its table's pipelines needs feeds nobody.
  exec::TableNeeds table_needs(tables.size());
  for (size_t t = 0; t < plans.size(); ++t) {
    for (size_t k : plans[t].pipelines) table_needs.Add(t, pipelines[k].literals);
  }
  const std::vector<std::optional<LineNeeds>> needs = table_needs.Result();

  std::mutex mutex;
  std::condition_variable changed;
  std::vector<UnitSlot> slots(units.size());
  size_t next_unit = 0;  // the next unit a worker takes
  size_t drained = 0;    // units the writer has finished with
  std::atomic<bool> stop{false};
  const unsigned threads = std::max(1u, std::min<unsigned>(options.threads, units.size()));
  const size_t window = 2 * threads;
  const std::vector<std::string>& tabular = out.tabular_columns();

  const auto work = [&] {
    EventReader reader(tables, options.limits);
    reader.set_stop(&stop);
    if (options.prefilter) reader.set_prefilter(needs);
    DetectionRenderer renderer(format, tabular);
    std::vector<std::vector<uint32_t>> selections;
    std::vector<uint32_t> counts;
    std::vector<std::pair<const uint32_t*, size_t>> kept;
    std::vector<Batch> gathered(pipelines.size());  // per pipeline: the rows it keeps, late columns read
    std::vector<ColumnView> views;
    std::vector<const Column*> columns;
    std::string rendered;
    while (true) {
      size_t u;
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return stop || next_unit >= units.size() || next_unit < drained + window; });
        if (stop || next_unit >= units.size()) return;
        u = next_unit++;
      }
      UnitSlot local;
      local.detections.assign(pipelines.size(), 0);
      local.nanos.assign(pipelines.size(), 0);
      const auto hand_over = [&](bool done) {
        std::unique_lock lock(mutex);
        if (!done) {
          changed.wait(lock, [&] {
            return stop || u == drained || (slots[u].output.size() < kMaxWaitingBytes &&
                                            slots[u].issues.size() < kMaxWaitingIssues);
          });
        }
        UnitSlot& slot = slots[u];
        slot.output += rendered;
        slot.issues.insert(slot.issues.end(), std::make_move_iterator(local.issues.begin()),
                           std::make_move_iterator(local.issues.end()));
        if (done) {
          slot.stats = local.stats;
          slot.detections = local.detections;
          slot.nanos = local.nanos;
          slot.ok = local.ok;
          slot.done = true;
        }
        rendered.clear();
        local.issues.clear();
        changed.notify_all();
      };
      const auto on_batch = [&](size_t table, const Batch& batch) {
        const uint32_t rows = static_cast<uint32_t>(batch.rows());
        const TablePlan& plan = plans[table];
        const auto clock = [&] { return options.profile ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point(); };
        const auto add_time = [&](size_t k, std::chrono::steady_clock::time_point start) {
          if (!options.profile) return;
          local.nanos[plan.pipelines[k]] += static_cast<uint64_t>(
              std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count());
        };
        selections.resize(plan.pipelines.size());
        counts.resize(plan.pipelines.size());
        for (size_t k = 0; k < plan.pipelines.size(); ++k) {
          const ScanPipeline& p = pipelines[plan.pipelines[k]];
          const auto start = clock();
          std::vector<uint32_t>& selection = selections[k];
          selection.resize(rows);
          counts[k] = rows;
          if (p.filter) {
            views.clear();
            for (size_t i : plan.positions[k]) views.push_back(batch.columns[i].View());
            const KernelContext context{options.now, p.objects};
            counts[k] = p.filter(views.data(), rows, &context, selection.data());
          } else {
            for (uint32_t i = 0; i < rows; ++i) selection[i] = i;
          }
          add_time(k, start);
        }
        if (batch.late) {  // the columns no filter reads, of the rows kept, read once for all
          kept.clear();
          for (size_t k = 0; k < selections.size(); ++k) kept.emplace_back(selections[k].data(), counts[k]);
          ReadLateRows(batch, kept);
        }
        for (size_t k = 0; k < plan.pipelines.size(); ++k) {
          const ScanPipeline& p = pipelines[plan.pipelines[k]];
          const auto start = clock();
          const uint32_t* selection = selections[k].data();
          columns.clear();
          if (batch.late) {
            Batch& rows_kept = gathered[plan.pipelines[k]];
            GatherRows(batch, &plan.positions[k], selection, counts[k], rows_kept);
            for (const Column& c : rows_kept.columns) columns.push_back(&c);
            for (uint32_t i = 0; i < counts[k]; ++i) selections[k][i] = i;  // the gathered rows, in order
            selection = selections[k].data();
          } else {
            for (size_t i : plan.positions[k]) columns.push_back(&batch.columns[i]);
          }
          renderer.Render(p.shape, columns, selection, counts[k], rendered);
          local.detections[plan.pipelines[k]] += counts[k];
          add_time(k, start);
        }
        if (rendered.size() > kHandOverBytes) hand_over(false);
      };
      const auto issue = [&](const InputIssue& i) {
        local.issues.push_back(i);
        if (local.issues.size() >= kHandOverIssues) hand_over(false);
      };
      local.ok = reader.Read(units[u].range, on_batch, issue, local.stats);
      hand_over(true);
    }
  };

  std::vector<std::thread> workers;
  for (unsigned t = 0; t < threads; ++t) workers.emplace_back(work);

  // Drain the units in order. Lines of a file's later ranges count on from its earlier ones.
  bool completed = true;
  uint64_t line_base = 0;
  size_t last_failed = SIZE_MAX;
  std::string text;
  std::vector<InputIssue> issues;
  for (size_t head = 0; head < units.size() && completed; ++head) {
    if (units[head].range.begin == 0) line_base = 0;
    bool done = false;
    while (!done && completed) {
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return slots[head].done || !slots[head].output.empty() ||
                                        !slots[head].issues.empty(); });
        text.swap(slots[head].output);
        issues.swap(slots[head].issues);
        done = slots[head].done;
      }
      for (InputIssue& i : issues) {
        if (i.line > 0) i.line += line_base;
        if (!on_issue(i)) completed = false;
        if (!completed) break;
      }
      if (completed && !out.Write(text)) completed = false;
      text.clear();
      issues.clear();
    }
    if (!completed) break;
    const UnitSlot& slot = slots[head];
    line_base += slot.stats.lines;
    stats.read.Add(slot.stats);
    // A file split into ranges fails once however many of its ranges fail.
    if (!slot.ok && last_failed != units[head].input) {
      last_failed = units[head].input;
      ++stats.files_failed;
    }
    for (size_t k = 0; k < pipelines.size(); ++k) {
      pipelines[k].detections += slot.detections[k];
      pipelines[k].nanos += slot.nanos[k];
    }
    if (options.on_progress) options.on_progress(stats.read);
    {
      std::lock_guard lock(mutex);
      slots[head] = UnitSlot{};  // frees its memory
      drained = head + 1;
      changed.notify_all();
    }
  }
  {
    std::lock_guard lock(mutex);
    if (!completed) stop = true;
    changed.notify_all();
  }
  for (std::thread& w : workers) w.join();
  return completed;
}

std::string TableFromPath(const std::string& path, const std::vector<std::string>& tables) {
  namespace fs = std::filesystem;
  const auto lower = [](std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  const std::string name = fs::path(path).filename().string();
  std::string best;
  for (const std::string& t : tables) {
    if (name.compare(0, t.size(), t) == 0 && t.size() > best.size()) best = t;
  }
  if (!best.empty()) return best;
  // Folders, nearest first: `DeviceNetworkEvents`, or an export container that ends with the
  // table's name in lower case (`insights-logs-advancedhunting-devicenetworkevents`,
  // `am-devicenetworkevents`).
  for (fs::path dir = fs::path(path).parent_path(); !dir.empty() && dir != dir.parent_path();
       dir = dir.parent_path()) {
    const std::string folder = lower(dir.filename().string());
    for (const std::string& t : tables) {
      const std::string table = lower(t);
      if (folder == table ||
          (folder.ends_with(table) && folder.size() > table.size() &&
           folder[folder.size() - table.size() - 1] == '-')) {
        return t;
      }
    }
  }
  return "";
}

}  // namespace huntc
