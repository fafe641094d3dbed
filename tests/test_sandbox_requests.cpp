// Tests of amlyze-sandbox: the requests it answers before looking at a single customer (the
// bearer token, the content type, a body that is not a batch, an unknown path), driven over HTTP
// on a loopback port the way the ETL drives AMLYZE.
#include <doctest/doctest.h>
#include <httplib.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "sandbox/fault_plan.hpp"
#include "support/sandbox_client.hpp"

using namespace etl::test::sandbox_client;

TEST_SUITE("sandbox") {
  TEST_CASE("401 without a valid bearer token") {
    Sandbox sandbox;
    const std::string body = batch_of({individual("C123")}).dump();
    std::string authorization;
    SUBCASE("no header") { authorization = ""; }
    SUBCASE("wrong token") { authorization = "Bearer wrong-token"; }
    SUBCASE("token prefix") { authorization = "Bearer sandbox-test"; }
    SUBCASE("basic scheme") { authorization = std::string("Basic ") + kToken; }
    const httplib::Result res = sandbox.post(kBatchPath, body, authorization);
    REQUIRE(res);
    CHECK(res->status == 401);
    CHECK(json::parse(res->body) == json{{"error", {{"code", "unauthorized"}}}});
    CHECK(sandbox.server.customer_count() == 0);
    CHECK(sandbox.server.stats().unauthorized == 1);
  }

  TEST_CASE("bearer scheme is case-insensitive") {
    Sandbox sandbox;
    const httplib::Result res = sandbox.post(kValidatePath, batch_of({individual("C1")}).dump(),
                                             std::string("bearer ") + kToken);
    REQUIRE(res);
    CHECK(res->status == 200);
  }

  TEST_CASE("auth is checked before any fault") {
    Sandbox sandbox;
    FaultPlan plan = plan_of({FaultStep{FaultKind::kStatus, 503, -1, 0}});
    plan.latency_ms = 2000;
    plan.failure_rate = 1;
    sandbox.server.set_faults(plan);
    const auto sent = Clock::now();
    const httplib::Result res =
        sandbox.post(kBatchPath, batch_of({individual("C1")}).dump(), "Bearer wrong-token");
    REQUIRE(res);
    CHECK(res->status == 401);
    CHECK(elapsed_ms(sent) < 1500);
    CHECK(sandbox.server.faults().next.size() == 1);
    CHECK(sandbox.server.stats().faults_injected == 0);
  }

  TEST_CASE("400 Spring error for a body that is not a batch") {
    Sandbox sandbox;
    std::string body;
    SUBCASE("not JSON") { body = "{\"customers\": ["; }
    SUBCASE("no customers") { body = R"({"items": []})"; }
    SUBCASE("customers not an array") { body = R"({"customers": {}})"; }
    SUBCASE("item not an object") { body = R"({"customers": [1]})"; }
    const httplib::Result res = sandbox.post(kBatchPath, body);
    REQUIRE(res);
    CHECK(res->status == 400);
    const json error = json::parse(res->body);
    CHECK(error.at("status") == 400);
    CHECK(error.at("error") == "Bad Request");
    CHECK(error.at("path") == kBatchPath);
    CHECK(error.at("timestamp").get<std::string>().size() == 29);
    CHECK(sandbox.server.stats().batches == 0);
  }

  TEST_CASE("415 without a JSON content type") {
    Sandbox sandbox;
    const httplib::Result res = sandbox.post(kBatchPath, batch_of({individual("C1")}).dump(),
                                             std::string("Bearer ") + kToken, "text/plain");
    REQUIRE(res);
    CHECK(res->status == 415);
    CHECK(json::parse(res->body).at("error") == "Unsupported Media Type");
  }

  TEST_CASE("unknown paths and customers get a Spring 404") {
    Sandbox sandbox;
    for (const char* path : {"/amlyze-ws-rest/customers", "/sandbox/customers/nobody"}) {
      const httplib::Result res = sandbox.client.Get(path);
      REQUIRE(res);
      CHECK(res->status == 404);
      CHECK(json::parse(res->body).at("path") == path);
    }
  }
}
