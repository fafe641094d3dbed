#include "ledger/ledger_worker.hpp"

namespace etl::ledger {

LedgerWorker::LedgerWorker(std::function<void()> on_idle, std::chrono::milliseconds idle_after)
    : on_idle_(std::move(on_idle)), idle_after_(idle_after), thread_([this] { loop(); }) {}

LedgerWorker::~LedgerWorker() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void LedgerWorker::post(std::function<void()> work) {
  enqueue(
      [this, work = std::move(work)] {
        try {
          work();
        } catch (...) {
          std::lock_guard<std::mutex> lock(mutex_);
          if (!failed_) failed_ = std::current_exception();
        }
      },
      false);
}

void LedgerWorker::enqueue(std::function<void()> work, bool wait) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (failed_) {
      if (wait) std::rethrow_exception(failed_);
      return;  // the ledger already failed: the caller learns it at its next call()
    }
    queue_.push_back(std::move(work));
  }
  changed_.notify_one();
}

void LedgerWorker::loop() {
  using Clock = std::chrono::steady_clock;
  std::unique_lock<std::mutex> lock(mutex_);
  Clock::time_point last_work;
  bool idle_due = false;  // work ran since on_idle last did
  const auto has_work = [this] { return !queue_.empty() || stopping_; };
  for (;;) {
    if (queue_.empty()) {
      if (stopping_) return;
      if (!idle_due) {
        changed_.wait(lock, has_work);
      } else if (!changed_.wait_until(lock, last_work + idle_after_, has_work)) {
        idle_due = false;
        lock.unlock();
        try {
          on_idle_();
        } catch (...) {
          lock.lock();
          if (!failed_) failed_ = std::current_exception();
          continue;
        }
        lock.lock();
      }
      continue;
    }
    std::function<void()> work = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    work();  // posted work keeps its own exception; called work hands it to the caller
    lock.lock();
    last_work = Clock::now();
    idle_due = true;
  }
}

}  // namespace etl::ledger
