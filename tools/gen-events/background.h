// The background activity of each table: the everyday rows of a quiet network, drawn one at a time
// in order of ingestion. Each row names the process instance behind it (world.h), so that
// DeviceProcessEvents can later write the creation of every process the other tables named.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_set>
#include <vector>

#include "tools/gen-events/world.h"
#include "tools/gen-events/writer.h"

namespace huntc::gen {

// Spreads ingestion times over [from, to) following the business-hours rhythm (kWeekdayHours), in
// increasing order: row i of n gets the (i + u) / n quantile, so a table is sorted by TimeGenerated.
class Rhythm {
 public:
  Rhythm(int64_t from, int64_t to);
  // The time below which a share q of the rows fall; q must not decrease from call to call.
  int64_t At(double q);

 private:
  struct Hour {  // or the part of one inside the window
    int64_t begin, end;
    double before;  // the mass of all earlier hours
    double weight;  // mass per tick
  };
  std::vector<Hour> hours_;
  double total_ = 0;
  size_t current_ = 0;
};

// How long after the event Defender ingested it.
int64_t ReportingDelay(Rng& rng);

// What later tables need from earlier ones: the process instances named, and the signed files seen
// on each device with when they were first seen.
struct Sightings {
  bool collect_processes = false;
  std::unordered_set<InstanceRef, InstanceRefHash> processes;
  std::map<std::pair<uint32_t, const FileImage*>, int64_t> files;  // (device, file) -> first seen

  void Process(const ProcView* v) {
    if (collect_processes && v && v->ref.launch != kPlantedLaunch && v->entry->spec->life != catalog::Life::kKernel)
      processes.insert(v->ref);
  }
  void File(const Device& d, const FileImage* f, int64_t t) {
    if (!f->is_signed) return;
    auto [it, added] = files.emplace(std::make_pair(d.index, f), t);
    if (!added && t < it->second) it->second = t;
  }
};

class Background {
 public:
  explicit Background(World& world);

  // Each fills r (and the Background's scratch space r points into) with one row at time t.
  void Network(Rng& rng, int64_t t, Record& r);
  void File(Rng& rng, int64_t t, Record& r);
  void Registry(Rng& rng, int64_t t, Record& r);
  void ImageLoad(Rng& rng, int64_t t, Record& r, Sightings& seen);
  void Event(Rng& rng, int64_t t, Record& r);
  void Logon(Rng& rng, int64_t t, Record& r);

  // The rows of DeviceInfo and DeviceNetworkInfo: each device once a day, in time order.
  struct Report {
    int64_t time;
    const Device* device;
  };
  std::vector<Report> DailyReports(uint64_t seed) const;
  void DeviceInfo(const Report& report, Record& r);
  void NetworkInfo(const Report& report, Record& r);

  // A launch DeviceProcessEvents pads its share with.
  uint32_t QuietLaunch(Rng& rng, const Device& d);

 private:
  struct BehaviourEntry {
    const catalog::Behaviour* spec;
    std::vector<uint32_t> launches;  // one per command line
  };
  const Device& PickDevice(Rng& rng) const;
  // The instance of a launch of `process` under `account` on d at t, viewed into v.
  void ViewProcess(Rng& rng, const Device& d, const char* process, catalog::Account account, int64_t t,
                   ProcView& v);
  void ViewLaunch(const Device& d, uint32_t launch, int64_t t, ProcView& v);
  void FileHashes(std::string_view path, Record& r);
  const Remote& PopularHost(Rng& rng, catalog::Pool pool) const;
  void SetSmbClient(Rng& rng, Record& r);
  void Clear(Record& r, int64_t t, const Device& d, std::string_view action);

  World& w_;
  std::vector<BehaviourEntry> behaviours_;
  std::array<std::vector<const BehaviourEntry*>, catalog::kRoleCount> role_behaviours_;
  std::array<Picker, catalog::kRoleCount> network_pickers_, image_pickers_, file_pickers_, registry_pickers_,
      event_pickers_, quiet_pickers_;
  std::array<std::vector<size_t>, catalog::kRoleCount> image_behaviours_, file_acts_, registry_acts_, event_acts_,
      quiet_acts_;
  struct Action {
    std::string_view name;
    bool aggregated;
  };
  std::vector<Action> outbound_, inbound_;
  Picker outbound_picker_, inbound_picker_;
  std::vector<Template> file_paths_, file_previous_, registry_keys_, registry_data_, event_files_;
  std::vector<std::vector<Template>> event_additional_;
  int64_t report_counter_ = 0;

  // Scratch space the Record points into.
  ProcView init_, target_;
  std::string path_, previous_, hashes_[3], additional_, remote6_, url_, referrer_, key_, data_;
  std::string logged_on_, addresses_, dns_, gateways_, connected_;
  DeviceReport device_report_;
  AdapterReport adapter_;
};

}  // namespace huntc::gen
