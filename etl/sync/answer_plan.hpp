// What one AMLYZE answer means for each customer of the batch that was sent, and what follows:
// accept, reject, retry after a wait, split the batch in halves, resend once with the other action
// after C004, or give up. A pure function of the batch, the answer and the retry state: no threads,
// queues, clock, ledger or log, so every kind of answer is one row of a table test
// (tests/test_answer_plan.cpp). BatchSender applies the plan: ledger, queues, counters, log.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "amlyze/batch_api.hpp"
#include "ledger/ledger.hpp"
#include "model/action.hpp"
#include "sync/backoff.hpp"

namespace etl::sync {

// One customer of the sent batch, as far as the answer's meaning depends on it.
struct SentItem {
  model::Action action = model::Action::kCreate;
  bool flipped = false;  // already resent once after C004
};

// The retry state the plan decides with.
struct AnswerContext {
  int attempt = 1;  // of this batch's customers, the first try being 1
  int max_attempts = 5;
  int max_failed_batches = 3;
  int failed_in_a_row = 0;  // batches given up in a row before this one
  // Backoff's wait before attempt + 1 (honouring Retry-After); nullopt when the attempts or the
  // run's retry budget are used up. Read only for an answer that may be retried.
  std::optional<long long> retry_delay_ms;
};

// The context from the sender's backoff; draws the retry wait (its jitter) only for an answer
// that may be retried (retryable, or a whole-batch error). Call with the sender's lock held.
AnswerContext answer_context(Backoff& backoff, int attempt, int failed_in_a_row,
                             const amlyze::BatchReply& reply);

// What the answer means for the batch as a whole.
enum class Verdict {
  kAnswered,  // AMLYZE's per-item results (items it left out may be sent again)
  kSplit,     // the whole request failed: the halves go again, to isolate the customer at fault
  kPoison,    // the one customer left breaks the request: rejected until its data changes
  kRetry,     // the same customers again after `pause_ms`
  kGiveUp,    // no attempt or retry budget left: failed, the next run resends them
  kAbort,     // 401/403, wrong URL, TLS: recorded failed, the run stops (BatchSender throws)
};

// The ledger's result for one sent customer (without the ids the sender knows).
struct ItemOutcome {
  ledger::Outcome outcome = ledger::Outcome::kFailed;
  std::string error_code;
  std::string error_description;
  bool operator==(const ItemOutcome& o) const {
    return outcome == o.outcome && error_code == o.error_code &&
           error_description == o.error_description;
  }
};

// Customers sent again as one request: positions in the sent batch.
struct FollowUpUnit {
  std::vector<std::size_t> items;
  int attempt = 1;
  bool operator==(const FollowUpUnit& o) const { return items == o.items && attempt == o.attempt; }
};

// A customer resent after C004 with the other action (and marked flipped), in a new batch.
struct Resend {
  std::size_t item = 0;
  model::Action action = model::Action::kCreate;
  bool operator==(const Resend& o) const { return item == o.item && action == o.action; }
};

// What the answer adds to the run's counts (ledger::RunCounts).
struct CountDeltas {
  long long created = 0, updated = 0, rejected = 0, failed = 0, http_retries = 0;
  bool operator==(const CountDeltas& o) const {
    return created == o.created && updated == o.updated && rejected == o.rejected &&
           failed == o.failed && http_retries == o.http_retries;
  }
};

struct AnswerPlan {
  Verdict verdict = Verdict::kAbort;
  std::vector<ItemOutcome> items;       // one per sent customer, in sending order
  std::vector<FollowUpUnit> units;      // retries and split halves, in sending order
  std::vector<Resend> resends;          // C004: the other action, in the next new batch
  std::vector<std::size_t> unfinished;  // failed for good in this run: hold the watermark back
  CountDeltas counts;
  std::optional<long long> pause_ms;  // hold every sender back this long (a retry's wait)
  int failed_in_a_row = 0;            // the new value
  std::string stop_reason;            // non-empty: too many failed batches, stop the run
  bool operator==(const AnswerPlan& o) const {
    return verdict == o.verdict && items == o.items && units == o.units && resends == o.resends &&
           unfinished == o.unfinished && counts == o.counts && pause_ms == o.pause_ms &&
           failed_in_a_row == o.failed_in_a_row && stop_reason == o.stop_reason;
  }
};

// `numbers`: the communicationNumber each item was sent with (same order as `items`), by which
// AMLYZE's results are matched.
AnswerPlan plan_answer(const std::vector<SentItem>& items, const std::vector<std::string>& numbers,
                       const amlyze::BatchReply& reply, const AnswerContext& context);

}  // namespace etl::sync
