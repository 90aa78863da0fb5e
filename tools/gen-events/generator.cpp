// Draws DeviceNetworkEvents from a small simulated network (contoso.local) and lays them out as
// JSON lines.
//
// A world is built once from the seed: devices (workstations and servers, each with a role), their
// users, the internet hosts, and the processes and behaviours of catalog.h, with every text already
// escaped for JSON. Each event then picks a device in proportion to how busy it is, one behaviour of
// the device's role, and a destination. Values that must agree between the events of one process
// instance (pid, creation time, command line, parent) are hashed from the instance's key instead of
// drawn, so they recur without any per-instance state. Events are written straight into a large
// buffer; nothing is allocated per event.
#include "tools/gen-events/generator.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <deque>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "runtime/types.h"
#include "tools/gen-events/catalog.h"

namespace huntc::gen {
namespace {

using namespace catalog;

constexpr int64_t kTicksPerMinute = 60 * kTicksPerSecond;
constexpr int64_t kTicksPerHour = 60 * kTicksPerMinute;

// splitmix64's output function: turns a key into well-mixed bits.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// FNV-1a: a stable hash of a name, where std::hash may differ between library versions.
uint64_t NameHash(std::string_view s) {
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
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }
  int64_t Between(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(Below(hi - lo + 1)); }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Uniform() < p; }
  template <class T>
  const T& Of(const std::vector<T>& v) { return v[Below(v.size())]; }

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

std::string JsonEscape(std::string_view s) {
  std::string out;
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += c;
    }
  }
  return out;
}

std::string Hex(Rng& rng, int digits) {
  std::string s;
  while (static_cast<int>(s.size()) < digits) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng.Next()));
    s += buf;
  }
  s.resize(digits);
  return s;
}

std::string Guid(Rng& rng) {
  const std::string h = Hex(rng, 32);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-4" + h.substr(13, 3) + "-a" + h.substr(17, 3) + "-" +
         h.substr(20, 12);
}

std::string Base64(std::string_view bytes) {
  constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) v |= static_cast<uint8_t>(bytes[i + 2]);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[v & 63] : '=';
  }
  return out;
}

// What PowerShell's -EncodedCommand takes: base64 of the script in UTF-16LE (the scripts are ASCII).
std::string EncodedCommand(std::string_view script) {
  std::string utf16;
  for (const char c : script) {
    utf16 += c;
    utf16 += '\0';
  }
  return Base64(utf16);
}

// Appends JSON text at a position that has room for the whole event (see kMaxEvent).
class Out {
 public:
  explicit Out(char* p) : p_(p) {}
  char* Pos() const { return p_; }

  void Raw(std::string_view s) {
    std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
  }
  void Char(char c) { *p_++ = c; }
  // Takes the name as an array so that its length is a constant and the copies compile to stores.
  template <size_t N>
  void Key(const char (&name)[N]) {
    std::memcpy(p_, ",\"", 2);
    std::memcpy(p_ + 2, name, N - 1);
    std::memcpy(p_ + N + 1, "\":", 2);
    p_ += N + 3;
  }
  void Str(std::string_view escaped) {
    Char('"');
    Raw(escaped);
    Char('"');
  }
  void Int(int64_t v) { p_ = std::to_chars(p_, p_ + 20, v).ptr; }
  void Null() { Raw("null"); }
  void Bool(bool v) { Raw(v ? "true" : "false"); }
  // Exactly `n` decimal digits, zero-padded.
  void Digits(uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i, v /= 10) p_[i] = static_cast<char>('0' + v % 10);
    p_ += n;
  }
  void Hex(uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i, v >>= 4) p_[i] = "0123456789abcdef"[v & 15];
    p_ += n;
  }

 private:
  char* p_;
};

