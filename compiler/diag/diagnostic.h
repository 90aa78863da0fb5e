// Diagnostics: values, never exceptions. Every diagnostic has a stable code from codes.def, a
// severity, a category, a message and a span in the file the user edits.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compiler/diag/source.h"

namespace huntc {

enum class Severity { Hint, Info, Warning, Error };
enum class Category { Yaml, Sentinel, Syntax, Semantic, Unsupported, Style, Input };

enum class Code {
#define DIAG(e, code, sev, cat, name, desc) e,
#include "compiler/diag/codes.def"
#undef DIAG
};

struct CodeInfo {
  Code code;
  std::string_view id;  // "HC300"
  Severity severity;
  Category category;
  std::string_view name;
  std::string_view description;
};

const CodeInfo& Info(Code code);
const std::vector<CodeInfo>& AllCodes();
std::string_view SeverityName(Severity s);
std::string_view CategoryName(Category c);

struct Diagnostic {
  Code code;
  Severity severity;
  std::string message;
  FileSpan span;  // file may be null for diagnostics about no file

  uint32_t Line() const;
  uint32_t Column() const;
};

// Collects diagnostics in the order they are reported.
class Diagnostics {
 public:
  Diagnostic& Report(Code code, FileSpan span, std::string message);
  const std::vector<Diagnostic>& items() const { return items_; }
  bool HasErrors() const;
  size_t size() const { return items_.size(); }
  void Append(const Diagnostics& other);

 private:
  std::vector<Diagnostic> items_;
};

// `file:line:col: error HC300: message`, then the source line and a caret under the span.
std::string RenderText(const Diagnostic& d);

}  // namespace huntc
