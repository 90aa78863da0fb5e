// Optimiser passes.
#include "compiler/ir/optimize.h"

#include <algorithm>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "runtime/exec/eval.h"

namespace huntc::ir {

namespace {

// Replaces each column reference #i by exprs[i].
Expr Substitute(const Expr& e, const std::vector<Expr>& exprs) {
  if (e.kind == ExprKind::Column) return exprs[e.column];
  Expr out = e;
  for (Expr& a : out.args) a = Substitute(a, exprs);
  return out;
}

// Whether `e` calls rand() or new_guid(): evaluating it twice may give two values.
bool HasVolatile(const Expr& e) {
  if (e.kind == ExprKind::Call && exec::IsVolatile(e.fn)) return true;
  return std::any_of(e.args.begin(), e.args.end(), HasVolatile);
}

// Whether `e` over the columns `exprs` computes reads a rand() or new_guid() column: `e` with
// those expressions substituted would draw again, to other values than the column holds.
bool ReadsVolatile(const Expr& e, const std::vector<Expr>& exprs) { return HasVolatile(Substitute(e, exprs)); }

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

// The terms of a conjunction (one term if `e` is not an `and`).
std::vector<Expr> Conjuncts(Expr e) {
  if (e.kind == ExprKind::Call && e.fn == Fn::And) return std::move(e.args);
  std::vector<Expr> terms;
  terms.push_back(std::move(e));
  return terms;
}

// The conjunction of `terms`, which must not be empty.
Expr Conjunction(std::vector<Expr> terms) {
  if (terms.size() == 1) return std::move(terms[0]);
  return Expr::Call(Fn::And, Type::Bool, std::move(terms));
}

// Row `row` of `c` as a constant of type t (the type of the expression that computed it).
Value CellValue(const Column& c, size_t row, Type t) {
  if (c.IsNull(row)) return Value::Null(t);
  switch (t) {
    case Type::Bool: return Value::Integer(t, c.BoolAt(row));
    case Type::Int: return Value::Integer(t, c.IntAt(row));
    case Type::Long: case Type::DateTime: case Type::TimeSpan: return Value::Integer(t, c.LongAt(row));
    case Type::Real: case Type::Decimal: return Value{t, false, 0, c.RealAt(row), {}};
    case Type::String: case Type::Guid: case Type::Dynamic: return Value{t, false, 0, 0, std::string(c.StringAt(row))};
    case Type::Null: break;
  }
  return Value::Null(t);
}

}  // namespace

Expr FoldConstants(Expr e) {
  // One evaluator for the whole tree keeps compiled regexes between folds. It never reads
  // now(): a call over now() has an argument that is not a constant and is not folded.
  exec::Evaluator evaluator(0);
  Batch one_row;
  one_row.row_count = 1;
  // Post-order without recursion on the call nesting: a stack of (node, children done).
  std::vector<std::pair<Expr*, bool>> stack{{&e, false}};
  while (!stack.empty()) {
    auto [node, done] = stack.back();
    stack.pop_back();
    if (node->kind != ExprKind::Call) continue;
    if (!done) {
      stack.push_back({node, true});
      for (Expr& a : node->args) stack.push_back({&a, false});
      continue;
    }
    const bool all_constant = std::all_of(node->args.begin(), node->args.end(), [](const Expr& a) {
      return a.kind == ExprKind::Constant;
    });
    if (!all_constant || node->type == Type::Null || exec::IsVolatile(node->fn)) continue;
    const Column c = evaluator.Evaluate(*node, exec::RowSet::All(one_row));
    *node = Expr::Constant(CellValue(c, 0, node->type));
  }
  return e;
}

namespace {

// How much a call costs per row, by its kind, ignoring its arguments.
int NodeCost(const Expr& e) {
  if (e.kind != ExprKind::Call) return 0;
  const bool text = !e.args.empty() && (IsStringLike(e.args[0].type) || e.args[0].type == Type::Dynamic);
  switch (e.fn) {
    case Fn::And: case Fn::Or: case Fn::Not: case Fn::IsNull:
    case Fn::Add: case Fn::Sub: case Fn::Mul: case Fn::Div: case Fn::Mod: case Fn::Neg: case Fn::Abs:
    case Fn::Bin: case Fn::BinAt:
      return 0;
    case Fn::Eq: case Fn::Ne: case Fn::Lt: case Fn::Le: case Fn::Gt: case Fn::Ge: case Fn::In:
      return text ? 2 : 1;
    case Fn::IsEmpty: case Fn::Strlen:
      return 1;
    case Fn::EqCi: case Fn::InCi:
      return 2;
    case Fn::Has: case Fn::HasCs: case Fn::HasPrefix: case Fn::HasPrefixCs: case Fn::HasSuffix:
    case Fn::HasSuffixCs: case Fn::StartsWith: case Fn::StartsWithCs: case Fn::EndsWith: case Fn::EndsWithCs:
      return 3;
    case Fn::Contains: case Fn::ContainsCs: case Fn::HasAny: case Fn::HasAll:
      return 4;
    default:  // regexes, parsing, dynamic values and the other functions
      return 5;
  }
}

// The cost class of an expression: that of its dearest node.
int Cost(const Expr& e) {
  int cost = NodeCost(e);
  for (const Expr& a : e.args) cost = std::max(cost, Cost(a));
  return cost;
}

}  // namespace

Expr OrderConjuncts(Expr e) {
  for (Expr& a : e.args) a = OrderConjuncts(std::move(a));
  if (e.kind != ExprKind::Call || (e.fn != Fn::And && e.fn != Fn::Or)) return e;
  // Stable, so terms of one class keep the rule's order (its author's guess at selectivity).
  std::vector<std::pair<int, Expr>> terms;
  for (Expr& a : e.args) terms.emplace_back(Cost(a), std::move(a));
  std::stable_sort(terms.begin(), terms.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t i = 0; i < terms.size(); ++i) e.args[i] = std::move(terms[i].second);
  return e;
}

namespace {

// For a term `x == c`, `x =~ c`, `x in (c...)` or `x in~ (c...)` with non-null constants c of
// x's type (not real, guid or dynamic), the membership function it amounts to; else nothing.
std::optional<Fn> MembershipOf(const Expr& t) {
  if (t.kind != ExprKind::Call || t.args.empty()) return std::nullopt;
  const Type type = t.args[0].type;
  if (type == Type::Real || type == Type::Decimal || type == Type::Dynamic || type == Type::Guid || type == Type::Null) {
    return std::nullopt;
  }
  const bool constants = std::all_of(t.args.begin() + 1, t.args.end(), [&](const Expr& a) {
    return a.kind == ExprKind::Constant && !a.value.is_null && a.type == type;
  });
  if (!constants) return std::nullopt;
  switch (t.fn) {
    case Fn::Eq: return t.args.size() == 2 ? std::optional<Fn>(Fn::In) : std::nullopt;
    case Fn::EqCi: return t.args.size() == 2 && type == Type::String ? std::optional<Fn>(Fn::InCi) : std::nullopt;
    case Fn::In: return Fn::In;
    case Fn::InCi: return type == Type::String ? std::optional<Fn>(Fn::InCi) : std::nullopt;
    default: return std::nullopt;
  }
}

}  // namespace

Expr MergeEqualities(Expr e) {
  for (Expr& a : e.args) a = MergeEqualities(std::move(a));
  if (e.kind != ExprKind::Call || e.fn != Fn::Or) return e;
  // Each membership term joins the first earlier one over the same expression and function.
  std::vector<Expr> terms;
  for (Expr& t : e.args) {
    const std::optional<Fn> fn = MembershipOf(t);
    auto same = fn ? std::find_if(terms.begin(), terms.end(), [&](const Expr& u) {
      return MembershipOf(u) == fn && u.args[0] == t.args[0];
    }) : terms.end();
    if (same == terms.end()) {
      terms.push_back(std::move(t));
      continue;
    }
    same->fn = *fn;
    same->args.insert(same->args.end(), std::make_move_iterator(t.args.begin() + 1), std::make_move_iterator(t.args.end()));
  }
  if (terms.size() == 1) return std::move(terms[0]);
  e.args = std::move(terms);
  return e;
}

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

namespace {

// Filter(Project(x)) -> Project(Filter(x)), the projected expressions substituted into the
// predicate: the filter then runs in the scan's kernel.
std::unique_ptr<Op> SwapFilterAndProject(std::unique_ptr<Op> filter) {
  auto project = std::move(filter->input);
  filter->predicate = Substitute(filter->predicate, project->exprs);
  filter->schema = project->input->schema;
  filter->input = std::move(project->input);
  project->input = std::move(filter);
  return project;
}

}  // namespace

std::unique_ptr<Op> FuseFiltersAndProjections(std::unique_ptr<Op> op) {
  for (auto& other : op->others) other = FuseFiltersAndProjections(std::move(other));
  if (!op->input) return op;
  op->input = FuseFiltersAndProjections(std::move(op->input));
  Op& in = *op->input;
  if (op->kind == OpKind::Filter && in.kind == OpKind::Filter) {
    in.predicate = Expr::Call(Fn::And, Type::Bool, {std::move(in.predicate), std::move(op->predicate)});
    return std::move(op->input);
  }
  if (op->kind == OpKind::Filter && in.kind == OpKind::Project && !ReadsVolatile(op->predicate, in.exprs)) {
    auto project = SwapFilterAndProject(std::move(op));
    project->input = FuseFiltersAndProjections(std::move(project->input));
    return project;
  }
  if (op->kind == OpKind::Project && in.kind == OpKind::Project &&
      std::none_of(op->exprs.begin(), op->exprs.end(), [&](const Expr& e) { return ReadsVolatile(e, in.exprs); })) {
    for (Expr& e : op->exprs) e = Substitute(e, in.exprs);
    op->input = std::move(in.input);
  }
  return op;
}

namespace {

// A filter over `input` holding `terms`.
std::unique_ptr<Op> MakeFilter(std::unique_ptr<Op> input, std::vector<Expr> terms) {
  auto filter = std::make_unique<Op>();
  filter->kind = OpKind::Filter;
  filter->schema = input->schema;
  filter->predicate = Conjunction(std::move(terms));
  filter->input = std::move(input);
  return filter;
}

bool SameTypes(const std::vector<ColumnSpec>& a, const std::vector<ColumnSpec>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const ColumnSpec& x, const ColumnSpec& y) { return x.type == y.type; });
}

