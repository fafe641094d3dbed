// ISO 3166-1 alpha-2 country codes, the sandbox's stand-in for AMLYZE's `country` classifier.
//
// AMLYZE's real classifier is installation-specific (amlyze-api.md §3.2); the sandbox uses the
// officially assigned ISO list because every code seen in the docs is one of them.
#pragma once

#include <array>
#include <string_view>

namespace etl::sandbox {

// All 249 officially assigned alpha-2 codes, sorted (ISO 3166-1, as shipped by Debian iso-codes).
// User-assigned codes such as XK (Kosovo) are deliberately absent: a client that needs them must
// learn that the real classifier has them, not rely on the sandbox.
extern const std::array<std::string_view, 249> kIsoCountryCodes;

// True if `code` is exactly one of kIsoCountryCodes (case-sensitive: AMLYZE's samples are upper).
bool is_country_code(std::string_view code);

}  // namespace etl::sandbox
