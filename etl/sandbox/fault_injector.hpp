// The live fault plan of one sandbox: which step the next batch request consumes, the seeded
// failure_rate draws, and waits that stop() can cut short. Thread-safe: the HTTP server calls it
// from its worker threads while tests replace the plan.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>

#include "sandbox/fault_plan.hpp"

namespace etl::sandbox {

// One batch request's share of the plan, taken in one go so that a plan replaced while the request
// is being served cannot mix two plans.
struct BatchFaults {
  enum class Source {
    kNone,         // nothing scripted: step.kind is kNone
    kStep,         // consumed from FaultPlan::next
    kFailureRate,  // drawn: step is kStatus 503 without Retry-After
  };

  Source source = Source::kNone;
  FaultStep step;
  int latency_ms = 0;
  std::set<std::string> poison_ext_ids;
  int poison_status = 400;
  std::map<std::string, std::string> reject_ext_ids;
};

class FaultInjector {
 public:
  // Replaces the plan, unconsumed steps included, and restarts the failure_rate draws from
  // plan.seed. Throws std::invalid_argument (validate()) and then keeps the old plan.
  void set(FaultPlan plan);

  // The plan as it stands: `next` holds only the steps not consumed yet.
  FaultPlan plan() const;

  // Back to FaultPlan{}: every request is processed normally.
  void clear();

  // Called once per authorised batch request, on arrival: consumes the next step, or, when none
  // is left, draws against failure_rate.
  BatchFaults take();

  // Sleeps for `ms` milliseconds, or less once interrupt() has been called.
  void sleep_for(int ms);

  // Ends every current and future sleep_for() at once, so that stopping the server does not wait
  // out a long stall. Irreversible: called when the server stops for good.
  void interrupt();

 private:
  mutable std::mutex mutex_;
  FaultPlan plan_;
  std::mt19937 random_{1};
  std::condition_variable wake_;
  bool interrupted_ = false;
};

}  // namespace etl::sandbox
