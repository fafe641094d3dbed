// What to do with one extracted customer, given what the ledger knows about it.
#pragma once

#include <optional>

#include "ledger/ledger.hpp"
#include "model/customer.hpp"

namespace etl::sync {

enum class Decision {
  kCreate,     // never accepted by AMLYZE: send as CREATE
  kUpdate,     // accepted before with other data: send the whole customer as UPDATE
  kUnchanged,  // same payload hash as last accepted: skip
  kHeld,     // rejected before with exactly this data (not C004): skip until it changes or `retry`
  kInvalid,  // failed local validation: never sent
  kDuplicate,  // customerExtId already extracted in this run: the first version wins
};

// `seen_in_run`: the ledger already saw this customerExtId in the current run.
// `resend_rejected`: the `retry` command resends rejected customers even when unchanged.
Decision decide(const model::Customer& customer, const std::optional<ledger::CustomerState>& state,
                bool seen_in_run, bool resend_rejected);

}  // namespace etl::sync
