// Sentinel's CI structure and the style guide, checked on the YAML tree.
//
// Sentinel's CI reads a rule with YamlDotNet (every scalar a string), converts it to JSON and
// binds it with Newtonsoft.Json, which matches property names and enum names case-insensitively
// and ignores unknown keys; then DataAnnotations attributes check the values. This file mirrors
// those rules (see shared/reference/sentinel-lint.md), so lookups here are case-insensitive and
// a key or enum name in another case is a warning, not an error.
#include "compiler/lint/sentinel.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <ranges>
#include <span>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "compiler/lint/sentinel_data.h"

namespace huntc::lint {
namespace {

constexpr int64_t kTicksPerSecond = 10'000'000;
constexpr int64_t kTicksPerMinute = 60 * kTicksPerSecond;
constexpr int64_t kTicksPerHour = 60 * kTicksPerMinute;
constexpr int64_t kTicksPerDay = 24 * kTicksPerHour;

// Keys of Sentinel's rule schema (and of the templates the repository publishes), per map.
constexpr std::array<std::string_view, 27> kTopKeys{
    "id", "name", "description", "severity", "status", "kind", "queryFrequency", "queryPeriod",
    "triggerOperator", "triggerThreshold", "tactics", "relevantTechniques", "tags",
    "requiredDataConnectors", "query", "entityMappings", "customDetails", "alertDetailsOverride",
    "eventGroupingSettings", "incidentConfiguration", "suppressionEnabled", "suppressionDuration",
    "version", "metadata", "description-detailed", "sentinelEntitiesMappings", "huntc-disable"};
constexpr std::array<std::string_view, 2> kConnectorKeys{"connectorId", "dataTypes"};
constexpr std::array<std::string_view, 2> kEntityKeys{"entityType", "fieldMappings"};
constexpr std::array<std::string_view, 2> kFieldKeys{"identifier", "columnName"};
constexpr std::array<std::string_view, 5> kAlertDetailsKeys{
    "alertDisplayNameFormat", "alertDescriptionFormat", "alertTacticsColumnName",
    "alertSeverityColumnName", "alertDynamicProperties"};
constexpr std::array<std::string_view, 2> kDynamicPropertyKeys{"alertProperty", "value"};
constexpr std::array<std::string_view, 1> kEventGroupingKeys{"aggregationKind"};
constexpr std::array<std::string_view, 2> kIncidentKeys{"createIncident", "groupingConfiguration"};
constexpr std::array<std::string_view, 7> kGroupingKeys{
    "enabled", "reopenClosedIncident", "lookbackDuration", "matchingMethod", "groupByEntities",
    "groupByAlertDetails", "groupByCustomDetails"};

constexpr std::array<std::string_view, 4> kSeverities{"Informational", "Low", "Medium", "High"};
constexpr std::array<std::string_view, 2> kAggregationKinds{"SingleAlert", "AlertPerResult"};
constexpr std::array<std::string_view, 8> kTriggerOperators{
    "GreaterThan", "LessThan", "Equal", "NotEqual", "gt", "lt", "eq", "ne"};
// Columns with these names are the pre-entity-mapping way of marking entities; the CI requires a
// Scheduled rule whose query names one to map it (NewEntityMappingsAttribute).
constexpr std::array<std::string_view, 6> kLegacyEntityColumns{
    "AccountCustomEntity", "HostCustomEntity", "IPCustomEntity",
    "URLCustomEntity", "ProcessCustomEntity", "FileHashCustomEntity"};

bool EqualsCi(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

// The length .NET gives a string: UTF-16 code units.
size_t DotNetLength(std::string_view utf8) {
  size_t units = 0;
  for (size_t i = 0; i < utf8.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(utf8[i]);
    if ((c & 0xC0) != 0x80) units += c >= 0xF0 ? 2 : 1;  // 4-byte sequences are surrogate pairs
  }
  return units;
}

bool IsBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool AllDigits(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// .NET's `^[a-zA-Z_]+\w*$` (first_letters "_" allowed or not), for ASCII text.
bool IsIdentifier(std::string_view s, bool underscore_first) {
  if (s.empty()) return false;
  const unsigned char first = static_cast<unsigned char>(s[0]);
  if (!std::isalpha(first) && !(underscore_first && first == '_')) return false;
  return std::all_of(s.begin(), s.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}

// `T1234` or `T1234.567`.
bool IsTechniqueId(std::string_view s) {
  if (s.size() != 5 && s.size() != 9) return false;
  if (s[0] != 'T' || !AllDigits(s.substr(1, 4))) return false;
  return s.size() == 5 || (s[5] == '.' && AllDigits(s.substr(6)));
}

// Guid.TryParse: 32 hex digits, plain or as 8-4-4-4-12 with hyphens, optionally in {} or ().
bool IsGuid(std::string_view s) {
  s = Trim(s);
  if (s.size() == 38 || s.size() == 34) {
    const bool braces = s.front() == '{' && s.back() == '}';
    const bool parens = s.front() == '(' && s.back() == ')';
    if (!braces && !parens) return false;
    s = s.substr(1, s.size() - 2);
  }
  const auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
  if (s.size() == 32) return std::all_of(s.begin(), s.end(), hex);
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !hex(s[i])) return false;
  }
  return true;
}

// `^(\d+\.)(\d+\.)(\d+)$`
bool IsVersion(std::string_view s) {
  const size_t a = s.find('.');
  if (a == std::string_view::npos) return false;
  const size_t b = s.find('.', a + 1);
  if (b == std::string_view::npos) return false;
  return AllDigits(s.substr(0, a)) && AllDigits(s.substr(a + 1, b - a - 1)) &&
         AllDigits(s.substr(b + 1));
}

// The `{{column}}` placeholders of an alert format, as the CI's `{{([^{}]*)}}` finds them:
// (offset in the value, column). One pass: each brace is looked at a bounded number of times.
std::vector<std::pair<size_t, std::string>> Placeholders(std::string_view format) {
  std::vector<std::pair<size_t, std::string>> out;
  size_t at = 0;
  while (at + 1 < format.size()) {
    if (format[at] != '{' || format[at + 1] != '{') {
      ++at;
      continue;
    }
    const size_t brace = format.find_first_of("{}", at + 2);
    if (brace == std::string_view::npos) break;
    if (format[brace] == '}' && brace + 1 < format.size() && format[brace + 1] == '}') {
      out.emplace_back(at, std::string(format.substr(at + 2, brace - at - 2)));
      at = brace + 2;
    } else {
      // A `{` starts the next candidate `{{` one byte before it; a lone `}` ends this one.
      at = format[brace] == '{' ? brace - 1 : brace + 1;
    }
  }
  return out;
}

std::string Join(std::span<const std::string> items, std::string_view separator) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

enum class EnumMatch { Exact, Case, Number, None };

// How Newtonsoft.Json reads `value` as one of `names`: by name, ignoring case, or as a number.
template <class Names>
EnumMatch MatchEnum(std::string_view value, const Names& names, std::string* canonical) {
  for (const auto& name : names) {
    if (value == name) {
      *canonical = std::string(name);
      return EnumMatch::Exact;
    }
  }
  for (const auto& name : names) {
    if (EqualsCi(value, name)) {
      *canonical = std::string(name);
      return EnumMatch::Case;
    }
  }
  std::string_view digits = Trim(value);
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) digits.remove_prefix(1);
  return AllDigits(digits) ? EnumMatch::Number : EnumMatch::None;
}

class Checker {
 public:
  Checker(std::shared_ptr<const SourceFile> file, Profile profile, Diagnostics& diags)
      : file_(std::move(file)),
        text_(file_->text()),
        bom_(text_.starts_with("\xEF\xBB\xBF") ? 3 : 0),
        profile_(profile),
        diags_(diags) {}

