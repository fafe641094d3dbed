// Identifiers and digests: random UUIDs for communicationNumber, SHA-256 for payload hashes.
#pragma once

#include <string>
#include <string_view>

namespace etl {

// A random (version 4) UUID in lower-case canonical form, from libuuid (/dev/urandom).
std::string new_uuid();

// Lower-case hex SHA-256 of the bytes, from OpenSSL's libcrypto.
std::string sha256_hex(std::string_view bytes);

}  // namespace etl
