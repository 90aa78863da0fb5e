// The JIT's cache of compiled kernels: a second compile loads the kernel from the cache folder
// and selects the same rows as a fresh compile and as the interpreter; a cache file that is
// corrupt, cut short or foreign, or a temporary file left by a killed writer, is never trusted;
// Jits sharing a folder at once stay correct; an unwritable folder is a warning.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <thread>

#include "compiler/driver/compile.h"
#include "tests/unit/archive_util.h"
#include "tests/unit/run_util.h"
#include "tools/gen-events/generator.h"

using namespace huntc;
namespace fs = std::filesystem;

namespace {

const int64_t kNow = *ParseDateTime("2026-11-20T00:00:00Z");

using ir::Expr;
using ir::Fn;
using ir::Value;

// Column 0 > bound, of a column of type `column`.
Expr Gt(Type column, int64_t bound) {
  return Expr::Call(Fn::Gt, Type::Bool, {Expr::Column(0, column), Expr::Constant(Value::Integer(column, bound))});
}

const char* const kQuery =
    "DeviceNetworkEvents | where RemotePort in (22, 80, 443, 3389) and RemoteUrl has 'com' "
    "| project Timestamp, DeviceName, RemotePort, RemoteUrl";

// Queries whose filters compile to different kernels.
const std::vector<std::string> kQueries = {
    kQuery,
    "DeviceNetworkEvents | where RemotePort < 1024 and isnotempty(RemoteIP)",
    "DeviceNetworkEvents | where InitiatingProcessFileName in~ ('powershell.exe', 'cmd.exe', "
    "'rundll32.exe', 'regsvr32.exe', 'mshta.exe')",
    "DeviceNetworkEvents | where RemoteUrl endswith '.com' or RemotePort == 3389",
    "DeviceNetworkEvents | where Timestamp > ago(3d) and ActionType == 'ConnectionSuccess'",
};

// Generated DeviceNetworkEvents in a scratch folder, and the run of a query over them.
struct Fixture {
  test::TempDir dir;  // per process: test runs may overlap
  fs::path events = dir.path / "DeviceNetworkEvents.jsonl";
  Catalog catalog = Catalog::BuiltIn();

  Fixture() {
    std::ofstream out(events, std::ios::binary);
    gen::GenOptions opt;
    opt.events = 5000;
    opt.now = kNow;
    gen::Generate(opt, [&](gen::Table, std::string_view chunk) {
      return static_cast<bool>(out.write(chunk.data(), chunk.size()));
    });
  }

  std::unique_ptr<CompiledQuery> Compile(const std::string& kql, Jit& jit, Engine engine = Engine::Jit) const {
    Diagnostics diags;
    auto file = std::make_shared<SourceFile>("q.kql", kql);
    return CompileQuery(kql, TextOrigin::Identity(file), catalog, jit, diags, nullptr, engine);
  }

  // The query's detections, sorted.
  std::vector<std::string> Run(std::unique_ptr<CompiledQuery> query) const {
    REQUIRE(query);
    std::vector<std::unique_ptr<CompiledQuery>> queries;
    queries.push_back(std::move(query));
    std::vector<std::string> lines = test::RunToLines(queries, {{events.string(), "DeviceNetworkEvents"}}, kNow, dir.path);
    std::sort(lines.begin(), lines.end());
    return lines;
  }

  // Compiles `kql` with `jit`, checks that its filter is a kernel, and runs it.
  std::vector<std::string> RunJit(const std::string& kql, Jit& jit) const {
    auto query = Compile(kql, jit);
    REQUIRE(query);
    CHECK(query->kernels == 1u);
    return Run(std::move(query));
  }

  std::vector<std::string> RunInterp(const std::string& kql, Jit& jit) const {
    return Run(Compile(kql, jit, Engine::Interp));
  }
};

std::unique_ptr<Jit> MakeJit(const fs::path& cache) {
  std::string error;
  std::unique_ptr<Jit> jit = Jit::Create(error);
  INFO(error);
  REQUIRE(jit);
  jit->SetCacheDir(cache.string());
  return jit;
}

// The cache files (not temporary files) in `cache`.
std::vector<fs::path> CacheFiles(const fs::path& cache) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(cache)) {
    if (entry.path().extension() == ".o") files.push_back(entry.path());
  }
  return files;
}

// The files of kept data (not object code, not temporary files) in `cache`.
std::vector<fs::path> DataFiles(const fs::path& cache) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(cache)) {
    if (entry.path().extension() == ".data") files.push_back(entry.path());
  }
  return files;
}

