// Sends customers to AMLYZE in batches and records every attempt:
// - a fresh communicationNumber per item and attempt, its intent committed before the request;
// - results matched by communicationNumber; C004 resent once with the other action;
// - 429/502/503/504, timeouts and connection errors retried with backoff (honouring
//   Retry-After) within the attempt and time budget;
// - a whole-batch 400/413/500 split in halves until the customer(s) that cause it are alone;
// - 401/403 stops the run at once; so do `max_failed_batches` consecutive failed batches.
// Requests go out from one sender thread, so the extract and transform of the next rows overlap
// with the HTTP round trips; add() blocks when `queue_limit` customers wait (bounded memory).
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "amlyze/batch_api.hpp"
#include "amlyze/http_client.hpp"
#include "ledger/ledger.hpp"
#include "sync/backoff.hpp"
#include "sync/sink.hpp"

namespace etl::sync {

struct SenderSettings {
  std::string url;        // base_url + endpoint path
  std::string endpoint;   // for the ledger: batch-customers | validate-batch-customers
  std::string token;      // bearer token; never logged
  std::string token_env;  // its variable's name, for messages
  std::size_t batch_size = 500;
  long long run_id = 0;
  RetrySettings retry;
};

class BatchSender : public Sink {
 public:
  // Starts the sender thread. `counts` gets the sending outcomes (created, updated, rejected,
  // failed, batches, http_*); read them after flush().
  BatchSender(SenderSettings settings, ledger::Ledger& ledger, amlyze::HttpPoster& http,
              ledger::RunCounts& counts, Backoff backoff);
  ~BatchSender() override;  // stops the thread; queued customers are not sent
  BatchSender(const BatchSender&) = delete;
  BatchSender& operator=(const BatchSender&) = delete;

  // Queues a customer. Rethrows the sender thread's error, if it stopped on one.
  void add(model::Customer customer, const std::string& action) override;
  // Sends everything queued and ends the sender. Throws AuthError, AmlyzeError (fatal answer,
  // too many failed batches) or InterruptedError, always after recording what was sent.
  void flush() override;
  void hold(bool on) override;

  // The oldest `_changed_at` among customers without a final outcome in this run: the watermark
  // must stay at or below it so the next run reads them again. Valid after flush().
  const std::optional<std::string>& oldest_unfinished() const { return oldest_unfinished_; }

 private:
  struct Pending {
    model::Customer customer;
    std::string action;
    bool flipped = false;  // already resent once after C004
  };
  struct Unit {
    std::vector<Pending> items;
    int attempt = 1;
  };

  void run_worker();
  // Waits for a full batch (or the end of input) and takes it; empty when all is done.
  Unit next_unit();
  void send(Unit unit);
  void requeue_front(Pending pending);
  // Per-item outcomes of an answered batch; items to try again go to `again`.
  void settle_answered(Unit& unit, const amlyze::BatchReply& reply,
                       const std::vector<std::string>& numbers,
                       std::vector<ledger::ItemResult>& results, Unit& again);
  // The whole batch failed: retry later, split, or give up, per the answer. Returns how long
  // to wait before the retry it queued, if any.
  std::optional<long long> settle_failed(Unit& unit, const amlyze::BatchReply& reply,
                                         std::vector<ledger::ItemResult>& results);
  void give_up(const Unit& unit);
  void note_unfinished(const std::string& changed_at);

  SenderSettings settings_;
  ledger::Ledger& ledger_;
  amlyze::HttpPoster& http_;
  ledger::RunCounts& counts_;
  Backoff backoff_;
  // Shared between the caller and the sender thread, under mutex_.
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Pending> queue_;  // not yet in a batch
  bool closing_ = false;       // no more add(): send the rest and stop
  std::exception_ptr error_;   // why the sender thread stopped early
  std::size_t queue_limit_;

  // The caller's only.
  std::vector<Pending> held_items_;
  bool held_ = false;

  // The sender thread's only (read by the caller after join).
  std::deque<Unit> work_;  // retries and split halves: sent before new batches
  std::optional<std::string> oldest_unfinished_;
  int failed_in_a_row_ = 0;
  std::string stop_reason_;  // set when the run must stop once the current batch is recorded
  std::atomic<bool> abandon_{false};  // the run unwinds: send nothing more
  std::thread worker_;
};

}  // namespace etl::sync
