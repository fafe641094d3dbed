#include "sync/batch_sender.hpp"

#include <algorithm>

#include "util/errors.hpp"
#include "util/ids.hpp"
#include "util/log.hpp"
#include "util/stop_signal.hpp"

namespace etl::sync {
namespace {

constexpr const char* kCreate = "CREATE";
constexpr const char* kUpdate = "UPDATE";

using amlyze::BatchStatus;

}  // namespace

BatchSender::BatchSender(SenderSettings settings, ledger::Ledger& ledger,
                         std::vector<amlyze::HttpPoster*> posters, ledger::RunCounts& counts,
                         Backoff backoff)
    : settings_(std::move(settings)), ledger_(ledger), counts_(counts),
      queue_limit_(2 * settings_.batch_size), backoff_(std::move(backoff)) {
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

void BatchSender::add(model::Customer customer, const std::string& action) {
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
    remaining_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(resume_at_ - Clock::now()).count();
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

  std::vector<ledger::ItemResult> results;
  for (std::size_t i = 0; i < unit.items.size(); ++i) {
    results.push_back({numbers[i], unit.items[i].customer.ext_id, unit.items[i].customer.hash,
                       ledger::Outcome::kFailed, "", reply.error});
  }
  FollowUps next;
  std::string stop_reason;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (reply.status == BatchStatus::kAnswered) {
      settle_answered(unit, reply, numbers, results, next);
    } else {
      settle_failed(unit, reply, results, next);
    }
    stop_reason = stop_reason_;
  }
  // Recorded before anything else happens: a stop, a wait or a crash after this loses nothing.
  ledger_.record_results(batch_id, {reply.http_status, reply.error, response.latency_ms}, results);

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
  queue_follow_ups(std::move(next));
}

void BatchSender::settle_answered(Unit& unit, const amlyze::BatchReply& reply,
                                  const std::vector<std::string>& numbers,
                                  std::vector<ledger::ItemResult>& results, FollowUps& next) {
  failed_in_a_row_ = 0;
  Unit again;
  again.attempt = unit.attempt + 1;
  for (std::size_t i = 0; i < unit.items.size(); ++i) {
    Pending& p = unit.items[i];
    ledger::ItemResult& r = results[i];
    const auto found = reply.items.find(numbers[i]);
    if (found == reply.items.end()) {
      r.error_description = "no result for this communicationNumber in the answer";
      if (unit.attempt < backoff_.settings().max_attempts) {
        again.items.push_back(std::move(p));
      } else {
        ++counts_.failed;
        note_unfinished(p.customer.changed_at);
      }
    } else if (found->second.accepted) {
      r.outcome = ledger::Outcome::kAccepted;
      r.error_description.clear();
      ++(p.action == kCreate ? counts_.created : counts_.updated);
    } else {
      r.outcome = ledger::Outcome::kRejected;
      r.error_code = found->second.error_code;
      r.error_description = found->second.error_description;
      // CREATE of a customer AMLYZE has, or UPDATE of one it lacks: the ledger was behind
      // (a lost ledger, or a crash between sending and recording). Never branch on the text.
      if (r.error_code == "C004" && !p.flipped) {
        next.resends.push_back(
            {std::move(p.customer), p.action == kCreate ? kUpdate : kCreate, true});
      } else {
        ++counts_.rejected;
      }
    }
  }
  if (!again.items.empty()) next.units.push_back(std::move(again));
}

void BatchSender::settle_failed(Unit& unit, const amlyze::BatchReply& reply,
                                std::vector<ledger::ItemResult>& results, FollowUps& next) {
  const bool splittable =
      reply.status == BatchStatus::kBadRequest || reply.status == BatchStatus::kBatchError;
  if (splittable && unit.items.size() > 1) {
    // One bad customer can break the whole request: halve until it stands alone.
    for (auto& r : results) r.error_description += " (batch split to isolate the cause)";
    const auto middle = unit.items.begin() + static_cast<long>(unit.items.size() / 2);
    Unit first{{std::make_move_iterator(unit.items.begin()), std::make_move_iterator(middle)},
               unit.attempt};
    Unit second{{std::make_move_iterator(middle), std::make_move_iterator(unit.items.end())},
                unit.attempt};
    next.units.push_back(std::move(first));
    next.units.push_back(std::move(second));
    log_warn("batch of " + std::to_string(results.size()) + " failed (" + reply.error.substr(0, 60) +
             "): splitting it to isolate the cause");
    return;
  }
  if (reply.status == BatchStatus::kBadRequest) {
    // A single customer the server refuses as a request: poison, final until its data changes.
    results[0].outcome = ledger::Outcome::kRejected;
    results[0].error_code = "HTTP" + std::to_string(reply.http_status.value_or(400));
    ++counts_.rejected;
    failed_in_a_row_ = 0;
    log_warn("customer " + unit.items[0].customer.ext_id + " breaks the request: " + reply.error);
    return;
  }
  if (reply.status != BatchStatus::kRetryable && reply.status != BatchStatus::kBatchError) return;
  const auto delay = backoff_.next_delay_ms(unit.attempt + 1, reply.retry_after_seconds);
  if (!delay) {
    give_up(unit, reply.error);
    return;
  }
  for (auto& r : results) r.error_description += " (will retry)";
  log_warn("batch of " + std::to_string(unit.items.size()) + " failed (" +
           reply.error.substr(0, 80) + "): attempt " + std::to_string(unit.attempt + 1) + " in " +
           std::to_string(*delay) + " ms");
  ++counts_.http_retries;
  next.units.push_back({std::move(unit.items), unit.attempt + 1});
  unit.items.clear();
  pause_all(*delay);
}

void BatchSender::give_up(const Unit& unit, const std::string& error) {
  counts_.failed += static_cast<long long>(unit.items.size());
  for (const Pending& p : unit.items) note_unfinished(p.customer.changed_at);
  ++failed_in_a_row_;
  log_warn("batch of " + std::to_string(unit.items.size()) + " customers failed after " +
           std::to_string(unit.attempt) + " attempts; they stay failed for the next run");
  if (failed_in_a_row_ >= backoff_.settings().max_failed_batches) {
    stop_reason_ =
        std::to_string(failed_in_a_row_) +
        " batches in a row failed: AMLYZE could not take them (last: " + error.substr(0, 80) +
        "); stopping the run. Everything sent is in the ledger; nothing is lost, the "
        "next run resends the rest.";
  }
}

}  // namespace etl::sync