// `s` with one bit of byte `at` flipped.
std::string Flip(const std::string& s, size_t at) {
  return s.substr(0, at) + static_cast<char>(s.at(at) ^ 0x10) + s.substr(at + 1);
}

}  // namespace

TEST_CASE("jit cache: a second compile loads the kernel and selects the same rows", "[jit][cache]") {
  const Fixture f;
  const fs::path cache = f.dir.path / "cache";
  auto first = MakeJit(cache);
  const auto cold = f.RunJit(kQuery, *first);
  CHECK(first->cache_stats().misses == 1);
  CHECK(first->cache_stats().hits == 0);
  CHECK(first->cache_stats().stored == 2);  // its object code, and its key kept under its inputs
  CHECK(first->cache_stats().by_inputs == 0);
  REQUIRE(CacheFiles(cache).size() == 1);

  auto second = MakeJit(cache);
  const auto warm = f.RunJit(kQuery, *second);
  CHECK(second->cache_stats().hits == 1);
  CHECK(second->cache_stats().by_inputs == 1);
  CHECK(second->cache_stats().misses == 0);
  CHECK(second->cache_stats().rejected == 0);
  CHECK(second->cache_stats().stored == 0);

  // The same kernel again in one Jit is shared, not added twice.
  CHECK(f.RunJit(kQuery, *second) == warm);
  CHECK(second->cache_stats().reused == 1);

  auto uncached = MakeJit("");
  const auto fresh = f.RunJit(kQuery, *uncached);
  CHECK(uncached->cache_stats().misses == 1);
  CHECK(uncached->cache_stats().stored == 0);

  const auto interp = f.RunInterp(kQuery, *uncached);
  CHECK(!interp.empty());  // the comparison means something only if rows are selected
  CHECK(cold == interp);
  CHECK(warm == interp);
  CHECK(fresh == interp);
}

TEST_CASE("jit cache: a corrupt, cut short or foreign cache file is rebuilt, never used", "[jit][cache]") {
  const Fixture f;
  auto reference = MakeJit("");
  const auto interp = f.RunInterp(kQuery, *reference);
  REQUIRE(!interp.empty());

  // A whole cache file of another kernel, to pass off as this one's.
  const fs::path other_cache = f.dir.path / "other";
  auto other = MakeJit(other_cache);
  f.RunJit("DeviceNetworkEvents | where RemotePort == 4444", *other);
  REQUIRE(CacheFiles(other_cache).size() == 1);
  const std::string foreign = test::ReadAll(CacheFiles(other_cache)[0].string());

  const std::pair<const char*, std::function<std::string(std::string)>> damages[] = {
      {"a flipped byte in the object code", [](std::string s) { return Flip(s, s.size() / 2 + 32); }},
      {"a flipped byte in the header's length", [](std::string s) { return Flip(s, 20); }},
      {"cut short", [](std::string s) { return s.substr(0, s.size() / 2); }},
      {"cut inside the header", [](std::string s) { return s.substr(0, 10); }},
      {"zero length", [](std::string) { return std::string(); }},
      {"a real header over garbage of the wrong length",
       [](std::string s) { return s.substr(0, 64) + std::string(s.size() / 3, '\x90'); }},
      {"a real header over garbage of the right length",
       [](std::string s) { return s.substr(0, 64) + std::string(s.size() - 64, '\x90'); }},
      {"another kernel's cache file", [&](std::string) { return foreign; }},
  };
  for (const auto& [what, damage] : damages) {
    INFO(what);
    const fs::path cache = f.dir.path / "cache";
    fs::remove_all(cache);
    auto writer = MakeJit(cache);
    f.RunJit(kQuery, *writer);
    REQUIRE(CacheFiles(cache).size() == 1);
    const fs::path file = CacheFiles(cache)[0];
    const std::string good = test::ReadAll(file.string());
    std::ofstream(file, std::ios::binary | std::ios::trunc) << damage(good);

    auto reader = MakeJit(cache);
    CHECK(f.RunJit(kQuery, *reader) == interp);
    CHECK(reader->cache_stats().rejected == 1);
    CHECK(reader->cache_stats().hits == 0);
    CHECK(reader->cache_stats().misses == 1);
    CHECK(reader->cache_stats().stored == 1);
    // Rebuilt in place: the next run loads it.
    CHECK(test::ReadAll(file.string()) == good);
    auto after = MakeJit(cache);
    CHECK(f.RunJit(kQuery, *after) == interp);
    CHECK(after->cache_stats().hits == 1);
  }
}

