// Tests of amlyze-sandbox's faults on the connection itself: a batch applied and then no answer
// (a dropped connection, a stall longer than the client waits), and added latency. They use real
// clients (httplib, and libcurl over a reused connection) because what matters is what a client
// sees.
#include <curl/curl.h>
#include <doctest/doctest.h>
#include <httplib.h>

#include <chrono>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

#include "sandbox/fault_plan.hpp"
#include "support/sandbox_client.hpp"

using namespace etl::test::sandbox_client;

namespace {

// libcurl with one handle for several requests, the way the ETL's client uses it, so that the
// second request goes over the first one's keep-alive connection.
class CurlSession {
 public:
  explicit CurlSession(int port)
      : url_("http://127.0.0.1:" + std::to_string(port) + kBatchPath), curl_(curl_easy_init()) {
    headers_ =
        curl_slist_append(headers_, (std::string("Authorization: Bearer ") + kToken).c_str());
    headers_ = curl_slist_append(headers_, "Content-Type: application/json");
  }
  ~CurlSession() {
    curl_slist_free_all(headers_);
    curl_easy_cleanup(curl_);
  }
  CurlSession(const CurlSession&) = delete;
  CurlSession& operator=(const CurlSession&) = delete;

  CURLcode post(const std::string& body) {
    body_.clear();
    curl_easy_setopt(curl_, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers_);
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &body_);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &CurlSession::on_body);
    return curl_easy_perform(curl_);
  }
  const std::string& body() const { return body_; }

 private:
  static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* out) {
    static_cast<std::string*>(out)->append(data, size * count);
    return size * count;
  }

  std::string url_;
  CURL* curl_;
  curl_slist* headers_ = nullptr;
  std::string body_;
};

}  // namespace

TEST_SUITE("sandbox") {
  TEST_CASE("apply then drop saves the batch but the client gets no answer") {
    Sandbox sandbox;
    sandbox.server.set_faults(plan_of({FaultStep{FaultKind::kApplyThenDrop}}));
    const json person = individual("C1");
    const httplib::Result res = sandbox.post(kBatchPath, batch_of({person}).dump());
    CHECK_FALSE(res);
    CHECK(res.error() == httplib::Error::Read);
    CHECK(sandbox.server.customer("C1") == person);
    const etl::sandbox::SandboxStats stats = sandbox.server.stats();
    CHECK(stats.batches == 1);
    CHECK(stats.creates == 1);
    CHECK(stats.faults_injected == 1);
    // The number was burnt: resending the same item is O005, a fresh number is C004.
    CHECK(sandbox.code_for(person) == "O005");
    json again = person;
    again["communicationNumber"] = next_number();
    CHECK(sandbox.code_for(again) == "C004");
  }

  TEST_CASE("apply then drop also cuts off an answer that is not results") {
    Sandbox sandbox;
    sandbox.server.set_faults(plan_of({FaultStep{FaultKind::kApplyThenDrop}}));
    const httplib::Result res = sandbox.post(kBatchPath, "not json");
    CHECK_FALSE(res);
    CHECK(sandbox.server.stats().bad_requests == 1);
    CHECK(sandbox.server.stats().faults_injected == 1);
  }

  TEST_CASE("apply then drop is an error for libcurl on a reused connection") {
    // libcurl silently re-sends a POST whose reused connection closed without a byte; the drop
    // must not be hidden that way, so the ETL sees an error and exactly one batch is processed.
    Sandbox sandbox;
    sandbox.server.set_faults(plan_of({FaultStep{}, FaultStep{FaultKind::kApplyThenDrop}}));
    CurlSession session(sandbox.server.port());
    REQUIRE(session.post(batch_of({individual("C1")}).dump()) == CURLE_OK);
    CHECK(json::parse(session.body()).at("results").size() == 1);
    CHECK(session.post(batch_of({individual("C2")}).dump()) == CURLE_PARTIAL_FILE);
    CHECK(session.body().empty());
    CHECK(sandbox.server.stats().batches == 2);
    CHECK(sandbox.server.stats().http_requests == 2);
    CHECK(sandbox.server.customer("C2").has_value());
  }

  TEST_CASE("apply then stall outlasts a short client timeout") {
    Sandbox sandbox;
    sandbox.server.set_faults(plan_of({FaultStep{FaultKind::kApplyThenStall, 503, -1, 5000}}));
    httplib::Client client("127.0.0.1", sandbox.server.port());
    client.set_read_timeout(std::chrono::milliseconds(300));
    const json person = individual("C1");
    const auto sent = Clock::now();
    const httplib::Result res =
        client.Post(kBatchPath, {{"Authorization", std::string("Bearer ") + kToken}},
                    batch_of({person}).dump(), "application/json");
    CHECK_FALSE(res);
    CHECK(elapsed_ms(sent) < 4000);
    CHECK(eventually([&] { return sandbox.server.customer("C1") == person; }));
    CHECK(sandbox.server.stats().batches == 1);
    // stop() cuts the stall short instead of waiting out its 5 s.
    const auto stopping = Clock::now();
    sandbox.server.stop();
    CHECK(elapsed_ms(stopping) < 3000);
  }

  TEST_CASE("stall and latency delay a normal answer") {
    Sandbox sandbox;
    SUBCASE("stall") {
      sandbox.server.set_faults(plan_of({FaultStep{FaultKind::kStall, 503, -1, 300}}));
      const auto sent = Clock::now();
      CHECK(sandbox.code_for(individual("C1")) == "");
      CHECK(elapsed_ms(sent) >= 300);
      CHECK(sandbox.server.stats().faults_injected == 1);
    }
    SUBCASE("latency on every batch request, faulted or not") {
      FaultPlan plan = plan_of({FaultStep{FaultKind::kStatus, 429, 1, 0}});
      plan.latency_ms = 200;
      sandbox.server.set_faults(plan);
      auto sent = Clock::now();
      CHECK(sandbox.post(kBatchPath, batch_of({individual("C1")}).dump())->status == 429);
      CHECK(elapsed_ms(sent) >= 200);
      sent = Clock::now();
      CHECK(sandbox.code_for(individual("C1")) == "");
      CHECK(elapsed_ms(sent) >= 200);
      sent = Clock::now();
      REQUIRE(sandbox.client.Get("/sandbox/stats"));
      CHECK(elapsed_ms(sent) < 200);
      CHECK(sandbox.server.stats().faults_injected == 1);
    }
  }
}