// Writes datetimes as "2026-11-19T13:45:12.1234567Z" without calendar arithmetic per value: the
// date of each day in [from, to] is formatted once.
class Calendar {
 public:
  Calendar(int64_t from, int64_t to) : first_day_(from / kTicksPerDay) {
    for (int64_t day = first_day_; day <= to / kTicksPerDay; ++day)
      dates_.push_back(FormatDateTime(day * kTicksPerDay).substr(0, 11));  // "2026-11-19T"
  }
  void Write(Out& o, int64_t t) const {
    assert(t / kTicksPerDay >= first_day_ && t / kTicksPerDay - first_day_ < int64_t(dates_.size()));
    const int64_t in_day = t % kTicksPerDay;
    const int64_t second = in_day / kTicksPerSecond;
    o.Char('"');
    o.Raw(dates_[t / kTicksPerDay - first_day_]);
    o.Digits(second / 3600, 2);
    o.Char(':');
    o.Digits(second / 60 % 60, 2);
    o.Char(':');
    o.Digits(second % 60, 2);
    o.Char('.');
    o.Digits(in_day % kTicksPerSecond, 7);
    o.Raw("Z\"");
  }

 private:
  int64_t first_day_;
  std::vector<std::string> dates_;
};

// Spreads ingestion times over [now - days, now) following kWeekdayHours, in increasing order:
// event i of n gets the (i + u) / n quantile, so the output is sorted by TimeGenerated.
class Rhythm {
 public:
  Rhythm(int64_t now, int days) : start_(now - days * kTicksPerDay) {
    for (int64_t t = start_; t < now;) {
      const int64_t end = std::min(now, (t / kTicksPerHour + 1) * kTicksPerHour);
      // 0001-01-01, where ticks start, was a Monday: days 5 and 6 of a week are the weekend.
      const bool weekend = t / kTicksPerDay % 7 >= 5;
      const double weight = kWeekdayHours[t % kTicksPerDay / kTicksPerHour] * (weekend ? kWeekendShare : 1.0);
      hours_.push_back({t, end, total_, weight});
      total_ += weight * static_cast<double>(end - t);
      t = end;
    }
  }
  int64_t Start() const { return start_; }
  // The time below which a share q of the events fall; q must not decrease from call to call.
  int64_t At(double q) {
    const double mass = q * total_;
    while (current_ + 1 < hours_.size() && hours_[current_ + 1].before <= mass) ++current_;
    const Hour& h = hours_[current_];
    return std::min(h.end - 1, h.begin + static_cast<int64_t>((mass - h.before) / h.weight));
  }

 private:
  struct Hour {  // or the part of one inside the window
    int64_t begin, end;
    double before;  // the mass of all earlier hours
    double weight;  // mass per tick
  };
  int64_t start_;
  std::vector<Hour> hours_;
  double total_ = 0;
  size_t current_ = 0;
};

// A command line or folder path: escaped literal text, each piece followed by a slot filled per
// process instance.
enum class Slot : uint8_t { kEnd, kUser, kNumber, kGuid, kToken, kPayload };
struct Piece {
  std::string text;
  Slot slot;
};
using Template = std::vector<Piece>;

Template Compile(std::string_view pattern) {
  static constexpr std::pair<std::string_view, Slot> kSlots[] = {
      {"<user>", Slot::kUser}, {"<n>", Slot::kNumber}, {"<guid>", Slot::kGuid},
      {"<token>", Slot::kToken}, {"<payload>", Slot::kPayload}};
  Template t;
  std::string literal;
  for (size_t i = 0; i < pattern.size();) {
    const auto slot = std::find_if(std::begin(kSlots), std::end(kSlots),
                                   [&](const auto& s) { return pattern.substr(i).starts_with(s.first); });
    if (slot == std::end(kSlots)) {
      literal += pattern[i++];
      continue;
    }
    t.push_back({JsonEscape(literal), slot->second});
    literal.clear();
    i += slot->first.size();
  }
  t.push_back({JsonEscape(literal), Slot::kEnd});
  return t;
}

// An account as Defender reports it; its fields are plain words that need no JSON escaping.
struct Identity {
  std::string domain, name, sid, upn, object_id;
};

struct Device {
  std::string id, name, netbios, ip;
  Role role;
  const Identity* user = nullptr;  // a workstation's primary user; none on servers
  std::string group;
};

struct Admin {
  Identity identity;
  const Device* workstation;  // where their RDP sessions come from
};

// An internet address and the host name it serves ("" when unknown).
struct Remote {
  std::string ip, host;
};

