// The runtime plan: the physical operators the reference interpreter runs, and how a compiler
// builds them.
//
// A plan is a tree of PlanNodes (closed kinds, Is/As, printable). The compiler turns its logical
// operators (compiler/ir) into these nodes with the builder functions below; Execution then
// instantiates one Operator per node and data flows bottom-up, push-based: a source hands a
// Batch to its consumer, each operator processes the batch as a whole (expressions are
// evaluated column-at-a-time by runtime/exec/eval.h, filters produce selection vectors, never
// per-row virtual calls) and pushes its result rows on. Streaming operators (Filter, Project,
// Limit, MvExpand, Window, Union, the probe side of HashJoin) hold at most a batch (plus, for
// Window, the few rows prev/next look at), so memory stays flat however large the archive.
// Blocking operators hold what their result needs and no more: Aggregate one state per group,
// HashJoin its build (right) side, Sort its input, Top its N best rows, Distinct its distinct
// rows, Count a counter.
//
// Building a plan (every builder takes ownership of its inputs and computes the node's output
// schema; expressions index the input's columns, see runtime/exec/expr.h):
//
//   auto scan = Scan("DeviceProcessEvents", {{"Timestamp", Type::DateTime}, {"FileName", Type::String}});
//   auto where = Filter(std::move(scan), Expr::Call(Fn::Has, Type::Bool, {Expr::Column(1, Type::String), ...}));
//   auto proj = Project(std::move(where), {{"Name", Expr::Column(1, Type::String)}});
//
//   Scan(table, columns)           reads the table's columns (by exact JSON key) from its inputs
//   Datatable(schema, rows)        constant rows (one Value per column per row)
//   Filter(in, predicate)          keeps rows where the predicate is true (a compiler may add
//                                  a kernel for it afterwards: FilterNode::kernel)
//   Project(in, {name, expr}...)   computed columns; `extend` = the input columns (Column(i))
//                                  followed by the new ones, a replaced column in its place
//   Aggregate(in, keys, aggs)      summarize: keys are named expressions (bin(...) included);
//                                  output = the keys, then each aggregate's columns. Without
//                                  keys, empty input still gives one row (count 0, sets [], ...)
//   HashJoin(left, right, kind, left_keys, right_keys, left_out, right_out)
//                                  equality on the key columns (indexes, pairwise; nulls never
//                                  match); output = left_out columns then right_out columns,
//                                  named by the compiler (the `1` suffixes of clashes are its
//                                  job); semi/anti kinds output one side only
//   Union(inputs)                  inputs already projected to one schema; UNION ALL
//   Sort(in, keys)                 SortKey{column, descending, nulls_first}; Asc/Desc give
//                                  KQL's null placement (asc: nulls first, desc: nulls last)
//   Top(in, n, keys[, groups])     the first n rows of Sort(in, keys), keeping only n rows; with
//                                  groups, the first n of each group (holding all rows)
//   Limit(in, n)                   the first n rows that arrive
//   Distinct(in, columns)          one row per distinct combination of the columns (first seen)
//   Count(in, name)                one row, one long column: the number of input rows
//   MvExpand(in, columns, limit, index_name)
//                                  each listed dynamic column expands arrays (and bags) into
//                                  rows, in lock-step; `to` types the expanded values
//   Window(in, functions)          serialize + row_number/prev/next as appended columns
//   MvApply(in, subplan, kept)     mv-apply: per input row, `subplan` runs over that row alone
//                                  (its one source is an ApplyInput of in's schema, usually
//                                  followed by the MvExpand of the row's arrays); output = the
//                                  `kept` input columns, then the subplan's columns, once per
//                                  subplan result row (none when it returns nothing)
//   ApplyInput(schema)             the source of an mv-apply subplan: the current input row
//   MakeSeries(in, keys, spec)     make-series over pre-aggregated rows (see MakeSeriesNode)
//   Shared(subplan, id)            the rows of a subplan several nodes read (materialize(), a
//                                  `let` table used twice): each use is a Shared node holding
//                                  the same subplan, which runs once; its result rows are kept
//                                  (memory: that result) and fed to every use in turn
//
// Running: RunPlan (runtime/exec/run.h) feeds Scan nodes from JSON-lines files and collects
// the result into a Batch or writes it as detections.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/batch.h"
#include "runtime/exec/expr.h"
#include "runtime/kernel.h"

