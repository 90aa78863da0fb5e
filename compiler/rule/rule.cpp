// Reading Sentinel rule files: YAML into a tree (compiler/rule/yaml_tree.h: libyaml, else
// yaml-cpp), fields into a Rule, the query's bytes traced back to the file, and limits that keep
// hostile files from hanging or exhausting memory.
#include "compiler/rule/rule.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "compiler/rule/scalar_scan.h"
#include "compiler/rule/yaml_tree.h"

namespace huntc {
namespace {

using rule_internal::ScalarContext;
using rule_internal::ScannedScalar;
using rule_internal::YamlDocument;
using rule_internal::YamlMark;
using rule_internal::YamlRef;

// Aliases let a small file stand for a huge tree ("billion laughs"). Documents that expand past
// this many nodes plus scalar bytes are refused; one without aliases stays under twice its size.
constexpr uint64_t kMaxExpandedSize = 4 * kMaxRuleFileBytes;

struct ExpansionRefused {
  YAML::Mark mark;
  std::string message;
};

// Measures the first document with every alias replaced by what it refers to. This runs before
// yaml-cpp builds the tree, which shares aliased nodes and so stays small while anything that
// walks it, or copies strings out of it, would pay for the full expansion. (libyaml leaves
// documents with anchors to yaml-cpp.)
class ExpansionCheck : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { Leaf(mark, anchor, 1); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                const std::string& value) override {
    Leaf(mark, anchor, 1 + value.size());
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const auto it = sizes_.find(anchor);
    // yaml-cpp accepts an alias inside the collection it names, which makes a cycle.
    if (it == sizes_.end()) {
      throw ExpansionRefused{mark, "an alias refers to a node that contains it"};
    }
    Add(mark, it->second);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open_.push_back({mark, anchor, 1});
  }
  void OnSequenceEnd() override { Close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open_.push_back({mark, anchor, 1});
  }
  void OnMapEnd() override { Close(); }

 private:
  struct Open {
    YAML::Mark mark;
    YAML::anchor_t anchor;
    uint64_t size;
  };

  void Leaf(const YAML::Mark& mark, YAML::anchor_t anchor, uint64_t size) {
    if (anchor != YAML::NullAnchor) sizes_[anchor] = size;
    Add(mark, size);
  }
  void Close() {
    const Open done = open_.back();
    open_.pop_back();
    if (done.anchor != YAML::NullAnchor) sizes_[done.anchor] = done.size;
    Add(done.mark, done.size);
  }
  // Every total is checked as it grows, so none exceeds twice the limit.
  void Add(const YAML::Mark& mark, uint64_t size) {
    uint64_t& total = open_.empty() ? document_size_ : open_.back().size;
    total += size;
    if (total > kMaxExpandedSize) {
      throw ExpansionRefused{
          mark, fmt::format("aliases expand the document past {} MiB", kMaxExpandedSize >> 20)};
    }
  }

  std::vector<Open> open_;
  std::unordered_map<YAML::anchor_t, uint64_t> sizes_;
  uint64_t document_size_ = 0;
};

// Consecutive query bytes from consecutive file bytes form one run.
TextOrigin OriginFromOffsets(std::shared_ptr<const SourceFile> file,
                             const std::vector<uint32_t>& offsets) {
  TextOrigin origin(std::move(file));
  uint32_t run = 0;
  for (uint32_t i = 1; i <= offsets.size(); ++i) {
    if (i == offsets.size() || offsets[i] != offsets[i - 1] + 1) {
      origin.AddRun(run, offsets[run], i - run);
      run = i;
    }
  }
  return origin;
}

// Turns one file's text into a Rule, reporting problems into `diags` as it goes.
class RuleReader {
 public:
  RuleReader(std::shared_ptr<const SourceFile> file, Diagnostics& diags)
      : file_(std::move(file)),
        text_(file_->text()),
        bom_(text_.starts_with("\xEF\xBB\xBF") ? 3 : 0),
        diags_(diags) {}

  // The rule, or nullopt when the file is not YAML, too large, or has no query.
  std::optional<Rule> Read();

