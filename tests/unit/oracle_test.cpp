// The front end against Microsoft's: every corpus query goes through huntc's parser and binder
// and through Kusto.Language's (tools/oracle/kql-check.js, with the same schemas/), and the test
// counts where they agree: syntax errors, accept/reject, and the result schema (names, order,
// types) of every query both accept. A per-query report of the disagreements is written to
// build/oracle-report.txt. Needs Node.js and `npm ci --prefix tools/oracle`; skipped otherwise.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <simdjson.h>

#include "compiler/bind/binder.h"
#include "compiler/rule/rule.h"
#include "compiler/syntax/parser.h"
#include "runtime/output.h"

namespace fs = std::filesystem;
using namespace huntc;

namespace {

struct Outcome {
  bool syntax_error = false;
  bool error = false;                  // any error: syntax, semantic, or (huntc) unsupported
  std::string schema;                  // "Name:type, ..." when accepted
  std::string first_error;
};

std::string SchemaText(const std::vector<ColumnSpec>& columns) {
  std::string out;
  for (const ColumnSpec& c : columns) {
    if (!out.empty()) out += ", ";
    // Kusto calls the type of what could not be resolved "unknown".
    out += c.name + ":" + std::string(c.type == Type::Null ? "unknown" : TypeName(c.type));
  }
  return out;
}

Outcome HuntcOutcome(const std::string& query, const Catalog& catalog) {
  Outcome o;
  auto report = [&o](Code code, syntax::Span, std::string message) {
    if (Info(code).severity != Severity::Error) return;
    if (o.first_error.empty()) o.first_error = fmt::format("{}: {}", Info(code).id, message);
    o.error = true;
  };
  syntax::Ast ast;
  if (!syntax::Parse(query, ast, report)) {
    o.syntax_error = o.error = true;
    return o;
  }
  BoundQuery bound;
  if (Bind(ast, catalog, bound, report) && !o.error) o.schema = SchemaText(bound.result);
  return o;
}

// Runs the oracle over `queries` (id -> text); returns id -> outcome, or nothing if it failed.
std::optional<std::map<std::string, Outcome>> OracleOutcomes(
    const std::map<std::string, std::string>& queries, const fs::path& work) {
  const fs::path batch = work / "oracle-batch.jsonl", results = work / "oracle-results.jsonl";
  {
    std::ofstream out(batch);
    for (const auto& [id, query] : queries) {
      std::string line = "{\"id\":";
      AppendJsonString(line, id);
      line += ",\"query\":";
      AppendJsonString(line, query);
      out << line << "}\n";
    }
  }
  const fs::path oracle = fs::path(HUNTC_SOURCE_DIR) / "tools" / "oracle";
  const std::string command =
      fmt::format("node '{}' --schemas '{}' --batch '{}' > '{}'", (oracle / "kql-check.js").string(),
                  (fs::path(HUNTC_SOURCE_DIR) / "schemas").string(), batch.string(),
                  results.string());
  if (std::system(command.c_str()) != 0 && !fs::exists(results)) return std::nullopt;

  std::map<std::string, Outcome> outcomes;
  simdjson::dom::parser parser;
  std::ifstream in(results);
  std::string line;
  while (std::getline(in, line)) {
    simdjson::dom::element e;
    if (parser.parse(line).get(e)) return std::nullopt;
    Outcome o;
    o.syntax_error = int64_t(e["syntaxErrors"]) > 0;
    o.error = !bool(e["ok"]);
    if (!o.error) {
      for (simdjson::dom::element c : e["resultSchema"].get_array()) {
        if (!o.schema.empty()) o.schema += ", ";
        o.schema += fmt::format("{}:{}", std::string_view(c["name"]), std::string_view(c["type"]));
      }
    } else {
      for (simdjson::dom::element d : e["diagnostics"].get_array()) {
        if (std::string_view(d["severity"]) != "Error") continue;
        o.first_error = fmt::format("{}: {}", std::string_view(d["code"]),
                                    std::string_view(d["message"]));
        break;
      }
    }
    outcomes[std::string(std::string_view(e["id"]))] = std::move(o);
  }
  return outcomes;
}

}  // namespace

