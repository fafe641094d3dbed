// Local validation of a customer item against the AMLYZE rules we can check without AMLYZE:
// required fields per entity type and inside nested objects, fields forbidden for the type
// (C014/C015), fixed enums, documented lengths, real calendar dates, closingDate exactly when
// CLOSED (C013/C013a), LEAD_ categories refused in batch (C008.I02), ISO country codes.
#pragma once

#include <nlohmann/json.hpp>

#include "model/problem.hpp"

namespace etl::model {

// Appends every problem of `item` (a batch customer object, nulls already removed) to `out`.
void validate_customer(const nlohmann::json& item, Problems& out);

// True for a real calendar date written yyyy-MM-dd.
bool is_iso_date(const std::string& text);

}  // namespace etl::model
