// Drives the tables in order (generator.h): sizes each table, draws its background rows in order of
// ingestion, merges in the planted rows, and hands the laid-out bytes to the sink. The process and
// certificate tables come last: they hold what the earlier tables named.
#include "tools/gen-events/generator.h"

#include <algorithm>
#include <array>

#include "tools/gen-events/background.h"
#include "tools/gen-events/scenarios.h"
#include "tools/gen-events/world.h"
#include "tools/gen-events/writer.h"

namespace huntc::gen {

namespace {

constexpr std::string_view kTableNames[kTableCount] = {
    "DeviceInfo",          "DeviceNetworkInfo", "DeviceNetworkEvents", "DeviceFileEvents",    "DeviceRegistryEvents",
    "DeviceImageLoadEvents", "DeviceEvents",    "DeviceLogonEvents",   "DeviceProcessEvents", "DeviceFileCertificateInfo"};
constexpr std::string_view kScenarioNames[kScenarioCount] = {
    "beacon", "encoded_cradle", "lolbin", "lateral_movement", "run_key", "credential_dumping", "rdp_brute_force",
    "unsigned_dll", "new_service", "forced_authentication"};
constexpr size_t kChunk = 1 << 20;

size_t Index(Table t) { return static_cast<size_t>(t); }

// Lays out one table's rows and passes them on in chunks that end at line ends.
class Emitter {
 public:
  Emitter(Table table, const RowWriter& writer, Out& out, const ChunkSink& sink)
      : table_(table), writer_(writer), out_(out), sink_(sink) {
    out_.Clear();
    writer_.Header(out_);
  }
  bool Row(const Record& r) {
    writer_.Write(out_, r);
    ++rows_;
    return out_.Size() < kChunk || Flush();
  }
  bool Flush() {
    if (out_.Size() == 0) return true;
    const bool ok = sink_(table_, out_.View());
    out_.Clear();
    return ok;
  }
  uint64_t Rows() const { return rows_; }

 private:
  Table table_;
  const RowWriter& writer_;
  Out& out_;
  const ChunkSink& sink_;
  uint64_t rows_ = 0;
};

// A certificate as DeviceFileCertificateInfo describes it, per signer.
struct SignerCertificate {
  std::string signer_hash, issuer_hash, serial, crl;
  int64_t created, expires;
};

std::vector<SignerCertificate> SignerCertificates() {
  std::vector<SignerCertificate> out;
  const int64_t base = *ParseDateTime("2025-03-06T18:00:00Z");
  for (size_t i = 0; i < std::size(catalog::kSigners); ++i) {
    SignerCertificate c;
    for (int k = 0; k < 3; ++k) {
      Rng rng(Mix(0xce47 + i * 16 + k));
      (k == 0 ? c.signer_hash : k == 1 ? c.issuer_hash : c.serial) = HexDigits(rng, k == 2 ? 38 : 40);
    }
    c.crl = catalog::kSigners[i].root_microsoft
                ? "http://www.microsoft.com/pkiops/crl/MicCodSigPCA2011_2011-07-08.crl"
                : "http://crl3.digicert.com/DigiCertTrustedG4CodeSigningRSA4096SHA3842021CA1.crl";
    c.created = base + static_cast<int64_t>(i) * 37 * kTicksPerDay;
    c.expires = c.created + 365 * kTicksPerDay;
    out.push_back(std::move(c));
  }
  return out;
}

struct Plan {
  std::array<bool, kTableCount> selected{};
  std::array<uint64_t, kTableCount> rows{};  // event tables: rows asked for
  std::array<std::vector<Field>, kTableCount> columns;
};

std::string Validate(const GenOptions& opt, Plan& plan) {
  if (opt.tables.empty()) return "no table selected";
  if (opt.days < 1 || opt.days > 3650) return "--days must be between 1 and 3650";
  for (const Table t : opt.tables) plan.selected[Index(t)] = true;
  std::vector<bool> column_used(opt.columns.size(), false);
  for (size_t t = 0; t < kTableCount; ++t) {
    if (!plan.selected[t]) continue;
    for (const Field f : TableColumns(static_cast<Table>(t))) {
      const std::string_view name = kFieldNames[static_cast<size_t>(f)];
      const auto it = std::find(opt.columns.begin(), opt.columns.end(), name);
      if (opt.columns.empty() || it != opt.columns.end()) plan.columns[t].push_back(f);
      if (it != opt.columns.end()) column_used[it - opt.columns.begin()] = true;
    }
    if (plan.columns[t].empty())
      return "--columns: " + std::string(TableName(static_cast<Table>(t))) + " has none of the columns named";
  }
  for (size_t i = 0; i < opt.columns.size(); ++i)
    if (!column_used[i]) return "--columns: no selected table has a column " + opt.columns[i];
  uint64_t total_share = 0;
  for (const TableShare& s : kTableShares)
    if (plan.selected[Index(s.table)]) total_share += s.per_mille;
  uint64_t given = 0;
  for (const TableShare& s : kTableShares) {
    if (!plan.selected[Index(s.table)]) continue;
    const uint64_t n = opt.events_per_table ? *opt.events_per_table
                                            : static_cast<uint64_t>(static_cast<unsigned __int128>(opt.events) *
                                                                    s.per_mille / total_share);
    plan.rows[Index(s.table)] = n;
    given += n;
  }
  if (!opt.events_per_table && total_share > 0)
    for (const TableShare& s : kTableShares)
      if (plan.selected[Index(s.table)]) {
        plan.rows[Index(s.table)] += opt.events - given;  // the remainder of the division
        break;
      }
  return "";
}

class Run {
 public:
  Run(const GenOptions& opt, const Plan& plan, const ChunkSink& sink, GenResult& result)
      : opt_(opt), plan_(plan), sink_(sink), result_(result), world_(opt.seed, opt.now, opt.days), bg_(world_) {
    Plant(world_, opt, plan.selected, planted_);
    seen_.collect_processes = plan.selected[Index(Table::kDeviceProcessEvents)];
  }

