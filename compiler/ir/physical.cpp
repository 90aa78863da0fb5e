// Building the runtime plan from the logical IR.
#include "compiler/ir/physical.h"

namespace huntc::ir {

exec::PlanPtr ToPlan(const Op& root) {
  // Iterative: the chain is as long as the query's pipeline.
  std::vector<const Op*> chain;
  for (const Op* op = &root; op; op = op->input.get()) chain.push_back(op);
  exec::PlanPtr plan;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    const Op& op = **it;
    switch (op.kind) {
      case OpKind::Scan: {
        std::vector<ColumnSpec> columns = op.schema;
        for (size_t i = 0; i < columns.size(); ++i) columns[i].name = op.source_columns[i];
        plan = exec::Scan(op.table, std::move(columns));
        break;
      }
      case OpKind::Filter: plan = exec::Filter(std::move(plan), op.predicate); break;
      case OpKind::Project: {
        std::vector<exec::NamedExpr> columns;
        for (size_t i = 0; i < op.exprs.size(); ++i) columns.push_back({op.schema[i].name, op.exprs[i]});
        plan = exec::Project(std::move(plan), std::move(columns));
        break;
      }
    }
  }
  return plan;
}

}  // namespace huntc::ir
