// Per-item batch logic; see batch_processor.hpp.
#include "sandbox/batch_processor.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "sandbox/customer_rules.hpp"

namespace etl::sandbox {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

std::int64_t elapsed_ms(Clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
}

// The item's value for `key` if it is a string, else null: results echo what they can.
json string_or_null(const json& item, const char* key) {
  const auto it = item.find(key);
  return it != item.end() && it->is_string() ? *it : json(nullptr);
}

RuleResult check_communication_number(const json& item, SandboxState& state) {
  const auto it = item.find("communicationNumber");
  // A missing or malformed number is check_customer's to report (001 / TYPE01).
  if (it == item.end() || is_blank(*it) || !it->is_string()) return std::nullopt;
  if (state.burn_communication_number(it->get<std::string>())) return std::nullopt;
  return Rejection{"O005", "CommunicationNumber already used in amlyze"};
}

RuleResult save_item(const json& item, SandboxState& state) {
  switch (state.save(action_of(item), item.at("customerExtId").get<std::string>(), item)) {
    case SaveOutcome::kAlreadyExists:
      return Rejection{"C004", "Customer already exists"};
    case SaveOutcome::kNotFound:
      return Rejection{"C004", "Cannot update not existing customer, use Action = CREATE"};
    default:
      return std::nullopt;
  }
}

// After O005 so that the number is burnt as for any other rejection; before the rules so that the
// scripted code comes back whatever else is wrong with the item.
RuleResult scripted_rejection(const json& item, const ScriptedRejections& scripted) {
  const auto ext_id = item.find("customerExtId");
  if (scripted.empty() || ext_id == item.end() || !ext_id->is_string()) return std::nullopt;
  const auto it = scripted.find(ext_id->get<std::string>());
  if (it == scripted.end()) return std::nullopt;
  return Rejection{it->second, "Rejected by the sandbox fault plan"};
}

RuleResult decide(const json& item, BatchMode mode, SandboxState& state,
                  const ScriptedRejections& scripted) {
  if (auto rejection = check_communication_number(item, state)) return rejection;
  if (auto rejection = scripted_rejection(item, scripted)) return rejection;
  if (auto rejection = check_customer(item)) return rejection;
  if (mode == BatchMode::kSave) return save_item(item, state);
  return std::nullopt;
}

json process_item(const json& item, BatchMode mode, SandboxState& state,
                  const ScriptedRejections& scripted) {
  const auto started = Clock::now();
  const RuleResult rejection = decide(item, mode, state, scripted);
  json result = {{"resultType", rejection ? "REQUEST_REJECTED" : "REQUEST_ACCEPTED"},
                 {"communicationNumber", string_or_null(item, "communicationNumber")},
                 {"customerExtId", string_or_null(item, "customerExtId")},
                 {"businessUnit", string_or_null(item, "businessUnit")}};
  if (rejection) {
    result["errorCode"] = rejection->code;
    result["errorDescription"] = rejection->description;
  }
  result["timeElapsedMs"] = elapsed_ms(started);
  state.count_result(rejection ? rejection->code : std::string());
  return result;
}

}  // namespace

json process_batch(const json& customers, BatchMode mode, SandboxState& state,
                   const ScriptedRejections& scripted) {
  const auto started = Clock::now();
  state.count_batch(customers.size());
  std::vector<json> results;
  results.reserve(customers.size());
  for (const json& item : customers) results.push_back(process_item(item, mode, state, scripted));
  // AMLYZE does not promise that results keep the request order. Reversing them makes every
  // client prove that it matches results by communicationNumber, not by position.
  std::reverse(results.begin(), results.end());
  return {{"results", std::move(results)}, {"timeElapsedMs", elapsed_ms(started)}};
}

}  // namespace etl::sandbox
