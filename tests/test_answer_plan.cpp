// What an AMLYZE answer means for each sent customer and what follows (sync/answer_plan.hpp):
// one row per kind of answer, the whole plan spelled out. The threads, queues and ledger that
// apply a plan are tested in test_batch_sender.cpp.
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "sync/answer_plan.hpp"
#include "util/errors.hpp"

namespace {

using etl::amlyze::BatchReply;
using etl::amlyze::BatchStatus;
using etl::amlyze::ItemAnswer;
using etl::ledger::Outcome;
using etl::model::Action;
using etl::sync::AnswerPlan;
using etl::sync::ItemOutcome;
using etl::sync::SentItem;
using etl::sync::Verdict;

constexpr SentItem kCreate{Action::kCreate, false};
constexpr SentItem kUpdate{Action::kUpdate, false};
constexpr SentItem kFlippedToUpdate{Action::kUpdate, true};

// 3 attempts; the wait before attempt 2 is 75 ms (100 ms halved, plus half of it jittered by
// 0.5) unless Retry-After asks for more; 10 s of waits per run; 3 failed batches stop the run.
const etl::sync::RetrySettings kRetry{3, 100, 1000, 10000, 3};
const char* const kMissing = "no result for this communicationNumber in the answer";

// AMLYZE's 200 with results, keyed by the numbers the rows send ("n1", "n2", ...).
BatchReply answered(std::vector<std::pair<std::string, ItemAnswer>> results) {
  BatchReply reply{BatchStatus::kAnswered, 200, "", {}, std::nullopt};
  for (auto& [number, answer] : results) reply.items[number] = std::move(answer);
  return reply;
}

BatchReply whole_batch(BatchStatus status, std::optional<long> http_status, std::string error,
                       std::optional<long> retry_after = std::nullopt) {
  return {status, http_status, std::move(error), {}, retry_after};
}

const ItemAnswer kAccepted{true, "", ""};
ItemAnswer rejected(std::string code, std::string description) {
  return {false, std::move(code), std::move(description)};
}

ItemOutcome accepted() { return {Outcome::kAccepted, "", ""}; }
ItemOutcome failed(std::string description) {
  return {Outcome::kFailed, "", std::move(description)};
}
ItemOutcome rejected_outcome(std::string code, std::string description) {
  return {Outcome::kRejected, std::move(code), std::move(description)};
}

struct Row {
  const char* name;
  std::vector<SentItem> items;
  int attempt;
  int failed_in_a_row;  // before this answer
  long long spent_ms;   // of the run's retry budget, before this answer
  BatchReply reply;
  AnswerPlan expected;
};

std::string stop_after(int batches, const std::string& error) {
  return std::to_string(batches) +
         " batches in a row failed: AMLYZE could not take them (last: " + error +
         "); stopping the run. Everything sent is in the ledger; nothing is lost, the "
         "next run resends the rest.";
}

std::vector<Row> rows() {
  const std::string e400 = "HTTP 400: bad json";
  const std::string e500 = "HTTP 500: boom";
  const std::string e503 = "HTTP 503: down";
  const std::string split = " (batch split to isolate the cause)";
  const std::string retry = " (will retry)";
  // A table: one row per answer kind, kept as written.
  // clang-format off
  return {
      {"accepted: created and updated counted by action, failed batches in a row reset",
       {kCreate, kUpdate}, 1, 2, 0, answered({{"n1", kAccepted}, {"n2", kAccepted}}),
       {Verdict::kAnswered, {accepted(), accepted()}, {}, {}, {}, {1, 1, 0, 0, 0}, {}, 0, ""}},
      {"rejected with a code: final",
       {kCreate}, 1, 0, 0, answered({{"n1", rejected("C016.I06", "citizenship required")}}),
       {Verdict::kAnswered, {rejected_outcome("C016.I06", "citizenship required")}, {}, {}, {},
        {0, 0, 1, 0, 0}, {}, 0, ""}},
      {"C004 on CREATE: recorded and resent as UPDATE",
       {kCreate}, 1, 0, 0, answered({{"n1", rejected("C004", "exists")}}),
       {Verdict::kAnswered, {rejected_outcome("C004", "exists")}, {}, {{0, Action::kUpdate}}, {},
        {0, 0, 0, 0, 0}, {}, 0, ""}},
      {"C004 on UPDATE: recorded and resent as CREATE",
       {kUpdate}, 1, 0, 0, answered({{"n1", rejected("C004", "missing")}}),
       {Verdict::kAnswered, {rejected_outcome("C004", "missing")}, {}, {{0, Action::kCreate}}, {},
        {0, 0, 0, 0, 0}, {}, 0, ""}},
      {"C004 after the action was flipped once: rejected for good",
       {kFlippedToUpdate}, 1, 0, 0, answered({{"n1", rejected("C004", "missing")}}),
       {Verdict::kAnswered, {rejected_outcome("C004", "missing")}, {}, {}, {}, {0, 0, 1, 0, 0},
        {}, 0, ""}},
      {"left out of the answer with attempts left: sent again without a wait",
       {kCreate, kCreate}, 1, 0, 0, answered({{"n1", kAccepted}}),
       {Verdict::kAnswered, {accepted(), failed(kMissing)}, {{{1}, 2}}, {}, {}, {1, 0, 0, 0, 0},
        {}, 0, ""}},
      {"left out of the answer on the last attempt: failed and unfinished",
       {kCreate, kCreate}, 3, 0, 0, answered({{"n2", kAccepted}}),
       {Verdict::kAnswered, {failed(kMissing), accepted()}, {}, {}, {0}, {1, 0, 0, 1, 0}, {}, 0,
        ""}},
      {"400 for a batch of three: split in halves at the same attempt",
       {kCreate, kCreate, kUpdate}, 2, 1, 0, whole_batch(BatchStatus::kBadRequest, 400, e400),
       {Verdict::kSplit, {failed(e400 + split), failed(e400 + split), failed(e400 + split)},
        {{{0}, 2}, {{1, 2}, 2}}, {}, {}, {0, 0, 0, 0, 0}, {}, 1, ""}},
      {"500 for a batch of two: split",
       {kCreate, kCreate}, 1, 0, 0, whole_batch(BatchStatus::kBatchError, 500, e500),
       {Verdict::kSplit, {failed(e500 + split), failed(e500 + split)}, {{{0}, 1}, {{1}, 1}}, {},
        {}, {0, 0, 0, 0, 0}, {}, 0, ""}},
      {"400 for one customer: it breaks the request, rejected HTTP400",
       {kCreate}, 1, 2, 0, whole_batch(BatchStatus::kBadRequest, 400, e400),
       {Verdict::kPoison, {rejected_outcome("HTTP400", e400)}, {}, {}, {}, {0, 0, 1, 0, 0}, {}, 0,
        ""}},
      {"413 for one customer: rejected HTTP413",
       {kUpdate}, 1, 0, 0, whole_batch(BatchStatus::kBadRequest, 413, "HTTP 413: too large"),
       {Verdict::kPoison, {rejected_outcome("HTTP413", "HTTP 413: too large")}, {}, {}, {},
        {0, 0, 1, 0, 0}, {}, 0, ""}},
      {"500 for one customer: retried after the backoff",
       {kCreate}, 1, 0, 0, whole_batch(BatchStatus::kBatchError, 500, e500),
       {Verdict::kRetry, {failed(e500 + retry)}, {{{0}, 2}}, {}, {}, {0, 0, 0, 0, 1}, 75, 0, ""}},
      {"429 with Retry-After: retried after it",
       {kCreate, kUpdate}, 1, 1, 0, whole_batch(BatchStatus::kRetryable, 429, "HTTP 429: slow", 2),
       {Verdict::kRetry, {failed("HTTP 429: slow" + retry), failed("HTTP 429: slow" + retry)},
        {{{0, 1}, 2}}, {}, {}, {0, 0, 0, 0, 1}, 2000, 1, ""}},
      {"503 with Retry-After: retried after it",
       {kCreate}, 2, 0, 0, whole_batch(BatchStatus::kRetryable, 503, e503, 1),
       {Verdict::kRetry, {failed(e503 + retry)}, {{{0}, 3}}, {}, {}, {0, 0, 0, 0, 1}, 1000, 0, ""}},
      {"a timeout: retried after the backoff",
       {kCreate}, 1, 0, 0, whole_batch(BatchStatus::kRetryable, std::nullopt, "timeout: 30 s"),
       {Verdict::kRetry, {failed("timeout: 30 s" + retry)}, {{{0}, 2}}, {}, {}, {0, 0, 0, 0, 1},
        75, 0, ""}},
      {"retryable on the last attempt: given up, failed and unfinished",
       {kCreate, kUpdate}, 3, 0, 0, whole_batch(BatchStatus::kRetryable, 503, e503),
       {Verdict::kGiveUp, {failed(e503), failed(e503)}, {}, {}, {0, 1}, {0, 0, 0, 2, 0}, {}, 1,
        ""}},
      {"retry budget used up: given up",
       {kCreate}, 1, 0, 9990, whole_batch(BatchStatus::kRetryable, 503, e503),
       {Verdict::kGiveUp, {failed(e503)}, {}, {}, {0}, {0, 0, 0, 1, 0}, {}, 1, ""}},
      {"500 for one customer on the last attempt: given up",
       {kCreate}, 3, 0, 0, whole_batch(BatchStatus::kBatchError, 500, e500),
       {Verdict::kGiveUp, {failed(e500)}, {}, {}, {0}, {0, 0, 0, 1, 0}, {}, 1, ""}},
      {"max_failed_batches reached: the run stops",
       {kCreate}, 3, 2, 0, whole_batch(BatchStatus::kRetryable, 503, e503),
       {Verdict::kGiveUp, {failed(e503)}, {}, {}, {0}, {0, 0, 0, 1, 0}, {}, 3, stop_after(3, e503)}},
      {"401: recorded failed, the run aborts",
       {kCreate, kCreate}, 1, 1, 0, whole_batch(BatchStatus::kAuthFailed, 401, "HTTP 401: no"),
       {Verdict::kAbort, {failed("HTTP 401: no"), failed("HTTP 401: no")}, {}, {}, {},
        {0, 0, 0, 0, 0}, {}, 1, ""}},
      {"404 (wrong base_url): the run aborts",
       {kCreate}, 1, 0, 0, whole_batch(BatchStatus::kFatal, 404, "HTTP 404: nothing here"),
       {Verdict::kAbort, {failed("HTTP 404: nothing here")}, {}, {}, {}, {0, 0, 0, 0, 0}, {}, 0,
        ""}},
      {"TLS verification failed: the run aborts",
       {kUpdate}, 2, 0, 0, whole_batch(BatchStatus::kTlsFailed, std::nullopt, "TLS failed: x"),
       {Verdict::kAbort, {failed("TLS failed: x")}, {}, {}, {}, {0, 0, 0, 0, 0}, {}, 0, ""}},
  };
  // clang-format on
}

}  // namespace

