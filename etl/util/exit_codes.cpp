#include "util/exit_codes.hpp"

#include "util/errors.hpp"

namespace etl {

int exit_code_for(const std::exception& error) {
  if (dynamic_cast<const UsageError*>(&error) != nullptr) return kExitUsage;
  if (dynamic_cast<const ConfigError*>(&error) != nullptr) return kExitUsage;
  if (dynamic_cast<const BusyError*>(&error) != nullptr) return kExitBusy;
  if (dynamic_cast<const InterruptedError*>(&error) != nullptr) return kExitInterrupted;
  return kExitAborted;
}

int finished_run_exit_code(long long undelivered, long long data_problems) {
  return undelivered + data_problems == 0 ? kExitOk : kExitPartial;
}

const char* run_outcome(int exit_code) {
  switch (exit_code) {
    case kExitOk:
      return "succeeded";
    case kExitPartial:
      return "partial";
    case kExitInterrupted:
      return "interrupted";
    default:
      return "aborted";
  }
}

}  // namespace etl
