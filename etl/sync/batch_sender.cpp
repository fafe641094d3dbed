#include "sync/batch_sender.hpp"

#include <algorithm>

#include "util/errors.hpp"
#include "util/ids.hpp"
#include "util/log.hpp"
#include "util/stop_signal.hpp"

namespace etl::sync {
namespace {

using amlyze::BatchStatus;

// The operator's line for a batch that did not simply get its answers.
void log_verdict(const AnswerPlan& plan, std::size_t size, int attempt,
                 const std::string& first_ext_id, const std::string& error) {
  const std::string batch = "batch of " + std::to_string(size);
  switch (plan.verdict) {
    case Verdict::kSplit:
      log_warn(batch + " failed (" + error.substr(0, 60) + "): splitting it to isolate the cause");
      break;
    case Verdict::kPoison:
      log_warn("customer " + first_ext_id + " breaks the request: " + error);
      break;
    case Verdict::kRetry:
      log_warn(batch + " failed (" + error.substr(0, 80) + "): attempt " +
               std::to_string(attempt + 1) + " in " + std::to_string(*plan.pause_ms) + " ms");
      break;
    case Verdict::kGiveUp:
      log_warn(batch + " customers failed after " + std::to_string(attempt) +
               " attempts; they stay failed for the next run");
      break;
    case Verdict::kAnswered:
    case Verdict::kAbort:
      break;
  }
}

}  // namespace

BatchSender::BatchSender(SenderSettings settings, ledger::Ledger& ledger,
                         std::vector<amlyze::HttpPoster*> posters, ledger::RunCounts& counts,
                         Backoff backoff)
    : settings_(std::move(settings)),
      ledger_(ledger),
      counts_(counts),
      queue_limit_(2 * settings_.batch_size),
      backoff_(std::move(backoff)) {
  for (amlyze::HttpPoster* http : posters) {
    workers_.emplace_back([this, http] { run_worker(*http); });
  }
}

BatchSender::~BatchSender() { stop(); }

void BatchSender::stop() {
  abandon_ = true;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closing_ = true;
    queue_.clear();  // an error unwinds the run: what is not sent is not recorded, nothing lost
  }
  changed_.notify_all();
  for (auto& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
}

void BatchSender::add(model::Customer customer, model::Action action) {
  if (held_) {
    held_items_.push_back({std::move(customer), action, false});
    return;
  }
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] { return error_ || queue_.size() < queue_limit_; });
  if (error_) std::rethrow_exception(error_);
  queue_.push_back({std::move(customer), action, false});
  if (queue_.size() >= settings_.batch_size) changed_.notify_all();
}

void BatchSender::hold(bool on) {
  held_ = on;
  if (held_ || held_items_.empty()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& p : held_items_) queue_.push_back(std::move(p));
  }
  held_items_.clear();
  changed_.notify_all();
}

long long BatchSender::batches_sent() {
  std::lock_guard<std::mutex> lock(mutex_);
  return counts_.batches;
}

void BatchSender::flush() {
  hold(false);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closing_ = true;
  }
  changed_.notify_all();
  for (auto& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
  if (error_) std::rethrow_exception(error_);
}

void BatchSender::run_worker(amlyze::HttpPoster& http) {
  try {
    while (std::optional<Unit> unit = next_unit()) send(std::move(*unit), http);
  } catch (...) {
    // The first error is the run's; the other senders finish and record what they have in
    // flight, then take nothing more.
    abandon_ = true;
    std::lock_guard<std::mutex> lock(mutex_);
    if (!error_) error_ = std::current_exception();
    changed_.notify_all();
  }
}

