// Exceptions for what stops a run. Expected per-customer outcomes (rejected, invalid, retryable
// HTTP status) are values, not exceptions. Each type maps to one exit code by exit_code_for()
// (util/exit_codes.hpp); any other exception is exit 1.
#pragma once

#include <stdexcept>
#include <string>

namespace etl {

// Base of every error the job reports to the operator as one line.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Bad command line (exit 2).
class UsageError : public Error {
 public:
  using Error::Error;
};

// Bad config file, extract SQL or mapping, detected before anything is sent (exit 2).
class ConfigError : public Error {
 public:
  using Error::Error;
};

// PostgreSQL unreachable or failing during the extract (exit 1).
class SourceError : public Error {
 public:
  using Error::Error;
};

// The ledger cannot be opened, migrated or written (exit 1).
class LedgerError : public Error {
 public:
  using Error::Error;
};

// AMLYZE answered 401/403: nothing more is sent (exit 1).
class AuthError : public Error {
 public:
  using Error::Error;
};

// AMLYZE is unusable until a person acts: a wrong URL (404, a host that does not resolve) or a
// certificate that fails verification (exit 1).
class AmlyzeError : public Error {
 public:
  using Error::Error;
};

// AMLYZE could not take customers (`max_failed_batches` batches in a row failed after their
// retries): the run stopped, nothing is lost, the next run resends them (exit 5).
class UndeliveredError : public Error {
 public:
  using Error::Error;
};

// Another run holds the ledger (exit 4).
class BusyError : public Error {
 public:
  using Error::Error;
};

// SIGINT/SIGTERM: the batches in flight were finished and recorded, nothing more was sent
// (exit 130).
class InterruptedError : public Error {
 public:
  using Error::Error;
};

}  // namespace etl
