// The `run` command: extract changed customers, transform and validate them, skip what AMLYZE
// already has, send the rest in batches, record everything, advance the watermark safely.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "ledger/ledger.hpp"

namespace etl::sync {

struct RunOptions {
  bool full = false;                                 // ignore the watermark
  std::optional<std::filesystem::path> dry_run_dir;  // no HTTP: write batches and a plan here
};

struct RunResult {
  long long run_id = 0;
  int exit_code = 0;
  std::string mode;
  ledger::RunCounts counts;
  std::string window_start;
  std::string snapshot;
  std::optional<std::string> watermark_after;
  double elapsed_seconds = 0;
};

// Runs once. Expected per-customer outcomes are in the result; what stops the run throws
// (ConfigError, SourceError, LedgerError, AuthError, AmlyzeError, BusyError) after the ledger
// has recorded the run as aborted.
RunResult run_sync(const Config& config, const RunOptions& options);

}  // namespace etl::sync
