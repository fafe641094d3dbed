// Why a customer is held back: the code AMLYZE would return (or a local ETL.* code where AMLYZE
// documents none), the field path and a reason an integrator can act on.
#pragma once

#include <string>
#include <vector>

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

// The first mapping problem, or nullptr.
const Problem* first_mapping_problem(const Problems& problems);

}  // namespace etl::model
