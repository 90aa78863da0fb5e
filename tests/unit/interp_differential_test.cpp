// The JIT must agree with the reference interpreter: many queries, each run by both engines over
// the same generated events, must give the same detections.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "compiler/driver/compile.h"
#include "tests/unit/archive_util.h"
#include "tests/unit/run_util.h"
#include "tools/gen-events/generator.h"

using namespace huntc;
namespace fs = std::filesystem;

namespace {

const int64_t kNow = *ParseDateTime("2026-11-20T00:00:00Z");

// kernels: how many kernels the query has under the JIT.
std::vector<std::string> RunQuery(const std::string& kql, Engine engine, size_t kernels, const fs::path& events,
                                  Jit& jit, const Catalog& catalog, const fs::path& dir) {
  Diagnostics diags;
  auto file = std::make_shared<SourceFile>("q.kql", kql);
  auto query = CompileQuery(kql, TextOrigin::Identity(file), catalog, jit, diags, nullptr, engine);
  INFO((diags.items().empty() ? std::string() : RenderText(diags.items()[0])));
  REQUIRE(query);
  // Under the JIT the filter (and summarize) must really be kernels, or both runs are the
  // interpreter's.
  CHECK(query->kernels == (engine == Engine::Jit ? kernels : 0u));
  std::vector<std::unique_ptr<CompiledQuery>> queries;
  queries.push_back(std::move(query));
  std::vector<std::string> lines = test::RunToLines(queries, {{events.string(), "DeviceNetworkEvents"}}, kNow, dir);
  std::sort(lines.begin(), lines.end());
  return lines;
}

}  // namespace

TEST_CASE("engines: the JIT and the interpreter give the same detections", "[interp][engines]") {
  const test::TempDir dir;  // per process: test runs may overlap
  const fs::path events = dir.path / "DeviceNetworkEvents.jsonl";
  {
    std::ofstream out(events, std::ios::binary);
    gen::GenOptions opt;
    opt.events = 20000;
    opt.now = kNow;
    gen::Generate(opt, [&](gen::Table, std::string_view chunk) {
      return static_cast<bool>(out.write(chunk.data(), chunk.size()));
    });
  }
  std::string error;
  std::unique_ptr<Jit> jit = Jit::Create(error);
  REQUIRE(jit);
  const Catalog catalog = Catalog::BuiltIn();
  const char* predicates[] = {
      "RemotePort == 443",
      "RemotePort != 443 and RemotePort < 1024",
      "RemotePort in (22, 3389, 4444, 8080, 445, 139)",
      "RemotePort !in (80, 443)",
      "not(RemotePort > 1000) or isnull(RemotePort)",
      "RemotePort % 7 == 3 and RemotePort / 100 > 2",
      "LocalPort - RemotePort > 0",
      "RemoteUrl has 'pastebin' or RemoteUrl contains 'ngrok'",
      "RemoteUrl endswith '.com' and RemoteUrl !startswith 'www'",
      "RemoteUrl has_cs 'Microsoft' or RemoteUrl contains_cs 'Azure'",
      "InitiatingProcessFileName =~ 'POWERSHELL.EXE'",
      "InitiatingProcessFileName in~ ('powershell.exe', 'cmd.exe', 'rundll32.exe', 'regsvr32.exe', 'mshta.exe')",
      "InitiatingProcessFileName !in ('chrome.exe', 'msedge.exe')",
      "isempty(RemoteUrl) and isnotempty(RemoteIP)",
      "Timestamp > ago(3d) and ActionType == 'ConnectionSuccess'",
      "Timestamp between (datetime(2026-11-15) .. 2d)",
      "Timestamp !between (ago(10d) .. ago(2d))",
      "InitiatingProcessCommandLine contains '-enc' or InitiatingProcessCommandLine has 'bypass'",
      "RemoteUrl has_any ('pastebin', 'ngrok', 'github') or InitiatingProcessFileName has_any ('powershell')",
      "RemoteUrl has_any (dynamic(['pastebin', null, 'NGROK'])) and RemotePort !in (22)",
      "InitiatingProcessCommandLine has_all ('-enc', 'powershell') or RemoteUrl has_all ()",
  };
  size_t nonempty = 0;
  for (const char* where : predicates) {
    // As a scan pipeline, and as the kernel under a summarize (a hybrid plan).
    for (const char* tail : {" | project Timestamp, DeviceName, RemotePort, RemoteUrl",
                             " | summarize n = count(), devices = dcount(DeviceName) by RemotePort"}) {
      const std::string kql = std::string("DeviceNetworkEvents | where ") + where + tail;
      INFO(kql);
      const size_t kernels = std::string_view(tail).find("summarize") != std::string_view::npos ? 2 : 1;
      const auto jit_rows = RunQuery(kql, Engine::Jit, kernels, events, *jit, catalog, dir.path);
      const auto interp_rows = RunQuery(kql, Engine::Interp, kernels, events, *jit, catalog, dir.path);
      CHECK(jit_rows.size() == interp_rows.size());
      CHECK(jit_rows == interp_rows);
      nonempty += !jit_rows.empty();
    }
  }
  // The comparison means something only if the queries select rows (about all but one do).
  CHECK(nonempty >= 2 * (std::size(predicates) - 2));
}