 private:
  // yaml-cpp counts positions from after a byte order mark.
  uint32_t Offset(const YAML::Mark& mark) const {
    return static_cast<uint32_t>(std::min<size_t>(bom_ + std::max(mark.pos, 0), text_.size()));
  }
  FileSpan At(const YAML::Mark& mark) const {
    const uint32_t offset = Offset(mark);
    return FileSpan{file_, offset, offset};
  }
  FileSpan At(const YamlMark& mark) const { return FileSpan{file_, mark.offset, mark.offset}; }
  void Report(Code code, const YamlRef& node, std::string message) {
    diags_.Report(code, At(node.Mark()), std::move(message));
  }

  std::optional<Rule> ReadFields(const YamlRef& root);
  std::optional<ScannedScalar> Scan(const YamlRef& node, const YamlRef& parent) const;
  FileSpan ScalarSpan(const YamlRef& node, const YamlRef& parent) const;
  FileSpan TopLevelSpan(const YamlRef& key, const YamlRef& value, const YamlRef& root,
                        uint32_t next_key, const std::optional<ScannedScalar>& scanned) const;
  std::optional<std::string> Text(const YamlRef& node, std::string_view key);
  std::vector<std::string> TextList(const YamlRef& node, std::string_view key);
  std::optional<YamlRef> RequiredText(const YamlRef& map, const char* key);
  bool ReadQuery(const YamlRef& value, const std::optional<ScannedScalar>& scanned, Rule& rule);
  void ReadEntityMappings(const YamlRef& node, Rule& rule);
  void ReadCustomDetails(const YamlRef& node, Rule& rule);
  void ReadAlertDetailsOverride(const YamlRef& node, Rule& rule);