// Which sides of a join keep their rows as a filter over the join's output would: a row
// removed below the join then is a row (or a null-filled partner) the filter would have
// removed above it. innerunique keeps one left row per key, so a left filter may move below it
// only when it reads key columns alone (then all rows of a key pass or fail together).
struct JoinSides {
  bool left = false, right = false, left_keys_only = false;
};

JoinSides PushableSides(exec::JoinKind kind) {
  using exec::JoinKind;
  switch (kind) {
    case JoinKind::Inner: return {true, true, false};
    case JoinKind::InnerUnique: return {true, true, true};
    case JoinKind::LeftOuter: case JoinKind::LeftSemi: case JoinKind::LeftAnti: return {true, false, false};
    case JoinKind::RightOuter: case JoinKind::RightSemi: case JoinKind::RightAnti: return {false, true, false};
    case JoinKind::FullOuter: break;
  }
  return {};
}

// Filter(Join): each conjunct reading one pushable side's columns only goes to that side.
// Returns the conjuncts that stay above.
std::vector<Expr> PushIntoJoin(Op& join, std::vector<Expr> terms) {
  const JoinSides sides = PushableSides(join.join_kind);
  const size_t left_width = join.left_out.size();
  // An output column's index in its side's columns.
  std::vector<int> map(join.schema.size(), -1);
  for (size_t i = 0; i < left_width; ++i) map[i] = join.left_out[i];
  for (size_t i = 0; i < join.right_out.size(); ++i) map[left_width + i] = join.right_out[i];
  std::vector<Expr> stay, left, right;
  for (Expr& t : terms) {
    std::set<int> used;
    CollectColumns(t, used);
    const bool reads_left = !used.empty() && *used.rbegin() < static_cast<int>(left_width);
    const bool reads_right = !used.empty() && *used.begin() >= static_cast<int>(left_width);
    bool keys_only = true;
    for (int c : used) {
      keys_only = keys_only && std::find(join.left_keys.begin(), join.left_keys.end(), map[c]) != join.left_keys.end();
    }
    if (reads_left && sides.left && (!sides.left_keys_only || keys_only)) {
      Renumber(t, map);
      left.push_back(std::move(t));
    } else if (reads_right && sides.right) {
      Renumber(t, map);
      right.push_back(std::move(t));
    } else {
      stay.push_back(std::move(t));
    }
  }
  if (!left.empty()) join.input = MakeFilter(std::move(join.input), std::move(left));
  if (!right.empty()) join.others[0] = MakeFilter(std::move(join.others[0]), std::move(right));
  return stay;
}