  std::optional<RuleFields> Run();

 private:
  struct Entry {
    YAML::Node key, value;
  };

  uint32_t Offset(const YAML::Node& node) const {
    return static_cast<uint32_t>(
        std::min<size_t>(bom_ + std::max(node.Mark().pos, 0), text_.size()));
  }
  uint32_t LineEnd(uint32_t offset) const {
    const size_t end = text_.find_first_of("\r\n", offset);
    return static_cast<uint32_t>(end == std::string::npos ? text_.size() : end);
  }
  FileSpan Span(const YAML::Node& node) const;
  FileSpan SubSpan(const YAML::Node& node, size_t offset, size_t length) const;
  FileSpan ValueSpan(const Entry& e) const {
    return e.value.IsNull() ? Span(e.key) : Span(e.value);
  }

  // Catalogue severity for analytic rules; the style guide's warnings for hunting queries,
  // except what CI checks on every file.
  void Report(Code code, FileSpan span, std::string message) {
    Severity severity = Info(code).severity;
    if (role_ == RuleRole::Hunting && severity == Severity::Error && code != Code::SentinelNonAscii) {
      severity = Severity::Warning;
    }
    ReportAs(code, severity, std::move(span), std::move(message));
  }
  void ReportAs(Code code, Severity severity, FileSpan span, std::string message) {
    diags_.Report(code, std::move(span), std::move(message)).severity = severity;
  }

  std::optional<Entry> Find(const YAML::Node& map, std::string_view key) const;
  void CheckKeys(const YAML::Node& map, std::span<const std::string_view> known,
                 std::string_view where);
  void CheckAllKeys(const YAML::Node& root);
  std::optional<std::string> Text(const Entry& e, std::string_view key);
  std::optional<std::string> Required(const YAML::Node& map, std::string_view key,
                                      std::string_view why);
  std::vector<std::pair<std::string, FileSpan>> TextList(const YAML::Node& map,
                                                         std::string_view key);
  template <class Names>
  std::optional<std::string> CheckEnum(Code code, const std::string& value, FileSpan span,
                                       std::string_view key, const Names& names);
  void CheckLength(const YAML::Node& map, std::string_view key, size_t max);

  void CheckAscii();
  void ReadDisabled(const YAML::Node& root, RuleFields& fields);
  void CollectColumns(const YAML::Node& root, RuleFields& fields);
  void CheckAnalytic(const YAML::Node& root, RuleFields& fields);
  void CheckSchedule(const YAML::Node& root, RuleFields& fields);
  std::vector<std::string> CheckTactics(const YAML::Node& root);
  void CheckTechniques(const YAML::Node& root, const std::vector<std::string>& tactics,
                       bool against_tactics);
  void CheckConnectors(const YAML::Node& root, bool required);
  void CheckEntityMappings(const YAML::Node& root);
  void CheckCustomDetails(const YAML::Node& root);
  void CheckAlertDetails(const YAML::Node& root);
  void CheckLegacyEntities(const YAML::Node& root);
  void CheckHunting(const YAML::Node& root);

