// The rule model: a Microsoft Sentinel hunting or detection rule read from its YAML file.
//
// Later stages compile `query` and check the rule's other fields against it; every value keeps
// a span in the file, and the query keeps a TextOrigin that maps each of its bytes to the byte
// of the YAML file it came from, so KQL diagnostics point at the line and column a user edits.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/diag/source.h"

namespace huntc {

// Rule files larger than this are refused unread: real rules are a few KiB.
inline constexpr size_t kMaxRuleFileBytes = size_t{4} << 20;

struct FieldMapping {
  std::string identifier, column;
  FileSpan span;  // the `columnName` value
};

struct EntityMapping {
  std::string entity_type;
  FileSpan span;  // the `entityType` value
  std::vector<FieldMapping> fields;
};

struct CustomDetail {
  std::string key, column;
  FileSpan span;  // the column name value
};

// alertDetailsOverride: alert texts with `{{Column}}` placeholders; "" when not given.
struct AlertDetailsOverride {
  std::string name_format, description_format;
  FileSpan name_span, description_span;  // the format values
};

struct Rule {
  std::shared_ptr<const SourceFile> file;
  std::string id, name, description, severity;
  std::string kind;                              // "Scheduled", "NRT", ... or "" (hunting query)
  std::vector<std::string> tactics, techniques;  // techniques: `relevantTechniques`
  std::string query;                             // as YAML defines the value
  TextOrigin query_origin{nullptr};              // query byte offsets -> offsets in file->text()
  // False when the query's bytes could not be traced one by one and all of them map to the
  // start of the value instead; diagnostics then point at the value, never at a wrong byte.
  bool query_origin_exact = false;
  std::vector<EntityMapping> entity_mappings;
  std::vector<CustomDetail> custom_details;     // in file order
  std::optional<AlertDetailsOverride> alert_details_override;
  std::map<std::string, FileSpan> field_spans;  // the value of every top-level key
};

// Parses a rule from a file already in memory. YAML errors (HC100), a missing or empty `query`
// (HC101), fields of the wrong shape (HC102) and inputs over a size limit (HC103) go to
// `diags`; returns nullopt when there is no usable rule (no query).
std::optional<Rule> ParseRule(std::shared_ptr<const SourceFile> file, Diagnostics& diags);

// Reads one file into memory. A file that cannot be read is HC700; one larger than
// kMaxRuleFileBytes is HC103 and not read; both return null.
std::shared_ptr<const SourceFile> ReadRuleFile(const std::string& path, Diagnostics& diags);

// Reads and parses one file (ReadRuleFile, then ParseRule).
std::optional<Rule> LoadRuleFile(const std::string& path, Diagnostics& diags);

// The rule files named by `paths`: files as given, folders searched recursively for .yaml and
// .yml files; sorted by path and without duplicates, so runs are repeatable. A path that does
// not exist is HC700.
std::vector<std::string> FindRuleFiles(const std::vector<std::string>& paths, Diagnostics& diags);

}  // namespace huntc
