// Fault injection: a generated archive with corrupted lines, invalid UTF-8 and wrong-typed values,
// plain and compressed, and cut short. Every untouched record must still be read, the damaged
// ones skipped or nulled, and every count exact.
#include <catch2/catch.hpp>

#include "runtime/event_reader.h"
#include "tests/unit/archive_util.h"
#include "tools/gen-events/generator.h"

using namespace huntc;

namespace {

const std::vector<ColumnSpec> kColumns = {{"ReportId", Type::Long},
                                          {"DeviceName", Type::String},
                                          {"RemotePort", Type::Int},
                                          {"Timestamp", Type::DateTime}};

// Each row rendered as text, so rows compare whole.
struct Read {
  std::vector<std::string> rows;
  ReadStats stats;
  bool ok = false;
};

Read ReadRows(const std::string& path) {
  EventReader reader({{"DeviceNetworkEvents", kColumns}});
  reader.set_chunk_bytes(100000);  // many chunk boundaries
  Read r;
  r.ok = reader.Read(
      {path, "DeviceNetworkEvents"},
      [&](size_t, const Batch& b) {
        for (size_t row = 0; row < b.rows(); ++row) {
          std::string text;
          for (const Column& c : b.columns) {
            text += c.IsNull(row) ? std::string("null")
                    : c.type() == Type::String ? std::string(c.StringAt(row))
                                               : std::to_string(c.type() == Type::Int ? c.IntAt(row) : c.LongAt(row));
            text += '|';
          }
          r.rows.push_back(text);
        }
      },
      [](const InputIssue&) {}, r.stats);
  return r;
}

uint64_t Skipped(const ReadStats& s, InputIssueKind kind) { return s.skipped[static_cast<size_t>(kind)]; }

// The bytes of a gzip stream that decode before it ends or breaks.
std::string GunzipPrefix(const std::string& packed) {
  z_stream z{};
  REQUIRE(inflateInit2(&z, 15 + 16) == Z_OK);
  std::string out;
  char buffer[65536];
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(packed.data()));
  z.avail_in = static_cast<uInt>(packed.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof buffer;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - z.avail_out);
    if (rc == Z_BUF_ERROR && z.avail_out == sizeof buffer) break;
    if (rc == Z_BUF_ERROR) rc = Z_OK;
  }
  inflateEnd(&z);
  return out;
}

}  // namespace

TEST_CASE("faults: damaged records are skipped or nulled, all others read, counts exact",
          "[runtime][reader][faults]") {
  test::TempDir dir;
  std::string clean;
  gen::GenOptions opt;
  opt.events = 3000;
  opt.now = *ParseDateTime("2026-11-20T00:00:00Z");
  gen::Generate(opt, [&](gen::Table, std::string_view chunk) {
    clean += chunk;
    return true;
  });
  const Read original = ReadRows(dir.Write("clean.jsonl", clean));
  REQUIRE(original.rows.size() == 3000);
  REQUIRE(original.stats.lines_skipped == 0);

  // Damage lines by index: cut in half (malformed), a stray 0xFF byte in a string (invalid
  // UTF-8), a port that is not a number (wrong type: the row stays, its port is null).
  std::vector<std::string> lines;
  for (size_t at = 0; at < clean.size();) {
    const size_t nl = clean.find('\n', at);
    lines.push_back(clean.substr(at, nl - at));
    at = nl + 1;
  }
  std::vector<std::string> expected;
  uint64_t malformed = 0, bad_utf8 = 0, wrong_type = 0;
  std::string damaged;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string line = lines[i];
    std::string row = original.rows[i];
    if (i % 97 == 5) {
      line.resize(line.size() / 2);
      ++malformed;
      row.clear();
    } else if (i % 101 == 7) {
      line.insert(line.find("\"DeviceName\":\"") + 14, 1, static_cast<char>(0xff));
      ++bad_utf8;
      row.clear();
    } else if (i % 89 == 11) {
      const size_t port = line.find("\"RemotePort\":") + 13;
      line.replace(port, line.find(',', port) - port, "\"abc\"");
      ++wrong_type;
      const size_t first = row.find('|'), second = row.find('|', first + 1);
      row.replace(second + 1, row.find('|', second + 1) - second - 1, "null");
    }
    damaged += line;
    damaged += '\n';
    if (!row.empty()) expected.push_back(row);
  }
  REQUIRE(malformed > 20);
  REQUIRE(bad_utf8 > 20);
  REQUIRE(wrong_type > 20);

  const std::string gz = test::Gzip(damaged);
  for (const std::string& file : {dir.Write("damaged.jsonl", damaged), dir.Write("damaged.gz", gz),
                                  dir.Write("damaged.zst", test::Zstd(damaged))}) {
    INFO(file);
    const Read r = ReadRows(file);
    CHECK(r.ok);
    CHECK(r.rows == expected);
    CHECK(Skipped(r.stats, InputIssueKind::Malformed) == malformed);
    CHECK(Skipped(r.stats, InputIssueKind::InvalidUtf8) == bad_utf8);
    CHECK(r.stats.lines_skipped == malformed + bad_utf8);
    CHECK(r.stats.values_wrong_type == wrong_type);
    CHECK(r.stats.lines == lines.size());
  }

  // Cut short: the records wholly inside the part that still decodes are read.
  const std::string cut = gz.substr(0, gz.size() * 2 / 3);
  const std::string prefix = GunzipPrefix(cut);
  const size_t complete = static_cast<size_t>(std::count(prefix.begin(), prefix.end(), '\n'));
  REQUIRE(complete > 1000);
  REQUIRE(complete < lines.size());
  REQUIRE(prefix.back() != '\n');
  const Read r = ReadRows(dir.Write("cut.gz", cut));
  CHECK_FALSE(r.ok);
  uint64_t lost = 0;  // the damaged records among the complete lines
  for (size_t i = 0; i < complete; ++i) lost += i % 97 == 5 || i % 101 == 7;
  CHECK(r.rows == std::vector<std::string>(expected.begin(), expected.begin() + (complete - lost)));
  CHECK(Skipped(r.stats, InputIssueKind::Truncated) == 1);
  CHECK(r.stats.lines_skipped == lost + 1);
}
