// UTF-8 well-formedness. PostgreSQL guarantees it for every encoding but SQL_ASCII, whose bytes
// it never checks; the payload is JSON, which must be UTF-8.
#pragma once

#include <string_view>

namespace etl {

// True when `text` is well-formed UTF-8 (RFC 3629: shortest form, no surrogates, at most
// U+10FFFF). ASCII runs are checked eight bytes at a time: almost every value is ASCII.
bool valid_utf8(std::string_view text);

}  // namespace etl
