// The columns of the ten Device* tables, in the order of schemas/<Table>.json: one Field per column
// name (a name has the same type in every table), and each table's columns as a list of Fields.
// tests/unit/generator_test.cpp checks these lists against the schema files.
#pragma once

#include <cstdint>
#include <string_view>

namespace huntc::gen {

// X(name, KQL type) for every column name of the ten tables.
#define HUNTC_GEN_FIELDS(X) \
  X(Timestamp, datetime) \
  X(DeviceId, string) \
  X(DeviceName, string) \
  X(ActionType, string) \
  X(RemoteIP, string) \
  X(RemotePort, int) \
  X(RemoteUrl, string) \
  X(LocalIP, string) \
  X(LocalPort, int) \
  X(Protocol, string) \
  X(LocalIPType, string) \
  X(RemoteIPType, string) \
  X(InitiatingProcessSHA1, string) \
  X(InitiatingProcessSHA256, string) \
  X(InitiatingProcessMD5, string) \
  X(InitiatingProcessFileName, string) \
  X(InitiatingProcessFileSize, long) \
  X(InitiatingProcessVersionInfoCompanyName, string) \
  X(InitiatingProcessVersionInfoProductName, string) \
  X(InitiatingProcessVersionInfoProductVersion, string) \
  X(InitiatingProcessVersionInfoInternalFileName, string) \
  X(InitiatingProcessVersionInfoOriginalFileName, string) \
  X(InitiatingProcessVersionInfoFileDescription, string) \
  X(InitiatingProcessId, long) \
  X(InitiatingProcessCommandLine, string) \
  X(InitiatingProcessCreationTime, datetime) \
  X(InitiatingProcessFolderPath, string) \
  X(InitiatingProcessParentFileName, string) \
  X(InitiatingProcessParentId, long) \
  X(InitiatingProcessParentCreationTime, datetime) \
  X(InitiatingProcessAccountDomain, string) \
  X(InitiatingProcessAccountName, string) \
  X(InitiatingProcessAccountSid, string) \
  X(InitiatingProcessAccountUpn, string) \
  X(InitiatingProcessAccountObjectId, string) \
  X(InitiatingProcessIntegrityLevel, string) \
  X(InitiatingProcessTokenElevation, string) \
  X(ReportId, long) \
  X(AppGuardContainerId, string) \
  X(AdditionalFields, dynamic) \
  X(InitiatingProcessSessionId, long) \
  X(IsInitiatingProcessRemoteSession, bool) \
  X(InitiatingProcessRemoteSessionDeviceName, string) \
  X(InitiatingProcessRemoteSessionIP, string) \
  X(TimeGenerated, datetime) \
  X(TenantId, string) \
  X(MachineGroup, string) \
  X(SourceSystem, string) \
  X(Type, string) \
  X(FileName, string) \
  X(FolderPath, string) \
  X(SHA1, string) \
  X(SHA256, string) \
  X(MD5, string) \
  X(FileSize, long) \
  X(ProcessVersionInfoCompanyName, string) \
  X(ProcessVersionInfoProductName, string) \
  X(ProcessVersionInfoProductVersion, string) \
  X(ProcessVersionInfoInternalFileName, string) \
  X(ProcessVersionInfoOriginalFileName, string) \
  X(ProcessVersionInfoFileDescription, string) \
  X(ProcessId, long) \
  X(ProcessCommandLine, string) \
  X(ProcessIntegrityLevel, string) \
  X(ProcessTokenElevation, string) \
  X(ProcessCreationTime, datetime) \
  X(AccountDomain, string) \
  X(AccountName, string) \
  X(AccountSid, string) \
  X(AccountUpn, string) \
  X(AccountObjectId, string) \
  X(LogonId, long) \
  X(InitiatingProcessLogonId, long) \
  X(InitiatingProcessSignerType, string) \
  X(InitiatingProcessSignatureStatus, string) \
  X(FileOriginUrl, string) \
  X(FileOriginReferrerUrl, string) \
  X(FileOriginIP, string) \
  X(PreviousFolderPath, string) \
  X(PreviousFileName, string) \
  X(RequestProtocol, string) \
  X(RequestSourceIP, string) \
  X(RequestSourcePort, int) \
  X(RequestAccountName, string) \
  X(RequestAccountDomain, string) \
  X(RequestAccountSid, string) \
  X(ShareName, string) \
  X(SensitivityLabel, string) \
  X(SensitivitySubLabel, string) \
  X(IsAzureInfoProtectionApplied, bool) \
  X(RemoteDeviceName, string) \
  X(RegistryKey, string) \
  X(RegistryValueName, string) \
  X(RegistryValueData, string) \
  X(CreatedProcessSessionId, long) \
  X(IsProcessRemoteSession, bool) \
  X(ProcessRemoteSessionDeviceName, string) \
  X(ProcessRemoteSessionIP, string) \
  X(RegistryValueType, string) \
  X(PreviousRegistryKey, string) \
  X(PreviousRegistryValueName, string) \
  X(PreviousRegistryValueData, string) \
  X(LogonType, string) \
  X(FailureReason, string) \
  X(IsLocalAdmin, bool) \
  X(ClientVersion, string) \
  X(PublicIP, string) \
  X(OSArchitecture, string) \
  X(OSPlatform, string) \
  X(OSBuild, long) \
  X(IsAzureADJoined, bool) \
  X(JoinType, string) \
  X(AadDeviceId, string) \
  X(LoggedOnUsers, dynamic) \
  X(RegistryDeviceTag, string) \
  X(OSVersion, string) \
  X(OnboardingStatus, string) \
  X(DeviceCategory, string) \
  X(DeviceType, string) \
  X(DeviceSubtype, string) \
  X(Model, string) \
  X(Vendor, string) \
  X(OSDistribution, string) \
  X(OSVersionInfo, string) \
  X(MergedDeviceIds, string) \
  X(MergedToDeviceId, string) \
  X(IsInternetFacing, bool) \
  X(SensorHealthState, string) \
  X(IsExcluded, bool) \
  X(ExclusionReason, string) \
  X(ExposureLevel, string) \
  X(AssetValue, string) \
  X(DeviceManualTags, string) \
  X(DeviceDynamicTags, string) \
  X(ConnectivityType, string) \
  X(HostDeviceId, string) \
  X(NetworkAdapterName, string) \
  X(MacAddress, string) \
  X(NetworkAdapterType, string) \
  X(NetworkAdapterStatus, string) \
  X(TunnelType, string) \
  X(ConnectedNetworks, dynamic) \
  X(DnsAddresses, dynamic) \
  X(IPv4Dhcp, string) \
  X(IPv6Dhcp, string) \
  X(DefaultGateways, dynamic) \
  X(IPAddresses, dynamic) \
  X(NetworkAdapterVendor, string) \
  X(IsSigned, bool) \
  X(SignatureType, string) \
  X(Signer, string) \
  X(SignerHash, string) \
  X(Issuer, string) \
  X(IssuerHash, string) \
  X(CertificateSerialNumber, string) \
  X(CrlDistributionPointUrls, string) \
  X(CertificateCreationTime, datetime) \
  X(CertificateExpirationTime, datetime) \
  X(CertificateCountersignatureTime, datetime) \
  X(IsTrusted, bool) \
  X(IsRootSignerMicrosoft, bool)

enum class Field : uint8_t {
#define HUNTC_GEN_FIELD_ENUM(name, type) name,
  HUNTC_GEN_FIELDS(HUNTC_GEN_FIELD_ENUM)
#undef HUNTC_GEN_FIELD_ENUM
};

inline constexpr std::string_view kFieldNames[] = {
#define HUNTC_GEN_FIELD_NAME(name, type) #name,
    HUNTC_GEN_FIELDS(HUNTC_GEN_FIELD_NAME)
#undef HUNTC_GEN_FIELD_NAME
};
inline constexpr std::string_view kFieldTypes[] = {
#define HUNTC_GEN_FIELD_TYPE(name, type) #type,
    HUNTC_GEN_FIELDS(HUNTC_GEN_FIELD_TYPE)
#undef HUNTC_GEN_FIELD_TYPE
};
inline constexpr size_t kFieldCount = std::size(kFieldNames);

inline constexpr Field kDeviceNetworkEventsColumns[] = {
    Field::Timestamp, Field::DeviceId, Field::DeviceName, Field::ActionType, Field::RemoteIP,
    Field::RemotePort, Field::RemoteUrl, Field::LocalIP, Field::LocalPort, Field::Protocol,
    Field::LocalIPType, Field::RemoteIPType, Field::InitiatingProcessSHA1, Field::InitiatingProcessSHA256,
    Field::InitiatingProcessMD5, Field::InitiatingProcessFileName, Field::InitiatingProcessFileSize,
    Field::InitiatingProcessVersionInfoCompanyName, Field::InitiatingProcessVersionInfoProductName,
    Field::InitiatingProcessVersionInfoProductVersion, Field::InitiatingProcessVersionInfoInternalFileName,
    Field::InitiatingProcessVersionInfoOriginalFileName, Field::InitiatingProcessVersionInfoFileDescription,
    Field::InitiatingProcessId, Field::InitiatingProcessCommandLine, Field::InitiatingProcessCreationTime,
    Field::InitiatingProcessFolderPath, Field::InitiatingProcessParentFileName,
    Field::InitiatingProcessParentId, Field::InitiatingProcessParentCreationTime,
    Field::InitiatingProcessAccountDomain, Field::InitiatingProcessAccountName,
    Field::InitiatingProcessAccountSid, Field::InitiatingProcessAccountUpn,
    Field::InitiatingProcessAccountObjectId, Field::InitiatingProcessIntegrityLevel,
    Field::InitiatingProcessTokenElevation, Field::ReportId, Field::AppGuardContainerId,
    Field::AdditionalFields, Field::InitiatingProcessSessionId, Field::IsInitiatingProcessRemoteSession,
    Field::InitiatingProcessRemoteSessionDeviceName, Field::InitiatingProcessRemoteSessionIP,
    Field::TimeGenerated, Field::TenantId, Field::MachineGroup, Field::SourceSystem, Field::Type,
};
inline constexpr Field kDeviceProcessEventsColumns[] = {
    Field::Timestamp, Field::DeviceId, Field::DeviceName, Field::ActionType, Field::FileName,
    Field::FolderPath, Field::SHA1, Field::SHA256, Field::MD5, Field::FileSize,
    Field::ProcessVersionInfoCompanyName, Field::ProcessVersionInfoProductName,
    Field::ProcessVersionInfoProductVersion, Field::ProcessVersionInfoInternalFileName,
    Field::ProcessVersionInfoOriginalFileName, Field::ProcessVersionInfoFileDescription, Field::ProcessId,
    Field::ProcessCommandLine, Field::ProcessIntegrityLevel, Field::ProcessTokenElevation,
    Field::ProcessCreationTime, Field::AccountDomain, Field::AccountName, Field::AccountSid,
    Field::AccountUpn, Field::AccountObjectId, Field::LogonId, Field::InitiatingProcessAccountDomain,
    Field::InitiatingProcessAccountName, Field::InitiatingProcessAccountSid,
    Field::InitiatingProcessAccountUpn, Field::InitiatingProcessAccountObjectId,
    Field::InitiatingProcessLogonId, Field::InitiatingProcessIntegrityLevel,
    Field::InitiatingProcessTokenElevation, Field::InitiatingProcessSHA1, Field::InitiatingProcessSHA256,
    Field::InitiatingProcessMD5, Field::InitiatingProcessFileName, Field::InitiatingProcessFileSize,
    Field::InitiatingProcessVersionInfoCompanyName, Field::InitiatingProcessVersionInfoProductName,
    Field::InitiatingProcessVersionInfoProductVersion, Field::InitiatingProcessVersionInfoInternalFileName,
    Field::InitiatingProcessVersionInfoOriginalFileName, Field::InitiatingProcessVersionInfoFileDescription,
    Field::InitiatingProcessId, Field::InitiatingProcessCommandLine, Field::InitiatingProcessCreationTime,
    Field::InitiatingProcessFolderPath, Field::InitiatingProcessParentId,
    Field::InitiatingProcessParentFileName, Field::InitiatingProcessParentCreationTime,
    Field::InitiatingProcessSignerType, Field::InitiatingProcessSignatureStatus, Field::ReportId,
    Field::AppGuardContainerId, Field::AdditionalFields, Field::TimeGenerated, Field::TenantId,
    Field::MachineGroup, Field::SourceSystem, Field::Type,
};
inline constexpr Field kDeviceFileEventsColumns[] = {
    Field::Timestamp, Field::DeviceId, Field::DeviceName, Field::ActionType, Field::FileName,
    Field::FolderPath, Field::SHA1, Field::SHA256, Field::MD5, Field::FileOriginUrl,
    Field::FileOriginReferrerUrl, Field::FileOriginIP, Field::PreviousFolderPath, Field::PreviousFileName,
    Field::FileSize, Field::InitiatingProcessAccountDomain, Field::InitiatingProcessAccountName,
    Field::InitiatingProcessAccountSid, Field::InitiatingProcessAccountUpn,
    Field::InitiatingProcessAccountObjectId, Field::InitiatingProcessMD5, Field::InitiatingProcessSHA1,
    Field::InitiatingProcessSHA256, Field::InitiatingProcessFolderPath, Field::InitiatingProcessFileName,
    Field::InitiatingProcessFileSize, Field::InitiatingProcessVersionInfoCompanyName,
    Field::InitiatingProcessVersionInfoProductName, Field::InitiatingProcessVersionInfoProductVersion,
    Field::InitiatingProcessVersionInfoInternalFileName, Field::InitiatingProcessVersionInfoOriginalFileName,
    Field::InitiatingProcessVersionInfoFileDescription, Field::InitiatingProcessId,
    Field::InitiatingProcessCommandLine, Field::InitiatingProcessCreationTime,
    Field::InitiatingProcessIntegrityLevel, Field::InitiatingProcessTokenElevation,
    Field::InitiatingProcessParentId, Field::InitiatingProcessParentFileName,
    Field::InitiatingProcessParentCreationTime, Field::RequestProtocol, Field::RequestSourceIP,
    Field::RequestSourcePort, Field::RequestAccountName, Field::RequestAccountDomain,
    Field::RequestAccountSid, Field::ShareName, Field::SensitivityLabel, Field::SensitivitySubLabel,
    Field::IsAzureInfoProtectionApplied, Field::ReportId, Field::AppGuardContainerId, Field::AdditionalFields,
    Field::InitiatingProcessSessionId, Field::IsInitiatingProcessRemoteSession,
    Field::InitiatingProcessRemoteSessionDeviceName, Field::InitiatingProcessRemoteSessionIP,
    Field::TimeGenerated, Field::TenantId, Field::MachineGroup, Field::SourceSystem, Field::Type,
};
inline constexpr Field kDeviceEventsColumns[] = {
    Field::Timestamp, Field::DeviceId, Field::DeviceName, Field::ActionType, Field::FileName,
    Field::FolderPath, Field::SHA1, Field::SHA256, Field::MD5, Field::FileSize, Field::AccountDomain,
    Field::AccountName, Field::AccountSid, Field::RemoteUrl, Field::RemoteDeviceName, Field::ProcessId,
    Field::ProcessCommandLine, Field::ProcessCreationTime, Field::ProcessTokenElevation, Field::LogonId,
    Field::RegistryKey, Field::RegistryValueName, Field::RegistryValueData, Field::RemoteIP,
    Field::RemotePort, Field::LocalIP, Field::LocalPort, Field::FileOriginUrl, Field::FileOriginIP,
    Field::InitiatingProcessSHA1, Field::InitiatingProcessSHA256, Field::InitiatingProcessMD5,
    Field::InitiatingProcessFileName, Field::InitiatingProcessFileSize, Field::InitiatingProcessFolderPath,
    Field::InitiatingProcessId, Field::InitiatingProcessCommandLine, Field::InitiatingProcessCreationTime,
    Field::InitiatingProcessAccountDomain, Field::InitiatingProcessAccountName,
    Field::InitiatingProcessAccountSid, Field::InitiatingProcessAccountUpn,
    Field::InitiatingProcessAccountObjectId, Field::InitiatingProcessVersionInfoCompanyName,
    Field::InitiatingProcessVersionInfoProductName, Field::InitiatingProcessVersionInfoProductVersion,
    Field::InitiatingProcessVersionInfoInternalFileName, Field::InitiatingProcessVersionInfoOriginalFileName,
    Field::InitiatingProcessVersionInfoFileDescription, Field::InitiatingProcessParentId,
    Field::InitiatingProcessParentFileName, Field::InitiatingProcessParentCreationTime,
    Field::InitiatingProcessLogonId, Field::ReportId, Field::AppGuardContainerId, Field::AdditionalFields,
    Field::InitiatingProcessSessionId, Field::IsInitiatingProcessRemoteSession,
    Field::InitiatingProcessRemoteSessionDeviceName, Field::InitiatingProcessRemoteSessionIP,
    Field::CreatedProcessSessionId, Field::IsProcessRemoteSession, Field::ProcessRemoteSessionDeviceName,
    Field::ProcessRemoteSessionIP, Field::TimeGenerated, Field::TenantId, Field::MachineGroup,
    Field::SourceSystem, Field::Type,
};
inline constexpr Field kDeviceRegistryEventsColumns[] = {
    Field::Timestamp, Field::DeviceId, Field::DeviceName, Field::ActionType, Field::RegistryKey,
    Field::RegistryValueType, Field::RegistryValueName, Field::RegistryValueData, Field::PreviousRegistryKey,
    Field::PreviousRegistryValueName, Field::PreviousRegistryValueData, Field::InitiatingProcessAccountDomain,
    Field::InitiatingProcessAccountName, Field::InitiatingProcessAccountSid,
    Field::InitiatingProcessAccountUpn, Field::InitiatingProcessAccountObjectId, Field::InitiatingProcessSHA1,
    Field::InitiatingProcessSHA256, Field::InitiatingProcessMD5, Field::InitiatingProcessFileName,
    Field::InitiatingProcessFileSize, Field::InitiatingProcessVersionInfoCompanyName,
    Field::InitiatingProcessVersionInfoProductName, Field::InitiatingProcessVersionInfoProductVersion,
    Field::InitiatingProcessVersionInfoInternalFileName, Field::InitiatingProcessVersionInfoOriginalFileName,
    Field::InitiatingProcessVersionInfoFileDescription, Field::InitiatingProcessId,
    Field::InitiatingProcessCommandLine, Field::InitiatingProcessCreationTime,
    Field::InitiatingProcessFolderPath, Field::InitiatingProcessParentId,
    Field::InitiatingProcessParentFileName, Field::InitiatingProcessParentCreationTime,
    Field::InitiatingProcessIntegrityLevel, Field::InitiatingProcessTokenElevation, Field::ReportId,
    Field::AppGuardContainerId, Field::InitiatingProcessSessionId, Field::IsInitiatingProcessRemoteSession,
    Field::InitiatingProcessRemoteSessionDeviceName, Field::InitiatingProcessRemoteSessionIP,
    Field::TimeGenerated, Field::TenantId, Field::MachineGroup, Field::SourceSystem, Field::Type,
};
inline constexpr Field kDeviceLogonEventsColumns[] = {
    Field::Timestamp, Field::DeviceId, Field::DeviceName, Field::ActionType, Field::LogonType,
    Field::AccountDomain, Field::AccountName, Field::AccountSid, Field::Protocol, Field::FailureReason,
    Field::IsLocalAdmin, Field::LogonId, Field::RemoteDeviceName, Field::RemoteIP, Field::RemoteIPType,
    Field::RemotePort, Field::InitiatingProcessAccountDomain, Field::InitiatingProcessAccountName,
    Field::InitiatingProcessAccountSid, Field::InitiatingProcessAccountUpn,
    Field::InitiatingProcessAccountObjectId, Field::InitiatingProcessIntegrityLevel,
    Field::InitiatingProcessTokenElevation, Field::InitiatingProcessSHA1, Field::InitiatingProcessSHA256,
    Field::InitiatingProcessMD5, Field::InitiatingProcessFileName, Field::InitiatingProcessFileSize,
    Field::InitiatingProcessVersionInfoCompanyName, Field::InitiatingProcessVersionInfoProductName,
    Field::InitiatingProcessVersionInfoProductVersion, Field::InitiatingProcessVersionInfoInternalFileName,
    Field::InitiatingProcessVersionInfoOriginalFileName, Field::InitiatingProcessVersionInfoFileDescription,
    Field::InitiatingProcessId, Field::InitiatingProcessCommandLine, Field::InitiatingProcessCreationTime,
    Field::InitiatingProcessFolderPath, Field::InitiatingProcessParentId,
    Field::InitiatingProcessParentFileName, Field::InitiatingProcessParentCreationTime, Field::ReportId,
    Field::AppGuardContainerId, Field::AdditionalFields, Field::InitiatingProcessSessionId,
    Field::IsInitiatingProcessRemoteSession, Field::InitiatingProcessRemoteSessionDeviceName,
    Field::InitiatingProcessRemoteSessionIP, Field::TimeGenerated, Field::TenantId, Field::MachineGroup,
    Field::SourceSystem, Field::Type,
};
inline constexpr Field kDeviceImageLoadEventsColumns[] = {
    Field::Timestamp, Field::DeviceId, Field::DeviceName, Field::ActionType, Field::FileName,
    Field::FolderPath, Field::SHA1, Field::SHA256, Field::MD5, Field::FileSize,
    Field::InitiatingProcessAccountDomain, Field::InitiatingProcessAccountName,
    Field::InitiatingProcessAccountSid, Field::InitiatingProcessAccountUpn,
    Field::InitiatingProcessAccountObjectId, Field::InitiatingProcessIntegrityLevel,
    Field::InitiatingProcessTokenElevation, Field::InitiatingProcessSHA1, Field::InitiatingProcessSHA256,
    Field::InitiatingProcessMD5, Field::InitiatingProcessFileName, Field::InitiatingProcessFileSize,
    Field::InitiatingProcessVersionInfoCompanyName, Field::InitiatingProcessVersionInfoProductName,
    Field::InitiatingProcessVersionInfoProductVersion, Field::InitiatingProcessVersionInfoInternalFileName,
    Field::InitiatingProcessVersionInfoOriginalFileName, Field::InitiatingProcessVersionInfoFileDescription,
    Field::InitiatingProcessId, Field::InitiatingProcessCommandLine, Field::InitiatingProcessCreationTime,
    Field::InitiatingProcessFolderPath, Field::InitiatingProcessParentId,
    Field::InitiatingProcessParentFileName, Field::InitiatingProcessParentCreationTime, Field::ReportId,
    Field::AppGuardContainerId, Field::TimeGenerated, Field::TenantId, Field::MachineGroup,
    Field::SourceSystem, Field::Type,
};
inline constexpr Field kDeviceInfoColumns[] = {
    Field::Timestamp, Field::DeviceId, Field::DeviceName, Field::ClientVersion, Field::PublicIP,
    Field::OSArchitecture, Field::OSPlatform, Field::OSBuild, Field::IsAzureADJoined, Field::JoinType,
    Field::AadDeviceId, Field::LoggedOnUsers, Field::RegistryDeviceTag, Field::OSVersion, Field::MachineGroup,
    Field::ReportId, Field::OnboardingStatus, Field::AdditionalFields, Field::DeviceCategory,
    Field::DeviceType, Field::DeviceSubtype, Field::Model, Field::Vendor, Field::OSDistribution,
    Field::OSVersionInfo, Field::MergedDeviceIds, Field::MergedToDeviceId, Field::IsInternetFacing,
    Field::SensorHealthState, Field::IsExcluded, Field::ExclusionReason, Field::ExposureLevel,
    Field::AssetValue, Field::DeviceManualTags, Field::DeviceDynamicTags, Field::ConnectivityType,
    Field::HostDeviceId, Field::TimeGenerated, Field::TenantId, Field::SourceSystem, Field::Type,
};
inline constexpr Field kDeviceNetworkInfoColumns[] = {
    Field::Timestamp, Field::DeviceId, Field::DeviceName, Field::NetworkAdapterName, Field::MacAddress,
    Field::NetworkAdapterType, Field::NetworkAdapterStatus, Field::TunnelType, Field::ConnectedNetworks,
    Field::DnsAddresses, Field::IPv4Dhcp, Field::IPv6Dhcp, Field::DefaultGateways, Field::IPAddresses,
    Field::ReportId, Field::NetworkAdapterVendor, Field::TimeGenerated, Field::TenantId, Field::MachineGroup,
    Field::SourceSystem, Field::Type,
};
inline constexpr Field kDeviceFileCertificateInfoColumns[] = {
    Field::Timestamp, Field::DeviceId, Field::DeviceName, Field::SHA1, Field::IsSigned, Field::SignatureType,
    Field::Signer, Field::SignerHash, Field::Issuer, Field::IssuerHash, Field::CertificateSerialNumber,
    Field::CrlDistributionPointUrls, Field::CertificateCreationTime, Field::CertificateExpirationTime,
    Field::CertificateCountersignatureTime, Field::IsTrusted, Field::IsRootSignerMicrosoft, Field::ReportId,
    Field::TimeGenerated, Field::TenantId, Field::MachineGroup, Field::SourceSystem, Field::Type,
};

}  // namespace huntc::gen
