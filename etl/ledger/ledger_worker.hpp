// The one thread that owns the ledger's SQLite connection. The extract loop and the sender
// threads hand it work instead of queuing on a lock around SQLite: writes whose caller needs
// nothing back are posted and return at once; reads and durable writes are called and wait.
// Work runs in the order it was handed over, so a batch's answers are in the ledger before any
// later intent for the same customer, whichever thread hands them over.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <type_traits>

namespace etl::ledger {

class LedgerWorker {
 public:
  // `on_idle` runs on the worker when it has nothing to do and `idle_after` has passed since the
  // last piece of work (the ledger commits its open group of posted writes there).
  LedgerWorker(std::function<void()> on_idle, std::chrono::milliseconds idle_after);
  // Runs what is queued, then ends the thread.
  ~LedgerWorker();
  LedgerWorker(const LedgerWorker&) = delete;
  LedgerWorker& operator=(const LedgerWorker&) = delete;

  // Queues `work`. An exception it throws is kept: the next call() throws it (and posted work
  // after it is dropped), so a failed write is never silently lost.
  void post(std::function<void()> work);

  // Runs `work` on the worker after everything queued before it; returns its result or throws
  // its exception (or the one a posted piece of work threw earlier).
  template <class Work>
  auto call(Work work) -> std::invoke_result_t<Work> {
    using Result = std::invoke_result_t<Work>;
    std::packaged_task<Result()> task(std::move(work));
    std::future<Result> done = task.get_future();
    enqueue([&task] { task(); }, true);
    return done.get();
  }

 private:
  void enqueue(std::function<void()> work, bool wait);
  void loop();

  std::function<void()> on_idle_;
  std::chrono::milliseconds idle_after_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::function<void()>> queue_;
  std::exception_ptr failed_;  // the first posted work that threw
  bool stopping_ = false;
  std::thread thread_;  // last: starts once the members above exist
};

}  // namespace etl::ledger
