// Row layout for the three output formats (see writer.h).
#include "tools/gen-events/writer.h"

#include <charconv>

namespace huntc::gen {

namespace {

// Bytes JSON needs escaped: quote, backslash and control characters.
constexpr std::array<bool, 256> kJsonSpecial = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = true;
  t['"'] = t['\\'] = true;
  return t;
}();

enum class PF : uint8_t {
  kSha1, kSha256, kMd5, kFileName, kFileSize, kCompany, kProduct, kVersion, kInternal, kOriginal, kDescription,
  kId, kCommandLine, kCreated, kFolder, kParentName, kParentId, kParentCreated, kDomain, kName, kSid, kUpn,
  kObjectId, kIntegrity, kElevation, kSession, kIsRemote, kRemoteDevice, kRemoteIp, kLogonId, kSignerType,
  kSignatureStatus,
};

}  // namespace

std::string JsonQuote(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (kJsonSpecial[static_cast<uint8_t>(c)]) {
      constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[(c >> 4) & 15];
      out += kHex[c & 15];
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

std::span<const Field> TableColumns(Table t) {
  switch (t) {
    case Table::kDeviceInfo: return kDeviceInfoColumns;
    case Table::kDeviceNetworkInfo: return kDeviceNetworkInfoColumns;
    case Table::kDeviceNetworkEvents: return kDeviceNetworkEventsColumns;
    case Table::kDeviceFileEvents: return kDeviceFileEventsColumns;
    case Table::kDeviceRegistryEvents: return kDeviceRegistryEventsColumns;
    case Table::kDeviceImageLoadEvents: return kDeviceImageLoadEventsColumns;
    case Table::kDeviceEvents: return kDeviceEventsColumns;
    case Table::kDeviceLogonEvents: return kDeviceLogonEventsColumns;
    case Table::kDeviceProcessEvents: return kDeviceProcessEventsColumns;
    case Table::kDeviceFileCertificateInfo: return kDeviceFileCertificateInfoColumns;
  }
  return {};
}

RowWriter::RowWriter(Table table, Format format, std::vector<Field> columns, std::string_view tenant,
                     int64_t first_day, int64_t last_day)
    : table_(table), format_(format), columns_(std::move(columns)), tenant_(tenant), first_day_(first_day) {
  for (size_t i = 0; i < columns_.size(); ++i) {
    const std::string_view name = kFieldNames[static_cast<size_t>(columns_[i])];
    if (format_ == Format::kCsv) {
      keys_.push_back(i == 0 ? "" : ",");
    } else {
      keys_.push_back((i == 0 ? "\"" : ",\"") + std::string(name) + "\":");
    }
    key_lengths_.push_back(keys_.back().size());
    keys_.back().append(16, ' ');
  }
  prefix_ = ",\"tenantId\":\"" + tenant_ + "\",\"operationName\":\"Publish\",\"category\":\"AdvancedHunting-" +
            std::string(TableName(table)) + "\",\"properties\":{";
  for (int64_t day = first_day; day <= last_day; ++day)
    dates_.push_back(FormatDateTime(day * kTicksPerDay).substr(0, 11));  // "2026-11-19T"
}

void RowWriter::Header(Out& o) const {
  if (format_ != Format::kCsv) return;
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (i) o.Char(',');
    o.Raw(kFieldNames[static_cast<size_t>(columns_[i])]);
  }
  o.Raw("\r\n");
}

void RowWriter::Write(Out& o, const Record& r) const {
  if (format_ == Format::kEnvelope) {
    o.Raw("{\"time\":");
    Time(o, r.ingested);  // when the event reached the service
    o.Raw(prefix_);
  } else if (format_ == Format::kJsonLines) {
    o.Char('{');
  }
  for (size_t i = 0; i < columns_.size(); ++i) {
    // Keys are short: copy whole 16-byte blocks (the padding makes that safe) rather than call memcpy.
    const size_t n = key_lengths_[i];
    o.Reserve(n + 16);
    char* p = o.Tail();
    for (size_t k = 0; k < n; k += 16) std::memcpy(p + k, keys_[i].data() + k, 16);
    o.Advance(n);
    Value(o, columns_[i], r);
  }
  o.Raw(format_ == Format::kCsv ? std::string_view("\r\n") : format_ == Format::kEnvelope ? "}}\n" : "}\n");
}

namespace {

// Whether any of the 8 bytes in v needs JSON escaping (SWAR: quote, backslash, or below 0x20).
inline bool HasJsonSpecial(uint64_t v) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  const uint64_t quote = v ^ (kOnes * '"'), slash = v ^ (kOnes * '\\');
  const uint64_t zero_quote = (quote - kOnes) & ~quote & kHigh;
  const uint64_t zero_slash = (slash - kOnes) & ~slash & kHigh;
  const uint64_t control = (v - kOnes * 0x20) & ~v & kHigh;
  return (zero_quote | zero_slash | control) != 0;
}

}  // namespace

