// What a batch item asks AMLYZE to do with a customer. Typed everywhere inside the job; text only
// at the edges (the request body's "action", the ledger's submissions.action), converted here.
#pragma once

#include <string_view>

#include "util/enum_names.hpp"

namespace etl::model {

enum class Action {
  kCreate,  // AMLYZE has never accepted the customer
  kUpdate,  // AMLYZE has it: the whole customer replaces its data
};

// The wire and ledger spelling.
inline constexpr EnumName<Action> kActionNames[] = {{Action::kCreate, "CREATE"},
                                                    {Action::kUpdate, "UPDATE"}};

inline const char* action_name(Action action) { return enum_name(kActionNames, action); }

// The action spelled `text` (case matters, as on the wire); any other text throws `Error`
// (LedgerError for a ledger column).
template <typename Error>
Action parse_action(std::string_view text) {
  return parse_enum<Error>(kActionNames, text, "action");
}

// The action to resend with after C004: CREATE of a customer AMLYZE has, or UPDATE of one it
// lacks.
constexpr Action other_action(Action action) {
  return action == Action::kCreate ? Action::kUpdate : Action::kCreate;
}

}  // namespace etl::model
