#include "sync/backoff.hpp"

#include <algorithm>
#include <random>

namespace etl::sync {

Backoff::Backoff(RetrySettings settings, std::function<double()> random01)
    : settings_(settings), random01_(std::move(random01)) {
  if (!random01_) {
    random01_ = [engine = std::mt19937_64(std::random_device{}())]() mutable {
      return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
    };
  }
}

std::optional<long long> Backoff::next_delay_ms(int attempt,
                                                std::optional<long> retry_after_seconds) {
  if (attempt > settings_.max_attempts) return std::nullopt;
  long long base = settings_.initial_delay_ms;
  for (int i = 2; i < attempt && base < settings_.max_delay_ms; ++i) base *= 2;
  base = std::min(base, settings_.max_delay_ms);
  long long delay = base / 2 + static_cast<long long>(random01_() * static_cast<double>(base / 2));
  if (retry_after_seconds) delay = std::max<long long>(delay, *retry_after_seconds * 1000LL);
  if (spent_ms_ + delay > settings_.budget_ms) return std::nullopt;
  return delay;
}

}  // namespace etl::sync
