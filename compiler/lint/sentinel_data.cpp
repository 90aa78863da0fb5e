// Parsing the embedded Sentinel CI tables.
#include "compiler/lint/sentinel_data.h"

#include <cstdio>
#include <cstdlib>

#include <simdjson.h>

namespace huntc::lint {

// Generated at build time from compiler/lint/data/*.json: {file name, contents} pairs.
struct EmbeddedData {
  const char* file;
  const char* json;
};
extern const EmbeddedData kEmbeddedData[];
extern const size_t kEmbeddedDataCount;

namespace {

[[noreturn]] void Broken(std::string_view file) {
  std::fprintf(stderr, "huntc: the embedded %.*s is malformed (broken build)\n",
               static_cast<int>(file.size()), file.data());
  std::abort();
}

simdjson::dom::element Parse(simdjson::dom::parser& parser, std::string_view name) {
  for (size_t i = 0; i < kEmbeddedDataCount; ++i) {
    if (kEmbeddedData[i].file != name) continue;
    simdjson::dom::element root;
    if (parser.parse(std::string_view(kEmbeddedData[i].json)).get(root)) Broken(name);
    return root;
  }
  Broken(name);
}

simdjson::dom::element Field(simdjson::dom::element object, std::string_view key,
                             std::string_view file) {
  simdjson::dom::element value;
  if (object[key].get(value)) Broken(file);
  return value;
}

std::vector<std::string> Strings(simdjson::dom::element list, std::string_view file) {
  std::vector<std::string> out;
  simdjson::dom::array array;
  if (list.get(array)) Broken(file);
  for (simdjson::dom::element item : array) {
    std::string_view text;
    if (item.get(text)) Broken(file);
    out.emplace_back(text);
  }
  return out;
}

SentinelData Load() {
  SentinelData data;
  simdjson::dom::parser parser;
  constexpr std::string_view kEnums = "entity_and_tactic_enums.json";
  const simdjson::dom::element enums = Parse(parser, kEnums);
  data.tactics = Strings(Field(enums, "attack_tactics", kEnums), kEnums);
  simdjson::dom::object entities;
  if (enums["entity_identifiers"].get(entities)) Broken(kEnums);
  for (const auto field : entities) {
    EntityTypeInfo info;
    info.identifiers = Strings(Field(field.value, "identifiers", kEnums), kEnums);
    simdjson::dom::array combinations;
    if (field.value["required_one_of"].get(combinations)) Broken(kEnums);
    for (simdjson::dom::element combination : combinations) {
      info.required_one_of.push_back(Strings(combination, kEnums));
    }
    data.entities.emplace(std::string(field.key), std::move(info));
  }

  constexpr std::string_view kMap = "tactic_technique_map.json";
  simdjson::dom::object tactics;
  if (Parse(parser, kMap)["tactic_to_techniques"].get(tactics)) Broken(kMap);
  for (const auto field : tactics) {
    for (const std::string& technique : Strings(field.value, kMap)) {
      data.technique_tactics[technique].emplace_back(field.key);
    }
  }

  constexpr std::string_view kConnectors = "ValidConnectorIds.json";
  for (std::string& id : Strings(Parse(parser, kConnectors), kConnectors)) {
    data.connector_ids.insert(std::move(id));
  }
  return data;
}

}  // namespace

const SentinelData& Data() {
  static const SentinelData data = Load();
  return data;
}

}  // namespace huntc::lint
