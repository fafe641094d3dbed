// Exit codes, in one place (README, "Exit codes"; DESIGN.md "Interface"):
//   0  every extracted customer accepted or unchanged
//   1  run aborted for a cause that needs a person: source, ledger, authentication, a certificate
//      that fails verification, a wrong AMLYZE URL (404/405, a host that does not resolve)
//   2  usage or configuration error (config file, extract SQL, mapping): nothing was sent
//   3  run finished; the only problems are in the data (rejected, invalid, duplicate, held)
//   4  another run holds the ledger: nothing was done
//   5  AMLYZE could not take some customers (unreachable, timeouts, 5xx after retries, answers
//      that are not AMLYZE's JSON, the stop after max_failed_batches): nothing is lost, the next
//      run resends them; schedulers count it as a failure
//   130 stopped by SIGINT/SIGTERM after finishing and recording the batches in flight
#pragma once

#include <exception>
#include <string_view>

namespace etl {

constexpr int kExitOk = 0;
constexpr int kExitAborted = 1;
constexpr int kExitUsage = 2;
constexpr int kExitPartial = 3;
constexpr int kExitBusy = 4;
constexpr int kExitUndelivered = 5;
constexpr int kExitInterrupted = 130;

// The exit code for an exception that stopped a command.
int exit_code_for(const std::exception& error);

// The exit code of a run that read everything: `undelivered` customers AMLYZE could not take
// (failed), `data_problems` held back or refused for their data (rejected, invalid, duplicate,
// held).
int finished_run_exit_code(long long undelivered, long long data_problems);

// What schedulers count as success: 0, and 3 (only data problems, for review). The systemd unit
// (SuccessExitStatus=3), the cron line and the metrics file say the same.
bool counts_as_success(int exit_code);

// How a run ended (runs.outcome). kRunning is the column's default until the run finishes;
// kCrashed marks a run a later one found still running (Ledger::resolve_abandoned).
enum class RunOutcome {
  kRunning,
  kSucceeded,
  kPartial,
  kUndelivered,
  kInterrupted,
  kAborted,
  kCrashed
};
const char* run_outcome_name(RunOutcome outcome);
// Throws LedgerError for any other text (a ledger column this binary does not know).
RunOutcome parse_run_outcome(std::string_view text);

// The outcome of a run that ended with `exit_code`: succeeded, partial, undelivered, interrupted
// or aborted.
RunOutcome run_outcome_for(int exit_code);
// Its name, for runs.outcome.
const char* run_outcome(int exit_code);

}  // namespace etl