  std::shared_ptr<const SourceFile> file_;
  const std::string& text_;
  uint32_t bom_;
  Diagnostics& diags_;
};

std::optional<Rule> RuleReader::Read() {
  if (text_.size() > kMaxRuleFileBytes) {
    diags_.Report(Code::YamlTooLarge, FileSpan{file_, 0, 0},
                  fmt::format("the file is {} bytes; rule files over {} MiB are refused",
                              text_.size(), kMaxRuleFileBytes >> 20));
    return std::nullopt;
  }
  YamlDocument doc;
  if (rule_internal::ParseWithLibyaml(text_, doc)) return ReadFields(doc.Root());
  try {
    // Only an anchor (`&name`) gives an alias something to expand, and this check parses the
    // text a second time: most rules have no `&` at all and skip it. (An alias to an undefined
    // anchor is a syntax error of the tree's parse as it is of the check.)
    if (text_.find('&') != std::string::npos) {
      std::istringstream in(text_);
      YAML::Parser parser(in);
      ExpansionCheck check;
      parser.HandleNextDocument(check);
    }
    rule_internal::ParseWithYamlCpp(text_, doc);
  } catch (const ExpansionRefused& e) {
    diags_.Report(Code::YamlTooLarge, At(e.mark), e.message);
    return std::nullopt;
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's parser recurses per nesting level and stops itself at a fixed depth.
    diags_.Report(Code::YamlTooLarge, At(e.mark),
                  fmt::format("collections are nested {} or more levels deep", e.depth()));
    return std::nullopt;
  } catch (const YAML::Exception& e) {
    diags_.Report(Code::YamlSyntax, At(e.mark), e.msg);
    return std::nullopt;
  }
  return ReadFields(doc.Root());
}

std::optional<Rule> RuleReader::ReadFields(const YamlRef& root) {
  if (root.IsNull()) {
    diags_.Report(Code::YamlMissingField, FileSpan{file_, bom_, bom_},
                  "the file holds no rule: `query` is missing");
    return std::nullopt;
  }
  if (!root.IsMap()) {
    Report(Code::YamlFieldType, root, "a rule file must be a YAML mapping of fields");
    return std::nullopt;
  }
  static const std::pair<std::string_view, std::string Rule::*> kTextFields[] = {
      {"id", &Rule::id},
      {"name", &Rule::name},
      {"description", &Rule::description},
      {"severity", &Rule::severity},
      {"kind", &Rule::kind}};

  Rule rule;
  rule.file = file_;
  bool has_query = false, usable = true;
  for (size_t i = 0; i < root.size(); i += 2) {
    const YamlRef key = root[i], value = root[i + 1];
    if (!key.IsScalar()) {
      Report(Code::YamlFieldType, key, "a field name must be a string");
      continue;
    }
    const std::string& name = key.Scalar();
    const uint32_t next_key = i + 2 < root.size() ? root[i + 2].Mark().offset
                                                  : static_cast<uint32_t>(text_.size());
    // Scanned once for the field's span and, for the query, its origin.
    const std::optional<ScannedScalar> scanned = Scan(value, root);
    if (!rule.field_spans.emplace(name, TopLevelSpan(key, value, root, next_key, scanned)).second) {
      Report(Code::YamlSyntax, key, fmt::format("`{}` appears twice; the first one is used", name));
      continue;
    }
    const auto text_field = std::find_if(std::begin(kTextFields), std::end(kTextFields),
                                         [&](const auto& f) { return f.first == name; });
    if (text_field != std::end(kTextFields)) {
      if (auto text = Text(value, name)) rule.*text_field->second = std::move(*text);
    } else if (name == "tactics") {
      rule.tactics = TextList(value, name);
    } else if (name == "relevantTechniques") {
      rule.techniques = TextList(value, name);
    } else if (name == "query") {
      has_query = true;
      usable = ReadQuery(value, scanned, rule);
    } else if (name == "entityMappings") {
      ReadEntityMappings(value, rule);
    } else if (name == "customDetails") {
      ReadCustomDetails(value, rule);
    } else if (name == "alertDetailsOverride") {
      ReadAlertDetailsOverride(value, rule);
    }
  }
  if (!has_query) {
    Report(Code::YamlMissingField, root, "the rule has no `query`");
    return std::nullopt;
  }
  if (!usable) return std::nullopt;
  return rule;
}

// The scalar's bytes, trusted only when the rebuilt value is exactly yaml-cpp's.
std::optional<ScannedScalar> RuleReader::Scan(const YamlRef& node, const YamlRef& parent) const {
  const YamlMark mark = node.Mark();
  if (!node.IsScalar() || mark.column < 0) return std::nullopt;
  const ScalarContext context{parent.IsFlow(), parent.Mark().column};
  auto scanned = rule_internal::ScanScalar(text_, mark.offset, static_cast<uint32_t>(mark.column), context);
  if (!scanned || scanned->value != node.Scalar()) return std::nullopt;
  return scanned;
}

// The scalar's whole text, or only its start when it cannot be traced.
FileSpan RuleReader::ScalarSpan(const YamlRef& node, const YamlRef& parent) const {
  FileSpan span = At(node.Mark());
  if (const auto scanned = Scan(node, parent)) span.end = scanned->end;
  return span;
}

// A collection's span runs to the last non-blank byte before the next key; an empty value is
// a point just after its key.
FileSpan RuleReader::TopLevelSpan(const YamlRef& key, const YamlRef& value, const YamlRef& root,
                                  uint32_t next_key,
                                  const std::optional<ScannedScalar>& scanned) const {
  if (value.IsNull()) {
    const uint32_t after_key = ScalarSpan(key, root).end;
    return FileSpan{file_, after_key, after_key};
  }
  FileSpan span = At(value.Mark());
  if (value.IsScalar()) {
    if (scanned) span.end = scanned->end;
    return span;
  }
  uint32_t end = next_key;
  while (end > span.begin && std::isspace(static_cast<unsigned char>(text_[end - 1]))) --end;
  span.end = std::max(span.begin, end);
  return span;
}

// A string field; a null value (`key:` and nothing after it) reads as empty.
std::optional<std::string> RuleReader::Text(const YamlRef& node, std::string_view key) {
  if (node.IsNull()) return std::string();
  if (node.IsScalar()) return node.Scalar();
  Report(Code::YamlFieldType, node, fmt::format("`{}` must be a string", key));
  return std::nullopt;
}

// A list of strings. Published rules also write a single string (`tactics: Execution`), which
// counts as a list of one, and empty items (`- ` alone), which are skipped.
std::vector<std::string> RuleReader::TextList(const YamlRef& node, std::string_view key) {
  std::vector<std::string> items;
  if (node.IsScalar()) {
    items.push_back(node.Scalar());
  } else if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); ++i) {
      const YamlRef item = node[i];
      if (item.IsScalar()) {
        items.push_back(item.Scalar());
      } else if (!item.IsNull()) {
        Report(Code::YamlFieldType, item, fmt::format("the items of `{}` must be strings", key));
      }
    }
  } else if (!node.IsNull()) {
    Report(Code::YamlFieldType, node, fmt::format("`{}` must be a list of strings", key));
  }
  return items;
}