TEST_SUITE("answers") {
  TEST_CASE("each kind of AMLYZE answer: per-customer outcomes and what follows") {
    for (const Row& row : rows()) {
      INFO(row.name);
      etl::sync::Backoff backoff(kRetry, [] { return 0.5; });
      backoff.spent(row.spent_ms);
      std::vector<std::string> numbers;
      for (std::size_t i = 1; i <= row.items.size(); ++i)
        numbers.push_back("n" + std::to_string(i));
      const auto context =
          etl::sync::answer_context(backoff, row.attempt, row.failed_in_a_row, row.reply);
      const AnswerPlan plan = etl::sync::plan_answer(row.items, numbers, row.reply, context);
      CHECK(plan.verdict == row.expected.verdict);
      REQUIRE(plan.items.size() == row.expected.items.size());
      for (std::size_t i = 0; i < plan.items.size(); ++i) {
        CHECK(etl::ledger::outcome_name(plan.items[i].outcome) ==
              std::string(etl::ledger::outcome_name(row.expected.items[i].outcome)));
        CHECK(plan.items[i].error_code == row.expected.items[i].error_code);
        CHECK(plan.items[i].error_description == row.expected.items[i].error_description);
      }
      CHECK(plan.units == row.expected.units);
      CHECK(plan.resends == row.expected.resends);
      CHECK(plan.unfinished == row.expected.unfinished);
      CHECK(plan.counts == row.expected.counts);
      CHECK(plan.pause_ms == row.expected.pause_ms);
      CHECK(plan.failed_in_a_row == row.expected.failed_in_a_row);
      CHECK(plan.stop_reason == row.expected.stop_reason);
      CHECK(plan == row.expected);
    }
  }

  TEST_CASE("the retry wait is drawn only for an answer that may be retried") {
    int draws = 0;
    etl::sync::Backoff backoff(kRetry, [&draws] {
      ++draws;
      return 0.5;
    });
    const BatchReply kinds[] = {answered({}), whole_batch(BatchStatus::kBadRequest, 400, "x"),
                                whole_batch(BatchStatus::kAuthFailed, 403, "x"),
                                whole_batch(BatchStatus::kFatal, 404, "x"),
                                whole_batch(BatchStatus::kTlsFailed, std::nullopt, "x")};
    for (const BatchReply& reply : kinds) {
      CHECK_FALSE(etl::sync::answer_context(backoff, 1, 0, reply).retry_delay_ms.has_value());
    }
    CHECK(draws == 0);
    const auto context =
        etl::sync::answer_context(backoff, 1, 2, whole_batch(BatchStatus::kRetryable, 503, "x"));
    CHECK(draws == 1);
    CHECK(context.retry_delay_ms == 75);
    CHECK(context.failed_in_a_row == 2);
    CHECK(context.max_attempts == 3);
    CHECK(context.max_failed_batches == 3);
  }

  TEST_CASE("the one place actions are spelled for the wire and the ledger") {
    CHECK(std::string(etl::model::action_name(Action::kCreate)) == "CREATE");
    CHECK(std::string(etl::model::action_name(Action::kUpdate)) == "UPDATE");
    for (Action action : {Action::kCreate, Action::kUpdate}) {
      CHECK(etl::model::parse_action<etl::LedgerError>(etl::model::action_name(action)) == action);
      CHECK(etl::model::other_action(etl::model::other_action(action)) == action);
      CHECK(etl::model::other_action(action) != action);
    }
    CHECK_THROWS_AS(etl::model::parse_action<etl::LedgerError>("create"), etl::LedgerError);
    CHECK_THROWS_AS(etl::model::parse_action<etl::LedgerError>(""), etl::LedgerError);
  }
}
