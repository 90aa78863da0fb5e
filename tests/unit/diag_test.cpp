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

TEST_CASE("source: lines of CRLF, empty and unterminated text", "[diag]") {
  const SourceFile file("r.yaml", "a\r\n\nbc\n\r\nlast");
  CHECK(file.Line(1) == "a");
  CHECK(file.Line(2).empty());
  CHECK(file.Line(3) == "bc");
  CHECK(file.Line(4).empty());
  CHECK(file.Line(5) == "last");
  CHECK(file.Line(6).empty());
  uint32_t line, col;
  file.LineColumn(5, line, col);  // 'c'
  CHECK(line == 3);
  CHECK(col == 2);
  file.LineColumn(14, line, col);  // past the end: the end of the last line
  CHECK(line == 5);
  CHECK(col == 5);

  const SourceFile empty("e.yaml", "");
  empty.LineColumn(0, line, col);
  CHECK(line == 1);
  CHECK(col == 1);
  CHECK(empty.Line(1).empty());

  const SourceFile ends("n.yaml", "x\n");
  ends.LineColumn(2, line, col);  // after the final newline: an empty line 2
  CHECK(line == 2);
  CHECK(col == 1);
}
