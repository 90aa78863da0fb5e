// What a rule looks for, read off its bound query tree: the stages of each pipeline, the where
// predicates, the indicators they test (field, kind of test, values), the exclusions the rule
// suppresses, and the output fields with the stage that makes them and the mappings that use
// them. `huntc explain` prints it as text or JSON.
//
// Fields are followed back through `extend`/`project` aliases and through wrappers that keep
// the value (tolower, toupper, tostring, trim) to the source column; values are followed through
// scalar `let`s and `let x = dynamic([...])` lists. A value that is not a constant (ago(7d), a
// subquery) is shown as the query text that computes it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compiler/bind/binder.h"
#include "compiler/rule/rule.h"
#include "compiler/syntax/ast.h"

namespace huntc::explain {

// One test of a field: `Field op values`.
struct Indicator {
  std::string field;       // the source column, or the expression text when it is no column
  std::string op;          // eq, in, contains, has, has_any, has_all, starts_with, ends_with,
                           // has_prefix, has_suffix, like, regex, cidr_match, lt, le, gt, ge,
                           // between, is_empty, is_null
  std::vector<std::string> values;
  bool case_sensitive = false;
  bool negated = false;    // true when the rule keeps the rows that fail the test
  std::string text;        // the query text of the test
  std::string pipeline;    // the Stage::pipeline it is in
};

struct Predicate {
  std::string pipeline;  // the Stage::pipeline it is in
  std::string text;
};

struct Stage {
  std::string pipeline;                // "query", "let NAME", "function NAME", "subquery", and
                                       // nested ones after a slash: "query / join right"
  std::string source;                  // the table (or source kind) the pipeline reads
  std::vector<std::string> operators;  // KQL words in order: where, extend, summarize, ...
};

struct OutputField {
  std::string name, type;
  std::string source;                // project, summarize, extend, project-rename, table, ...
  std::vector<std::string> used_by;  // "entity Host.FullName", "custom detail K", "alert name"
};

struct Explanation {
  std::vector<std::string> tables;
  std::vector<Stage> stages;
  std::vector<Predicate> predicates;    // every where predicate, pipeline by pipeline
  std::vector<Indicator> indicators;    // every test in the predicates
  std::vector<Indicator> exclusions;    // top-level negated conjuncts, one per field test
  std::vector<OutputField> outputs;
};

// Explains a bound query; `text` is the query text the tree's spans index into. `rule` (may be
// null) supplies the mappings that use the output fields.
Explanation Explain(const syntax::Ast& ast, const BoundQuery& bound, std::string_view text,
                    const Rule* rule);

// The private ranges ipv4_is_private() tests, as CIDR blocks.
const std::vector<std::string>& PrivateRanges();

// Appends the explanation as a JSON object (see Explain's fields; names in snake_case).
void AppendJson(std::string& out, const Explanation& e);
// The explanation as indented text for people.
std::string ToText(const Explanation& e);

}  // namespace huntc::explain
