// Detections out, as JSON lines, CSV or an aligned text table.
//
// A JSON line holds the rule's fields, the alert name and description with their `{{Column}}`
// placeholders filled, the entities and custom details the rule maps, and the row itself, with
// values typed as Kusto prints them (datetimes ISO 8601 with 7 fractional digits and Z, numbers
// as numbers, null as null). The rule's mappings arrive as a DetectionShape, a plain
// description in terms of column positions that the compiler driver builds, so the runtime
// needs nothing from the compiler.
//
// Rendering (DetectionRenderer) and writing (DetectionWriter) are apart so that threads can
// render their detections in parallel while one writer puts them out in input order.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/batch.h"

namespace huntc {

void AppendJsonString(std::string& out, std::string_view s);
// Appends row `row` of `column` as a JSON value.
void AppendJsonValue(std::string& out, const Column& column, size_t row);
// Appends row `row` of `column` as plain text, as Kusto's tostring() would: null is "".
void AppendPlainValue(std::string& out, const Column& column, size_t row);

// Text with `{{Column}}` placeholders, split into literal runs and column references.
struct TextTemplate {
  struct Part {
    std::string literal;
    uint32_t column = 0;  // used when `literal` is empty
  };
  std::vector<Part> parts;
};

// One entity of a rule's entityMappings: identifier name -> column.
struct EntityShape {
  std::string type;  // "Host", "Account", ... as Sentinel names them
  std::vector<std::pair<std::string, uint32_t>> identifiers;
};

// What a detection of one query holds besides its row. Column numbers index the columns the
// renderer is given (the pipeline's scan columns).
struct DetectionShape {
  bool rule = false;  // false: a bare query, whose detections are only rows
  std::string id, name, severity;
  std::vector<std::string> tactics, techniques;
  std::optional<TextTemplate> alert_name, alert_description;  // from alertDetailsOverride
  std::optional<std::vector<EntityShape>> entities;           // from entityMappings
  std::optional<std::vector<std::pair<std::string, uint32_t>>> custom_details;
  std::vector<uint32_t> output;  // the row's columns
  std::vector<std::string> output_names;
};

enum class OutputFormat : uint8_t { JsonLines, Csv, Table };

// The columns of the CSV and table formats, shared by every query of a run: the rule's fields,
// then every output column name of any query (in first-seen order), then entities and custom
// details as JSON text.
std::vector<std::string> TabularColumns(const std::vector<const DetectionShape*>& shapes);

// Renders detections to text; one per thread.
class DetectionRenderer {
 public:
  DetectionRenderer(OutputFormat format, const std::vector<std::string>& tabular_columns);

  // Appends the detections of the selected rows; `columns` are the query's scan columns.
  // `shape` must outlive the renderer: what it looks up of a shape is kept by its address.
  void Render(const DetectionShape& shape, const std::vector<const Column*>& columns,
              const uint32_t* selection, uint32_t count, std::string& out);

 private:
  void RenderJson(const DetectionShape& shape, const std::vector<const Column*>& columns,
                  uint32_t row, std::string& out);
  void RenderCells(const DetectionShape& shape, const std::vector<const Column*>& columns,
                   uint32_t row, std::string& out);
  void FillTemplate(const TextTemplate& t, const std::vector<const Column*>& columns,
                    uint32_t row, std::string& out);
  void EntitiesJson(const DetectionShape& shape, const std::vector<const Column*>& columns,
                    uint32_t row, std::string& out);
  void DetailsJson(const DetectionShape& shape, const std::vector<const Column*>& columns,
                   uint32_t row, std::string& out);

  OutputFormat format_;
  const std::vector<std::string>& tabular_;
  std::vector<std::string> cells_;  // one row's cells for CSV and table, reused
  std::string scratch_;
  // What rendering a row of `keyed_` looks up once: the JSON row's member names as rendered
  // (`"Name": `, after `, ` but the first); the cell of each output column and of the entities
  // and custom details in CSV and table rows.
  void Key(const DetectionShape& shape);
  const DetectionShape* keyed_ = nullptr;
  std::vector<std::string> keys_;
  std::vector<size_t> cell_of_;
  size_t entities_cell_ = 0, details_cell_ = 0;
};

// Writes rendered detections in the order given. Table output is held until Finish, which
// needs every row to size the columns.
class DetectionWriter {
 public:
  DetectionWriter(std::FILE* out, OutputFormat format, std::vector<std::string> tabular_columns);

  // False once the output is gone (a closed pipe, a full disk): stop producing detections.
  bool Write(std::string_view rendered);
  bool Finish();
  bool failed() const { return failed_; }
  int error() const { return error_; }  // errno of the failed write (EPIPE: a closed pipe)
  const std::vector<std::string>& tabular_columns() const { return tabular_; }

 private:
  bool Put(std::string_view text);

  std::FILE* out_;
  OutputFormat format_;
  std::vector<std::string> tabular_;
  bool header_written_ = false;
  bool failed_ = false;
  int error_ = 0;
  std::string table_rows_;  // Table: the rendered cells, until Finish
};

}  // namespace huntc
