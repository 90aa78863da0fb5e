// Building the runtime plan from the logical IR.
#include "compiler/ir/physical.h"

#include <algorithm>
#include <unordered_map>

namespace huntc::ir {

namespace {

// The plan of each shared subplan built so far: its uses share it.
using SharedPlans = std::unordered_map<const Op*, std::shared_ptr<exec::PlanNode>>;

exec::PlanPtr Chain(const Op& root, SharedPlans& shared);

std::vector<std::string> Names(const std::vector<ColumnSpec>& schema, size_t from = 0) {
  std::vector<std::string> out;
  for (size_t i = from; i < schema.size(); ++i) out.push_back(schema[i].name);
  return out;
}

// The node for `op` over its already built input.
exec::PlanPtr Node(const Op& op, exec::PlanPtr plan, SharedPlans& shared) {
  switch (op.kind) {
    case OpKind::Scan: {
      std::vector<ColumnSpec> columns = op.schema;
      for (size_t i = 0; i < columns.size(); ++i) columns[i].name = op.source_columns[i];
      return exec::Scan(op.table, std::move(columns));
    }
    case OpKind::Datatable: return exec::Datatable(op.schema, op.rows);
    case OpKind::Filter: return exec::Filter(std::move(plan), op.predicate);
    case OpKind::Project: {
      std::vector<exec::NamedExpr> columns;
      for (size_t i = 0; i < op.exprs.size(); ++i) columns.push_back({op.schema[i].name, op.exprs[i]});
      return exec::Project(std::move(plan), std::move(columns));
    }
    case OpKind::Aggregate: {
      std::vector<exec::NamedExpr> keys;
      for (size_t i = 0; i < op.exprs.size(); ++i) keys.push_back({op.schema[i].name, op.exprs[i]});
      return exec::Aggregate(std::move(plan), std::move(keys), op.aggregates);
    }
    case OpKind::Join:
      return exec::HashJoin(std::move(plan), Chain(*op.others[0], shared), op.join_kind, op.left_keys,
                            op.right_keys, op.left_out, op.right_out, Names(op.schema));
    case OpKind::Union: {
      std::vector<exec::PlanPtr> inputs;
      inputs.push_back(std::move(plan));
      for (const auto& other : op.others) inputs.push_back(Chain(*other, shared));
      return exec::Union(std::move(inputs));
    }
    case OpKind::Sort: return exec::Sort(std::move(plan), op.sort_keys);
    case OpKind::Top: return exec::Top(std::move(plan), op.count, op.sort_keys, op.columns);
    case OpKind::Limit: return exec::Limit(std::move(plan), op.count);
    case OpKind::Distinct: return exec::Distinct(std::move(plan), op.columns);
    case OpKind::Count: return exec::Count(std::move(plan), op.schema[0].name);
    case OpKind::MvExpand:
      return exec::MvExpand(std::move(plan), op.expand, op.count,
                            op.with_index ? op.schema.back().name : "");
    case OpKind::Window: return exec::Window(std::move(plan), op.window);
    case OpKind::MvApply: return exec::MvApply(std::move(plan), Chain(*op.others[0], shared), op.columns);
    case OpKind::ApplyInput: return exec::ApplyInput(op.schema);
    case OpKind::MakeSeries: {
      std::vector<std::string> names = Names(op.schema);
      // The plan names its input's order: keys, the bin (the axis, last in the output), series.
      std::rotate(names.begin() + static_cast<std::ptrdiff_t>(op.series_keys), names.end() - 1, names.end());
      return exec::MakeSeries(std::move(plan), op.series_keys, op.series_bounds[0], op.series_bounds[1],
                              op.series_step, op.series_defaults, std::move(names), op.series_nonempty);
    }
    case OpKind::Shared: {
      std::shared_ptr<exec::PlanNode>& subplan = shared[op.shared.get()];
      if (!subplan) subplan = Chain(*op.shared, shared);
      return exec::Shared(subplan, op.shared_id);
    }
  }
  return plan;
}

exec::PlanPtr Chain(const Op& root, SharedPlans& shared) {
  // Iterative down the chain; Join and Union inputs and shared subplans recurse, as deep as the
  // query nests them.
  std::vector<const Op*> chain;
  for (const Op* op = &root; op; op = op->input.get()) chain.push_back(op);
  exec::PlanPtr plan;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) plan = Node(**it, std::move(plan), shared);
  return plan;
}

}  // namespace

exec::PlanPtr ToPlan(const Op& root) {
  SharedPlans shared;
  return Chain(root, shared);
}

}  // namespace huntc::ir
