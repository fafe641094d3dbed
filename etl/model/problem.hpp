// Why a customer is held back: the code AMLYZE would return (or a local ETL.* code where AMLYZE
// documents none), the field path and a reason an integrator can act on.
#pragma once

#include <string>
#include <vector>

namespace etl::model {

struct Problem {
  std::string code;     // e.g. "C016.I06", "ETL.DATE"
  std::string path;     // e.g. "listAddress[1].country"
  std::string message;  // e.g. "required for INDIVIDUAL"

  bool operator==(const Problem& o) const {
    return code == o.code && path == o.path && message == o.message;
  }
};

using Problems = std::vector<Problem>;

// "C016.I06 citizenshipCountry: required for INDIVIDUAL; ..." (at most `limit` problems).
std::string describe(const Problems& problems, std::size_t limit = 5);

}  // namespace etl::model