// What `e` implies about the columns `side` holds alone: `e` with each largest subterm that is not
// an and/or and reads another column taken as true; nothing when that leaves no test. and/or
// are monotone in three-valued logic (false < null < true), so where `e` is true so is the
// result: a row it rejects, `e` rejects whatever the other columns hold.
std::optional<Expr> ImpliedOn(const Expr& e, const std::vector<bool>& side) {
  if (e.kind == ExprKind::Call && (e.fn == Fn::And || e.fn == Fn::Or)) {
    std::vector<Expr> terms;
    for (const Expr& a : e.args) {
      std::optional<Expr> t = ImpliedOn(a, side);
      if (t) {
        terms.push_back(std::move(*t));
      } else if (e.fn == Fn::Or) {
        return std::nullopt;  // one branch may be true whatever `side` holds
      }
    }
    if (terms.empty()) return std::nullopt;
    if (terms.size() == 1) return std::move(terms[0]);
    return Expr::Call(e.fn, Type::Bool, std::move(terms));
  }
  std::set<int> used;
  CollectColumns(e, used);
  if (used.empty() || !std::all_of(used.begin(), used.end(), [&](int c) { return side[c]; })) return std::nullopt;
  return e;
}

// Conjuncts that stay above a join because they read both sides (say `x in (T) or y has "z"`,
// whose `in` is a join's marker column) still imply a test of each side's columns alone: that
// test goes below the join too, where a side's rows may be removed (PushIntoJoin decides), and
// the conjunct stays above. A volatile conjunct is left whole: it must be evaluated once.
void PushImpliedIntoJoin(Op& join, const std::vector<Expr>& stay) {
  const size_t left_width = join.left_out.size();
  std::vector<bool> left(join.schema.size(), false), right(join.schema.size(), false);
  for (size_t i = 0; i < join.schema.size(); ++i) (i < left_width ? left : right)[i] = true;
  std::vector<Expr> implied;
  for (const Expr& t : stay) {
    if (HasVolatile(t)) continue;
    for (const std::vector<bool>* side : {&left, &right}) {
      if (std::optional<Expr> i = ImpliedOn(t, *side)) implied.push_back(std::move(*i));
    }
  }
  PushIntoJoin(join, std::move(implied));  // what may not go below is dropped: `stay` holds it
}

