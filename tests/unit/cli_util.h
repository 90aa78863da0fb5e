// Test helpers for the tests that run the built programs (huntc, gen-events) as a user would:
// a shell command run in the source folder with its output captured, a per-process folder of
// input files, and typed access to the JSON the programs print.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <simdjson.h>

namespace huntc::test {

struct Run {
  int code = -1;
  std::string out;
  double seconds = 0;
};

// Runs a shell command in the source folder; stdout (and stderr when `with_stderr`) is captured.
inline Run Shell(const std::string& line, bool with_stderr = false) {
  std::string command = "cd '" HUNTC_SOURCE_DIR "' && ";
  command += line;
  if (with_stderr) command += " 2>&1";
  Run run;
  const auto start = std::chrono::steady_clock::now();
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe);
  char buffer[65536];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) run.out.append(buffer, n);
  const int status = pclose(pipe);
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

#ifdef HUNTC_EXE
// Runs `huntc ARGS` in the source folder.
inline Run Huntc(const std::string& args, bool with_stderr = false) {
  return Shell("'" HUNTC_EXE "' " + args, with_stderr);
}
#endif

// A path quoted for the shell (built with appends: GCC 12 warns falsely on `"'" + s + "'"`).
inline std::string Quote(const std::filesystem::path& path) {
  std::string out = "'";
  out += path.string();
  out += '\'';
  return out;
}

// A folder of input files for one test, per process (tests run concurrently), removed afterwards.
// Paths come back quoted for the shell.
class Fixture {
 public:
  explicit Fixture(const std::string& name)
      : dir_(std::filesystem::temp_directory_path() /
             ("huntc-cli-test-" + std::to_string(::getpid()) + "-" + name)) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ~Fixture() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  Fixture(const Fixture&) = delete;
  Fixture& operator=(const Fixture&) = delete;

  std::string Add(const std::string& name, const std::string& text) const {
    const std::filesystem::path path = dir_ / name;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
    return Quote(path);
  }
  std::string dir() const { return Quote(dir_); }
  std::string Path(const std::string& name) const { return Quote(dir_ / name); }

 private:
  std::filesystem::path dir_;
};

inline simdjson::dom::element ParseJson(simdjson::dom::parser& parser, const std::string& text) {
  simdjson::dom::element root;
  INFO(text);
  REQUIRE(parser.parse(text).get(root) == simdjson::SUCCESS);
  return root;
}

inline std::string Str(simdjson::dom::element e, const char* key) {
  std::string_view s;
  INFO(key);
  REQUIRE(e[key].get(s) == simdjson::SUCCESS);
  return std::string(s);
}

inline int64_t Int(simdjson::dom::element e, const char* key) {
  int64_t i = 0;
  INFO(key);
  REQUIRE(e[key].get(i) == simdjson::SUCCESS);
  return i;
}

inline bool Bool(simdjson::dom::element e, const char* key) {
  bool b = false;
  INFO(key);
  REQUIRE(e[key].get(b) == simdjson::SUCCESS);
  return b;
}

inline std::vector<std::string> Strings(simdjson::dom::element e, const char* key) {
  std::vector<std::string> out;
  simdjson::dom::array a;
  INFO(key);
  REQUIRE(e[key].get(a) == simdjson::SUCCESS);
  for (simdjson::dom::element item : a) out.emplace_back(std::string_view(item));
  return out;
}

}  // namespace huntc::test
