// The `run` and `retry` commands: extract changed customers (or, for retry, the customers whose
// last outcome is failed or rejected), transform and validate them, skip what AMLYZE already
// has, send the rest in batches, record everything, advance the watermark safely (run only).
// `validate` sends the same extract (every valid customer, changed or not) to
// validate-batch-customers: AMLYZE saves nothing and the ledger keeps only the run and answers.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "ledger/ledger.hpp"
#include "sync/run_plan.hpp"

namespace etl::sync {

struct RunOptions {
  Command command = Command::kRun;
  bool full = false;                                 // ignore the watermark
  std::optional<std::filesystem::path> dry_run_dir;  // no HTTP: write batches and a plan here
  std::optional<std::string> ext_id;                 // retry: only this customer
};

struct RunResult {
  long long run_id = 0;
  int exit_code = 0;
  Mode mode = Mode::kIncremental;
  ledger::RunCounts counts;
  std::string window_start;
  std::string snapshot;
  std::optional<std::string> watermark_after;
  double elapsed_seconds = 0;
  long long resolved_in_flight = 0;  // left by a crashed run, resent by this one
  long long not_in_source = 0;       // retry: customers the extract no longer returns
};

// Runs once. Expected per-customer outcomes are in the result; what stops the run throws
// (ConfigError, SourceError, LedgerError, AuthError, AmlyzeError, UndeliveredError, BusyError)
// after the ledger has recorded how the run ended.
RunResult run_sync(const Config& config, const RunOptions& options);

}  // namespace etl::sync
