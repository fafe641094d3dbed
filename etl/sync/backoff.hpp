// How long to wait before retrying a batch: exponential backoff with jitter, never shorter than
// the server's Retry-After, and a per-run budget so a long outage ends the run instead of
// stretching it past the next night.
#pragma once

#include <functional>
#include <optional>

namespace etl::sync {

struct RetrySettings {
  int max_attempts = 5;              // per batch, the first try included
  long long initial_delay_ms = 500;  // before the second attempt
  long long max_delay_ms = 30000;    // cap of one wait
  long long budget_ms = 600000;      // all waits of one run together
  int max_failed_batches = 3;        // consecutive batches that end failed: stop the run
};

class Backoff {
 public:
  // `random01` returns a number in [0, 1); injectable for tests.
  explicit Backoff(RetrySettings settings, std::function<double()> random01 = {});

  // The wait before attempt `attempt` (2 = the first retry): initial * 2^(attempt-2), capped, with
  // "equal jitter" (half fixed, half random) so many clients do not retry in lockstep; at least
  // `retry_after_seconds` when the server sent one. nullopt when the attempt or the run's budget
  // is used up.
  std::optional<long long> next_delay_ms(int attempt, std::optional<long> retry_after_seconds);

  // Records that the wait was taken.
  void spent(long long delay_ms) { spent_ms_ += delay_ms; }
  long long spent_ms() const { return spent_ms_; }
  const RetrySettings& settings() const { return settings_; }

 private:
  RetrySettings settings_;
  std::function<double()> random01_;
  long long spent_ms_ = 0;
};

}  // namespace etl::sync