struct ProcessEntry {
  const Process* spec;
  std::vector<std::string> names;   // escaped spellings
  std::vector<Template> folders;    // one per spelling
  std::string company, product, version, internal_name, original_name, description;
  std::string sha1, sha256, md5;
  std::vector<std::string> parent_names;
  std::vector<uint64_t> parent_keys;  // so that a parent is one instance whichever child it starts
};

struct BehaviourEntry {
  const Behaviour* spec;
  const ProcessEntry* process;
  std::vector<Template> cmdlines;
};

struct Action {
  std::string name;
  bool aggregated;
};

// Everything that is fixed for a seed, whatever the number of events.
class World {
 public:
  explicit World(uint64_t seed) : salt(Mix(seed ^ 0x5eed)) {
    Rng rng(Mix(seed));
    tenant = Guid(rng);
    BuildDevices(rng);
    BuildProcesses(rng);
    BuildRemotes(rng);
    for (const char* script : kPayloadScripts) payloads.push_back(EncodedCommand(script));
    for (const ActionShare& a : kOutboundActions) {
      outbound.push_back({a.name, std::string_view(a.name).ends_with("AggregatedReport")});
      outbound_picker.Add(a.weight);
    }
    for (const ActionShare& a : kInboundActions) {
      inbound.push_back({a.name, std::string_view(a.name).ends_with("AggregatedReport")});
      inbound_picker.Add(a.weight);
    }
  }
  World(const World&) = delete;  // devices point into its own members

  uint64_t salt;
  std::string tenant;
  std::vector<Identity> users;
  std::vector<Admin> admins;
  Identity system{"nt authority", "system", "S-1-5-18", "", ""};
  Identity local_service{"nt authority", "local service", "S-1-5-19", "", ""};
  Identity network_service{"nt authority", "network service", "S-1-5-20", "", ""};
  std::deque<Device> devices;  // a deque, as pointers to devices are kept while it grows
  Picker device_picker;  // busy devices report more
  std::vector<const Device*> workstations, dcs, files, sqls;
  std::vector<const Device*> app_servers;  // web and application servers: the SQL servers' clients
  std::vector<ProcessEntry> processes;
  std::vector<BehaviourEntry> behaviours;
  std::array<std::vector<const BehaviourEntry*>, kRoleCount> role_behaviours;
  std::array<Picker, kRoleCount> role_pickers;
  std::array<std::vector<Remote>, 4> pools;  // by catalog::Pool
  std::array<Picker, 4> popularity;
  std::vector<Remote> pastebin;
  std::vector<std::string> lookalike_urls;
  std::vector<std::string> payloads;
  std::vector<Action> outbound, inbound;
  Action listening{"ListeningConnectionCreated", false};
  Picker outbound_picker, inbound_picker;

 private:
  void BuildDevices(Rng& rng) {
    // Draws are made one statement at a time: the operands of + are evaluated in no fixed order,
    // and the output must not depend on the compiler.
    std::string domain_sid = "S-1-5-21-";
    for (int i = 0; i < 3; ++i) domain_sid += std::to_string(rng.Between(1'000'000'000, 4'000'000'000)) + "-";
    constexpr int kWorkstations = 260;
    std::unordered_map<std::string, int> taken;
    for (int i = 0; i < kWorkstations; ++i) {
      std::string name(1, rng.Of(kFirstNames)[0]);
      name += rng.Of(kLastNames);
      if (const int n = taken[name]++; n > 0) name += std::to_string(n + 1);
      users.push_back({"contoso", name, domain_sid + std::to_string(1105 + i), name + "@contoso.com", Guid(rng)});
    }
    std::unordered_set<int64_t> numbers;
    for (int i = 0; i < kWorkstations; ++i) {
      int64_t number;
      do number = rng.Between(1, 2999);
      while (!numbers.insert(number).second);
      char name[16];
      std::snprintf(name, sizeof name, "wks-%04d", static_cast<int>(number));
      AddDevice(rng, name, kWorkstation, "10.20." + std::to_string(i / 200) + "." + std::to_string(10 + i % 200),
                "Workstations", 0.2 + 1.6 * rng.Uniform() * rng.Uniform());
      devices.back().user = &users[i];
      workstations.push_back(&devices.back());
    }
    const std::pair<const char*, Role> kServerRoles[] = {
        {"dc", kDc}, {"file", kFile}, {"sql", kSql}, {"web", kWeb}, {"app", kApp}};
    const int kServerCounts[] = {3, 4, 4, 6, 12};
    for (int r = 0, ip = 10; r < 5; ++r) {
      for (int i = 1; i <= kServerCounts[r]; ++i, ++ip) {
        char name[24];
        std::snprintf(name, sizeof name, "srv-%s-%02d", kServerRoles[r].first, i);
        const Role role = kServerRoles[r].second;
        AddDevice(rng, name, role, "10.0.1." + std::to_string(ip), role == kDc ? "Domain Controllers" : "Servers",
                  1.5 + 2.0 * rng.Uniform());
        (role == kDc ? dcs : role == kFile ? files : role == kSql ? sqls : app_servers).push_back(&devices.back());
      }
    }
    for (int i = 0; i < 6; ++i) {
      const Identity& u = users[i];
      admins.push_back({{u.domain, "adm-" + u.name, domain_sid + std::to_string(1505 + i),
                         "adm-" + u.name + "@contoso.com", Guid(rng)},
                        workstations[i]});
    }
  }

