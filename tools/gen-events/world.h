// The simulated network behind gen-events, shared by the table writers: random streams, the fleet,
// the accounts, the processes and their instances, and the Record a row is written from.
//
// A world is built once from the seed and the time window. Process instances are not stored: an
// instance is named by (device, launch, epoch), where a launch is a process started with one command
// line under one kind of account, and its pid, creation time and parent are hashed from that name.
// So any table can name the instance running at a given time, and DeviceProcessEvents can later
// write the creation row of every instance the other tables named.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/types.h"
#include "tools/gen-events/catalog.h"

namespace huntc::gen {

constexpr int64_t kTicksPerMinute = 60 * kTicksPerSecond;
constexpr int64_t kTicksPerHour = 60 * kTicksPerMinute;

// splitmix64's output function: turns a key into well-mixed bits.
inline uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// FNV-1a: a stable hash of a name, where std::hash may differ between library versions.
inline uint64_t NameHash(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : s) h = (h ^ static_cast<uint8_t>(c)) * 0x100000001b3ULL;
  return h;
}

// xoshiro256**, seeded with splitmix64 as its authors advise: fast, and the same everywhere.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (uint64_t i = 0; i < 4; ++i) s_[i] = Mix(seed + i * 0x9e3779b97f4a7c15ULL);
  }
  uint64_t Next() {
    const uint64_t result = std::rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = std::rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, n) by Lemire's multiply-shift; the bias is negligible for the small n used here.
  uint64_t Below(uint64_t n) { return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64); }
  int64_t Between(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(Below(hi - lo + 1)); }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Uniform() < p; }
  template <class T>
  const T& Of(const std::vector<T>& v) {
    return v[Below(v.size())];
  }

 private:
  uint64_t s_[4];
};

// Picks indices in proportion to their weights.
class Picker {
 public:
  void Add(double weight) {
    total_ += weight;
    cumulative_.push_back(total_);
  }
  size_t Pick(Rng& rng) const {
    const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), rng.Uniform() * total_);
    return std::min<size_t>(it - cumulative_.begin(), cumulative_.size() - 1);
  }

 private:
  std::vector<double> cumulative_;
  double total_ = 0;
};

std::string HexDigits(Rng& rng, int digits);
std::string Guid(Rng& rng);
std::string Base64(std::string_view bytes);
// What PowerShell's -EncodedCommand takes: base64 of the script in UTF-16LE (the scripts are ASCII).
std::string EncodedCommand(std::string_view script);

// A command line, path or JSON text with slots filled per instance or per event.
enum class Slot : uint8_t { kEnd, kUser, kSid, kNumber, kGuid, kToken, kPayload, kDoc };
struct Piece {
  std::string text;
  Slot slot;
};
using Template = std::vector<Piece>;
Template Compile(std::string_view pattern);

// An account as Defender reports it.
struct Account {
  std::string domain, name, sid, upn, object_id;
};

struct Device {
  uint32_t index;
  std::string id, name, netbios, ip, ip6, mac, group, aad_id, public_ip;
  catalog::Role role;
  const Account* user = nullptr;  // a workstation's primary user; none on servers
  int64_t anchor;                 // boot at the start of the window; instances count epochs from here
  bool internet_facing = false;
};

struct Admin {
  Account account;
  const Device* workstation;  // where their RDP sessions come from
};

// An internet address and the host name it serves ("" when unknown).
struct Remote {
  std::string ip, host;
};

// An executable or DLL, with the hashes of its one file.
struct FileImage {
  std::string sha1, sha256, md5;
  int64_t size;
  catalog::Signer signer;
  bool is_signed = true;  // planted implants are not
};

struct ProcessEntry {
  const catalog::Process* spec;
  std::vector<std::string> names;  // spellings
  std::vector<Template> paths;     // folder path with the file name, one per spelling
  FileImage image;
  std::vector<uint16_t> parents;  // process indices
  uint32_t default_launch;
  int depth;                   // in the boot chain: a parent starts before its children
  std::vector<uint16_t> dlls;  // indices into World::dlls: the system DLLs and its own
};

struct DllEntry {
  std::string name;
  Template path;
  FileImage image;
};

// A process started with one command line under one kind of account.
struct Launch {
  uint16_t process;
  catalog::Account account;
  Template cmdline;
  uint64_t key;
};

struct Instance {
  int64_t pid, created;
  uint64_t hash;
  int32_t epoch;
};

// The launch of a planted process, which has no instance in the world's model.
constexpr uint32_t kPlantedLaunch = UINT32_MAX;

