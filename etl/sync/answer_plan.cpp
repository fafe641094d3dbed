#include "sync/answer_plan.hpp"

namespace etl::sync {
namespace {

using amlyze::BatchStatus;

std::vector<std::size_t> positions(std::size_t from, std::size_t to) {
  std::vector<std::size_t> out;
  for (std::size_t i = from; i < to; ++i) out.push_back(i);
  return out;
}

// A 200 with results: each item by its communicationNumber.
void plan_answered(const std::vector<SentItem>& items, const std::vector<std::string>& numbers,
                   const amlyze::BatchReply& reply, const AnswerContext& context,
                   AnswerPlan& plan) {
  plan.verdict = Verdict::kAnswered;
  plan.failed_in_a_row = 0;
  FollowUpUnit again{{}, context.attempt + 1};
  for (std::size_t i = 0; i < items.size(); ++i) {
    ItemOutcome& out = plan.items[i];
    const auto found = reply.items.find(numbers[i]);
    if (found == reply.items.end()) {
      out.error_description = "no result for this communicationNumber in the answer";
      if (context.attempt < context.max_attempts) {
        again.items.push_back(i);
      } else {
        ++plan.counts.failed;
        plan.unfinished.push_back(i);
      }
    } else if (found->second.accepted) {
      out = {ledger::Outcome::kAccepted, "", ""};
      ++(items[i].action == model::Action::kCreate ? plan.counts.created : plan.counts.updated);
    } else {
      out = {ledger::Outcome::kRejected, found->second.error_code, found->second.error_description};
      // CREATE of a customer AMLYZE has, or UPDATE of one it lacks: the ledger was behind
      // (a lost ledger, or a crash between sending and recording). Never branch on the text.
      if (out.error_code == "C004" && !items[i].flipped) {
        plan.resends.push_back({i, model::other_action(items[i].action)});
      } else {
        ++plan.counts.rejected;
      }
    }
  }
  if (!again.items.empty()) plan.units.push_back(std::move(again));
}

void give_up(std::size_t size, const amlyze::BatchReply& reply, const AnswerContext& context,
             AnswerPlan& plan) {
  plan.verdict = Verdict::kGiveUp;
  plan.counts.failed += static_cast<long long>(size);
  plan.unfinished = positions(0, size);
  ++plan.failed_in_a_row;
  if (plan.failed_in_a_row >= context.max_failed_batches) {
    plan.stop_reason =
        std::to_string(plan.failed_in_a_row) +
        " batches in a row failed: AMLYZE could not take them (last: " + reply.error.substr(0, 80) +
        "); stopping the run. Everything sent is in the ledger; nothing is lost, the "
        "next run resends the rest.";
  }
}

// No per-item results: the whole request failed.
void plan_failed(std::size_t size, const amlyze::BatchReply& reply, const AnswerContext& context,
                 AnswerPlan& plan) {
  const bool splittable =
      reply.status == BatchStatus::kBadRequest || reply.status == BatchStatus::kBatchError;
  if (splittable && size > 1) {
    // One bad customer can break the whole request: halve until it stands alone.
    plan.verdict = Verdict::kSplit;
    for (auto& out : plan.items) out.error_description += " (batch split to isolate the cause)";
    plan.units.push_back({positions(0, size / 2), context.attempt});
    plan.units.push_back({positions(size / 2, size), context.attempt});
    return;
  }
  if (reply.status == BatchStatus::kBadRequest) {
    // A single customer the server refuses as a request: poison, final until its data changes.
    plan.verdict = Verdict::kPoison;
    plan.items[0].outcome = ledger::Outcome::kRejected;
    plan.items[0].error_code = "HTTP" + std::to_string(reply.http_status.value_or(400));
    ++plan.counts.rejected;
    plan.failed_in_a_row = 0;
    return;
  }
  if (reply.status != BatchStatus::kRetryable && reply.status != BatchStatus::kBatchError) {
    plan.verdict = Verdict::kAbort;
    return;
  }
  if (!context.retry_delay_ms) return give_up(size, reply, context, plan);
  plan.verdict = Verdict::kRetry;
  for (auto& out : plan.items) out.error_description += " (will retry)";
  ++plan.counts.http_retries;
  plan.units.push_back({positions(0, size), context.attempt + 1});
  plan.pause_ms = context.retry_delay_ms;
}

}  // namespace

AnswerContext answer_context(Backoff& backoff, int attempt, int failed_in_a_row,
                             const amlyze::BatchReply& reply) {
  AnswerContext context{attempt, backoff.settings().max_attempts,
                        backoff.settings().max_failed_batches, failed_in_a_row, std::nullopt};
  if (reply.status == BatchStatus::kRetryable || reply.status == BatchStatus::kBatchError) {
    context.retry_delay_ms = backoff.next_delay_ms(attempt + 1, reply.retry_after_seconds);
  }
  return context;
}

AnswerPlan plan_answer(const std::vector<SentItem>& items, const std::vector<std::string>& numbers,
                       const amlyze::BatchReply& reply, const AnswerContext& context) {
  AnswerPlan plan;
  plan.failed_in_a_row = context.failed_in_a_row;
  // Failed with the answer's error unless the answer says otherwise: a crash before the next
  // step leaves the customer to be resent.
  plan.items.assign(items.size(), ItemOutcome{ledger::Outcome::kFailed, "", reply.error});
  if (reply.status == BatchStatus::kAnswered) {
    plan_answered(items, numbers, reply, context, plan);
  } else {
    plan_failed(items.size(), reply, context, plan);
  }
  return plan;
}

}  // namespace etl::sync
