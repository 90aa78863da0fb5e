// bench-match: has_any over command lines, one StrHas per literal versus one LiteralMatcher pass.
//
//   bench-match [--events 200000] [--sizes 1,2,4,8,10,16,100,1000] [--reps 3]
//
// Generates DeviceProcessEvents in memory, keeps their ProcessCommandLine values, and for each
// list size times `has_any` two ways on one core: the interpreter's loop (StrHas per literal
// until one matches) and runtime/literal_matcher.h (one Hyperscan scan per value). The lists
// start with strings real rules put in has_any lists, padded with made-up words that mostly do not
// occur, as in a hunt where few events match. Prints the best of --reps as rows per second, the
// matcher's build time, and the number of matching rows, which both ways must give alike. A
// second table times the interpreter on one batch of the values: `has_any` (which now uses the
// matcher) and an `or` of `contains` tests, evaluated as one operand versus test by test as the
// interpreter did before. It only prints figures; it asserts nothing about them.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <simdjson.h>

#include "runtime/exec/eval.h"
#include "runtime/literal_matcher.h"
#include "runtime/strings.h"
#include "runtime/types.h"
#include "tools/gen-events/generator.h"

using namespace huntc;

namespace {

std::vector<std::string> CommandLines(uint64_t events) {
  gen::GenOptions opt;
  opt.events = events;
  opt.now = *ParseDateTime("2026-11-20T00:00:00Z");
  opt.tables = {gen::Table::kDeviceProcessEvents};
  opt.columns = {"ProcessCommandLine"};
  std::vector<std::string> out;
  simdjson::dom::parser parser;
  gen::Generate(opt, [&](gen::Table, std::string_view chunk) {
    size_t at = 0;
    while (at < chunk.size()) {
      size_t end = chunk.find('\n', at);
      if (end == std::string_view::npos) end = chunk.size();
      std::string_view value;
      if (parser.parse(chunk.data() + at, end - at)["ProcessCommandLine"].get(value) == simdjson::SUCCESS) {
        out.emplace_back(value);
      }
      at = end + 1;
    }
    return true;
  });
  return out;
}

// `n` literals: strings from real has_any lists first, then made-up words.
std::vector<std::string> Literals(size_t n) {
  static const std::vector<std::string> real = {
      "bcdedit", "powershell.exe", "advfirewall", "wbadmin", "systemstatebackup", "shadowcopy delete",
      "recoveryenabled no", "cmd.exe", "wmic", "rundll32.exe", "iex", "-enc", "certutil", "mshta",
      "regsvr32", "bitsadmin", "DownloadString", "Invoke-WebRequest", "vssadmin", "schtasks"};
  std::vector<std::string> out;
  uint64_t state = 0x9e3779b97f4a7c15;
  for (size_t i = 0; i < n; ++i) {
    if (i < real.size()) {
      out.push_back(real[i]);
      continue;
    }
    std::string word;
    state = state * 6364136223846793005 + 1442695040888963407;
    const size_t length = 5 + (state >> 60) % 8;
    for (size_t k = 0; k < length; ++k) {
      state = state * 6364136223846793005 + 1442695040888963407;
      word += static_cast<char>('a' + (state >> 59) % 26);
    }
    out.push_back(std::move(word));
  }
  return out;
}

template <class F>
double BestSeconds(int reps, size_t& matched, F f) {
  double best = 1e300;
  for (int r = 0; r < reps; ++r) {
    const auto start = std::chrono::steady_clock::now();
    matched = f();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

// The interpreter over one batch of `values`: has_any, and an `or` of contains tests both ways.
void Interpreter(const std::vector<std::string>& values, const std::vector<size_t>& sizes, int reps) {
  using exec::Expr;
  Batch batch;
  batch.columns.emplace_back(Type::String);
  for (const std::string& v : values) batch.columns[0].AppendString(v);
  const exec::RowSet rows = exec::RowSet::All(batch);
  const auto count_true = [](const Column& c) {
    size_t m = 0;
    for (size_t r = 0; r < c.size(); ++r) m += !c.IsNull(r) && c.BoolAt(r);
    return m;
  };
  fmt::print("\ninterpreter, one batch of {} rows\n", values.size());
  fmt::print("{:>9} {:>16} {:>18} {:>18} {:>8}\n", "literals", "has_any rows/s", "or-contains rows/s",
             "one by one rows/s", "speedup");
  for (size_t n : sizes) {
    std::vector<Expr> list = {Expr::Column(0, Type::String)}, terms;
    for (const std::string& t : Literals(n)) {
      list.push_back(Expr::Constant(exec::Value::String(t)));
      terms.push_back(Expr::Call(exec::Fn::Contains, Type::Bool,
                                 {Expr::Column(0, Type::String), Expr::Constant(exec::Value::String(t))}));
    }
    const Expr has_any = Expr::Call(exec::Fn::HasAny, Type::Bool, list);
    const Expr any = terms.size() == 1 ? terms[0] : Expr::Call(exec::Fn::Or, Type::Bool, terms);
    exec::Evaluator evaluator(0);
    size_t has_any_matched = 0, fused_matched = 0, split_matched = 0;
    const double t_has_any =
        BestSeconds(reps, has_any_matched, [&] { return count_true(evaluator.Evaluate(has_any, rows)); });
    const double fused = BestSeconds(reps, fused_matched, [&] { return count_true(evaluator.Evaluate(any, rows)); });
    // What the interpreter did before: each test over the batch, then the `or` of the columns.
    const double split = BestSeconds(reps, split_matched, [&] {
      std::vector<uint8_t> hit(values.size(), 0);
      for (const Expr& t : terms) {
        const Column c = evaluator.Evaluate(t, rows);
        for (size_t r = 0; r < c.size(); ++r) hit[r] |= c.BoolAt(r);
      }
      return static_cast<size_t>(std::count(hit.begin(), hit.end(), 1));
    });
    if (fused_matched != split_matched) {
      fmt::print(stderr, "bench-match: or of {} contains: {} rows one pass, {} test by test\n", n, fused_matched,
                 split_matched);
    }
    fmt::print("{:>9} {:>16.0f} {:>18.0f} {:>18.0f} {:>7.1f}x\n", n, values.size() / t_has_any,
               values.size() / fused, values.size() / split, split / fused);
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Measures has_any: one StrHas per literal versus one multi-literal pass."};
  uint64_t events = 200'000;
  std::vector<size_t> sizes = {1, 2, 4, 8, 10, 16, 100, 1000};
  int reps = 3;
  app.add_option("--events", events, "Number of generated events")->capture_default_str();
  app.add_option("--sizes", sizes, "Literal list sizes")->delimiter(',')->capture_default_str();
  app.add_option("--reps", reps, "Runs of each; the best is shown")->check(CLI::Range(1, 100))->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  const std::vector<std::string> values = CommandLines(events);
  size_t bytes = 0;
  for (const std::string& v : values) bytes += v.size();
  fmt::print("{} command lines, {:.1f} bytes on average\n", values.size(),
             values.empty() ? 0.0 : double(bytes) / values.size());
  fmt::print("{:>9} {:>16} {:>16} {:>8} {:>12} {:>9}\n", "literals", "loop rows/s", "matcher rows/s", "speedup",
             "build ms", "matched");
  for (size_t n : sizes) {
    const std::vector<std::string> needles = Literals(n);
    std::vector<LiteralMatcher::Literal> literals;
    for (const std::string& t : needles) literals.push_back({t, LiteralMatcher::Mode::Term, false});
    std::string error;
    const auto build_start = std::chrono::steady_clock::now();
    const auto matcher = LiteralMatcher::Create(std::move(literals), error);
    const double build =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - build_start).count();
    if (!matcher) {
      fmt::print(stderr, "bench-match: {}\n", error);
      return 1;
    }
    size_t loop_matched = 0, matcher_matched = 0;
    const double loop = BestSeconds(reps, loop_matched, [&] {
      size_t m = 0;
      for (const std::string& v : values) {
        m += std::any_of(needles.begin(), needles.end(), [&](const std::string& t) { return StrHas(v, t, false); });
      }
      return m;
    });
    const double fast = BestSeconds(reps, matcher_matched, [&] {
      size_t m = 0;
      for (const std::string& v : values) m += matcher->MatchesAny(v);
      return m;
    });
    if (loop_matched != matcher_matched) {
      fmt::print(stderr, "bench-match: {} literals: the loop matched {} rows, the matcher {}\n", n, loop_matched,
                 matcher_matched);
      return 1;
    }
    fmt::print("{:>9} {:>16.0f} {:>16.0f} {:>7.1f}x {:>12.2f} {:>9}\n", n, values.size() / loop,
               values.size() / fast, loop / fast, build * 1e3, matcher_matched);
  }
  Interpreter(values, sizes, reps);
  return 0;
}