// Filter(Aggregate): conjuncts over group keys only, with the key expressions substituted,
// go below (a group's key is the key of each of its rows). Returns the conjuncts that stay.
std::vector<Expr> PushIntoAggregate(Op& aggregate, std::vector<Expr> terms) {
  std::vector<Expr> stay, below;
  const int keys = static_cast<int>(aggregate.exprs.size());
  for (Expr& t : terms) {
    std::set<int> used;
    CollectColumns(t, used);
    if (!used.empty() && *used.rbegin() < keys && !ReadsVolatile(t, aggregate.exprs)) {
      below.push_back(Substitute(t, aggregate.exprs));
    } else {
      stay.push_back(std::move(t));
    }
  }
  if (!below.empty()) aggregate.input = MakeFilter(std::move(aggregate.input), std::move(below));
  return stay;
}

// Filter(MvExpand): conjuncts reading neither the expanded columns nor the item index go below
// (mv-expand keeps the other columns of each row where they are).
std::vector<Expr> PushIntoMvExpand(Op& expand, std::vector<Expr> terms) {
  std::set<int> expanded;
  for (const exec::MvExpandColumn& c : expand.expand) expanded.insert(c.column);
  const int width = static_cast<int>(expand.input->schema.size());  // the index column is past it
  std::vector<Expr> stay, below;
  for (Expr& t : terms) {
    std::set<int> used;
    CollectColumns(t, used);
    const bool independent = std::none_of(used.begin(), used.end(), [&](int c) {
      return c >= width || expanded.count(c) != 0;
    });
    (independent ? below : stay).push_back(std::move(t));
  }
  if (!below.empty()) expand.input = MakeFilter(std::move(expand.input), std::move(below));
  return stay;
}