  void Go() {
    for (size_t t = 0; t < kTableCount && !result_.stopped; ++t)
      if (plan_.selected[t]) Table(static_cast<gen::Table>(t));
  }

  Planted& planted() { return planted_; }
  const World& world() const { return world_; }

 private:
  void Table(gen::Table t) {
    const RowWriter writer(t, opt_.format, plan_.columns[Index(t)], world_.tenant, world_.start / kTicksPerDay - 1,
                           world_.now / kTicksPerDay + 1);
    Emitter em(t, writer, out_, sink_);
    const std::vector<Record>& planted = planted_.rows[Index(t)];
    size_t next_planted = 0;
    // Writes the planted rows ingested before `until`, then (unless null) the row itself.
    auto emit = [&](const Record* r, int64_t until) {
      for (; next_planted < planted.size() && planted[next_planted].ingested <= until; ++next_planted) {
        Note(planted[next_planted]);
        if (!em.Row(planted[next_planted])) return false;
      }
      if (!r) return true;
      Note(*r);
      return em.Row(*r);
    };
    bool ok = true;
    Record r;
    Rng rng(Mix(opt_.seed ^ (0x7ab1e000 + Index(t))));
    switch (t) {
      case gen::Table::kDeviceInfo:
      case gen::Table::kDeviceNetworkInfo:
        for (const Background::Report& report : bg_.DailyReports(opt_.seed ^ Index(t))) {
          if (t == gen::Table::kDeviceInfo) {
            bg_.DeviceInfo(report, r);
          } else {
            bg_.NetworkInfo(report, r);
          }
          r.ingested = report.time + ReportingDelay(rng);
          if (!(ok = emit(&r, r.ingested))) break;
        }
        break;
      case gen::Table::kDeviceProcessEvents: ok = Processes(emit, rng); break;
      case gen::Table::kDeviceFileCertificateInfo: ok = Certificates(emit, rng); break;
      default: {
        const uint64_t asked = plan_.rows[Index(t)];
        const uint64_t n = asked > planted.size() ? asked - planted.size() : 0;
        Rhythm rhythm(world_.activity_start, world_.now);
        for (uint64_t i = 0; i < n && ok; ++i) {
          const int64_t ingested = rhythm.At((static_cast<double>(i) + rng.Uniform()) / static_cast<double>(n));
          const int64_t time = std::max(world_.activity_start, ingested - ReportingDelay(rng));
          switch (t) {
            case gen::Table::kDeviceNetworkEvents: bg_.Network(rng, time, r); break;
            case gen::Table::kDeviceFileEvents: bg_.File(rng, time, r); break;
            case gen::Table::kDeviceRegistryEvents: bg_.Registry(rng, time, r); break;
            case gen::Table::kDeviceImageLoadEvents: bg_.ImageLoad(rng, time, r, seen_); break;
            case gen::Table::kDeviceEvents: bg_.Event(rng, time, r); break;
            default: bg_.Logon(rng, time, r); break;
          }
          r.ingested = ingested;
          ok = emit(&r, ingested);
        }
      }
    }
    ok = ok && emit(nullptr, INT64_MAX) && em.Flush();
    if (!ok) result_.stopped = true;
    result_.rows[Index(t)] = em.Rows();
  }

