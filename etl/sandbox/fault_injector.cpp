// The live fault plan; see fault_injector.hpp.
#include "sandbox/fault_injector.hpp"

#include <chrono>
#include <cstdint>
#include <utility>

namespace etl::sandbox {
namespace {

// Compares a raw 32-bit draw with a threshold instead of using uniform_real_distribution, whose
// algorithm the standard leaves to the library: mt19937's own output is fully specified, so a
// seed fails the same requests with libstdc++, libc++ or MSVC.
bool draw_failure(std::mt19937& random, double failure_rate) {
  if (failure_rate <= 0) return false;
  const double threshold = failure_rate * 4294967296.0;  // 2^32
  return static_cast<double>(random()) < threshold;
}

}  // namespace

void FaultInjector::set(FaultPlan plan) {
  validate(plan);
  std::lock_guard lock(mutex_);
  random_.seed(plan.seed);
  plan_ = std::move(plan);
}

FaultPlan FaultInjector::plan() const {
  std::lock_guard lock(mutex_);
  return plan_;
}

void FaultInjector::clear() { set(FaultPlan{}); }

BatchFaults FaultInjector::take() {
  std::lock_guard lock(mutex_);
  BatchFaults faults;
  faults.latency_ms = plan_.latency_ms;
  faults.poison_ext_ids = plan_.poison_ext_ids;
  faults.poison_status = plan_.poison_status;
  faults.reject_ext_ids = plan_.reject_ext_ids;
  if (!plan_.next.empty()) {
    faults.step = plan_.next.front();
    plan_.next.pop_front();
    if (faults.step.kind != FaultKind::kNone) faults.source = BatchFaults::Source::kStep;
  } else if (draw_failure(random_, plan_.failure_rate)) {
    faults.step = FaultStep{FaultKind::kStatus, 503, -1, 0};
    faults.source = BatchFaults::Source::kFailureRate;
  }
  return faults;
}

void FaultInjector::sleep_for(int ms) {
  if (ms <= 0) return;
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return interrupted_; });
}

void FaultInjector::interrupt() {
  {
    std::lock_guard lock(mutex_);
    interrupted_ = true;
  }
  wake_.notify_all();
}

}  // namespace etl::sandbox
