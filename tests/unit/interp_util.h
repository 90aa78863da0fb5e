// Helpers for the interpreter's tests: constants, evaluating one expression, running a plan over
// Datatable sources and rendering result rows as text.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "runtime/exec/eval.h"
#include "runtime/exec/execution.h"
#include "runtime/output.h"

namespace huntc::exec::testing {

inline Expr Str(std::string s) { return Expr::Constant(Value::String(std::move(s))); }
inline Expr Lng(int64_t v) { return Expr::Constant(Value::Integer(Type::Long, v)); }
inline Expr Int(int64_t v) { return Expr::Constant(Value::Integer(Type::Int, v)); }
inline Expr Bool(bool v) { return Expr::Constant(Value::Integer(Type::Bool, v)); }
inline Expr Real(double v) { return Expr::Constant(Value::Real(v)); }
inline Expr Dyn(std::string json) { return Expr::Constant(Value::Dynamic(std::move(json))); }
inline Expr Null(Type t) { return Expr::Constant(Value::Null(t)); }
inline Expr Dt(const char* iso) { return Expr::Constant(Value::Integer(Type::DateTime, *ParseDateTime(iso))); }
inline Expr Ts(int64_t ticks) { return Expr::Constant(Value::Integer(Type::TimeSpan, ticks)); }
inline Expr Col(int i, Type t) { return Expr::Column(i, t); }
inline Expr F(Fn fn, Type t, std::vector<Expr> args) { return Expr::Call(fn, t, std::move(args)); }

constexpr int64_t kHour = 3600 * kTicksPerSecond;

// A cell as JSON text (null as `null`), as detections print it.
inline std::string Render(const Column& c, size_t row) {
  std::string out;
  AppendJsonValue(out, c, row);
  return out;
}

// The value of a constant expression (evaluated over one row), rendered.
inline std::string Eval(const Expr& e, int64_t now = 0) {
  Evaluator evaluator(now);
  Batch one;
  one.row_count = 1;
  const Column c = evaluator.Evaluate(e, RowSet{&one, nullptr, 1});
  return Render(c, 0);
}

// Whether a constant expression evaluates to null.
inline bool IsNullResult(const Expr& e) {
  Evaluator evaluator(0);
  Batch one;
  one.row_count = 1;
  return evaluator.Evaluate(e, RowSet{&one, nullptr, 1}).IsNull(0);
}

// A row per line: its cells rendered, separated by " | ".
inline std::vector<std::string> Rows(const Batch& b, bool sorted = false) {
  std::vector<std::string> rows;
  for (size_t r = 0; r < b.rows(); ++r) {
    std::string line;
    for (size_t c = 0; c < b.columns.size(); ++c) {
      if (c) line += " | ";
      line += Render(b.columns[c], r);
    }
    rows.push_back(line);
  }
  if (sorted) std::sort(rows.begin(), rows.end());
  return rows;
}

// Runs a plan whose sources are Datatables and collects its result.
inline Batch Run(const PlanNode& plan, int64_t now = 0) {
  CollectSink sink(plan.schema);
  Execution execution(plan, now, sink);
  for (size_t s = 0; s < execution.source_count(); ++s) execution.Replay(s);
  return sink.result();
}

inline Value L(int64_t v) { return Value::Integer(Type::Long, v); }
inline Value S(std::string s) { return Value::String(std::move(s)); }
inline Value D(std::string json) { return Value::Dynamic(std::move(json)); }
inline Value N(Type t) { return Value::Null(t); }
inline Value R(double v) { return Value::Real(v); }

}  // namespace huntc::exec::testing
