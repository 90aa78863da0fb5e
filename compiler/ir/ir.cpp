// Comparison, hashing and printing of IR operators.
#include "compiler/ir/ir.h"

#include <functional>

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
      exprs != other.exprs || (input == nullptr) != (other.input == nullptr)) {
    return false;
  }
  return !input || *input == *other.input;
}

size_t Op::Hash() const {
  size_t h = Mix(static_cast<size_t>(kind), std::hash<std::string>()(table));
  for (const ColumnSpec& c : schema) h = Mix(Mix(h, std::hash<std::string>()(c.name)), static_cast<size_t>(c.type));
  for (const std::string& c : source_columns) h = Mix(h, std::hash<std::string>()(c));
  h = Mix(h, predicate.Hash());
  for (const Expr& e : exprs) h = Mix(h, e.Hash());
  return input ? Mix(h, input->Hash()) : h;
}

std::string Op::ToString() const {
  std::string out;
  int depth = 0;
  for (const Op* op = this; op; op = op->input.get(), ++depth) {
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
      case OpKind::Project: {
        out += "Project [";
        for (size_t i = 0; i < op->exprs.size(); ++i) {
          out += fmt::format("{}{}={}", i ? ", " : "", op->schema[i].name, op->exprs[i].ToString());
        }
        out += "]\n";
        break;
      }
    }
  }
  return out;
}

}  // namespace huntc::ir
