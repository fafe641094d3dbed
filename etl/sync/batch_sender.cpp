#include "sync/batch_sender.hpp"

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
                         amlyze::HttpPoster& http, ledger::RunCounts& counts, Backoff backoff)
    : settings_(std::move(settings)), ledger_(ledger), http_(http), counts_(counts),
      backoff_(std::move(backoff)), queue_limit_(2 * settings_.batch_size) {
  worker_ = std::thread([this] { run_worker(); });
}

BatchSender::~BatchSender() {
  abandon_ = true;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closing_ = true;
    queue_.clear();  // an error unwinds the run: what is not sent is not recorded, nothing lost
  }
  changed_.notify_all();
  if (worker_.joinable()) worker_.join();
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

void BatchSender::flush() {
  hold(false);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closing_ = true;
  }
  changed_.notify_all();
  if (worker_.joinable()) worker_.join();
  if (error_) std::rethrow_exception(error_);
}

void BatchSender::run_worker() {
  try {
    while (!abandon_) {
      if (!work_.empty()) {
        Unit unit = std::move(work_.front());
        work_.pop_front();
        send(std::move(unit));
        continue;
      }
      Unit unit = next_unit();
      if (unit.items.empty()) return;
      send(std::move(unit));
    }
  } catch (...) {
    std::lock_guard<std::mutex> lock(mutex_);
    error_ = std::current_exception();
    changed_.notify_all();
  }
}

BatchSender::Unit BatchSender::next_unit() {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] { return closing_ || queue_.size() >= settings_.batch_size; });
  Unit unit;
  while (!queue_.empty() && unit.items.size() < settings_.batch_size) {
    unit.items.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  changed_.notify_all();  // room for add()
  return unit;
}

void BatchSender::requeue_front(Pending pending) {
  std::lock_guard<std::mutex> lock(mutex_);
  queue_.push_front(std::move(pending));
}

void BatchSender::note_unfinished(const std::string& changed_at) {
  // PostgreSQL prints UTC timestamps in one fixed format, so text order is time order.
  if (!oldest_unfinished_ || changed_at < *oldest_unfinished_) oldest_unfinished_ = changed_at;
}

void BatchSender::send(Unit unit) {
  throw_if_stop_requested();  // between batches, never inside one
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
  ++counts_.batches;
  ++counts_.http_requests;
  const amlyze::HttpResponse response = http_.post_json(settings_.url, body, settings_.token);
  const amlyze::BatchReply reply = amlyze::interpret(response);

  std::vector<ledger::ItemResult> results;
  for (std::size_t i = 0; i < unit.items.size(); ++i) {
    results.push_back({numbers[i], unit.items[i].customer.ext_id, unit.items[i].customer.hash,
                       ledger::Outcome::kFailed, "", reply.error});
  }
  Unit again;
  again.attempt = unit.attempt + 1;
  std::optional<long long> wait;
  if (reply.status == BatchStatus::kAnswered) {
    settle_answered(unit, reply, numbers, results, again);
  } else {
    wait = settle_failed(unit, reply, results);
  }
  // Recorded before anything else happens: a stop, a wait or a crash after this loses nothing.
  ledger_.record_results(batch_id, {reply.http_status, reply.error, response.latency_ms}, results);

  if (reply.status == BatchStatus::kAuthFailed) {
    throw AuthError("AMLYZE refused the bearer token (" + reply.error.substr(0, 8) + ") from $" +
                    settings_.token_env +
                    "; nothing more was sent. Check the token and that this host is on "
                    "AMLYZE's IP allow-list.");
  }
  if (reply.status == BatchStatus::kFatal) {
    throw AmlyzeError(settings_.url + " answered " + reply.error +
                      "; check amlyze.base_url. Nothing more was sent.");
  }
  if (!stop_reason_.empty()) throw AmlyzeError(stop_reason_);
  if (wait) {
    sleep_unless_stopped(*wait);
    backoff_.spent(*wait);
  }
  if (!again.items.empty()) work_.push_front(std::move(again));
}

void BatchSender::settle_answered(Unit& unit, const amlyze::BatchReply& reply,
                                  const std::vector<std::string>& numbers,
                                  std::vector<ledger::ItemResult>& results, Unit& again) {
  failed_in_a_row_ = 0;
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
        requeue_front({std::move(p.customer), p.action == kCreate ? kUpdate : kCreate, true});
      } else {
        ++counts_.rejected;
      }
    }
  }
}

std::optional<long long> BatchSender::settle_failed(Unit& unit, const amlyze::BatchReply& reply,
                                                   std::vector<ledger::ItemResult>& results) {
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
    work_.push_front(std::move(second));
    work_.push_front(std::move(first));
    log_warn("batch of " + std::to_string(results.size()) + " failed (" + reply.error.substr(0, 60) +
             "): splitting it to isolate the cause");
    return std::nullopt;
  }
  if (reply.status == BatchStatus::kBadRequest) {
    // A single customer the server refuses as a request: poison, final until its data changes.
    results[0].outcome = ledger::Outcome::kRejected;
    results[0].error_code = "HTTP" + std::to_string(reply.http_status.value_or(400));
    ++counts_.rejected;
    failed_in_a_row_ = 0;
    log_warn("customer " + unit.items[0].customer.ext_id + " breaks the request: " + reply.error);
    return std::nullopt;
  }
  if (reply.status == BatchStatus::kRetryable || reply.status == BatchStatus::kBatchError) {
    const auto delay = backoff_.next_delay_ms(unit.attempt + 1, reply.retry_after_seconds);
    if (delay) {
      for (auto& r : results) r.error_description += " (will retry)";
      log_warn("batch of " + std::to_string(unit.items.size()) + " failed (" +
               reply.error.substr(0, 80) + "): attempt " + std::to_string(unit.attempt + 1) +
               " in " + std::to_string(*delay) + " ms");
      ++counts_.http_retries;
      work_.push_front({std::move(unit.items), unit.attempt + 1});
      unit.items.clear();
      return delay;
    }
  }
  if (reply.status == BatchStatus::kRetryable || reply.status == BatchStatus::kBatchError) {
    give_up(unit);
  }
  return std::nullopt;
}

void BatchSender::give_up(const Unit& unit) {
  counts_.failed += static_cast<long long>(unit.items.size());
  for (const Pending& p : unit.items) note_unfinished(p.customer.changed_at);
  ++failed_in_a_row_;
  log_warn("batch of " + std::to_string(unit.items.size()) + " customers failed after " +
           std::to_string(unit.attempt) + " attempts; they stay failed for the next run");
  if (failed_in_a_row_ >= backoff_.settings().max_failed_batches) {
    stop_reason_ = std::to_string(failed_in_a_row_) +
                   " batches in a row failed; stopping the run. Everything sent is in the "
                   "ledger and the next run resends the rest.";
  }
}

}  // namespace etl::sync
