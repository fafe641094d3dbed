// The AMLYZE customer object as data: every field of amlyze-api.md §2 with its JSON type, the
// entity type it belongs to, whether it is required, its fixed enum values, documented maximum
// length and AMLYZE's error code. One table drives the SQL column check, the row conversion, the
// local validation, the integrator's "did you mean" suggestions and which values a reason may
// quote (quotable()), so they cannot drift apart.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace etl::model {

enum class FieldType { kString, kBoolean, kDate, kInteger, kDecimal, kObject, kList };

// Which entity type may carry a field (relative to the enclosing object's entityType).
enum class Scope { kAny, kIndividual, kOrganization };

// Who provides a field: the integrator's SQL, or the job itself (never a column).
enum class Origin { kSource, kJob, kNotInBatch };

struct ObjectSpec;

struct FieldSpec {
  std::string name;
  FieldType type = FieldType::kString;
  Scope scope = Scope::kAny;
  Origin origin = Origin::kSource;
  bool required = false;                // required when the scope applies
  std::vector<std::string> values;      // fixed enum; empty: free text or classifier
  std::string classifier;               // installation code list, e.g. "country"
  std::size_t max_length = 0;           // 0: not documented
  const ObjectSpec* element = nullptr;  // for kObject and kList
  std::string code;                     // AMLYZE's error code for a missing or bad value (leaf)
  std::string code_prefix;              // kList/kObject: prefixed to its elements' codes, as
                                        // AMLYZE nests them (Q004.ADR02, C017.C016.RE06.Co1)
  bool code_value = false;              // free text that is a key or code, not a person's data
                                        // (customerExtId): see quotable()

  FieldSpec& req(std::string error_code = "") {
    required = true;
    if (!error_code.empty()) code = std::move(error_code);
    return *this;
  }
};

struct ObjectSpec {
  std::string name;  // "customer", "listAddress[]", ...
  std::vector<FieldSpec> fields;

  // The field with exactly this name, or nullptr.
  const FieldSpec* find(std::string_view field) const;
  // Every field name, for suggestions.
  std::vector<std::string> names() const;
};

// The batch customer item (INDIVIDUAL and ORGANIZATION fields together, scoped).
const ObjectSpec& customer_spec();

const char* type_name(FieldType type);

// True when a reason, a log line or runs.error may quote the field's value: fixed enums,
// classifier codes (countries included), booleans and fields marked code_value (customerExtId,
// an additional value's code). Every other value may be a person's data (names, dates, document
// numbers, addresses, contacts, free text, amounts, related parties, additional values) and is
// described without being quoted; about_value() (problem.hpp) applies this rule.
bool quotable(const FieldSpec& f);

}  // namespace etl::model