namespace huntc::exec {

enum class PlanKind : uint8_t {
  Scan, Datatable, Filter, Project, Aggregate, HashJoin, Union, Sort, Top, Limit, Distinct, Count,
  MvExpand, Window, MvApply, ApplyInput, MakeSeries, Shared,
};

std::string_view PlanKindName(PlanKind kind);

struct PlanNode {
  PlanKind kind;
  std::vector<ColumnSpec> schema;  // output columns
  std::vector<std::unique_ptr<PlanNode>> inputs;

  explicit PlanNode(PlanKind k) : kind(k) {}
  virtual ~PlanNode() = default;
  template <class T> bool Is() const { return kind == T::kKind; }
  template <class T> const T* As() const { return Is<T>() ? static_cast<const T*>(this) : nullptr; }
  template <class T> T* As() { return Is<T>() ? static_cast<T*>(this) : nullptr; }

  // One node per line, the result first, inputs indented (`--dump plan`).
  std::string ToString() const;
};

using PlanPtr = std::unique_ptr<PlanNode>;

struct NamedExpr {
  std::string name;
  Expr expr;
};

struct ScanNode : PlanNode {
  static constexpr PlanKind kKind = PlanKind::Scan;
  ScanNode() : PlanNode(kKind) {}
  std::string table;  // schema names are the JSON keys read
};

struct DatatableNode : PlanNode {
  static constexpr PlanKind kKind = PlanKind::Datatable;
  DatatableNode() : PlanNode(kKind) {}
  std::vector<std::vector<Value>> rows;
};

struct FilterNode : PlanNode {
  static constexpr PlanKind kKind = PlanKind::Filter;
  FilterNode() : PlanNode(kKind) {}
  Expr predicate;
  // A compiled form of `predicate` (runtime/kernel.h), set by a compiler for a filter directly
  // above a Scan; used on whole batches (what a Scan delivers), `predicate` on anything else.
  FilterKernel kernel = nullptr;
  const void* const* kernel_objects = nullptr;
  // Instead of `kernel`, a compiler may give one compiled when first used (then `kernel` is null).
  std::shared_ptr<LazyFilterKernel> lazy_kernel;
  // For a filter whose input is not a Scan (a join's, a summarize's, an mv-expand's rows): a
  // compiled form of `predicate` as a projection kernel of one bool column over the rows handed
  // in; those where it is true pass. It takes `kernel_objects`.
  ProjectKernel row_kernel = nullptr;