  // Collects what the process and certificate tables will need from a written row.
  void Note(const Record& r) {
    seen_.Process(r.init);
    seen_.Process(r.proc);
    if (r.proc && r.action == "ProcessCreated") seen_.File(*r.dev, &r.proc->entry->image, r.time);
  }

  // DeviceProcessEvents: the creation of every instance named so far and of its ancestors, padded
  // with quiet launches up to the rows asked for.
  template <class Emit>
  bool Processes(Emit& emit, Rng& rng) {
    const std::vector<Record>& planted = planted_.rows[Index(gen::Table::kDeviceProcessEvents)];
    for (const Record& r : planted) seen_.Process(r.init);
    std::vector<InstanceRef> all(seen_.processes.begin(), seen_.processes.end());
    // The set's order is the library's; sort so that the output is not.
    auto by_name = [](const InstanceRef& a, const InstanceRef& b) {
      return std::tie(a.device, a.launch, a.epoch) < std::tie(b.device, b.launch, b.epoch);
    };
    std::sort(all.begin(), all.end(), by_name);
    auto add_ancestors = [&](size_t from) {
      for (size_t i = from; i < all.size(); ++i) {
        const Device& d = world_.devices[all[i].device];
        uint32_t parent_launch;
        Instance parent;
        if (!world_.ParentOf(d, all[i].launch, world_.InstanceOf(d, all[i].launch, all[i].epoch), parent_launch,
                             parent))
          continue;
        const InstanceRef ref{d.index, parent_launch, parent.epoch};
        if (world_.processes[world_.launches[parent_launch].process].spec->life != catalog::Life::kKernel &&
            seen_.processes.insert(ref).second)
          all.push_back(ref);
      }
    };
    add_ancestors(0);
    const uint64_t asked = plan_.rows[Index(gen::Table::kDeviceProcessEvents)];
    const uint64_t target = asked > planted.size() ? asked - planted.size() : 0;
    if (all.size() < target) {
      const uint64_t pad = target - all.size();
      Rhythm rhythm(world_.activity_start, world_.now);
      for (uint64_t j = 0; j < pad && all.size() < target; ++j) {
        const int64_t t = rhythm.At((static_cast<double>(j) + rng.Uniform()) / static_cast<double>(pad));
        const Device& d = world_.devices[world_.device_picker.Pick(rng)];
        const uint32_t launch = bg_.QuietLaunch(rng, d);
        const InstanceRef ref{d.index, launch, world_.InstanceAt(d, launch, t).epoch};
        if (!seen_.processes.insert(ref).second) continue;
        all.push_back(ref);
        add_ancestors(all.size() - 1);
      }
    }
    struct Row {
      int64_t ingested;
      InstanceRef ref;
      Instance inst;
    };
    std::vector<Row> rows;
    rows.reserve(all.size());
    for (const InstanceRef& ref : all) {
      const Instance inst = world_.InstanceOf(world_.devices[ref.device], ref.launch, ref.epoch);
      Rng delay(inst.hash);
      rows.push_back({inst.created + ReportingDelay(delay), ref, inst});
    }
    std::sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
      return a.ingested != b.ingested ? a.ingested < b.ingested : by_name(a.ref, b.ref);
    });
    ProcView self, parent;
    Record r;
    int64_t report_id = 0;
    for (const Row& row : rows) {
      const Device& d = world_.devices[row.ref.device];
      world_.View(d, row.ref.launch, row.inst, self);
      uint32_t parent_launch;
      Instance parent_inst;
      const bool has_parent = world_.ParentOf(d, row.ref.launch, row.inst, parent_launch, parent_inst);
      if (has_parent) world_.View(d, parent_launch, parent_inst, parent);
      ProcessRow(r, d, self, has_parent ? &parent : nullptr, ++report_id);
      r.ingested = row.ingested;
      if (!emit(&r, row.ingested)) return false;
    }
    return true;
  }

