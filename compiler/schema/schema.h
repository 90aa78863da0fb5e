// Table schemas: the column names and KQL types of every table a rule may read.
//
// The schemas in the project's schemas/ folder are compiled into huntc; a user adds their own
// tables with `--schemas DIR` (files of the same JSON form: {"name", "columns": [{"name",
// "type"}]}), which replace built-in tables of the same name.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "runtime/batch.h"

namespace huntc {

struct TableSchema {
  std::string name;
  std::vector<ColumnSpec> columns;

  // Index of a column by exact (case-sensitive) name, or -1.
  int Find(std::string_view column) const;
};

class Catalog {
 public:
  // The tables built into huntc.
  static Catalog BuiltIn();

  // Adds or replaces tables from every *.json file in `dir`; problems go to diags.
  void LoadDirectory(const std::string& dir, Diagnostics& diags);
  // Adds or replaces one table from JSON text; returns false and reports on bad input.
  bool AddJson(const std::string& path, const std::string& json, Diagnostics& diags);

  const TableSchema* Find(std::string_view table) const;
  std::vector<std::string> TableNames() const;

 private:
  std::map<std::string, TableSchema, std::less<>> tables_;
};

}  // namespace huntc
