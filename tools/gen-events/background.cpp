// The everyday rows of each table (see background.h).
#include "tools/gen-events/background.h"

#include <cstdio>

namespace huntc::gen {

using namespace catalog;

namespace {

constexpr double kUrlShare = 0.55;           // of connections to a named host whose RemoteUrl is filled
constexpr double kSuspiciousUrlShare = 0.7;  // the same for script hosts, which fetch by URL
constexpr double kNullShare = 0.005;         // of connections missing RemoteIP or RemotePort
constexpr double kIpv6Share = 0.12;          // of connections to Microsoft 365 made over IPv6

int64_t Ephemeral(Rng& rng) { return rng.Between(49152, 65535); }

// A stable IPv6 address for a host's IPv4 address, in Microsoft's 2603:1000::/25.
void Ipv6For(std::string_view ipv4, std::string& out) {
  const uint64_t h = NameHash(ipv4);
  char buf[48];
  std::snprintf(buf, sizeof buf, "2603:10%02x:%x:%x::%x", static_cast<unsigned>(h & 0x3f),
                static_cast<unsigned>(h >> 8 & 0xffff), static_cast<unsigned>(h >> 24 & 0xfff),
                static_cast<unsigned>(1 + (h >> 40) % 250));
  out = buf;
}

void AppendHex(std::string& out, uint64_t seed, int digits) {
  constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < digits; ++i) {
    if (i % 16 == 0) seed = Mix(seed + i);
    out += kHex[(seed >> (4 * (i % 16))) & 15];
  }
}

}  // namespace

Rhythm::Rhythm(int64_t from, int64_t to) {
  for (int64_t t = from; t < to;) {
    const int64_t end = std::min(to, (t / kTicksPerHour + 1) * kTicksPerHour);
    // 0001-01-01, where ticks start, was a Monday: days 5 and 6 of a week are the weekend.
    const bool weekend = t / kTicksPerDay % 7 >= 5;
    const double weight = kWeekdayHours[t % kTicksPerDay / kTicksPerHour] * (weekend ? kWeekendShare : 1.0);
    hours_.push_back({t, end, total_, weight});
    total_ += weight * static_cast<double>(end - t);
    t = end;
  }
}

int64_t Rhythm::At(double q) {
  const double mass = q * total_;
  while (current_ + 1 < hours_.size() && hours_[current_ + 1].before <= mass) ++current_;
  const Hour& h = hours_[current_];
  return std::min(h.end - 1, h.begin + static_cast<int64_t>((mass - h.before) / h.weight));
}

int64_t ReportingDelay(Rng& rng) {
  const double u = rng.Uniform();
  if (u < 0.85) return rng.Between(kTicksPerSecond / 5, 20 * kTicksPerSecond);
  if (u < 0.98) return rng.Between(20 * kTicksPerSecond, 5 * kTicksPerMinute);
  return rng.Between(5 * kTicksPerMinute, 90 * kTicksPerMinute);
}

