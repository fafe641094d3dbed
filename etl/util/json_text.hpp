// JSON text -> nlohmann::json, for the documents the job reads per customer (the extract's list
// and object columns, AMLYZE's answers). simdjson (Debian's libsimdjson-dev) finds the structure
// and unescapes the strings; the tree is then built directly. nlohmann's own parser reads
// character by character into a token buffer, and was most of the cost of transforming a row.
//
// The tree is the one nlohmann::json::parse(text) builds, value for value and type for type
// (a non-negative integer is unsigned, the last of duplicate keys wins): customers' hashes
// must not change with the parser. Whatever simdjson refuses or could type differently (an
// integer beyond 64 bits, a possible -0, nesting deeper than 1024) is left to nlohmann's parser,
// which then decides, as before.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace etl {

// The document, or nullopt when `text` is not JSON.
std::optional<nlohmann::json> parse_json(std::string_view text);

}  // namespace etl
