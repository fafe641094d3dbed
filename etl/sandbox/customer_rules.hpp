// Per-customer validation the way AMLYZE's batch endpoints do it (amlyze-api.md §2, §6).
//
// This is the server side of the contract. It is written from the API notes independently of the
// ETL's own validator (etl/model), so that a misreading in one is caught by the other: the two
// must not share code.
//
// Codes used, in the order they are checked:
//   001 communicationNumber / requester missing     C002 customerExtId missing
//   C010 entityType missing or unknown              C012 applicationDate missing
//   C007 riskManagementCategory missing             C008.I02 LEAD_ category (batch = IMPORT)
//   C0RL riskLevel missing or unknown (sandbox)     C0CS customerStatus missing/unknown (sandbox)
//   C013 / C013a closingDate vs customerStatus      C014 / C015 field not allowed for entity type
//   C016.I06 / C016.I08 person countries            C017.O01 title, REG registrationCountry
//   SCR01 initializeScreeningProcesses value        then the nested lists (nested_rules.hpp)
// and the generic sandbox codes of field_rules.hpp (REQ01, TYPE01, ENUM01, DATE01, LEN01, CTRY01).
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "sandbox/field_rules.hpp"

namespace etl::sandbox {

enum class Action { kCreate, kUpdate };

// Sandbox-invented codes for the two status enums, which AMLYZE documents no code for.
inline constexpr std::string_view kCodeRiskLevel = "C0RL";
inline constexpr std::string_view kCodeCustomerStatus = "C0CS";

// Validates one element of `customers[]` (a JSON object) and returns the first rejection, or
// nullopt if AMLYZE would accept it. Unknown fields are ignored, as Spring does by default.
// Rules that need server state (communicationNumber reuse, C004) are the caller's job.
RuleResult check_customer(const nlohmann::json& item);

// The item's action: absent or null means CREATE. Meaningful once check_customer passed.
Action action_of(const nlohmann::json& item);

// The INDIVIDUAL-only fields (§2.1), which an ORGANIZATION must not carry (C015).
const std::vector<FieldRule>& individual_fields();

// The ORGANIZATION-only fields (§2.2), which an INDIVIDUAL must not carry (C014).
const std::vector<FieldRule>& organization_fields();

}  // namespace etl::sandbox
