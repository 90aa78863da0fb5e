// The dynamic value model: parsing with simdjson, serialisation.
#include "runtime/exec/json.h"

#include <cmath>

#include <fmt/format.h>
#include <simdjson.h>

#include "runtime/output.h"

namespace huntc::exec {

namespace {

Json FromElement(simdjson::dom::element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::ARRAY: {
      Json out = Json::Array();
      simdjson::dom::array array;
      if (e.get(array) == simdjson::SUCCESS) {
        for (simdjson::dom::element item : array) out.Push(FromElement(item));
      }
      return out;
    }
    case simdjson::dom::element_type::OBJECT: {
      Json out = Json::Object();
      simdjson::dom::object object;
      if (e.get(object) == simdjson::SUCCESS) {
        for (simdjson::dom::key_value_pair field : object) {
          out.Append(std::string(field.key), FromElement(field.value));
        }
      }
      return out;
    }
    case simdjson::dom::element_type::INT64: {
      int64_t v = 0;
      if (e.get(v) != simdjson::SUCCESS) return Json();
      return Json::Long(v);
    }
    case simdjson::dom::element_type::UINT64:
    case simdjson::dom::element_type::DOUBLE: {
      double v = 0;
      if (e.get(v) != simdjson::SUCCESS) return Json();
      return Json::Real(v);
    }
    case simdjson::dom::element_type::STRING: {
      std::string_view v;
      if (e.get(v) != simdjson::SUCCESS) return Json();
      return Json::String(std::string(v));
    }
    case simdjson::dom::element_type::BOOL: {
      bool v = false;
      if (e.get(v) != simdjson::SUCCESS) return Json();
      return Json::Bool(v);
    }
    case simdjson::dom::element_type::NULL_VALUE: return Json();
  }
  return Json();
}

}  // namespace

Json Json::Bool(bool v) {
  Json j;
  j.kind_ = Kind::Bool;
  j.integer_ = v;
  return j;
}

Json Json::Long(int64_t v) {
  Json j;
  j.kind_ = Kind::Long;
  j.integer_ = v;
  return j;
}

Json Json::Real(double v) {
  Json j;
  j.kind_ = Kind::Real;
  j.real_ = v;
  return j;
}

Json Json::String(std::string v) {
  Json j;
  j.kind_ = Kind::String;
  j.text_ = std::move(v);
  return j;
}

Json Json::Array(std::vector<Json> items) {
  Json j;
  j.kind_ = Kind::Array;
  j.items_ = std::move(items);
  return j;
}

Json Json::Object() {
  Json j;
  j.kind_ = Kind::Object;
  return j;
}

std::optional<Json> Json::Parse(std::string_view text) {
  thread_local simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  simdjson::dom::element root;
  if (parser.parse(padded).get(root) != simdjson::SUCCESS) return std::nullopt;
  return FromElement(root);
}

const Json* Json::Find(std::string_view key) const {
  for (const auto& [k, v] : members_) {
    if (k == key) return &v;
  }
  return nullptr;
}

void Json::Set(std::string key, Json value) {
  for (auto& [k, v] : members_) {
    if (k == key) {
      v = std::move(value);
      return;
    }
  }
  members_.emplace_back(std::move(key), std::move(value));
}

void Json::AppendTo(std::string& out) const {
  switch (kind_) {
    case Kind::Null: out += "null"; return;
    case Kind::Bool: out += integer_ ? "true" : "false"; return;
    case Kind::Long: fmt::format_to(std::back_inserter(out), "{}", integer_); return;
    case Kind::Real:
      if (std::isfinite(real_)) {
        fmt::format_to(std::back_inserter(out), "{}", real_);
      } else {
        out += "null";  // JSON has no NaN or infinity
      }
      return;
    case Kind::String: AppendJsonString(out, text_); return;
    case Kind::Array:
      out.push_back('[');
      for (size_t i = 0; i < items_.size(); ++i) {
        if (i) out.push_back(',');
        items_[i].AppendTo(out);
      }
      out.push_back(']');
      return;
    case Kind::Object:
      out.push_back('{');
      for (size_t i = 0; i < members_.size(); ++i) {
        if (i) out.push_back(',');
        AppendJsonString(out, members_[i].first);
        out.push_back(':');
        members_[i].second.AppendTo(out);
      }
      out.push_back('}');
      return;
  }
}

