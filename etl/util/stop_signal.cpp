#include "util/stop_signal.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

#include "util/errors.hpp"

namespace etl {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_stop_signal(int) { g_stop.store(true); }

}  // namespace

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = &on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

bool stop_requested() { return g_stop.load(); }

void throw_if_stop_requested() {
  if (stop_requested()) {
    throw InterruptedError(
        "stopped by a signal: the batch in flight was finished and recorded, "
        "nothing more was sent; the next run carries on");
  }
}

void sleep_unless_stopped(long long milliseconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(milliseconds);
  while (!stop_requested() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min<long long>(milliseconds, 50)));
  }
}

}  // namespace etl