TEST_CASE("oracle: huntc's parser and binder agree with Kusto.Language on the corpus",
          "[compiler][bind][corpus][oracle]") {
  const fs::path shared = fs::path(HUNTC_SOURCE_DIR) / ".." / "shared" / "corpus";
  if (!fs::is_directory(shared / "sentinel")) {
    WARN("no Sentinel corpus at " << shared.string() << "; skipped");
    return;
  }
  if (!fs::is_directory(fs::path(HUNTC_SOURCE_DIR) / "tools/oracle/node_modules") ||
      std::system("node --version > /dev/null 2>&1") != 0) {
    WARN("Node.js or tools/oracle/node_modules missing (run `npm ci --prefix tools/oracle`); "
         "skipped");
    return;
  }

  Diagnostics find_diags;
  std::map<std::string, std::string> queries;
  for (const std::string& path : FindRuleFiles(
           {(shared / "sentinel").string(), (shared / "sentinel-supplement").string()},
           find_diags)) {
    Diagnostics diags;
    std::optional<Rule> rule = LoadRuleFile(path, diags);
    if (rule && !rule->query.empty()) {
      queries[fs::relative(path, shared).string()] = rule->query;
    }
  }
  const auto oracle = OracleOutcomes(queries, fs::path(HUNTC_BINARY_DIR));
  REQUIRE(oracle);
  REQUIRE(oracle->size() == queries.size());

  const Catalog catalog = Catalog::BuiltIn();
  int syntax_agree = 0, verdict_agree = 0, accepted_both = 0, schema_agree = 0, oracle_accepts = 0;
  std::ostringstream report;
  for (const auto& [id, query] : queries) {
    const Outcome ours = HuntcOutcome(query, catalog);
    const Outcome& theirs = oracle->at(id);
    syntax_agree += ours.syntax_error == theirs.syntax_error;
    verdict_agree += ours.error == theirs.error;
    oracle_accepts += !theirs.error;
    if (ours.error != theirs.error) {
      report << id << "\n  verdict: huntc " << (ours.error ? "rejects" : "accepts")
             << ", Kusto " << (theirs.error ? "rejects" : "accepts") << "\n  huntc: "
             << ours.first_error << "\n  Kusto: " << theirs.first_error << "\n";
    } else if (!ours.error) {
      ++accepted_both;
      if (ours.schema == theirs.schema) {
        ++schema_agree;
      } else {
        report << id << "\n  schema huntc: " << ours.schema << "\n  schema Kusto: " << theirs.schema
               << "\n";
      }
    }
  }
  std::ofstream(fs::path(HUNTC_BINARY_DIR) / "oracle-report.txt") << report.str();
  const double n = double(queries.size());
  WARN(fmt::format(
      "oracle: {} queries; syntax verdict agrees on {} ({:.1f}%); accept/reject agrees on {} "
      "({:.1f}%); Kusto accepts {}; result schema equal on {} of them ({:.1f}%); details in {}",
      queries.size(), syntax_agree, 100 * syntax_agree / n, verdict_agree,
      100 * verdict_agree / n, oracle_accepts, schema_agree,
      100.0 * schema_agree / std::max(oracle_accepts, 1),
      (fs::path(HUNTC_BINARY_DIR) / "oracle-report.txt").string()));
  // Floors that only go up (issue 3 asks for 97% of verdicts and 95% of schemas: 454 and 406).
  CHECK(syntax_agree >= 467);
  CHECK(verdict_agree >= 459);
  CHECK(schema_agree >= 407);
}

TEST_CASE("front end: time to parse and bind every corpus query", "[compiler][bind][corpus]") {
  const fs::path shared = fs::path(HUNTC_SOURCE_DIR) / ".." / "shared" / "corpus";
  if (!fs::is_directory(shared / "sentinel")) {
    WARN("no Sentinel corpus at " << shared.string() << "; skipped");
    return;
  }
  Diagnostics find_diags;
  std::vector<std::string> queries;
  for (const std::string& path : FindRuleFiles(
           {(shared / "sentinel").string(), (shared / "sentinel-supplement").string()},
           find_diags)) {
    Diagnostics diags;
    if (std::optional<Rule> rule = LoadRuleFile(path, diags)) queries.push_back(rule->query);
  }
  const Catalog catalog = Catalog::BuiltIn();
  size_t accepted = 0;
  const auto start = std::chrono::steady_clock::now();
  for (const std::string& query : queries) accepted += !HuntcOutcome(query, catalog).error;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // A figure, not an assertion: issue 3 asks for under a second on this machine.
  WARN(fmt::format("front end: parsed and bound {} corpus queries ({} without error) in {:.3f} s",
                   queries.size(), accepted, seconds));
  CHECK(accepted > 0);
}
