#include "sync/planner.hpp"

namespace etl::sync {

Decision decide(const model::Customer& customer, const std::optional<ledger::CustomerState>& state,
                bool seen_in_run, bool resend_rejected) {
  if (seen_in_run) return Decision::kDuplicate;
  if (!customer.valid()) return Decision::kInvalid;
  if (!state) return Decision::kCreate;
  if (state->accepted_hash && *state->accepted_hash == customer.hash) return Decision::kUnchanged;
  // C004 says the ledger was wrong about AMLYZE having the customer, not that the data is bad:
  // its resend with the other action can be lost (a kill between the two), so it is never held.
  if (!resend_rejected && state->last_outcome == "rejected" && state->last_error_code != "C004" &&
      state->last_hash && *state->last_hash == customer.hash) {
    return Decision::kHeld;
  }
  // Accepted once means AMLYZE has it: UPDATE replaces all of its data, so the payload is whole.
  return state->accepted_hash ? Decision::kUpdate : Decision::kCreate;
}

}  // namespace etl::sync