// Moves the filter held by `slot` one operator down, if it can; returns whether it moved.
bool PushOnce(std::unique_ptr<Op>& slot) {
  Op& filter = *slot;
  Op& in = *filter.input;
  switch (in.kind) {
    case OpKind::Filter:
      in.predicate = Expr::Call(Fn::And, Type::Bool, {std::move(in.predicate), std::move(filter.predicate)});
      slot = std::move(filter.input);
      return true;
    case OpKind::Project:
      if (ReadsVolatile(filter.predicate, in.exprs)) return false;
      slot = SwapFilterAndProject(std::move(slot));
      return true;
    case OpKind::Union: {
      const bool same = SameTypes(in.input->schema, in.schema) &&
                        std::all_of(in.others.begin(), in.others.end(),
                                    [&](const auto& other) { return SameTypes(other->schema, in.schema); });
      if (!same) return false;
      for (auto& other : in.others) other = MakeFilter(std::move(other), {filter.predicate});
      in.input = MakeFilter(std::move(in.input), {std::move(filter.predicate)});
      slot = std::move(filter.input);
      return true;
    }
    case OpKind::Sort:  // a sort with no limit keeps every row: filtering first is cheaper
      in.input = MakeFilter(std::move(in.input), {std::move(filter.predicate)});
      slot = std::move(filter.input);
      return true;
    case OpKind::Distinct: {
      // The predicate reads distinct's columns only, all of them its key: rows with one key
      // pass or fail together, so filtering first keeps the same keys.
      Renumber(filter.predicate, in.columns);
      in.input = MakeFilter(std::move(in.input), {std::move(filter.predicate)});
      slot = std::move(filter.input);
      return true;
    }
    case OpKind::Join: case OpKind::Aggregate: case OpKind::MvExpand: {
      std::vector<Expr> terms = Conjuncts(std::move(filter.predicate));
      const size_t count = terms.size();
      std::vector<Expr> stay = in.kind == OpKind::Join        ? PushIntoJoin(in, std::move(terms))
                               : in.kind == OpKind::Aggregate ? PushIntoAggregate(in, std::move(terms))
                                                              : PushIntoMvExpand(in, std::move(terms));
      if (stay.empty()) {
        slot = std::move(filter.input);
        return true;
      }
      const bool moved = stay.size() != count;
      // Once nothing more moves (so once per filter: it is not visited again), what the
      // remaining conjuncts imply about one side goes below the join.
      if (!moved && in.kind == OpKind::Join) PushImpliedIntoJoin(in, stay);
      filter.predicate = Conjunction(std::move(stay));
      return moved;
    }
    default:
      // Scan, Datatable: nothing below. Top, Limit: which rows they keep depends on the rows
      // before them. Window: row_number, prev and next see the rows before them. Count: one
      // row whatever the input.
      return false;
  }
}

}  // namespace

std::unique_ptr<Op> PushDownFilters(std::unique_ptr<Op> op) {
  // Visits every slot of the tree with an explicit stack; a filter that moved is visited again
  // at its new place, so it sinks as far as it can in one walk.
  std::vector<std::unique_ptr<Op>*> stack{&op};
  while (!stack.empty()) {
    std::unique_ptr<Op>* slot = stack.back();
    stack.pop_back();
    Op& o = **slot;
    if (o.kind == OpKind::Filter && o.input && PushOnce(*slot)) {
      stack.push_back(slot);
      continue;
    }
    if (o.input) stack.push_back(&o.input);
    for (auto& other : o.others) stack.push_back(&other);
  }
  return op;
}