Background::Background(World& world) : w_(world) {
  behaviours_.reserve(kBehaviours.size());
  for (const Behaviour& b : kBehaviours) {
    BehaviourEntry e{&b, {}};
    const uint16_t process = w_.ProcessIndex(b.process);
    for (const char* c : b.cmdlines) {
      e.launches.push_back(w_.Intern(process, c, b.account));
      w_.AddRoleLaunch(e.launches.back(), b.roles);
    }
    behaviours_.push_back(std::move(e));
  }
  for (size_t i = 0; i < behaviours_.size(); ++i) {
    const Behaviour& b = *behaviours_[i].spec;
    const bool kernel = w_.processes[w_.ProcessIndex(b.process)].spec->life == Life::kKernel;
    for (int role = 0; role < kRoleCount; ++role) {
      if (!(b.roles & (1u << role))) continue;
      role_behaviours_[role].push_back(&behaviours_[i]);
      network_pickers_[role].Add(b.weight);
      if (!kernel) {  // the kernel loads drivers, not DLLs
        image_behaviours_[role].push_back(i);
        image_pickers_[role].Add(b.weight);
      }
    }
  }
  auto by_role = [](unsigned roles, double weight, size_t index, auto& pickers, auto& lists) {
    for (int role = 0; role < kRoleCount; ++role)
      if (roles & (1u << role)) {
        pickers[role].Add(weight);
        lists[role].push_back(index);
      }
  };
  for (size_t i = 0; i < kFileActivities.size(); ++i) {
    const FileActivity& a = kFileActivities[i];
    by_role(a.roles, a.weight, i, file_pickers_, file_acts_);
    file_paths_.push_back(Compile(a.path));
    file_previous_.push_back(Compile(a.previous ? a.previous : ""));
  }
  for (size_t i = 0; i < kRegistryActivities.size(); ++i) {
    const RegistryActivity& a = kRegistryActivities[i];
    by_role(a.roles, a.weight, i, registry_pickers_, registry_acts_);
    registry_keys_.push_back(Compile(a.key));
    registry_data_.push_back(Compile(a.value_data));
  }
  for (size_t i = 0; i < kEventActivities.size(); ++i) {
    const EventActivity& a = kEventActivities[i];
    by_role(a.roles, a.weight, i, event_pickers_, event_acts_);
    event_files_.push_back(Compile(a.file ? a.file : ""));
    event_additional_.emplace_back();
    for (const char* j : a.additional) event_additional_.back().push_back(Compile(j));
  }
  for (size_t i = 0; i < kQuietLaunches.size(); ++i)
    by_role(kQuietLaunches[i].roles, kQuietLaunches[i].weight, i, quiet_pickers_, quiet_acts_);
  for (const ActionShare& a : kOutboundActions) {
    outbound_.push_back({a.name, std::string_view(a.name).ends_with("AggregatedReport")});
    outbound_picker_.Add(a.weight);
  }
  for (const ActionShare& a : kInboundActions) {
    inbound_.push_back({a.name, std::string_view(a.name).ends_with("AggregatedReport")});
    inbound_picker_.Add(a.weight);
  }
}

const Device& Background::PickDevice(Rng& rng) const { return w_.devices[w_.device_picker.Pick(rng)]; }

void Background::ViewLaunch(const Device& d, uint32_t launch, int64_t t, ProcView& v) {
  w_.View(d, launch, w_.InstanceAt(d, launch, t), v);
}

void Background::ViewProcess(Rng& rng, const Device& d, const char* process, catalog::Account account, int64_t t,
                             ProcView& v) {
  const std::vector<uint32_t>& launches = w_.LaunchesOf(w_.ProcessIndex(process), account, d.role);
  ViewLaunch(d, launches[rng.Below(launches.size())], t, v);
}

void Background::Clear(Record& r, int64_t t, const Device& d, std::string_view action) {
  r = Record{};
  r.time = t;
  r.dev = &d;
  r.action = action;
  r.report_id = ++report_counter_;
}

const Remote& Background::PopularHost(Rng& rng, Pool pool) const {
  return w_.pools[int(pool)][w_.popularity[int(pool)].Pick(rng)];
}

// File contents are named by their path: the same path has the same hashes in every row.
void Background::FileHashes(std::string_view path, Record& r) {
  const uint64_t h = NameHash(path);
  for (std::string& s : hashes_) s.clear();
  AppendHex(hashes_[0], h, 40);
  AppendHex(hashes_[1], h ^ 0x256, 64);
  AppendHex(hashes_[2], h ^ 0x5d5, 32);
  r.sha1 = hashes_[0];
  r.sha256 = hashes_[1];
  r.md5 = hashes_[2];
}

