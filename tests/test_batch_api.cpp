// The AMLYZE batch-customers protocol (amlyze/batch_api.hpp): what each kind of HTTP answer or
// transport failure means for the run, one row each, and the request body's shape.
#include <doctest/doctest.h>

#include <string>
#include <unordered_map>

#include "amlyze/batch_api.hpp"

namespace {

using etl::amlyze::BatchStatus;
using etl::amlyze::HttpResponse;
using etl::amlyze::ItemAnswer;
using etl::amlyze::TransportFailure;

const char* const kBody = R"({"error":"x"})";

HttpResponse http(long status, std::string body = kBody,
                  std::optional<long> retry_after = std::nullopt) {
  return {status, std::move(body), "", TransportFailure::kNone, retry_after, 1};
}

HttpResponse no_answer(TransportFailure failure) {
  return {0, "", "curl says no", failure, std::nullopt, 1};
}

struct Row {
  const char* name;
  HttpResponse response;
  BatchStatus status;
  std::optional<long> http_status;
  std::string error;
  std::optional<long> retry_after;
  std::unordered_map<std::string, ItemAnswer> items;
};

const char* const kResults = R"({"results":[
  {"resultType":"REQUEST_ACCEPTED","communicationNumber":"a","customerExtId":"C1"},
  {"resultType":"REQUEST_REJECTED","communicationNumber":"b","errorCode":"C004",
   "errorDescription":"customer exists"},
  {"resultType":"REQUEST_REJECTED","communicationNumber":"c"},
  {"resultType":"REQUEST_REJECTED","communicationNumber":"d","errorCode":7,"errorDescription":null},
  "not an object"
], "timeElapsedMs": 3})";