  // Whether the filter has a kernel (or will have one when first used).
  bool compiled() const { return kernel || lazy_kernel; }
};

struct ProjectNode : PlanNode {
  static constexpr PlanKind kKind = PlanKind::Project;
  ProjectNode() : PlanNode(kKind) {}
  std::vector<Expr> exprs;  // one per output column
  // A compiled form of some of `exprs` (runtime/kernel.h), set by a compiler: the outputs of
  // `kernel` are, in order, the exprs[i] with compiled[i]; the others are interpreted.
  ProjectKernel kernel = nullptr;
  const void* const* kernel_objects = nullptr;
  // Instead of `kernel`, beside `fused`: one compiled when first used, for rows selected already
  // (by a pack scan stage, or by the filter's operator when `fused` cannot be compiled).
  std::shared_ptr<LazyProjectKernel> lazy_kernel;
  std::vector<bool> compiled;
  // With `kernel` (or `lazy_kernel`), when the input is a compiled filter over a Scan: that
  // filter's kernel and the projection fused (runtime/kernel.h ScanKernel), compiled at the first
  // batch it is run on; the Scan then feeds this Project, whose operator runs the filter itself
  // (Execution::Build).
  std::shared_ptr<LazyScanKernel> fused;
};

// Whether a Project outputs its input's columns, names and types as they are (what the optimiser
// leaves over a scan it pruned to the columns a summarize reads): its operator hands its input
// rows on without copying them, and what holds for its input holds above it.
bool IsIdentity(const ProjectNode& project);

enum class AggKind : uint8_t {
  Count,       // count(): rows
  CountIf,     // countif(p)
  Sum, SumIf,  // long for integer arguments, real otherwise; 0 on empty input
  Avg, AvgIf,  // real
  Min, Max, MinIf, MaxIf,
  DCount, DCountIf,        // HyperLogLog estimate; exact for small sets
  MakeSet, MakeSetIf,      // dynamic array of distinct values, at most `limit`
  MakeList, MakeListIf,    // dynamic array of values in input order, at most `limit`
  MakeBag, MakeBagIf,      // dynamic bag: the union of the property bags
  ArgMax, ArgMin,          // the row with the max/min args[0]; outputs = extra columns
  TakeAny,                 // any/take_any: some non-null value
  Stdev, StdevIf, Variance, VarianceIf,  // sample statistics, real
  Percentile,              // exact nearest-rank percentile `param` (keeps the group's values)
};

std::string_view AggKindName(AggKind kind);
// Whether the kind is a conditional one (countif, sumif, ...), whose last argument is its predicate.
bool IsConditional(AggKind kind);

// One aggregate of a summarize. The argument list is the value (if any), then for the *If kinds
// the predicate last. The aggregate yields one column (named by the compiler), except ArgMax and
// ArgMin, which yield the value and then one column per `outputs` expression.
struct AggregateSpec {
  AggKind kind = AggKind::Count;
  std::vector<Expr> args;
  int64_t limit = 1048576;    // make_set/make_list: the size cap
  double param = 0;           // percentile: which (0..100); dcount uses accuracy level 1 always
  std::vector<Expr> outputs;  // arg_max/arg_min: the other columns of the row (`*` expanded)
  std::vector<std::string> names;  // one per output column
};

// The output types of an aggregate, from its kind and argument types.
std::vector<Type> AggregateOutputTypes(const AggregateSpec& spec);

struct AggregateNode : PlanNode {
  static constexpr PlanKind kKind = PlanKind::Aggregate;
  AggregateNode() : PlanNode(kKind) {}
  std::vector<NamedExpr> keys;
  std::vector<AggregateSpec> aggregates;
  // A compiled form of the keys and aggregates (runtime/kernel.h), set by a compiler; the group
  // table it fills has the layout exec::AggLayout::Of gives (runtime/exec/agg_table.h).
  AggregateKernel kernel = nullptr;
  const void* const* kernel_objects = nullptr;
};

enum class JoinKind : uint8_t {
  InnerUnique,  // KQL's default: one left row per distinct key, then inner
  Inner, LeftOuter, RightOuter, FullOuter, LeftSemi, LeftAnti, RightSemi, RightAnti,
};

std::string_view JoinKindName(JoinKind kind);

struct HashJoinNode : PlanNode {
  static constexpr PlanKind kKind = PlanKind::HashJoin;
  HashJoinNode() : PlanNode(kKind) {}
  JoinKind join_kind = JoinKind::InnerUnique;
  std::vector<int> left_keys, right_keys;
  std::vector<int> left_out, right_out;
};

struct UnionNode : PlanNode {
  static constexpr PlanKind kKind = PlanKind::Union;
  UnionNode() : PlanNode(kKind) {}
};

struct SortKey {
  int column = 0;
  bool descending = true;
  bool nulls_first = false;

