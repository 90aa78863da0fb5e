// The projection kernel (compiler/jit/projection.cpp) compiled hot and cold (KernelTier): the
// cold one is compiled with little optimisation and must compute the same values and nulls as the
// hot one, over a random batch with nulls, for selected rows in any order.
#include <algorithm>
#include <catch2/catch.hpp>
#include <random>

#include "compiler/driver/compile.h"
#include "tests/unit/run_util.h"

using namespace huntc;

namespace {

using ir::Expr;
using ir::Fn;
using ir::Value;

// The outputs of `exprs` over the rows `selection` of `columns`, computed by a kernel of `tier`,
// as the bytes of each output's values (null rows zeroed: their value is not defined) and its
// validity.
std::vector<std::pair<std::string, std::vector<uint8_t>>> Project(
    const std::vector<const Expr*>& exprs, const std::vector<ColumnSpec>& specs,
    const std::vector<Column>& columns, const std::vector<uint32_t>& selection, KernelTier tier) {
  KernelObjects objects;
  std::string error;
  const ProjectKernel kernel =
      test::TestJit().CompileProjection(exprs, specs, objects, nullptr, error, tier);
  INFO(error);
  REQUIRE(kernel);
  std::vector<ColumnView> views;
  for (const Column& c : columns) views.push_back(c.View());
  std::vector<Column> out;
  std::vector<ColumnOutput> outputs;
  for (const Expr* e : exprs) out.emplace_back(e->type);
  for (Column& c : out) outputs.push_back(c.Resize(selection.size()));
  const KernelContext context{0, objects.table.data()};
  kernel(views.data(), static_cast<uint32_t>(selection.size()), selection.data(), &context,
         outputs.data());
  std::vector<std::pair<std::string, std::vector<uint8_t>>> result;
  for (size_t k = 0; k < exprs.size(); ++k) {
    const size_t width = exprs[k]->type == Type::Bool ? 1 : 8;
    const auto* values = static_cast<const char*>(out[k].View().values);
    std::string bytes;
    std::vector<uint8_t> valid(out[k].View().valid, out[k].View().valid + selection.size());
    for (size_t i = 0; i < selection.size(); ++i) {
      bytes += valid[i] ? std::string(values + i * width, width) : std::string(width, '\0');
    }
    result.emplace_back(std::move(bytes), std::move(valid));
  }
  return result;
}

}  // namespace

TEST_CASE("projection kernel: hot and cold compute the same values and nulls", "[jit]") {
  std::mt19937 random(12);
  const size_t rows = 1500;
  std::vector<ColumnSpec> specs{{"a", Type::Long}, {"b", Type::Real}, {"c", Type::Long}};
  std::vector<Column> columns{Column(Type::Long), Column(Type::Real), Column(Type::Long)};
  // About a quarter of each column's rows are null.
  const auto null = [&] { return random() % 4 == 0; };
  for (size_t i = 0; i < rows; ++i) {
    if (null()) {
      columns[0].AppendNull();
    } else {
      columns[0].AppendLong(static_cast<int64_t>(random() % 2000) - 1000);
    }
    if (null()) {
      columns[1].AppendNull();
    } else {
      columns[1].AppendReal(static_cast<double>(random() % 1000) / 8.0);
    }
    if (null()) {
      columns[2].AppendNull();
    } else {
      columns[2].AppendLong(static_cast<int64_t>(random() % 7) - 3);
    }
  }
  const Expr a = Expr::Column(0, Type::Long);
  const Expr b = Expr::Column(1, Type::Real);
  const Expr c = Expr::Column(2, Type::Long);
  const Expr sum = Expr::Call(Fn::Add, Type::Long, {a, c});
  const Expr scaled = Expr::Call(Fn::Mul, Type::Real, {b, Expr::Constant(Value::Real(2.5))});
  const Expr above =
      Expr::Call(Fn::Gt, Type::Bool, {a, Expr::Constant(Value::Integer(Type::Long, 100))});
  const Expr either =
      Expr::Call(Fn::Iff, Type::Long, {above, sum, Expr::Call(Fn::Sub, Type::Long, {a, c})});
  const std::vector<const Expr*> exprs{&sum, &scaled, &above, &either};
  // Every row, and a random selection of rows out of order with repeats.
  std::vector<uint32_t> all(rows);
  for (size_t i = 0; i < rows; ++i) all[i] = static_cast<uint32_t>(i);
  std::vector<uint32_t> some;
  for (size_t i = 0; i < 700; ++i) some.push_back(static_cast<uint32_t>(random() % rows));
  for (const auto* selection : {&all, &some}) {
    const auto hot = Project(exprs, specs, columns, *selection, KernelTier::Hot);
    const auto cold = Project(exprs, specs, columns, *selection, KernelTier::Cold);
    for (size_t k = 0; k < exprs.size(); ++k) {
      INFO("output " << k);
      CHECK(cold[k].second == hot[k].second);
      CHECK(cold[k].first == hot[k].first);
      // Nulls propagate: some rows of each output are null, some not.
      CHECK(std::count(hot[k].second.begin(), hot[k].second.end(), 0) > 0);
      CHECK(std::count(hot[k].second.begin(), hot[k].second.end(), 1) > 0);
    }
  }
}
