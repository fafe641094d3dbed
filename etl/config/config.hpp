// The job's configuration: one JSON file (comments allowed). Relative paths resolve against the
// config file's folder. Secrets are never read from here (a password in source.conninfo or
// user:password@ in amlyze.base_url is refused). The AMLYZE token comes from the first source that
// applies, in this order (sync/token.cpp, read_token()): 1. amlyze.token_file when it is set, and
// then only that file; 2. the systemd credential $CREDENTIALS_DIRECTORY/<amlyze.token_credential>
// when that file exists (LoadCredential=); 3. the environment variable named by amlyze.token_env.
// A source that applies but holds no valid token is an error, never a fall-through to the next.
// Database passwords are libpq's own business: PGPASSWORD, else the password file (PGPASSFILE,
// default ~/.pgpass).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>

namespace etl {

struct SourceConfig {
  std::string conninfo;               // libpq conninfo or URI; empty: the PG* environment
  std::filesystem::path extract_sql;  // the integrator's extract query
  int lookback_seconds = 300;         // over-read below the watermark, on purpose
  int fetch_size = 1000;              // rows per cursor FETCH
  // A session idle in a transaction for longer is named in a warning: it holds the watermark.
  int idle_transaction_warn_seconds = 3600;
};

struct AmlyzeConfig {
  std::string base_url = "http://127.0.0.1:8089";
  std::string token_env = "AMLYZE_TOKEN";
  std::filesystem::path token_file;               // when set, the only token source
  std::string token_credential = "amlyze-token";  // systemd LoadCredential= name
  std::string requester = "CORE_BANKING";
  std::optional<std::string> business_unit;
  int batch_size = 500;
  int timeout_seconds = 30;
  int max_in_flight = 4;
  std::string ca_file;             // CA bundle (PEM) for TLS, checked at load; empty: the system's
  int max_attempts = 5;            // per batch, the first try included
  int retry_initial_ms = 500;      // first backoff; doubles per attempt
  int retry_max_ms = 30000;        // cap of one backoff
  int retry_budget_seconds = 600;  // all backoff waits of one run together
  int max_failed_batches = 3;      // consecutive batches that end failed: stop the run
  // After a kill, how long past the dead run's last request its customers wait before they are
  // resent (AMLYZE may still apply the cut-off request). Unset: the dead run's timeout_seconds.
  std::optional<int> resend_grace_seconds;
};

struct MetricsConfig {
  std::filesystem::path textfile;  // Prometheus textfile-collector file; empty: none
};

struct LedgerConfig {
  std::filesystem::path path;
};

// Installation classifier lists (GET /classifier/{name} on AMLYZE), by classifier name. When a
// list is given, values outside it are held back before sending.
using Classifiers = std::map<std::string, std::set<std::string>>;

struct Config {
  std::filesystem::path file;  // where it was loaded from, for messages
  SourceConfig source;
  AmlyzeConfig amlyze;
  LedgerConfig ledger;
  MetricsConfig metrics;
  Classifiers classifiers;
};

// Loads and checks a config file, the connection settings included (config/connection_checks.hpp:
// so every command stops with exit 2 before it connects). Throws ConfigError naming the file, the
// line and column (or the key) and what to do.
Config load_config(const std::filesystem::path& file);

// Parses config text; `file` is used for relative paths and messages.
Config parse_config(const std::string& text, const std::filesystem::path& file);

}  // namespace etl
