// Sends customers to AMLYZE in batches: fresh communicationNumber per item and attempt, intent
// committed to the ledger before the request, results matched by communicationNumber, C004
// answers resent once with the other action (CREATE <-> UPDATE), every outcome recorded.
#pragma once

#include <deque>
#include <optional>
#include <string>

#include "amlyze/http_client.hpp"
#include "ledger/ledger.hpp"
#include "sync/sink.hpp"

namespace etl::sync {

struct SenderSettings {
  std::string url;    // base_url + endpoint path
  std::string token;  // bearer token; never logged
  std::string token_env;  // its variable's name, for messages
  std::size_t batch_size = 500;
  long long run_id = 0;
};

class BatchSender : public Sink {
 public:
  BatchSender(SenderSettings settings, ledger::Ledger& ledger, amlyze::HttpClient& http,
              ledger::RunCounts& counts);

  void add(model::Customer customer, const std::string& action) override;
  // Throws AuthError on 401/403 and AmlyzeError on other fatal answers, after recording them.
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

  void send_one_batch();
  void note_unfinished(const std::string& changed_at);

  SenderSettings settings_;
  ledger::Ledger& ledger_;
  amlyze::HttpClient& http_;
  ledger::RunCounts& counts_;
  std::deque<Pending> queue_;
  std::optional<std::string> oldest_unfinished_;
  bool held_ = false;
};

}  // namespace etl::sync
