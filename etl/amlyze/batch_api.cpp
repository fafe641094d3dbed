#include "amlyze/batch_api.hpp"

#include "util/json_text.hpp"

namespace etl::amlyze {
namespace {

using nlohmann::json;

std::string string_field(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::string excerpt(const std::string& body) {
  std::string out = body.substr(0, 200);
  for (auto& ch : out) {
    if (ch == '\n' || ch == '\r') ch = ' ';
  }
  return out;
}

void read_results(const json& results, BatchReply& reply) {
  for (const json& r : results) {
    if (!r.is_object()) continue;
    ItemAnswer a;
    a.accepted = string_field(r, "resultType") == "REQUEST_ACCEPTED";
    a.error_code = string_field(r, "errorCode");
    a.error_description = string_field(r, "errorDescription");
    if (!a.accepted && a.error_code.empty()) a.error_code = string_field(r, "resultType");
    reply.items[string_field(r, "communicationNumber")] = std::move(a);
  }
}

}  // namespace

std::string build_batch_body(const std::vector<OutgoingItem>& items) {
  std::size_t size = 16;
  for (const auto& item : items) size += item.canonical->size() + 96;
  std::string body;
  body.reserve(size);
  body += "{\"customers\":[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string& canonical = *items[i].canonical;
    if (i > 0) body += ',';
    body += "{\"action\":\"";
    body += model::action_name(items[i].action);  // plain ASCII: no escaping
    body += '"';
    body += ",\"communicationNumber\":";
    body += json(items[i].communication_number).dump();
    // canonical is a non-empty object ("{...}": requester is always there): splice after '{'.
    body += ',';
    body.append(canonical, 1, std::string::npos);
  }
  body += "]}";
  return body;
}

BatchReply interpret(const HttpResponse& response) {
  BatchReply reply;
  reply.retry_after_seconds = response.retry_after_seconds;
  switch (response.failure) {
    case TransportFailure::kNone:
      break;
    case TransportFailure::kTls:
      reply.status = BatchStatus::kTlsFailed;
      reply.error = "TLS failed: " + response.transport_error;
      return reply;
    case TransportFailure::kAddress:
      reply.status = BatchStatus::kFatal;
      reply.error = "address error: " + response.transport_error;
      return reply;
    case TransportFailure::kTimeout:
    case TransportFailure::kTransient:
      reply.status = BatchStatus::kRetryable;
      reply.error =
          (response.failure == TransportFailure::kTimeout ? "timeout: " : "connection error: ") +
          response.transport_error;
      return reply;
  }
  const long status = response.status;
  reply.http_status = status;
  if (status == 401 || status == 403) {
    reply.status = BatchStatus::kAuthFailed;
    reply.error = "HTTP " + std::to_string(status) + ": " + excerpt(response.body);
    return reply;
  }
  if (status == 500) {
    reply.status = BatchStatus::kBatchError;
    reply.error = "HTTP 500: " + excerpt(response.body);
    return reply;
  }
  if (status == 429 || status >= 500) {
    reply.status = BatchStatus::kRetryable;
    reply.error = "HTTP " + std::to_string(status) + ": " + excerpt(response.body);
    return reply;
  }
  if (status == 400 || status == 413) {
    reply.status = BatchStatus::kBadRequest;
    reply.error = "HTTP " + std::to_string(status) + ": " + excerpt(response.body);
    return reply;
  }
  if (status != 200) {
    reply.status = BatchStatus::kFatal;
    reply.error = "HTTP " + std::to_string(status) + ": " + excerpt(response.body);
    return reply;
  }
  const std::optional<json> parsed = parse_json(response.body);
  if (!parsed || !parsed->is_object()) {
    reply.status = BatchStatus::kRetryable;
    // A proxy's, login portal's or maintenance page's answer: AMLYZE did not see the batch.
    reply.error = "HTTP 200 with a body that is not AMLYZE's JSON: " + excerpt(response.body);
    return reply;
  }
  const json& body = *parsed;
  const auto results = body.find("results");
  if (results == body.end() || !results->is_array() || results->empty()) {
    // A whole-request failure comes back as {"errorCode":"500","errorDescription":...}.
    reply.status = BatchStatus::kBatchError;
    reply.error = "whole batch failed: errorCode " + string_field(body, "errorCode") + " " +
                  string_field(body, "errorDescription");
    return reply;
  }
  reply.status = BatchStatus::kAnswered;
  read_results(*results, reply);
  return reply;
}

}  // namespace etl::amlyze