  // DeviceFileCertificateInfo: each signed file once per device, when first seen.
  template <class Emit>
  bool Certificates(Emit& emit, Rng& rng) {
    const std::vector<SignerCertificate> signers = SignerCertificates();
    struct Row {
      int64_t time;
      uint32_t device;
      const FileImage* image;
    };
    std::vector<Row> rows;
    for (const auto& [key, time] : seen_.files) rows.push_back({time, key.first, key.second});
    std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
      return std::tie(a.time, a.device, a.image->sha1) < std::tie(b.time, b.device, b.image->sha1);
    });
    Record r;
    CertificateReport cert;
    int64_t report_id = 0;
    for (const Row& row : rows) {
      const size_t s = static_cast<size_t>(row.image->signer);
      r = Record{};
      r.time = row.time;
      r.ingested = row.time + ReportingDelay(rng);
      r.dev = &world_.devices[row.device];
      r.report_id = ++report_id;
      r.sha1 = row.image->sha1;
      cert.signer = &catalog::kSigners[s];
      cert.signer_hash = signers[s].signer_hash;
      cert.issuer_hash = signers[s].issuer_hash;
      cert.serial = signers[s].serial;
      cert.crl = signers[s].crl;
      cert.created = signers[s].created;
      cert.expires = signers[s].expires;
      cert.countersigned = signers[s].created + static_cast<int64_t>(NameHash(row.image->sha1) % (300 * kTicksPerDay));
      r.certificate = &cert;
      if (!emit(&r, r.ingested)) return false;
    }
    return true;
  }

  void ProcessRow(Record& r, const Device& d, const ProcView& self, const ProcView* parent, int64_t report_id) {
    r = Record{};
    r.time = self.created;
    r.dev = &d;
    r.action = "ProcessCreated";
    r.report_id = report_id;
    r.proc = &self;
    r.init = parent;
    r.file_name = self.file_name;
    r.folder = self.folder;
    r.sha1 = self.entry->image.sha1;
    r.sha256 = self.entry->image.sha256;
    r.md5 = self.entry->image.md5;
    r.file_size = self.entry->image.size;
    r.account = self.account;
    r.logon_id = self.logon_id;
  }

  const GenOptions& opt_;
  const Plan& plan_;
  const ChunkSink& sink_;
  GenResult& result_;
  World world_;
  Background bg_;
  Planted planted_;
  Sightings seen_;
  Out out_;
};

std::string Manifest(const GenOptions& opt, const World& world, const GenResult& result, const Planted& planted) {
  std::string m = "{\n  \"generator\": \"gen-events\",\n  \"seed\": " + std::to_string(opt.seed);
  m += ",\n  \"from\": " + JsonQuote(FormatDateTime(world.start));
  m += ",\n  \"to\": " + JsonQuote(FormatDateTime(world.now));
  m += ",\n  \"tables\": {";
  bool first = true;
  for (const Table t : opt.tables) {
    m += first ? "" : ", ";
    m += JsonQuote(TableName(t)) + ": " + std::to_string(result.rows[Index(t)]);
    first = false;
  }
  m += "},\n  \"invariants\": [";
  first = true;
  for (const std::string& s : BackgroundInvariants()) {
    m += first ? "\n    " : ",\n    ";
    m += JsonQuote(s);
    first = false;
  }
  m += "\n  ],\n  \"scenarios\": " + planted.scenarios_json + "\n}\n";
  return m;
}

}  // namespace

std::string_view TableName(Table t) { return kTableNames[Index(t)]; }

std::optional<Table> TableFromName(std::string_view name) {
  for (size_t i = 0; i < kTableCount; ++i)
    if (kTableNames[i] == name) return static_cast<Table>(i);
  return std::nullopt;
}

std::string_view ScenarioName(Scenario s) { return kScenarioNames[static_cast<size_t>(s)]; }

std::optional<Scenario> ScenarioFromName(std::string_view name) {
  for (size_t i = 0; i < kScenarioCount; ++i)
    if (kScenarioNames[i] == name) return static_cast<Scenario>(i);
  return std::nullopt;
}

GenResult Generate(const GenOptions& opt, const ChunkSink& sink) {
  GenResult result;
  Plan plan;
  result.error = Validate(opt, plan);
  if (!result.error.empty()) return result;
  Run run(opt, plan, sink, result);
  run.Go();
  result.manifest = Manifest(opt, run.world(), result, run.planted());
  return result;
}

}  // namespace huntc::gen
