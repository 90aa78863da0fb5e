// Source files and the mapping from a rule's query text back into the YAML file that holds it.
//
// Diagnostics must point into the file a user edits. A rule's query is usually a YAML block
// scalar, so the parser sees text whose offsets differ from the file's; a TextOrigin records,
// for runs of query bytes, where they sit in the file.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace huntc {

class SourceFile {
 public:
  SourceFile(std::string path, std::string text);

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  // 1-based line and column (in bytes) of a byte offset.
  void LineColumn(uint32_t offset, uint32_t& line, uint32_t& column) const;
  std::string_view Line(uint32_t line) const;  // 1-based, without the newline

 private:
  std::string path_;
  std::string text_;
  std::vector<uint32_t> line_starts_;
};

// A byte range [begin, end) inside a SourceFile.
struct FileSpan {
  std::shared_ptr<const SourceFile> file;
  uint32_t begin = 0;
  uint32_t end = 0;
};

// Where the bytes of a piece of text (a query) come from in a file.
class TextOrigin {
 public:
  // The text is the whole file, or stands at `offset` in it unchanged.
  static TextOrigin Identity(std::shared_ptr<const SourceFile> file, uint32_t offset = 0);

  TextOrigin(std::shared_ptr<const SourceFile> file) : file_(std::move(file)) {}
  // Bytes [text_offset, text_offset + length) of the text are bytes starting at file_offset.
  void AddRun(uint32_t text_offset, uint32_t file_offset, uint32_t length);

  const std::shared_ptr<const SourceFile>& file() const { return file_; }
  FileSpan Map(uint32_t begin, uint32_t end) const;

 private:
  uint32_t MapOffset(uint32_t offset) const;

  struct Run {
    uint32_t text_offset, file_offset, length;
  };
  std::shared_ptr<const SourceFile> file_;
  std::vector<Run> runs_;
};

}  // namespace huntc
