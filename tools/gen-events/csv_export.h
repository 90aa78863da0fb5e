// JSON lines to CSV as the Defender portal exports advanced-hunting results: a header row of
// column names, strings as text, other values as JSON text, null and missing values as empty
// fields, RFC 4180 quoting. gen-events uses it for `--format csv`; the tests and the reader
// benchmark use it to build the same events in CSV.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace huntc::gen {

class CsvExport {
 public:
  explicit CsvExport(std::vector<std::string> columns);
  ~CsvExport();

  // Every field name of the objects in `jsonl`, in first-seen order.
  static std::vector<std::string> ColumnsOf(std::string_view jsonl);

  void AppendHeader(std::string& out) const;
  // Appends the records of the JSON lines in `jsonl` (whole lines); false if one is not a JSON
  // object, with the records before it appended.
  bool AppendRecords(std::string_view jsonl, std::string& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace huntc::gen
