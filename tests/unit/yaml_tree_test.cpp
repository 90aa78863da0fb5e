// The rule reader's YAML tree: whatever libyaml parses must give the tree yaml-cpp gives (the
// same kinds, values, styles and positions), on tricky snippets, on every corpus and test rule,
// and on those rules with bytes cut or added; what it leaves to yaml-cpp keeps yaml-cpp's
// diagnostics.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <utility>

#include <yaml-cpp/yaml.h>

#include "compiler/rule/rule.h"
#include "compiler/rule/yaml_tree.h"

using namespace huntc;
using namespace huntc::rule_internal;
namespace fs = std::filesystem;

namespace {

// The first difference between two trees, or "" when they are the same. Walks with a stack.
std::string Difference(const YamlDocument& a, const YamlDocument& b) {
  std::vector<std::pair<YamlRef, YamlRef>> todo = {{a.Root(), b.Root()}};
  while (!todo.empty()) {
    const auto [x, y] = todo.back();
    todo.pop_back();
    std::ostringstream where;
    where << "node at " << y.Mark().offset << ": ";
    if (x.Kind() != y.Kind()) return where.str() + "kind";
    if (x.Mark().offset != y.Mark().offset || x.Mark().column != y.Mark().column) {
      return where.str() + "libyaml says " + std::to_string(x.Mark().offset) + ":" + std::to_string(x.Mark().column);
    }
    if (x.IsFlow() != y.IsFlow()) return where.str() + "style";
    if (x.Scalar() != y.Scalar()) return where.str() + "value '" + x.Scalar() + "' vs '" + y.Scalar() + "'";
    if (x.size() != y.size()) return where.str() + "size";
    for (size_t i = 0; i < x.size(); ++i) todo.emplace_back(x[i], y[i]);
  }
  return "";
}

// 1 when libyaml took the text (and agreed with yaml-cpp), 0 when it left it to yaml-cpp.
int CheckSame(const std::string& text) {
  INFO(text.substr(0, 2000));
  YamlDocument fast;
  if (!ParseWithLibyaml(text, fast)) return 0;
  YamlDocument reference;
  bool parsed = false;
  try {
    ParseWithYamlCpp(text, reference);
    parsed = true;
  } catch (const std::exception& e) {
    INFO(e.what());
    CHECK(parsed);  // libyaml accepted what yaml-cpp rejects
    return 1;
  }
  CHECK(Difference(fast, reference) == "");
  return 1;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The corpus rules and the test suite's rule files.
std::vector<std::string> RuleTexts() {
  std::vector<std::string> paths;
  const fs::path root(HUNTC_SOURCE_DIR);
  for (const fs::path& dir : {root / ".." / "shared" / "corpus" / "sentinel",
                             root / ".." / "shared" / "corpus" / "sentinel-supplement", root / "tests"}) {
    if (!fs::is_directory(dir)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      const std::string ext = entry.path().extension().string();
      if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml")) paths.push_back(entry.path().string());
    }
  }
  std::sort(paths.begin(), paths.end());
  std::vector<std::string> texts;
  for (const std::string& path : paths) texts.push_back(ReadFile(path));
  return texts;
}

}  // namespace

TEST_CASE("yaml tree: libyaml gives yaml-cpp's tree on tricky snippets", "[compiler][rule][yaml]") {
  const char* const snippets[] = {
      "query: T\n",
      "\xEF\xBB\xBFid: x\nquery: |\n  T\n",
      "id: \xC3\xA9t\xC3\xA9\nname: \"\xE2\x82\xAC \\u00e9\"\nquery: |\n  T | where A == \"\xC3\xA9\"\n",
      "query: |\r\n  T\r\n  | take 1\r\nid: x\r\n",
      "query: >\n  a\n  b\n\n  c\n    d\n  e\n",
      "query: |+\n  T\n\n\nid: x\n",
      "query: |-\n  T\n\n",
      "query: |2\n    T\n  U\n",
      "query: 'a ''b''\n  c'\n",
      "query: \"a\\tb\\\n  c \\\" d\\x41\\u263A\"\n",
      "query: plain\n  continued\n\n  more\n",
      "{query: T, id: [a, b], x: {y: z}}\n",
      "query: T # comment\nid: x #c\n",
      "---\nquery: T\n...\n",
      "---\nquery: T\n",
      "query:\nid:\ntactics: ~\nname: null\nkind: Null\nseverity: NULL\ndescription: ''\n",
      "tactics:\n- a\n- b\nentityMappings:\n  - entityType: Host\n    fieldMappings:\n      - identifier: H\n        columnName: C\n",
      "customDetails:\n  A: B\n  C: D\nquery: T\n",
      "query: \"\"\n",
      "- a\n- b\n",
      "scalar\n",
      "",
      "# only a comment\n",
      "query: a: b\n",
      "query: T\nquery: U\n",
      "query:\n\tT\n",
      "query: |\n\tT\n",
      "query: T\t\nid: x\n",
      "query: [a,\n  b]\n",
      "? query\n: T\n",
      "query: \"unterminated\n",
      "a:\n  - b\n  c: d\n",
      "key with spaces: value with: colon\nquery: T\n",
      "query: -1\nid: 0x10\nname: true\n",
      "query: T\n---\nid: x\n",
      "query: T\n--- [\n",
      "%YAML 1.2\n---\nquery: T\n",
      "query: !!str T\n",
      "a: &x T\nquery: *x\n",
      "query: T\r\rid: x\n",
      "query: a\xC2\x85" "b\n",
  };
  int fast = 0;
  for (const char* snippet : snippets) fast += CheckSame(snippet);
  WARN("snippets: " << fast << " of " << std::size(snippets) << " parsed by libyaml");
  CHECK(fast > 20);
}

TEST_CASE("yaml tree: libyaml gives yaml-cpp's tree on every corpus and test rule, whole and mutated",
          "[compiler][rule][yaml][corpus]") {
  const std::vector<std::string> texts = RuleTexts();
  int fast = 0;
  for (const std::string& text : texts) fast += CheckSame(text);
  WARN("rules: " << fast << " of " << texts.size() << " parsed by libyaml");
  CHECK(fast >= static_cast<int>(texts.size()) - 10);

  // Bytes YAML gives meaning to, cut or added at random places of each rule.
  std::mt19937 random(5);
  const std::string special = ":-#|>'\"[]{},&*!?%@` \t\n\r";
  int mutants = 0, mutants_fast = 0;
  for (const std::string& text : texts) {
    if (text.empty()) continue;
    for (int m = 0; m < 8; ++m) {
      std::string mutant = text;
      const size_t at = random() % mutant.size();
      if (random() % 2) {
        mutant.erase(at, 1 + random() % 2);
      } else {
        mutant.insert(at, 1, special[random() % special.size()]);
      }
      ++mutants;
      mutants_fast += CheckSame(mutant);
    }
  }
  WARN("mutants: " << mutants_fast << " of " << mutants << " parsed by libyaml");
}

TEST_CASE("yaml tree: what libyaml rejects keeps yaml-cpp's diagnostic and position", "[compiler][rule][yaml]") {
  const char* const malformed[] = {
      "id: x\nrequiredDataConnectors:\n    - connectorId: M\n    dataTypes:\n        - D\nquery: T\n",
      "id: x\nquery: T\nkind: a: b\n",
      "query: [a, b\n",
      "query: {a: b\nid: x\n",
      "tactics:\n  - a\n b: c\nquery: T\n",
      "query: T\n\tid: x\n",
  };
  for (const char* text : malformed) {
    INFO(text);
    YamlDocument doc;
    CHECK(!ParseWithLibyaml(text, doc));
    YAML::Mark expected;
    std::string message;
    try {
      YAML::Load(text);
    } catch (const YAML::Exception& e) {
      expected = e.mark;
      message = e.msg;
    }
    REQUIRE(!message.empty());
    Diagnostics diags;
    CHECK(!ParseRule(std::make_shared<SourceFile>("r.yaml", text), diags));
    REQUIRE(diags.size() == 1);
    CHECK(diags.items()[0].code == Code::YamlSyntax);
    CHECK(diags.items()[0].message == message);
    CHECK(diags.items()[0].Line() == static_cast<uint32_t>(expected.line + 1));
    CHECK(diags.items()[0].Column() == static_cast<uint32_t>(expected.column + 1));
  }
}
