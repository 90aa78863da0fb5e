// externaldata read from local files: the records of a CSV, TSV or JSON file as the cells of a
// datatable, which lowering then converts to the declared column types.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "runtime/batch.h"
#include "runtime/exec/expr.h"

namespace huntc::ir {

// Whether `format` (externaldata's `with (format=...)`, lower case) is one ReadExternalData reads:
// csv, tsv, txt, json, multijson.
bool IsExternalFormat(std::string_view format);
// Whether that format's cells are dynamic values (JSON) rather than strings (CSV, TSV, TXT).
bool IsJsonFormat(std::string_view format);

// Reads `path` for the declared `columns`. csv and tsv: a record per line (RFC 4180 quoting,
// so a quoted field may hold separators, doubled quotes and line breaks), fields by position
// as strings, a missing field empty, blank lines skipped, the first record dropped when
// `skip_first` (ignoreFirstRecord). txt: a record per non-blank line, the whole line the first
// column (the others empty). json: a JSON object per line; multijson: JSON objects one
// after another in any layout, or one array of them. A JSON record's members are taken by column
// name as dynamic values, a missing one null. Returns false with `error` when the file cannot
// be read or is not in the format.
bool ReadExternalData(const std::string& path, std::string_view format, bool skip_first,
                      const std::vector<ColumnSpec>& columns, std::vector<std::vector<exec::Value>>& rows,
                      std::string& error);

}  // namespace huntc::ir
