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

// Reads a whole file; throws std::runtime_error naming the path when it cannot.
std::string read_file(const std::string& path);

}  // namespace etl
