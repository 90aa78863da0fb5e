// Where gen-events writes: a file or stdout, optionally gzip- or zstd-compressed as it goes.
#pragma once

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace huntc::gen {

enum class Compression { kNone, kGzip, kZstd };
std::optional<Compression> CompressionFromName(std::string_view name);  // "none", "gzip", "zstd"
std::string_view CompressionSuffix(Compression c);                      // "", ".gz", ".zst"

class OutputFile {
 public:
  // "" or "-" is stdout. Returns null and sets `error` when the file cannot be opened.
  static std::unique_ptr<OutputFile> Open(const std::string& path, Compression c, std::string& error);
  virtual ~OutputFile() = default;
  virtual bool Write(std::string_view bytes) = 0;
  // Ends the compressed stream and closes the file; false if anything failed on the way.
  virtual bool Close() = 0;
};

}  // namespace huntc::gen
