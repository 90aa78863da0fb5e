// Comparison, hashing and printing of IR operators.
#include "compiler/ir/ir.h"

#include <functional>
#include <set>

#include <fmt/format.h>

namespace huntc::ir {

namespace {

size_t Mix(size_t seed, size_t v) { return exec::HashMix(seed, v); }

}  // namespace

bool Op::operator==(const Op& other) const {
  auto same_specs = [](const std::vector<ColumnSpec>& a, const std::vector<ColumnSpec>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (a[i].name != b[i].name || a[i].type != b[i].type) return false;
    }
    return true;
  };
  if (kind != other.kind || !same_specs(schema, other.schema) || table != other.table ||
      source_columns != other.source_columns || !(predicate == other.predicate) ||
      exprs != other.exprs || Parameters() != other.Parameters() ||
      (input == nullptr) != (other.input == nullptr) || others.size() != other.others.size()) {
    return false;
  }
  for (size_t i = 0; i < others.size(); ++i) {
    if (!(*others[i] == *other.others[i])) return false;
  }
  // Two uses of one subplan are equal; so are uses of equal subplans (the id only names them).
  if (kind == OpKind::Shared && shared != other.shared && !(*shared == *other.shared)) return false;
  return !input || *input == *other.input;
}

size_t Op::Hash() const {
  size_t h = Mix(static_cast<size_t>(kind), std::hash<std::string>()(table));
  for (const ColumnSpec& c : schema) h = Mix(Mix(h, std::hash<std::string>()(c.name)), static_cast<size_t>(c.type));
  for (const std::string& c : source_columns) h = Mix(h, std::hash<std::string>()(c));
  h = Mix(h, predicate.Hash());
  for (const Expr& e : exprs) h = Mix(h, e.Hash());
  h = Mix(h, std::hash<std::string>()(Parameters()));
  for (const auto& o : others) h = Mix(h, o->Hash());
  if (shared) h = Mix(h, shared->Hash());
  return input ? Mix(h, input->Hash()) : h;
}

namespace {

std::string Indexes(const std::vector<int>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += fmt::format("{}#{}", i ? ", " : "", v[i]);
  return out;
}

std::string SortKeys(const std::vector<exec::SortKey>& keys) {
  std::string out;
  for (size_t i = 0; i < keys.size(); ++i) {
    out += fmt::format("{}#{} {}{}", i ? ", " : "", keys[i].column, keys[i].descending ? "desc" : "asc",
                       keys[i].nulls_first ? " nulls first" : " nulls last");
  }
  return out;
}

}  // namespace

