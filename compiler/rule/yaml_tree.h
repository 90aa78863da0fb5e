// A YAML document as the rule reader needs it: a flat tree of nulls, scalars, sequences and
// mappings, each with the byte offset and column yaml-cpp would give it.
//
// Two parsers build it. libyaml reads the plain documents real rules are, about eight times
// faster than yaml-cpp (a pack of 361 rules spent a quarter of its load in yaml-cpp's scanner).
// Whatever libyaml rejects or where the two could disagree (anchors, aliases, tags, directives,
// a second document, deep nesting, YAML 1.1 line breaks) goes to yaml-cpp, the reference: its
// values, its errors and their positions, so diagnostics stay the same. Nodes live in one
// vector and refer to each other by index, so an alias shares its target and no walk or
// destructor recurses.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace huntc::rule_internal {

enum class YamlKind : uint8_t { Null, Scalar, Sequence, Map };

// Where a node starts: the byte offset in the file (a byte order mark counted) and the bytes
// before it on its line (a byte order mark not counted), as yaml-cpp's Mark gives them; column
// -1 where yaml-cpp gives no position.
struct YamlMark {
  uint32_t offset = 0;
  int32_t column = 0;
};

struct YamlNode {
  YamlKind kind = YamlKind::Null;
  bool flow = false;       // a [ ] or { } collection
  YamlMark mark;
  std::string value;       // a scalar's value
  std::vector<uint32_t> items;  // a sequence's items; a mapping's keys and values, alternating
};

class YamlDocument;

// A node of a YamlDocument; cheap to copy. The null handle (no node) reads as a Null node
// that is not defined, as yaml-cpp's `map["absent"]` does.
class YamlRef {
 public:
  YamlRef() = default;
  YamlRef(const YamlDocument* doc, uint32_t index) : doc_(doc), index_(index) {}

  bool IsDefined() const { return doc_ != nullptr; }
  YamlKind Kind() const { return doc_ ? Node().kind : YamlKind::Null; }
  bool IsNull() const { return Kind() == YamlKind::Null; }
  bool IsScalar() const { return Kind() == YamlKind::Scalar; }
  bool IsSequence() const { return Kind() == YamlKind::Sequence; }
  bool IsMap() const { return Kind() == YamlKind::Map; }
  bool IsFlow() const { return doc_ && Node().flow; }
  YamlMark Mark() const { return doc_ ? Node().mark : YamlMark{}; }
  const std::string& Scalar() const;
  // A sequence's items, or a mapping's keys and values alternating (size() is even).
  size_t size() const { return doc_ ? Node().items.size() : 0; }
  YamlRef operator[](size_t i) const { return {doc_, Node().items[i]}; }
  // The value of the first key of a mapping whose scalar value is `key`; undefined if none.
  YamlRef Get(std::string_view key) const;

 private:
  const YamlNode& Node() const;
  const YamlDocument* doc_ = nullptr;
  uint32_t index_ = 0;
};

class YamlDocument {
 public:
  // The first document's root; Null (and defined) for an empty text.
  YamlRef Root() const { return nodes_.empty() ? YamlRef() : YamlRef(this, root_); }
  const YamlNode& Node(uint32_t index) const { return nodes_[index]; }

 private:
  friend class YamlBuilder;
  std::vector<YamlNode> nodes_;
  uint32_t root_ = 0;
};

// Parses the first document of `text` with libyaml. False (and `doc` unspecified) when libyaml
// rejects the text or it uses what only yaml-cpp is trusted with: the caller then parses it
// with ParseWithYamlCpp.
bool ParseWithLibyaml(std::string_view text, YamlDocument& doc);

// Parses the first document of `text` with yaml-cpp. Throws yaml-cpp's exceptions (syntax
// errors, YAML::DeepRecursion) as YAML::Load does.
void ParseWithYamlCpp(const std::string& text, YamlDocument& doc);

}  // namespace huntc::rule_internal
