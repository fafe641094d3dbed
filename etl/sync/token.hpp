// Where the bearer token comes from, in this order: amlyze.token_file; the systemd credential
// $CREDENTIALS_DIRECTORY/<token_credential> (LoadCredential=); the environment variable
// amlyze.token_env. Never from the config itself; never logged.
#pragma once

#include <string>

#include "config/config.hpp"

namespace etl::sync {

struct Token {
  std::string value;   // goes into the Authorization header only; never logged
  std::string source;  // for messages: "amlyze.token_file /etc/..", "systemd credential
                       // amlyze-token" or "$AMLYZE_TOKEN"
};

// Reads the token and checks it is one RFC 6750 b64token (letters, digits, -._~+/ then optional
// trailing '='), after trimming surrounding spaces and tabs and one trailing newline (LF or CRLF).
// Throws ConfigError naming the source and what is wrong (never the token or a part of it) when
// the text is anything else, or naming the places it looked when none holds a token.
Token read_token(const AmlyzeConfig& amlyze);

// The same check on text already read; `source` is for the message. Returns the trimmed token.
std::string checked_token(const std::string& text, const std::string& source);

}  // namespace etl::sync
