// The sub-command, the run's mode, and what they mean for a run, decided once at its start so
// the extract loop asks named questions instead of re-deriving them from the options.
#pragma once

#include <string_view>

namespace etl::sync {

// runs.command and the command line's sub-command.
enum class Command { kRun, kRetry, kValidate };
const char* command_name(Command command);
// Throws UsageError for any other text.
Command parse_command(std::string_view text);

// runs.mode and the summary's first line: which customers a run reads, or that it sends nothing.
enum class Mode { kIncremental, kFull, kRetry, kDryRun };
const char* mode_name(Mode mode);
// Throws LedgerError for any other text (runs.mode of a ledger this binary does not know).
Mode parse_mode(std::string_view text);

struct RunPlan {
  Command command = Command::kRun;
  Mode mode = Mode::kIncremental;
  // HTTP to AMLYZE (and a token). A dry run hands its batches to the dry-run writer instead.
  bool sends = true;
  // The run's window, batches and held-back customers go to the ledger; a dry run writes them to
  // its folder and leaves only its run row. Today the same runs as `sends`.
  bool records_in_ledger = true;
  // batch-customers; `validate` posts to validate-batch-customers, which checks and saves nothing.
  bool amlyze_saves = true;
  // The customers table (touch, last outcome, seen in this run) and the settling of a dead run's
  // sends before resending. Dry runs and validation leave every customer's state alone and find
  // duplicates in memory.
  bool writes_customer_state = true;
  bool from_watermark = true;  // only rows changed since the watermark (not --full, not retry)
  bool advances_watermark = true;
  // `retry`: re-read the customers whose last outcome is failed or rejected, and resend the
  // rejected ones even when their data did not change.
  bool selects_retry_candidates = false;
  // `validate` checks every valid customer, changed or not.
  bool sends_unchanged = false;

  bool operator==(const RunPlan& other) const;
  bool operator!=(const RunPlan& other) const { return !(*this == other); }
};

// `full`: ignore the watermark; `dry_run`: send nothing, write batches and a plan to a folder.
RunPlan plan_run(Command command, bool full, bool dry_run);

}  // namespace etl::sync
