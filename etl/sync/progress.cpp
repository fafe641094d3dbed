#include "sync/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace etl::sync {

Progress::Progress(const ledger::RunCounts& counts)
    : counts_(counts),
      enabled_(isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

Progress::~Progress() {
  if (drawn_) std::fprintf(stderr, "\r\033[K");
}

void Progress::tick() {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::seconds(2)) return;
  last_ = now;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  const double rate = static_cast<double>(counts_.extracted) / seconds;
  char eta[32] = "?";
  if (estimate_ && rate > 0 && *estimate_ > counts_.extracted) {
    const auto left =
        static_cast<long long>(static_cast<double>(*estimate_ - counts_.extracted) / rate);
    std::snprintf(eta, sizeof eta, "%lld:%02lld", left / 60, left % 60);
  }
  // Only what this thread counts: the sender threads' counts are read after they have finished.
  std::fprintf(stderr, "\r\033[Kread %lld, unchanged %lld, held back %lld, %.0f rows/s, ETA %s",
               counts_.extracted, counts_.unchanged, counts_.invalid + counts_.duplicate, rate,
               eta);
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace etl::sync
