// Loading table schemas from JSON.
#include "compiler/schema/schema.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <simdjson.h>

namespace huntc {

// Generated at build time from schemas/*.json: {file name, contents} pairs.
struct EmbeddedSchema {
  const char* file;
  const char* json;
};
extern const EmbeddedSchema kEmbeddedSchemas[];
extern const size_t kEmbeddedSchemaCount;

int TableSchema::Find(std::string_view column) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == column) return static_cast<int>(i);
  }
  return -1;
}

Catalog Catalog::BuiltIn() {
  Catalog catalog;
  Diagnostics diags;
  for (size_t i = 0; i < kEmbeddedSchemaCount; ++i) {
    catalog.AddJson(kEmbeddedSchemas[i].file, kEmbeddedSchemas[i].json, diags);
  }
  return catalog;
}

bool Catalog::AddJson(const std::string& path, const std::string& json, Diagnostics& diags) {
  auto file = std::make_shared<SourceFile>(path, json);
  auto fail = [&](const std::string& message) {
    diags.Report(Code::InputUnreadable, FileSpan{file, 0, 0}, "bad schema file: " + message);
    return false;
  };
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json).get(root)) return fail("not valid JSON");
  std::string_view name;
  simdjson::dom::array columns;
  if (root["name"].get(name) || root["columns"].get(columns)) {
    return fail("expected {\"name\": ..., \"columns\": [...]}");
  }
  TableSchema table{std::string(name), {}};
  for (simdjson::dom::element column : columns) {
    std::string_view column_name, type_name;
    if (column["name"].get(column_name) || column["type"].get(type_name)) {
      return fail("every column needs a \"name\" and a \"type\"");
    }
    const std::optional<Type> type = TypeFromName(type_name);
    if (!type) return fail("unknown type '" + std::string(type_name) + "'");
    table.columns.push_back({std::string(column_name), *type});
  }
  tables_[table.name] = std::move(table);
  return true;
}

void Catalog::LoadDirectory(const std::string& dir, Diagnostics& diags) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  if (ec) {
    diags.Report(Code::InputUnreadable, {}, "cannot read schema folder " + dir + ": " + ec.message());
    return;
  }
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    AddJson(path.string(), text.str(), diags);
  }
}

const TableSchema* Catalog::Find(std::string_view table) const {
  const auto it = tables_.find(table);
  return it == tables_.end() ? nullptr : &it->second;
}

std::vector<std::string> Catalog::TableNames() const {
  std::vector<std::string> names;
  for (const auto& [name, table] : tables_) names.push_back(name);
  return names;
}

}  // namespace huntc
