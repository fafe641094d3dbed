// Strings of an enum (ledger columns, the command line, logs) in one table next to the enum.
// These helpers turn the table into the enum's name() and parse(), so no enum keeps a second list
// of its strings that could drift from the first.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace etl {

template <typename Enum>
struct EnumName {
  Enum value;
  const char* name;
};

// The name of `value`; `names` lists every value (tests/test_states.cpp round-trips each).
template <typename Enum, std::size_t N>
const char* enum_name(const EnumName<Enum> (&names)[N], Enum value) {
  for (const EnumName<Enum>& n : names) {
    if (n.value == value) return n.name;
  }
  return "?";
}

// The value named `text`. Any other text throws `Error` naming `what` and the accepted names: a
// value this binary does not know is a problem to show, never a default to guess.
template <typename Error, typename Enum, std::size_t N>
Enum parse_enum(const EnumName<Enum> (&names)[N], std::string_view text, const char* what) {
  std::string accepted;
  for (const EnumName<Enum>& n : names) {
    if (text == n.name) return n.value;
    accepted += (accepted.empty() ? "" : ", ") + std::string(n.name);
  }
  throw Error("unknown " + std::string(what) + " \"" + std::string(text) +
              "\" (expected one of: " + accepted + ")");
}

}  // namespace etl
