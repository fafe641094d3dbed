// A progress line for people watching a long run on a terminal: rows read, unchanged, held back,
// rate and ETA (from PostgreSQL's row estimate), redrawn every two seconds on stderr. Silent when
// stderr is not a terminal (cron, systemd), so logs stay one line per event.
#pragma once

#include <chrono>
#include <optional>

#include "ledger/ledger.hpp"

namespace etl::sync {

class Progress {
 public:
  explicit Progress(const ledger::RunCounts& counts);
  ~Progress();  // clears the line
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void set_estimate(std::optional<long long> rows) { estimate_ = rows; }
  // Redraws when the last draw is two seconds old.
  void tick();

 private:
  const ledger::RunCounts& counts_;
  bool enabled_;
  bool drawn_ = false;
  std::optional<long long> estimate_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace etl::sync
