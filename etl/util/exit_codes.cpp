#include "util/exit_codes.hpp"

#include "util/enum_names.hpp"
#include "util/errors.hpp"

namespace etl {
namespace {

constexpr EnumName<RunOutcome> kRunOutcomeNames[] = {
    {RunOutcome::kRunning, "running"},         {RunOutcome::kSucceeded, "succeeded"},
    {RunOutcome::kPartial, "partial"},         {RunOutcome::kUndelivered, "undelivered"},
    {RunOutcome::kInterrupted, "interrupted"}, {RunOutcome::kAborted, "aborted"},
    {RunOutcome::kCrashed, "crashed"}};

}  // namespace

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

RunOutcome run_outcome_for(int exit_code) {
  switch (exit_code) {
    case kExitOk:
      return RunOutcome::kSucceeded;
    case kExitPartial:
      return RunOutcome::kPartial;
    case kExitUndelivered:
      return RunOutcome::kUndelivered;
    case kExitInterrupted:
      return RunOutcome::kInterrupted;
    default:
      return RunOutcome::kAborted;
  }
}

const char* run_outcome_name(RunOutcome outcome) { return enum_name(kRunOutcomeNames, outcome); }

RunOutcome parse_run_outcome(std::string_view text) {
  return parse_enum<LedgerError>(kRunOutcomeNames, text, "run outcome");
}

const char* run_outcome(int exit_code) { return run_outcome_name(run_outcome_for(exit_code)); }

}  // namespace etl