  std::shared_ptr<const SourceFile> file_;
  const std::string& text_;
  uint32_t bom_;
  Profile profile_;
  Diagnostics& diags_;
  RuleRole role_ = RuleRole::Hunting;
};

FileSpan Checker::Span(const YAML::Node& node) const {
  const uint32_t begin = Offset(node);
  uint32_t end = begin;
  if (node.IsScalar() && begin < text_.size()) {
    const std::string& value = node.Scalar();
    const char quote = text_[begin];
    if (quote == '"' || quote == '\'') {
      // To the closing quote: `\"` escapes in double quotes, `''` in single quotes.
      for (size_t i = begin + 1; i < text_.size(); ++i) {
        if (quote == '"' && text_[i] == '\\') {
          ++i;
        } else if (text_[i] == quote) {
          if (quote == '\'' && i + 1 < text_.size() && text_[i + 1] == '\'') {
            ++i;
            continue;
          }
          end = static_cast<uint32_t>(i + 1);
          break;
        }
      }
    } else if (!value.empty() && text_.compare(begin, value.size(), value) == 0) {
      end = static_cast<uint32_t>(begin + value.size());
    }
  }
  // Block scalars and collections: the rest of the line they start on.
  if (end == begin) end = LineEnd(begin);
  return FileSpan{file_, begin, end};
}

// Bytes [offset, offset + length) of a scalar's value, exact when the value stands in the file
// as written (plain, or quoted without escapes); otherwise the whole scalar.
FileSpan Checker::SubSpan(const YAML::Node& node, size_t offset, size_t length) const {
  FileSpan span = Span(node);
  const std::string& value = node.Scalar();
  const uint32_t quoted = text_[span.begin] == '"' || text_[span.begin] == '\'' ? 1 : 0;
  if (text_.compare(span.begin + quoted, value.size(), value) == 0) {
    span.begin += quoted + static_cast<uint32_t>(offset);
    span.end = span.begin + static_cast<uint32_t>(length);
  }
  return span;
}

std::optional<Checker::Entry> Checker::Find(const YAML::Node& map, std::string_view key) const {
  if (!map.IsMap()) return std::nullopt;
  std::optional<Entry> folded;
  for (const auto& field : map) {
    if (!field.first.IsScalar()) continue;
    if (field.first.Scalar() == key) return Entry{field.first, field.second};
    if (!folded && EqualsCi(field.first.Scalar(), key)) folded = Entry{field.first, field.second};
  }
  return folded;
}

// `where` names the map for keys that belong elsewhere ("a requiredDataConnectors entry").
void Checker::CheckKeys(const YAML::Node& map, std::span<const std::string_view> known,
                        std::string_view where) {
  if (!map.IsMap()) return;
  for (const auto& field : map) {
    if (!field.first.IsScalar()) continue;  // the rule model reports non-string keys
    const std::string& key = field.first.Scalar();
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    const auto folded = std::find_if(known.begin(), known.end(),
                                     [&](std::string_view k) { return EqualsCi(k, key); });
    if (folded != known.end()) {
      Report(Code::YamlKeyCase, Span(field.first),
             fmt::format("`{}` is spelt `{}` in Sentinel's schema; Sentinel's CI matches keys "
                         "case-insensitively and accepts it, other tools may not",
                         key, *folded));
      continue;
    }
    if (!where.empty() && std::find(kTopKeys.begin(), kTopKeys.end(), key) != kTopKeys.end()) {
      Report(Code::YamlUnknownKey, Span(field.first),
             fmt::format("`{}` belongs at the top level of the rule, not in {}; Sentinel ignores "
                         "it here",
                         key, where));
      continue;
    }
    std::string_view best;
    size_t best_distance = std::string::npos;
    for (std::string_view k : known) {
      const size_t d = EditDistance(key, k);
      if (d < best_distance) best_distance = d, best = k;
    }
    const size_t allowed = key.size() <= 4 ? 1 : key.size() < 12 ? 2 : 3;
    Report(Code::YamlUnknownKey, Span(field.first),
           best_distance <= allowed
               ? fmt::format("unknown key `{}`: did you mean `{}`? Sentinel ignores unknown keys",
                             key, best)
               : fmt::format("unknown key `{}`; Sentinel ignores it", key));
  }
}

// Keys of every map the schema describes; maps it leaves open (metadata, tags) are not read.
void Checker::CheckAllKeys(const YAML::Node& root) {
  CheckKeys(root, kTopKeys, "");
  const auto each = [&](std::string_view key, std::span<const std::string_view> known,
                        auto&& inner) {
    const auto e = Find(root, key);
    if (!e || !e->value.IsSequence()) return;
    for (const YAML::Node& item : e->value) {
      CheckKeys(item, known, fmt::format("a `{}` entry", key));
      inner(item);
    }
  };
  each("requiredDataConnectors", kConnectorKeys, [](const YAML::Node&) {});
  each("entityMappings", kEntityKeys, [&](const YAML::Node& entity) {
    const auto fields = Find(entity, "fieldMappings");
    if (!fields || !fields->value.IsSequence()) return;
    for (const YAML::Node& field : fields->value) {
      CheckKeys(field, kFieldKeys, "a `fieldMappings` entry");
    }
  });
  if (const auto e = Find(root, "alertDetailsOverride")) {
    CheckKeys(e->value, kAlertDetailsKeys, "`alertDetailsOverride`");
    const auto dynamic = Find(e->value, "alertDynamicProperties");
    if (dynamic && dynamic->value.IsSequence()) {
      for (const YAML::Node& item : dynamic->value) {
        CheckKeys(item, kDynamicPropertyKeys, "an `alertDynamicProperties` entry");
      }
    }
  }
  if (const auto e = Find(root, "eventGroupingSettings")) {
    CheckKeys(e->value, kEventGroupingKeys, "`eventGroupingSettings`");
  }
  if (const auto e = Find(root, "incidentConfiguration")) {
    CheckKeys(e->value, kIncidentKeys, "`incidentConfiguration`");
    if (const auto g = Find(e->value, "groupingConfiguration")) {
      CheckKeys(g->value, kGroupingKeys, "`groupingConfiguration`");
    }
  }
}

// A string value; nullopt for null, and for collections (reported: CI cannot read them).
std::optional<std::string> Checker::Text(const Entry& e, std::string_view key) {
  if (e.value.IsNull()) return std::nullopt;
  if (!e.value.IsScalar()) {
    Report(Code::YamlFieldType, Span(e.value), fmt::format("`{}` must be a string", key));
    return std::nullopt;
  }
  return e.value.Scalar();
}

// A value the CI requires ([Required]: present, and for strings not blank).
std::optional<std::string> Checker::Required(const YAML::Node& map, std::string_view key,
                                             std::string_view why) {
  const auto e = Find(map, key);
  if (!e) {
    Report(Code::SentinelMissingField, FileSpan{file_, Offset(map), Offset(map)},
           fmt::format("`{}` is missing; {}", key, why));
    return std::nullopt;
  }
  auto text = Text(*e, key);
  if (!text && e->value.IsNull()) {
    Report(Code::SentinelMissingField, Span(e->key), fmt::format("`{}` is empty; {}", key, why));
  } else if (text && IsBlank(*text)) {
    Report(Code::SentinelMissingField, ValueSpan(*e), fmt::format("`{}` is blank; {}", key, why));
    return std::nullopt;
  }
  return text;
}

// A list of strings. A single string is not a list to the CI, which cannot read it.
std::vector<std::pair<std::string, FileSpan>> Checker::TextList(const YAML::Node& map,
                                                                std::string_view key) {
  std::vector<std::pair<std::string, FileSpan>> items;
  const auto e = Find(map, key);
  if (!e || e->value.IsNull()) return items;
  if (!e->value.IsSequence()) {
    Report(Code::YamlFieldType, Span(e->value),
           fmt::format("`{}` must be a list; Sentinel cannot read a single {}", key,
                       e->value.IsScalar() ? "string (write `- value` on the next line)" : "map"));
    return items;
  }
  for (const YAML::Node& item : e->value) {
    if (item.IsScalar()) {
      items.emplace_back(item.Scalar(), Span(item));
    } else if (!item.IsNull()) {
      Report(Code::YamlFieldType, Span(item), fmt::format("the items of `{}` must be strings", key));
    }
  }
  return items;
}

template <class Names>
std::optional<std::string> Checker::CheckEnum(Code code, const std::string& value, FileSpan span,
                                              std::string_view key, const Names& names) {
  std::string canonical;
  switch (MatchEnum(value, names, &canonical)) {
    case EnumMatch::Exact: return canonical;
    case EnumMatch::Case:
      ReportAs(code, Severity::Warning, span,
               fmt::format("{} `{}` is spelt `{}`; Sentinel's CI accepts it (names match "
                           "case-insensitively)",
                           key, value, canonical));
      return canonical;
    case EnumMatch::Number:
      ReportAs(Code::SentinelEnumNumber,
               profile_ == Profile::Sentinel2022 ? Severity::Warning : Severity::Error, span,
               fmt::format("{} `{}` is a number: the 2022 CI reads it as an enum value, the "
                           "current CI rejects numbers; write the name",
                           key, value));
      return std::nullopt;
    case EnumMatch::None: break;
  }
  std::vector<std::string> all(std::begin(names), std::end(names));
  Report(code, span, fmt::format("{} `{}` is not one of {}", key, value, Join(all, ", ")));
  return std::nullopt;
}

// Empty values are the rule model's or Required's to report.
void Checker::CheckLength(const YAML::Node& map, std::string_view key, size_t max) {
  const auto e = Find(map, key);
  if (!e || !e->value.IsScalar()) return;
  const size_t length = DotNetLength(e->value.Scalar());
  if (length > max) {
    Report(Code::SentinelLength, Span(e->value),
           fmt::format("`{}` is {} characters long; Sentinel allows at most {}", key, length, max));
  }
}

// CI's NonAsciiValidationsTests: rule files must be ASCII (a leading byte order mark aside).
void Checker::CheckAscii() {
  size_t first = std::string::npos, count = 0;
  for (size_t i = bom_; i < text_.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text_[i]);
    if (c < 0x80 || (c & 0xC0) == 0x80) continue;  // ASCII, or a continuation byte
    if (first == std::string::npos) first = i;
    ++count;
  }
  if (first == std::string::npos) return;
  size_t length = 1;
  while (first + length < text_.size() &&
         (static_cast<unsigned char>(text_[first + length]) & 0xC0) == 0x80) {
    ++length;
  }
  Report(Code::SentinelNonAscii,
         FileSpan{file_, static_cast<uint32_t>(first), static_cast<uint32_t>(first + length)},
         fmt::format("`{}` is not ASCII ({} non-ASCII character{} in the file); Sentinel's CI "
                     "accepts only ASCII",
                     text_.substr(first, length), count, count == 1 ? "" : "s"));
}

void Checker::ReadDisabled(const YAML::Node& root, RuleFields& fields) {
  const auto e = Find(root, "huntc-disable");
  if (!e || e->value.IsNull()) return;
  std::vector<YAML::Node> items;
  if (e->value.IsSequence()) {
    for (const YAML::Node& item : e->value) items.push_back(item);
  } else {
    items.push_back(e->value);
  }
  for (const YAML::Node& item : items) {
    if (!item.IsScalar()) {
      Report(Code::YamlFieldType, Span(item), "`huntc-disable` lists diagnostic codes (HC600)");
      continue;
    }
    std::vector<std::string> unknown;
    for (Code code : ParseCodeList(item.Scalar(), &unknown)) fields.disabled.push_back(code);
    for (const std::string& code : unknown) {
      Report(Code::SuppressionUnknownCode, Span(item),
             fmt::format("`{}` is not a huntc diagnostic code", code));
    }
  }
}

void Checker::CollectColumns(const YAML::Node& root, RuleFields& fields) {
  if (const auto e = Find(root, "entityMappings"); e && e->value.IsSequence()) {
    for (const YAML::Node& entity : e->value) {
      const auto type = Find(entity, "entityType");
      const auto mappings = Find(entity, "fieldMappings");
      if (!mappings || !mappings->value.IsSequence()) continue;
      for (const YAML::Node& field : mappings->value) {
        const auto identifier = Find(field, "identifier");
        const auto column = Find(field, "columnName");
        if (!column || !column->value.IsScalar()) continue;
        fields.columns.push_back(
            {column->value.Scalar(), Span(column->value),
             fmt::format("entity mapping {}.{}",
                         type && type->value.IsScalar() ? type->value.Scalar() : "?",
                         identifier && identifier->value.IsScalar() ? identifier->value.Scalar()
                                                                     : "?")});
      }
    }
  }
  if (const auto e = Find(root, "customDetails"); e && e->value.IsMap()) {
    for (const auto& detail : e->value) {
      if (!detail.first.IsScalar() || !detail.second.IsScalar()) continue;
      fields.columns.push_back({detail.second.Scalar(), Span(detail.second),
                                fmt::format("custom detail `{}`", detail.first.Scalar())});
    }
  }
  const auto alert = Find(root, "alertDetailsOverride");
  if (!alert || !alert->value.IsMap()) return;
  for (std::string_view key : {"alertDisplayNameFormat", "alertDescriptionFormat"}) {
    const auto format = Find(alert->value, key);
    if (!format || !format->value.IsScalar()) continue;
    for (const auto& [offset, column] : Placeholders(format->value.Scalar())) {
      fields.columns.push_back({column, SubSpan(format->value, offset, column.size() + 4),
                                fmt::format("placeholder in {}", key)});
    }
  }
  for (std::string_view key : {"alertTacticsColumnName", "alertSeverityColumnName"}) {
    const auto column = Find(alert->value, key);
    if (column && column->value.IsScalar() && !IsBlank(column->value.Scalar())) {
      fields.columns.push_back({column->value.Scalar(), Span(column->value), std::string(key)});
    }
  }
  const auto dynamic = Find(alert->value, "alertDynamicProperties");
  if (!dynamic || !dynamic->value.IsSequence()) return;
  for (const YAML::Node& item : dynamic->value) {
    const auto property = Find(item, "alertProperty");
    const auto column = Find(item, "value");
    if (!column || !column->value.IsScalar()) continue;
    fields.columns.push_back(
        {column->value.Scalar(), Span(column->value),
         fmt::format("alert property {}",
                     property && property->value.IsScalar() ? property->value.Scalar() : "?")});
  }
}

std::vector<std::string> Checker::CheckTactics(const YAML::Node& root) {
  std::vector<std::string> tactics;
  for (const auto& [tactic, span] : TextList(root, "tactics")) {
    if (auto name = CheckEnum(Code::SentinelTactic, tactic, span, "tactic", Data().tactics)) {
      tactics.push_back(std::move(*name));
    }
  }
  return tactics;
}

// NoTechniquesWithoutMatchingTactics: a technique (sub-technique cut off) must belong to a tactic
// of the rule. Hunting queries get only the style guide's format check.
void Checker::CheckTechniques(const YAML::Node& root, const std::vector<std::string>& tactics,
                              bool against_tactics) {
  for (const auto& [technique, span] : TextList(root, "relevantTechniques")) {
    if (!against_tactics) {
      if (!IsTechniqueId(technique)) {
        Report(Code::SentinelTechnique, span,
               fmt::format("technique `{}` is not a MITRE ATT&CK id (T1234 or T1234.567)",
                           technique));
      }
      continue;
    }
    const std::string base = technique.substr(0, technique.find('.'));
    const auto it = Data().technique_tactics.find(base);
    if (it == Data().technique_tactics.end()) {
      Report(Code::SentinelTechnique, span,
             fmt::format("technique `{}` belongs to no tactic in Sentinel's table (ids match "
                         "exactly: T1234, T1234.567)",
                         technique));
      continue;
    }
    const std::vector<std::string>& owners = it->second;
    const bool matched = std::any_of(owners.begin(), owners.end(), [&](const std::string& t) {
      return std::find(tactics.begin(), tactics.end(), t) != tactics.end();
    });
    if (!matched) {
      Report(Code::SentinelTechniqueTactic, span,
             fmt::format("technique `{}` belongs to {}; `tactics` names none of them", technique,
                         Join(owners, ", ")));
    }
  }
}

void Checker::CheckConnectors(const YAML::Node& root, bool required) {
  const auto e = Find(root, "requiredDataConnectors");
  if (!e || e->value.IsNull()) {
    if (required) {
      Report(Code::SentinelMissingField,
             e ? Span(e->key) : FileSpan{file_, Offset(root), Offset(root)},
             "`requiredDataConnectors` is missing; Scheduled rules need it");
    }
    return;
  }
  if (!e->value.IsSequence()) {
    Report(Code::YamlFieldType, Span(e->value),
           "`requiredDataConnectors` must be a list of {connectorId, dataTypes}");
    return;
  }
  for (const YAML::Node& connector : e->value) {
    if (!connector.IsMap()) {
      Report(Code::YamlFieldType, Span(connector),
             "a required data connector must be a map with `connectorId` and `dataTypes`");
      continue;
    }
    const auto id = Find(connector, "connectorId");
    const std::optional<std::string> name = id ? Text(*id, "connectorId") : std::nullopt;
    if (!name || IsBlank(*name)) {
      Report(Code::SentinelConnectorDataTypes, id ? ValueSpan(*id) : Span(connector),
             "the data connector has no `connectorId`");
    } else if (!Data().connector_ids.contains(*name)) {
      if (profile_ == Profile::Sentinel2022) {
        Report(Code::SentinelConnector, Span(id->value),
               fmt::format("connector id `{}` is not in Sentinel's list of connector ids "
                           "(2022-08, 169 ids)",
                           *name));
      } else {
        ReportAs(Code::SentinelConnector, Severity::Warning, Span(id->value),
                 fmt::format("connector id `{}` is not in the 2022-08 list huntc carries; the "
                             "current list is longer, check it there",
                             *name));
      }
    }
    const auto types = Find(connector, "dataTypes");
    if (!types || types->value.IsNull()) {
      Report(Code::SentinelConnectorDataTypes, types ? Span(types->key) : Span(connector),
             "the data connector has no `dataTypes` list");
    } else if (!types->value.IsSequence()) {
      Report(Code::YamlFieldType, Span(types->value), "`dataTypes` must be a list of strings");
    }
  }
}

void Checker::CheckEntityMappings(const YAML::Node& root) {
  const auto e = Find(root, "entityMappings");
  if (!e || e->value.IsNull()) return;
  if (!e->value.IsSequence()) return;  // the rule model reports it (HC102)
  const size_t max_entities = profile_ == Profile::Sentinel2022 ? 5 : 10;
  if (e->value.size() < 1 || e->value.size() > max_entities) {
    Report(Code::SentinelEntityCount, Span(e->key),
           fmt::format("{} entity mappings; Sentinel allows 1 to {}{}", e->value.size(),
                       max_entities,
                       profile_ == Profile::Sentinel2022 ? " (10 in the current CI)" : ""));
  }
  for (const YAML::Node& entity : e->value) {
    const auto type_entry = Find(entity, "entityType");
    const auto mappings = Find(entity, "fieldMappings");
    // Missing entityType / fieldMappings and non-map items: the rule model reports them (HC101).
    if (!type_entry || !type_entry->value.IsScalar()) continue;
    const std::optional<std::string> type =
        CheckEnum(Code::SentinelEntityMapping, type_entry->value.Scalar(),
                  Span(type_entry->value), "entity type", Data().entities | std::views::keys);
    if (!mappings || !mappings->value.IsSequence()) continue;
    if (mappings->value.size() < 1 || mappings->value.size() > 3) {
      Report(Code::SentinelEntityCount, Span(mappings->key),
             fmt::format("{} field mappings; Sentinel allows 1 to 3 per entity",
                         mappings->value.size()));
    }
    const EntityTypeInfo* info = nullptr;
    if (type) info = &Data().entities.find(*type)->second;
    std::vector<std::string> seen;
    for (const YAML::Node& field : mappings->value) {
      const auto identifier = Find(field, "identifier");
      const auto column = Find(field, "columnName");
      if (column && column->value.IsScalar()) {
        const std::string& name = column->value.Scalar();
        if (DotNetLength(name) > 500 || !IsIdentifier(name, true)) {
          Report(Code::SentinelEntityMapping, Span(column->value),
                 fmt::format("column name `{}` must be a letter or `_` then letters, digits or "
                             "`_`, at most 500 characters",
                             name));
        }
      }
      if (!identifier || !identifier->value.IsScalar()) continue;
      const std::string& id = identifier->value.Scalar();
      if (std::find(seen.begin(), seen.end(), id) != seen.end()) {
        Report(Code::SentinelEntityMapping, Span(identifier->value),
               fmt::format("identifier `{}` is mapped twice in this entity", id));
      }
      seen.push_back(id);
      if (info && std::find(info->identifiers.begin(), info->identifiers.end(), id) ==
                      info->identifiers.end()) {
        Report(Code::SentinelEntityMapping, Span(identifier->value),
               fmt::format("`{}` is not an identifier of {}; it has {}", id, *type,
                           Join(info->identifiers, ", ")));
      }
    }
    if (!info) continue;
    const bool complete = std::any_of(
        info->required_one_of.begin(), info->required_one_of.end(),
        [&](const std::vector<std::string>& combination) {
          return std::all_of(combination.begin(), combination.end(), [&](const std::string& id) {
            return std::find(seen.begin(), seen.end(), id) != seen.end();
          });
        });
    if (!complete && !seen.empty()) {
      std::vector<std::string> options;
      for (const auto& combination : info->required_one_of) options.push_back(Join(combination, " + "));
      Report(Code::SentinelEntityMapping, Span(type_entry->value),
             fmt::format("a {} mapping needs {}", *type, Join(options, " or ")));
    }
  }
}

void Checker::CheckCustomDetails(const YAML::Node& root) {
  const auto e = Find(root, "customDetails");
  if (!e || !e->value.IsMap()) return;  // other shapes: the rule model reports them
  if (e->value.size() > 20) {
    Report(Code::SentinelCustomDetails, Span(e->key),
           fmt::format("{} custom details; Sentinel allows at most 20", e->value.size()));
  }
  for (const auto& detail : e->value) {
    if (!detail.first.IsScalar()) continue;
    const std::string& key = detail.first.Scalar();
    if (DotNetLength(key) > 20 || !IsIdentifier(key, false)) {
      Report(Code::SentinelCustomDetails, Span(detail.first),
             fmt::format("custom detail name `{}` must be a letter then letters, digits or `_`, "
                         "at most 20 characters",
                         key));
    }
    if (!detail.second.IsScalar()) continue;
    const std::string& column = detail.second.Scalar();
    if (DotNetLength(column) > 500 || !IsIdentifier(column, true)) {
      Report(Code::SentinelCustomDetails, Span(detail.second),
             fmt::format("custom detail column `{}` must be a letter or `_` then letters, digits "
                         "or `_`, at most 500 characters",
                         column));
    }
  }
}

void Checker::CheckAlertDetails(const YAML::Node& root) {
  const auto e = Find(root, "alertDetailsOverride");
  if (!e || e->value.IsNull()) return;
  if (!e->value.IsMap()) {
    Report(Code::YamlFieldType, Span(e->value), "`alertDetailsOverride` must be a map");
    return;
  }
  for (const auto& [key, max] : {std::pair<std::string_view, size_t>{"alertDisplayNameFormat", 256},
                                 {"alertDescriptionFormat", 5000}}) {
    const auto format = Find(e->value, key);
    if (!format) continue;
    const std::optional<std::string> text = Text(*format, key);
    if (!text || IsBlank(*text)) {
      Report(Code::SentinelAlertDetails, ValueSpan(*format), fmt::format("`{}` is empty", key));
      continue;
    }
    if (DotNetLength(*text) > max) {
      Report(Code::SentinelAlertDetails, Span(format->value),
             fmt::format("`{}` is {} characters long; Sentinel allows at most {}", key,
                         DotNetLength(*text), max));
    }
    const size_t placeholders = Placeholders(*text).size();
    if (placeholders > 3) {
      Report(Code::SentinelAlertDetails, Span(format->value),
             fmt::format("`{}` has {} {{{{column}}}} placeholders; Sentinel allows at most 3", key,
                         placeholders));
    }
  }
  for (std::string_view key : {"alertTacticsColumnName", "alertSeverityColumnName"}) {
    if (const auto column = Find(e->value, key)) Text(*column, key);
  }
}

// NewEntityMappingsAttribute (Scheduled rules): the CI looks for these names in the query text,
// so this check does too, for parity.
void Checker::CheckLegacyEntities(const YAML::Node& root) {
  const auto query = Find(root, "query");
  if (!query || !query->value.IsScalar()) return;
  std::vector<std::string> mapped;
  if (const auto e = Find(root, "entityMappings"); e && e->value.IsSequence()) {
    for (const YAML::Node& entity : e->value) {
      const auto mappings = Find(entity, "fieldMappings");
      if (!mappings || !mappings->value.IsSequence()) continue;
      for (const YAML::Node& field : mappings->value) {
        const auto column = Find(field, "columnName");
        if (column && column->value.IsScalar()) mapped.push_back(column->value.Scalar());
      }
    }
  }
  for (std::string_view legacy : kLegacyEntityColumns) {
    if (query->value.Scalar().find(legacy) == std::string::npos) continue;
    if (std::find(mapped.begin(), mapped.end(), legacy) != mapped.end()) continue;
    Report(Code::SentinelLegacyEntity, Span(query->key),
           fmt::format("the query names `{}` but no entity mapping uses it as its column", legacy));
  }
}

void Checker::CheckSchedule(const YAML::Node& root, RuleFields& fields) {
  constexpr std::string_view kWhy = "Scheduled rules need it";
  std::optional<int64_t> frequency, period;
  FileSpan period_span;
  for (std::string_view key : {"queryFrequency", "queryPeriod"}) {
    const auto text = Required(root, key, kWhy);
    if (!text) continue;
    const FileSpan span = Span(Find(root, key)->value);
    const std::optional<int64_t> ticks = ParseSentinelTimeSpan(*text);
    if (!ticks) {
      Report(Code::SentinelTimeSpanFormat, span,
             fmt::format("`{}: {}` is neither a .NET time span (01:00:00) nor <number>m|h|d "
                         "(lower case, whole numbers)",
                         key, *text));
      continue;
    }
    if (*ticks < 5 * kTicksPerMinute || *ticks > 14 * kTicksPerDay) {
      Report(Code::SentinelTimeSpanRange, span,
             fmt::format("`{}: {}` is outside Sentinel's limits, 5 minutes to 14 days", key, *text));
    }
    if (key == "queryFrequency") {
      frequency = ticks;
    } else {
      period = ticks;
      period_span = span;
      fields.query_period = ticks;
      fields.query_period_text = *text;
      fields.query_period_span = span;
    }
  }
  if (frequency && period && *period < *frequency) {
    Report(Code::SentinelTimeSpanRange, period_span,
           "`queryPeriod` is shorter than `queryFrequency`; Sentinel needs period >= frequency");
  }
  if (frequency && period && *period >= 2 * kTicksPerDay && *frequency < kTicksPerHour) {
    Report(Code::SentinelTimeSpanRange, period_span,
           "a `queryPeriod` of 2 days or more needs a `queryFrequency` of at least 1 hour");
  }
  if (const auto op = Required(root, "triggerOperator", kWhy)) {
    if (std::find(kTriggerOperators.begin(), kTriggerOperators.end(), *op) ==
        kTriggerOperators.end()) {
      std::vector<std::string> all(kTriggerOperators.begin(), kTriggerOperators.end());
      Report(Code::SentinelTrigger, Span(Find(root, "triggerOperator")->value),
             fmt::format("triggerOperator `{}` is not one of {} (case matters)", *op,
                         Join(all, ", ")));
    }
  }
  if (const auto threshold = Required(root, "triggerThreshold", kWhy)) {
    std::string_view digits = Trim(*threshold);
    const bool negative = !digits.empty() && digits[0] == '-';
    if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) digits.remove_prefix(1);
    const bool number = AllDigits(digits);
    if (!number || negative || digits.size() > 5 || std::stoi(std::string(digits)) > 10000) {
      Report(Code::SentinelTrigger, Span(Find(root, "triggerThreshold")->value),
             fmt::format("triggerThreshold `{}` must be a whole number from 0 to 10000",
                         *threshold));
    }
  }
  if (const auto grouping = Find(root, "eventGroupingSettings");
      grouping && !grouping->value.IsNull()) {
    if (!grouping->value.IsMap()) {
      Report(Code::YamlFieldType, Span(grouping->value), "`eventGroupingSettings` must be a map");
    } else if (const auto kind = Find(grouping->value, "aggregationKind")) {
      if (const auto text = Text(*kind, "aggregationKind")) {
        CheckEnum(Code::SentinelEventGrouping, *text, Span(kind->value), "aggregationKind",
                  kAggregationKinds);
      }
    }
  }
}

