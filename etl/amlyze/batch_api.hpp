// The AMLYZE batch-customers protocol: the request body and what an answer means. Results are
// matched to items by communicationNumber, never by position (the API does not promise order).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "amlyze/http_client.hpp"
#include "model/action.hpp"

namespace etl::amlyze {

constexpr const char* kBatchPath = "/amlyze-ws-rest/batch-customers";
constexpr const char* kValidatePath = "/amlyze-ws-rest/validate-batch-customers";

struct OutgoingItem {
  std::string ext_id;
  std::string communication_number;
  model::Action action = model::Action::kCreate;
  std::string hash;
  const std::string* canonical = nullptr;  // the payload's JSON text, without the two above
};

// {"customers":[...]} with communicationNumber and action put in front of each payload's text
// (spliced, not re-serialized: the payload was serialized once, for its hash).
std::string build_batch_body(const std::vector<OutgoingItem>& items);

// What the answer as a whole means for the run.
enum class BatchStatus {
  kAnswered,    // 200 with results: per-item outcomes below
  kAuthFailed,  // 401/403: stop the run
  kRetryable,   // 429, 502/503/504, timeout, connection error, a 200 that is not AMLYZE's JSON
                // (an HTML page from a proxy): the same batch again later
  kBatchError,  // HTTP 500 or a whole-batch errorCode: maybe one customer breaks the request
  kBadRequest,  // 400 or 413 for the whole batch: split to isolate the cause
  kFatal,       // any other status (404: wrong base_url), a URL curl cannot use or a host that
                // does not resolve: stop the run
  kTlsFailed,   // the certificate failed verification or TLS cannot be set up: stop the run
};

struct ItemAnswer {
  bool accepted = false;
  std::string error_code;
  std::string error_description;
  bool operator==(const ItemAnswer& o) const {
    return accepted == o.accepted && error_code == o.error_code &&
           error_description == o.error_description;
  }
};

struct BatchReply {
  BatchStatus status = BatchStatus::kRetryable;
  std::optional<long> http_status;
  std::string error;  // one line for the ledger and the log; no secrets (bodies are AMLYZE's)
  std::unordered_map<std::string, ItemAnswer> items;  // by communicationNumber
  std::optional<long> retry_after_seconds;
};

BatchReply interpret(const HttpResponse& response);

}  // namespace etl::amlyze