std::unique_ptr<Op> EmptyFalseFilters(std::unique_ptr<Op> op) {
  std::vector<std::unique_ptr<Op>*> stack{&op};
  while (!stack.empty()) {
    std::unique_ptr<Op>* slot = stack.back();
    stack.pop_back();
    Op& o = **slot;
    if (o.kind == OpKind::Filter && IsBoolConstant(o.predicate, false)) {
      auto empty = std::make_unique<Op>();
      empty->kind = OpKind::Datatable;
      empty->schema = o.schema;
      *slot = std::move(empty);
      continue;
    }
    if (o.input) stack.push_back(&o.input);
    for (auto& other : o.others) stack.push_back(&other);
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

// Applies `rewrite` to every scalar expression of the tree that rows are computed with:
// filter predicates, projections, summarize keys and aggregate arguments.
template <typename Rewrite>
void RewriteExprs(Op& root, Rewrite rewrite) {
  std::vector<Op*> stack{&root};
  while (!stack.empty()) {
    Op* o = stack.back();
    stack.pop_back();
    if (o->kind == OpKind::Filter) o->predicate = rewrite(std::move(o->predicate));
    for (Expr& e : o->exprs) e = rewrite(std::move(e));
    for (exec::AggregateSpec& a : o->aggregates) {
      for (Expr& e : a.args) e = rewrite(std::move(e));
    }
    if (o->input) stack.push_back(o->input.get());
    for (auto& other : o->others) stack.push_back(other.get());
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

// Makes the operator in `slot` output only `columns` of its output, in that order: a projection
// gives up its other expressions, anything else gets a projection of those columns on top.
void NarrowTo(std::unique_ptr<Op>& slot, const std::vector<int>& columns) {
  if (columns.size() == slot->schema.size()) return;  // columns are ascending: all of them
  if (slot->kind == OpKind::Project) {
    std::vector<Expr> exprs;
    std::vector<ColumnSpec> schema;
    for (int c : columns) {
      exprs.push_back(std::move(slot->exprs[c]));
      schema.push_back(slot->schema[c]);
    }
    slot->exprs = std::move(exprs);
    slot->schema = std::move(schema);
    return;
  }
  auto project = std::make_unique<Op>();
  project->kind = OpKind::Project;
  for (int c : columns) {
    project->exprs.push_back(Expr::Column(c, slot->schema[c].type));
    project->schema.push_back(slot->schema[c]);
  }
  project->input = std::move(slot);
  slot = std::move(project);
}

// Narrows a join's sides to the columns it reads from them: its keys and output columns.
void NarrowJoinSides(Op& join) {
  const auto narrow = [](std::unique_ptr<Op>& side, std::vector<int>& keys, std::vector<int>& out) {
    std::set<int> used(keys.begin(), keys.end());
    used.insert(out.begin(), out.end());
    std::vector<int> new_index(side->schema.size(), -1);
    std::vector<int> columns;
    for (int c : used) {
      new_index[c] = static_cast<int>(columns.size());
      columns.push_back(c);
    }
    NarrowTo(side, columns);
    for (int& k : keys) k = new_index[k];
    for (int& o : out) o = new_index[o];
  };
  narrow(join.input, join.left_keys, join.left_out);
  narrow(join.others[0], join.right_keys, join.right_out);
}

// Under a projection (through filters) over a union, a join, a sort, top or take, narrows that
// operator to the columns the projection and filters read (and it sorts by): each union input
// gets the same narrowing, a join outputs fewer of its sides' columns, sort/top/take narrow
// their input. With NarrowJoinSides and PruneSegments, scans under
// unions and joins read only what the query needs.
void NarrowBelowProjections(Op& root) {
  std::vector<Op*> stack{&root};
  while (!stack.empty()) {
    Op* o = stack.back();
    stack.pop_back();
    if (o->kind == OpKind::Project) {
      std::set<int> used;
      for (const Expr& e : o->exprs) CollectColumns(e, used);
      std::vector<Op*> filters;
      Op* x = o->input.get();
      for (; x->kind == OpKind::Filter; x = x->input.get()) {
        filters.push_back(x);
        CollectColumns(x->predicate, used);
      }
      const bool keeps_columns = x->kind == OpKind::Sort || x->kind == OpKind::Top || x->kind == OpKind::Limit;
      for (const exec::SortKey& k : x->sort_keys) used.insert(k.column);
      if (used.empty() && !x->schema.empty()) used.insert(0);  // keep rows countable
      if ((x->kind == OpKind::Union || x->kind == OpKind::Join || keeps_columns) && used.size() < x->schema.size()) {
        std::vector<int> new_index(x->schema.size(), -1), columns;
        std::vector<ColumnSpec> schema;
        for (int c : used) {
          new_index[c] = static_cast<int>(columns.size());
          columns.push_back(c);
          schema.push_back(x->schema[c]);
        }
        if (keeps_columns) {
          NarrowTo(x->input, columns);
          for (exec::SortKey& k : x->sort_keys) k.column = new_index[k.column];
        } else if (x->kind == OpKind::Union) {
          NarrowTo(x->input, columns);
          for (auto& other : x->others) NarrowTo(other, columns);
        } else {
          const int left_width = static_cast<int>(x->left_out.size());
          std::vector<int> left_out, right_out;
          for (int c : columns) {
            if (c < left_width) left_out.push_back(x->left_out[c]);
            else right_out.push_back(x->right_out[c - left_width]);
          }
          x->left_out = std::move(left_out);
          x->right_out = std::move(right_out);
        }
        x->schema = schema;
        for (Op* f : filters) {
          Renumber(f->predicate, new_index);
          f->schema = schema;
        }
        for (Expr& e : o->exprs) Renumber(e, new_index);
      }
    }
    if (o->kind == OpKind::Join) NarrowJoinSides(*o);
    if (o->input) stack.push_back(o->input.get());
    for (auto& other : o->others) stack.push_back(other.get());
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

namespace {

// Worth computing once when used twice: scanning or parsing strings and dynamic values.
constexpr int kShareCost = 3;

size_t Size(const Expr& e) {
  size_t n = 1;
  for (const Expr& a : e.args) n += Size(a);
  return n;
}

void CountOccurrences(const Expr& e, const Expr& target, size_t& n) {
  if (e == target) {
    ++n;
    return;
  }
  for (const Expr& a : e.args) CountOccurrences(a, target, n);
}

void CollectCandidates(const Expr& e, std::vector<const Expr*>& out) {
  if (e.kind == ExprKind::Call && Cost(e) >= kShareCost && !HasVolatile(e)) out.push_back(&e);
  for (const Expr& a : e.args) CollectCandidates(a, out);
}

void ReplaceAll(Expr& e, const Expr& target, const Expr& with) {
  if (e == target) {
    e = with;
    return;
  }
  for (Expr& a : e.args) ReplaceAll(a, target, with);
}

// The largest expensive subexpression over the input's `width` columns that occurs at least
// twice in `exprs`, if any. (A repeated expression holding an already shared one is larger, so
// it was shared first: the width test only keeps that so.)
std::optional<Expr> LargestShared(const std::vector<Expr>& exprs, int width) {
  std::vector<const Expr*> candidates;
  for (const Expr& e : exprs) CollectCandidates(e, candidates);
  std::erase_if(candidates, [&](const Expr* c) {
    std::set<int> used;
    CollectColumns(*c, used);
    return !used.empty() && *used.rbegin() >= width;
  });
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Expr* a, const Expr* b) { return Size(*a) > Size(*b); });
  for (const Expr* c : candidates) {
    size_t n = 0;
    for (const Expr& e : exprs) CountOccurrences(e, *c, n);
    if (n >= 2) return *c;
  }
  return std::nullopt;
}

}  // namespace

void ShareSubexpressions(Op& root) {
  std::vector<Op*> stack{&root};
  while (!stack.empty()) {
    Op* o = stack.back();
    stack.pop_back();
    if (o->input) stack.push_back(o->input.get());
    for (auto& other : o->others) stack.push_back(other.get());
    if (o->kind != OpKind::Project) continue;
    // The shared expressions get the columns past the input's, then the input columns the
    // projection reads are renumbered into the projection below.
    const int width = static_cast<int>(o->input->schema.size());
    std::vector<Expr> shared;
    while (std::optional<Expr> s = LargestShared(o->exprs, width)) {
      const Expr column = Expr::Column(width + static_cast<int>(shared.size()), s->type);
      for (Expr& e : o->exprs) ReplaceAll(e, *s, column);
      shared.push_back(std::move(*s));
    }
    if (shared.empty()) continue;
    std::set<int> used;
    for (const Expr& e : o->exprs) CollectColumns(e, used);
    auto below = std::make_unique<Op>();
    below->kind = OpKind::Project;
    std::vector<int> new_index(static_cast<size_t>(width) + shared.size(), -1);
    for (int c : used) {
      new_index[c] = static_cast<int>(below->exprs.size());
      if (c < width) {
        below->exprs.push_back(Expr::Column(c, o->input->schema[c].type));
        below->schema.push_back(o->input->schema[c]);
      } else {
        below->exprs.push_back(shared[static_cast<size_t>(c - width)]);
        below->schema.push_back({fmt::format("shared_{}", c - width), below->exprs.back().type});
      }
    }
    for (Expr& e : o->exprs) Renumber(e, new_index);
    below->input = std::move(o->input);
    o->input = std::move(below);
  }
}

namespace {

// All passes over one tree; a shared subplan's use is a leaf there, like a scan.
std::unique_ptr<Op> OptimizeTree(std::unique_ptr<Op> op) {
  op = FuseFiltersAndProjections(std::move(op));
  RewriteExprs(*op, [](Expr e) { return SimplifyLogic(FoldConstants(std::move(e))); });
  op = PushDownFilters(std::move(op));
  RewriteExprs(*op, [](Expr e) { return OrderConjuncts(MergeEqualities(SimplifyLogic(std::move(e)))); });
  op = EmptyFalseFilters(std::move(op));
  NarrowAggregateInputs(*op);
  NarrowBelowProjections(*op);
  op = FuseFiltersAndProjections(std::move(op));  // the new projections over earlier ones
  PruneSegments(*op);
  ShareSubexpressions(*op);  // last: fusing would substitute the shared values back
  return op;
}

// A Shared node and the two operators above it (null where there are none).
struct Use {
  Op* node;
  Op* parent;
  Op* grandparent;
};

// The uses of shared subplans in `tree`, not looking into those subplans.
std::vector<Use> UsesIn(Op& tree) {
  std::vector<Use> uses;
  std::vector<Use> stack{{&tree, nullptr, nullptr}};
  while (!stack.empty()) {
    const Use u = stack.back();
    stack.pop_back();
    if (u.node->kind == OpKind::Shared) uses.push_back(u);
    if (u.node->input) stack.push_back({u.node->input.get(), u.node, u.parent});
    for (auto& other : u.node->others) stack.push_back({other.get(), u.node, u.parent});
  }
  return uses;
}

// Runs `change` on the shared subplan `op` as the root of a tree of its own.
template <typename Change>
void ChangeSubplan(Op& op, Change change) {
  std::unique_ptr<Op> tree = std::make_unique<Op>(std::move(op));
  tree = change(std::move(tree));
  op = std::move(*tree);
}

// What every use of a shared subplan reads of it, moved into it: when each use is filtered,
// the `or` of their predicates filters the subplan (each use keeps its own filter above, so it
// still sees only its rows), and the subplan outputs only the columns some use reads. Then
// the subplan is optimised as a query of its own.
void NarrowShared(Op& subplan, const std::vector<Use>& uses) {
  const bool all_filtered = std::all_of(uses.begin(), uses.end(), [](const Use& u) {
    return u.parent && u.parent->kind == OpKind::Filter && !HasVolatile(u.parent->predicate);
  });
  if (all_filtered) {
    std::vector<Expr> terms;
    for (const Use& u : uses) {
      if (std::find(terms.begin(), terms.end(), u.parent->predicate) == terms.end()) terms.push_back(u.parent->predicate);
    }
    Expr either = terms.size() == 1 ? std::move(terms[0]) : Expr::Call(Fn::Or, Type::Bool, std::move(terms));
    ChangeSubplan(subplan, [&](std::unique_ptr<Op> tree) { return MakeFilter(std::move(tree), {std::move(either)}); });
  }
  std::set<int> used;
  for (const Use& u : uses) {
    const Op* reader = u.parent;
    if (reader && reader->kind == OpKind::Filter) {
      CollectColumns(reader->predicate, used);
      reader = u.grandparent;
    }
    if (!reader || reader->kind != OpKind::Project) return;  // it may read every column
    for (const Expr& e : reader->exprs) CollectColumns(e, used);
  }
  if (used.empty() && !subplan.schema.empty()) used.insert(0);  // keep rows countable
  if (used.size() == subplan.schema.size()) return;
  std::vector<int> new_index(subplan.schema.size(), -1), columns;
  for (int c : used) {
    new_index[c] = static_cast<int>(columns.size());
    columns.push_back(c);
  }
  ChangeSubplan(subplan, [&](std::unique_ptr<Op> tree) {
    NarrowTo(tree, columns);
    return tree;
  });
  for (const Use& u : uses) {
    u.node->schema = subplan.schema;
    Op* reader = u.parent;
    if (reader->kind == OpKind::Filter) {
      Renumber(reader->predicate, new_index);
      reader->schema = subplan.schema;
      reader = u.grandparent;
    }
    for (Expr& e : reader->exprs) Renumber(e, new_index);
  }
}

}  // namespace

std::unique_ptr<Op> Optimize(std::unique_ptr<Op> op) {
  op = OptimizeTree(std::move(op));
  // Then each shared subplan, once every tree that uses it is optimised (its uses' filters and
  // projections are final): the query's tree first, a subplan after those that use it.
  std::vector<Op*> subplans;  // every shared subplan, found through the uses
  for (size_t i = 0; i <= subplans.size(); ++i) {
    for (const Use& u : UsesIn(i == 0 ? *op : *subplans[i - 1])) {
      if (std::find(subplans.begin(), subplans.end(), u.node->shared.get()) == subplans.end()) {
        subplans.push_back(u.node->shared.get());
      }
    }
  }
  std::vector<Op*> done;
  while (done.size() < subplans.size()) {
    for (Op* subplan : subplans) {
      if (std::find(done.begin(), done.end(), subplan) != done.end()) continue;
      // Its uses, in the query's tree and in the other subplans; it waits for those not done.
      std::vector<Use> uses;
      bool ready = true;
      for (size_t i = 0; i <= subplans.size(); ++i) {
        Op* tree = i == 0 ? op.get() : subplans[i - 1];
        for (const Use& u : UsesIn(*tree)) {
          if (u.node->shared.get() != subplan) continue;
          ready = ready && (i == 0 || std::find(done.begin(), done.end(), tree) != done.end());
          uses.push_back(u);
        }
      }
      if (!ready) continue;
      NarrowShared(*subplan, uses);
      ChangeSubplan(*subplan, [](std::unique_ptr<Op> tree) { return OptimizeTree(std::move(tree)); });
      done.push_back(subplan);
    }
  }
  return op;
}

}  // namespace huntc::ir
