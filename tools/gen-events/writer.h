// Lays rows out as JSON lines, streaming-API envelopes or CSV: a Record holds what a row says, and
// the writer walks the selected columns of its table in schema order, taking each column's value
// from the Record. Values are escaped as they are written, straight into a growing buffer.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tools/gen-events/columns.h"
#include "tools/gen-events/generator.h"
#include "tools/gen-events/world.h"

namespace huntc::gen {

// A row of DeviceInfo: the device and what changes from report to report.
struct DeviceReport {
  std::string_view logged_on_users;  // JSON array text
  std::string_view exposure, sensor_health;
};

// A row of DeviceNetworkInfo.
struct AdapterReport {
  std::string_view name, type, vendor, mac, dhcp4;
  std::string_view connected, dns, gateways, addresses;  // JSON text
};

// A row of DeviceFileCertificateInfo.
struct CertificateReport {
  const catalog::SignerInfo* signer;
  std::string_view signer_hash, issuer_hash, serial, crl;
  int64_t created, expires, countersigned;
};

// What a row says; each table's writer reads the members its columns need. Strings are raw (not
// escaped); "" stands for an empty string, -1 for a null number or time, an empty `additional` for
// a null AdditionalFields.
struct Record {
  int64_t time = 0, ingested = 0;
  const Device* dev = nullptr;
  std::string_view action;
  int64_t report_id = 0;
  const ProcView* init = nullptr;  // the initiating process
  const ProcView* proc = nullptr;  // the process the event is about (created, opened)
  // The file the event is about.
  std::string_view file_name, folder, sha1, sha256, md5;
  int64_t file_size = -1;
  std::string_view origin_url, origin_referrer, origin_ip, previous_folder, previous_name;
  std::string_view request_protocol, request_ip, request_account, request_domain, request_sid, share;
  int64_t request_port = -1;
  // The account the event is about (logons) and its logon session.
  const Account* account = nullptr;
  int64_t logon_id = -1;
  // The network end points.
  std::string_view remote_ip, remote_url, local_ip, protocol, local_ip_type, remote_ip_type, remote_device;
  int64_t remote_port = -1, local_port = -1;
  // Registry.
  std::string_view key, value_type, value_name, value_data, previous_key, previous_value_name, previous_value_data;
  // Logons.
  std::string_view logon_type, failure_reason;
  int is_local_admin = -1;  // -1: null
  std::string_view additional;
  const DeviceReport* device_report = nullptr;
  const AdapterReport* adapter = nullptr;
  const CertificateReport* certificate = nullptr;
};

// A growing buffer that values are appended to.
class Out {
 public:
  void Reserve(size_t n) {
    if (buf_.size() - len_ < n) buf_.resize(std::max(buf_.size() * 2, len_ + n + 4096));
  }
  void Raw(std::string_view s) {
    Reserve(s.size());
    std::memcpy(buf_.data() + len_, s.data(), s.size());
    len_ += s.size();
  }
  void Char(char c) {
    Reserve(1);
    buf_[len_++] = c;
  }
  char* Tail() { return buf_.data() + len_; }
  void Advance(size_t n) { len_ += n; }
  size_t Size() const { return len_; }
  std::string_view View() const { return {buf_.data(), len_}; }
  void Clear() { len_ = 0; }

 private:
  std::vector<char> buf_;
  size_t len_ = 0;
};

// Writes the rows of one table in one format, with the selected columns.
class RowWriter {
 public:
  RowWriter(Table table, Format format, std::vector<Field> columns, std::string_view tenant, int64_t first_day,
            int64_t last_day);

  // The CSV header line; nothing for the JSON formats.
  void Header(Out& o) const;
  void Write(Out& o, const Record& r) const;
  const std::vector<Field>& Columns() const { return columns_; }

 private:
  void Value(Out& o, Field f, const Record& r) const;
  void Str(Out& o, std::string_view s) const;
  void Json(Out& o, std::string_view json) const;  // a dynamic value; "" is null
  void Long(Out& o, int64_t v) const;
  void OptLong(Out& o, int64_t v) const { v < 0 ? Null(o) : Long(o, v); }
  void Time(Out& o, int64_t t) const;  // -1 is null
  void Bool(Out& o, bool v) const { o.Raw(v ? "true" : "false"); }
  void Null(Out& o) const { o.Raw(format_ == Format::kCsv ? "" : "null"); }

  Table table_;
  Format format_;
  std::vector<Field> columns_;
  // Per column: what goes before its value, padded with 16 bytes so that it can be copied in
  // whole 16-byte blocks; and its length.
  std::vector<std::string> keys_;
  std::vector<size_t> key_lengths_;
  std::string tenant_;
  std::string prefix_;  // the envelope up to "properties":{
  int64_t first_day_;
  std::vector<std::string> dates_;  // "2026-11-19T" for each day of the window
};

// A JSON string literal, quotes included.
std::string JsonQuote(std::string_view s);

// The columns of a table, in schema order.
std::span<const Field> TableColumns(Table t);

}  // namespace huntc::gen
