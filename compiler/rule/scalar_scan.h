// Re-reads one YAML scalar from the raw file text, recording the file offset of every byte.
//
// yaml-cpp gives a scalar's value and where the node starts, not where each byte of the value
// sits: block scalars drop their indentation, quoted scalars unescape, line folding turns
// breaks into spaces. This scanner follows yaml-cpp's own scanning rules (scanscalar.cpp,
// scantoken.cpp), so for the inputs it understands it rebuilds the same value. Callers compare
// the two and trust the offsets only when they agree.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace huntc::rule_internal {

// Where a scalar sits, which decides how far a plain or block scalar reaches.
struct ScalarContext {
  bool in_flow = false;    // inside [ ] or { }
  int parent_column = -1;  // column of the enclosing block collection; -1 at document level
};

struct ScannedScalar {
  std::string value;
  // origin[i]: the file offset value[i] came from. Bytes made by line folding map to the line
  // break they replace, bytes of an escape sequence to its backslash or quote.
  std::vector<uint32_t> origin;
  uint32_t end = 0;  // file offset just past the scalar (closing quote or last content byte)
};

// Scans the scalar node that starts at file offset `start`, `column` bytes into its line (the
// offset and column of yaml-cpp's Mark, moved past a byte order mark). Nullopt where the text
// does not follow the rules the scanner knows.
std::optional<ScannedScalar> ScanScalar(std::string_view text, uint32_t start, uint32_t column,
                                        ScalarContext context);

}  // namespace huntc::rule_internal