// The value of `key` in `map` when it is a string; reports it missing or of the wrong shape.
std::optional<YamlRef> RuleReader::RequiredText(const YamlRef& map, const char* key) {
  const YamlRef value = map.Get(key);
  if (!value.IsDefined() || value.IsNull()) {
    Report(Code::YamlMissingField, map, fmt::format("`{}` is missing", key));
    return std::nullopt;
  }
  if (!value.IsScalar()) {
    Report(Code::YamlFieldType, value, fmt::format("`{}` must be a string", key));
    return std::nullopt;
  }
  return value;
}

// Reads the query and its origin (`scanned`: its bytes, when traced); false when there is no
// query to compile.
bool RuleReader::ReadQuery(const YamlRef& value, const std::optional<ScannedScalar>& scanned,
                           Rule& rule) {
  if (!value.IsScalar() && !value.IsNull()) {
    Report(Code::YamlFieldType, value, "`query` must be a string holding a KQL query");
    return false;
  }
  rule.query = value.IsScalar() ? value.Scalar() : std::string();
  if (rule.query.find_first_not_of(" \t\r\n") == std::string::npos) {
    diags_.Report(Code::YamlMissingField, rule.field_spans.at("query"), "`query` is empty");
    return false;
  }
  if (scanned) {
    rule.query_origin = OriginFromOffsets(file_, scanned->origin);
    rule.query_origin_exact = true;
  } else {
    rule.query_origin = TextOrigin(file_);
    rule.query_origin.AddRun(0, value.Mark().offset, 0);
  }
  return true;
}

void RuleReader::ReadEntityMappings(const YamlRef& node, Rule& rule) {
  if (node.IsNull()) return;
  if (!node.IsSequence()) {
    Report(Code::YamlFieldType, node, "`entityMappings` must be a list");
    return;
  }
  for (size_t e = 0; e < node.size(); ++e) {
    const YamlRef entity = node[e];
    if (!entity.IsMap()) {
      Report(Code::YamlFieldType, entity,
             "an entity mapping must be a mapping with `entityType` and `fieldMappings`");
      continue;
    }
    const auto type = RequiredText(entity, "entityType");
    if (!type) continue;
    EntityMapping mapping{type->Scalar(), ScalarSpan(*type, entity), {}};
    const YamlRef fields = entity.Get("fieldMappings");
    if (!fields.IsDefined() || fields.IsNull()) {
      Report(Code::YamlMissingField, entity, "`fieldMappings` is missing");
    } else if (!fields.IsSequence()) {
      Report(Code::YamlFieldType, fields, "`fieldMappings` must be a list");
    } else {
      for (size_t f = 0; f < fields.size(); ++f) {
        const YamlRef field = fields[f];
        if (!field.IsMap()) {
          Report(Code::YamlFieldType, field,
                 "a field mapping must be a mapping with `identifier` and `columnName`");
          continue;
        }
        const auto identifier = RequiredText(field, "identifier");
        const auto column = RequiredText(field, "columnName");
        if (identifier && column) {
          mapping.fields.push_back(
              {identifier->Scalar(), column->Scalar(), ScalarSpan(*column, field)});
        }
      }
    }
    rule.entity_mappings.push_back(std::move(mapping));
  }
}