void RowWriter::Str(Out& o, std::string_view s) const {
  o.Reserve(s.size() * 6 + 16);
  char* p = o.Tail();
  char* const begin = p;
  *p++ = '"';
  if (format_ == Format::kCsv) {
    for (const char c : s) {
      if (c == '"') *p++ = '"';
      *p++ = c;
    }
  } else {
    // Eight bytes at a time while none needs escaping, else one byte.
    for (size_t i = 0; i < s.size();) {
      if (i + 8 <= s.size()) {
        uint64_t v;
        std::memcpy(&v, s.data() + i, 8);
        if (!HasJsonSpecial(v)) {
          std::memcpy(p, &v, 8);
          p += 8;
          i += 8;
          continue;
        }
      }
      const char c = s[i++];
      if (!kJsonSpecial[static_cast<uint8_t>(c)]) {
        *p++ = c;
      } else if (c == '"' || c == '\\') {
        *p++ = '\\';
        *p++ = c;
      } else {
        constexpr char kHex[] = "0123456789abcdef";
        std::memcpy(p, "\\u00", 4);
        p[4] = kHex[(c >> 4) & 15];
        p[5] = kHex[c & 15];
        p += 6;
      }
    }
  }
  *p++ = '"';
  o.Advance(p - begin);
}

void RowWriter::Json(Out& o, std::string_view json) const {
  if (json.empty()) return Null(o);
  if (format_ == Format::kCsv) return Str(o, json);
  o.Raw(json);
}

void RowWriter::Long(Out& o, int64_t v) const {
  o.Reserve(24);
  o.Advance(std::to_chars(o.Tail(), o.Tail() + 24, v).ptr - o.Tail());
}

void RowWriter::Time(Out& o, int64_t t) const {
  if (t < 0) return Null(o);
  const bool quote = format_ != Format::kCsv;
  const int64_t day = t / kTicksPerDay;
  if (day < first_day_ || day - first_day_ >= static_cast<int64_t>(dates_.size())) {
    std::string text = quote ? "\"" : "";
    AppendDateTime(text, t);
    if (quote) text += '"';
    return o.Raw(text);
  }
  o.Reserve(32);
  char* p = o.Tail();
  char* const begin = p;
  if (quote) *p++ = '"';
  std::memcpy(p, dates_[day - first_day_].data(), 11);
  p += 11;
  const int64_t in_day = t % kTicksPerDay;
  const int64_t second = in_day / kTicksPerSecond;
  auto digits = [&](int64_t v, int n) {
    for (int i = n - 1; i >= 0; --i, v /= 10) p[i] = static_cast<char>('0' + v % 10);
    p += n;
  };
  digits(second / 3600, 2);
  *p++ = ':';
  digits(second / 60 % 60, 2);
  *p++ = ':';
  digits(second % 60, 2);
  *p++ = '.';
  digits(in_day % kTicksPerSecond, 7);
  *p++ = 'Z';
  if (quote) *p++ = '"';
  o.Advance(p - begin);
}

