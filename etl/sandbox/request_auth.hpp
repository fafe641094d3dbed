// The sandbox's bearer-token check, AMLYZE's second access layer (amlyze-api.md §1
// "Authentication"). The first layer, the IP allow-list, is modelled only by binding to loopback.
#pragma once

#include <string_view>

namespace etl::sandbox {

// Compares two secrets in time that depends only on their lengths, so that response timing does
// not reveal how many leading characters of a guessed token were right.
bool constant_time_equals(std::string_view a, std::string_view b);

// True if `authorization` (the raw header value) is "Bearer <expected_token>". The scheme is
// case-insensitive (RFC 7235); Basic and every other scheme are refused.
bool bearer_token_matches(std::string_view authorization, std::string_view expected_token);

}  // namespace etl::sandbox
