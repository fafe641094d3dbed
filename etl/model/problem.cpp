#include "model/problem.hpp"

#include <algorithm>
#include <cctype>

namespace etl::model {
namespace {

constexpr std::size_t kMaxShownLength = 40;

bool looks_like_code(std::string_view value) {
  if (value.empty() || value.size() > kMaxShownLength) return false;
  const auto code_char = [](unsigned char c) {
    return std::isalnum(c) != 0 || c == '_' || c == '-' || c == '.';
  };
  const auto letter = [](unsigned char c) { return std::isalpha(c) != 0; };
  return std::all_of(value.begin(), value.end(), code_char) &&
         std::any_of(value.begin(), value.end(), letter);
}

}  // namespace

std::string shown_value(const FieldSpec& f, std::string_view value) {
  if (!quotable(f) || !looks_like_code(value)) return "";
  return "\"" + std::string(value) + "\"";
}

std::string about_value(const FieldSpec& f, std::string_view value, const std::string& rule) {
  const std::string shown = shown_value(f, value);
  return shown.empty() ? rule : shown + " " + rule;
}

std::string describe(const Problems& problems, std::size_t limit) {
  std::string out;
  for (std::size_t i = 0; i < problems.size() && i < limit; ++i) {
    if (!out.empty()) out += "; ";
    out += problems[i].code + " " + problems[i].path + ": " + problems[i].message;
  }
  if (problems.size() > limit) {
    out += "; and " + std::to_string(problems.size() - limit) + " more";
  }
  return out;
}

const Problem* first_mapping_problem(const Problems& problems) {
  for (const auto& p : problems) {
    if (p.mapping) return &p;
  }
  return nullptr;
}

}  // namespace etl::model
