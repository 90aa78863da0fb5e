// Event-time handling for `huntc run`.
#include "tools/huntc/window.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "compiler/syntax/parser.h"
#include "runtime/event_reader.h"

namespace huntc {
namespace {

using namespace syntax;

struct Ref {
  const TableRef* ref;
  bool starts_pipeline;  // `T | where ...` may follow it without parentheses
};

// Every TableRef of a query, found with an explicit stack: subqueries nest as deep as written;
// and the names its lets and function parameters define, which hide tables of the same name.
std::vector<Ref> TableRefs(const Ast& ast, std::set<std::string>& defined) {
  std::vector<Ref> refs;
  std::vector<const Node*> stack = {ast.root};
  const auto push = [&](const Node* n) {
    if (n) stack.push_back(n);
  };
  // Where a pipeline may start: a pipeline's source, a let's value, the query's result.
  std::vector<const Node*> heads;
  const auto push_items = [&](const std::vector<NamedExpr>& items) {
    for (const NamedExpr& item : items) push(item.expr);
  };
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    switch (n->kind) {
      case Kind::TableRef:
        refs.push_back({n->As<TableRef>(), std::find(heads.begin(), heads.end(), n) != heads.end()});
        break;
      case Kind::Query:
        for (const Node* s : n->As<Query>()->statements) push(s);
        push(n->As<Query>()->result);
        heads.push_back(n->As<Query>()->result);
        break;
      case Kind::Let:
        defined.insert(n->As<Let>()->name.name);
        push(n->As<Let>()->value);
        heads.push_back(n->As<Let>()->value);
        break;
      case Kind::Lambda:
        for (const Param& param : n->As<Lambda>()->params) defined.insert(param.name.name);
        push(n->As<Lambda>()->body);
        break;
      case Kind::Pipeline:
        push(n->As<Pipeline>()->source);
        heads.push_back(n->As<Pipeline>()->source);
        for (const Operator* op : n->As<Pipeline>()->ops) push(op);
        break;
      case Kind::Union: for (const Node* t : n->As<Union>()->tables) push(t); break;
      case Kind::Find: for (const Node* t : n->As<Find>()->tables) push(t); break;
      case Kind::Join:
      case Kind::Lookup: push(static_cast<const JoinLike*>(n)->right); break;
      case Kind::MvApply: push(n->As<MvApply>()->subquery); break;
      case Kind::Partition: push(n->As<Partition>()->subquery); break;
      case Kind::Where: push(n->As<Where>()->predicate); break;
      case Kind::Extend:
      case Kind::Project: push_items(static_cast<const ItemsOperator*>(n)->items); break;
      case Kind::Summarize:
        push_items(n->As<Summarize>()->aggregates);
        push_items(n->As<Summarize>()->by);
        break;
      case Kind::Subquery: push(n->As<Subquery>()->query); break;
      case Kind::Binary: push(n->As<Binary>()->lhs); push(n->As<Binary>()->rhs); break;
      case Kind::Logical: for (const Expr* t : n->As<Logical>()->terms) push(t); break;
      case Kind::Unary: push(n->As<Unary>()->operand); break;
      case Kind::Call: for (const Expr* a : n->As<Call>()->args) push(a); break;
      case Kind::InList:
        push(n->As<InList>()->lhs);
        for (const Expr* i : n->As<InList>()->items) push(i);
        break;
      case Kind::NamedArg: push(n->As<NamedArg>()->value); break;
      default: break;  // no tabular expression inside
    }
  }
  std::sort(refs.begin(), refs.end(), [](const Ref& a, const Ref& b) { return a.ref->span.begin < b.ref->span.begin; });
  return refs;
}

}  // namespace

std::string TimeColumn(const TableSchema& table) {
  for (const char* name : {"Timestamp", "TimeGenerated"}) {
    const int i = table.Find(name);
    if (i >= 0 && table.columns[i].type == Type::DateTime) return name;
  }
  return "";
}

std::optional<int64_t> NewestEventTime(const std::vector<InputFile>& inputs, const Catalog& catalog,
                                       const ReadLimits& limits, bool& ok) {
  std::vector<TableColumns> tables;
  for (const std::string& name : catalog.TableNames()) {
    const std::string column = TimeColumn(*catalog.Find(name));
    if (!column.empty()) tables.push_back({name, {{column, Type::DateTime}}});
  }
  EventReader reader(std::move(tables), limits);
  std::optional<int64_t> newest;
  ReadStats stats;
  ok = true;
  for (const InputFile& input : inputs) {
    ok &= reader.Read({input.path, input.table},
                      [&](size_t, const Batch& batch) {
                        const Column& c = batch.columns[0];
                        for (size_t row = 0; row < c.size(); ++row) {
                          if (!c.IsNull(row) && (!newest || c.LongAt(row) > *newest)) newest = c.LongAt(row);
                        }
                      },
                      [](const InputIssue&) {}, stats);
  }
  return newest;
}

bool WindowQuery(const std::string& query, const TextOrigin& origin, const Catalog& catalog,
                 std::optional<int64_t> from, std::optional<int64_t> to, WindowedQuery& out) {
  Ast ast;
  if (!Parse(query, ast, [](Code, Span, std::string) {})) return false;
  out.text.clear();
  out.origin = TextOrigin(origin.file());
  out.unwindowed.clear();
  uint32_t at = 0;  // next byte of `query` to copy
  // Copies query bytes [at, end) keeping each byte's place in the file.
  const auto copy = [&](uint32_t end) {
    for (; at < end; ++at) {
      out.origin.AddRun(static_cast<uint32_t>(out.text.size()), origin.Map(at, at + 1).begin, 1);
      out.text += query[at];
    }
  };
  // Inserted text points at the table name it stands for.
  const auto insert = [&](const std::string& text, uint32_t near) {
    const uint32_t file_offset = origin.Map(near, near + 1).begin;
    for (size_t i = 0; i < text.size(); ++i) {
      out.origin.AddRun(static_cast<uint32_t>(out.text.size()), file_offset, 1);
      out.text += text[i];
    }
  };
  std::set<std::string> defined;
  for (const auto& [ref, starts_pipeline] : TableRefs(ast, defined)) {
    if (defined.count(ref->name)) continue;  // a let's rows: its own tables are windowed
    const TableSchema* table = ref->IsPattern() ? nullptr : catalog.Find(ref->name);
    const std::string column = table ? TimeColumn(*table) : "";
    if (column.empty()) {
      // A name that is no table (a let, a function) reads what its definition reads.
      if (ref->IsPattern() || table) out.unwindowed.push_back(ref->name);
      continue;
    }
    std::string bounds;
    if (from) bounds = fmt::format("{} >= datetime({})", column, FormatDateTime(*from));
    if (to) bounds += fmt::format("{}{} < datetime({})", bounds.empty() ? "" : " and ", column, FormatDateTime(*to));
    // `T | ops` becomes `T | where window | ops`; elsewhere (union legs, `join T`) the table
    // is wrapped: `(T | where window)`.
    copy(ref->span.begin);
    if (!starts_pipeline) insert("(", ref->span.begin);
    copy(ref->span.end);
    insert(fmt::format(" | where {}{}", bounds, starts_pipeline ? "" : ")"), ref->span.begin);
  }
  copy(static_cast<uint32_t>(query.size()));
  return true;
}

}  // namespace huntc
