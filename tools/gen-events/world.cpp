// Builds the simulated network of world.h and names its process instances.
#include "tools/gen-events/world.h"

#include <cstdio>
#include <stdexcept>
#include <unordered_set>

namespace huntc::gen {

using catalog::Life;
using catalog::Role;
using catalog::Signer;
using catalog::Pool;
using catalog::Process;
using catalog::Dll;
using catalog::Host;
using catalog::kWorkstation;
using catalog::kDc;
using catalog::kFile;
using catalog::kSql;
using catalog::kWeb;
using catalog::kApp;
using catalog::kRoleCount;
using catalog::kProcesses;
using catalog::kDlls;
using catalog::kSystemDlls;
using catalog::kHosts;
using catalog::kHostWords;
using catalog::kTlds;
using catalog::kPastebinUrls;
using catalog::kPastebinAddresses;
using catalog::kLookAlikeUrls;
using catalog::kFirstNames;
using catalog::kLastNames;
using catalog::kPayloadScripts;
using catalog::kDocWords;

std::string HexDigits(Rng& rng, int digits) {
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
  const std::string h = HexDigits(rng, 32);
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

std::string EncodedCommand(std::string_view script) {
  std::string utf16;
  for (const char c : script) {
    utf16 += c;
    utf16 += '\0';
  }
  return Base64(utf16);
}

Template Compile(std::string_view pattern) {
  static constexpr std::pair<std::string_view, Slot> kSlots[] = {
      {"<user>", Slot::kUser},   {"<sid>", Slot::kSid},         {"<n>", Slot::kNumber}, {"<guid>", Slot::kGuid},
      {"<token>", Slot::kToken}, {"<payload>", Slot::kPayload}, {"<doc>", Slot::kDoc}};
  Template t;
  std::string literal;
  for (size_t i = 0; i < pattern.size();) {
    const auto slot = std::find_if(std::begin(kSlots), std::end(kSlots),
                                   [&](const auto& s) { return pattern.substr(i).starts_with(s.first); });
    if (slot == std::end(kSlots)) {
      literal += pattern[i++];
      continue;
    }
    t.push_back({literal, slot->second});
    literal.clear();
    i += slot->first.size();
  }
  t.push_back({literal, Slot::kEnd});
  return t;
}

FileImage MakeImage(Rng& rng, int64_t size, Signer signer) {
  FileImage f;
  f.sha1 = HexDigits(rng, 40);
  f.sha256 = HexDigits(rng, 64);
  f.md5 = HexDigits(rng, 32);
  f.size = size;
  f.signer = signer;
  return f;
}

World::World(uint64_t seed, int64_t now_ticks, int days)
    : salt(Mix(seed ^ 0x5eed)), start(now_ticks - days * kTicksPerDay), now(now_ticks) {
  activity_start = start + 40 * kTicksPerMinute;
  Rng rng(Mix(seed));
  tenant = Guid(rng);
  BuildDevices(rng);
  BuildProcesses(rng);
  BuildRemotes(rng);
  for (const char* script : kPayloadScripts) payloads.push_back(EncodedCommand(script));
}

void World::BuildDevices(Rng& rng) {
  // Draws are made one statement at a time: the operands of + are evaluated in no fixed order,
  // and the output must not depend on the compiler.
  domain_sid = "S-1-5-21-";
  for (int i = 0; i < 3; ++i) {
    domain_sid += std::to_string(rng.Between(1'000'000'000, 4'000'000'000));
    if (i < 2) domain_sid += "-";
  }
  constexpr int kWorkstations = 260;
  std::unordered_map<std::string, int> taken;
  for (int i = 0; i < kWorkstations; ++i) {
    std::string name(1, rng.Of(kFirstNames)[0]);
    name += rng.Of(kLastNames);
    if (const int n = taken[name]++; n > 0) name += std::to_string(n + 1);
    std::string object_id = Guid(rng);
    users.push_back({"contoso", name, domain_sid + "-" + std::to_string(1105 + i), name + "@contoso.com",
                     std::move(object_id)});
  }
  std::unordered_set<int64_t> numbers;
  for (int i = 0; i < kWorkstations; ++i) {
    int64_t number;
    do number = rng.Between(1, 2999);
    while (!numbers.insert(number).second);
    char name[16];
    std::snprintf(name, sizeof name, "wks-%04d", static_cast<int>(number));
    const double u1 = rng.Uniform();
    const double u2 = rng.Uniform();
    AddDevice(rng, name, kWorkstation, "10.20." + std::to_string(i / 200) + "." + std::to_string(10 + i % 200),
              "Workstations", 0.2 + 1.6 * u1 * u2);
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
      const double u = rng.Uniform();
      AddDevice(rng, name, role, "10.0.1." + std::to_string(ip), role == kDc ? "Domain Controllers" : "Servers",
                1.5 + 2.0 * u);
      Device& d = devices.back();
      if (role == kDc) dcs.push_back(&d);
      if (role == kFile) files.push_back(&d);
      if (role == kSql) sqls.push_back(&d);
      if (role == kWeb) webs.push_back(&d);
      if (role == kWeb || role == kApp) app_servers.push_back(&d);
    }
  }
  for (int i = 0; i < 6; ++i) {
    const Account& u = users[i];
    std::string object_id = Guid(rng);
    admins.push_back({{u.domain, "adm-" + u.name, domain_sid + "-" + std::to_string(1505 + i),
                       "adm-" + u.name + "@contoso.com", std::move(object_id)},
                      workstations[i]});
  }
  for (const char* name : {"svc-sql", "svc-backup", "svc-web"}) {
    std::string object_id = Guid(rng);
    service_accounts.push_back({"contoso", name, domain_sid + "-" + std::to_string(2001 + service_accounts.size()),
                                std::string(name) + "@contoso.com", std::move(object_id)});
  }
  // The office's internet egress, shared by the workstations; web servers have their own address.
  std::string office_ip = std::to_string(PublicFirstOctet(rng));
  for (int i = 0; i < 3; ++i) office_ip += "." + std::to_string(rng.Between(1, 254));
  for (Device& d : devices) {
    if (d.role == kWeb) {
      d.internet_facing = true;
      d.public_ip = std::to_string(PublicFirstOctet(rng));
      for (int i = 0; i < 3; ++i) d.public_ip += "." + std::to_string(rng.Between(1, 254));
    } else {
      d.public_ip = office_ip;
    }
    used_ips.push_back(d.public_ip);
  }
}

void World::AddDevice(Rng& rng, const std::string& host, Role role, const std::string& ip, const char* group,
                      double weight) {
  std::string netbios = host;
  std::transform(netbios.begin(), netbios.end(), netbios.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  Device d;
  d.index = static_cast<uint32_t>(devices.size());
  d.id = HexDigits(rng, 40);
  d.name = host + ".contoso.local";
  d.netbios = netbios;
  d.ip = ip;
  char buf[48];
  std::snprintf(buf, sizeof buf, "fd7a:20:0:%x::%x", static_cast<unsigned>(d.index / 200),
                static_cast<unsigned>(10 + d.index % 200));
  d.ip6 = buf;
  const uint64_t mac = rng.Next();
  std::snprintf(buf, sizeof buf, "00-15-5D-%02X-%02X-%02X", static_cast<unsigned>(mac & 255),
                static_cast<unsigned>(mac >> 8 & 255), static_cast<unsigned>(mac >> 16 & 255));
  d.mac = buf;
  d.group = group;
  d.aad_id = role == kWorkstation ? Guid(rng) : "";
  d.role = role;
  // The fleet reboots for maintenance at the start of the window; device 0 first.
  d.anchor = start + (d.index == 0 ? 0 : static_cast<int64_t>(rng.Below(30 * kTicksPerMinute)));
  devices.push_back(std::move(d));
  device_picker.Add(weight);
}

void World::BuildProcesses(Rng& rng) {
  processes.reserve(kProcesses.size());
  for (const Process& p : kProcesses) {
    ProcessEntry e{&p, {}, {}, MakeImage(rng, p.size, p.signer), {}, 0, 0, {}};
    for (const char* name : p.names) {
      e.names.push_back(name);
      e.paths.push_back(Compile(std::string(p.dir) + "\\" + name));
    }
    processes.push_back(std::move(e));
  }
  for (const Dll& d : kDlls) {
    dlls.push_back({d.name, Compile(std::string(d.dir) + "\\" + d.name), MakeImage(rng, d.size, d.signer)});
  }
  for (size_t i = 0; i < processes.size(); ++i) {
    ProcessEntry& e = processes[i];
    for (const char* parent : e.spec->parents) e.parents.push_back(ProcessIndex(parent));
    e.default_launch = Intern(static_cast<uint16_t>(i), e.spec->cmdline, e.spec->account);
    for (uint16_t k = 0; k < kSystemDlls; ++k) e.dlls.push_back(k);
    for (const char* dll : e.spec->dlls) {
      const auto it = std::find_if(dlls.begin(), dlls.end(), [&](const DllEntry& x) { return x.name == dll; });
      if (it == dlls.end()) throw std::logic_error(std::string("catalog: no DLL ") + dll);
      e.dlls.push_back(static_cast<uint16_t>(it - dlls.begin()));
    }
  }
  // Depth in the process tree, by relaxation: the catalog is a forest, so this ends within its size.
  for (size_t round = 0; round < processes.size(); ++round)
    for (ProcessEntry& e : processes)
      for (const uint16_t p : e.parents) e.depth = std::max(e.depth, processes[p].depth + 1);
}

void World::BuildRemotes(Rng& rng) {
  std::unordered_set<std::string> used(used_ips.begin(), used_ips.end());
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
  for (const char* url : kPastebinUrls) pastebin.push_back({rng.Of(kPastebinAddresses), url});
  for (const char* ip : kPastebinAddresses) used.insert(ip);
  for (const char* url : kLookAlikeUrls) lookalike_urls.push_back(url);
  used_ips.assign(used.begin(), used.end());
  std::sort(used_ips.begin(), used_ips.end());
}

int World::PublicFirstOctet(Rng& rng) {
  for (;;) {
    const int a = static_cast<int>(rng.Between(1, 223));
    if (a != 10 && a != 100 && a != 127 && a != 169 && a != 172 && a != 192 && a != 198) return a;
  }
}

uint16_t World::ProcessIndex(std::string_view name) const {
  for (size_t i = 0; i < processes.size(); ++i)
    if (processes[i].names[0] == name) return static_cast<uint16_t>(i);
  throw std::logic_error("catalog: no process " + std::string(name));
}

uint32_t World::Intern(uint16_t process, std::string_view cmdline, catalog::Account account) {
  std::string key = std::to_string(process) + "|" + std::to_string(int(account)) + "|";
  key += cmdline;
  const auto [it, added] = launch_index_.emplace(key, static_cast<uint32_t>(launches.size()));
  if (added) launches.push_back({process, account, Compile(cmdline), Mix(NameHash(key))});
  return it->second;
}

namespace {
uint64_t RoleKey(uint16_t process, catalog::Account account, unsigned role) {
  return uint64_t(process) << 16 | uint64_t(account) << 8 | role;
}
}  // namespace

void World::AddRoleLaunch(uint32_t launch, unsigned roles) {
  const Launch& l = launches[launch];
  for (unsigned role = 0; role < kRoleCount; ++role) {
    if (!(roles & (1u << role))) continue;
    std::vector<uint32_t>& v = role_launches_[RoleKey(l.process, l.account, role)];
    if (std::find(v.begin(), v.end(), launch) == v.end()) v.push_back(launch);
  }
}

const std::vector<uint32_t>& World::LaunchesOf(uint16_t process, catalog::Account account, catalog::Role role) {
  std::vector<uint32_t>& v = role_launches_[RoleKey(process, account, role)];
  if (v.empty()) v.push_back(Intern(process, processes[process].spec->cmdline, account));
  return v;
}

int64_t World::EpochStart(const Device& d, Life life, int depth, int32_t epoch, uint64_t hash) const {
  const int64_t e = epoch;
  switch (life) {
    case Life::kKernel: return d.anchor;
    case Life::kBoot: {
      const int64_t boot =
          e == 0 ? d.anchor : d.anchor + e * 7 * kTicksPerDay + int64_t(Mix(salt ^ d.index ^ (e << 20)) % (2 * kTicksPerHour));
      return boot + depth * 2 * kTicksPerSecond + int64_t(hash % kTicksPerSecond);
    }
    case Life::kSession: {
      // The user's working day starts between 06:00 and 09:00 after the anchor's time of day.
      const int64_t logon = e == 0 ? d.anchor
                                   : d.anchor + e * kTicksPerDay + 6 * kTicksPerHour +
                                         int64_t(Mix(salt ^ (d.index * 31) ^ (e << 24)) % (3 * kTicksPerHour));
      return logon + depth * 3 * kTicksPerSecond + int64_t(hash % (2 * kTicksPerSecond));
    }
    case Life::kShort:
      return e == 0 ? d.anchor + 5 * kTicksPerMinute + int64_t(hash % (5 * kTicksPerMinute))
                    : d.anchor + e * 20 * kTicksPerMinute + int64_t(hash % (10 * kTicksPerMinute));
  }
  return d.anchor;
}

namespace {
int64_t Period(Life life) {
  return life == Life::kShort ? 20 * kTicksPerMinute : life == Life::kSession ? kTicksPerDay : 7 * kTicksPerDay;
}
}  // namespace

Instance World::InstanceOf(const Device& d, uint32_t launch, int32_t epoch) const {
  const Launch& l = launches[launch];
  const ProcessEntry& p = processes[l.process];
  const uint64_t hash = Mix(Mix(salt ^ (uint64_t(d.index) * 0x9e3779b97f4a7c15ULL)) ^ l.key ^ Mix(uint64_t(epoch)));
  const int64_t created = EpochStart(d, p.spec->life, p.depth, epoch, hash);
  const int64_t pid = p.spec->life == Life::kKernel ? 4 : 4 * (100 + static_cast<int64_t>(hash % 12000));
  return {pid, created, hash, epoch};
}

Instance World::InstanceAt(const Device& d, uint32_t launch, int64_t t) const {
  const Life life = processes[launches[launch].process].spec->life;
  if (life == Life::kKernel) return InstanceOf(d, launch, 0);
  int32_t epoch = static_cast<int32_t>(std::max<int64_t>(0, (t - d.anchor) / Period(life)));
  Instance inst = InstanceOf(d, launch, epoch);
  if (inst.created > t && epoch > 0) inst = InstanceOf(d, launch, epoch - 1);
  return inst;
}

bool World::ParentOf(const Device& d, uint32_t launch, const Instance& inst, uint32_t& parent_launch,
                     Instance& parent) const {
  const ProcessEntry& p = processes[launches[launch].process];
  if (p.parents.empty()) return false;
  parent_launch = processes[p.parents[(inst.hash >> 20) % p.parents.size()]].default_launch;
  parent = InstanceAt(d, parent_launch, inst.created);
  return true;
}

namespace {
// One instance in five of a process with several spellings uses one of the unusual ones.
size_t Spelling(const ProcessEntry& p, uint64_t hash) {
  if (p.names.size() == 1 || (hash >> 40) % 100 < 80) return 0;
  return 1 + (hash >> 48) % (p.names.size() - 1);
}
}  // namespace

void World::View(const Device& d, uint32_t launch, const Instance& inst, ProcView& v) const {
  const Launch& l = launches[launch];
  const ProcessEntry& p = processes[l.process];
  const size_t spelling = Spelling(p, inst.hash);
  v.ref = {d.index, launch, inst.epoch};
  v.entry = &p;
  v.file_name = p.names[spelling];
  v.pid = inst.pid;
  v.created = inst.created;
  v.rdp_client = nullptr;
  v.session = 0;
  switch (l.account) {
    case catalog::Account::kUser:
      if (d.user) {
        v.account = d.user;
        v.integrity = "Medium";
        v.elevation = "TokenElevationTypeLimited";
        v.session = 1;
      } else {
        const Admin& admin = admins[inst.hash % admins.size()];
        v.account = &admin.account;
        v.integrity = "High";
        v.elevation = "TokenElevationTypeFull";
        v.session = 2 + static_cast<int64_t>((inst.hash >> 8) % 3);
        v.rdp_client = admin.workstation;
      }
      // One logon session per working day.
      v.logon_id = 1'000'000 + int64_t(Mix(salt ^ d.index ^ uint64_t((inst.created - d.anchor) / kTicksPerDay)) % 9'000'000);
      break;
    case catalog::Account::kSystem:
      v.account = &system;
      v.integrity = "System";
      v.elevation = "TokenElevationTypeDefault";
      v.logon_id = 999;
      break;
    case catalog::Account::kLocalService:
      v.account = &local_service;
      v.integrity = "System";
      v.elevation = "TokenElevationTypeDefault";
      v.logon_id = 997;
      break;
    case catalog::Account::kNetworkService:
      v.account = &network_service;
      v.integrity = "System";
      v.elevation = "TokenElevationTypeDefault";
      v.logon_id = 996;
      break;
  }
  v.folder.clear();
  Expand(v.folder, p.paths[spelling], inst.hash, v.account);
  v.cmdline.clear();
  Expand(v.cmdline, l.cmdline, inst.hash, v.account);
  uint32_t parent_launch;
  Instance parent;
  if (ParentOf(d, launch, inst, parent_launch, parent)) {
    const ProcessEntry& pp = processes[launches[parent_launch].process];
    v.parent_name = pp.names[Spelling(pp, parent.hash)];
    v.parent_pid = parent.pid;
    v.parent_created = parent.created;
  } else {
    v.parent_name = "";
    v.parent_pid = -1;
    v.parent_created = -1;
  }
}

void World::Expand(std::string& out, const Template& t, uint64_t hash, const Account* account) const {
  for (size_t k = 0; k < t.size(); ++k) {
    out += t[k].text;
    const uint64_t h = Mix(hash + k);  // each slot of a template gets its own value
    switch (t[k].slot) {
      case Slot::kEnd: break;
      case Slot::kUser: out += account ? std::string_view(account->name) : ""; break;
      case Slot::kSid: out += account ? std::string_view(account->sid) : ""; break;
      case Slot::kNumber: out += std::to_string(1 + h % 99'999); break;
      case Slot::kGuid: {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-a%03x-%012llx", static_cast<unsigned>(h >> 32),
                      static_cast<unsigned>(h >> 16 & 0xffff), static_cast<unsigned>(h & 0xfff),
                      static_cast<unsigned>(Mix(h) & 0xfff),
                      static_cast<unsigned long long>(Mix(h + 1) & 0xffffffffffffULL));
        out += buf;
        break;
      }
      case Slot::kToken:
        for (int c = 0; c < 8; ++c)
          out += "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"[(h >> (6 * c) & 63) % 57];
        break;
      case Slot::kPayload: out += payloads[h % payloads.size()]; break;
      case Slot::kDoc: {
        // Keyed by the hash alone, so that a template naming <doc> twice names one document.
        const uint64_t doc = Mix(hash ^ 0xd0c);
        out += kDocWords[doc % kDocWords.size()];
        out += ' ';
        out += kDocWords[(doc >> 8) % kDocWords.size()];
        out += ' ';
        out += std::to_string(2024 + (doc >> 16) % 3);
        break;
      }
    }
  }
}

}  // namespace huntc::gen
