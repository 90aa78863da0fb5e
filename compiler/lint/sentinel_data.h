// The lookup tables behind Sentinel's rule-template CI (2022-08 snapshot, compiler/lint/data):
// tactic names, entity types and their identifiers, the technique -> tactic map and the
// connector ids. Compiled into huntc and parsed once on first use.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace huntc::lint {

struct EntityTypeInfo {
  std::vector<std::string> identifiers;
  // The mapping must use every identifier of at least one of these combinations.
  std::vector<std::vector<std::string>> required_one_of;
};

struct SentinelData {
  std::vector<std::string> tactics;                             // the AttackTactic enum
  std::map<std::string, EntityTypeInfo, std::less<>> entities;  // by EntityType name
  // Base technique id (T1059) -> the tactics that list it.
  std::map<std::string, std::vector<std::string>, std::less<>> technique_tactics;
  std::set<std::string, std::less<>> connector_ids;
};

// The tables; the embedded data is part of the build, so failing to parse it is a broken build
// and aborts.
const SentinelData& Data();

}  // namespace huntc::lint
