#include "sync/batch_sender.hpp"

#include "amlyze/batch_api.hpp"
#include "util/errors.hpp"
#include "util/ids.hpp"
#include "util/log.hpp"

namespace etl::sync {
namespace {

constexpr const char* kCreate = "CREATE";
constexpr const char* kUpdate = "UPDATE";

bool is_c004(const amlyze::ItemAnswer& a) { return !a.accepted && a.error_code == "C004"; }

}  // namespace

BatchSender::BatchSender(SenderSettings settings, ledger::Ledger& ledger,
                         amlyze::HttpClient& http, ledger::RunCounts& counts)
    : settings_(std::move(settings)), ledger_(ledger), http_(http), counts_(counts) {}

void BatchSender::add(model::Customer customer, const std::string& action) {
  queue_.push_back({std::move(customer), action, false});
  if (!held_ && queue_.size() >= settings_.batch_size) send_one_batch();
}

void BatchSender::hold(bool on) {
  held_ = on;
  while (!held_ && queue_.size() >= settings_.batch_size) send_one_batch();
}

void BatchSender::flush() {
  while (!queue_.empty()) send_one_batch();
}

void BatchSender::note_unfinished(const std::string& changed_at) {
  // PostgreSQL prints UTC timestamps in one fixed format, so text order is time order.
  if (!oldest_unfinished_ || changed_at < *oldest_unfinished_) oldest_unfinished_ = changed_at;
}

void BatchSender::send_one_batch() {
  const std::size_t n = std::min(queue_.size(), settings_.batch_size);
  std::vector<Pending> batch;
  batch.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    batch.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  std::vector<amlyze::OutgoingItem> items;
  std::vector<ledger::Intent> intents;
  for (const Pending& p : batch) {
    amlyze::OutgoingItem item{p.customer.ext_id, new_uuid(), p.action, p.customer.hash,
                              &p.customer.payload};
    intents.push_back({item.ext_id, item.communication_number, item.action, item.hash});
    items.push_back(std::move(item));
  }
  const std::string body = amlyze::build_batch_body(items);
  const long long batch_id = ledger_.record_intents(settings_.run_id, "batch-customers",
                                                    body.size(), intents);
  ++counts_.batches;
  const amlyze::HttpResponse response = http_.post_json(settings_.url, body, settings_.token);
  const amlyze::BatchReply reply = amlyze::interpret(response);

  std::vector<ledger::ItemResult> results;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    Pending& p = batch[i];
    const amlyze::OutgoingItem& item = items[i];
    ledger::ItemResult r{item.communication_number, item.ext_id, item.hash,
                         ledger::Outcome::kFailed, "", reply.error};
    if (reply.status == amlyze::BatchStatus::kAnswered) {
      const auto found = reply.items.find(item.communication_number);
      if (found == reply.items.end()) {
        r.error_description = "no result for this communicationNumber in the answer";
      } else if (found->second.accepted) {
        r.outcome = ledger::Outcome::kAccepted;
        r.error_description.clear();
        ++(p.action == kCreate ? counts_.created : counts_.updated);
      } else {
        r.outcome = ledger::Outcome::kRejected;
        r.error_code = found->second.error_code;
        r.error_description = found->second.error_description;
        // CREATE of a customer AMLYZE has, or UPDATE of one it lacks: the ledger was behind.
        if (is_c004(found->second) && !p.flipped) {
          queue_.push_back({p.customer, p.action == kCreate ? kUpdate : kCreate, true});
        } else {
          ++counts_.rejected;
        }
      }
    }
    if (r.outcome == ledger::Outcome::kFailed) {
      ++counts_.failed;
      note_unfinished(p.customer.changed_at);
    }
    results.push_back(std::move(r));
  }
  ledger_.record_results(batch_id, {reply.http_status, reply.error, response.latency_ms}, results);

  if (reply.status == amlyze::BatchStatus::kAuthFailed) {
    throw AuthError("AMLYZE refused the bearer token (" + reply.error.substr(0, 8) +
                    ") from $" + settings_.token_env +
                    "; nothing more was sent. Check the token and that this host is on "
                    "AMLYZE's IP allow-list.");
  }
  if (reply.status == amlyze::BatchStatus::kFatal) {
    throw AmlyzeError(settings_.url + " answered " + reply.error +
                      "; check amlyze.base_url. Nothing more was sent.");
  }
  if (reply.status != amlyze::BatchStatus::kAnswered) {
    log_warn("batch " + std::to_string(batch_id) + " of " + std::to_string(batch.size()) +
             " customers failed: " + reply.error);
  }
}

}  // namespace etl::sync