TEST_CASE("jit cache: a temporary file left by a killed writer is ignored", "[jit][cache]") {
  const Fixture f;
  const fs::path cache = f.dir.path / "cache";
  auto writer = MakeJit(cache);
  const auto interp = f.RunInterp(kQuery, *writer);
  f.RunJit(kQuery, *writer);
  REQUIRE(CacheFiles(cache).size() == 1);
  // What a writer killed half-way leaves: a partial file under a temporary name, and no cache
  // file (the rename never happened).
  const fs::path file = CacheFiles(cache)[0];
  const std::string good = test::ReadAll(file.string());
  std::ofstream(file.string() + ".tmp-killed1", std::ios::binary) << good.substr(0, good.size() / 2);
  fs::remove(file);

  auto reader = MakeJit(cache);
  CHECK(f.RunJit(kQuery, *reader) == interp);
  CHECK(reader->cache_stats().hits == 0);
  CHECK(reader->cache_stats().rejected == 0);
  CHECK(reader->cache_stats().stored == 1);
  CHECK(test::ReadAll(file.string()) == good);
}

TEST_CASE("jit cache: Jits sharing a folder at once stay correct", "[jit][cache]") {
  const Fixture f;
  const fs::path cache = f.dir.path / "cache";
  const std::vector<std::string>& queries = kQueries;
  constexpr int kThreads = 2;
  constexpr int kRounds = 3;
  // Each thread compiles every query in several rounds, each round with a new Jit, so that
  // reads and writes of the same cache files overlap.
  std::vector<std::unique_ptr<Jit>> jits(kThreads * kRounds);
  std::vector<std::vector<std::unique_ptr<CompiledQuery>>> compiled(kThreads * kRounds);
  std::vector<std::string> errors(kThreads);
  for (auto& jit : jits) jit = MakeJit(cache);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int r = 0; r < kRounds; ++r) {
        const int slot = t * kRounds + r;
        for (const std::string& kql : queries) {
          compiled[slot].push_back(f.Compile(kql, *jits[slot]));
          if (!compiled[slot].back() || compiled[slot].back()->kernels != 1) errors[t] = "not a kernel: " + kql;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (const std::string& e : errors) CHECK(e.empty());

  uint64_t hits = 0;
  for (auto& jit : jits) {
    CHECK(jit->cache_stats().rejected == 0);
    hits += jit->cache_stats().hits;
  }
  CHECK(hits > 0);
  CHECK(CacheFiles(cache).size() == queries.size());
  for (size_t q = 0; q < queries.size(); ++q) {
    INFO(queries[q]);
    const auto interp = f.RunInterp(queries[q], *jits[0]);
    for (auto& set : compiled) CHECK(f.Run(std::move(set[q])) == interp);
  }
}

TEST_CASE("jit cache: one Jit compiling on several threads at once", "[jit][cache]") {
  const Fixture f;
  for (const bool cached : {false, true}) {
    INFO(cached);
    // With the cache: filled by a first Jit, so that the threads load as well as compile.
    const fs::path cache = cached ? f.dir.path / "threads-cache" : fs::path();
    if (cached) {
      auto filler = MakeJit(cache);
      f.Compile(kQueries[0], *filler);
    }
    auto jit = MakeJit(cache);
    constexpr int kThreads = 2;
    // Every thread compiles every query, twice: equal kernels race to be added.
    std::vector<std::vector<std::unique_ptr<CompiledQuery>>> compiled(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int round = 0; round < 2; ++round) {
          for (const std::string& kql : kQueries) compiled[t].push_back(f.Compile(kql, *jit));
        }
      });
    }
    for (std::thread& t : threads) t.join();
    const JitCacheStats& stats = jit->cache_stats();
    CHECK(stats.hits + stats.misses + stats.reused == kThreads * 2 * kQueries.size());
    CHECK(stats.misses >= kQueries.size() - (cached ? 1 : 0));
    CHECK(stats.rejected == 0);
    std::vector<std::vector<std::string>> interp;
    for (const std::string& kql : kQueries) interp.push_back(f.RunInterp(kql, *jit));
    for (auto& set : compiled) {
      for (size_t i = 0; i < set.size(); ++i) {
        INFO(kQueries[i % kQueries.size()]);
        REQUIRE(set[i]);
        CHECK(set[i]->kernels == 1u);
        CHECK(f.Run(std::move(set[i])) == interp[i % kQueries.size()]);
      }
    }
  }
}

