#include "sync/run_plan.hpp"

#include "util/enum_names.hpp"
#include "util/errors.hpp"

namespace etl::sync {
namespace {

constexpr EnumName<Command> kCommandNames[] = {
    {Command::kRun, "run"}, {Command::kRetry, "retry"}, {Command::kValidate, "validate"}};

constexpr EnumName<Mode> kModeNames[] = {{Mode::kIncremental, "incremental"},
                                         {Mode::kFull, "full"},
                                         {Mode::kRetry, "retry"},
                                         {Mode::kDryRun, "dry-run"}};

}  // namespace

const char* command_name(Command command) { return enum_name(kCommandNames, command); }

Command parse_command(std::string_view text) {
  return parse_enum<UsageError>(kCommandNames, text, "command");
}

const char* mode_name(Mode mode) { return enum_name(kModeNames, mode); }

Mode parse_mode(std::string_view text) { return parse_enum<LedgerError>(kModeNames, text, "mode"); }

bool RunPlan::operator==(const RunPlan& o) const {
  return command == o.command && mode == o.mode && sends == o.sends &&
         records_in_ledger == o.records_in_ledger && amlyze_saves == o.amlyze_saves &&
         writes_customer_state == o.writes_customer_state && from_watermark == o.from_watermark &&
         advances_watermark == o.advances_watermark &&
         selects_retry_candidates == o.selects_retry_candidates &&
         sends_unchanged == o.sends_unchanged;
}

RunPlan plan_run(Command command, bool full, bool dry_run) {
  const bool retry = command == Command::kRetry;
  const bool validate = command == Command::kValidate;
  RunPlan plan;
  plan.command = command;
  // --full names the mode of a retry or a validation too; a dry run is named for what it skips.
  plan.mode = dry_run ? Mode::kDryRun
              : full  ? Mode::kFull
              : retry ? Mode::kRetry
                      : Mode::kIncremental;
  plan.sends = !dry_run;
  plan.records_in_ledger = !dry_run;
  plan.amlyze_saves = !validate;
  plan.writes_customer_state = !dry_run && !validate;
  plan.from_watermark = !full && !retry;  // a retry re-reads its candidates by id
  plan.advances_watermark = command == Command::kRun && !dry_run;
  plan.selects_retry_candidates = retry;
  plan.sends_unchanged = validate;
  return plan;
}

}  // namespace etl::sync
