// What a batch item asks AMLYZE to do with a customer. Typed everywhere inside the job; text only
// at the edges (the request body's "action", the ledger's submissions.action), converted here.
#pragma once

#include <optional>
#include <string_view>

namespace etl::model {

enum class Action {
  kCreate,  // AMLYZE has never accepted the customer
  kUpdate,  // AMLYZE has it: the whole customer replaces its data
};

// The wire and ledger spelling: "CREATE" | "UPDATE".
constexpr const char* action_name(Action action) {
  return action == Action::kCreate ? "CREATE" : "UPDATE";
}

// The inverse of action_name(); nullopt for any other text (case matters, as on the wire).
inline std::optional<Action> parse_action(std::string_view text) {
  if (text == "CREATE") return Action::kCreate;
  if (text == "UPDATE") return Action::kUpdate;
  return std::nullopt;
}

// The action to resend with after C004: CREATE of a customer AMLYZE has, or UPDATE of one it
// lacks.
constexpr Action other_action(Action action) {
  return action == Action::kCreate ? Action::kUpdate : Action::kCreate;
}

}  // namespace etl::model
