// Local validation of a customer item against the AMLYZE rules we can check without AMLYZE:
// required fields per entity type and inside every nested object, fields forbidden for the type
// (C014/C015), fixed enums, documented lengths, real calendar dates, closingDate exactly when
// CLOSED (C013/C013a), LEAD_ categories refused in batch (C008.I02), additional values that parse
// as their datatype (AV07), country codes (ISO 3166-1 alpha-2, or the installation's list) and
// any installation classifier lists the config gives. Codes are nested the way AMLYZE nests
// them: Q004.ADR02, C017.C016.RE06.Co1.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "model/problem.hpp"

namespace etl::model {

struct ValidationOptions {
  // Installation classifier lists by classifier name ("country", "legalForm", "relationType",
  // "addressType", "currency", "riskManagementCategory", ...). When a list is given, values
  // outside it are held back; "country" replaces the ISO list.
  std::map<std::string, std::set<std::string>> classifiers;
};

// Appends every problem of `item` (a batch customer object, nulls already removed) to `out`.
void validate_customer(const nlohmann::json& item, const ValidationOptions& options, Problems& out);

// True for a real calendar date written yyyy-MM-dd.
bool is_iso_date(const std::string& text);

// True when `value` parses as the additional-value `datatype` (STRING, INTEGER, DECIMAL, DATE,
// TIMESTAMP as yyyy-MM-dd HH:mm:ss.SSSZ, BOOLEAN as true/false).
bool fits_datatype(const std::string& datatype, const std::string& value);

}  // namespace etl::model
