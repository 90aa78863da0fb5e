// Detections out: JSON lines, CSV, aligned table (see output.h).
#include "runtime/output.h"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <charconv>
#include <cmath>

#include <fmt/format.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace huntc {

namespace {

// Whether byte c needs an escape in a JSON string.
bool NeedsEscape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

// The first byte of [p, end) that needs an escape, or end: 16 bytes at a time where the CPU has
// SSE2 (every x86-64 one), since most bytes need none.
const char* NextEscape(const char* p, const char* end) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i last_control = _mm_set1_epi8(0x1f);
  for (; end - p >= 16; p += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // A byte is at most 0x1f (unsigned) when its maximum with 0x1f is 0x1f.
    const __m128i control = _mm_cmpeq_epi8(_mm_max_epu8(v, last_control), last_control);
    const __m128i special = _mm_or_si128(control, _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
    if (const int mask = _mm_movemask_epi8(special)) return p + std::countr_zero(static_cast<unsigned>(mask));
  }
#endif
  while (p != end && !NeedsEscape(static_cast<unsigned char>(*p))) ++p;
  return p;
}

// An integer's decimal digits (formatting through fmt's iterator cost more than the digits).
void AppendInteger(std::string& out, int64_t v) {
  char digits[24];
  const std::to_chars_result end = std::to_chars(digits, digits + sizeof digits, v);
  out.append(digits, static_cast<size_t>(end.ptr - digits));
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  // Runs of bytes that need no escape go in at once: byte by byte, the appends were most of the
  // cost of serialising split()'s and parse_path()'s values (and of rendering command lines and
  // Windows paths, whose backslashes end a run every few bytes).
  const char* const end = s.data() + s.size();
  const char* run = s.data();  // the first byte not appended yet
  for (const char* p = NextEscape(run, end); p != end; p = NextEscape(p + 1, end)) {
    const auto c = static_cast<unsigned char>(*p);
    if (c == '"' || c == '\\') {
      // The escape is a backslash before the byte itself, which then starts the next run.
      out.append(run, static_cast<size_t>(p - run));
      out.push_back('\\');
      run = p;
      continue;
    }
    out.append(run, static_cast<size_t>(p - run));
    run = p + 1;
    switch (c) {
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
    }
  }
  out.append(run, static_cast<size_t>(end - run));
  out.push_back('"');
}

void AppendJsonValue(std::string& out, const Column& column, size_t row) {
  if (column.IsNull(row)) {
    out += "null";
    return;
  }
  switch (column.type()) {
    case Type::Bool: out += column.BoolAt(row) ? "true" : "false"; return;
    case Type::Int: AppendInteger(out, column.IntAt(row)); return;
    case Type::Long: AppendInteger(out, column.LongAt(row)); return;
    case Type::Real:
    case Type::Decimal: {
      const double v = column.RealAt(row);
      if (std::isfinite(v)) {
        fmt::format_to(std::back_inserter(out), "{}", v);
      } else {
        out += "null";  // JSON has no NaN or infinity
      }
      return;
    }
    case Type::DateTime:
      out.push_back('"');
      AppendDateTime(out, column.LongAt(row));
      out.push_back('"');
      return;
    case Type::TimeSpan: AppendJsonString(out, FormatTimeSpan(column.LongAt(row))); return;
    case Type::Dynamic: {
      const std::string_view json = column.StringAt(row);
      out += json.empty() ? "null" : json;
      return;
    }
    default: AppendJsonString(out, column.StringAt(row)); return;
  }
}

void AppendPlainValue(std::string& out, const Column& column, size_t row) {
  if (column.IsNull(row)) return;
  switch (column.type()) {
    case Type::String:
    case Type::Guid:
    case Type::Dynamic: out += column.StringAt(row); return;
    case Type::TimeSpan: out += FormatTimeSpan(column.LongAt(row)); return;
    case Type::DateTime: AppendDateTime(out, column.LongAt(row)); return;
    default: AppendJsonValue(out, column, row); return;  // numbers and bools print alike
  }
}

namespace {

constexpr std::string_view kRuleColumns[] = {"rule_id", "rule_name", "severity", "alert_name"};
constexpr std::string_view kMappingColumns[] = {"entities", "custom_details"};
// Table cells and rows are separated by ASCII unit and record separators, which never appear in
// a cell: cells have their control characters replaced first.
constexpr char kCellEnd = '\x1f';
constexpr char kRowEnd = '\x1e';
constexpr size_t kTableCellWidth = 40;

bool IsEmptyValue(const Column& column, size_t row) {
  if (column.IsNull(row)) return true;
  return column.type() != Type::Dynamic && IsStringLike(column.type()) &&
         column.StringAt(row).empty();
}

void AppendCsvCell(std::string& out, std::string_view cell) {
  if (cell.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += cell;
    return;
  }
  out.push_back('"');
  for (char c : cell) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

// The number of characters (not bytes) of UTF-8 text, for aligning columns.
size_t Width(std::string_view s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// At most `width` characters of `s`: when longer, the first width - 1, to be followed by "…".
std::string_view Clip(std::string_view s, size_t width, bool& clipped) {
  clipped = Width(s) > width;
  if (!clipped) return s;
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && chars++ == width - 1) {
      return s.substr(0, i);
    }
  }
  return s;
}

}  // namespace

std::vector<std::string> TabularColumns(const std::vector<const DetectionShape*>& shapes) {
  std::vector<std::string> columns;
  const auto any = [&](auto has) { return std::any_of(shapes.begin(), shapes.end(), has); };
  if (any([](const DetectionShape* s) { return s->rule; })) {
    columns.assign(std::begin(kRuleColumns), std::end(kRuleColumns));
  }
  for (const DetectionShape* shape : shapes) {
    for (const std::string& name : shape->output_names) {
      if (std::find(columns.begin(), columns.end(), name) == columns.end()) columns.push_back(name);
    }
  }
  if (any([](const DetectionShape* s) { return s->entities.has_value(); })) {
    columns.emplace_back(kMappingColumns[0]);
  }
  if (any([](const DetectionShape* s) { return s->custom_details.has_value(); })) {
    columns.emplace_back(kMappingColumns[1]);
  }
  return columns;
}

DetectionRenderer::DetectionRenderer(OutputFormat format,
                                     const std::vector<std::string>& tabular_columns)
    : format_(format), tabular_(tabular_columns) {}

void DetectionRenderer::Render(const DetectionShape& shape,
                               const std::vector<const Column*>& columns,
                               const uint32_t* selection, uint32_t count, std::string& out) {
  if (keyed_ != &shape) Key(shape);
  for (uint32_t k = 0; k < count; ++k) {
    if (format_ == OutputFormat::JsonLines) {
      RenderJson(shape, columns, selection[k], out);
    } else {
      RenderCells(shape, columns, selection[k], out);
    }
  }
}

void DetectionRenderer::Key(const DetectionShape& shape) {
  keyed_ = &shape;
  keys_.clear();
  cell_of_.clear();
  if (format_ == OutputFormat::JsonLines) {
    for (const std::string& name : shape.output_names) {
      std::string& key = keys_.emplace_back(keys_.empty() ? "" : ", ");
      AppendJsonString(key, name);
      key += ": ";
    }
    return;
  }
  // The rule's columns come first and the mappings' last, so an output column named like one
  // of them (a query projecting `severity`) finds its own cell by searching in between.
  const size_t first_output = shape.rule ? std::size(kRuleColumns) : 0;
  for (const std::string& name : shape.output_names) {
    cell_of_.push_back(static_cast<size_t>(std::find(tabular_.begin() + first_output, tabular_.end(), name) -
                                           tabular_.begin()));
  }
  const auto mapping = [&](std::string_view name) {
    return static_cast<size_t>(std::find(tabular_.rbegin(), tabular_.rend(), name).base() - tabular_.begin() - 1);
  };
  if (shape.entities) entities_cell_ = mapping(kMappingColumns[0]);
  if (shape.custom_details) details_cell_ = mapping(kMappingColumns[1]);
}

void DetectionRenderer::RenderJson(const DetectionShape& shape,
                                   const std::vector<const Column*>& columns, uint32_t row,
                                   std::string& out) {
  out += '{';
  if (shape.rule) {
    out += "\"rule_id\": ";
    AppendJsonString(out, shape.id);
    out += ", \"rule_name\": ";
    AppendJsonString(out, shape.name);
    out += ", \"severity\": ";
    AppendJsonString(out, shape.severity);
    const auto list = [&](std::string_view key, const std::vector<std::string>& items) {
      out += ", \"";
      out += key;
      out += "\": [";
      for (size_t i = 0; i < items.size(); ++i) {
        if (i) out += ", ";
        AppendJsonString(out, items[i]);
      }
      out += "]";
    };
    list("tactics", shape.tactics);
    list("techniques", shape.techniques);
    const auto text = [&](std::string_view key, const std::optional<TextTemplate>& t) {
      if (!t) return;
      scratch_.clear();
      FillTemplate(*t, columns, row, scratch_);
      out += ", \"";
      out += key;
      out += "\": ";
      AppendJsonString(out, scratch_);
    };
    text("alert_name", shape.alert_name);
    text("alert_description", shape.alert_description);
    if (shape.entities) {
      out += ", \"entities\": ";
      EntitiesJson(shape, columns, row, out);
    }
    if (shape.custom_details) {
      out += ", \"custom_details\": ";
      DetailsJson(shape, columns, row, out);
    }
    out += ", ";
  }
  out += "\"row\": {";
  for (size_t c = 0; c < shape.output.size(); ++c) {
    out += keys_[c];
    AppendJsonValue(out, *columns[shape.output[c]], row);
  }
  out += "}}\n";
}

void DetectionRenderer::RenderCells(const DetectionShape& shape,
                                    const std::vector<const Column*>& columns, uint32_t row,
                                    std::string& out) {
  cells_.resize(tabular_.size());
  for (std::string& cell : cells_) cell.clear();
  if (shape.rule) {
    cells_[0] = shape.id;
    cells_[1] = shape.name;
    cells_[2] = shape.severity;
    if (shape.alert_name) {
      FillTemplate(*shape.alert_name, columns, row, cells_[3]);
    } else {
      cells_[3] = shape.name;
    }
  }
  for (size_t c = 0; c < shape.output.size(); ++c) {
    AppendPlainValue(cells_[cell_of_[c]], *columns[shape.output[c]], row);
  }
  if (shape.entities) EntitiesJson(shape, columns, row, cells_[entities_cell_]);
  if (shape.custom_details) DetailsJson(shape, columns, row, cells_[details_cell_]);
  for (size_t c = 0; c < cells_.size(); ++c) {
    if (format_ == OutputFormat::Csv) {
      if (c) out.push_back(',');
      AppendCsvCell(out, cells_[c]);
    } else {
      for (char ch : cells_[c]) out.push_back(static_cast<unsigned char>(ch) < 0x20 ? ' ' : ch);
      out.push_back(kCellEnd);
    }
  }
  out.push_back(format_ == OutputFormat::Csv ? '\n' : kRowEnd);
}

void DetectionRenderer::FillTemplate(const TextTemplate& t,
                                     const std::vector<const Column*>& columns, uint32_t row,
                                     std::string& out) {
  for (const TextTemplate::Part& part : t.parts) {
    if (part.literal.empty()) {
      AppendPlainValue(out, *columns[part.column], row);
    } else {
      out += part.literal;
    }
  }
}

// `[{"type": "Host", "HostName": "wks-1"}, ...]`: identifiers without a value are left out, and
// an entity with none at all, as Sentinel drops them.
void DetectionRenderer::EntitiesJson(const DetectionShape& shape,
                                     const std::vector<const Column*>& columns, uint32_t row,
                                     std::string& out) {
  out += '[';
  bool first_entity = true;
  for (const EntityShape& entity : *shape.entities) {
    bool any = false;
    for (const auto& [identifier, column] : entity.identifiers) {
      const Column& col = *columns[column];
      if (IsEmptyValue(col, row)) continue;
      if (!any) {
        if (!first_entity) out += ", ";
        first_entity = false;
        out += "{\"type\": ";
        AppendJsonString(out, entity.type);
        any = true;
      }
      out += ", ";
      AppendJsonString(out, identifier);
      out += ": ";
      AppendJsonValue(out, col, row);
    }
    if (any) out += '}';
  }
  out += ']';
}

void DetectionRenderer::DetailsJson(const DetectionShape& shape,
                                    const std::vector<const Column*>& columns, uint32_t row,
                                    std::string& out) {
  out += '{';
  bool first = true;
  for (const auto& [key, column] : *shape.custom_details) {
    if (!first) out += ", ";
    first = false;
    AppendJsonString(out, key);
    out += ": ";
    AppendJsonValue(out, *columns[column], row);
  }
  out += '}';
}

DetectionWriter::DetectionWriter(std::FILE* out, OutputFormat format,
                                 std::vector<std::string> tabular_columns)
    : out_(out), format_(format), tabular_(std::move(tabular_columns)) {}

bool DetectionWriter::Put(std::string_view text) {
  if (failed_) return false;
  if (!text.empty() && std::fwrite(text.data(), 1, text.size(), out_) != text.size()) {
    failed_ = true;
    error_ = errno;
  }
  return !failed_;
}

bool DetectionWriter::Write(std::string_view rendered) {
  if (format_ == OutputFormat::Table) {
    table_rows_ += rendered;
    return true;
  }
  if (format_ == OutputFormat::Csv && !header_written_) {
    header_written_ = true;
    std::string header;
    for (size_t c = 0; c < tabular_.size(); ++c) {
      if (c) header.push_back(',');
      AppendCsvCell(header, tabular_[c]);
    }
    header.push_back('\n');
    if (!Put(header)) return false;
  }
  return Put(rendered);
}

bool DetectionWriter::Finish() {
  if (format_ == OutputFormat::Csv && !header_written_) Write("");
  if (format_ == OutputFormat::Table && !table_rows_.empty()) {
    // Split the held rows into cells, size each column to its widest (clipped) cell, print.
    std::vector<std::vector<std::string_view>> rows;
    rows.emplace_back(tabular_.begin(), tabular_.end());
    for (size_t at = 0; at < table_rows_.size();) {
      const size_t row_end = table_rows_.find(kRowEnd, at);
      std::vector<std::string_view>& cells = rows.emplace_back();
      for (size_t c = at; c < row_end;) {
        const size_t cell_end = table_rows_.find(kCellEnd, c);
        cells.push_back(std::string_view(table_rows_).substr(c, cell_end - c));
        c = cell_end + 1;
      }
      at = row_end + 1;
    }
    // Columns that no detection fills are left out: each query fills only its own.
    std::vector<size_t> widths(tabular_.size(), 0);
    std::vector<bool> used(tabular_.size(), false);
    for (size_t r = 0; r < rows.size(); ++r) {
      for (size_t c = 0; c < rows[r].size(); ++c) {
        bool clipped;
        widths[c] = std::max(widths[c], Width(Clip(rows[r][c], kTableCellWidth, clipped)) + clipped);
        if (r > 0 && !rows[r][c].empty()) used[c] = true;
      }
    }
    std::string line;
    for (size_t r = 0; r < rows.size(); ++r) {
      line.clear();
      bool first = true;
      for (size_t c = 0; c < rows[r].size(); ++c) {
        if (!used[c]) continue;
        if (!first) line += "  ";
        first = false;
        bool clipped;
        const std::string_view cell = Clip(rows[r][c], kTableCellWidth, clipped);
        line += cell;
        if (clipped) line += "\xE2\x80\xA6";  // …
        line.append(widths[c] - Width(cell) - clipped, ' ');
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      line.push_back('\n');
      if (!Put(line)) break;
    }
    table_rows_.clear();
  }
  if (!failed_ && std::fflush(out_) != 0) {
    failed_ = true;
    error_ = errno;
  }
  return !failed_;
}

}  // namespace huntc