std::optional<BatchSender::Unit> BatchSender::next_unit() {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] {
    return abandon_ || !work_.empty() || queue_.size() >= settings_.batch_size ||
           (closing_ && (!queue_.empty() || in_flight_ == 0));
  });
  if (abandon_) return std::nullopt;
  Unit unit;
  if (!work_.empty()) {
    unit = std::move(work_.front());
    work_.pop_front();
  } else {
    // Closing with an empty queue and nothing in flight: everything is sent.
    if (queue_.empty()) return std::nullopt;
    while (!queue_.empty() && unit.items.size() < settings_.batch_size) {
      unit.items.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
  }
  ++in_flight_;
  changed_.notify_all();  // room for add()
  return unit;
}

void BatchSender::wait_for_resume() {
  long long remaining_ms = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // Rounded up: a pause of a second never ends a fraction of a millisecond early.
    remaining_ms = std::chrono::ceil<std::chrono::milliseconds>(resume_at_ - Clock::now()).count();
  }
  if (remaining_ms > 0) sleep_unless_stopped(remaining_ms);
}

bool BatchSender::wait_for_gate(const Unit& unit) {
  const ResendGate& gate = settings_.resend_gate;
  if (gate.ext_ids.empty() || Clock::now() >= gate.open_at) return true;
  const bool gated = std::any_of(unit.items.begin(), unit.items.end(), [&](const Pending& p) {
    return gate.ext_ids.count(p.customer.ext_id) > 0;
  });
  if (!gated) return true;
  if (!gate_logged_.exchange(true)) {
    const long long left_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(gate.open_at - Clock::now()).count();
    log_info("waiting " + std::to_string((left_ms + 999) / 1000) + " s before resending " +
             std::to_string(gate.ext_ids.size()) +
             " customers a killed run may still have in AMLYZE's hands "
             "(amlyze.resend_grace_seconds)");
  }
  // In slices, so that a stop (SIGTERM) or an unwinding run does not wait for the whole grace.
  constexpr long long kSliceMs = 100;
  for (auto now = Clock::now(); now < gate.open_at && !abandon_ && !stop_requested();
       now = Clock::now()) {
    const long long left_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(gate.open_at - now).count();
    sleep_unless_stopped(std::min(std::max(left_ms, 1LL), kSliceMs));
  }
  throw_if_stop_requested();
  return !abandon_;
}

void BatchSender::pause_all(long long wait_ms) {
  // One pause for every sender; the retry budget counts the time it adds.
  const Clock::time_point now = Clock::now();
  const Clock::time_point until = now + std::chrono::milliseconds(wait_ms);
  const Clock::time_point from = std::max(resume_at_, now);
  if (until <= from) return;
  backoff_.spent(std::chrono::duration_cast<std::chrono::milliseconds>(until - from).count());
  resume_at_ = until;
}

void BatchSender::queue_follow_ups(FollowUps next) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto unit = next.units.rbegin(); unit != next.units.rend(); ++unit) {
      work_.push_front(std::move(*unit));
    }
    for (auto resend = next.resends.rbegin(); resend != next.resends.rend(); ++resend) {
      queue_.push_front(std::move(*resend));
    }
    --in_flight_;
  }
  changed_.notify_all();
}

void BatchSender::note_unfinished(const std::string& changed_at) {
  // PostgreSQL prints UTC timestamps in one fixed format, so text order is time order.
  if (!oldest_unfinished_ || changed_at < *oldest_unfinished_) oldest_unfinished_ = changed_at;
}