TEST_CASE("jit cache: an unwritable cache folder is a warning, said once", "[jit][cache]") {
  const Fixture f;
  const std::string blocker = f.dir.Write("not-a-folder", "x");
  auto jit = MakeJit(fs::path(blocker) / "cache");
  const auto interp = f.RunInterp(kQuery, *jit);
  CHECK(f.RunJit(kQuery, *jit) == interp);
  const std::string other = "DeviceNetworkEvents | where RemotePort == 22";
  CHECK(f.RunJit(other, *jit) == f.RunInterp(other, *jit));
  CHECK(jit->cache_stats().stored == 0);
  CHECK(jit->cache_stats().misses == 2);
  const std::string warning = jit->TakeCacheWarning();
  CHECK(warning.find("cannot write the kernel cache") != std::string::npos);
  CHECK(jit->TakeCacheWarning().empty());
}

TEST_CASE("jit cache: a filter or projection check is kept under every field of its expression and columns",
          "[jit][cache]") {
  const std::vector<ColumnSpec> longs{{"N", Type::Long}}, ints{{"N", Type::Int}}, named{{"M", Type::Long}};
  std::string error;
  auto jit = Jit::Create(error);
  REQUIRE(jit);
  jit->KeepCode();
  // The key of the check of `predicate` over `columns`, and the answer kept under it.
  const auto check = [&](const Expr& predicate, const std::vector<ColumnSpec>& columns) {
    std::string why;
    const bool ok = jit->CanCompile(predicate, columns, why);
    std::vector<KernelCode> kept = jit->TakeCode();
    REQUIRE(kept.size() == 1);
    CHECK(kept[0].object == (ok ? "1" : "0" + why));
    return kept[0];
  };
  const KernelCode first = check(Gt(Type::Long, 5), longs);
  CHECK(first.object == "1");
  CHECK(check(Gt(Type::Long, 5), longs).key == first.key);  // the same check, the same key
  // A schema type, a column's name, a constant: each gives another key.
  CHECK(check(Gt(Type::Int, 5), ints).key != first.key);
  CHECK(check(Gt(Type::Long, 5), named).key != first.key);
  CHECK(check(Gt(Type::Long, 6), longs).key != first.key);
  // The same expression checked as a projection's column is another check.
  std::string why;
  CHECK(jit->CanCompileProjection(Gt(Type::Long, 5), longs, why));
  std::vector<KernelCode> projection = jit->TakeCode();
  REQUIRE(projection.size() == 1);
  CHECK(projection[0].key != first.key);
  CHECK(projection[0].object == "1");
  // A construct the JIT lacks keeps its error.
  const Expr in_column = Expr::Call(Fn::In, Type::Bool, {Expr::Column(0, Type::Long), Expr::Column(0, Type::Long)});
  const KernelCode refused = check(in_column, longs);
  CHECK(refused.object.rfind("0the JIT cannot compile", 0) == 0);

  // A Jit given the kept answer (a pack's) takes it instead of generating the kernel; an answer
  // it cannot read is found again.
  auto given = Jit::Create(error);
  REQUIRE(given);
  given->AddCode({{first.key, "0the JIT cannot compile a test construct yet"}, {refused.key, "unreadable"}});
  why.clear();
  CHECK_FALSE(given->CanCompile(Gt(Type::Long, 5), longs, why));
  CHECK(why == "the JIT cannot compile a test construct yet");
  why.clear();
  CHECK_FALSE(given->CanCompile(in_column, longs, why));
  CHECK(refused.object == "0" + why);
}

// A filter whose kernel refers to runtime objects of every kind: a string set (in~ of more items
// than are tested inline), a regular expression and a literal matcher (the pooled tests of one
// column).
const char* const kObjectsQuery =
    "DeviceNetworkEvents | where InitiatingProcessFileName in~ ('powershell.exe', 'cmd.exe', 'rundll32.exe', "
    "'regsvr32.exe', 'mshta.exe', 'svchost.exe') or RemoteUrl matches regex @'[a-z]+\\.com$' "
    "or RemoteUrl contains 'micro' or RemoteUrl contains 'goog' or RemoteUrl endswith '.net'";

