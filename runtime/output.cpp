// JSON-lines output of detections.
#include "runtime/output.h"

#include <cmath>

#include <fmt/format.h>

namespace huntc {

void AppendJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

void AppendJsonValue(std::string& out, const Column& column, size_t row) {
  if (column.IsNull(row)) {
    out += "null";
    return;
  }
  switch (column.type()) {
    case Type::Bool: out += column.BoolAt(row) ? "true" : "false"; return;
    case Type::Int: fmt::format_to(std::back_inserter(out), "{}", column.IntAt(row)); return;
    case Type::Long: fmt::format_to(std::back_inserter(out), "{}", column.LongAt(row)); return;
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

void JsonLinesWriter::WriteRows(std::string_view prefix, const std::vector<std::string>& names,
                                const std::vector<const Column*>& columns,
                                const uint32_t* selection, uint32_t count) {
  std::vector<std::string> keys;
  keys.reserve(names.size());
  for (const std::string& name : names) {
    std::string key;
    AppendJsonString(key, name);
    keys.push_back(key + ": ");
  }
  for (uint32_t k = 0; k < count; ++k) {
    buffer_ += '{';
    buffer_ += prefix;
    buffer_ += "\"row\": {";
    for (size_t c = 0; c < columns.size(); ++c) {
      if (c) buffer_ += ", ";
      buffer_ += keys[c];
      AppendJsonValue(buffer_, *columns[c], selection[k]);
    }
    buffer_ += "}}\n";
    if (buffer_.size() > (1 << 20)) Flush();
  }
}

void JsonLinesWriter::Flush() {
  if (!buffer_.empty()) std::fwrite(buffer_.data(), 1, buffer_.size(), out_);
  buffer_.clear();
  std::fflush(out_);
}

}  // namespace huntc