std::string Op::Parameters() const {
  std::string out;
  switch (kind) {
    case OpKind::Scan: case OpKind::Filter: case OpKind::Project: case OpKind::Union:
    case OpKind::Count: case OpKind::ApplyInput:
      return out;
    case OpKind::Shared: return fmt::format("#{}", shared_id);
    case OpKind::MvApply: return fmt::format("kept [{}]", Indexes(columns));
    case OpKind::MakeSeries:
      out = fmt::format("keys {}", series_keys);
      for (const Expr& e : series_bounds) out += fmt::format(" {}", e.ToString());
      out += fmt::format(" step {}", ValueToString(series_step));
      for (const Value& v : series_defaults) out += fmt::format(" default {}", ValueToString(v));
      return series_nonempty ? out + " nonempty" : out;
    case OpKind::Datatable:
      for (const auto& row : rows) {
        out += "(";
        for (size_t i = 0; i < row.size(); ++i) out += fmt::format("{}{}", i ? " " : "", ValueToString(row[i]));
        out += ")";
      }
      return out;
    case OpKind::Aggregate:
      for (const exec::AggregateSpec& a : aggregates) {
        out += fmt::format(" ({}", exec::AggKindName(a.kind));
        for (const Expr& e : a.args) out += fmt::format(" {}", e.ToString());
        for (const Expr& e : a.outputs) out += fmt::format(" {}", e.ToString());
        if (a.kind == exec::AggKind::MakeSet || a.kind == exec::AggKind::MakeSetIf ||
            a.kind == exec::AggKind::MakeList || a.kind == exec::AggKind::MakeListIf) {
          out += fmt::format(" limit {}", a.limit);
        }
        if (a.kind == exec::AggKind::Percentile) out += fmt::format(" {}", a.param);
        out += ")";
      }
      return out;
    case OpKind::Join:
      return fmt::format("{} on left [{}] == right [{}] out left [{}] right [{}]",
                         exec::JoinKindName(join_kind), Indexes(left_keys), Indexes(right_keys),
                         Indexes(left_out), Indexes(right_out));
    case OpKind::Sort: return fmt::format("[{}]", SortKeys(sort_keys));
    case OpKind::Top:
      return fmt::format("{} [{}]{}", count, SortKeys(sort_keys),
                         columns.empty() ? "" : fmt::format(" per [{}]", Indexes(columns)));
    case OpKind::Limit: return fmt::format("{}", count);
    case OpKind::Distinct: return fmt::format("[{}]", Indexes(columns));
    case OpKind::MvExpand:
      for (const exec::MvExpandColumn& c : expand) {
        out += fmt::format("#{}:{}{} ", c.column, TypeName(c.to), c.bag_as_array ? " array" : "");
      }
      return out + fmt::format("limit {}{}", count, with_index ? " with_itemindex" : "");
    case OpKind::Window:
      for (const exec::WindowFunction& f : window) {
        static constexpr const char* kNames[] = {"row_number", "prev", "next"};
        out += fmt::format("({} {} {} {}) ", kNames[static_cast<int>(f.kind)], f.arg.ToString(),
                           f.offset, ValueToString(f.fallback));
      }
      return out;
  }
  return out;
}

namespace {

// `printed`: the shared subplans already printed, under an earlier use.
void Print(const Op* op, int depth, std::set<const Op*>& printed, std::string& out) {
  // Down the chain iteratively; only Join and Union inputs and shared subplans (bounded by the
  // query's nesting) recurse.
  for (; op; op = op->input.get(), ++depth) {
    out.append(static_cast<size_t>(depth) * 2, ' ');
    switch (op->kind) {
      case OpKind::Scan: {
        out += fmt::format("Scan {} [", op->table);
        for (size_t i = 0; i < op->source_columns.size(); ++i) {
          out += fmt::format("{}#{}={}:{}", i ? ", " : "", i, op->source_columns[i],
                             TypeName(op->schema[i].type));
        }
        out += "]\n";
        break;
      }
      case OpKind::Filter: out += fmt::format("Filter {}\n", op->predicate.ToString()); break;
      case OpKind::Project:
      case OpKind::Aggregate: {
        const bool project = op->kind == OpKind::Project;
        out += project ? "Project [" : "Aggregate by [";
        for (size_t i = 0; i < op->exprs.size(); ++i) {
          out += fmt::format("{}{}={}", i ? ", " : "", op->schema[i].name, op->exprs[i].ToString());
        }
        out += fmt::format("]{}\n", op->Parameters());
        break;
      }
      default: {
        static constexpr const char* kNames[] = {"Scan", "Filter", "Project", "Datatable", "Aggregate",
                                                 "Join", "Union", "Sort", "Top", "Limit", "Distinct",
                                                 "Count", "MvExpand", "Window", "MvApply", "ApplyInput",
                                                 "MakeSeries", "Shared"};
        out += fmt::format("{} {} ->", kNames[static_cast<int>(op->kind)], op->Parameters());
        for (const ColumnSpec& c : op->schema) out += fmt::format(" {}:{}", c.name, TypeName(c.type));
        out += "\n";
        break;
      }
    }
    for (const auto& other : op->others) Print(other.get(), depth + 1, printed, out);
    if (op->shared && printed.insert(op->shared.get()).second) Print(op->shared.get(), depth + 1, printed, out);
  }
}

}  // namespace

std::string Op::ToString() const {
  std::string out;
  std::set<const Op*> printed;
  Print(this, 0, printed, out);
  return out;
}

}  // namespace huntc::ir
