// One extracted customer, transformed: the canonical AMLYZE payload (without the per-attempt
// communicationNumber and action), its hash, and the problems that hold it back, if any.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "model/problem.hpp"

namespace etl::model {

struct Customer {
  std::string ext_id;       // customerExtId; empty when the row has none (then it is invalid)
  std::string entity_type;  // INDIVIDUAL / ORGANIZATION as the row says
  std::string changed_at;   // `_changed_at` as PostgreSQL printed it (UTC)
  nlohmann::json payload;   // keys sorted (std::map), nulls removed; may be released once
                            // validated: `canonical` is what is sent
  std::string canonical;    // canonical_text(payload): the bytes that are hashed and sent
  std::string hash;         // SHA-256 of `canonical`: what decides "unchanged"
  Problems problems;        // empty: valid

  bool valid() const { return problems.empty(); }
};

}  // namespace etl::model
