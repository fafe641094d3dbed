// Why a customer is held back: the code AMLYZE would return (or a local ETL.* code where AMLYZE
// documents none), the field path and a reason an integrator can act on.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/field_spec.hpp"

namespace etl::model {

struct Problem {
  std::string code;     // e.g. "C016.I06", "Q004.ADR02", "ETL.DATE"
  std::string path;     // e.g. "listAddress[1].country"
  std::string message;  // e.g. "required for INDIVIDUAL"
  // The extract query builds this shape wrongly (unknown key or wrong JSON type inside a json
  // column): every row is affected, so the run stops instead of holding rows back one by one.
  bool mapping = false;

  bool operator==(const Problem& o) const {
    return code == o.code && path == o.path && message == o.message && mapping == o.mapping;
  }
};

using Problems = std::vector<Problem>;

// "C016.I06 citizenshipCountry: required for INDIVIDUAL; ..." (at most `limit` problems).
std::string describe(const Problems& problems, std::size_t limit = 5);

// The one way a problem's message mentions the rejected value of field `f`: `"SEVERE" ` + rule
// when the value may be shown, else the rule alone ("is not a real calendar date"). A value is
// shown only when the field is quotable() and the value looks like a code (at most 40 letters,
// digits, `_`, `-`, `.`, with a letter), so that a name or a date mapped into a code column by
// mistake is not quoted either. Messages must say what is wrong without the value: the field
// path and the customerExtId lead the integrator to it in the source.
std::string about_value(const FieldSpec& f, std::string_view value, const std::string& rule);

// The value in double quotes when about_value() would show it, else "".
std::string shown_value(const FieldSpec& f, std::string_view value);

// The first mapping problem, or nullptr.
const Problem* first_mapping_problem(const Problems& problems);

}  // namespace etl::model
