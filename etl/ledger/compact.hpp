// How the ledger stores hashes and its own times (migration 0006; times from unix_now_ms()): a
// SHA-256 as its 32 bytes, a time as Unix milliseconds. The views `customers` and `submissions`
// show them as the text they always were (lower-case hex, UTC ISO-8601); the job converts here, at
// the edge, and nowhere else.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ledger/sqlite.hpp"

namespace etl::ledger {

// Binds a lower-case hex SHA-256 as its 32 bytes. Anything else (a hash from before migration
// 0006 read back, a test's "h1") is bound as the text it is, which the views show unchanged.
void bind_hash(Statement& s, int index, std::string_view hex);
void bind_optional_hash(Statement& s, int index, const std::optional<std::string>& hex);

// The hash in `column` as bind_hash was given it; nullopt for NULL.
std::optional<std::string> read_hash(const Statement& s, int column);

}  // namespace etl::ledger
