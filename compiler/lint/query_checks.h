// Checks on a rule's bound query: what needs the result schema (columns the rule's fields map)
// or the typed tree (time filters, conditions that are never true, `has`/`contains` needles).
// They read the tree the binder annotated, never the query text, and run only when binding
// succeeded, so they cover more rules as the binder covers more of KQL.
#pragma once

#include "compiler/diag/diagnostic.h"
#include "compiler/driver/compile.h"
#include "compiler/lint/sentinel.h"

namespace huntc::lint {

// Checks `query` (query.bound must be true); diagnostics point into the rule file via `origin`.
void CheckBoundQuery(const AnalyzedQuery& query, const TextOrigin& origin,
                     const RuleFields& fields, Diagnostics& diags);

}  // namespace huntc::lint
