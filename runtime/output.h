// Detections out: JSON lines, one object per result row, values typed as Kusto prints them
// (datetimes ISO 8601 with 7 fractional digits and Z, numbers as numbers, null as null).
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/batch.h"

namespace huntc {

void AppendJsonString(std::string& out, std::string_view s);
// Appends row `row` of `column` as a JSON value.
void AppendJsonValue(std::string& out, const Column& column, size_t row);

class JsonLinesWriter {
 public:
  explicit JsonLinesWriter(std::FILE* out) : out_(out) {}
  ~JsonLinesWriter() { Flush(); }

  // One line per selected row: `{<prefix>"row": {name: value, ...}}`. `prefix` holds rendered
  // members ending in a comma (the rule's fields), or is empty.
  void WriteRows(std::string_view prefix, const std::vector<std::string>& names,
                 const std::vector<const Column*>& columns, const uint32_t* selection,
                 uint32_t count);
  void Flush();

 private:
  std::FILE* out_;
  std::string buffer_;
};

}  // namespace huntc