void RowWriter::Value(Out& o, Field f, const Record& r) const {
  const ProcView* ip = r.init;
  const ProcView* tp = r.proc;
  const Device* d = r.dev;
  auto proc = [&](const ProcView* p, PF what) {
    if (!p) {
      switch (what) {
        case PF::kFileSize: case PF::kId: case PF::kCreated: case PF::kParentId: case PF::kParentCreated:
        case PF::kSession: case PF::kIsRemote: case PF::kLogonId: return Null(o);
        default: return Str(o, "");
      }
    }
    const ProcessEntry& e = *p->entry;
    switch (what) {
      case PF::kSha1: return Str(o, e.image.sha1);
      case PF::kSha256: return Str(o, e.image.sha256);
      case PF::kMd5: return Str(o, e.image.md5);
      case PF::kFileName: return Str(o, p->file_name);
      case PF::kFileSize: return Long(o, e.image.size);
      case PF::kCompany: return Str(o, e.spec->company);
      case PF::kProduct: return Str(o, e.spec->product);
      case PF::kVersion: return Str(o, e.spec->version);
      case PF::kInternal: return Str(o, e.spec->internal_name);
      case PF::kOriginal: return Str(o, e.spec->original_name);
      case PF::kDescription: return Str(o, e.spec->description);
      case PF::kId: return Long(o, p->pid);
      case PF::kCommandLine: return Str(o, p->cmdline);
      case PF::kCreated: return Time(o, p->created);
      case PF::kFolder: return Str(o, p->folder);
      case PF::kParentName: return Str(o, p->parent_name);
      case PF::kParentId: return OptLong(o, p->parent_pid);
      case PF::kParentCreated: return Time(o, p->parent_created);
      case PF::kDomain: return Str(o, p->account->domain);
      case PF::kName: return Str(o, p->account->name);
      case PF::kSid: return Str(o, p->account->sid);
      case PF::kUpn: return Str(o, p->account->upn);
      case PF::kObjectId: return Str(o, p->account->object_id);
      case PF::kIntegrity: return Str(o, p->integrity);
      case PF::kElevation: return Str(o, p->elevation);
      case PF::kSession: return Long(o, p->session);
      case PF::kIsRemote: return Bool(o, p->rdp_client != nullptr);
      case PF::kRemoteDevice: return Str(o, p->rdp_client ? std::string_view(p->rdp_client->netbios) : "");
      case PF::kRemoteIp: return Str(o, p->rdp_client ? std::string_view(p->rdp_client->ip) : "");
      case PF::kLogonId: return Long(o, p->logon_id);
      case PF::kSignerType:
        return Str(o, e.spec->signer == catalog::Signer::kWindows ? "OsVendor" : "ThirdParty");
      case PF::kSignatureStatus: return Str(o, "Valid");
    }
  };
  auto account = [&](const Account* a, std::string Account::*member) {
    return Str(o, a ? std::string_view(a->*member) : "");
  };
  const bool wks = d && d->role == catalog::kWorkstation;
  switch (f) {
    case Field::Timestamp: return Time(o, r.time);
    case Field::DeviceId: return Str(o, d->id);
    case Field::DeviceName: return Str(o, d->name);
    case Field::ActionType: return Str(o, r.action);
    case Field::RemoteIP: return Str(o, r.remote_ip);
    case Field::RemotePort: return OptLong(o, r.remote_port);
    case Field::RemoteUrl: return Str(o, r.remote_url);
    case Field::LocalIP: return Str(o, r.local_ip);
    case Field::LocalPort: return OptLong(o, r.local_port);
    case Field::Protocol: return Str(o, r.protocol);
    case Field::LocalIPType: return Str(o, r.local_ip_type);
    case Field::RemoteIPType: return Str(o, r.remote_ip_type);
    case Field::InitiatingProcessSHA1: return proc(ip, PF::kSha1);
    case Field::InitiatingProcessSHA256: return proc(ip, PF::kSha256);
    case Field::InitiatingProcessMD5: return proc(ip, PF::kMd5);
    case Field::InitiatingProcessFileName: return proc(ip, PF::kFileName);
    case Field::InitiatingProcessFileSize: return proc(ip, PF::kFileSize);
    case Field::InitiatingProcessVersionInfoCompanyName: return proc(ip, PF::kCompany);
    case Field::InitiatingProcessVersionInfoProductName: return proc(ip, PF::kProduct);
    case Field::InitiatingProcessVersionInfoProductVersion: return proc(ip, PF::kVersion);
    case Field::InitiatingProcessVersionInfoInternalFileName: return proc(ip, PF::kInternal);
    case Field::InitiatingProcessVersionInfoOriginalFileName: return proc(ip, PF::kOriginal);
    case Field::InitiatingProcessVersionInfoFileDescription: return proc(ip, PF::kDescription);
    case Field::InitiatingProcessId: return proc(ip, PF::kId);
    case Field::InitiatingProcessCommandLine: return proc(ip, PF::kCommandLine);
    case Field::InitiatingProcessCreationTime: return proc(ip, PF::kCreated);
    case Field::InitiatingProcessFolderPath: return proc(ip, PF::kFolder);
    case Field::InitiatingProcessParentFileName: return proc(ip, PF::kParentName);
    case Field::InitiatingProcessParentId: return proc(ip, PF::kParentId);
    case Field::InitiatingProcessParentCreationTime: return proc(ip, PF::kParentCreated);
    case Field::InitiatingProcessAccountDomain: return proc(ip, PF::kDomain);
    case Field::InitiatingProcessAccountName: return proc(ip, PF::kName);
    case Field::InitiatingProcessAccountSid: return proc(ip, PF::kSid);
    case Field::InitiatingProcessAccountUpn: return proc(ip, PF::kUpn);
    case Field::InitiatingProcessAccountObjectId: return proc(ip, PF::kObjectId);
    case Field::InitiatingProcessIntegrityLevel: return proc(ip, PF::kIntegrity);
    case Field::InitiatingProcessTokenElevation: return proc(ip, PF::kElevation);
    case Field::ReportId: return Long(o, r.report_id);
    case Field::AppGuardContainerId: return Str(o, "");
    case Field::AdditionalFields: return Json(o, r.additional);
    case Field::InitiatingProcessSessionId: return proc(ip, PF::kSession);
    case Field::IsInitiatingProcessRemoteSession: return proc(ip, PF::kIsRemote);
    case Field::InitiatingProcessRemoteSessionDeviceName: return proc(ip, PF::kRemoteDevice);
    case Field::InitiatingProcessRemoteSessionIP: return proc(ip, PF::kRemoteIp);
    case Field::TimeGenerated: return Time(o, r.ingested);
    case Field::TenantId: return Str(o, tenant_);
    case Field::MachineGroup: return Str(o, d->group);
    case Field::SourceSystem: return Str(o, "");
    case Field::Type: return Str(o, TableName(table_));
    case Field::FileName: return Str(o, r.file_name);
    case Field::FolderPath: return Str(o, r.folder);
    case Field::SHA1: return Str(o, r.sha1);
    case Field::SHA256: return Str(o, r.sha256);
    case Field::MD5: return Str(o, r.md5);
    case Field::FileSize: return OptLong(o, r.file_size);
    case Field::ProcessVersionInfoCompanyName: return proc(tp, PF::kCompany);
    case Field::ProcessVersionInfoProductName: return proc(tp, PF::kProduct);
    case Field::ProcessVersionInfoProductVersion: return proc(tp, PF::kVersion);
    case Field::ProcessVersionInfoInternalFileName: return proc(tp, PF::kInternal);
    case Field::ProcessVersionInfoOriginalFileName: return proc(tp, PF::kOriginal);
    case Field::ProcessVersionInfoFileDescription: return proc(tp, PF::kDescription);
    case Field::ProcessId: return proc(tp, PF::kId);
    case Field::ProcessCommandLine: return proc(tp, PF::kCommandLine);
    case Field::ProcessIntegrityLevel: return proc(tp, PF::kIntegrity);
    case Field::ProcessTokenElevation: return proc(tp, PF::kElevation);
    case Field::ProcessCreationTime: return proc(tp, PF::kCreated);
    case Field::AccountDomain: return account(r.account, &Account::domain);
    case Field::AccountName: return account(r.account, &Account::name);
    case Field::AccountSid: return account(r.account, &Account::sid);
    case Field::AccountUpn: return account(r.account, &Account::upn);
    case Field::AccountObjectId: return account(r.account, &Account::object_id);
    case Field::LogonId: return OptLong(o, r.logon_id);
    case Field::InitiatingProcessLogonId: return proc(ip, PF::kLogonId);
    case Field::InitiatingProcessSignerType: return proc(ip, PF::kSignerType);
    case Field::InitiatingProcessSignatureStatus: return proc(ip, PF::kSignatureStatus);
    case Field::FileOriginUrl: return Str(o, r.origin_url);
    case Field::FileOriginReferrerUrl: return Str(o, r.origin_referrer);
    case Field::FileOriginIP: return Str(o, r.origin_ip);
    case Field::PreviousFolderPath: return Str(o, r.previous_folder);
    case Field::PreviousFileName: return Str(o, r.previous_name);
    case Field::RequestProtocol: return Str(o, r.request_protocol);
    case Field::RequestSourceIP: return Str(o, r.request_ip);
    case Field::RequestSourcePort: return OptLong(o, r.request_port);
    case Field::RequestAccountName: return Str(o, r.request_account);
    case Field::RequestAccountDomain: return Str(o, r.request_domain);
    case Field::RequestAccountSid: return Str(o, r.request_sid);
    case Field::ShareName: return Str(o, r.share);
    case Field::SensitivityLabel: return Str(o, "");
    case Field::SensitivitySubLabel: return Str(o, "");
    case Field::IsAzureInfoProtectionApplied: return Null(o);
    case Field::RemoteDeviceName: return Str(o, r.remote_device);
    case Field::RegistryKey: return Str(o, r.key);
    case Field::RegistryValueName: return Str(o, r.value_name);
    case Field::RegistryValueData: return Str(o, r.value_data);
    case Field::CreatedProcessSessionId: return proc(tp, PF::kSession);
    case Field::IsProcessRemoteSession: return proc(tp, PF::kIsRemote);
    case Field::ProcessRemoteSessionDeviceName: return proc(tp, PF::kRemoteDevice);
    case Field::ProcessRemoteSessionIP: return proc(tp, PF::kRemoteIp);
    case Field::RegistryValueType: return Str(o, r.value_type);
    case Field::PreviousRegistryKey: return Str(o, r.previous_key);
    case Field::PreviousRegistryValueName: return Str(o, r.previous_value_name);
    case Field::PreviousRegistryValueData: return Str(o, r.previous_value_data);
    case Field::LogonType: return Str(o, r.logon_type);
    case Field::FailureReason: return Str(o, r.failure_reason);
    case Field::IsLocalAdmin: return r.is_local_admin < 0 ? Null(o) : Bool(o, r.is_local_admin != 0);
    // DeviceInfo.
    case Field::ClientVersion: return Str(o, "10.8810.26100.6584");
    case Field::PublicIP: return Str(o, d->public_ip);
    case Field::OSArchitecture: return Str(o, "64-bit");
    case Field::OSPlatform: return Str(o, wks ? "Windows11" : "WindowsServer2022");
    case Field::OSBuild: return Long(o, wks ? 26100 : 20348);
    case Field::IsAzureADJoined: return Bool(o, wks);
    case Field::JoinType: return Str(o, wks ? "Hybrid Azure AD Join" : "Domain Joined");
    case Field::AadDeviceId: return Str(o, d->aad_id);
    case Field::LoggedOnUsers: return Json(o, r.device_report ? r.device_report->logged_on_users : "");
    case Field::RegistryDeviceTag: return Str(o, "");
    case Field::OSVersion: return Str(o, "10.0");
    case Field::OnboardingStatus: return Str(o, "Onboarded");
    case Field::DeviceCategory: return Str(o, "Endpoint");
    case Field::DeviceType: return Str(o, wks ? "Workstation" : "Server");
    case Field::DeviceSubtype: return Str(o, "");
    case Field::Model: return Str(o, wks ? "Latitude 7440" : "Virtual Machine");
    case Field::Vendor: return Str(o, wks ? "Dell Inc." : "Microsoft Corporation");
    case Field::OSDistribution: return Str(o, "");
    case Field::OSVersionInfo: return Str(o, wks ? "24H2" : "21H2");
    case Field::MergedDeviceIds: return Str(o, "");
    case Field::MergedToDeviceId: return Str(o, "");
    case Field::IsInternetFacing: return Bool(o, d->internet_facing);
    case Field::SensorHealthState: return Str(o, r.device_report ? r.device_report->sensor_health : "");
    case Field::IsExcluded: return Bool(o, false);
    case Field::ExclusionReason: return Str(o, "");
    case Field::ExposureLevel: return Str(o, r.device_report ? r.device_report->exposure : "");
    case Field::AssetValue: return Str(o, d->role == catalog::kDc ? "High" : "Normal");
    case Field::DeviceManualTags: return Str(o, "");
    case Field::DeviceDynamicTags: return Str(o, "");
    case Field::ConnectivityType: return Str(o, "Streamlined");
    case Field::HostDeviceId: return Str(o, "");
    // DeviceNetworkInfo.
    case Field::NetworkAdapterName: return Str(o, r.adapter ? r.adapter->name : "");
    case Field::MacAddress: return Str(o, r.adapter ? r.adapter->mac : "");
    case Field::NetworkAdapterType: return Str(o, r.adapter ? r.adapter->type : "");
    case Field::NetworkAdapterStatus: return Str(o, r.adapter ? "Up" : "");
    case Field::TunnelType: return Str(o, r.adapter ? "None" : "");
    case Field::ConnectedNetworks: return Json(o, r.adapter ? r.adapter->connected : "");
    case Field::DnsAddresses: return Json(o, r.adapter ? r.adapter->dns : "");
    case Field::IPv4Dhcp: return Str(o, r.adapter ? r.adapter->dhcp4 : "");
    case Field::IPv6Dhcp: return Str(o, "");
    case Field::DefaultGateways: return Json(o, r.adapter ? r.adapter->gateways : "");
    case Field::IPAddresses: return Json(o, r.adapter ? r.adapter->addresses : "");
    case Field::NetworkAdapterVendor: return Str(o, r.adapter ? r.adapter->vendor : "");
    // DeviceFileCertificateInfo.
    case Field::IsSigned: return Bool(o, r.certificate != nullptr);
    case Field::SignatureType: return Str(o, r.certificate ? r.certificate->signer->signature_type : "");
    case Field::Signer: return Str(o, r.certificate ? r.certificate->signer->signer : "");
    case Field::SignerHash: return Str(o, r.certificate ? r.certificate->signer_hash : "");
    case Field::Issuer: return Str(o, r.certificate ? r.certificate->signer->issuer : "");
    case Field::IssuerHash: return Str(o, r.certificate ? r.certificate->issuer_hash : "");
    case Field::CertificateSerialNumber: return Str(o, r.certificate ? r.certificate->serial : "");
    case Field::CrlDistributionPointUrls: return Str(o, r.certificate ? r.certificate->crl : "");
    case Field::CertificateCreationTime: return Time(o, r.certificate ? r.certificate->created : -1);
    case Field::CertificateExpirationTime: return Time(o, r.certificate ? r.certificate->expires : -1);
    case Field::CertificateCountersignatureTime: return Time(o, r.certificate ? r.certificate->countersigned : -1);
    case Field::IsTrusted: return Bool(o, r.certificate != nullptr);
    case Field::IsRootSignerMicrosoft: return Bool(o, r.certificate && r.certificate->signer->root_microsoft);
  }
}

}  // namespace huntc::gen
