// Sends customers to AMLYZE in batches and records every attempt:
// - a fresh communicationNumber per item and attempt, its intent committed before the request;
// - results matched by communicationNumber; C004 resent once with the other action;
// - 429/502/503/504, timeouts and connection errors retried with backoff (honouring
//   Retry-After) within the attempt and time budget;
// - a whole-batch 400/413/500 split in halves until the customer(s) that cause it are alone;
// - 401/403 stops the run at once; so do `max_failed_batches` consecutive failed batches.
#pragma once

#include <deque>
#include <optional>
#include <string>
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
  BatchSender(SenderSettings settings, ledger::Ledger& ledger, amlyze::HttpPoster& http,
              ledger::RunCounts& counts, Backoff backoff);

  void add(model::Customer customer, const std::string& action) override;
  // Throws AuthError, AmlyzeError (fatal answer, too many failed batches) or InterruptedError,
  // always after recording what was sent.
  void flush() override;
  void hold(bool on) override;

  // The oldest `_changed_at` among customers without a final outcome in this run: the watermark
  // must stay at or below it so the next run reads them again.
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

  void pump(bool all);
  void send(Unit unit);
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
  std::deque<Pending> queue_;  // not yet in a batch
  std::deque<Unit> work_;      // retries and split halves: sent before new batches
  std::optional<std::string> oldest_unfinished_;
  bool held_ = false;
  int failed_in_a_row_ = 0;
  std::string stop_reason_;  // set when the run must stop once the current batch is recorded
};

}  // namespace etl::sync
