// The static tables behind gen-events: the processes found on a Contoso device and their process
// tree, what each one does in each table, the internet hosts, files, DLLs, registry keys and
// signers. Only the generator's sources include this file.
//
// The background must never carry a planted scenario's signature (scenarios.cpp states them as the
// manifest's invariants): no command line here names lsass, MiniDump, sekurlsa, procdump, PsExec,
// regsvr32, certutil, DownloadString, DownloadFile, IEX or Invoke-Expression, in clear or inside an
// encoded command; no registry key lies under ...\CurrentVersion\Run; rundll32 and mshta reach only
// private addresses; every DLL in a user-writable folder is signed.
//
// Network weights are chosen so that the hunts in shared/bench/hunts each select a small, non-trivial
// share of DeviceNetworkEvents: about 2 % of events come from the script hosts hunt a lists, and a
// few per thousand carry "-enc" in the command line or visit pastebin (hunt c).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace huntc::gen::catalog {

// How long an instance of a process lives, which decides how its pid and creation time recur.
enum class Life : uint8_t {
  kKernel,   // "System": pid 4, started at boot
  kBoot,     // services: one instance per boot (a device reboots weekly)
  kSession,  // user applications: one instance per working day
  kShort,    // script hosts and helpers: a new instance every few minutes
};

enum Role : uint8_t { kWorkstation, kDc, kFile, kSql, kWeb, kApp, kRoleCount };
constexpr unsigned kWks = 1u << kWorkstation;
constexpr unsigned kServers = (1u << kRoleCount) - 1 - kWks;
constexpr unsigned kAll = kWks | kServers;

// Whose token the process runs with. kUser on a server means an administrator in an RDP session.
enum class Account : uint8_t { kUser, kSystem, kLocalService, kNetworkService };

// Who signed a file; DeviceFileCertificateInfo describes their certificates.
enum class Signer : uint8_t { kWindows, kMicrosoft, kGoogle, kMozilla, kPython, kAdoptium };
struct SignerInfo {
  const char* signer;
  const char* issuer;
  const char* signature_type;  // Defender: "Embedded" or "Catalog"
  bool root_microsoft;
};
inline constexpr SignerInfo kSigners[] = {
    {"Microsoft Windows", "Microsoft Windows Production PCA 2011", "Catalog", true},
    {"Microsoft Corporation", "Microsoft Code Signing PCA 2011", "Embedded", true},
    {"Google LLC", "DigiCert Trusted G4 Code Signing RSA4096 SHA384 2021 CA1", "Embedded", false},
    {"Mozilla Corporation", "DigiCert SHA2 Assured ID Code Signing CA", "Embedded", false},
    {"Python Software Foundation", "DigiCert Trusted G4 Code Signing RSA4096 SHA384 2021 CA1", "Embedded", false},
    {"Eclipse.org Foundation, Inc.", "DigiCert Trusted G4 Code Signing RSA4096 SHA384 2021 CA1", "Embedded", false},
};

// Text fields are plain C++ strings. `dir` may hold "<user>", replaced by the account name of the
// instance. `cmdline` is the command line of an instance started for no behaviour of its own: as a
// parent, or as one of the processes that only appear in DeviceProcessEvents.
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
  std::vector<const char*> parents;  // catalog names; one is picked per instance; empty for the kernel
  const char* cmdline;
  Account account;
  Signer signer;
  std::vector<const char*> dlls;  // its own DLLs (kDlls), loaded besides the system ones
};

constexpr const char* kWindows = "Microsoft® Windows® Operating System";
constexpr const char* kWinVersion = "10.0.26100.4946";
constexpr const char* kMs = "Microsoft Corporation";
constexpr const char* kSys32 = R"(C:\Windows\System32)";

