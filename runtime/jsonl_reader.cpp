// The JSON-lines reader (see jsonl_reader.h).
//
// The file is read in large chunks into one reused buffer, and every line is parsed in place by
// simdjson On-Demand (the buffer keeps SIMDJSON_PADDING bytes after its data). One pass over a
// line both validates all of it and stages the requested values; only a line that turns out
// valid is appended to the batch, so a bad line never leaves half a row behind. Staged strings
// point into the line or into simdjson's string buffer, both alive until the next line, so
// nothing is allocated per field or per row once the buffers have grown.
#include "runtime/jsonl_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>
#include <string_view>

#include <fmt/format.h>
#include <simdjson.h>

namespace huntc {
namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;

constexpr size_t kDefaultChunkBytes = size_t{8} << 20;
// Nesting deeper than this is rejected rather than risking the stack in Validate.
constexpr int kMaxDepth = 1024;

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsJsonSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsJsonSpace(s.back())) s.remove_suffix(1);
  return s;
}

// The JSON number grammar: simdjson does not check the scalars it is not asked to convert.
bool IsJsonNumber(std::string_view t) {
  size_t i = 0;
  const auto digits = [&] {
    const size_t start = i;
    while (i < t.size() && IsDigit(t[i])) ++i;
    return i > start;
  };
  if (i < t.size() && t[i] == '-') ++i;
  if (i < t.size() && t[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < t.size() && t[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == t.size();
}

std::optional<int64_t> ParseInt64(std::string_view s) {
  int64_t v;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<double> ParseDouble(std::string_view s) {
  double v;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view lower) {
  return a.size() == lower.size() &&
         std::equal(a.begin(), a.end(), lower.begin(), [](char x, char y) {
           return (x >= 'A' && x <= 'Z' ? x + ('a' - 'A') : x) == y;
         });
}

// Reads 1 to max_digits decimal digits at s[pos].
bool ReadDigits(std::string_view s, size_t& pos, size_t max_digits, int64_t& out) {
  const size_t start = pos;
  out = 0;
  while (pos < s.size() && pos - start < max_digits && IsDigit(s[pos])) {
    out = out * 10 + (s[pos++] - '0');
  }
  return pos > start;
}

// `[-][d.]hh:mm[:ss[.fffffff]]`, the form in which Kusto and .NET write a timespan.
std::optional<int64_t> ParseTimeSpan(std::string_view s) {
  size_t pos = 0;
  const bool negative = !s.empty() && s[0] == '-';
  if (negative) ++pos;
  int64_t days = 0, hours, minutes, seconds = 0, fraction = 0;
  if (!ReadDigits(s, pos, 7, hours)) return std::nullopt;  // 7 digits of days cannot overflow
  if (pos < s.size() && s[pos] == '.') {
    days = hours;
    ++pos;
    if (!ReadDigits(s, pos, 2, hours)) return std::nullopt;
  }
  if (pos >= s.size() || s[pos++] != ':' || !ReadDigits(s, pos, 2, minutes)) return std::nullopt;
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    if (!ReadDigits(s, pos, 2, seconds)) return std::nullopt;
    if (pos < s.size() && s[pos] == '.') {
      const size_t start = ++pos;
      if (!ReadDigits(s, pos, 7, fraction)) return std::nullopt;
      for (size_t i = pos - start; i < 7; ++i) fraction *= 10;
    }
  }
  if (pos != s.size() || hours > 23 || minutes > 59 || seconds > 59) return std::nullopt;
  const int64_t ticks =
      (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * kTicksPerSecond + fraction;
  return negative ? -ticks : ticks;
}

// Checks every part of a value that simdjson would otherwise skip unchecked, consuming it.
error_code Validate(od::value& value, int depth = 0) {
  if (depth > kMaxDepth) return simdjson::DEPTH_ERROR;
  od::json_type type;
  if (auto err = value.type().get(type)) return err;
  const std::string_view token = Trim(value.raw_json_token());
  switch (type) {
    case od::json_type::object: {
      od::object object;
      if (auto err = value.get_object().get(object)) return err;
      for (auto field : object) {
        std::string_view key;  // unescaping is what checks the key's escapes
        od::value child;
        if (auto err = field.unescaped_key().get(key)) return err;
        if (auto err = field.value().get(child)) return err;
        if (auto err = Validate(child, depth + 1)) return err;
      }
      return simdjson::SUCCESS;
    }
    case od::json_type::array: {
      od::array array;
      if (auto err = value.get_array().get(array)) return err;
      for (auto element : array) {
        od::value child;
        if (auto err = element.get(child)) return err;
        if (auto err = Validate(child, depth + 1)) return err;
      }
      return simdjson::SUCCESS;
    }
    case od::json_type::string: {
      std::string_view text;
      return value.get_string().get(text);
    }
    case od::json_type::number:
      return IsJsonNumber(token) ? simdjson::SUCCESS : simdjson::NUMBER_ERROR;
    case od::json_type::boolean:
      if (token == "true") return simdjson::SUCCESS;
      return token == "false" ? simdjson::SUCCESS : simdjson::T_ATOM_ERROR;
    case od::json_type::null: return token == "null" ? simdjson::SUCCESS : simdjson::N_ATOM_ERROR;
  }
  return simdjson::TAPE_ERROR;
}

struct FileCloser {
  int fd;
  ~FileCloser() { ::close(fd); }
};

// One requested column's value in the line being parsed, appended only once the line is valid.
struct Slot {
  enum class State : uint8_t { Null, Value, WrongType } state = State::Null;
  int64_t i = 0;  // bool, int, long, datetime, timespan
  double d = 0;   // real, decimal
  // String-like and dynamic values; for WrongType, the offending JSON, for the message.
  std::string_view s;
};

}  // namespace

struct JsonLinesReader::Impl {
  Impl(std::vector<ColumnSpec> columns, size_t rows)
      : batch_rows(std::max<size_t>(rows, 1)), batch(std::move(columns)) {
    for (auto& column : batch.columns) column.Reserve(batch_rows);
    slots.resize(batch.specs.size());
  }

  bool ReadFile(const std::string& path, const std::function<void(const Batch&)>& on_batch,
                const std::function<void(const InputIssue&)>& on_issue, ReadStats& stats);
  void ReadLine(const char* data, size_t size, size_t allocated);
  std::string_view ParseRecord(const char* data, size_t size, size_t allocated);
  error_code ReadField(simdjson::simdjson_result<od::field>& field);
  error_code ReadValue(od::value& value, Type type, Slot& slot);
  bool ConvertScalar(Type type, od::json_type json, std::string_view token, std::string_view text,
                     Slot& slot);
  bool IsJsonContainer(std::string_view text);
  void AppendRow();
  void Flush();
  void Report(InputIssueKind kind, std::string message);

  size_t batch_rows;
  size_t chunk_bytes = kDefaultChunkBytes;
  Batch batch;
  std::vector<Slot> slots;   // one per requested column
  std::vector<char> buffer;  // file data, then SIMDJSON_PADDING bytes
  od::parser parser;
  od::parser inner_parser;  // checks JSON text found inside a string, for Dynamic columns
  std::string inner_text;   // a padded copy of that text

  // The file being read.
  const std::string* path = nullptr;
  uint64_t line = 0;
  const std::function<void(const Batch&)>* on_batch = nullptr;
  const std::function<void(const InputIssue&)>* on_issue = nullptr;
  ReadStats* stats = nullptr;
};

bool JsonLinesReader::Impl::ReadFile(const std::string& file,
                                     const std::function<void(const Batch&)>& batch_sink,
                                     const std::function<void(const InputIssue&)>& issue_sink,
                                     ReadStats& counters) {
  path = &file;
  line = 0;
  on_batch = &batch_sink;
  on_issue = &issue_sink;
  stats = &counters;
  batch.Clear();  // a callback that threw out of the previous call may have left rows behind

  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    Report(InputIssueKind::Unreadable, fmt::format("cannot open: {}", std::strerror(errno)));
    return false;
  }
  const FileCloser closer{fd};
  if (buffer.size() < chunk_bytes + simdjson::SIMDJSON_PADDING) {
    buffer.resize(chunk_bytes + simdjson::SIMDJSON_PADDING);
  }

  // [begin, end) holds data not yet parsed; [begin, scanned) is known to have no newline.
  size_t begin = 0, end = 0, scanned = 0;
  bool eof = false, ok = true;
  while (true) {
    char* data = buffer.data();
    if (const void* nl = std::memchr(data + scanned, '\n', end - scanned)) {
      const size_t stop = static_cast<const char*>(nl) - data;
      ReadLine(data + begin, stop - begin, buffer.size() - begin);
      begin = scanned = stop + 1;
      continue;
    }
    scanned = end;
    if (eof) break;
    // Keep the unfinished line, moved to the front, and read after it.
    std::memmove(data, data + begin, end - begin);
    end -= begin;
    scanned = end;
    begin = 0;
    const size_t capacity = buffer.size() - simdjson::SIMDJSON_PADDING;
    // A line longer than the buffer doubles it.
    if (end == capacity) buffer.resize(2 * capacity + simdjson::SIMDJSON_PADDING);
    const ssize_t n =
        ::read(fd, buffer.data() + end, buffer.size() - simdjson::SIMDJSON_PADDING - end);
    if (n < 0) {
      if (errno == EINTR) continue;
      Report(InputIssueKind::Unreadable, fmt::format("cannot read: {}", std::strerror(errno)));
      ok = false;
      break;
    }
    eof = n == 0;
    end += static_cast<size_t>(n);
    stats->bytes += static_cast<uint64_t>(n);
  }
  // The last line may have no newline.
  if (ok && begin < end) ReadLine(buffer.data() + begin, end - begin, buffer.size() - begin);
  if (batch.rows() > 0) Flush();
  return ok;
}

void JsonLinesReader::Impl::ReadLine(const char* data, size_t size, size_t allocated) {
  ++line;
  // Windows tools often start the file with a UTF-8 byte order mark, which is not JSON.
  if (line == 1 && std::string_view(data, size).starts_with("\xEF\xBB\xBF")) {
    data += 3;
    size -= 3;
    allocated -= 3;
  }
  if (Trim(std::string_view(data, size)).empty()) return;
  if (const std::string_view problem = ParseRecord(data, size, allocated); !problem.empty()) {
    ++stats->lines_skipped;
    Report(InputIssueKind::Malformed, fmt::format("line skipped: {}", problem));
    return;
  }
  AppendRow();
}

// Why the line cannot be read, or "" once its values are staged.
std::string_view JsonLinesReader::Impl::ParseRecord(const char* data, size_t size,
                                                    size_t allocated) {
  for (auto& slot : slots) slot.state = Slot::State::Null;
  od::document doc;
  od::json_type root;
  od::object object;
  if (auto err = parser.iterate(data, size, allocated).get(doc)) {
    return simdjson::error_message(err);
  }
  if (auto err = doc.type().get(root)) return simdjson::error_message(err);
  if (root != od::json_type::object) return "not a JSON object";
  if (auto err = doc.get_object().get(object)) return simdjson::error_message(err);
  for (auto field : object) {
    if (auto err = ReadField(field)) return simdjson::error_message(err);
  }
  const char* rest;
  if (doc.current_location().get(rest) != simdjson::OUT_OF_BOUNDS) {
    return "content after the JSON object";
  }
  return "";
}

error_code JsonLinesReader::Impl::ReadField(simdjson::simdjson_result<od::field>& field) {
  od::raw_json_string key;
  od::value value;
  if (auto err = field.key().get(key)) return err;
  if (auto err = field.value().get(value)) return err;
  // Keys are matched as written: the requested names are plain identifiers, never escaped.
  size_t column = 0;
  while (column < slots.size() && !key.unsafe_is_equal(batch.specs[column].name)) ++column;
  if (column == slots.size()) return Validate(value);
  // A repeated key overwrites the earlier value, as in most JSON readers.
  return ReadValue(value, batch.specs[column].type, slots[column]);
}

// Stages one requested value; a valid value that does not convert leaves slot WrongType, and
// only invalid JSON is an error.
error_code JsonLinesReader::Impl::ReadValue(od::value& value, Type type, Slot& slot) {
  od::json_type json;
  if (auto err = value.type().get(json)) return err;
  const std::string_view token = Trim(value.raw_json_token());
  std::string_view text;
  switch (json) {
    case od::json_type::null:
      slot.state = Slot::State::Null;
      return token == "null" ? simdjson::SUCCESS : simdjson::N_ATOM_ERROR;
    case od::json_type::object:
    case od::json_type::array: {
      if (auto err = Validate(value)) return err;
      if (type != Type::String && type != Type::Guid && type != Type::Dynamic) {
        slot.state = Slot::State::WrongType;
        slot.s = json == od::json_type::object ? "an object" : "an array";
        return simdjson::SUCCESS;
      }
      // A nested value is always followed by its parent's `,` or `}`, where the parser now is.
      const char* after;
      if (auto err = value.current_location().get(after)) return err;
      slot.state = Slot::State::Value;
      slot.s = Trim(std::string_view(token.data(), after - token.data()));
      return simdjson::SUCCESS;
    }
    case od::json_type::string:
      if (auto err = value.get_string().get(text)) return err;
      break;
    default:
      if (auto err = Validate(value)) return err;
      break;
  }
  const bool ok = ConvertScalar(type, json, token, text, slot);
  slot.state = ok ? Slot::State::Value : Slot::State::WrongType;
  if (!ok) slot.s = token;
  return simdjson::SUCCESS;
}

// Converts a valid JSON scalar (its raw token, and for a string its unescaped text) to the
// column type; false when it does not convert.
bool JsonLinesReader::Impl::ConvertScalar(Type type, od::json_type json, std::string_view token,
                                          std::string_view text, Slot& slot) {
  const bool is_string = json == od::json_type::string;
  const bool is_number = json == od::json_type::number;
  switch (type) {
    case Type::Bool:
      if (json == od::json_type::boolean) {
        slot.i = token == "true";
      } else if (is_string && (EqualsIgnoreCase(text, "true") || EqualsIgnoreCase(text, "false"))) {
        slot.i = text.size() == 4;
      } else if (is_number && (token == "0" || token == "1")) {
        slot.i = token == "1";
      } else {
        return false;
      }
      return true;
    case Type::Int:
    case Type::Long: {
      if (!is_string && !is_number) return false;
      const auto v = ParseInt64(is_string ? text : token);
      if (!v || (type == Type::Int && (*v < INT32_MIN || *v > INT32_MAX))) return false;
      slot.i = *v;
      return true;
    }
    case Type::Real:
    case Type::Decimal: {
      if (!is_string && !is_number) return false;
      const auto v = ParseDouble(is_string ? text : token);
      if (!v) return false;
      slot.d = *v;
      return true;
    }
    case Type::DateTime: {
      const auto v = is_string ? ParseDateTime(text) : std::nullopt;
      if (!v) return false;
      slot.i = *v;
      return true;
    }
    case Type::TimeSpan: {
      const auto v = is_string ? ParseTimeSpan(text) : is_number ? ParseInt64(token) : std::nullopt;
      if (!v) return false;
      slot.i = *v;
      return true;
    }
    case Type::String:
    case Type::Guid: slot.s = is_string ? text : token; return true;
    case Type::Dynamic: {
      // Defender sends some objects as JSON text in a string: keep that text, not the string.
      const std::string_view inner = Trim(text);
      const bool json_text = is_string && !inner.empty() &&
                             (inner.front() == '{' || inner.front() == '[') &&
                             IsJsonContainer(inner);
      slot.s = json_text ? inner : token;
      return true;
    }
    case Type::Null: return false;  // the type of a null literal, never of a column
  }
  return false;
}

bool JsonLinesReader::Impl::IsJsonContainer(std::string_view text) {
  inner_text.assign(text);
  inner_text.resize(text.size() + simdjson::SIMDJSON_PADDING, ' ');
  od::document doc;
  od::value value;
  if (inner_parser.iterate(inner_text.data(), text.size(), inner_text.size()).get(doc)) {
    return false;
  }
  if (doc.get_value().get(value) || Validate(value)) return false;
  const char* rest;
  return doc.current_location().get(rest) == simdjson::OUT_OF_BOUNDS;
}

void JsonLinesReader::Impl::AppendRow() {
  for (size_t c = 0; c < slots.size(); ++c) {
    Column& column = batch.columns[c];
    const Slot& slot = slots[c];
    if (slot.state != Slot::State::Value) {
      column.AppendNull();
      if (slot.state == Slot::State::WrongType) {
        ++stats->values_wrong_type;
        const ColumnSpec& spec = batch.specs[c];
        constexpr size_t kShown = 60;
        Report(InputIssueKind::WrongType,
               fmt::format("{}: {}{} is not a valid {}, read as null", spec.name,
                           slot.s.substr(0, kShown), slot.s.size() > kShown ? "..." : "",
                           TypeName(spec.type)));
      }
      continue;
    }
    switch (column.type()) {
      case Type::Bool: column.AppendBool(slot.i != 0); break;
      case Type::Int: column.AppendInt(static_cast<int32_t>(slot.i)); break;
      case Type::Long:
      case Type::DateTime:
      case Type::TimeSpan: column.AppendLong(slot.i); break;
      case Type::Real:
      case Type::Decimal: column.AppendReal(slot.d); break;
      default: column.AppendString(slot.s); break;
    }
  }
  if (batch.columns.empty()) ++batch.row_count;
  ++stats->records;
  if (batch.rows() >= batch_rows) Flush();
}

void JsonLinesReader::Impl::Flush() {
  (*on_batch)(batch);
  batch.Clear();
}

void JsonLinesReader::Impl::Report(InputIssueKind kind, std::string message) {
  (*on_issue)(
      InputIssue{kind, *path, kind == InputIssueKind::Unreadable ? 0 : line, std::move(message)});
}

JsonLinesReader::JsonLinesReader(std::vector<ColumnSpec> columns, size_t batch_rows)
    : impl_(std::make_unique<Impl>(std::move(columns), batch_rows)) {}
JsonLinesReader::~JsonLinesReader() = default;
JsonLinesReader::JsonLinesReader(JsonLinesReader&&) noexcept = default;
JsonLinesReader& JsonLinesReader::operator=(JsonLinesReader&&) noexcept = default;

void JsonLinesReader::set_chunk_bytes(size_t bytes) {
  impl_->chunk_bytes = std::max<size_t>(bytes, 1);
}

bool JsonLinesReader::ReadFile(const std::string& path,
                               const std::function<void(const Batch&)>& on_batch,
                               const std::function<void(const InputIssue&)>& on_issue,
                               ReadStats& stats) {
  return impl_->ReadFile(path, on_batch, on_issue, stats);
}

}  // namespace huntc
