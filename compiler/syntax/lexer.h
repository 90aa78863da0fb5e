// The KQL lexer: turns query text into tokens, decoding literals and reporting bad ones.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/syntax/token.h"

namespace huntc::syntax {

// Receives a diagnostic at a span of the query text.
using Reporter = std::function<void(Code, Span, std::string)>;

// Tokenises the whole query; the last token is End. Bad input yields Error tokens and reports.
std::vector<Token> Lex(std::string_view text, const Reporter& report);

}  // namespace huntc::syntax