void Background::Network(Rng& rng, int64_t time, Record& r) {
  const Device& dev = PickDevice(rng);
  const BehaviourEntry& b = *role_behaviours_[dev.role][network_pickers_[dev.role].Pick(rng)];
  const Behaviour& spec = *b.spec;
  ViewLaunch(dev, b.launches[rng.Below(b.launches.size())], time, init_);
  const bool listen = spec.dest == Dest::kListen;
  const bool in = spec.dest == Dest::kFromWorkstation || spec.dest == Dest::kFromAdmin ||
                  spec.dest == Dest::kFromServer;
  const Action& action = listen ? Action{"ListeningConnectionCreated", false}
                         : in   ? inbound_[inbound_picker_.Pick(rng)]
                                : outbound_[outbound_picker_.Pick(rng)];
  Clear(r, time, dev, action.name);
  r.init = &init_;
  const int port = rng.Of(spec.ports);
  int64_t remote_port = port == 0 ? Ephemeral(rng) : port;
  int64_t local_port = Ephemeral(rng);
  std::string_view remote_ip = "", remote_type = "Private", url = "", local_ip = dev.ip, local_type = "Private";
  auto named = [&](const Remote& remote, double url_share) {
    remote_ip = remote.ip;
    remote_type = "Public";
    if (!remote.host.empty() && rng.Chance(url_share)) url = remote.host;
  };
  auto inbound_from = [&](const Device* client) {
    remote_ip = client->ip;
    remote_port = Ephemeral(rng);
    local_port = port;
  };
  switch (spec.dest) {
    case Dest::kWeb: named(PopularHost(rng, Pool::kWeb), kUrlShare); break;
    case Dest::kMicrosoft:
      named(PopularHost(rng, Pool::kMicrosoft), kUrlShare);
      if (rng.Chance(kIpv6Share)) {
        Ipv6For(remote_ip, remote6_);
        remote_ip = remote6_;
        local_ip = dev.ip6;
      }
      break;
    case Dest::kDefender: named(PopularHost(rng, Pool::kDefender), kUrlShare); break;
    case Dest::kUpdate: named(PopularHost(rng, Pool::kUpdate), kUrlShare); break;
    case Dest::kSuspicious: named(rng.Of(w_.pools[int(Pool::kWeb)]), kSuspiciousUrlShare); break;
    case Dest::kDc: remote_ip = rng.Of(w_.dcs)->ip; break;
    case Dest::kFile: remote_ip = rng.Of(w_.files)->ip; break;
    case Dest::kSql: remote_ip = rng.Of(w_.sqls)->ip; break;
    case Dest::kLoopback:
      remote_ip = local_ip = "127.0.0.1";
      remote_type = local_type = "Loopback";
      break;
    case Dest::kFromWorkstation: inbound_from(rng.Of(w_.workstations)); break;
    case Dest::kFromAdmin: inbound_from(rng.Of(w_.admins).workstation); break;
    case Dest::kFromServer: inbound_from(rng.Of(w_.app_servers)); break;
    case Dest::kListen:
      remote_type = "";
      remote_port = -1;
      local_ip = "0.0.0.0";
      local_type = "Reserved";
      local_port = port;
      break;
  }
  if (spec.odd_url > 0 && rng.Chance(spec.odd_url)) {
    if (rng.Chance(0.55)) {
      const Remote& remote = rng.Of(w_.pastebin);
      remote_ip = remote.ip;
      url = remote.host;
    } else {
      remote_ip = rng.Of(w_.pools[int(Pool::kWeb)]).ip;
      url = rng.Of(w_.lookalike_urls);
    }
    remote_type = "Public";
  }
  if (!listen && rng.Chance(kNullShare)) {
    if (rng.Chance(0.5)) {
      remote_ip = remote_type = "";
    } else {
      remote_port = -1;
    }
  }
  r.remote_ip = remote_ip;
  r.remote_port = remote_port;
  r.remote_url = url;
  r.local_ip = local_ip;
  r.local_port = local_port;
  r.protocol = spec.udp ? "Udp" : "Tcp";
  r.local_ip_type = local_type;
  r.remote_ip_type = remote_type;
  if (action.aggregated) {
    // Defender folds repeated connections into one row and says how many it folded.
    const int64_t folded = 2 + static_cast<int64_t>(rng.Below(1 + rng.Below(120)));
    const int64_t first = std::max(time - folded * rng.Between(1, 90) * kTicksPerSecond, w_.activity_start);
    additional_ = in ? "{\"direction\":\"In\",\"uniqueEventsAggregated\":"
                     : "{\"direction\":\"Out\",\"uniqueEventsAggregated\":";
    additional_ += std::to_string(folded);
    additional_ += ",\"firstSeenAggregated\":\"";
    AppendDateTime(additional_, first);
    additional_ += "\",\"lastSeenAggregated\":\"";
    AppendDateTime(additional_, time);
    additional_ += "\"}";
    r.additional = additional_;
  }
}

