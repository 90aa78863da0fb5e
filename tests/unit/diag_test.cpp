// Diagnostics: the catalogue, query-to-file mapping and caret rendering.
#include <catch2/catch.hpp>

#include <set>

#include "compiler/diag/diagnostic.h"

using namespace huntc;

TEST_CASE("catalogue: codes are unique and indexed by enum", "[diag]") {
  std::set<std::string_view> ids;
  for (const auto& c : AllCodes()) {
    CHECK(ids.insert(c.id).second);
    CHECK(&Info(c.code) == &c);
  }
}

TEST_CASE("origin: query offsets map into the YAML file", "[diag]") {
  auto file = std::make_shared<SourceFile>("r.yaml", "id: x\nquery: |\n  T\n  | where A\n");
  // The query text is "T\n| where A\n": line k of it sits at file line 3 + k, indented by 2.
  TextOrigin origin(file);
  origin.AddRun(0, 17, 2);
  origin.AddRun(2, 21, 10);
  const FileSpan s = origin.Map(4, 9);  // "where"
  uint32_t line, col;
  file->LineColumn(s.begin, line, col);
  CHECK(line == 4);
  CHECK(col == 5);
  Diagnostics diags;
  diags.Report(Code::UnknownColumn, s, "no column 'A'");
  const std::string text = RenderText(diags.items()[0]);
  CHECK(text == "r.yaml:4:5: error HC401: no column 'A'\n    | where A\n      ^^^^^\n");
}