inline const std::vector<Process> kProcesses = {
    // The boot chain. The kernel has no parent and, as in Defender, no ProcessCreated row.
    {{"ntoskrnl.exe"}, kSys32, kMs, kWindows, kWinVersion, "ntkrnlmp.exe", "ntkrnlmp.exe", "NT Kernel & System",
     12'357'984, Life::kKernel, {}, "", Account::kSystem, Signer::kWindows, {}},
    {{"smss.exe"}, kSys32, kMs, kWindows, kWinVersion, "smss.exe", "smss.exe", "Windows Session Manager", 176'128,
     Life::kBoot, {"ntoskrnl.exe"}, R"(\SystemRoot\System32\smss.exe)", Account::kSystem, Signer::kWindows, {}},
    {{"wininit.exe"}, kSys32, kMs, kWindows, kWinVersion, "wininit.exe", "wininit.exe", "Windows Start-Up Application",
     466'944, Life::kBoot, {"smss.exe"}, "wininit.exe", Account::kSystem, Signer::kWindows, {}},
    {{"winlogon.exe"}, kSys32, kMs, kWindows, kWinVersion, "WINLOGON", "WINLOGON.EXE", "Windows Logon Application",
     950'272, Life::kBoot, {"smss.exe"}, "winlogon.exe", Account::kSystem, Signer::kWindows, {}},
    {{"services.exe"}, kSys32, kMs, kWindows, kWinVersion, "services.exe", "services.exe", "Services and Controller app",
     761'856, Life::kBoot, {"wininit.exe"}, R"(C:\Windows\system32\services.exe)", Account::kSystem, Signer::kWindows, {}},
    {{"lsass.exe"}, kSys32, kMs, kWindows, kWinVersion, "lsass.exe", "lsass.exe", "Local Security Authority Process",
     91'560, Life::kBoot, {"wininit.exe"}, R"(C:\Windows\system32\lsass.exe)", Account::kSystem, Signer::kWindows, {}},
    {{"svchost.exe"}, kSys32, kMs, kWindows, kWinVersion, "svchost.exe", "svchost.exe",
     "Host Process for Windows Services", 57'360, Life::kBoot, {"services.exe"},
     R"(C:\Windows\system32\svchost.exe -k netsvcs -p -s Schedule)", Account::kSystem, Signer::kWindows, {}},
    {{"SearchIndexer.exe"}, kSys32, kMs, kWindows, kWinVersion, "SearchIndexer.exe", "SearchIndexer.exe",
     "Microsoft Windows Search Indexer", 1'015'808, Life::kBoot, {"services.exe"},
     R"(C:\Windows\system32\SearchIndexer.exe /Embedding)", Account::kSystem, Signer::kWindows, {}},
    {{"userinit.exe"}, kSys32, kMs, kWindows, kWinVersion, "userinit", "USERINIT.EXE", "Userinit Logon Application",
     36'864, Life::kSession, {"winlogon.exe"}, R"(C:\Windows\system32\userinit.exe)", Account::kUser,
     Signer::kWindows, {}},
    {{"explorer.exe"}, R"(C:\Windows)", kMs, kWindows, kWinVersion, "explorer", "EXPLORER.EXE", "Windows Explorer",
     5'481'528, Life::kSession, {"userinit.exe"}, R"(C:\Windows\Explorer.EXE)", Account::kUser, Signer::kWindows, {}},
    {{"MsSense.exe"}, R"(C:\Program Files\Windows Defender Advanced Threat Protection)", kMs, kWindows,
     "10.8810.26100.6584", "MsSense.exe", "MsSense.exe",
     "Windows Defender Advanced Threat Protection Service Executable", 5'478'760, Life::kBoot, {"services.exe"},
     R"("MsSense.exe")", Account::kSystem, Signer::kMicrosoft, {"MsSenseS.dll"}},
    {{"MsMpEng.exe"}, R"(C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.25090.3009-0)", kMs, kWindows,
     "4.18.25090.3009", "MsMpEng.exe", "MsMpEng.exe", "Antimalware Service Executable", 133'624, Life::kBoot,
     {"services.exe"}, R"("C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.25090.3009-0\MsMpEng.exe")",
     Account::kSystem, Signer::kMicrosoft, {"mpengine.dll"}},
    {{"MpCmdRun.exe"}, R"(C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.25090.3009-0)", kMs, kWindows,
     "4.18.25090.3009", "MpCmdRun.exe", "MpCmdRun.exe", "Microsoft Malware Protection Command Line Utility",
     1'187'048, Life::kShort, {"MsMpEng.exe"},
     R"("C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.25090.3009-0\MpCmdRun.exe" SignaturesUpdateService -ScheduleJob -UnmanagedUpdate)",
     Account::kSystem, Signer::kMicrosoft, {}},
    {{"dns.exe"}, kSys32, kMs, kWindows, kWinVersion, "dns.exe", "dns.exe", "Domain Name System (DNS) Server",
     1'654'784, Life::kBoot, {"services.exe"}, R"(C:\Windows\system32\dns.exe)", Account::kSystem, Signer::kWindows,
     {}},
    {{"sqlservr.exe"}, R"(C:\Program Files\Microsoft SQL Server\MSSQL16.MSSQLSERVER\MSSQL\Binn)", kMs,
     "Microsoft SQL Server", "2022.160.4205.1", "SQLSERVR", "SQLSERVR.EXE", "SQL Server Windows NT - 64 Bit",
     686'528, Life::kBoot, {"services.exe"},
     R"("C:\Program Files\Microsoft SQL Server\MSSQL16.MSSQLSERVER\MSSQL\Binn\sqlservr.exe" -sMSSQLSERVER)",
     Account::kNetworkService, Signer::kMicrosoft, {"sqlmin.dll", "sqllang.dll"}},
    {{"w3wp.exe"}, R"(C:\Windows\System32\inetsrv)", kMs, "Internet Information Services", "10.0.20348.1",
     "w3wp.exe", "w3wp.exe", "IIS Worker Process", 29'696, Life::kSession, {"svchost.exe"},
     R"(c:\windows\system32\inetsrv\w3wp.exe -ap "ContosoPortal" -v "v4.0" -l "webengine4.dll" -a \\.\pipe\iisipm<guid> -h "C:\inetpub\temp\apppools\ContosoPortal\ContosoPortal.config" -w "" -m 0 -t 20 -ta 0)",
     Account::kNetworkService, Signer::kWindows, {"iiscore.dll", "webengine4.dll"}},
    {{"java.exe"}, R"(C:\Program Files\Eclipse Adoptium\jdk-17.0.13.11-hotspot\bin)", "Eclipse Adoptium",
     "OpenJDK Platform 17.0.13", "17.0.13.0", "java", "java.exe", "OpenJDK Platform binary", 44'536, Life::kBoot,
     {"services.exe"},
     R"("C:\Program Files\Eclipse Adoptium\jdk-17.0.13.11-hotspot\bin\java.exe" -Xms512m -Xmx4g -Dfile.encoding=UTF-8 -jar "D:\Apps\billing\billing-service.jar" --spring.profiles.active=prod)",
     Account::kNetworkService, Signer::kAdoptium, {"jvm.dll"}},
    // User applications.
    {{"chrome.exe"}, R"(C:\Program Files\Google\Chrome\Application)", "Google LLC", "Google Chrome", "142.0.7444.60",
     "chrome_exe", "chrome.exe", "Google Chrome", 3'207'480, Life::kSession, {"explorer.exe"},
     R"("C:\Program Files\Google\Chrome\Application\chrome.exe" )", Account::kUser, Signer::kGoogle,
     {"chrome.dll", "chrome_elf.dll"}},
    {{"msedge.exe"}, R"(C:\Program Files (x86)\Microsoft\Edge\Application)", kMs, "Microsoft Edge", "142.0.3595.53",
     "msedge_exe", "msedge.exe", "Microsoft Edge", 4'191'160, Life::kSession, {"explorer.exe"},
     R"("C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe" --no-startup-window --win-session-start)",
     Account::kUser, Signer::kMicrosoft, {"msedge.dll"}},
    {{"firefox.exe"}, R"(C:\Program Files\Mozilla Firefox)", "Mozilla Corporation", "Firefox", "145.0.1", "firefox",
     "firefox.exe", "Firefox", 689'760, Life::kSession, {"explorer.exe"},
     R"("C:\Program Files\Mozilla Firefox\firefox.exe" )", Account::kUser, Signer::kMozilla, {"xul.dll"}},
    {{"Teams.exe"}, R"(C:\Users\<user>\AppData\Local\Microsoft\Teams\current)", kMs, "Microsoft Teams",
     "1.7.00.33761", "Teams", "Teams.exe", "Microsoft Teams", 140'518'232, Life::kSession, {"explorer.exe"},
     R"("C:\Users\<user>\AppData\Local\Microsoft\Teams\current\Teams.exe" --system-initiated)", Account::kUser,
     Signer::kMicrosoft, {"ffmpeg.dll", "libEGL.dll"}},
    {{"OUTLOOK.EXE"}, R"(C:\Program Files\Microsoft Office\root\Office16)", kMs, "Microsoft Outlook",
     "16.0.19328.20178", "Outlook", "Outlook.exe", "Microsoft Outlook", 43'971'472, Life::kSession, {"explorer.exe"},
     R"("C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE" )", Account::kUser, Signer::kMicrosoft,
     {"OLMAPI32.DLL", "mso.dll"}},
    {{"WINWORD.EXE"}, R"(C:\Program Files\Microsoft Office\root\Office16)", kMs, "Microsoft Office",
     "16.0.19328.20178", "WinWord", "WinWord.exe", "Microsoft Word", 1'645'456, Life::kSession, {"explorer.exe"},
     R"("C:\Program Files\Microsoft Office\Root\Office16\WINWORD.EXE" /n)", Account::kUser, Signer::kMicrosoft,
     {"wwlib.dll", "mso.dll"}},
    {{"EXCEL.EXE"}, R"(C:\Program Files\Microsoft Office\root\Office16)", kMs, "Microsoft Office",
     "16.0.19328.20178", "Excel", "Excel.exe", "Microsoft Excel", 69'861'280, Life::kSession, {"explorer.exe"},
     R"("C:\Program Files\Microsoft Office\Root\Office16\EXCEL.EXE" )", Account::kUser, Signer::kMicrosoft,
     {"mso.dll"}},
    {{"OneDrive.exe"}, R"(C:\Users\<user>\AppData\Local\Microsoft\OneDrive)", kMs, "Microsoft OneDrive",
     "25.194.1005.0002", "OneDrive.exe", "OneDrive.exe", "Microsoft OneDrive", 3'936'200, Life::kSession,
     {"explorer.exe"}, R"("C:\Users\<user>\AppData\Local\Microsoft\OneDrive\OneDrive.exe" /background)",
     Account::kUser, Signer::kMicrosoft, {"FileCoAuthLib64.dll"}},
    {{"Code.exe"}, R"(C:\Users\<user>\AppData\Local\Programs\Microsoft VS Code)", kMs, "Visual Studio Code",
     "1.106.2", "Code", "Code.exe", "Visual Studio Code", 184'021'504, Life::kSession, {"explorer.exe"},
     R"("C:\Users\<user>\AppData\Local\Programs\Microsoft VS Code\Code.exe" )", Account::kUser, Signer::kMicrosoft,
     {"ffmpeg.dll"}},
    // Short-lived processes: shells, script hosts and helpers.
    {{"cmd.exe", "CMD.EXE", "Cmd.exe"}, kSys32, kMs, kWindows, kWinVersion, "cmd", "Cmd.Exe",
     "Windows Command Processor", 323'584, Life::kShort, {"explorer.exe", "explorer.exe", "svchost.exe"},
     R"("C:\Windows\system32\cmd.exe" )", Account::kUser, Signer::kWindows, {}},
    {{"conhost.exe"}, kSys32, kMs, kWindows, kWinVersion, "ConHost", "CONHOST.EXE", "Console Window Host", 1'013'760,
     Life::kShort, {"cmd.exe"}, R"(\??\C:\Windows\system32\conhost.exe 0xffffffff -ForceV1)", Account::kUser,
     Signer::kWindows, {}},
    {{"python.exe"}, R"(C:\Users\<user>\AppData\Local\Programs\Python\Python312)", "Python Software Foundation",
     "Python", "3.12.7", "Python Console", "python.exe", "Python", 103'192, Life::kShort, {"cmd.exe", "Code.exe"},
     R"("C:\Users\<user>\AppData\Local\Programs\Python\Python312\python.exe" -m pip list --outdated)",
     Account::kUser, Signer::kPython, {"python312.dll"}},
    {{"git.exe"}, R"(C:\Program Files\Git\cmd)", "The Git Development Community", "Git", "2.51.2.1", "git", "git.exe",
     "Git for Windows", 45'896, Life::kShort, {"Code.exe", "cmd.exe"}, R"(git.exe fetch --all --prune)",
     Account::kUser, Signer::kMicrosoft, {}},
    {{"pwsh.exe"}, R"(C:\Program Files\PowerShell\7)", kMs, "PowerShell", "7.5.4", "pwsh.dll", "pwsh.dll", "pwsh",
     288'296, Life::kShort, {"explorer.exe"}, R"("C:\Program Files\PowerShell\7\pwsh.exe" -NoLogo)", Account::kUser,
     Signer::kMicrosoft, {"amsi.dll"}},
    // The script hosts of hunt a, sometimes spelled in other cases so that `in~` matters.
    {{"powershell.exe", "PowerShell.exe", "POWERSHELL.EXE"}, R"(C:\Windows\System32\WindowsPowerShell\v1.0)", kMs,
     kWindows, kWinVersion, "POWERSHELL", "PowerShell.EXE", "Windows PowerShell", 455'680, Life::kShort,
     {"explorer.exe", "explorer.exe", "cmd.exe", "svchost.exe"},
     R"("C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe" -NoLogo)", Account::kUser, Signer::kWindows,
     {"amsi.dll", "clr.dll", "System.Management.Automation.ni.dll"}},
    {{"rundll32.exe", "RUNDLL32.EXE", "RunDll32.exe"}, kSys32, kMs, kWindows, kWinVersion, "rundll", "RUNDLL32.EXE",
     "Windows host process (Rundll32)", 71'680, Life::kShort, {"svchost.exe", "explorer.exe"},
     R"(C:\Windows\system32\rundll32.exe C:\Windows\system32\PcaSvc.dll,PcaPatchSdbTask)", Account::kUser,
     Signer::kWindows, {}},
    {{"mshta.exe", "MSHTA.EXE"}, kSys32, kMs, kWindows, kWinVersion, "MSHTA.EXE", "MSHTA.EXE",
     "Microsoft (R) HTML Application host", 43'008, Life::kShort, {"explorer.exe"},
     R"("C:\Windows\System32\mshta.exe" "\\contoso.local\NETLOGON\welcome.hta")", Account::kUser, Signer::kWindows,
     {"jscript9.dll"}},
    {{"wscript.exe", "WScript.exe"}, kSys32, kMs, kWindows, kWinVersion, "wscript.exe", "wscript.exe",
     "Microsoft ® Windows Based Script Host", 172'032, Life::kShort, {"explorer.exe", "OUTLOOK.EXE"},
     R"("C:\Windows\System32\wscript.exe" //B //NoLogo "\\contoso.local\NETLOGON\logon.vbs")", Account::kUser,
     Signer::kWindows, {"jscript9.dll", "vbscript.dll"}},
    {{"taskhostw.exe"}, kSys32, kMs, kWindows, kWinVersion, "taskhostw.exe", "taskhostw.exe",
     "Host Process for Windows Tasks", 102'400, Life::kShort, {"svchost.exe"},
     R"(taskhostw.exe -RegisterDevice -ProtectionStateChanged -FreeNetworkOnly)", Account::kSystem,
     Signer::kWindows, {}},
    {{"SearchProtocolHost.exe"}, kSys32, kMs, kWindows, kWinVersion, "SearchProtocolHost.exe",
     "SearchProtocolHost.exe", "Microsoft Windows Search Protocol Host", 436'224, Life::kShort, {"SearchIndexer.exe"},
     R"x("C:\Windows\system32\SearchProtocolHost.exe" Global\UsGthrFltPipeMssGthrPipe<n>_ Global\UsGthrCtrlFltPipeMssGthrPipe<n> 1 -2147483646 "Software\Microsoft\Windows Search" "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT; MS Search 4.0 Robot)" "C:\ProgramData\Microsoft\Search\Data\Temp\usgthrsvc" "DownLevelDaemon" )x",
     Account::kSystem, Signer::kWindows, {}},
    {{"backgroundTaskHost.exe"}, kSys32, kMs, kWindows, kWinVersion, "backgroundTaskHost.exe",
     "backgroundTaskHost.exe", "Background Task Host", 32'768, Life::kShort, {"svchost.exe"},
     R"("C:\Windows\system32\backgroundTaskHost.exe" -ServerName:BackgroundTaskHost.WebAccountProvider)",
     Account::kUser, Signer::kWindows, {}},
    {{"WmiPrvSE.exe"}, R"(C:\Windows\System32\wbem)", kMs, kWindows, kWinVersion, "Wmiprvse.exe", "Wmiprvse.exe",
     "WMI Provider Host", 561'152, Life::kShort, {"svchost.exe"}, R"(C:\Windows\system32\wbem\wmiprvse.exe -secured -Embedding)",
     Account::kNetworkService, Signer::kWindows, {}},
    {{"msiexec.exe"}, kSys32, kMs, kWindows, kWinVersion, "msiexec", "msiexec.exe", "Windows® installer", 69'632,
     Life::kShort, {"services.exe"}, R"(C:\Windows\system32\msiexec.exe /V)", Account::kSystem, Signer::kWindows, {}},
    {{"TiWorker.exe"}, R"(C:\Windows\WinSxS\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.26100.4946_none_5d5a2f1b2c2e6d3b)",
     kMs, kWindows, kWinVersion, "TiWorker.exe", "TiWorker.exe", "Windows Modules Installer Worker", 219'496,
     Life::kShort, {"svchost.exe"},
     R"(C:\Windows\winsxs\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.26100.4946_none_5d5a2f1b2c2e6d3b\TiWorker.exe -Embedding)",
     Account::kSystem, Signer::kWindows, {}},
};

// The DLLs processes load. Files under a user's folder are the same file for every user (one hash),
// and all of them are signed.
struct Dll {
  const char* name;
  const char* dir;
  int64_t size;
  Signer signer;
};
inline const std::vector<Dll> kDlls = {
    // Loaded by every process (kSystemDlls of them per process).
    {"ntdll.dll", kSys32, 2'490'880, Signer::kWindows},
    {"kernel32.dll", kSys32, 827'392, Signer::kWindows},
    {"KernelBase.dll", kSys32, 4'145'152, Signer::kWindows},
    {"ucrtbase.dll", kSys32, 1'380'352, Signer::kWindows},
    {"advapi32.dll", kSys32, 724'992, Signer::kWindows},
    {"sechost.dll", kSys32, 696'320, Signer::kWindows},
    {"rpcrt4.dll", kSys32, 1'179'648, Signer::kWindows},
    {"combase.dll", kSys32, 3'649'536, Signer::kWindows},
    {"user32.dll", kSys32, 1'880'064, Signer::kWindows},
    {"ws2_32.dll", kSys32, 491'520, Signer::kWindows},
    {"crypt32.dll", kSys32, 1'638'400, Signer::kWindows},
    {"bcrypt.dll", kSys32, 163'840, Signer::kWindows},
    {"winhttp.dll", kSys32, 1'069'056, Signer::kWindows},
    {"dnsapi.dll", kSys32, 798'720, Signer::kWindows},
    {"mswsock.dll", kSys32, 413'696, Signer::kWindows},
    {"ncrypt.dll", kSys32, 339'968, Signer::kWindows},
    // Loaded by the processes that name them.
    {"amsi.dll", kSys32, 110'592, Signer::kWindows},
    {"clr.dll", R"(C:\Windows\Microsoft.NET\Framework64\v4.0.30319)", 10'528'104, Signer::kMicrosoft},
    {"System.Management.Automation.ni.dll",
     R"(C:\Windows\assembly\NativeImages_v4.0.30319_64\System.Manaa57fc8cc#\9a0b4f3c2e1d7a6b5c4d3e2f1a0b9c8d)",
     33'094'656, Signer::kMicrosoft},
    {"jscript9.dll", kSys32, 5'267'456, Signer::kWindows},
    {"vbscript.dll", kSys32, 585'728, Signer::kWindows},
    {"MsSenseS.dll", R"(C:\Program Files\Windows Defender Advanced Threat Protection)", 4'318'752,
     Signer::kMicrosoft},
    {"mpengine.dll", R"(C:\ProgramData\Microsoft\Windows Defender\Definition Updates\{5F3B0E2A-7C41-4D8E-9A16-2B7E4C9D0F13})",
     20'613'576, Signer::kMicrosoft},
    {"sqlmin.dll", R"(C:\Program Files\Microsoft SQL Server\MSSQL16.MSSQLSERVER\MSSQL\Binn)", 43'116'096,
     Signer::kMicrosoft},
    {"sqllang.dll", R"(C:\Program Files\Microsoft SQL Server\MSSQL16.MSSQLSERVER\MSSQL\Binn)", 47'775'808,
     Signer::kMicrosoft},
    {"iiscore.dll", R"(C:\Windows\System32\inetsrv)", 327'680, Signer::kWindows},
    {"webengine4.dll", R"(C:\Windows\Microsoft.NET\Framework64\v4.0.30319)", 636'560, Signer::kMicrosoft},
    {"jvm.dll", R"(C:\Program Files\Eclipse Adoptium\jdk-17.0.13.11-hotspot\bin\server)", 9'721'344,
     Signer::kAdoptium},
    {"chrome.dll", R"(C:\Program Files\Google\Chrome\Application\142.0.7444.60)", 262'318'872, Signer::kGoogle},
    {"chrome_elf.dll", R"(C:\Program Files\Google\Chrome\Application\142.0.7444.60)", 1'914'648, Signer::kGoogle},
    {"msedge.dll", R"(C:\Program Files (x86)\Microsoft\Edge\Application\142.0.3595.53)", 254'801'176,
     Signer::kMicrosoft},
    {"xul.dll", R"(C:\Program Files\Mozilla Firefox)", 143'625'496, Signer::kMozilla},
    {"ffmpeg.dll", R"(C:\Users\<user>\AppData\Local\Microsoft\Teams\current)", 2'857'600, Signer::kMicrosoft},
    {"libEGL.dll", R"(C:\Users\<user>\AppData\Local\Microsoft\Teams\current)", 480'408, Signer::kMicrosoft},
    {"OLMAPI32.DLL", R"(C:\Program Files\Microsoft Office\root\vfs\System)", 12'604'848, Signer::kMicrosoft},
    {"mso.dll", R"(C:\Program Files\Common Files\Microsoft Shared\Office16)", 25'131'912, Signer::kMicrosoft},
    {"wwlib.dll", R"(C:\Program Files\Microsoft Office\root\Office16)", 42'514'320, Signer::kMicrosoft},
    {"FileCoAuthLib64.dll", R"(C:\Users\<user>\AppData\Local\Microsoft\OneDrive\25.194.1005.0002)", 1'201'000,
     Signer::kMicrosoft},
    {"python312.dll", R"(C:\Users\<user>\AppData\Local\Programs\Python\Python312)", 6'925'848, Signer::kPython},
};
constexpr int kSystemDlls = 16;  // the first entries of kDlls

// Where the other end of a connection is.
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
    // "-e" is short for -EncodedCommand too, but hunt c only looks for "-enc". The encoded scripts
    // are inventory scripts (kPayloadScripts); a download cradle is a planted scenario.
    {kWks, 2, "powershell.exe", Account::kUser, Dest::kMicrosoft, false, {443}, 0,
     {R"("C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe" -nop -w hidden -enc <payload>)",
      R"(powershell.exe -NoProfile -NonInteractive -EncodedCommand <payload>)",
      R"(PowerShell -ExecutionPolicy Bypass -ENC <payload>)", R"(powershell.exe -e <payload>)"}},
    {kWks, 4, "cmd.exe", Account::kUser, Dest::kWeb, false, {443, 80}, 0,
     {R"(C:\WINDOWS\system32\cmd.exe /c ""C:\Program Files\Contoso\Agent\update.cmd" /quiet")",
      R"("C:\Windows\system32\cmd.exe" /c net use Z: \\srv-file-01\share && "C:\Program Files\Contoso\Agent\sync.exe")"}},
    // rundll32 and mshta reach only the intranet: a LOLBin on the internet is a planted scenario.
    {kWks, 3, "rundll32.exe", Account::kUser, Dest::kFile, false, {80, 445}, 0,
     {R"(C:\Windows\System32\rundll32.exe C:\Windows\System32\davclnt.dll,DavSetCookie srv-file-01 http://srv-file-01/DavWWWRoot/)"}},
    {kWks, 1, "mshta.exe", Account::kUser, Dest::kFile, false, {445}, 0,
     {R"("C:\Windows\System32\mshta.exe" "\\contoso.local\NETLOGON\welcome.hta")"}},
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

// Scripts hidden behind -EncodedCommand, base64-encoded as UTF-16LE as PowerShell expects: the
// inventory scripts management tools run. None downloads or evaluates code.
inline const std::vector<const char*> kPayloadScripts = {
    "Get-CimInstance Win32_OperatingSystem | Select-Object Caption, Version, LastBootUpTime | ConvertTo-Json",
    "Get-NetAdapter | Where-Object Status -eq 'Up' | Select-Object Name, MacAddress, LinkSpeed | ConvertTo-Json",
    "Get-HotFix | Sort-Object InstalledOn -Descending | Select-Object -First 5 HotFixID, InstalledOn",
    "[Net.ServicePointManager]::SecurityProtocol='Tls12'; Get-Service -Name Sense, WinDefend | Select-Object Name, Status",
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


// DeviceFileEvents: what a process writes. `path` is the folder path with the file name; "<doc>"
// is a document name drawn per event, the same in `path` and `previous`.
enum class Origin : uint8_t { kNone, kWeb, kSmb };
struct FileActivity {
  unsigned roles;
  double weight;
  const char* process;
  Account account;
  const char* action;
  const char* path;
  int64_t min_size, max_size;
  Origin origin;
  const char* previous;  // FileRenamed: the previous file name; nullptr otherwise
  const char* share;     // kSmb: the share the client wrote through
};
inline const std::vector<FileActivity> kFileActivities = {
    {kWks, 30, "chrome.exe", Account::kUser, "FileCreated", R"(C:\Users\<user>\Downloads\<doc>.pdf)", 40'000, 4'000'000, Origin::kWeb, nullptr, nullptr},
    {kWks, 12, "chrome.exe", Account::kUser, "FileRenamed", R"(C:\Users\<user>\Downloads\<doc>.xlsx)", 20'000, 2'000'000, Origin::kWeb, "<doc>.xlsx.crdownload", nullptr},
    {kWks, 18, "msedge.exe", Account::kUser, "FileCreated", R"(C:\Users\<user>\Downloads\<doc>.docx)", 20'000, 3'000'000, Origin::kWeb, nullptr, nullptr},
    {kWks, 20, "OUTLOOK.EXE", Account::kUser, "FileCreated", R"(C:\Users\<user>\AppData\Local\Microsoft\Windows\INetCache\Content.Outlook\<token>\<doc>.pdf)", 30'000, 5'000'000, Origin::kNone, nullptr, nullptr},
    {kWks, 45, "OneDrive.exe", Account::kUser, "FileModified", R"(C:\Users\<user>\OneDrive - Contoso\Documents\<doc>.docx)", 15'000, 2'500'000, Origin::kNone, nullptr, nullptr},
    {kWks, 25, "EXCEL.EXE", Account::kUser, "FileModified", R"(C:\Users\<user>\OneDrive - Contoso\Documents\<doc>.xlsx)", 10'000, 8'000'000, Origin::kNone, nullptr, nullptr},
    {kWks, 15, "WINWORD.EXE", Account::kUser, "FileCreated", R"(C:\Users\<user>\AppData\Roaming\Microsoft\Word\~WRL<n>.tmp)", 1'000, 400'000, Origin::kNone, nullptr, nullptr},
    {kWks, 10, "Code.exe", Account::kUser, "FileModified", R"(C:\Users\<user>\source\reports\export_<n>.py)", 500, 40'000, Origin::kNone, nullptr, nullptr},
    {kWks, 8, "explorer.exe", Account::kUser, "FileDeleted", R"(C:\Users\<user>\Downloads\<doc>.zip)", 10'000, 50'000'000, Origin::kNone, nullptr, nullptr},
    {kWks, 5, "python.exe", Account::kUser, "FileCreated", R"(C:\Users\<user>\AppData\Local\Temp\tmp<token>.json)", 200, 90'000, Origin::kNone, nullptr, nullptr},
    {kAll, 20, "svchost.exe", Account::kSystem, "FileCreated", R"(C:\Windows\SoftwareDistribution\Download\<token>\windows11.0-kb50<n>-x64.cab)", 100'000, 90'000'000, Origin::kNone, nullptr, nullptr},
    {kAll, 15, "MsMpEng.exe", Account::kSystem, "FileModified", R"(C:\ProgramData\Microsoft\Windows Defender\Scans\History\CacheManager\<token>-0.bin)", 4'096, 600'000, Origin::kNone, nullptr, nullptr},
    {kAll, 12, "MsSense.exe", Account::kSystem, "FileModified", R"(C:\ProgramData\Microsoft\Windows Defender Advanced Threat Protection\Cyber\<guid>.bin)", 1'000, 300'000, Origin::kNone, nullptr, nullptr},
    {kAll, 6, "TiWorker.exe", Account::kSystem, "FileDeleted", R"(C:\Windows\Temp\<guid>.tmp)", 100, 2'000'000, Origin::kNone, nullptr, nullptr},
    {1u << kFile, 60, "ntoskrnl.exe", Account::kSystem, "FileCreated", R"(D:\Shares\Finance\<doc>.xlsx)", 10'000, 9'000'000, Origin::kSmb, nullptr, "Finance"},
    {1u << kFile, 60, "ntoskrnl.exe", Account::kSystem, "FileModified", R"(D:\Shares\Sales\<doc>.pptx)", 100'000, 40'000'000, Origin::kSmb, nullptr, "Sales"},
    {1u << kFile, 40, "ntoskrnl.exe", Account::kSystem, "FileModified", R"(D:\Shares\HR\<doc>.docx)", 10'000, 3'000'000, Origin::kSmb, nullptr, "HR"},
    {1u << kFile, 20, "ntoskrnl.exe", Account::kSystem, "FileDeleted", R"(D:\Shares\Engineering\<doc>.zip)", 10'000, 90'000'000, Origin::kSmb, nullptr, "Engineering"},
    {1u << kSql, 60, "sqlservr.exe", Account::kNetworkService, "FileModified", R"(D:\MSSQL\Data\Billing_log.ldf)", 1'000'000'000, 4'000'000'000, Origin::kNone, nullptr, nullptr},
    {1u << kSql, 10, "sqlservr.exe", Account::kNetworkService, "FileCreated", R"(D:\MSSQL\Backup\Billing_<n>.bak)", 1'000'000'000, 9'000'000'000, Origin::kNone, nullptr, nullptr},
    {1u << kWeb, 60, "w3wp.exe", Account::kNetworkService, "FileModified", R"(C:\inetpub\logs\LogFiles\W3SVC1\u_ex2511<n>.log)", 10'000, 80'000'000, Origin::kNone, nullptr, nullptr},
    {1u << kApp, 50, "java.exe", Account::kNetworkService, "FileModified", R"(D:\Apps\billing\logs\billing-service.<n>.log)", 10'000, 50'000'000, Origin::kNone, nullptr, nullptr},
    {1u << kDc, 40, "dns.exe", Account::kSystem, "FileModified", R"(C:\Windows\System32\dns\dns.log)", 1'000'000, 500'000'000, Origin::kNone, nullptr, nullptr},
};

// Words of document names ("<doc>").
inline const std::vector<const char*> kDocWords = {
    "Budget", "Q3", "Q4", "Review", "Invoice", "Contract", "Minutes", "Roadmap", "Forecast", "Report",
    "Onboarding", "Policy", "Draft", "Final", "Sales", "Pipeline", "Travel", "Expenses", "Plan", "Summary",
};

// DeviceRegistryEvents. "<sid>" is the SID of the process's account; nothing here lies under
// ...\CurrentVersion\Run or RunOnce.
struct RegistryActivity {
  unsigned roles;
  double weight;
  const char* process;
  Account account;
  const char* action;
  const char* key;
  const char* value_type;
  const char* value_name;
  const char* value_data;
};
inline const std::vector<RegistryActivity> kRegistryActivities = {
    {kWks, 40, "explorer.exe", Account::kUser, "RegistryValueSet", R"(HKEY_CURRENT_USER\<sid>\Software\Microsoft\Windows\CurrentVersion\Explorer\RecentDocs\.docx)", "Binary", "MRUListEx", ""},
    {kWks, 25, "explorer.exe", Account::kUser, "RegistryValueSet", R"(HKEY_CURRENT_USER\<sid>\Software\Microsoft\Windows\CurrentVersion\Explorer\UserAssist\{CEBFF5CD-ACE2-4F4F-9178-9926F41749EA}\Count)", "Binary", "HRZR_PGYFRFFVBA", ""},
    {kWks, 8, "explorer.exe", Account::kUser, "RegistryKeyCreated", R"(HKEY_CURRENT_USER\<sid>\Software\Microsoft\Windows\CurrentVersion\Explorer\SessionInfo\<n>)", "", "", ""},
    {kWks, 6, "explorer.exe", Account::kUser, "RegistryKeyDeleted", R"(HKEY_CURRENT_USER\<sid>\Software\Microsoft\Windows\CurrentVersion\Explorer\SessionInfo\<n>)", "", "", ""},
    {kWks, 20, "OUTLOOK.EXE", Account::kUser, "RegistryValueSet", R"(HKEY_CURRENT_USER\<sid>\Software\Microsoft\Office\16.0\Outlook\Profiles\Outlook\0a0d020000000000c000000000000046)", "Binary", "01020fff", ""},
    {kWks, 15, "OneDrive.exe", Account::kUser, "RegistryValueSet", R"(HKEY_CURRENT_USER\<sid>\Software\Microsoft\OneDrive\Accounts\Business1)", "String", "LastSignInTime", "17634<n>"},
    {kWks, 12, "Teams.exe", Account::kUser, "RegistryValueSet", R"(HKEY_CURRENT_USER\<sid>\Software\Microsoft\Office\Teams)", "Dword", "LoggedInOnce", "1"},
    {kAll, 30, "svchost.exe", Account::kSystem, "RegistryValueSet", R"(HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Services\bam\State\UserSettings\<sid>)", "Binary", R"(\Device\HarddiskVolume3\Windows\System32\cmd.exe)", ""},
    {kAll, 20, "MsMpEng.exe", Account::kSystem, "RegistryValueSet", R"(HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows Defender\Signature Updates)", "Binary", "SignaturesLastUpdated", ""},
    {kAll, 15, "MsSense.exe", Account::kSystem, "RegistryValueSet", R"(HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows Advanced Threat Protection\Status)", "Dword", "LastConnected", "<n>"},
    {kAll, 10, "svchost.exe", Account::kSystem, "RegistryValueSet", R"(HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\WindowsUpdate\UX\Settings)", "Dword", "SmartActiveHoursStart", "8"},
    {kAll, 8, "svchost.exe", Account::kSystem, "RegistryValueDeleted", R"(HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Schedule\TaskCache\Tree\Microsoft\Windows\UpdateOrchestrator\Schedule Scan)", "Dword", "Index", ""},
    {kAll, 6, "msiexec.exe", Account::kSystem, "RegistryValueSet", R"(HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Installer\UserData\S-1-5-18\Products\<token>\InstallProperties)", "String", "DisplayVersion", "142.0.3595.53"},
    {1u << kSql, 10, "sqlservr.exe", Account::kNetworkService, "RegistryValueSet", R"(HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Microsoft SQL Server\MSSQL16.MSSQLSERVER\MSSQLServer\SuperSocketNetLib\Tcp)", "String", "TcpPort", "1433"},
};

// DeviceEvents. `additional` is AdditionalFields as JSON text with slots; `file` names the file the
// event is about (a folder path with the file name), if any.
enum class EventKind : uint8_t {
  kPlain,
  kDns,          // a DNS answer for a host of the web pool
  kUrl,          // a link opened in the browser: RemoteUrl
  kOpenProcess,  // the target is another process on the device (never lsass)
};
struct EventActivity {
  unsigned roles;
  double weight;
  const char* process;
  Account account;
  const char* action;
  EventKind kind;
  const char* file;
  std::vector<const char*> additional;  // one is drawn per event
};
inline const std::vector<EventActivity> kEventActivities = {
    {kWks, 25, "powershell.exe", Account::kUser, "PowerShellCommand", EventKind::kPlain, nullptr,
     {R"({"Command":"Get-ChildItem"})", R"({"Command":"Import-Module"})", R"({"Command":"Get-Process"})",
      R"({"Command":"ConvertTo-Json"})", R"({"Command":"Out-Default"})", R"({"Command":"Get-CimInstance"})"}},
    {kAll, 35, "svchost.exe", Account::kNetworkService, "DnsQueryResponse", EventKind::kDns, nullptr, {""}},
    {kWks, 12, "OUTLOOK.EXE", Account::kUser, "BrowserLaunchedToOpenUrl", EventKind::kUrl, nullptr, {""}},
    {kWks, 8, "Teams.exe", Account::kUser, "BrowserLaunchedToOpenUrl", EventKind::kUrl, nullptr, {""}},
    {kAll, 15, "MsMpEng.exe", Account::kSystem, "OpenProcessApiCall", EventKind::kOpenProcess, nullptr,
     {R"({"DesiredAccess":4096})", R"({"DesiredAccess":1040})"}},
    {kAll, 10, "svchost.exe", Account::kSystem, "ScheduledTaskUpdated", EventKind::kPlain, nullptr,
     {R"({"TaskName":"\\Microsoft\\Windows\\UpdateOrchestrator\\Schedule Scan","TaskContent":"<?xml version=\"1.0\" encoding=\"UTF-16\"?><Task version=\"1.6\"><Actions Context=\"Author\"><Exec><Command>%systemroot%\\system32\\usoclient.exe</Command><Arguments>StartScan</Arguments></Exec></Actions></Task>"})",
      R"({"TaskName":"\\Microsoft\\Windows\\Defrag\\ScheduledDefrag","TaskContent":""})"}},
    {kAll, 10, "svchost.exe", Account::kSystem, "NamedPipeEvent", EventKind::kPlain, nullptr,
     {R"({"PipeName":"\\Device\\NamedPipe\\srvsvc","FileOperation":"File opened","NamedPipeEnd":"Client","RemoteClientsAccess":"AcceptRemote","ThreadId":<n>})",
      R"({"PipeName":"\\Device\\NamedPipe\\wkssvc","FileOperation":"File opened","NamedPipeEnd":"Client","RemoteClientsAccess":"AcceptRemote","ThreadId":<n>})"}},
    {kWks, 6, "chrome.exe", Account::kUser, "DpapiAccessed", EventKind::kPlain, nullptr,
     {R"({"DataDescription":"Google Chrome","OperationType":2})"}},
    {kWks, 4, "explorer.exe", Account::kUser, "ShellLinkCreateFileEvent", EventKind::kPlain,
     R"(C:\Users\<user>\AppData\Roaming\Microsoft\Windows\Recent\<doc>.lnk)",
     {R"({"ShellLinkRecentFileFolderPath":"C:\\Users\\<user>\\Downloads","ShellLinkIconPath":""})"}},
    {kWks, 1, "explorer.exe", Account::kUser, "UsbDriveMounted", EventKind::kPlain, nullptr,
     {R"({"DriveLetter":"E:","BusType":7,"ProductName":"Cruzer Blade","ProductRevision":"1.00","SerialNumber":"4C530001<n>","Manufacturer":"SanDisk","Volume":"\\??\\Volume{<guid>}"})"}},
    {kAll, 1, "msiexec.exe", Account::kSystem, "ServiceInstalled", EventKind::kPlain,
     R"(C:\Program Files (x86)\Microsoft\EdgeUpdate\MicrosoftEdgeUpdate.exe)",
     {R"({"ServiceName":"edgeupdate","ServiceStartType":2,"ServiceType":16,"ServiceAccount":"LocalSystem"})"}},
};
// What MsMpEng opens (kOpenProcess), by role: workstations, then servers.
inline const std::vector<const char*> kOpenedOnWorkstations = {"chrome.exe", "explorer.exe", "OUTLOOK.EXE", "Teams.exe"};
inline const std::vector<const char*> kOpenedOnServers = {"svchost.exe", "services.exe"};

// DeviceProcessEvents pads its share with these launches, which do nothing the other tables see.
struct QuietLaunch {
  unsigned roles;
  double weight;
  const char* process;
};
inline const std::vector<QuietLaunch> kQuietLaunches = {
    {kAll, 30, "conhost.exe"}, {kAll, 15, "taskhostw.exe"}, {kWks, 20, "SearchProtocolHost.exe"},
    {kWks, 15, "backgroundTaskHost.exe"}, {kAll, 10, "WmiPrvSE.exe"}, {kAll, 6, "MpCmdRun.exe"},
    {kWks, 8, "git.exe"}, {kWks, 10, "cmd.exe"}, {kAll, 3, "msiexec.exe"},
};

}  // namespace huntc::gen::catalog