void Background::File(Rng& rng, int64_t t, Record& r) {
  const Device& dev = PickDevice(rng);
  const size_t index = file_acts_[dev.role][file_pickers_[dev.role].Pick(rng)];
  const FileActivity& a = kFileActivities[index];
  ViewProcess(rng, dev, a.process, a.account, t, init_);
  Clear(r, t, dev, a.action);
  r.init = &init_;
  const uint64_t hash = rng.Next();
  path_.clear();
  w_.Expand(path_, file_paths_[index], hash, init_.account);
  r.folder = path_;
  r.file_name = std::string_view(path_).substr(path_.rfind('\\') + 1);
  FileHashes(path_, r);
  r.file_size = a.min_size + static_cast<int64_t>(NameHash(path_) % static_cast<uint64_t>(a.max_size - a.min_size));
  if (a.previous) {
    previous_.assign(path_, 0, path_.rfind('\\') + 1);
    w_.Expand(previous_, file_previous_[index], hash, dev.user);
    r.previous_folder = previous_;
    r.previous_name = std::string_view(previous_).substr(previous_.rfind('\\') + 1);
  }
  switch (a.origin) {
    case Origin::kNone: break;
    case Origin::kWeb: {
      const Remote& host = PopularHost(rng, Pool::kWeb);
      const std::string_view name = host.host.empty() ? std::string_view(host.ip) : std::string_view(host.host);
      url_ = "https://";
      url_ += name;
      referrer_ = url_ + "/";
      url_ += "/download/";
      url_ += r.file_name;
      r.origin_url = url_;
      r.origin_referrer = referrer_;
      r.origin_ip = host.ip;
      break;
    }
    case Origin::kSmb: SetSmbClient(rng, r); break;
  }
  r.share = a.share ? a.share : "";
}

void Background::SetSmbClient(Rng& rng, Record& r) {
  const Device& client = *rng.Of(w_.workstations);
  r.request_protocol = "SMB";
  r.request_ip = client.ip;
  r.request_port = Ephemeral(rng);
  r.request_account = client.user->name;
  r.request_domain = "CONTOSO";
  r.request_sid = client.user->sid;
}

void Background::Registry(Rng& rng, int64_t t, Record& r) {
  const Device& dev = PickDevice(rng);
  const size_t index = registry_acts_[dev.role][registry_pickers_[dev.role].Pick(rng)];
  const RegistryActivity& a = kRegistryActivities[index];
  ViewProcess(rng, dev, a.process, a.account, t, init_);
  Clear(r, t, dev, a.action);
  r.init = &init_;
  const uint64_t hash = rng.Next();
  // Keys under a user's hive name the device's user, whoever writes them.
  const gen::Account* owner = dev.user ? dev.user : init_.account;
  key_.clear();
  w_.Expand(key_, registry_keys_[index], hash, owner);
  data_.clear();
  w_.Expand(data_, registry_data_[index], hash, owner);
  r.key = key_;
  r.value_type = a.value_type;
  r.value_name = a.value_name;
  r.value_data = data_;
}

void Background::ImageLoad(Rng& rng, int64_t t, Record& r, Sightings& seen) {
  const Device& dev = PickDevice(rng);
  const BehaviourEntry& b = behaviours_[image_behaviours_[dev.role][image_pickers_[dev.role].Pick(rng)]];
  ViewLaunch(dev, b.launches[rng.Below(b.launches.size())], t, init_);
  Clear(r, t, dev, "ImageLoaded");
  r.init = &init_;
  const std::vector<uint16_t>& dlls = init_.entry->dlls;
  const DllEntry& dll = w_.dlls[dlls[rng.Below(dlls.size())]];
  path_.clear();
  w_.Expand(path_, dll.path, 0, init_.account);
  r.file_name = dll.name;
  r.folder = path_;
  r.sha1 = dll.image.sha1;
  r.sha256 = dll.image.sha256;
  r.md5 = dll.image.md5;
  r.file_size = dll.image.size;
  seen.File(dev, &dll.image, t);
}