void Checker::CheckAnalytic(const YAML::Node& root, RuleFields& fields) {
  constexpr std::string_view kWhy = "analytic rules need it";
  std::string kind;
  if (const auto text = Required(root, "kind", "analytic rules need it (Scheduled or NRT)")) {
    const FileSpan span = Span(Find(root, "kind")->value);
    if (*text != "Scheduled" && *text != "NRT") {
      Report(Code::SentinelKind, span,
             fmt::format("kind `{}` must be exactly `Scheduled` or `NRT`", *text));
    }
    // The template model is still chosen ignoring case.
    if (EqualsCi(*text, "Scheduled")) kind = "Scheduled";
    if (EqualsCi(*text, "NRT")) kind = "NRT";
  }
  fields.scheduled = kind == "Scheduled";
  if (const auto id = Required(root, "id", kWhy); id && !IsGuid(*id)) {
    Report(Code::SentinelId, Span(Find(root, "id")->value),
           fmt::format("id `{}` is not a GUID", *id));
  }
  Required(root, "name", kWhy);
  Required(root, "description", kWhy);
  // A missing or empty query is the rule model's HC101.
  CheckLength(root, "name", 256);
  CheckLength(root, "description", 5000);
  CheckLength(root, "query", 10000);
  if (const auto severity = Required(root, "severity", kWhy)) {
    CheckEnum(Code::SentinelSeverity, *severity, Span(Find(root, "severity")->value), "severity",
              kSeverities);
  }
  if (const auto version = Find(root, "version")) {
    if (const auto text = Text(*version, "version");
        text && (DotNetLength(*text) > 20 || !IsVersion(*text))) {
      Report(Code::SentinelVersion, Span(version->value),
             fmt::format("version `{}` must be <major>.<minor>.<patch> (1.0.0), at most 20 "
                         "characters",
                         *text));
    }
  }
  const std::vector<std::string> tactics = CheckTactics(root);
  // The CI's technique check casts to the Scheduled model, so NRT rules skip it.
  CheckTechniques(root, tactics, fields.scheduled);
  CheckConnectors(root, fields.scheduled);
  CheckEntityMappings(root);
  CheckCustomDetails(root);
  CheckAlertDetails(root);
  if (fields.scheduled) {
    CheckSchedule(root, fields);
    CheckLegacyEntities(root);
  }
}