std::vector<Row> rows() {
  const std::string excerpt = R"({"error":"x"})";
  const std::string long_body = "line one\r\nline two\n" + std::string(300, 'x');
  // A table: one row per answer kind, kept as written.
  // clang-format off
  return {
      {"200 with AMLYZE's results: one answer per communicationNumber", http(200, kResults),
       BatchStatus::kAnswered, 200, "", std::nullopt,
       {{"a", {true, "", ""}},
        {"b", {false, "C004", "customer exists"}},
        {"c", {false, "REQUEST_REJECTED", ""}},  // no errorCode: the resultType stands in
        {"d", {false, "7", ""}}}},
      {"200 with an HTML page (a proxy's): AMLYZE did not see the batch, retried",
       http(200, "<!DOCTYPE html>\n<html>Maintenance</html>"), BatchStatus::kRetryable, 200,
       "HTTP 200 with a body that is not AMLYZE's JSON: <!DOCTYPE html> <html>Maintenance</html>",
       std::nullopt, {}},
      {"200 with JSON that is not an object: retried", http(200, "[]"), BatchStatus::kRetryable,
       200, "HTTP 200 with a body that is not AMLYZE's JSON: []", std::nullopt, {}},
      {"200 with a whole-batch errorCode: a batch error",
       http(200, R"({"errorCode":"500","errorDescription":"boom"})"), BatchStatus::kBatchError,
       200, "whole batch failed: errorCode 500 boom", std::nullopt, {}},
      {"200 with an empty results list: a batch error", http(200, R"({"results":[]})"),
       BatchStatus::kBatchError, 200, "whole batch failed: errorCode  ", std::nullopt, {}},
      {"400: a bad request, split", http(400), BatchStatus::kBadRequest, 400,
       "HTTP 400: " + excerpt, std::nullopt, {}},
      {"400 with a long body: one line of at most 200 characters", http(400, long_body),
       BatchStatus::kBadRequest, 400, "HTTP 400: line one  line two " + std::string(181, 'x'),
       std::nullopt, {}},
      {"413: too large, split", http(413), BatchStatus::kBadRequest, 413, "HTTP 413: " + excerpt,
       std::nullopt, {}},
      {"401: the token is refused", http(401), BatchStatus::kAuthFailed, 401,
       "HTTP 401: " + excerpt, std::nullopt, {}},
      {"403: not allowed (IP allow-list)", http(403), BatchStatus::kAuthFailed, 403,
       "HTTP 403: " + excerpt, std::nullopt, {}},
      {"404: a wrong base_url, fatal", http(404), BatchStatus::kFatal, 404,
       "HTTP 404: " + excerpt, std::nullopt, {}},
      {"301: any other status is fatal", http(301), BatchStatus::kFatal, 301,
       "HTTP 301: " + excerpt, std::nullopt, {}},
      {"429 with Retry-After: retried, the wait kept", http(429, kBody, 7),
       BatchStatus::kRetryable, 429, "HTTP 429: " + excerpt, 7, {}},
      {"429 without Retry-After: retried", http(429), BatchStatus::kRetryable, 429,
       "HTTP 429: " + excerpt, std::nullopt, {}},
      {"500: a batch error (maybe one customer breaks it)", http(500), BatchStatus::kBatchError,
       500, "HTTP 500: " + excerpt, std::nullopt, {}},
      {"502: retried", http(502), BatchStatus::kRetryable, 502, "HTTP 502: " + excerpt,
       std::nullopt, {}},
      {"503 with Retry-After: retried", http(503, kBody, 3), BatchStatus::kRetryable, 503,
       "HTTP 503: " + excerpt, 3, {}},
      {"504: retried", http(504), BatchStatus::kRetryable, 504, "HTTP 504: " + excerpt,
       std::nullopt, {}},
      {"connection refused or reset: retried", no_answer(TransportFailure::kTransient),
       BatchStatus::kRetryable, std::nullopt, "connection error: curl says no", std::nullopt, {}},
      {"timeout: retried", no_answer(TransportFailure::kTimeout), BatchStatus::kRetryable,
       std::nullopt, "timeout: curl says no", std::nullopt, {}},
      {"TLS verification failed: the run stops", no_answer(TransportFailure::kTls),
       BatchStatus::kTlsFailed, std::nullopt, "TLS failed: curl says no", std::nullopt, {}},
      {"a URL curl cannot use or a host that does not resolve: fatal",
       no_answer(TransportFailure::kAddress), BatchStatus::kFatal, std::nullopt,
       "address error: curl says no", std::nullopt, {}},
  };
  // clang-format on
}

}  // namespace

TEST_SUITE("amlyze protocol") {
  TEST_CASE("what each HTTP answer and transport failure means for the run") {
    for (const Row& row : rows()) {
      INFO(row.name);
      const etl::amlyze::BatchReply reply = etl::amlyze::interpret(row.response);
      CHECK(reply.status == row.status);
      CHECK(reply.http_status == row.http_status);
      CHECK(reply.error == row.error);
      CHECK(reply.retry_after_seconds == row.retry_after);
      CHECK(reply.items == row.items);
    }
  }

  TEST_CASE("the request body: action and communicationNumber spliced before each payload") {
    const std::string first = R"({"customerExtId":"C1","entityType":"INDIVIDUAL"})";
    const std::string second = R"({"customerExtId":"C\"2"})";
    const std::vector<etl::amlyze::OutgoingItem> items = {
        {"C1", "n-1", etl::model::Action::kCreate, "h1", &first},
        {"C\"2", "n\"2", etl::model::Action::kUpdate, "h2", &second}};
    CHECK(etl::amlyze::build_batch_body(items) ==
          R"({"customers":[{"action":"CREATE","communicationNumber":"n-1",)"
          R"("customerExtId":"C1","entityType":"INDIVIDUAL"},)"
          R"({"action":"UPDATE","communicationNumber":"n\"2","customerExtId":"C\"2"}]})");
    CHECK(etl::amlyze::build_batch_body({}) == R"({"customers":[]})");
  }
}
