// Reading externaldata files.
#include "compiler/ir/external_data.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "runtime/exec/json.h"

namespace huntc::ir {

namespace {

using exec::Json;
using exec::Value;

// Splits delimited text into records of fields. Quotes only open a field at its start; inside,
// a doubled quote is one quote. A line ending inside quotes belongs to the field.
bool SplitDelimited(std::string_view text, char separator, std::vector<std::vector<std::string>>& records,
                    std::string& error) {
  std::vector<std::string> record;
  std::string field;
  bool quoted = false, field_started = false;
  size_t line = 1;
  const auto end_record = [&] {
    record.push_back(std::move(field));
    field.clear();
    field_started = false;
    if (!(record.size() == 1 && record[0].empty())) records.push_back(std::move(record));  // a blank line
    record.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"' && !field_started) {
      quoted = field_started = true;
    } else if (c == separator) {
      record.push_back(std::move(field));
      field.clear();
      field_started = false;
    } else if (c == '\n') {
      ++line;
      end_record();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      continue;  // CRLF: the \n ends the record
    } else {
      field += c;
      field_started = true;
    }
  }
  if (quoted) {
    error = fmt::format("a quoted field is not closed by line {}", line);
    return false;
  }
  if (field_started || !record.empty()) end_record();
  return true;
}

void AddJsonRecord(const Json& record, const std::vector<ColumnSpec>& columns, std::vector<std::vector<Value>>& rows) {
  std::vector<Value>& row = rows.emplace_back();
  for (const ColumnSpec& c : columns) {
    const Json* v = record.Find(c.name);
    row.push_back(v && !v->IsNull() ? Value::Dynamic(v->Serialize()) : Value::Null(Type::Dynamic));
  }
}

// The JSON values of `text` one after another (separated by whitespace or nothing): each is
// found by scanning to the end of its top-level object or array, strings and escapes skipped.
bool SplitJsonValues(std::string_view text, std::vector<Json>& values, std::string& error) {
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
      continue;
    }
    if (c != '{' && c != '[') {
      error = fmt::format("a record does not start with '{{' at byte {}", i);
      return false;
    }
    const size_t begin = i;
    int depth = 0;
    bool in_string = false;
    for (; i < text.size(); ++i) {
      const char x = text[i];
      if (in_string) {
        if (x == '\\') {
          ++i;
        } else if (x == '"') {
          in_string = false;
        }
      } else if (x == '"') {
        in_string = true;
      } else if (x == '{' || x == '[') {
        ++depth;
      } else if ((x == '}' || x == ']') && --depth == 0) {
        ++i;
        break;
      }
    }
    std::optional<Json> value = Json::Parse(text.substr(begin, i - begin));
    if (!value) {
      error = fmt::format("the record at byte {} is not valid JSON", begin);
      return false;
    }
    values.push_back(std::move(*value));
  }
  return true;
}

}  // namespace

bool IsExternalFormat(std::string_view format) {
  return format == "csv" || format == "tsv" || format == "txt" || IsJsonFormat(format);
}

bool IsJsonFormat(std::string_view format) { return format == "json" || format == "multijson"; }

bool ReadExternalData(const std::string& path, std::string_view format, bool skip_first,
                      const std::vector<ColumnSpec>& columns, std::vector<std::vector<Value>>& rows,
                      std::string& error) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream buffer;
  if (!file || !(buffer << file.rdbuf())) {
    // An empty file reads nothing, which is not an error.
    if (file && file.peek() == std::ifstream::traits_type::eof()) return true;
    error = fmt::format("{} cannot be read", path);
    return false;
  }
  const std::string text = buffer.str();
  if (!IsJsonFormat(format)) {
    std::vector<std::vector<std::string>> records;
    if (format == "txt") {  // a record per line, the line its one field
      for (size_t begin = 0; begin < text.size();) {
        size_t end = text.find('\n', begin);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(begin, end - begin);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty()) records.push_back({std::move(line)});
        begin = end + 1;
      }
    } else if (!SplitDelimited(text, format == "tsv" ? '\t' : ',', records, error)) {
      error = fmt::format("{}: {}", path, error);
      return false;
    }
    for (size_t r = skip_first ? 1 : 0; r < records.size(); ++r) {
      std::vector<Value>& row = rows.emplace_back();
      for (size_t c = 0; c < columns.size(); ++c) {
        row.push_back(Value::String(c < records[r].size() ? records[r][c] : std::string()));
      }
    }
    return true;
  }
  std::vector<Json> values;
  if (format == "json") {
    size_t line = 0;
    for (size_t begin = 0; begin < text.size(); ++line) {
      size_t end = text.find('\n', begin);
      if (end == std::string::npos) end = text.size();
      std::string_view record(text.data() + begin, end - begin);
      begin = end + 1;
      if (record.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      std::optional<Json> value = Json::Parse(record);
      if (!value || !value->IsObject()) {
        error = fmt::format("{}: line {} is not a JSON object", path, line + 1);
        return false;
      }
      values.push_back(std::move(*value));
    }
  } else if (!SplitJsonValues(text, values, error)) {
    error = fmt::format("{}: {}", path, error);
    return false;
  }
  for (const Json& v : values) {
    if (v.IsObject()) {
      AddJsonRecord(v, columns, rows);
      continue;
    }
    for (const Json& item : v.items()) {
      if (!item.IsObject()) {
        error = fmt::format("{}: an array element is not a JSON object", path);
        return false;
      }
      AddJsonRecord(item, columns, rows);
    }
  }
  return true;
}

}  // namespace huntc::ir
