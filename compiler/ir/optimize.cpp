// Optimiser passes.
#include "compiler/ir/optimize.h"

#include <set>

namespace huntc::ir {

namespace {

// Replaces each column reference #i by exprs[i].
Expr Substitute(const Expr& e, const std::vector<Expr>& exprs) {
  if (e.kind == ExprKind::Column) return exprs[e.column];
  Expr out = e;
  for (Expr& a : out.args) a = Substitute(a, exprs);
  return out;
}

void CollectColumns(const Expr& e, std::set<int>& used) {
  if (e.kind == ExprKind::Column) used.insert(e.column);
  for (const Expr& a : e.args) CollectColumns(a, used);
}

void Renumber(Expr& e, const std::vector<int>& new_index) {
  if (e.kind == ExprKind::Column) e.column = new_index[e.column];
  for (Expr& a : e.args) Renumber(a, new_index);
}

bool IsBoolConstant(const Expr& e, bool v) {
  return e.kind == ExprKind::Constant && e.type == Type::Bool && !e.value.is_null &&
         (e.value.integer != 0) == v;
}

}  // namespace

Expr SimplifyLogic(Expr e) {
  for (Expr& a : e.args) a = SimplifyLogic(std::move(a));
  if (e.kind != ExprKind::Call) return e;
  if (e.fn == Fn::Not && e.args[0].kind == ExprKind::Constant && e.args[0].type == Type::Bool &&
      !e.args[0].value.is_null) {
    return Expr::Constant(Value::Integer(Type::Bool, e.args[0].value.integer == 0));
  }
  if (e.fn != Fn::And && e.fn != Fn::Or) return e;
  const bool is_and = e.fn == Fn::And;
  std::vector<Expr> terms;
  for (Expr& a : e.args) {
    if (a.kind == ExprKind::Call && a.fn == e.fn) {  // flatten
      for (Expr& inner : a.args) terms.push_back(std::move(inner));
    } else if (IsBoolConstant(a, !is_and)) {
      return a;  // false and ... / true or ...
    } else if (!IsBoolConstant(a, is_and)) {
      terms.push_back(std::move(a));
    }
  }
  if (terms.empty()) return Expr::Constant(Value::Integer(Type::Bool, is_and));
  if (terms.size() == 1) return std::move(terms[0]);
  e.args = std::move(terms);
  return e;
}

std::unique_ptr<Op> FuseFiltersAndProjections(std::unique_ptr<Op> op) {
  for (auto& other : op->others) other = FuseFiltersAndProjections(std::move(other));
  if (!op->input) return op;
  op->input = FuseFiltersAndProjections(std::move(op->input));
  Op& in = *op->input;
  if (op->kind == OpKind::Filter && in.kind == OpKind::Filter) {
    in.predicate = Expr::Call(Fn::And, Type::Bool, {std::move(in.predicate), std::move(op->predicate)});
    return std::move(op->input);
  }
  if (op->kind == OpKind::Filter && in.kind == OpKind::Project) {
    // Filter(Project(x)) -> Project(Filter(x)): the filter then runs in the scan's kernel.
    auto project = std::move(op->input);
    op->predicate = Substitute(op->predicate, project->exprs);
    op->schema = project->input->schema;
    op->input = std::move(project->input);
    project->input = FuseFiltersAndProjections(std::move(op));
    return project;
  }
  if (op->kind == OpKind::Project && in.kind == OpKind::Project) {
    for (Expr& e : op->exprs) e = Substitute(e, in.exprs);
    op->input = std::move(in.input);
  }
  return op;
}

void PruneColumns(Op& root) {
  // Walk down to the scan, noting which columns each operator needs from its input.
  std::set<int> used;
  bool all = true;  // the root outputs all of its input's columns
  std::vector<Op*> chain;
  for (Op* op = &root; op; op = op->input.get()) chain.push_back(op);
  for (Op* op : chain) {
    // Only a chain of filters and projections over a scan is pruned; the other operators
    // read their input columns in ways this pass does not track.
    if (op->kind != OpKind::Scan && op->kind != OpKind::Filter && op->kind != OpKind::Project) return;
    if (op->kind == OpKind::Project) {
      used.clear();
      all = false;
      for (const Expr& e : op->exprs) CollectColumns(e, used);
    } else if (op->kind == OpKind::Filter) {
      CollectColumns(op->predicate, used);
    }
  }
  Op& scan = *chain.back();
  if (all || scan.kind != OpKind::Scan) return;
  std::vector<int> new_index(scan.schema.size(), -1);
  std::vector<ColumnSpec> schema;
  std::vector<std::string> sources;
  for (int c : used) {
    new_index[c] = static_cast<int>(schema.size());
    schema.push_back(scan.schema[c]);
    sources.push_back(scan.source_columns[c]);
  }
  scan.schema = std::move(schema);
  scan.source_columns = std::move(sources);
  // Renumber upwards until (and including) the first projection, which reads the scan's shape.
  for (auto it = chain.rbegin() + 1; it != chain.rend(); ++it) {
    Op* op = *it;
    if (op->kind == OpKind::Filter) {
      Renumber(op->predicate, new_index);
      op->schema = scan.schema;
    } else if (op->kind == OpKind::Project) {
      for (Expr& e : op->exprs) Renumber(e, new_index);
      break;
    }
  }
}

namespace {

void SimplifyFilters(Op& root) {
  for (Op* o = &root; o; o = o->input.get()) {
    if (o->kind == OpKind::Filter) o->predicate = SimplifyLogic(std::move(o->predicate));
    for (auto& other : o->others) SimplifyFilters(*other);
  }
}

// Below every Aggregate, a projection of only the columns its keys and aggregates read, so
// that PruneSegments can narrow the scan under it.
void NarrowAggregateInputs(Op& root) {
  for (Op* o = &root; o; o = o->input.get()) {
    for (auto& other : o->others) NarrowAggregateInputs(*other);
    if (o->kind != OpKind::Aggregate) continue;
    std::set<int> used;
    for (const Expr& e : o->exprs) CollectColumns(e, used);
    for (const exec::AggregateSpec& a : o->aggregates) {
      for (const Expr& e : a.args) CollectColumns(e, used);
      for (const Expr& e : a.outputs) CollectColumns(e, used);
    }
    const std::vector<ColumnSpec>& in = o->input->schema;
    if (used.empty() && !in.empty()) used.insert(0);  // rows, not columns, are counted: keep one
    if (used.size() == in.size()) continue;
    auto project = std::make_unique<Op>();
    project->kind = OpKind::Project;
    std::vector<int> new_index(in.size(), -1);
    for (int c : used) {
      new_index[c] = static_cast<int>(project->exprs.size());
      project->exprs.push_back(Expr::Column(c, in[c].type));
      project->schema.push_back(in[c]);
    }
    project->input = std::move(o->input);
    o->input = std::move(project);
    for (Expr& e : o->exprs) Renumber(e, new_index);
    for (exec::AggregateSpec& a : o->aggregates) {
      for (Expr& e : a.args) Renumber(e, new_index);
      for (Expr& e : a.outputs) Renumber(e, new_index);
    }
  }
}

// Prunes the scan under every projection that sits over a chain of filters down to a scan,
// wherever in the tree (under a join, a summarize, a union input, ...).
void PruneSegments(Op& root) {
  for (Op* o = &root; o; o = o->input.get()) {
    if (o->kind == OpKind::Project) PruneColumns(*o);
    for (auto& other : o->others) PruneSegments(*other);
  }
}

}  // namespace

std::unique_ptr<Op> Optimize(std::unique_ptr<Op> op) {
  op = FuseFiltersAndProjections(std::move(op));
  SimplifyFilters(*op);
  NarrowAggregateInputs(*op);
  op = FuseFiltersAndProjections(std::move(op));  // the new projections over earlier ones
  PruneSegments(*op);
  return op;
}

}  // namespace huntc::ir
