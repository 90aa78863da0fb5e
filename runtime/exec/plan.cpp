// Plan builders and printing.
#include "runtime/exec/plan.h"

#include <algorithm>
#include <cassert>
#include <set>

#include <fmt/format.h>

namespace huntc::exec {

namespace {

template <class T>
std::unique_ptr<T> Node(std::vector<PlanPtr> inputs) {
  auto node = std::make_unique<T>();
  node->inputs = std::move(inputs);
  return node;
}

std::vector<PlanPtr> One(PlanPtr input) {
  std::vector<PlanPtr> v;
  v.push_back(std::move(input));
  return v;
}

std::string Keys(const std::vector<SortKey>& keys) {
  std::string out;
  for (size_t i = 0; i < keys.size(); ++i) {
    out += fmt::format("{}#{} {}{}", i ? ", " : "", keys[i].column, keys[i].descending ? "desc" : "asc",
                       keys[i].nulls_first ? " nulls first" : " nulls last");
  }
  return out;
}

std::string Indexes(const std::vector<int>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += fmt::format("{}#{}", i ? ", " : "", v[i]);
  return out;
}

std::string Line(const PlanNode& n) {
  std::string out(PlanKindName(n.kind));
  switch (n.kind) {
    case PlanKind::Scan: {
      out += fmt::format(" {} [", n.As<ScanNode>()->table);
      for (size_t i = 0; i < n.schema.size(); ++i) {
        out += fmt::format("{}{}:{}", i ? ", " : "", n.schema[i].name, TypeName(n.schema[i].type));
      }
      return out + "]";
    }
    case PlanKind::Datatable: return out + fmt::format(" {} rows", n.As<DatatableNode>()->rows.size());
    case PlanKind::Filter: {
      const auto* f = n.As<FilterNode>();
      return out + fmt::format("{} {}", f->compiled() ? " (kernel)" : "", f->predicate.ToString());
    }
    case PlanKind::Project: {
      const auto* p = n.As<ProjectNode>();
      out += p->kernel || p->lazy_kernel ? " (kernel) [" : " [";
      for (size_t i = 0; i < p->exprs.size(); ++i) {
        out += fmt::format("{}{}={}", i ? ", " : "", n.schema[i].name, p->exprs[i].ToString());
      }
      return out + "]";
    }
    case PlanKind::Aggregate: {
      const auto* a = n.As<AggregateNode>();
      out += fmt::format("{} by [", a->kernel ? " (kernel)" : "");
      for (size_t i = 0; i < a->keys.size(); ++i) {
        out += fmt::format("{}{}={}", i ? ", " : "", a->keys[i].name, a->keys[i].expr.ToString());
      }
      out += "] [";
      for (size_t i = 0; i < a->aggregates.size(); ++i) {
        const AggregateSpec& s = a->aggregates[i];
        out += fmt::format("{}{}=({}", i ? ", " : "", s.names.empty() ? "" : s.names[0], AggKindName(s.kind));
        for (const Expr& e : s.args) out += fmt::format(" {}", e.ToString());
        for (const Expr& e : s.outputs) out += fmt::format(" {}", e.ToString());
        out += ")";
      }
      return out + "]";
    }
    case PlanKind::HashJoin: {
      const auto* j = n.As<HashJoinNode>();
      return out + fmt::format(" {} on left [{}] == right [{}] out left [{}] right [{}]",
                               JoinKindName(j->join_kind), Indexes(j->left_keys), Indexes(j->right_keys),
                               Indexes(j->left_out), Indexes(j->right_out));
    }
    case PlanKind::Union:
    case PlanKind::Count: return out;
    case PlanKind::Sort: return out + fmt::format(" [{}]", Keys(n.As<SortNode>()->keys));
    case PlanKind::Top: {
      const auto* t = n.As<TopNode>();
      out += fmt::format(" {} [{}]", t->count, Keys(t->keys));
      return t->groups.empty() ? out : out + fmt::format(" per [{}]", Indexes(t->groups));
    }
    case PlanKind::Limit: return out + fmt::format(" {}", n.As<LimitNode>()->count);
    case PlanKind::Distinct: return out + fmt::format(" [{}]", Indexes(n.As<DistinctNode>()->columns));
    case PlanKind::MvExpand: {
      const auto* m = n.As<MvExpandNode>();
      out += " [";
      for (size_t i = 0; i < m->columns.size(); ++i) {
        out += fmt::format("{}#{}:{}{}", i ? ", " : "", m->columns[i].column, TypeName(m->columns[i].to),
                           m->columns[i].bag_as_array ? " array" : "");
      }
      return out + fmt::format("] limit {}{}", m->limit, m->with_index ? " with_itemindex" : "");
    }
    case PlanKind::Window: {
      const auto* w = n.As<WindowNode>();
      out += " [";
      for (size_t i = 0; i < w->functions.size(); ++i) {
        const WindowFunction& f = w->functions[i];
        static constexpr const char* kNames[] = {"row_number", "prev", "next"};
        out += fmt::format("{}{}=({} {} {})", i ? ", " : "", f.name, kNames[static_cast<int>(f.kind)],
                           f.kind == WindowKind::RowNumber ? "" : f.arg.ToString(), f.offset);
      }
      return out + "]";
    }
    case PlanKind::MvApply: return out + fmt::format(" kept [{}]", Indexes(n.As<MvApplyNode>()->kept));
    case PlanKind::ApplyInput: return out;
    case PlanKind::MakeSeries: {
      const auto* m = n.As<MakeSeriesNode>();
      out += fmt::format(" keys {} from {} to {} step {} defaults [", m->keys, m->from.ToString(),
                         m->to.ToString(), ValueToString(m->step));
      for (size_t i = 0; i < m->defaults.size(); ++i) out += fmt::format("{}{}", i ? ", " : "", ValueToString(m->defaults[i]));
      return out + (m->nonempty ? "] nonempty" : "]");
    }
    case PlanKind::Shared: return out + fmt::format(" #{}", n.As<SharedNode>()->id);
  }
  return out;
}

// `printed`: the shared subplans already printed, under an earlier use.
void Print(const PlanNode& n, int depth, std::set<const PlanNode*>& printed, std::string& out) {
  // Iterative over the chain of first inputs; other inputs (join right sides, union branches,
  // shared subplans) recurse, their depth bounded by the plan the compiler built.
  for (const PlanNode* node = &n; node; node = node->inputs.empty() ? nullptr : node->inputs[0].get(), ++depth) {
    out.append(static_cast<size_t>(depth) * 2, ' ');
    out += Line(*node);
    out += '\n';
    if (const auto* apply = node->As<MvApplyNode>()) Print(*apply->subplan, depth + 1, printed, out);
    if (const auto* shared = node->As<SharedNode>(); shared && printed.insert(shared->subplan.get()).second) {
      Print(*shared->subplan, depth + 1, printed, out);
    }
    for (size_t i = 1; i < node->inputs.size(); ++i) Print(*node->inputs[i], depth + 1, printed, out);
  }
}

}  // namespace

std::string_view PlanKindName(PlanKind kind) {
  static constexpr std::string_view kNames[] = {"Scan", "Datatable", "Filter", "Project", "Aggregate",
                                                "HashJoin", "Union", "Sort", "Top", "Limit", "Distinct",
                                                "Count", "MvExpand", "Window", "MvApply", "ApplyInput",
                                                "MakeSeries", "Shared"};
  return kNames[static_cast<size_t>(kind)];
}

bool IsIdentity(const ProjectNode& project) {
  const std::vector<ColumnSpec>& in = project.inputs[0]->schema;
  if (project.exprs.size() != in.size() || project.schema.size() != in.size()) return false;
  for (size_t i = 0; i < in.size(); ++i) {
    const Expr& e = project.exprs[i];
    if (e.kind != ExprKind::Column || e.column != static_cast<int>(i) || e.type != in[i].type ||
        project.schema[i].name != in[i].name || project.schema[i].type != in[i].type) {
      return false;
    }
  }
  return true;
}

std::string_view AggKindName(AggKind kind) {
  static constexpr std::string_view kNames[] = {
      "count", "countif", "sum", "sumif", "avg", "avgif", "min", "max", "minif", "maxif", "dcount",
      "dcountif", "make_set", "make_set_if", "make_list", "make_list_if", "make_bag", "make_bag_if",
      "arg_max", "arg_min", "take_any", "stdev", "stdevif", "variance", "varianceif", "percentile"};
  return kNames[static_cast<size_t>(kind)];
}

bool IsConditional(AggKind kind) {
  switch (kind) {
    case AggKind::CountIf:
    case AggKind::SumIf:
    case AggKind::AvgIf:
    case AggKind::MinIf:
    case AggKind::MaxIf:
    case AggKind::DCountIf:
    case AggKind::MakeSetIf:
    case AggKind::MakeListIf:
    case AggKind::MakeBagIf:
    case AggKind::StdevIf:
    case AggKind::VarianceIf: return true;
    default: return false;
  }
}

std::string_view JoinKindName(JoinKind kind) {
  static constexpr std::string_view kNames[] = {"innerunique", "inner", "leftouter", "rightouter", "fullouter",
                                                "leftsemi", "leftanti", "rightsemi", "rightanti"};
  return kNames[static_cast<size_t>(kind)];
}

std::string PlanNode::ToString() const {
  std::string out;
  std::set<const PlanNode*> printed;
  Print(*this, 0, printed, out);
  return out;
}

std::vector<Type> AggregateOutputTypes(const AggregateSpec& spec) {
  const Type arg = spec.args.empty() ? Type::Long : spec.args[0].type;
  switch (spec.kind) {
    case AggKind::Count:
    case AggKind::CountIf:
    case AggKind::DCount:
    case AggKind::DCountIf: return {Type::Long};
    case AggKind::Sum:
    case AggKind::SumIf:
      return {arg == Type::Int || arg == Type::Long || arg == Type::Bool ? Type::Long
              : arg == Type::TimeSpan                                   ? Type::TimeSpan
                                                                        : Type::Real};
    case AggKind::Avg:
    case AggKind::AvgIf:
    case AggKind::Stdev:
    case AggKind::StdevIf:
    case AggKind::Variance:
    case AggKind::VarianceIf: return {Type::Real};
    case AggKind::MakeSet:
    case AggKind::MakeSetIf:
    case AggKind::MakeList:
    case AggKind::MakeListIf:
    case AggKind::MakeBag:
    case AggKind::MakeBagIf: return {Type::Dynamic};
    case AggKind::ArgMax:
    case AggKind::ArgMin: {
      std::vector<Type> types{arg};
      for (const Expr& e : spec.outputs) types.push_back(e.type);
      return types;
    }
    case AggKind::Min:
    case AggKind::Max:
    case AggKind::MinIf:
    case AggKind::MaxIf:
    case AggKind::TakeAny:
    case AggKind::Percentile: return {arg};
  }
  return {arg};
}

PlanPtr Scan(std::string table, std::vector<ColumnSpec> columns) {
  auto n = Node<ScanNode>({});
  n->table = std::move(table);
  n->schema = std::move(columns);
  return n;
}

PlanPtr Datatable(std::vector<ColumnSpec> schema, std::vector<std::vector<Value>> rows) {
  auto n = Node<DatatableNode>({});
  n->schema = std::move(schema);
  n->rows = std::move(rows);
  return n;
}

PlanPtr Filter(PlanPtr input, Expr predicate) {
  auto n = Node<FilterNode>(One(std::move(input)));
  n->schema = n->inputs[0]->schema;
  n->predicate = std::move(predicate);
  return n;
}

PlanPtr Project(PlanPtr input, std::vector<NamedExpr> columns) {
  auto n = Node<ProjectNode>(One(std::move(input)));
  for (NamedExpr& c : columns) {
    n->schema.push_back({c.name, c.expr.type});
    n->exprs.push_back(std::move(c.expr));
  }
  return n;
}

PlanPtr Aggregate(PlanPtr input, std::vector<NamedExpr> keys, std::vector<AggregateSpec> aggregates) {
  auto n = Node<AggregateNode>(One(std::move(input)));
  for (const NamedExpr& k : keys) n->schema.push_back({k.name, k.expr.type});
  for (const AggregateSpec& a : aggregates) {
    const std::vector<Type> types = AggregateOutputTypes(a);
    assert(types.size() == a.names.size());
    for (size_t i = 0; i < types.size(); ++i) n->schema.push_back({a.names[i], types[i]});
  }
  n->keys = std::move(keys);
  n->aggregates = std::move(aggregates);
  return n;
}

PlanPtr HashJoin(PlanPtr left, PlanPtr right, JoinKind kind, std::vector<int> left_keys,
                 std::vector<int> right_keys, std::vector<int> left_out, std::vector<int> right_out,
                 std::vector<std::string> names) {
  std::vector<PlanPtr> inputs;
  inputs.push_back(std::move(left));
  inputs.push_back(std::move(right));
  auto n = Node<HashJoinNode>(std::move(inputs));
  assert(names.size() == left_out.size() + right_out.size());
  size_t k = 0;
  for (int c : left_out) n->schema.push_back({names[k++], n->inputs[0]->schema[static_cast<size_t>(c)].type});
  for (int c : right_out) n->schema.push_back({names[k++], n->inputs[1]->schema[static_cast<size_t>(c)].type});
  n->join_kind = kind;
  n->left_keys = std::move(left_keys);
  n->right_keys = std::move(right_keys);
  n->left_out = std::move(left_out);
  n->right_out = std::move(right_out);
  return n;
}

PlanPtr Union(std::vector<PlanPtr> inputs) {
  auto n = Node<UnionNode>(std::move(inputs));
  n->schema = n->inputs.at(0)->schema;
  return n;
}

PlanPtr Sort(PlanPtr input, std::vector<SortKey> keys) {
  auto n = Node<SortNode>(One(std::move(input)));
  n->schema = n->inputs[0]->schema;
  n->keys = std::move(keys);
  return n;
}

PlanPtr Top(PlanPtr input, uint64_t count, std::vector<SortKey> keys, std::vector<int> groups) {
  auto n = Node<TopNode>(One(std::move(input)));
  n->schema = n->inputs[0]->schema;
  n->count = count;
  n->keys = std::move(keys);
  n->groups = std::move(groups);
  return n;
}

PlanPtr Limit(PlanPtr input, uint64_t count) {
  auto n = Node<LimitNode>(One(std::move(input)));
  n->schema = n->inputs[0]->schema;
  n->count = count;
  return n;
}

PlanPtr Distinct(PlanPtr input, std::vector<int> columns) {
  auto n = Node<DistinctNode>(One(std::move(input)));
  for (int c : columns) n->schema.push_back(n->inputs[0]->schema[static_cast<size_t>(c)]);
  n->columns = std::move(columns);
  return n;
}

PlanPtr Count(PlanPtr input, std::string name) {
  auto n = Node<CountNode>(One(std::move(input)));
  n->schema = {{std::move(name), Type::Long}};
  return n;
}

PlanPtr MvExpand(PlanPtr input, std::vector<MvExpandColumn> columns, uint64_t limit, std::string index_name) {
  auto n = Node<MvExpandNode>(One(std::move(input)));
  n->schema = n->inputs[0]->schema;
  for (const MvExpandColumn& c : columns) n->schema[static_cast<size_t>(c.column)].type = c.to;
  if (!index_name.empty()) n->schema.push_back({std::move(index_name), Type::Long});
  n->columns = std::move(columns);
  n->limit = limit;
  n->with_index = n->schema.size() > n->inputs[0]->schema.size();
  return n;
}

PlanPtr Window(PlanPtr input, std::vector<WindowFunction> functions) {
  auto n = Node<WindowNode>(One(std::move(input)));
  n->schema = n->inputs[0]->schema;
  for (const WindowFunction& f : functions) {
    n->schema.push_back({f.name, f.kind == WindowKind::RowNumber ? Type::Long : f.arg.type});
  }
  n->functions = std::move(functions);
  return n;
}

PlanPtr MvApply(PlanPtr input, PlanPtr subplan, std::vector<int> kept) {
  auto n = Node<MvApplyNode>(One(std::move(input)));
  for (int c : kept) n->schema.push_back(n->inputs[0]->schema[static_cast<size_t>(c)]);
  for (const ColumnSpec& c : subplan->schema) n->schema.push_back(c);
  n->subplan = std::move(subplan);
  n->kept = std::move(kept);
  return n;
}

PlanPtr ApplyInput(std::vector<ColumnSpec> schema) {
  auto n = Node<ApplyInputNode>({});
  n->schema = std::move(schema);
  return n;
}

PlanPtr MakeSeries(PlanPtr input, size_t keys, Expr from, Expr to, Value step, std::vector<Value> defaults,
                   std::vector<std::string> names, bool nonempty) {
  auto n = Node<MakeSeriesNode>(One(std::move(input)));
  assert(names.size() == n->inputs[0]->schema.size());
  for (size_t i = 0; i < names.size(); ++i) {
    n->schema.push_back({std::move(names[i]), i < keys ? n->inputs[0]->schema[i].type : Type::Dynamic});
  }
  // The axis comes last: the bin column moves behind the series.
  std::rotate(n->schema.begin() + static_cast<std::ptrdiff_t>(keys), n->schema.begin() + static_cast<std::ptrdiff_t>(keys) + 1,
              n->schema.end());
  n->keys = keys;
  n->from = std::move(from);
  n->to = std::move(to);
  n->step = std::move(step);
  n->defaults = std::move(defaults);
  n->nonempty = nonempty;
  return n;
}

PlanPtr Shared(std::shared_ptr<PlanNode> subplan, int id) {
  auto n = Node<SharedNode>({});
  n->schema = subplan->schema;
  n->subplan = std::move(subplan);
  n->id = id;
  return n;
}

}  // namespace huntc::exec