// The style guide: id (a GUID), name and description; tactic names; technique ids.
void Checker::CheckHunting(const YAML::Node& root) {
  constexpr std::string_view kWhy = "the style guide asks hunting queries for it";
  if (const auto id = Required(root, "id", kWhy); id && !IsGuid(*id)) {
    Report(Code::SentinelId, Span(Find(root, "id")->value),
           fmt::format("id `{}` is not a GUID", *id));
  }
  if (const auto name = Required(root, "name", kWhy)) {
    const FileSpan span = Span(Find(root, "name")->value);
    if (name->ends_with('.')) {
      Report(Code::StyleHuntingName, span, "the name ends with a period; the style guide asks for none");
    } else if (DotNetLength(*name) > 50) {
      Report(Code::StyleHuntingName, span,
             fmt::format("the name is {} characters long; the style guide suggests at most 50",
                         DotNetLength(*name)));
    }
  }
  Required(root, "description", kWhy);
  CheckTechniques(root, CheckTactics(root), false);
}

std::optional<RuleFields> Checker::Run() {
  YAML::Node root;
  try {
    root = YAML::Load(text_);
  } catch (const YAML::Exception&) {
    return std::nullopt;
  }
  if (!root.IsMap()) return std::nullopt;
  RuleFields fields;
  fields.role = RoleFromPath(file_->path()).value_or(Find(root, "kind") ? RuleRole::Analytic
                                                                        : RuleRole::Hunting);
  role_ = fields.role;
  if (const auto id = Find(root, "id"); id && id->value.IsScalar()) {
    fields.id = id->value.Scalar();
    fields.id_span = Span(id->value);
  }
  CheckAllKeys(root);
  CheckAscii();
  ReadDisabled(root, fields);
  CollectColumns(root, fields);
  if (role_ == RuleRole::Analytic) {
    CheckAnalytic(root, fields);
  } else {
    CheckHunting(root);
  }
  return fields;
}