void Background::Event(Rng& rng, int64_t t, Record& r) {
  const Device& dev = PickDevice(rng);
  const size_t index = event_acts_[dev.role][event_pickers_[dev.role].Pick(rng)];
  const EventActivity& a = kEventActivities[index];
  ViewProcess(rng, dev, a.process, a.account, t, init_);
  Clear(r, t, dev, a.action);
  r.init = &init_;
  r.account = init_.account;
  r.logon_id = init_.logon_id;
  const uint64_t hash = rng.Next();
  if (a.file) {
    path_.clear();
    w_.Expand(path_, event_files_[index], hash, init_.account);
    r.folder = path_;
    r.file_name = std::string_view(path_).substr(path_.rfind('\\') + 1);
    FileHashes(path_, r);
  }
  const std::vector<Template>& additional = event_additional_[index];
  additional_.clear();
  w_.Expand(additional_, additional[rng.Below(additional.size())], hash, init_.account);
  switch (a.kind) {
    case EventKind::kPlain: break;
    case EventKind::kDns: {
      const Remote* host = &PopularHost(rng, Pool::kWeb);
      for (int i = 0; i < 4 && host->host.empty(); ++i) host = &PopularHost(rng, Pool::kMicrosoft);
      additional_ = "{\"DnsQueryString\":\"" + host->host + "\",\"DnsQueryResult\":[{\"DnsQueryType\":1,";
      additional_ += "\"DnsQueryTypeName\":\"A\",\"DnsQueryResult\":\"" + host->ip + "\"}]}";
      break;
    }
    case EventKind::kUrl: {
      const Remote& host = PopularHost(rng, rng.Chance(0.6) ? Pool::kMicrosoft : Pool::kWeb);
      url_ = "https://" + (host.host.empty() ? host.ip : host.host) + "/";
      r.remote_url = url_;
      break;
    }
    case EventKind::kOpenProcess: {
      const std::vector<const char*>& targets = dev.role == kWorkstation ? kOpenedOnWorkstations : kOpenedOnServers;
      const char* name = rng.Of(targets);
      ViewProcess(rng, dev, name, w_.processes[w_.ProcessIndex(name)].spec->account, t, target_);
      r.proc = &target_;
      r.file_name = target_.file_name;
      r.folder = target_.folder;
      r.sha1 = target_.entry->image.sha1;
      r.sha256 = target_.entry->image.sha256;
      r.md5 = target_.entry->image.md5;
      r.file_size = target_.entry->image.size;
      break;
    }
  }
  r.additional = additional_;
}

void Background::Logon(Rng& rng, int64_t t, Record& r) {
  // Kinds: a user at their workstation, users' network logons to servers (Kerberos), administrators
  // over RDP to servers, service and batch logons. No background logon lands on a workstation
  // from the network, and none comes from a public address.
  const double u = rng.Uniform();
  const Device* dev;
  const gen::Account* who;
  const Device* from = nullptr;
  std::string_view type, protocol = "Negotiate";
  const char* initiating = "lsass.exe";
  bool admin = false;
  if (u < 0.25) {
    dev = rng.Of(w_.workstations);
    who = dev->user;
    type = rng.Chance(0.4) ? "Interactive" : "Unlock";
    initiating = "winlogon.exe";
  } else if (u < 0.80) {
    const double s = rng.Uniform();
    dev = s < 0.4 ? rng.Of(w_.dcs) : s < 0.7 ? rng.Of(w_.files) : s < 0.85 ? rng.Of(w_.sqls) : rng.Of(w_.app_servers);
    from = rng.Of(w_.workstations);
    who = from->user;
    type = "Network";
    protocol = "Kerberos";
  } else if (u < 0.86) {
    const Admin& a = rng.Of(w_.admins);
    do dev = &PickDevice(rng);
    while (dev->role == kWorkstation);
    from = a.workstation;
    who = &a.account;
    type = "RemoteInteractive";
    admin = true;
  } else {
    const bool batch = u > 0.96;
    do dev = &PickDevice(rng);
    while (dev->role == kWorkstation);
    who = &w_.service_accounts[dev->role == kSql ? 0 : dev->role == kFile || batch ? 1 : 2];
    type = batch ? "Batch" : "Service";
    initiating = batch ? "svchost.exe" : "services.exe";
  }
  ViewProcess(rng, *dev, initiating, catalog::Account::kSystem, t, init_);
  const bool failed = type != "Unlock" && rng.Chance(type == "Network" ? 0.02 : 0.04);
  Clear(r, t, *dev, failed ? "LogonFailed" : "LogonSuccess");
  r.init = &init_;
  r.logon_type = type;
  r.account = who;
  r.protocol = protocol;
  r.failure_reason = failed ? "InvalidUserNameOrPassword" : "";
  r.is_local_admin = admin;
  r.logon_id = failed ? -1 : 1'000'000 + static_cast<int64_t>(rng.Below(9'000'000));
  if (from) {
    r.remote_device = from->netbios;
    r.remote_ip = from->ip;
    r.remote_ip_type = "Private";
    r.remote_port = Ephemeral(rng);
  }
  if (type == "RemoteInteractive") {
    additional_ = "{\"IsLocalLogon\":false}";
    r.additional = additional_;
  }
}