void BatchSender::send(Unit unit, amlyze::HttpPoster& http) {
  throw_if_stop_requested();  // between batches, never inside one
  wait_for_resume();
  if (!wait_for_gate(unit)) return;
  std::vector<amlyze::OutgoingItem> items;
  std::vector<ledger::Intent> intents;
  std::vector<std::string> numbers;
  for (const Pending& p : unit.items) {
    amlyze::OutgoingItem item{p.customer.ext_id, new_uuid(), p.action, p.customer.hash,
                              &p.customer.canonical};
    intents.push_back({item.ext_id, item.communication_number, item.action, item.hash});
    numbers.push_back(item.communication_number);
    items.push_back(std::move(item));
  }
  const std::string body = amlyze::build_batch_body(items);
  const long long batch_id =
      ledger_.record_intents(settings_.run_id, settings_.endpoint, body.size(), intents);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++counts_.batches;
    ++counts_.http_requests;
  }
  const amlyze::HttpResponse response = http.post_json(settings_.url, body, settings_.token);
  const amlyze::BatchReply reply = amlyze::interpret(response);

  AnswerPlan plan;
  std::string stop_reason;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    plan = settle(unit, numbers, reply);
    stop_reason = stop_reason_;
  }
  std::vector<ledger::ItemResult> results;
  for (std::size_t i = 0; i < unit.items.size(); ++i) {
    ItemOutcome& out = plan.items[i];
    results.push_back({numbers[i], unit.items[i].customer.ext_id, unit.items[i].customer.hash,
                       out.outcome, std::move(out.error_code), std::move(out.error_description)});
  }
  // Recorded before anything else happens: a stop, a wait or a crash after this loses nothing.
  ledger_.record_results(batch_id, {reply.http_status, reply.error, response.latency_ms},
                         std::move(results));

  if (reply.status == BatchStatus::kAuthFailed) {
    throw AuthError("AMLYZE refused the bearer token (" + reply.error.substr(0, 8) + ") from " +
                    settings_.token_source +
                    "; nothing more was sent. Check the token and that this host is on "
                    "AMLYZE's IP allow-list.");
  }
  if (reply.status == BatchStatus::kFatal) {
    throw AmlyzeError(settings_.url + (reply.http_status ? " answered " : ": ") + reply.error +
                      "; check amlyze.base_url. Nothing more was sent.");
  }
  if (reply.status == BatchStatus::kTlsFailed) {
    // No retry: a certificate does not start to verify by itself, and every attempt would fail
    // the same way.
    throw AmlyzeError(settings_.url + ": " + reply.error +
                      ". Check that amlyze.ca_file names the PEM file of the CA that signed "
                      "AMLYZE's certificate and that the host in amlyze.base_url is the one the "
                      "certificate names. Nothing more was sent.");
  }
  if (!stop_reason.empty()) throw UndeliveredError(stop_reason);
  queue_follow_ups(take_follow_ups(plan, unit));
}

AnswerPlan BatchSender::settle(const Unit& unit, const std::vector<std::string>& numbers,
                               const amlyze::BatchReply& reply) {
  std::vector<SentItem> sent;
  sent.reserve(unit.items.size());
  for (const Pending& p : unit.items) sent.push_back({p.action, p.flipped});
  AnswerPlan plan = plan_answer(sent, numbers, reply,
                                answer_context(backoff_, unit.attempt, failed_in_a_row_, reply));
  counts_.created += plan.counts.created;
  counts_.updated += plan.counts.updated;
  counts_.rejected += plan.counts.rejected;
  counts_.failed += plan.counts.failed;
  counts_.http_retries += plan.counts.http_retries;
  for (std::size_t i : plan.unfinished) note_unfinished(unit.items[i].customer.changed_at);
  failed_in_a_row_ = plan.failed_in_a_row;
  if (!plan.stop_reason.empty()) stop_reason_ = plan.stop_reason;
  if (plan.pause_ms) pause_all(*plan.pause_ms);
  log_verdict(plan, unit.items.size(), unit.attempt, unit.items[0].customer.ext_id, reply.error);
  return plan;
}

BatchSender::FollowUps BatchSender::take_follow_ups(const AnswerPlan& plan, Unit& unit) {
  FollowUps next;
  for (const FollowUpUnit& follow_up : plan.units) {
    Unit again;
    again.attempt = follow_up.attempt;
    for (std::size_t i : follow_up.items) again.items.push_back(std::move(unit.items[i]));
    next.units.push_back(std::move(again));
  }
  for (const Resend& resend : plan.resends) {
    next.resends.push_back({std::move(unit.items[resend.item].customer), resend.action, true});
  }
  return next;
}

}  // namespace etl::sync
