// Line tables and query-to-file offset mapping.
#include "compiler/diag/source.h"

#include <algorithm>

namespace huntc {

SourceFile::SourceFile(std::string path, std::string text)
    : path_(std::move(path)), text_(std::move(text)) {
  // memchr's pace, not a byte at a time: a pack run makes every rule's file on one thread first.
  const std::string_view all(text_);
  line_starts_.push_back(0);
  for (size_t at = all.find('\n'); at != std::string_view::npos; at = all.find('\n', at + 1)) {
    line_starts_.push_back(static_cast<uint32_t>(at + 1));
  }
}

void SourceFile::LineColumn(uint32_t offset, uint32_t& line, uint32_t& column) const {
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text_.size()));
  const auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const uint32_t index = static_cast<uint32_t>(it - line_starts_.begin()) - 1;
  line = index + 1;
  column = offset - line_starts_[index] + 1;
}

std::string_view SourceFile::Line(uint32_t line) const {
  if (line == 0 || line > line_starts_.size()) return {};
  const uint32_t begin = line_starts_[line - 1];
  uint32_t end = line < line_starts_.size() ? line_starts_[line] - 1 : text_.size();
  if (end > begin && text_[end - 1] == '\r') --end;
  return std::string_view(text_).substr(begin, end - begin);
}

TextOrigin TextOrigin::Identity(std::shared_ptr<const SourceFile> file, uint32_t offset) {
  TextOrigin origin(std::move(file));
  origin.AddRun(0, offset, static_cast<uint32_t>(origin.file_->text().size() - offset));
  return origin;
}

void TextOrigin::AddRun(uint32_t text_offset, uint32_t file_offset, uint32_t length) {
  runs_.push_back({text_offset, file_offset, length});
}

uint32_t TextOrigin::MapOffset(uint32_t offset) const {
  if (runs_.empty()) return 0;
  // The last run starting at or before `offset`; offsets past its end clamp to its end, which
  // is where a line break or the end of the text sits in the file.
  auto it = std::upper_bound(runs_.begin(), runs_.end(), offset,
                             [](uint32_t o, const Run& r) { return o < r.text_offset; });
  if (it == runs_.begin()) return runs_.front().file_offset;
  --it;
  return it->file_offset + std::min(offset - it->text_offset, it->length);
}

FileSpan TextOrigin::Map(uint32_t begin, uint32_t end) const {
  const uint32_t b = MapOffset(begin);
  return FileSpan{file_, b, std::max(b, MapOffset(end))};
}

}  // namespace huntc
