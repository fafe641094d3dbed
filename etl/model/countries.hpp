// Country codes: AMLYZE's country classifier looks like ISO 3166-1 alpha-2 (amlyze-api.md §3.2),
// so that is the default check before sending.
#pragma once

#include <string_view>

namespace etl::model {

// True when `code` is an officially assigned ISO 3166-1 alpha-2 code (upper case).
bool is_iso_country(std::string_view code);

}  // namespace etl::model