  static SortKey Asc(int c) { return {c, false, true}; }
  static SortKey Desc(int c) { return {c, true, false}; }
};

struct SortNode : PlanNode {
  static constexpr PlanKind kKind = PlanKind::Sort;
  SortNode() : PlanNode(kKind) {}
  std::vector<SortKey> keys;
};

struct TopNode : PlanNode {
  static constexpr PlanKind kKind = PlanKind::Top;
  TopNode() : PlanNode(kKind) {}
  uint64_t count = 0;
  std::vector<SortKey> keys;
  std::vector<int> groups;  // when given, the best `count` rows of each distinct combination of
                            // these columns (top-nested's levels), in group order
};

struct LimitNode : PlanNode {
  static constexpr PlanKind kKind = PlanKind::Limit;
  LimitNode() : PlanNode(kKind) {}
  uint64_t count = 0;
};

struct DistinctNode : PlanNode {
  static constexpr PlanKind kKind = PlanKind::Distinct;
  DistinctNode() : PlanNode(kKind) {}
  std::vector<int> columns;  // the output columns, in order
};

struct CountNode : PlanNode {
  static constexpr PlanKind kKind = PlanKind::Count;
  CountNode() : PlanNode(kKind) {}
};

struct MvExpandColumn {
  int column = 0;               // a dynamic column of the input
  Type to = Type::Dynamic;      // `to typeof(T)`
  bool bag_as_array = false;    // kind=array: a bag entry becomes [key, value], else {key: value}
};

struct MvExpandNode : PlanNode {
  static constexpr PlanKind kKind = PlanKind::MvExpand;
  MvExpandNode() : PlanNode(kKind) {}
  std::vector<MvExpandColumn> columns;
  uint64_t limit = 2147483647;  // rows per input row
  bool with_index = false;      // appends a long column: the item's 0-based index
};

enum class WindowKind : uint8_t { RowNumber, Prev, Next };

struct WindowFunction {
  WindowKind kind = WindowKind::RowNumber;
  std::string name;
  Expr arg;              // prev/next: the value taken from the other row
  int64_t offset = 1;    // prev/next: how many rows away; row_number: the first number
  Value fallback;        // prev/next: the value when there is no such row (null by default)
};

struct WindowNode : PlanNode {
  static constexpr PlanKind kKind = PlanKind::Window;
  WindowNode() : PlanNode(kKind) {}
  std::vector<WindowFunction> functions;  // appended after the input columns
};

struct MvApplyNode : PlanNode {
  static constexpr PlanKind kKind = PlanKind::MvApply;
  MvApplyNode() : PlanNode(kKind) {}
  std::unique_ptr<PlanNode> subplan;  // not an input: instantiated once per input row
  std::vector<int> kept;              // the input columns output before the subplan's
};

struct ApplyInputNode : PlanNode {
  static constexpr PlanKind kKind = PlanKind::ApplyInput;
  ApplyInputNode() : PlanNode(kKind) {}
};

// make-series over the rows of an Aggregate by (keys..., bin start) computing each series'
// value per bin: one output row per distinct key combination holding, per aggregate, an array
// with one value per bin of the axis (`defaults` where a bin has no rows), and last the axis
// (the bins' start values). The axis runs from `from` (else the smallest bin seen) while below
// `to` (else up to the largest bin seen) in steps of `step`; bins outside it are dropped.
struct MakeSeriesNode : PlanNode {
  static constexpr PlanKind kKind = PlanKind::MakeSeries;
  MakeSeriesNode() : PlanNode(kKind) {}
  size_t keys = 0;              // the input's first columns: the by keys; then the bin start
  Expr from, to;                // of the bin column's type (long, real, datetime, timespan), over
                                // no column (constants, now()): evaluated once; null if omitted
  Value step;                   // of the bin column's type; timespan for datetime
  std::vector<Value> defaults;  // one per aggregate column (the columns after the bin)
  bool nonempty = false;        // kind=nonempty: with no keys, an empty input gives one row of
                                // defaults over the axis from `from` to `to`
};

struct SharedNode : PlanNode {
  static constexpr PlanKind kKind = PlanKind::Shared;
  SharedNode() : PlanNode(kKind) {}
  std::shared_ptr<PlanNode> subplan;  // not an input: one subplan, however many uses hold it
  int id = 0;                         // names the subplan in the printed plan
};

// Builders (see the header comment).
PlanPtr Scan(std::string table, std::vector<ColumnSpec> columns);
PlanPtr Datatable(std::vector<ColumnSpec> schema, std::vector<std::vector<Value>> rows);
PlanPtr Filter(PlanPtr input, Expr predicate);
PlanPtr Project(PlanPtr input, std::vector<NamedExpr> columns);
PlanPtr Aggregate(PlanPtr input, std::vector<NamedExpr> keys, std::vector<AggregateSpec> aggregates);
PlanPtr HashJoin(PlanPtr left, PlanPtr right, JoinKind kind, std::vector<int> left_keys,
                 std::vector<int> right_keys, std::vector<int> left_out, std::vector<int> right_out,
                 std::vector<std::string> names);
PlanPtr Union(std::vector<PlanPtr> inputs);
PlanPtr Sort(PlanPtr input, std::vector<SortKey> keys);
PlanPtr Top(PlanPtr input, uint64_t count, std::vector<SortKey> keys, std::vector<int> groups = {});
PlanPtr Limit(PlanPtr input, uint64_t count);
PlanPtr Distinct(PlanPtr input, std::vector<int> columns);
PlanPtr Count(PlanPtr input, std::string name = "Count");
PlanPtr MvExpand(PlanPtr input, std::vector<MvExpandColumn> columns, uint64_t limit = 2147483647,
                 std::string index_name = "");
PlanPtr Window(PlanPtr input, std::vector<WindowFunction> functions);
PlanPtr MvApply(PlanPtr input, PlanPtr subplan, std::vector<int> kept);
PlanPtr ApplyInput(std::vector<ColumnSpec> schema);
// names: the output names (keys, series, axis).
PlanPtr MakeSeries(PlanPtr input, size_t keys, Expr from, Expr to, Value step, std::vector<Value> defaults,
                   std::vector<std::string> names, bool nonempty = false);
PlanPtr Shared(std::shared_ptr<PlanNode> subplan, int id);

}  // namespace huntc::exec
