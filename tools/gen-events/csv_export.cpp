// JSON lines to portal-style CSV (see csv_export.h).
#include "tools/gen-events/csv_export.h"

#include <algorithm>

#include <simdjson.h>

namespace huntc::gen {
namespace {

void AppendField(std::string& out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += field;
    return;
  }
  out += '"';
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

// Calls f(line) for each non-empty line.
template <class F>
bool ForEachLine(std::string_view text, F&& f) {
  while (!text.empty()) {
    const size_t nl = std::min(text.find('\n'), text.size());
    if (nl > 0 && !f(text.substr(0, nl))) return false;
    text.remove_prefix(std::min(nl + 1, text.size()));
  }
  return true;
}

}  // namespace

struct CsvExport::Impl {
  std::vector<std::string> columns;
  std::vector<std::string> fields;  // the record being converted, by column
  simdjson::dom::parser parser;
};

CsvExport::CsvExport(std::vector<std::string> columns) : impl_(std::make_unique<Impl>()) {
  impl_->columns = std::move(columns);
  impl_->fields.resize(impl_->columns.size());
}
CsvExport::~CsvExport() = default;

std::vector<std::string> CsvExport::ColumnsOf(std::string_view jsonl) {
  simdjson::dom::parser parser;
  std::vector<std::string> names;
  ForEachLine(jsonl, [&](std::string_view line) {
    simdjson::dom::object object;
    if (parser.parse(line.data(), line.size()).get_object().get(object)) return true;
    for (auto [key, value] : object) {
      if (std::find(names.begin(), names.end(), key) == names.end()) names.emplace_back(key);
    }
    return true;
  });
  return names;
}

void CsvExport::AppendHeader(std::string& out) const {
  for (size_t i = 0; i < impl_->columns.size(); ++i) {
    if (i) out += ',';
    AppendField(out, impl_->columns[i]);
  }
  out += "\r\n";
}

bool CsvExport::AppendRecords(std::string_view jsonl, std::string& out) {
  Impl& m = *impl_;
  return ForEachLine(jsonl, [&](std::string_view line) {
    simdjson::dom::object object;
    if (m.parser.parse(line.data(), line.size()).get_object().get(object)) return false;
    for (std::string& f : m.fields) f.clear();
    for (auto [key, value] : object) {
      const auto column = std::find(m.columns.begin(), m.columns.end(), key);
      if (column == m.columns.end()) continue;
      std::string& field = m.fields[column - m.columns.begin()];
      if (value.is_string()) {
        field = value.get_string().value();
      } else if (!value.is_null()) {
        field = simdjson::minify(value);
      }
    }
    for (size_t i = 0; i < m.fields.size(); ++i) {
      if (i) out += ',';
      AppendField(out, m.fields[i]);
    }
    out += "\r\n";
    return true;
  });
}

}  // namespace huntc::gen