// TimeSpan.TryParse, invariant culture: [-]d, or [-][d.]hh:mm[:ss[.fffffff]], or
// [-]d:hh:mm:ss[.fffffff].
std::optional<int64_t> ParseDotNetTimeSpan(std::string_view text) {
  text = Trim(text);
  bool negative = false;
  if (!text.empty() && text[0] == '-') negative = true, text.remove_prefix(1);
  const auto number = [](std::string_view digits, int64_t max) -> std::optional<int64_t> {
    if (!AllDigits(digits) || digits.size() > 10) return std::nullopt;
    const int64_t value = std::stoll(std::string(digits));
    return value <= max ? std::optional<int64_t>(value) : std::nullopt;
  };
  constexpr int64_t kMaxDays = 10675199;
  std::vector<std::string_view> parts;
  for (size_t at = 0;;) {
    const size_t colon = text.find(':', at);
    parts.push_back(text.substr(at, colon == std::string_view::npos ? colon : colon - at));
    if (colon == std::string_view::npos) break;
    at = colon + 1;
  }
  int64_t days = 0;
  if (parts.size() == 1) {
    const auto d = number(parts[0], kMaxDays);
    if (!d) return std::nullopt;
    return (negative ? -1 : 1) * *d * kTicksPerDay;
  }
  if (parts.size() == 4) {
    const auto d = number(parts[0], kMaxDays);
    if (!d) return std::nullopt;
    days = *d;
    parts.erase(parts.begin());
  } else if (const size_t dot = parts[0].find('.'); dot != std::string_view::npos) {
    const auto d = number(parts[0].substr(0, dot), kMaxDays);
    if (!d) return std::nullopt;
    days = *d;
    parts[0] = parts[0].substr(dot + 1);
  }
  if (parts.size() > 3) return std::nullopt;
  int64_t fraction = 0;
  if (parts.size() == 3) {
    if (const size_t dot = parts[2].find('.'); dot != std::string_view::npos) {
      std::string digits(parts[2].substr(dot + 1));
      if (digits.empty() || digits.size() > 7 || !AllDigits(digits)) return std::nullopt;
      digits.resize(7, '0');
      fraction = std::stoll(digits);
      parts[2] = parts[2].substr(0, dot);
    }
  }
  const auto hours = number(parts[0], 23);
  const auto minutes = number(parts[1], 59);
  const auto seconds = parts.size() == 3 ? number(parts[2], 59) : std::optional<int64_t>(0);
  if (!hours || !minutes || !seconds) return std::nullopt;
  const int64_t ticks = days * kTicksPerDay + *hours * kTicksPerHour + *minutes * kTicksPerMinute +
                        *seconds * kTicksPerSecond + fraction;
  return negative ? -ticks : ticks;
}

}  // namespace

