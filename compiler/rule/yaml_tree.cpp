// Building the rule reader's YAML tree with libyaml (fast, for plain documents) or yaml-cpp (the
// reference, for everything else).
#include "compiler/rule/yaml_tree.h"

#include <yaml.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/null.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <sstream>

namespace huntc::rule_internal {

const std::string& YamlRef::Scalar() const {
  static const std::string kEmpty;
  return IsScalar() ? Node().value : kEmpty;
}

YamlRef YamlRef::Get(std::string_view key) const {
  if (!IsMap()) return {};
  const std::vector<uint32_t>& items = Node().items;
  for (size_t i = 0; i + 1 < items.size(); i += 2) {
    const YamlNode& k = doc_->Node(items[i]);
    if (k.kind == YamlKind::Scalar && k.value == key) return {doc_, items[i + 1]};
  }
  return {};
}

const YamlNode& YamlRef::Node() const { return doc_->Node(index_); }

// Adds nodes in document order, each to the collection open around it.
class YamlBuilder {
 public:
  explicit YamlBuilder(YamlDocument& doc) : doc_(doc) { doc_ = YamlDocument(); }

  uint32_t Leaf(YamlKind kind, YamlMark mark, std::string value) {
    const uint32_t index = Add(kind, false, mark);
    doc_.nodes_[index].value = std::move(value);
    return index;
  }
  uint32_t Open(YamlKind kind, bool flow, YamlMark mark) {
    const uint32_t index = Add(kind, flow, mark);
    open_.push_back(index);
    return index;
  }
  void Close() { open_.pop_back(); }
  // An alias: `index` again where the alias stands.
  void Share(uint32_t index) { Attach(index); }
  size_t depth() const { return open_.size(); }
  // Whether the next node is a mapping's key.
  bool AtKey() const {
    return !open_.empty() && doc_.nodes_[open_.back()].kind == YamlKind::Map &&
           doc_.nodes_[open_.back()].items.size() % 2 == 0;
  }
  // An empty document is a null root.
  void Finish() {
    if (doc_.nodes_.empty()) Leaf(YamlKind::Null, {}, {});
  }

 private:
  uint32_t Add(YamlKind kind, bool flow, YamlMark mark) {
    const uint32_t index = static_cast<uint32_t>(doc_.nodes_.size());
    YamlNode& node = doc_.nodes_.emplace_back();
    node.kind = kind;
    node.flow = flow;
    node.mark = mark;
    Attach(index);
    return index;
  }
  void Attach(uint32_t index) {
    if (open_.empty()) {
      doc_.root_ = index;
    } else {
      doc_.nodes_[open_.back()].items.push_back(index);
    }
  }

