#include "util/exit_codes.hpp"

#include "util/errors.hpp"

namespace etl {

int exit_code_for(const std::exception& error) {
  if (dynamic_cast<const UsageError*>(&error) != nullptr) return kExitUsage;
  if (dynamic_cast<const ConfigError*>(&error) != nullptr) return kExitUsage;
  if (dynamic_cast<const BusyError*>(&error) != nullptr) return kExitBusy;
  if (dynamic_cast<const InterruptedError*>(&error) != nullptr) return kExitInterrupted;
  if (dynamic_cast<const UndeliveredError*>(&error) != nullptr) return kExitUndelivered;
  return kExitAborted;
}

int finished_run_exit_code(long long undelivered, long long data_problems) {
  // An outage outranks the data: 3 is a success for schedulers, and undelivered customers must
  // not hide behind a held-back one.
  if (undelivered > 0) return kExitUndelivered;
  return data_problems > 0 ? kExitPartial : kExitOk;
}

bool counts_as_success(int exit_code) { return exit_code == kExitOk || exit_code == kExitPartial; }

const char* run_outcome(int exit_code) {
  switch (exit_code) {
    case kExitOk:
      return "succeeded";
    case kExitPartial:
      return "partial";
    case kExitUndelivered:
      return "undelivered";
    case kExitInterrupted:
      return "interrupted";
    default:
      return "aborted";
  }
}

}  // namespace etl