std::optional<RuleRole> RoleFromPath(std::string_view path) {
  std::optional<RuleRole> role;
  // Components split on '/' and on the `__` of flattened repository paths.
  size_t at = 0;
  while (at <= path.size()) {
    size_t end = std::min(path.find('/', at), path.find("__", at));
    if (end == std::string_view::npos) end = path.size();
    const std::string_view part = path.substr(at, end - at);
    if (part == "Hunting Queries") return RuleRole::Hunting;
    if (part == "Detections" || part == "Analytic Rules") role = RuleRole::Analytic;
    at = end + (end < path.size() && path[end] == '_' ? 2 : 1);
  }
  return role;
}

std::optional<RuleFields> CheckFields(const std::shared_ptr<const SourceFile>& file,
                                      Profile profile, Diagnostics& diags) {
  return Checker(file, profile, diags).Run();
}

std::optional<int64_t> ParseSentinelTimeSpan(std::string_view text) {
  if (auto ticks = ParseDotNetTimeSpan(text)) return ticks;
  if (text.size() < 2 || !AllDigits(text.substr(0, text.size() - 1)) || text.size() > 11) {
    return std::nullopt;
  }
  const int64_t n = std::stoll(std::string(text.substr(0, text.size() - 1)));
  switch (text.back()) {
    case 'm': return n * kTicksPerMinute;
    case 'h': return n * kTicksPerHour;
    case 'd': return n * kTicksPerDay;
    default: return std::nullopt;
  }
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::vector<Code> ParseCodeList(std::string_view text, std::vector<std::string>* unknown) {
  std::vector<Code> codes;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find_first_of(", \t", at);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view word = text.substr(at, end - at);
    at = end + 1;
    if (word.empty()) continue;
    const auto& all = AllCodes();
    const auto it = std::find_if(all.begin(), all.end(),
                                 [&](const CodeInfo& c) { return EqualsCi(c.id, word); });
    if (it != all.end()) {
      codes.push_back(it->code);
    } else if (unknown) {
      unknown->emplace_back(word);
    }
  }
  return codes;
}

}  // namespace huntc::lint
