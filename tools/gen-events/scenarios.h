// Planted attacks: the rows each scenario adds to the tables, and the manifest that says what a
// hunt must find. See scenarios.cpp for the scenarios and the invariants the background keeps.
#pragma once

#include <array>
#include <deque>
#include <string>
#include <vector>

#include "tools/gen-events/generator.h"
#include "tools/gen-events/world.h"
#include "tools/gen-events/writer.h"

namespace huntc::gen {

struct Planted {
  std::array<std::vector<Record>, kTableCount> rows;  // each in order of ingestion
  std::string scenarios_json;  // the manifest's "scenarios" array

  // Storage the rows point into.
  std::deque<std::string> strings;
  std::deque<ProcView> views;
  std::deque<ProcessEntry> entries;
  std::deque<catalog::Process> specs;
  std::deque<Account> accounts;
};

// The rows of the scenarios asked for, for the tables selected (`selected[t]`).
void Plant(World& world, const GenOptions& opt, const std::array<bool, kTableCount>& selected, Planted& out);

// The manifest's "invariants": what the background never contains, so that a rule for a scenario
// stays quiet when the scenario is not planted.
std::vector<std::string> BackgroundInvariants();

}  // namespace huntc::gen
