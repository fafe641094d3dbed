// Small text helpers shared by the config and mapping checks.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace etl {

// Levenshtein distance, case-insensitive (for "did you mean" suggestions).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, or "" when none is reasonably close.
std::string nearest(std::string_view word, const std::vector<std::string>& candidates);

// 1-based line and column of byte `offset` in `text`.
struct TextPosition {
  std::size_t line = 1;
  std::size_t column = 1;
};
TextPosition position_of(std::string_view text, std::size_t offset);

// `text` with everything from its first to its last double quote replaced by "…": for messages of
// libraries (libpq) that quote the value they refused, which may be a customer's data or a
// password. A value may itself hold quotes, so quote pairs cannot be trusted; a lone quote opens
// a value whose end was cut off, so everything after it goes.
std::string mask_quoted(const std::string& text);

// Reads a whole file; throws std::runtime_error naming the path when it cannot.
std::string read_file(const std::string& path);

}  // namespace etl