void RuleReader::ReadCustomDetails(const YamlRef& node, Rule& rule) {
  if (node.IsNull()) return;
  if (!node.IsMap()) {
    Report(Code::YamlFieldType, node, "`customDetails` must map detail names to column names");
    return;
  }
  for (size_t i = 0; i < node.size(); i += 2) {
    const YamlRef name = node[i], column = node[i + 1];
    if (!name.IsScalar() || !column.IsScalar()) {
      Report(Code::YamlFieldType, column, "a custom detail must map a name to a column name");
      continue;
    }
    rule.custom_details.push_back({name.Scalar(), column.Scalar(), ScalarSpan(column, node)});
  }
}

void RuleReader::ReadAlertDetailsOverride(const YamlRef& node, Rule& rule) {
  if (node.IsNull()) return;
  if (!node.IsMap()) {
    Report(Code::YamlFieldType, node, "`alertDetailsOverride` must be a mapping");
    return;
  }
  AlertDetailsOverride details;
  const auto read = [&](const char* key, std::string& format, FileSpan& span) {
    const YamlRef value = node.Get(key);
    if (!value.IsDefined() || value.IsNull()) return;
    if (auto text = Text(value, key)) {
      format = std::move(*text);
      span = ScalarSpan(value, node);
    }
  };
  read("alertDisplayNameFormat", details.name_format, details.name_span);
  read("alertDescriptionFormat", details.description_format, details.description_span);
  rule.alert_details_override = std::move(details);
}

bool IsRuleFileName(const std::filesystem::path& path) {
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return extension == ".yaml" || extension == ".yml";
}

}  // namespace

std::optional<Rule> ParseRule(std::shared_ptr<const SourceFile> file, Diagnostics& diags) {
  return RuleReader(std::move(file), diags).Read();
}

std::shared_ptr<const SourceFile> ReadRuleFile(const std::string& path, Diagnostics& diags) {
  // One open and one fstat per file: a run of hundreds of rules reads each with few system
  // calls. O_NONBLOCK: opening a FIFO must not wait for a writer before it is refused.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    diags.Report(Code::InputUnreadable, {}, fmt::format("{}: {}", path, std::strerror(errno)));
    return nullptr;
  }
  struct stat info {};
  std::string text;
  const bool regular = ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode);
  const auto size = static_cast<uint64_t>(info.st_size);
  bool read_all = false;
  if (regular && size <= kMaxRuleFileBytes) {
    // At most the size taken above, even if the file grows meanwhile.
    text.resize(size);
    size_t done = 0;
    ssize_t n = 0;
    while (done < size && (n = ::read(fd, text.data() + done, size - done)) > 0) done += static_cast<size_t>(n);
    text.resize(done);
    read_all = n >= 0;
  }
  ::close(fd);
  if (!regular) {
    diags.Report(Code::InputUnreadable, {}, fmt::format("{}: not a regular file", path));
    return nullptr;
  }
  if (size > kMaxRuleFileBytes) {
    diags.Report(Code::YamlTooLarge, {},
                 fmt::format("{}: {} bytes; rule files over {} MiB are not read", path, size,
                             kMaxRuleFileBytes >> 20));
    return nullptr;
  }
  if (!read_all) {
    diags.Report(Code::InputUnreadable, {}, fmt::format("{}: cannot be read", path));
    return nullptr;
  }
  return std::make_shared<SourceFile>(path, std::move(text));
}

std::optional<Rule> LoadRuleFile(const std::string& path, Diagnostics& diags) {
  std::shared_ptr<const SourceFile> file = ReadRuleFile(path, diags);
  if (!file) return std::nullopt;
  return ParseRule(std::move(file), diags);
}

std::vector<std::string> FindRuleFiles(const std::vector<std::string>& paths, Diagnostics& diags) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::error_code error;
    if (!fs::is_directory(path, error)) {
      if (fs::exists(path, error)) {
        files.push_back(path);
      } else {
        diags.Report(Code::InputUnreadable, {}, fmt::format("{}: no such file or directory", path));
      }
      continue;
    }
    fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, error);
    for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
      if (it->is_regular_file(error) && IsRuleFileName(it->path())) {
        files.push_back(it->path().string());
      }
    }
    if (error) {
      diags.Report(Code::InputUnreadable, {}, fmt::format("{}: {}", path, error.message()));
    }
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

}  // namespace huntc
