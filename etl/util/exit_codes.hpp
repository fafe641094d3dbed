// Exit codes, in one place (README, "Exit codes"):
//   0  every extracted customer accepted or unchanged
//   1  run aborted: source, ledger, authentication or AMLYZE/network failure
//   2  usage or configuration error (config file, extract SQL, mapping): nothing was sent
//   3  run finished, but some customers are rejected, invalid, held or still failing
//   4  another run holds the ledger: nothing was done
//   130 stopped by SIGINT/SIGTERM after finishing and recording the batch in flight
#pragma once

#include <exception>

namespace etl {

constexpr int kExitOk = 0;
constexpr int kExitAborted = 1;
constexpr int kExitUsage = 2;
constexpr int kExitPartial = 3;
constexpr int kExitBusy = 4;
constexpr int kExitInterrupted = 130;

// The exit code for an exception that stopped a command.
int exit_code_for(const std::exception& error);

}  // namespace etl