TEST_CASE("jit cache: a kernel found by its inputs' key makes its objects again and selects the same rows",
          "[jit][cache]") {
  const Fixture f;
  const fs::path cache = f.dir.path / "cache";
  auto first = MakeJit(cache);
  const auto interp = f.RunInterp(kObjectsQuery, *first);
  REQUIRE(!interp.empty());
  auto cold = f.Compile(kObjectsQuery, *first);
  REQUIRE(cold);
  CHECK(cold->kernels == 1u);
  CHECK(cold->objects.table.size() == 3);  // the set, the regex, the matcher
  CHECK(first->cache_stats().by_inputs == 0);
  const std::vector<std::string> made = cold->objects.made;
  CHECK(f.Run(std::move(cold)) == interp);

  auto second = MakeJit(cache);
  auto warm = f.Compile(kObjectsQuery, *second);
  REQUIRE(warm);
  CHECK(second->cache_stats().by_inputs == 1);
  CHECK(second->cache_stats().misses == 0);
  CHECK(warm->objects.made == made);  // made again as they were made, in the same order
  CHECK(f.Run(std::move(warm)) == interp);

  // A pack's kept code and entries serve a Jit without a cache folder the same way.
  auto keeper = MakeJit("");
  keeper->KeepCode();
  REQUIRE(f.Compile(kObjectsQuery, *keeper));
  auto given = MakeJit("");
  given->AddCode(keeper->TakeCode());
  CHECK(f.RunJit(kObjectsQuery, *given) == interp);
  CHECK(given->cache_stats().by_inputs == 1);
  CHECK(given->cache_stats().provided == 1);
  CHECK(given->cache_stats().misses == 0);
}

TEST_CASE("jit cache: a kernel is found by its inputs only when every input is the same", "[jit][cache]") {
  const std::vector<ColumnSpec> longs{{"N", Type::Long}}, ints{{"N", Type::Int}}, named{{"M", Type::Long}};
  const Fixture f;
  const fs::path cache = f.dir.path / "cache";
  {
    auto filler = MakeJit(cache);
    KernelObjects objects;
    std::string error;
    REQUIRE(filler->CompileFilter(Gt(Type::Long, 5), longs, objects, nullptr, error));
  }
  // Whether a new Jit over the cache finds the kernel of `predicate` over `columns`, with
  // `before` objects already in the table, by its inputs.
  const auto found = [&](const Expr& predicate, const std::vector<ColumnSpec>& columns, size_t before = 0) {
    auto jit = MakeJit(cache);
    KernelObjects objects;
    for (size_t i = 0; i < before; ++i) objects.AddSet({"a", "b"}, false);
    std::string error;
    REQUIRE(jit->CompileFilter(predicate, columns, objects, nullptr, error));
    return jit->cache_stats().by_inputs == 1;
  };
  CHECK(found(Gt(Type::Long, 5), longs));
  // A schema's type, a column's name, a constant, where its objects start: each misses.
  CHECK_FALSE(found(Gt(Type::Int, 5), ints));
  CHECK_FALSE(found(Gt(Type::Long, 5), named));
  CHECK_FALSE(found(Gt(Type::Long, 6), longs));
  CHECK_FALSE(found(Gt(Type::Long, 5), longs, 1));
}

TEST_CASE("jit cache: a corrupt or cut short kept entry is never trusted", "[jit][cache]") {
  const Fixture f;
  auto reference = MakeJit("");
  const auto interp = f.RunInterp(kObjectsQuery, *reference);
  REQUIRE(!interp.empty());
  const std::pair<const char*, std::function<std::string(std::string)>> damages[] = {
      {"a flipped byte", [](std::string s) { return Flip(s, s.size() - 3); }},
      {"cut short", [](std::string s) { return s.substr(0, s.size() - 5); }},
  };
  for (const auto& [what, damage] : damages) {
    INFO(what);
    const fs::path cache = f.dir.path / "cache";
    fs::remove_all(cache);
    auto writer = MakeJit(cache);
    REQUIRE(f.Compile(kObjectsQuery, *writer));
    const std::vector<fs::path> files = DataFiles(cache);
    REQUIRE(!files.empty());
    for (const fs::path& file : files) {
      const std::string good = test::ReadAll(file.string());
      std::ofstream(file, std::ios::binary | std::ios::trunc) << damage(good);
    }
    auto reader = MakeJit(cache);
    CHECK(f.RunJit(kObjectsQuery, *reader) == interp);
    CHECK(reader->cache_stats().by_inputs == 0);
    CHECK(reader->cache_stats().rejected >= 1);
  }
}
