// The JSON-lines reader: turns event files with one JSON object per line (Defender, Sentinel
// exports) into columnar batches holding only the columns a rule needs.
//
// Bad input never stops a run: a malformed line is skipped and a badly typed value becomes null,
// each reported as an InputIssue so the caller can tell the user exactly where the data is wrong.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "runtime/batch.h"

namespace huntc {

enum class InputIssueKind {
  Unreadable,  // the file cannot be opened or read
  Malformed,   // a line that is not one valid JSON object: skipped whole
  WrongType,   // a value that does not convert to its column's type: read as null
};

struct InputIssue {
  InputIssueKind kind;
  std::string file;
  uint64_t line;  // 1-based; 0 when the issue concerns the whole file
  std::string message;
};

// Counters that ReadFile adds to, so one ReadStats can total several files.
struct ReadStats {
  uint64_t records = 0;  // rows produced
  uint64_t bytes = 0;    // bytes read from the files
  uint64_t lines_skipped = 0;
  uint64_t values_wrong_type = 0;
};

class JsonLinesReader {
 public:
  // `columns` are the fields to extract, by exact (case-sensitive) JSON key; every batch handed
  // out has exactly these specs, in this order.
  explicit JsonLinesReader(std::vector<ColumnSpec> columns, size_t batch_rows = 4096);
  ~JsonLinesReader();
  JsonLinesReader(JsonLinesReader&&) noexcept;
  JsonLinesReader& operator=(JsonLinesReader&&) noexcept;

  // How many bytes to read from the file at a time (8 MiB by default); a longer line grows the
  // buffer. Small values exist so tests can put lines across chunk boundaries.
  void set_chunk_bytes(size_t bytes);

  // Calls on_batch for every full batch and for the final partial one (the batch is reused: copy
  // what must outlive the call), and on_issue for every problem found. Adds to `stats`.
  // Returns false only if the file cannot be opened or read, after reporting Unreadable; rows
  // read before a read error are still delivered.
  bool ReadFile(const std::string& path, const std::function<void(const Batch&)>& on_batch,
                const std::function<void(const InputIssue&)>& on_issue, ReadStats& stats);

 private:
  struct Impl;  // keeps simdjson out of this header
  std::unique_ptr<Impl> impl_;
};

}  // namespace huntc