std::vector<Background::Report> Background::DailyReports(uint64_t seed) const {
  std::vector<Report> reports;
  const int64_t days = (w_.now - w_.start) / kTicksPerDay;
  for (int64_t day = 0; day < days; ++day)
    for (const Device& d : w_.devices) {
      const int64_t at = w_.start + day * kTicksPerDay +
                         static_cast<int64_t>(Mix(seed ^ (uint64_t(d.index) << 20) ^ uint64_t(day)) % kTicksPerDay);
      // Reports due before the fleet has booted come as many minutes after it.
      reports.push_back({at < w_.activity_start ? w_.activity_start + (at - w_.start) : at, &d});
    }
  std::sort(reports.begin(), reports.end(), [](const Report& a, const Report& b) {
    return a.time != b.time ? a.time < b.time : a.device->index < b.device->index;
  });
  return reports;
}

void Background::DeviceInfo(const Report& report, Record& r) {
  const Device& d = *report.device;
  Clear(r, report.time, d, "");
  logged_on_.clear();
  if (d.user) {
    logged_on_ = "[{\"UserName\":\"" + d.user->name + "\",\"DomainName\":\"CONTOSO\",\"Sid\":\"" + d.user->sid + "\"}]";
  } else {
    logged_on_ = "[]";
  }
  device_report_.logged_on_users = logged_on_;
  device_report_.exposure = d.internet_facing ? "High" : d.role == kWorkstation ? "Low" : "Medium";
  device_report_.sensor_health = "Active";
  r.device_report = &device_report_;
  additional_ = "{\"AssetCriticalityLevel\":" + std::string(d.role == kDc ? "0" : d.role == kWorkstation ? "3" : "2") +
                "}";
  r.additional = additional_;
}

void Background::NetworkInfo(const Report& report, Record& r) {
  const Device& d = *report.device;
  Clear(r, report.time, d, "");
  const bool wks = d.role == kWorkstation;
  const std::string subnet = d.ip.substr(0, d.ip.rfind('.'));
  adapter_.name = wks && d.index % 3 == 0 ? "Wi-Fi" : "Ethernet";
  adapter_.type = wks && d.index % 3 == 0 ? "Wireless80211" : "Ethernet";
  adapter_.vendor = wks ? (d.index % 3 == 0 ? "Intel Corporation" : "Intel(R) Corporation") : "Microsoft";
  adapter_.mac = d.mac;
  adapter_.dhcp4 = wks ? std::string_view(w_.dcs[0]->ip) : "";
  connected_ = "[{\"Name\":\"contoso.local\",\"Description\":\"contoso.local\",\"IsConnectedToInternet\":true,"
               "\"Category\":\"Domain\"}]";
  dns_ = "[\"" + w_.dcs[0]->ip + "\",\"" + w_.dcs[1]->ip + "\"]";
  gateways_ = "[\"" + subnet + ".1\"]";
  addresses_ = "[{\"IPAddress\":\"" + d.ip + "\",\"SubnetPrefix\":24,\"AddressType\":\"Private\"},{\"IPAddress\":\"" +
               d.ip6 + "\",\"SubnetPrefix\":64,\"AddressType\":\"Private\"}]";
  adapter_.connected = connected_;
  adapter_.dns = dns_;
  adapter_.gateways = gateways_;
  adapter_.addresses = addresses_;
  r.adapter = &adapter_;
}

uint32_t Background::QuietLaunch(Rng& rng, const Device& d) {
  const catalog::QuietLaunch& q = kQuietLaunches[quiet_acts_[d.role][quiet_pickers_[d.role].Pick(rng)]];
  const uint16_t process = w_.ProcessIndex(q.process);
  return w_.processes[process].default_launch;
}

}  // namespace huntc::gen
