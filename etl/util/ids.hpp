// Identifiers and digests: time-ordered UUIDs for communicationNumber, SHA-256 for payload hashes.
#pragma once

#include <string>
#include <string_view>

namespace etl {

// A version 7 UUID (RFC 9562) in lower-case canonical form: 48 bits of Unix time in
// milliseconds, then 74 random bits from a per-thread generator seeded by the kernel. Unique like a
// version 4 UUID, but later ones sort after earlier ones, so the ledger's index on
// communication_number grows at its right edge instead of taking a write in a random page per
// submission (at a million submissions, random keys made every batch dirty hundreds of index
// pages).
std::string new_uuid();

// Lower-case hex SHA-256 of the bytes, from OpenSSL's libcrypto.
std::string sha256_hex(std::string_view bytes);
// The bytes as lower-case hex, two digits each.
std::string hex_lower(std::string_view bytes);

}  // namespace etl
