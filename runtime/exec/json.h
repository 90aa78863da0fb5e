// The values of KQL's dynamic type: a small JSON document model.
//
// A dynamic column holds each value as compact JSON text (a null dynamic is a null row); the
// functions that look inside parse it into a Json, work on the tree and serialise the result.
// Objects keep their members in insertion order (KQL does not promise any order). Parsing uses
// simdjson, whose depth limit bounds the recursion of the conversion and of serialisation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace huntc::exec {

class Json {
 public:
  enum class Kind : uint8_t { Null, Bool, Long, Real, String, Array, Object };

  Json() = default;
  static Json Bool(bool v);
  static Json Long(int64_t v);
  static Json Real(double v);
  static Json String(std::string v);
  static Json Array(std::vector<Json> items = {});
  static Json Object();

  // The document in `text`, or nullopt if it is not valid JSON.
  static std::optional<Json> Parse(std::string_view text);

  Kind kind() const { return kind_; }
  bool IsNull() const { return kind_ == Kind::Null; }
  bool IsArray() const { return kind_ == Kind::Array; }
  bool IsObject() const { return kind_ == Kind::Object; }
  bool IsNumber() const { return kind_ == Kind::Long || kind_ == Kind::Real; }
  bool boolean() const { return integer_ != 0; }
  int64_t integer() const { return integer_; }
  double real() const { return kind_ == Kind::Long ? static_cast<double>(integer_) : real_; }
  const std::string& text() const { return text_; }
  const std::vector<Json>& items() const { return items_; }
  std::vector<Json>& items() { return items_; }
  const std::vector<std::pair<std::string, Json>>& members() const { return members_; }

  // Object member by exact key, or null.
  const Json* Find(std::string_view key) const;
  // Sets a member, replacing an existing one of that key.
  void Set(std::string key, Json value);
  // Appends a member without looking for an existing one (for keys known to be new).
  void Append(std::string key, Json value) { members_.emplace_back(std::move(key), std::move(value)); }
  void Push(Json value) { items_.push_back(std::move(value)); }

  // Compact JSON text.
  void AppendTo(std::string& out) const;
  std::string Serialize() const;
  // The text KQL's tostring gives: a string's characters unquoted, anything else as JSON.
  std::string ToText() const;

  bool operator==(const Json& other) const;

 private:
  Kind kind_ = Kind::Null;
  int64_t integer_ = 0;  // bool, long
  double real_ = 0;
  std::string text_;
  std::vector<Json> items_;
  std::vector<std::pair<std::string, Json>> members_;
};

// Splits the JSON text of an array whose items are all scalars as Json::AppendTo writes them
// (strings escaped as AppendJsonString does, integers of at most 18 digits, true, false, null;
// whitespace between them allowed) into its items' texts, views of `text`, each the compact JSON
// of its item; false when `text` is anything else (not an array, not valid JSON, or an item of
// another form: then it is parsed). mv-expand takes such arrays, split()'s and range()'s,
// apart without building a tree.
bool SplitScalarArray(std::string_view text, std::vector<std::string_view>& items);

}  // namespace huntc::exec