// The name of a process instance, as DeviceProcessEvents collects them.
struct InstanceRef {
  uint32_t device, launch;
  int32_t epoch;
  bool operator==(const InstanceRef&) const = default;
};
struct InstanceRefHash {
  size_t operator()(const InstanceRef& r) const {
    return Mix((uint64_t(r.device) << 32 | r.launch) ^ Mix(uint64_t(uint32_t(r.epoch))));
  }
};

// Everything a table writes about one process instance.
struct ProcView {
  InstanceRef ref{};
  const ProcessEntry* entry = nullptr;
  std::string_view file_name;
  std::string folder, cmdline;
  int64_t pid = 0, created = 0;
  std::string_view parent_name;
  int64_t parent_pid = -1, parent_created = -1;  // -1: null
  const Account* account = nullptr;
  std::string_view integrity, elevation;
  int64_t logon_id = 0, session = 0;
  const Device* rdp_client = nullptr;  // set when the process runs in an RDP session
};

// Fixed for a seed and a window, whatever the number of events.
class World {
 public:
  World(uint64_t seed, int64_t now, int days);
  World(const World&) = delete;  // devices and launches point into its own members

  uint64_t salt;
  int64_t start, now;
  int64_t activity_start;  // every device has booted by then
  std::string tenant;
  std::vector<Account> users;
  std::vector<Admin> admins;
  std::vector<Account> service_accounts;  // svc-sql, svc-backup: service logons on servers
  Account system{"nt authority", "system", "S-1-5-18", "", ""};
  Account local_service{"nt authority", "local service", "S-1-5-19", "", ""};
  Account network_service{"nt authority", "network service", "S-1-5-20", "", ""};
  std::string domain_sid;
  std::deque<Device> devices;  // a deque, as pointers to devices are kept while it grows
  Picker device_picker;        // busy devices report more
  std::vector<const Device*> workstations, dcs, files, sqls, webs;
  std::vector<const Device*> app_servers;  // web and application servers: the SQL servers' clients
  std::vector<ProcessEntry> processes;
  std::vector<DllEntry> dlls;
  std::deque<Launch> launches;
  std::array<std::vector<Remote>, 4> pools;  // by catalog::Pool
  std::array<Picker, 4> popularity;
  std::vector<Remote> pastebin;
  std::vector<std::string> lookalike_urls;
  std::vector<std::string> payloads;
  std::vector<std::string> used_ips;  // every public address of the background, sorted

  uint16_t ProcessIndex(std::string_view name) const;
  // The launch of `process` with this command line and account, made on first use.
  uint32_t Intern(uint16_t process, std::string_view cmdline, catalog::Account account);
  // Launches of a process under an account that a device of this role runs (the default if none).
  const std::vector<uint32_t>& LaunchesOf(uint16_t process, catalog::Account account, catalog::Role role);
  void AddRoleLaunch(uint32_t launch, unsigned roles);

  // The instance of a launch running on a device at time t (t >= the device's anchor).
  Instance InstanceAt(const Device& d, uint32_t launch, int64_t t) const;
  Instance InstanceOf(const Device& d, uint32_t launch, int32_t epoch) const;
  // Fills v with everything about an instance, its parent included.
  void View(const Device& d, uint32_t launch, const Instance& inst, ProcView& v) const;
  // The parent's launch and instance; false for the kernel.
  bool ParentOf(const Device& d, uint32_t launch, const Instance& inst, uint32_t& parent_launch,
                Instance& parent) const;

  // Appends a template with its slots filled from `hash` and the account.
  void Expand(std::string& out, const Template& t, uint64_t hash, const Account* account) const;
  // Whether an address is used by the background (planted addresses must not be).
  bool IsUsedIp(std::string_view ip) const { return std::binary_search(used_ips.begin(), used_ips.end(), ip); }
  // A first octet outside the private, loopback, shared, link-local, multicast and test ranges.
  static int PublicFirstOctet(Rng& rng);

 private:
  void BuildDevices(Rng& rng);
  void BuildProcesses(Rng& rng);
  void BuildRemotes(Rng& rng);
  void AddDevice(Rng& rng, const std::string& host, catalog::Role role, const std::string& ip, const char* group,
                 double weight);
  int64_t EpochStart(const Device& d, catalog::Life life, int depth, int32_t epoch, uint64_t hash) const;

  std::unordered_map<std::string, uint32_t> launch_index_;
  std::unordered_map<uint64_t, std::vector<uint32_t>> role_launches_;  // by (process, account, role)
};

FileImage MakeImage(Rng& rng, int64_t size, catalog::Signer signer);

}  // namespace huntc::gen
