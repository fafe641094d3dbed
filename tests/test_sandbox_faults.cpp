// Tests of amlyze-sandbox's fault answers: scripted statuses (429 with Retry-After, 5xx), whole-
// batch 400 and 500 answers, poison customers, scripted rejections and a seeded failure rate. Each
// checks what the client gets and that nothing was processed when the answer says so.
#include <doctest/doctest.h>
#include <httplib.h>

#include <algorithm>
#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "sandbox/fault_plan.hpp"
#include "support/sandbox_client.hpp"

using namespace etl::test::sandbox_client;

TEST_SUITE("sandbox") {
  TEST_CASE("status step answers without processing") {
    Sandbox sandbox;
    int status = 0;
    int retry_after = -1;
    std::string error;
    SUBCASE("429 with Retry-After") {
      status = 429;
      retry_after = 7;
      error = "Too Many Requests";
    }
    SUBCASE("503 without Retry-After") {
      status = 503;
      error = "Service Unavailable";
    }
    SUBCASE("502") {
      status = 502;
      retry_after = 0;
      error = "Bad Gateway";
    }
    sandbox.server.set_faults(plan_of({FaultStep{FaultKind::kStatus, status, retry_after, 0}}));
    const json person = individual("C1");
    const httplib::Result res = sandbox.post(kBatchPath, batch_of({person}).dump());
    REQUIRE(res);
    CHECK(res->status == status);
    CHECK(json::parse(res->body) == json{{"error", error}});
    CHECK(res->has_header("Retry-After") == (retry_after >= 0));
    if (retry_after >= 0)
      CHECK(res->get_header_value("Retry-After") == std::to_string(retry_after));
    CHECK(res->get_header_value("X-Sandbox-Fault") == "status");
    CHECK(sandbox.server.customer_count() == 0);
    const etl::sandbox::SandboxStats stats = sandbox.server.stats();
    CHECK(stats.faults_injected == 1);
    CHECK(stats.http_requests == 1);
    CHECK(stats.batches == 0);
    // Nothing was processed, so the communicationNumber is still unused.
    CHECK(sandbox.code_for(person) == "");
  }

  TEST_CASE("whole-batch answers process nothing") {
    Sandbox sandbox;
    const json person = individual("C1");
    SUBCASE("500 with the errorCode body") {
      sandbox.server.set_faults(plan_of({FaultStep{FaultKind::kWholeBatch500}}));
      const httplib::Result res = sandbox.post(kBatchPath, batch_of({person}).dump());
      REQUIRE(res);
      CHECK(res->status == 500);
      const json body = json::parse(res->body);
      CHECK(body.at("errorCode") == "500");
      CHECK(body.at("errorDescription") == "Processing failed");
      CHECK(body.at("timeElapsedMs").is_number_integer());
      CHECK(body.size() == 3);
    }
    SUBCASE("200 with the errorCode body and no results") {
      sandbox.server.set_faults(plan_of({FaultStep{FaultKind::kErrorCode200}}));
      const httplib::Result res = sandbox.post(kValidatePath, batch_of({person}).dump());
      REQUIRE(res);
      CHECK(res->status == 200);
      const json body = json::parse(res->body);
      CHECK(body.at("errorCode") == "500");
      CHECK(body.at("errorDescription") == "Processing failed");
      CHECK_FALSE(body.contains("results"));
    }
    SUBCASE("Spring-style 400") {
      sandbox.server.set_faults(plan_of({FaultStep{FaultKind::kWholeBatch400}}));
      const httplib::Result res = sandbox.post(kBatchPath, batch_of({person}).dump());
      REQUIRE(res);
      CHECK(res->status == 400);
      const json body = json::parse(res->body);
      CHECK(body.at("error") == "Bad Request");
      CHECK(body.at("path") == kBatchPath);
      CHECK(body.at("status") == 400);
      CHECK(sandbox.server.stats().bad_requests == 0);
    }
    CHECK(sandbox.server.stats().batches == 0);
    CHECK(sandbox.server.stats().faults_injected == 1);
    CHECK(sandbox.code_for(person) == "");
  }

  TEST_CASE("poison customers break the whole batch") {
    Sandbox sandbox;
    FaultPlan plan;
    plan.poison_ext_ids = {"POISON"};
    const json good = individual("C1");
    const json poison = individual("POISON");
    SUBCASE("400") {
      sandbox.server.set_faults(plan);
      const httplib::Result res = sandbox.post(kBatchPath, batch_of({good, poison}).dump());
      REQUIRE(res);
      CHECK(res->status == 400);
      CHECK(json::parse(res->body).at("error") == "Bad Request");
    }
    SUBCASE("500") {
      plan.poison_status = 500;
      sandbox.server.set_faults(plan);
      const httplib::Result res = sandbox.post(kBatchPath, batch_of({good, poison}).dump());
      REQUIRE(res);
      CHECK(res->status == 500);
      CHECK(json::parse(res->body).at("errorDescription") == "Processing failed");
      CHECK(res->get_header_value("X-Sandbox-Fault") == "poison");
    }
    CHECK(sandbox.server.customer_count() == 0);
    CHECK(sandbox.server.stats().batches == 0);
    CHECK(sandbox.server.stats().faults_injected == 1);
    // Split off, the good customer goes through with the same number; the poison one keeps failing.
    CHECK(sandbox.code_for(good) == "");
    CHECK(sandbox.post(kValidatePath, batch_of({poison}).dump())->status == plan.poison_status);
    CHECK(sandbox.server.stats().faults_injected == 2);
  }

  TEST_CASE("scripted rejections come back with the chosen code") {
    Sandbox sandbox;
    FaultPlan plan;
    plan.reject_ext_ids = {{"C2", "C999"}};
    sandbox.server.set_faults(plan);
    const json first = individual("C1");
    json second = individual("C2");
    second.erase("lastName");  // the scripted code wins over the real one
    const json response = sandbox.send(batch_of({first, second}));
    CHECK(result_for(response, first).at("resultType") == "REQUEST_ACCEPTED");
    const json& rejected = result_for(response, second);
    CHECK(rejected.at("resultType") == "REQUEST_REJECTED");
    CHECK(rejected.at("errorCode") == "C999");
    CHECK(rejected.at("errorDescription") == "Rejected by the sandbox fault plan");
    CHECK(sandbox.server.customer("C2") == std::nullopt);
    CHECK(sandbox.server.stats().by_error_code == std::map<std::string, std::size_t>{{"C999", 1}});
    CHECK(sandbox.server.stats().faults_injected == 0);
    // O005 is checked first, and the validate endpoint rejects the same way.
    CHECK(sandbox.code_for(second) == "O005");
    CHECK(sandbox.submit(individual("C2"), kValidatePath).at("errorCode") == "C999");
  }

  TEST_CASE("failure rate is deterministic for a seed") {
    Sandbox sandbox;
    auto pattern = [&](double rate, unsigned seed) {
      FaultPlan plan;
      plan.failure_rate = rate;
      plan.seed = seed;
      sandbox.server.set_faults(plan);
      std::string failed;
      for (int i = 0; i < 24; ++i) {
        const httplib::Result res =
            sandbox.post(kValidatePath, batch_of({individual("C1")}).dump());
        REQUIRE(res);
        REQUIRE((res->status == 200 || res->status == 503));
        if (res->status == 503) {
          CHECK(res->get_header_value("X-Sandbox-Fault") == "failure_rate");
          CHECK_FALSE(res->has_header("Retry-After"));
        }
        failed += res->status == 503 ? 'x' : '.';
      }
      return failed;
    };
    const std::string first = pattern(0.5, 42);
    CHECK(pattern(0.5, 42) == first);
    CHECK(pattern(0.5, 43) != first);
    const auto failures = std::count(first.begin(), first.end(), 'x');
    CHECK(failures > 0);
    CHECK(failures < 24);
    const std::size_t before = sandbox.server.stats().faults_injected;
    CHECK(pattern(1, 42) == std::string(24, 'x'));
    CHECK(sandbox.server.stats().faults_injected == before + 24);
    CHECK(pattern(0, 42) == std::string(24, '.'));
    CHECK(sandbox.server.stats().faults_injected == before + 24);
  }
}