  void AddDevice(Rng& rng, const std::string& host, Role role, const std::string& ip, const char* group,
                 double weight) {
    std::string netbios = host;
    std::transform(netbios.begin(), netbios.end(), netbios.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    devices.push_back({Hex(rng, 40), host + ".contoso.local", netbios, ip, role, nullptr, group});
    device_picker.Add(weight);
  }

  void BuildProcesses(Rng& rng) {
    processes.reserve(kProcesses.size());
    for (const Process& p : kProcesses) {
      ProcessEntry e{&p, {}, {}, JsonEscape(p.company), JsonEscape(p.product), JsonEscape(p.version),
                     JsonEscape(p.internal_name), JsonEscape(p.original_name), JsonEscape(p.description),
                     Hex(rng, 40), Hex(rng, 64), Hex(rng, 32), {}, {}};
      for (const char* name : p.names) {
        e.names.push_back(JsonEscape(name));
        e.folders.push_back(Compile(std::string(p.dir) + "\\" + name));
      }
      for (const Parent& parent : p.parents) {
        e.parent_names.push_back(JsonEscape(parent.name));
        e.parent_keys.push_back(NameHash(parent.name));
      }
      processes.push_back(std::move(e));
    }
    for (const Behaviour& b : kBehaviours) {
      const auto p = std::find_if(processes.begin(), processes.end(),
                                  [&](const ProcessEntry& e) { return std::string_view(e.spec->names[0]) == b.process; });
      if (p == processes.end()) throw std::logic_error(std::string("catalog: no process ") + b.process);
      BehaviourEntry e{&b, &*p, {}};
      for (const char* c : b.cmdlines) e.cmdlines.push_back(Compile(c));
      behaviours.push_back(std::move(e));
    }
    for (const BehaviourEntry& b : behaviours)
      for (int role = 0; role < kRoleCount; ++role)
        if (b.spec->roles & (1u << role)) {
          role_behaviours[role].push_back(&b);
          role_pickers[role].Add(b.spec->weight);
        }
  }

  void BuildRemotes(Rng& rng) {
    std::unordered_set<std::string> used;
    auto address = [&](int a, int b) {
      std::string ip;
      do {
        ip = std::to_string(a < 0 ? PublicFirstOctet(rng) : a);
        ip += "." + std::to_string(b < 0 ? rng.Below(256) : b);
        ip += "." + std::to_string(rng.Below(256));
        ip += "." + std::to_string(rng.Between(1, 254));
      } while (!used.insert(ip).second);
      return ip;
    };
    for (const Host& h : kHosts)
      for (int i = 0; i < h.addresses; ++i) pools[int(h.pool)].push_back({address(h.a, h.b), h.name});
    // The long tail of the web: rarely visited sites, many without a name Defender could see.
    for (int i = 0; i < 2800; ++i) {
      std::string host;
      if (rng.Chance(0.45)) {
        host = rng.Of(kHostWords);
        host += rng.Of(kHostWords);
        host += std::to_string(rng.Between(1, 99)) + ".";
        host += rng.Of(kTlds);
      }
      pools[int(Pool::kWeb)].push_back({address(-1, -1), host});
    }
    // Zipf-Mandelbrot popularity: the k-th entry of a pool is visited in proportion to 1 / (k + 10).
    for (size_t p = 0; p < pools.size(); ++p)
      for (size_t k = 0; k < pools[p].size(); ++k) popularity[p].Add(1.0 / static_cast<double>(k + 10));
    for (const char* url : kPastebinUrls) pastebin.push_back({rng.Of(kPastebinAddresses), JsonEscape(url)});
    for (const char* url : kLookAlikeUrls) lookalike_urls.push_back(JsonEscape(url));
  }

  // A first octet outside the private, loopback, shared, link-local, multicast and test ranges.
  static int PublicFirstOctet(Rng& rng) {
    for (;;) {
      const int a = static_cast<int>(rng.Between(1, 223));
      if (a != 10 && a != 100 && a != 127 && a != 169 && a != 172 && a != 192 && a != 198) return a;
    }
  }
};

// A running process: instances start at hashed offsets into periods of their lifetime, and the
// latest one started by a given time is the one running then.
struct Instance {
  int64_t pid, created;
  uint64_t hash;
};

Instance InstanceAt(uint64_t key, Life life, int64_t time) {
  const int64_t period = life == Life::kShort     ? 20 * kTicksPerMinute
                         : life == Life::kSession ? kTicksPerDay
                                                  : 7 * kTicksPerDay;
  int64_t epoch = time / period;
  uint64_t hash = Mix(key ^ Mix(epoch));
  int64_t created = epoch * period + static_cast<int64_t>(hash % (period / 2));
  if (created > time) {
    hash = Mix(key ^ Mix(--epoch));
    created = epoch * period + static_cast<int64_t>(hash % (period / 2));
  }
  const int64_t pid = life == Life::kKernel ? 4 : 4 * (100 + static_cast<int64_t>(hash % 12000));
  return {pid, created, hash};
}

constexpr size_t kChunk = 1 << 20;
constexpr size_t kMaxEvent = 16 << 10;  // far above the longest event the catalog can produce
constexpr double kUrlShare = 0.55;      // of connections to a named host whose RemoteUrl is filled
constexpr double kSuspiciousUrlShare = 0.7;  // the same for script hosts, which fetch by URL
constexpr double kNullShare = 0.005;    // of connections missing RemoteIP or RemotePort

class Generator {
 public:
  explicit Generator(const GenOptions& opt)
      : world_(opt.seed),
        rng_(Mix(opt.seed ^ 0xe7e27)),
        rhythm_(opt.now, opt.days),
        calendar_(rhythm_.Start() - 60 * kTicksPerDay, opt.now + kTicksPerDay),
        events_(static_cast<double>(opt.events)),
        report_id_(1000 + static_cast<int64_t>(Mix(opt.seed) % 100'000)) {}

  void Write(Out& o, uint64_t i);

 private:
  int64_t ReportingDelay() {
    const double u = rng_.Uniform();
    if (u < 0.85) return rng_.Between(kTicksPerSecond / 5, 20 * kTicksPerSecond);
    if (u < 0.98) return rng_.Between(20 * kTicksPerSecond, 5 * kTicksPerMinute);
    return rng_.Between(5 * kTicksPerMinute, 90 * kTicksPerMinute);
  }
  int Ephemeral() { return static_cast<int>(rng_.Between(49152, 65535)); }
  void Expand(Out& o, const Template& t, uint64_t hash, std::string_view user) const;

  World world_;
  Rng rng_;
  Rhythm rhythm_;
  Calendar calendar_;
  double events_;
  int64_t report_id_;
};

void Generator::Expand(Out& o, const Template& t, uint64_t hash, std::string_view user) const {
  o.Char('"');
  for (size_t k = 0; k < t.size(); ++k) {
    o.Raw(t[k].text);
    const uint64_t h = Mix(hash + k);  // each slot of a template gets its own value
    switch (t[k].slot) {
      case Slot::kEnd: break;
      case Slot::kUser: o.Raw(user); break;
      case Slot::kNumber: o.Int(1 + static_cast<int64_t>(h % 99'999)); break;
      case Slot::kGuid:
        o.Hex(h >> 32, 8);
        o.Char('-');
        o.Hex(h >> 16, 4);
        o.Raw("-4");
        o.Hex(h, 3);
        o.Raw("-a");
        o.Hex(Mix(h), 3);
        o.Char('-');
        o.Hex(Mix(h + 1), 12);
        break;
      case Slot::kToken:
        for (int c = 0; c < 8; ++c)
          o.Char("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"[(h >> (6 * c) & 63) % 57]);
        break;
      case Slot::kPayload: o.Raw(world_.payloads[h % world_.payloads.size()]); break;
    }
  }
  o.Char('"');
}

void Generator::Write(Out& o, uint64_t i) {
  const World& w = world_;
  const int64_t ingested = rhythm_.At((static_cast<double>(i) + rng_.Uniform()) / events_);
  const int64_t time = std::max(rhythm_.Start(), ingested - ReportingDelay());

  const size_t device_index = w.device_picker.Pick(rng_);
  const Device& dev = w.devices[device_index];
  const BehaviourEntry& b = *w.role_behaviours[dev.role][w.role_pickers[dev.role].Pick(rng_)];
  const Behaviour& spec = *b.spec;
  const ProcessEntry& proc = *b.process;
  const size_t variant = rng_.Below(b.cmdlines.size());
  const uint64_t behaviour_index = static_cast<uint64_t>(&b - w.behaviours.data());
  const Instance self =
      InstanceAt(Mix(Mix(Mix(w.salt + device_index) + behaviour_index) + variant), proc.spec->life, time);
  // One instance in five of a process with several spellings uses one of the unusual ones.
  const size_t spelling = (proc.names.size() == 1 || (self.hash >> 40) % 100 < 80)
                              ? 0
                              : 1 + (self.hash >> 48) % (proc.names.size() - 1);

  // Parents are keyed by device and name only, so that one explorer.exe starts all of a day's apps.
  const bool has_parent = !proc.parent_names.empty();
  const size_t parent = has_parent ? (self.hash >> 20) % proc.parent_names.size() : 0;
  const Instance parent_instance =
      has_parent ? InstanceAt(Mix(w.salt + device_index) ^ proc.parent_keys[parent],
                              proc.spec->parents[parent].life, self.created)
                 : Instance{};

  // Whose process it is. A user process on a server belongs to an administrator over RDP.
  const Identity* who = &w.system;
  std::string_view integrity = "System", elevation = "TokenElevationTypeDefault";
  int session = 0;
  const Device* rdp_client = nullptr;
  switch (spec.account) {
    case Account::kUser:
      session = 1;
      if (dev.user) {
        who = dev.user;
        integrity = "Medium";
        elevation = "TokenElevationTypeLimited";
      } else {
        const Admin& admin = w.admins[self.hash % w.admins.size()];
        who = &admin.identity;
        integrity = "High";
        elevation = "TokenElevationTypeFull";
        session = 2 + static_cast<int>((self.hash >> 8) % 3);
        rdp_client = admin.workstation;
      }
      break;
    case Account::kSystem: break;
    case Account::kLocalService: who = &w.local_service; break;
    case Account::kNetworkService: who = &w.network_service; break;
  }

  // The other end.
  const bool listen = spec.dest == Dest::kListen;
  const bool in = spec.dest == Dest::kFromWorkstation || spec.dest == Dest::kFromAdmin ||
                  spec.dest == Dest::kFromServer;
  const Action& action = listen ? w.listening
                         : in   ? w.inbound[w.inbound_picker.Pick(rng_)]
                                : w.outbound[w.outbound_picker.Pick(rng_)];
  const int port = rng_.Of(spec.ports);
  int remote_port = port == 0 ? Ephemeral() : port;
  int local_port = Ephemeral();
  std::string_view remote_ip = "", remote_type = "Private", url = "", local_ip = dev.ip, local_type = "Private";
  auto named = [&](const Remote& r, double url_share) {
    remote_ip = r.ip;
    remote_type = "Public";
    if (!r.host.empty() && rng_.Chance(url_share)) url = r.host;
  };
  auto inbound_from = [&](const Device* client) {
    remote_ip = client->ip;
    remote_port = Ephemeral();
    local_port = port;
  };
  switch (spec.dest) {
    case Dest::kWeb:
    case Dest::kMicrosoft:
    case Dest::kDefender:
    case Dest::kUpdate: {
      const int pool = spec.dest == Dest::kWeb         ? int(Pool::kWeb)
                       : spec.dest == Dest::kMicrosoft ? int(Pool::kMicrosoft)
                       : spec.dest == Dest::kDefender  ? int(Pool::kDefender)
                                                       : int(Pool::kUpdate);
      named(w.pools[pool][w.popularity[pool].Pick(rng_)], kUrlShare);
      break;
    }
    case Dest::kSuspicious: named(rng_.Of(w.pools[int(Pool::kWeb)]), kSuspiciousUrlShare); break;
    case Dest::kDc: remote_ip = rng_.Of(w.dcs)->ip; break;
    case Dest::kFile: remote_ip = rng_.Of(w.files)->ip; break;
    case Dest::kSql: remote_ip = rng_.Of(w.sqls)->ip; break;
    case Dest::kLoopback:
      remote_ip = local_ip = "127.0.0.1";
      remote_type = local_type = "Loopback";
      break;
    case Dest::kFromWorkstation: inbound_from(rng_.Of(w.workstations)); break;
    case Dest::kFromAdmin: inbound_from(rng_.Of(w.admins).workstation); break;
    case Dest::kFromServer: inbound_from(rng_.Of(w.app_servers)); break;
    case Dest::kListen:
      remote_type = "";
      remote_port = -1;
      local_ip = "0.0.0.0";
      local_type = "Reserved";
      local_port = port;
      break;
  }
  if (spec.odd_url > 0 && rng_.Chance(spec.odd_url)) {
    if (rng_.Chance(0.55)) {
      const Remote& r = rng_.Of(w.pastebin);
      remote_ip = r.ip;
      url = r.host;
    } else {
      remote_ip = rng_.Of(w.pools[int(Pool::kWeb)]).ip;
      url = rng_.Of(w.lookalike_urls);
    }
    remote_type = "Public";
  }
  if (!listen && rng_.Chance(kNullShare)) {
    if (rng_.Chance(0.5)) {
      remote_ip = remote_type = "";
    } else {
      remote_port = -1;
    }
  }

  o.Raw("{\"Timestamp\":");
  calendar_.Write(o, time);
  o.Key("DeviceId");
  o.Str(dev.id);
  o.Key("DeviceName");
  o.Str(dev.name);
  o.Key("ActionType");
  o.Str(action.name);
  o.Key("RemoteIP");
  o.Str(remote_ip);
  o.Key("RemotePort");
  remote_port < 0 ? o.Null() : o.Int(remote_port);
  o.Key("RemoteUrl");
  o.Str(url);
  o.Key("LocalIP");
  o.Str(local_ip);
  o.Key("LocalPort");
  o.Int(local_port);
  o.Key("Protocol");
  o.Str(spec.udp ? "Udp" : "Tcp");
  o.Key("LocalIPType");
  o.Str(local_type);
  o.Key("RemoteIPType");
  o.Str(remote_type);
  o.Key("InitiatingProcessSHA1");
  o.Str(proc.sha1);
  o.Key("InitiatingProcessSHA256");
  o.Str(proc.sha256);
  o.Key("InitiatingProcessMD5");
  o.Str(proc.md5);
  o.Key("InitiatingProcessFileName");
  o.Str(proc.names[spelling]);
  o.Key("InitiatingProcessFileSize");
  o.Int(proc.spec->size);
  o.Key("InitiatingProcessVersionInfoCompanyName");
  o.Str(proc.company);
  o.Key("InitiatingProcessVersionInfoProductName");
  o.Str(proc.product);
  o.Key("InitiatingProcessVersionInfoProductVersion");
  o.Str(proc.version);
  o.Key("InitiatingProcessVersionInfoInternalFileName");
  o.Str(proc.internal_name);
  o.Key("InitiatingProcessVersionInfoOriginalFileName");
  o.Str(proc.original_name);
  o.Key("InitiatingProcessVersionInfoFileDescription");
  o.Str(proc.description);
  o.Key("InitiatingProcessId");
  o.Int(self.pid);
  o.Key("InitiatingProcessCommandLine");
  Expand(o, b.cmdlines[variant], self.hash, who->name);
  o.Key("InitiatingProcessCreationTime");
  calendar_.Write(o, self.created);
  o.Key("InitiatingProcessFolderPath");
  Expand(o, proc.folders[spelling], self.hash, who->name);
  o.Key("InitiatingProcessParentFileName");
  o.Str(has_parent ? std::string_view(proc.parent_names[parent]) : "");
  o.Key("InitiatingProcessParentId");
  has_parent ? o.Int(parent_instance.pid) : o.Null();
  o.Key("InitiatingProcessParentCreationTime");
  has_parent ? calendar_.Write(o, parent_instance.created) : o.Null();
  o.Key("InitiatingProcessAccountDomain");
  o.Str(who->domain);
  o.Key("InitiatingProcessAccountName");
  o.Str(who->name);
  o.Key("InitiatingProcessAccountSid");
  o.Str(who->sid);
  o.Key("InitiatingProcessAccountUpn");
  o.Str(who->upn);
  o.Key("InitiatingProcessAccountObjectId");
  o.Str(who->object_id);
  o.Key("InitiatingProcessIntegrityLevel");
  o.Str(integrity);
  o.Key("InitiatingProcessTokenElevation");
  o.Str(elevation);
  o.Key("ReportId");
  o.Int(report_id_ += 1 + static_cast<int64_t>(rng_.Below(4)));
  o.Key("AppGuardContainerId");
  o.Str("");
  o.Key("AdditionalFields");
  if (action.aggregated) {
    // Defender folds repeated connections into one row and says how many it folded.
    const int64_t folded = 2 + static_cast<int64_t>(rng_.Below(1 + rng_.Below(120)));
    o.Raw(in ? "{\"direction\":\"In\",\"uniqueEventsAggregated\":" : "{\"direction\":\"Out\",\"uniqueEventsAggregated\":");
    o.Int(folded);
    o.Raw(",\"firstSeenAggregated\":");
    calendar_.Write(o, std::max(time - folded * rng_.Between(1, 90) * kTicksPerSecond, rhythm_.Start()));
    o.Raw(",\"lastSeenAggregated\":");
    calendar_.Write(o, time);
    o.Char('}');
  } else {
    o.Null();
  }
  o.Key("InitiatingProcessSessionId");
  o.Int(session);
  o.Key("IsInitiatingProcessRemoteSession");
  o.Bool(rdp_client != nullptr);
  o.Key("InitiatingProcessRemoteSessionDeviceName");
  o.Str(rdp_client ? std::string_view(rdp_client->netbios) : "");
  o.Key("InitiatingProcessRemoteSessionIP");
  o.Str(rdp_client ? std::string_view(rdp_client->ip) : "");
  o.Key("TimeGenerated");
  calendar_.Write(o, ingested);
  o.Key("TenantId");
  o.Str(w.tenant);
  o.Key("MachineGroup");
  o.Str(dev.group);
  o.Key("SourceSystem");
  o.Str("");
  o.Key("Type");
  o.Str("DeviceNetworkEvents");
  o.Raw("}\n");
}

}  // namespace

void GenerateEvents(const GenOptions& opt, const std::function<bool(std::string_view)>& sink) {
  Generator gen(opt);
  std::vector<char> buffer(kChunk + kMaxEvent);
  char* end = buffer.data();
  for (uint64_t i = 0; i < opt.events; ++i) {
    Out o(end);
    gen.Write(o, i);
    assert(static_cast<size_t>(o.Pos() - end) <= kMaxEvent);
    end = o.Pos();
    if (static_cast<size_t>(end - buffer.data()) >= kChunk || i + 1 == opt.events) {
      if (!sink({buffer.data(), static_cast<size_t>(end - buffer.data())})) return;
      end = buffer.data();
    }
  }
}

}  // namespace huntc::gen
