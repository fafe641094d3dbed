// Sends customers to AMLYZE in batches and records every attempt:
// - a fresh communicationNumber per item and attempt, its intent committed before the request;
// - results matched by communicationNumber; C004 resent once with the other action;
// - 429/502/503/504, timeouts, connection errors and a 200 that is not AMLYZE's JSON (a proxy's
//   HTML page) retried with backoff (honouring Retry-After) within the attempt and time budget;
// - a whole-batch 400/413/500 split in halves until the customer(s) that cause it are alone;
// - 401/403, a wrong URL and a certificate that fails verification stop the run at once;
//   `max_failed_batches` consecutive failed batches stop it too (UndeliveredError: exit 5).
// What each answer means is decided by plan_answer (sync/answer_plan.hpp), apart from the
// threads; this class applies the plan: ledger, queues, counters, pauses, log.
// Requests go out from sender threads, one per HTTP poster (amlyze.max_in_flight), so the extract
// and transform of the next rows overlap with the round trips and several batches can be in
// flight; add() blocks when `queue_limit` customers wait (bounded memory). A retry's wait
// (backoff, Retry-After) pauses every sender thread, not only the one that met the failure.
// Follow-ups of a batch (retries, split halves, C004 resends) are queued only after its results
// are in the ledger, so a customer's outcomes are recorded in the order they happened.
// A batch holding a customer of the resend gate (cut off by a killed run) waits, in its sender
// thread only, until the gate opens: the killed run's request can then no longer overtake it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "amlyze/batch_api.hpp"
#include "amlyze/http_client.hpp"
#include "ledger/ledger.hpp"
#include "model/action.hpp"
#include "sync/answer_plan.hpp"
#include "sync/backoff.hpp"
#include "sync/sink.hpp"

namespace etl::sync {

// Customers a killed run may still have in AMLYZE's hands, and the moment from which resending
// them can no longer be overtaken by the cut-off request (Ledger::unsettled_sends). Empty: none.
struct ResendGate {
  std::unordered_set<std::string> ext_ids;
  std::chrono::steady_clock::time_point open_at;
};

struct SenderSettings {
  std::string url;           // base_url + endpoint path
  std::string endpoint;      // for the ledger: batch-customers | validate-batch-customers
  std::string token;         // bearer token; never logged
  std::string token_source;  // where it came from, for messages ("$AMLYZE_TOKEN", a file, ...)
  std::size_t batch_size = 500;
  long long run_id = 0;
  RetrySettings retry;
  ResendGate resend_gate;
};

class BatchSender : public Sink {
 public:
  // Starts one sender thread per poster (each poster is used by its thread only). `counts` gets
  // the sending outcomes (created, updated, rejected, failed, batches, http_*), written by the
  // sender threads: read them after flush() (or destruction), or through batches_sent().
  BatchSender(SenderSettings settings, ledger::Ledger& ledger,
              std::vector<amlyze::HttpPoster*> posters, ledger::RunCounts& counts, Backoff backoff);
  // One request in flight at a time.
  BatchSender(SenderSettings settings, ledger::Ledger& ledger, amlyze::HttpPoster& http,
              ledger::RunCounts& counts, Backoff backoff)
      : BatchSender(std::move(settings), ledger, std::vector<amlyze::HttpPoster*>{&http}, counts,
                    std::move(backoff)) {}
  ~BatchSender() override;  // stop()s
  // Stops the run's sending: no new batch goes out, the batches in flight finish and are
  // recorded, queued customers are dropped (never recorded, so nothing is lost). Returns when
  // the sender threads have ended; calling it again does nothing.
  void stop();
  BatchSender(const BatchSender&) = delete;
  BatchSender& operator=(const BatchSender&) = delete;

  // Queues a customer. Rethrows the error that stopped the senders, if one did.
  void add(model::Customer customer, model::Action action) override;
  // Sends everything queued and ends the senders. Throws AuthError, AmlyzeError (wrong URL,
  // TLS verification), UndeliveredError (too many failed batches) or InterruptedError, always
  // after recording what was sent.
  void flush() override;
  void hold(bool on) override;

  // Requests whose intent is recorded so far (counts.batches), safe to read while the senders
  // run: the caller thread reads it to say whether anything was sent before a stop.
  long long batches_sent();

  // The oldest `_changed_at` among customers without a final outcome in this run: the watermark
  // must stay at or below it so the next run reads them again. Valid after flush().
  const std::optional<std::string>& oldest_unfinished() const { return oldest_unfinished_; }

 private:
  struct Pending {
    model::Customer customer;
    model::Action action = model::Action::kCreate;
    bool flipped = false;  // already resent once after C004
  };
  struct Unit {
    std::vector<Pending> items;
    int attempt = 1;
  };
  // What one answer leads to; queued once the answer is in the ledger.
  struct FollowUps {
    std::vector<Unit> units;       // retries and split halves, in sending order
    std::vector<Pending> resends;  // C004: the other action, in the next new batch
  };
  using Clock = std::chrono::steady_clock;

  void run_worker(amlyze::HttpPoster& http);
  // Waits for work: a retry or split half, a full batch, or the rest at the end of input.
  // Empty when everything is sent (or the run unwinds); else counts it as in flight.
  std::optional<Unit> next_unit();
  void send(Unit unit, amlyze::HttpPoster& http);
  // Waits out a pause a failure started (this sender's or another's).
  void wait_for_resume();
  // Holds a unit with a customer of the resend gate until the gate opens. False when the run
  // stops or unwinds meanwhile: send nothing.
  bool wait_for_gate(const Unit& unit);
  // Holds every sender back `wait_ms` from now (a retry's backoff). Call with mutex_ held.
  void pause_all(long long wait_ms);
  void queue_follow_ups(FollowUps follow_ups);
  // Decides what the answer means (plan_answer) and applies it to the run's shared state:
  // counters, failed batches in a row, stop reason, pause, watermark bound, log. Call with
  // mutex_ held.
  AnswerPlan settle(const Unit& unit, const std::vector<std::string>& numbers,
                    const amlyze::BatchReply& reply);
  // The plan's follow-ups with the unit's customers moved into them.
  static FollowUps take_follow_ups(const AnswerPlan& plan, Unit& unit);
  void note_unfinished(const std::string& changed_at);

  SenderSettings settings_;
  ledger::Ledger& ledger_;
  ledger::RunCounts& counts_;  // written under mutex_
  // Shared between the caller and the sender threads, under mutex_.
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Pending> queue_;  // not yet in a batch
  bool closing_ = false;       // no more add(): send the rest and stop
  std::exception_ptr error_;   // why the first sender thread to fail stopped
  std::size_t queue_limit_;
  std::deque<Unit> work_;      // retries and split halves: sent before new batches
  std::size_t in_flight_ = 0;  // units taken and not yet settled: they may bring follow-ups
  Backoff backoff_;
  Clock::time_point resume_at_;  // no request before this (a retry's wait)
  std::optional<std::string> oldest_unfinished_;
  int failed_in_a_row_ = 0;
  std::string stop_reason_;  // set when the run must stop once the current batch is recorded
  std::atomic<bool> abandon_{false};  // the run unwinds: send nothing more
  std::atomic<bool> gate_logged_{false};

  // The caller's only.
  std::vector<Pending> held_items_;
  bool held_ = false;

  std::vector<std::thread> workers_;
};

}  // namespace etl::sync