std::string Json::Serialize() const {
  std::string out;
  AppendTo(out);
  return out;
}

std::string Json::ToText() const {
  if (kind_ == Kind::String) return text_;
  if (kind_ == Kind::Null) return "";
  return Serialize();
}

bool Json::operator==(const Json& other) const {
  if (IsNumber() && other.IsNumber()) {
    if (kind_ == Kind::Long && other.kind_ == Kind::Long) return integer_ == other.integer_;
    return real() == other.real();
  }
  return kind_ == other.kind_ && integer_ == other.integer_ && text_ == other.text_ &&
         items_ == other.items_ && members_ == other.members_;
}

namespace {

// Whether the 4 hex digits of a \u escape are as AppendJsonString writes a control character
// without a short escape: 00 and two lower-case hex digits of a value below 0x20.
bool CompactControlEscape(std::string_view hex) {
  if (hex.size() != 4 || hex[0] != '0' || hex[1] != '0' || (hex[2] != '0' && hex[2] != '1')) return false;
  const char d = hex[3];
  const bool lower_hex = (d >= '0' && d <= '9') || (d >= 'a' && d <= 'f');
  return lower_hex && !(hex[2] == '0' && (d == '9' || d == 'a' || d == 'd'));  // \t, \n, \r
}

}  // namespace

bool SplitScalarArray(std::string_view text, std::vector<std::string_view>& items) {
  items.clear();
  const size_t n = text.size();
  size_t i = 0;
  bool high = false;  // a byte beyond ASCII: the text's UTF-8 is checked, as simdjson does
  const auto space = [&] {
    while (i < n && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) ++i;
  };
  const auto digit = [&](size_t at) { return at < n && text[at] >= '0' && text[at] <= '9'; };
  space();
  if (i == n || text[i] != '[') return false;
  ++i;
  space();
  if (i < n && text[i] == ']') {
    ++i;
  } else {
    while (true) {
      if (i == n) return false;
      const size_t start = i;
      if (text[i] == '"') {
        for (++i; i < n && text[i] != '"'; ++i) {
          const auto b = static_cast<unsigned char>(text[i]);
          if (b < 0x20) return false;
          high |= b >= 0x80;
          if (b != '\\') continue;
          // Only the escapes AppendJsonString writes: others serialise otherwise.
          if (++i == n) return false;
          const char e = text[i];
          if (e == 'u') {
            if (!CompactControlEscape(text.substr(i + 1, 4))) return false;
            i += 4;
          } else if (e != '"' && e != '\\' && e != 'n' && e != 'r' && e != 't') {
            return false;
          }
        }
        if (i == n) return false;
        ++i;
      } else if (text[i] == '-' || digit(i)) {
        const size_t first = i + (text[i] == '-');
        for (i = first; digit(i);) ++i;
        const size_t digits = i - first;
        // -0, leading zeros and numbers that may not fit a long are parsed.
        if (digits == 0 || digits > 18 || (text[first] == '0' && (digits > 1 || first > start))) return false;
      } else if (text.substr(i, 4) == "true" || text.substr(i, 4) == "null") {
        i += 4;
      } else if (text.substr(i, 5) == "false") {
        i += 5;
      } else {
        return false;
      }
      items.push_back(text.substr(start, i - start));
      space();
      if (i < n && text[i] == ']') {
        ++i;
        break;
      }
      if (i == n || text[i] != ',') return false;  // a fraction or exponent too: parsed
      ++i;
      space();
    }
  }
  space();
  return i == n && (!high || simdjson::validate_utf8(text.data(), text.size()));
}

}  // namespace huntc::exec
