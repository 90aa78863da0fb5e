// Raw bytes of one input: a file, a byte range of a file, or stdin, decompressed on the fly when
// the data starts with a gzip or zstd magic number (the name of the file is never trusted).
//
// Reads are streaming and bounded: a decompression bomb is stopped by a cap on the ratio of
// decompressed to compressed bytes, and a damaged or truncated stream ends the input with an
// error that says which, after every byte decoded before the damage has been handed out.
//
// An uncompressed regular file can also be mapped in windows (Map) instead of read, which
// saves copying its bytes. The file is taken at the size it had when opened (bytes appended
// later are not read). A file that shrinks while one of its windows is mapped would make reading
// the lost pages raise SIGBUS: a process-wide handler (installed with the first mapping, passing
// other faults on to the handler before it) puts a page of newlines in place of a lost page, so
// the reader sees empty lines there, and the source then ends with a Truncated error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace huntc {

// Bounds on hostile input, shared by every reader.
struct ReadLimits {
  size_t max_record_bytes = size_t{64} << 20;  // a longer line or CSV record is skipped
  int max_depth = 128;                          // JSON nesting deeper than this: record skipped
  // Decompressed bytes allowed per compressed byte, beyond a first allowance that small, highly
  // repetitive files may use freely.
  uint64_t max_expansion = 1000;
  uint64_t expansion_allowance = uint64_t{64} << 20;
};

enum class Compression : uint8_t { None, Gzip, Zstd };

// Why a source stopped early.
enum class SourceError : uint8_t {
  None,
  Unreadable,   // open or read failed
  Truncated,    // the compressed stream ends before its end marker
  Corrupt,      // the compressed stream is not valid
  TooExpanded,  // over ReadLimits::max_expansion
};

class ByteSource {
 public:
  // Opens `path` ("-" is stdin) at byte `offset` (only for uncompressed regular files). Returns
  // null with `error` set when it cannot be opened.
  static std::unique_ptr<ByteSource> Open(const std::string& path, uint64_t offset,
                                          const ReadLimits& limits, std::string& error);
  // Compression of the file at `path` by its first bytes; None if it cannot be read.
  static Compression Sniff(const std::string& path);
  virtual ~ByteSource() = default;

  // Reads up to `size` decoded bytes; returns how many, 0 at the end or on an error (then
  // error() says which and message() why).
  virtual size_t Read(char* data, size_t size) = 0;
  virtual Compression compression() const = 0;
  // Whether Map works: an uncompressed regular file (not stdin, a pipe, or one that says it is
  // empty).
  virtual bool mappable() const { return false; }
  // Maps the file's bytes [offset, offset + size), fewer at the end of the file, and returns
  // them; at least one page of readable bytes follows them (so simdjson may read its padding
  // there). The view is valid until the next call or the source's end. Empty at the end of the
  // file or on an error (then error() says which); mapping does not move Read's position.
  virtual std::string_view Map(uint64_t offset, size_t size);
  // Whether Map(offset, size) would leave the views of earlier calls valid (the file is mapped
  // in areas holding many windows).
  virtual bool Keeps(uint64_t /*offset*/, size_t /*size*/) const { return false; }

  SourceError error() const { return error_; }
  const std::string& message() const { return message_; }
  uint64_t raw_bytes() const { return raw_bytes_; }  // bytes read from the file so far

 protected:
  SourceError error_ = SourceError::None;
  std::string message_;
  uint64_t raw_bytes_ = 0;
};

}  // namespace huntc