  YamlDocument& doc_;
  std::vector<uint32_t> open_;
};

namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

// Deeper documents go to yaml-cpp, whose own depth limit then decides.
constexpr size_t kMaxLibyamlDepth = 100;

// Where libyaml's characters are: its marks count characters from after a byte order mark,
// yaml-cpp's count bytes.
class CharOffsets {
 public:
  explicit CharOffsets(std::string_view text) : bom_(text.starts_with(kByteOrderMark) ? 3 : 0) {
    const std::string_view body = text.substr(bom_);
    if (std::all_of(body.begin(), body.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) return;
    for (uint32_t i = 0; i < body.size(); ++i) {
      if ((static_cast<unsigned char>(body[i]) & 0xC0) != 0x80) bytes_.push_back(i);
    }
    bytes_.push_back(static_cast<uint32_t>(body.size()));
  }
  uint32_t bom() const { return bom_; }
  // The file offset of character `index` (after the byte order mark).
  uint32_t Byte(size_t index) const {
    if (bytes_.empty()) return bom_ + static_cast<uint32_t>(index);
    return bom_ + bytes_[std::min(index, bytes_.size() - 1)];
  }
  YamlMark Mark(const yaml_mark_t& mark) const {
    const uint32_t offset = Byte(mark.index);
    return YamlMark{offset, static_cast<int32_t>(offset - Byte(mark.index - std::min(mark.index, mark.column)))};
  }

 private:
  uint32_t bom_;
  std::vector<uint32_t> bytes_;  // character -> byte offset after the BOM; empty for ASCII
};

// Line breaks yaml-cpp does not know (YAML 1.1's NEL, LS and PS, and a CR alone), which would
// make libyaml split lines, and columns, differently.
bool HasForeignBreak(std::string_view text) {
  for (size_t i = text.find('\r'); i != std::string_view::npos; i = text.find('\r', i + 1)) {
    if (i + 1 == text.size() || text[i + 1] != '\n') return true;
  }
  return text.find("\xC2\x85") != std::string_view::npos || text.find("\xE2\x80\xA8") != std::string_view::npos ||
         text.find("\xE2\x80\xA9") != std::string_view::npos;
}

// One libyaml event; false to hand the text to yaml-cpp.
bool OnEvent(const yaml_event_t& event, const CharOffsets& offsets, YamlBuilder& builder, int& documents,
             bool& done) {
  switch (event.type) {
    case YAML_NO_EVENT:
      return false;
    case YAML_STREAM_START_EVENT:
    case YAML_DOCUMENT_END_EVENT:
      return true;
    case YAML_STREAM_END_EVENT:
      done = true;
      return true;
    case YAML_DOCUMENT_START_EVENT:
      // yaml-cpp reads only the first document, and may treat directives its own way.
      return ++documents == 1 && !event.data.document_start.version_directive &&
             event.data.document_start.tag_directives.start == event.data.document_start.tag_directives.end;
    case YAML_ALIAS_EVENT:
      return false;
    case YAML_SCALAR_EVENT: {
      const auto& scalar = event.data.scalar;
      if (scalar.anchor || scalar.tag) return false;
      std::string value(reinterpret_cast<const char*>(scalar.value), scalar.length);
      const bool null = scalar.style == YAML_PLAIN_SCALAR_STYLE && YAML::IsNullString(value);
      // yaml-cpp places an empty node (`key:` alone) where the next token starts, libyaml where
      // the node would be: diagnostics about it would move.
      if (null && value.empty()) return false;
      builder.Leaf(null ? YamlKind::Null : YamlKind::Scalar, offsets.Mark(event.start_mark),
                   null ? std::string() : std::move(value));
      return true;
    }
    case YAML_SEQUENCE_START_EVENT:
      if (event.data.sequence_start.anchor || event.data.sequence_start.tag) return false;
      if (builder.depth() >= kMaxLibyamlDepth) return false;
      builder.Open(YamlKind::Sequence, event.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE,
                   offsets.Mark(event.start_mark));
      return true;
    case YAML_MAPPING_START_EVENT:
      if (event.data.mapping_start.anchor || event.data.mapping_start.tag) return false;
      if (builder.depth() >= kMaxLibyamlDepth) return false;
      builder.Open(YamlKind::Map, event.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE,
                   offsets.Mark(event.start_mark));
      return true;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
      builder.Close();
      return true;
  }
  return false;
}

// yaml-cpp's events, with its positions, into the tree.
class YamlCppBuilder : public YAML::EventHandler {
 public:
  YamlCppBuilder(const std::string& text, YamlBuilder& builder)
      : text_(text), bom_(text.starts_with(kByteOrderMark) ? 3 : 0), builder_(builder) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Anchor(anchor, builder_.Leaf(YamlKind::Null, Mark(mark), {}));
  }
  void OnAlias(const YAML::Mark&, YAML::anchor_t anchor) override { builder_.Share(anchors_.at(anchor)); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, const std::string& value) override {
    Anchor(anchor, builder_.Leaf(YamlKind::Scalar, Mark(mark), value));
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override {
    Anchor(anchor, builder_.Open(YamlKind::Sequence, style == YAML::EmitterStyle::Flow, Mark(mark)));
  }
  void OnSequenceEnd() override { builder_.Close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override {
    Anchor(anchor, builder_.Open(YamlKind::Map, style == YAML::EmitterStyle::Flow, Mark(mark)));
  }
  void OnMapEnd() override { builder_.Close(); }

 private:
  // yaml-cpp counts positions from after a byte order mark; a mark it does not know is -1.
  YamlMark Mark(const YAML::Mark& mark) const {
    return YamlMark{static_cast<uint32_t>(std::min<size_t>(bom_ + std::max(mark.pos, 0), text_.size())),
                    mark.pos < 0 ? -1 : mark.column};
  }
  // yaml-cpp numbers anchors 1, 2, ... as they appear.
  void Anchor(YAML::anchor_t anchor, uint32_t index) {
    if (anchor == YAML::NullAnchor) return;
    if (anchors_.size() <= anchor) anchors_.resize(anchor + 1);
    anchors_[anchor] = index;
  }

  const std::string& text_;
  uint32_t bom_;
  YamlBuilder& builder_;
  std::vector<uint32_t> anchors_;
};

}  // namespace

bool ParseWithLibyaml(std::string_view text, YamlDocument& doc) {
  if (HasForeignBreak(text)) return false;
  const CharOffsets offsets(text);
  const std::string_view body = text.substr(offsets.bom());
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) return false;
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(body.data()), body.size());
  yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
  YamlBuilder builder(doc);
  int documents = 0;
  bool ok = true, done = false;
  while (ok && !done) {
    yaml_event_t event;
    if (!yaml_parser_parse(&parser, &event)) {
      ok = false;
      break;
    }
    ok = OnEvent(event, offsets, builder, documents, done);
    yaml_event_delete(&event);
  }
  yaml_parser_delete(&parser);
  if (ok) builder.Finish();
  return ok;
}

void ParseWithYamlCpp(const std::string& text, YamlDocument& doc) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  YamlBuilder builder(doc);
  YamlCppBuilder events(text, builder);
  parser.HandleNextDocument(events);
  builder.Finish();
}

}  // namespace huntc::rule_internal
