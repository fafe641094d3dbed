// What the run does with one extracted customer, given the ledger's state of it
// (sync/planner.hpp decide()): one row per ledger state and decision.
#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "sync/planner.hpp"

namespace {

using etl::ledger::CustomerState;
using etl::sync::Decision;

// The extracted customer in every row hashes to "new".
struct Row {
  const char* name;
  bool valid;
  std::optional<CustomerState> state;
  bool seen_in_run;
  bool resend_rejected;
  Decision expected;
};

// The ledger's state: hash last accepted (nullopt: never), hash and outcome of the last attempt.
CustomerState state(std::optional<std::string> accepted_hash, std::string last_hash,
                    std::string last_outcome, std::string last_error_code = "") {
  CustomerState s;
  s.accepted_hash = std::move(accepted_hash);
  s.last_hash = std::move(last_hash);
  s.last_outcome = std::move(last_outcome);
  s.last_error_code = std::move(last_error_code);
  return s;
}

const char* decision_name(Decision d) {
  switch (d) {
    case Decision::kCreate:
      return "create";
    case Decision::kUpdate:
      return "update";
    case Decision::kUnchanged:
      return "unchanged";
    case Decision::kHeld:
      return "held";
    case Decision::kInvalid:
      return "invalid";
    case Decision::kDuplicate:
      return "duplicate";
  }
  return "?";
}

std::vector<Row> rows() {
  const auto never = std::nullopt;
  // A table, kept as written: one row per ledger state.
  // clang-format off
  return {
      {"unknown to the ledger: CREATE", true, never, false, false, Decision::kCreate},
      {"already extracted in this run: a duplicate, even when invalid", false,
       state("new", "new", "accepted"), true, false, Decision::kDuplicate},
      {"invalid: never sent, whatever the ledger knows", false, state("old", "old", "accepted"),
       false, false, Decision::kInvalid},
      {"accepted with this very data: unchanged", true, state("new", "new", "accepted"), false,
       false, Decision::kUnchanged},
      {"accepted with this data, then rejected with other data: unchanged", true,
       state("new", "other", "rejected", "C016"), false, false, Decision::kUnchanged},
      {"accepted with this data: unchanged even for `retry`", true,
       state("new", "new", "accepted"), false, true, Decision::kUnchanged},
      {"accepted with other data: UPDATE", true, state("old", "old", "accepted"), false, false,
       Decision::kUpdate},
      {"rejected with this data and never accepted: held", true, state(never, "new", "rejected",
       "C016.I06"), false, false, Decision::kHeld},
      {"rejected with this data after an older version was accepted: held", true,
       state("old", "new", "rejected", "Q004"), false, false, Decision::kHeld},
      {"rejected with this data: `retry` resends it as CREATE", true,
       state(never, "new", "rejected", "C016.I06"), false, true, Decision::kCreate},
      {"rejected with this data after an accepted version: `retry` resends it as UPDATE", true,
       state("old", "new", "rejected", "Q004"), false, true, Decision::kUpdate},
      {"rejected C004 (the ledger was behind, its resend maybe lost): never held", true,
       state(never, "new", "rejected", "C004"), false, false, Decision::kCreate},
      {"rejected C004 after an accepted version: UPDATE", true,
       state("old", "new", "rejected", "C004"), false, false, Decision::kUpdate},
      {"rejected with other data: the change is sent, CREATE", true,
       state(never, "old", "rejected", "C016.I06"), false, false, Decision::kCreate},
      {"rejected with other data after an accepted version: UPDATE", true,
       state("old", "older", "rejected", "C016.I06"), false, false, Decision::kUpdate},
      {"failed with this data (never accepted): sent again as CREATE", true,
       state(never, "new", "failed"), false, false, Decision::kCreate},
      {"failed with this data after an accepted version: UPDATE", true,
       state("old", "new", "failed"), false, false, Decision::kUpdate},
      {"left in flight by a killed run: sent again as CREATE", true,
       state(never, "new", "in_flight"), false, false, Decision::kCreate},
      {"extracted but never sent (invalid before): CREATE", true, state(never, "new", "invalid"),
       false, false, Decision::kCreate},
  };
  // clang-format on
}

}  // namespace

TEST_SUITE("planner") {
  TEST_CASE("what is done with an extracted customer for each ledger state") {
    for (const Row& row : rows()) {
      INFO(row.name);
      etl::model::Customer customer;
      customer.ext_id = "C1";
      customer.hash = "new";
      if (!row.valid) customer.problems.push_back({"ETL.DATE", "birthDate", "not a date", false});
      const Decision got =
          etl::sync::decide(customer, row.state, row.seen_in_run, row.resend_rejected);
      CHECK(std::string(decision_name(got)) == decision_name(row.expected));
    }
  }
}
