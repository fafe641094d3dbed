// Bearer-token check; see request_auth.hpp.
#include "sandbox/request_auth.hpp"

#include <algorithm>
#include <cctype>

namespace etl::sandbox {

bool constant_time_equals(std::string_view a, std::string_view b) {
  const std::size_t n = std::max(a.size(), b.size());
  unsigned diff = a.size() == b.size() ? 0U : 1U;
  for (std::size_t i = 0; i < n; ++i) {
    const auto x = static_cast<unsigned char>(i < a.size() ? a[i] : 0);
    const auto y = static_cast<unsigned char>(i < b.size() ? b[i] : 0);
    diff |= static_cast<unsigned>(x ^ y);
  }
  return diff == 0;
}

bool bearer_token_matches(std::string_view authorization, std::string_view expected_token) {
  constexpr std::string_view kScheme = "bearer ";
  if (expected_token.empty() || authorization.size() <= kScheme.size()) return false;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kScheme[i]) return false;
  }
  std::string_view token = authorization.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  return constant_time_equals(token, expected_token);
}

}  // namespace etl::sandbox
