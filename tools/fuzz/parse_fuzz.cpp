// libFuzzer target for the KQL lexer and parser: any bytes must give a tree or diagnostics,
// with spans inside the input, in bounded time and memory, and the tree must print.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "compiler/syntax/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  huntc::syntax::Ast ast;
  huntc::syntax::Parse(text, ast, [&](huntc::Code, huntc::syntax::Span span, std::string) {
    if (span.begin > span.end || span.end > text.size()) __builtin_trap();
  });
  if (!ast.root) __builtin_trap();
  if (huntc::syntax::Dump(ast).empty()) __builtin_trap();
  return 0;
}
