// The per-item logic of batch-customers and validate-batch-customers, without any HTTP: given the
// `customers` array of a well-formed request, decide each item and build the 200 response body.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "sandbox/sandbox_state.hpp"

namespace etl::sandbox {

enum class BatchMode {
  kSave,          // batch-customers: accepted items are stored
  kValidateOnly,  // validate-batch-customers: nothing is stored, numbers are still burnt
};

// customerExtId -> errorCode: items a fault plan rejects (FaultPlan::reject_ext_ids).
using ScriptedRejections = std::map<std::string, std::string>;

// Decides every element of `customers` (each a JSON object) against `state` and returns
// {"results":[...],"timeElapsedMs":N}. Per item, in order: communicationNumber already used
// (O005), a scripted rejection from `scripted`, check_customer(), then in kSave mode the
// CREATE/UPDATE existence rule (C004) and the save. Updates the counters in `state`.
nlohmann::json process_batch(const nlohmann::json& customers, BatchMode mode, SandboxState& state,
                             const ScriptedRejections& scripted = {});

}  // namespace etl::sandbox
