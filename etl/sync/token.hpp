// Where the bearer token comes from, in this order: amlyze.token_file; the systemd credential
// $CREDENTIALS_DIRECTORY/<token_credential> (LoadCredential=); the environment variable
// amlyze.token_env. Never from the config itself; never logged.
#pragma once

#include <string>

#include "config/config.hpp"

namespace etl::sync {

// Throws ConfigError naming the places it looked (never the token) when none holds one.
std::string read_token(const AmlyzeConfig& amlyze);

}  // namespace etl::sync
