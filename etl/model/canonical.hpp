// The canonical text of a payload: the bytes that are hashed, compared with the ledger's hash
// and sent. It is byte for byte what nlohmann's `dump()` writes (compact, keys in order, UTF-8
// kept, control characters escaped), so hashes stay those earlier versions stored; it is written
// straight into one string, without dump()'s per-character escaping (a quarter of the transform's
// time).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace etl::model {

// Appends `value`'s canonical text to `out`. Throws nlohmann::json::type_error (316) on a string
// that is not UTF-8, as dump() does.
void append_canonical(const nlohmann::json& value, std::string& out);

std::string canonical_text(const nlohmann::json& value);

}  // namespace etl::model
