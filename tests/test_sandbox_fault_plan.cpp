// Tests of amlyze-sandbox's fault plan as a value and as a control: its JSON form and the errors
// that name the bad key, replacing, showing and clearing it in process and over HTTP, and the
// order in which its steps are used up.
#include <doctest/doctest.h>
#include <httplib.h>

#include <cstddef>
#include <deque>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sandbox/fault_plan.hpp"
#include "support/sandbox_client.hpp"

using namespace etl::test::sandbox_client;

namespace {

// The message of the std::invalid_argument that parsing `text` as a plan throws, or "".
std::string plan_error(const std::string& text) {
  try {
    etl::sandbox::parse_fault_plan(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_SUITE("sandbox") {
  TEST_CASE("fault plan JSON round trip") {
    FaultPlan plan;
    plan.latency_ms = 25;
    plan.next = {FaultStep{FaultKind::kStatus, 429, 7, 0},
                 FaultStep{FaultKind::kWholeBatch500},
                 FaultStep{FaultKind::kErrorCode200},
                 FaultStep{FaultKind::kWholeBatch400},
                 FaultStep{FaultKind::kApplyThenDrop},
                 FaultStep{FaultKind::kApplyThenStall, 503, -1, 900},
                 FaultStep{FaultKind::kStall, 503, -1, 50},
                 FaultStep{}};
    plan.poison_ext_ids = {"P1", "P2"};
    plan.poison_status = 500;
    plan.reject_ext_ids = {{"R1", "C016.I06"}};
    plan.failure_rate = 0.25;
    plan.seed = 4294967295u;
    const json encoded = plan;
    CHECK(encoded.at("next")[0] ==
          json{{"kind", "status"}, {"status", 429}, {"retry_after_seconds", 7}, {"stall_ms", 0}});
    CHECK(encoded.at("next")[5].at("kind") == "apply_then_stall");
    CHECK(encoded.at("reject_ext_ids") == json{{"R1", "C016.I06"}});
    CHECK(encoded.get<FaultPlan>() == plan);
    CHECK(etl::sandbox::parse_fault_plan(encoded.dump()) == plan);
    CHECK(etl::sandbox::parse_fault_plan("// nothing scripted\n{}") == FaultPlan{});
    const FaultPlan sparse = etl::sandbox::parse_fault_plan(
        R"({"next": [{"kind": "apply_then_drop"}, {"kind": "status", "status": 502}]})");
    CHECK(sparse.next == std::deque<FaultStep>{FaultStep{FaultKind::kApplyThenDrop},
                                               FaultStep{FaultKind::kStatus, 502, -1, 0}});
  }

  TEST_CASE("fault plan JSON errors name the key") {
    CHECK(plan_error(R"({"latency": 5})") == "fault plan: latency: unknown key");
    CHECK(plan_error(R"({"next": [{"kind": "stal"}]})")
              .find("next[0].kind: unknown kind \"stal\"; expected one of none, status") !=
          std::string::npos);
    CHECK(plan_error(R"({"next": [{"status": 429}]})") == "fault plan: next[0].kind: missing");
    CHECK(plan_error(R"({"next": [{"kind": "status", "retry_after": 1}]})") ==
          "fault plan: next[0].retry_after: unknown key");
    CHECK(plan_error(R"({"next": [{"kind": "status", "status": "429"}]})") ==
          "fault plan: next[0].status: must be an integer, got \"429\"");
    CHECK(plan_error(R"({"next": [{"kind": "status", "status": 99}]})") ==
          "fault plan: next[0].status: must be 200-599");
    CHECK(plan_error(R"({"next": [{"kind": "stall", "stall_ms": 1.5}]})") ==
          "fault plan: next[0].stall_ms: must be an integer, got 1.5");
    CHECK(plan_error(R"({"next": {"kind": "stall"}})") ==
          "fault plan: next: must be an array of steps");
    CHECK(plan_error(R"({"latency_ms": -1})") == "fault plan: latency_ms: must be >= 0");
    CHECK(plan_error(R"({"latency_ms": 3000000000})") ==
          "fault plan: latency_ms: must be an integer, got 3000000000");
    CHECK(plan_error(R"({"seed": -1})") ==
          "fault plan: seed: must be an unsigned 32-bit integer, got -1");
    CHECK(plan_error(R"({"failure_rate": 1.5})") == "fault plan: failure_rate: must be in [0, 1]");
    CHECK(plan_error(R"({"poison_status": 503})") ==
          "fault plan: poison_status: must be 400 or 500");
    CHECK(plan_error(R"({"poison_ext_ids": ["P1", 2]})") ==
          "fault plan: poison_ext_ids: must be an array of strings");
    CHECK(plan_error(R"({"reject_ext_ids": {"R1": 5}})") ==
          "fault plan: reject_ext_ids.R1: must be an errorCode string");
    CHECK(plan_error("[]") == "fault plan: must be a JSON object");
    CHECK(plan_error("{") == "fault plan: not valid JSON");
    CHECK_THROWS_AS(json("stal").get<FaultKind>(), std::invalid_argument);
    CHECK_THROWS_WITH_AS(etl::sandbox::load_fault_plan("/nonexistent/faults.json"),
                         doctest::Contains("/nonexistent/faults.json"), std::invalid_argument);
  }

  TEST_CASE("set_faults refuses an invalid plan and keeps the old one") {
    Sandbox sandbox;
    const FaultPlan plan = plan_of({FaultStep{FaultKind::kStatus, 429, 1, 0}});
    sandbox.server.set_faults(plan);
    FaultPlan bad;
    bad.next = {FaultStep{FaultKind::kStall, 503, -1, -5}};
    CHECK_THROWS_WITH_AS(sandbox.server.set_faults(bad),
                         "fault plan: next[0].stall_ms: must be >= 0", std::invalid_argument);
    CHECK(sandbox.server.faults() == plan);
    SUBCASE("clear_faults") { sandbox.server.clear_faults(); }
    SUBCASE("reset") { sandbox.server.reset(); }
    CHECK(sandbox.server.faults() == FaultPlan{});
    CHECK(sandbox.code_for(individual("C1")) == "");
  }

  TEST_CASE("fault endpoints replace and show and clear the plan") {
    Sandbox sandbox;
    const json plan = {{"next", {{{"kind", "status"}, {"status", 429}}}}, {"latency_ms", 1}};
    httplib::Result res = sandbox.client.Post("/sandbox/faults", plan.dump(), "application/json");
    REQUIRE(res);
    CHECK(res->status == 200);
    const json stored = json::parse(res->body);
    CHECK(stored.at("next")[0].at("status") == 429);
    CHECK(stored.at("next")[0].at("retry_after_seconds") == -1);
    CHECK(stored.at("seed") == 1);
    CHECK(sandbox.server.faults().latency_ms == 1);

    res = sandbox.client.Post("/sandbox/faults", R"({"next": [{"kind": "bogus"}]})",
                              "application/json");
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(json::parse(res->body).at("error").get<std::string>().find("unknown kind \"bogus\"") !=
          std::string::npos);
    res = sandbox.client.Get("/sandbox/faults");
    REQUIRE(res);
    CHECK(json::parse(res->body) == stored);

    CHECK(sandbox.post(kBatchPath, batch_of({individual("C1")}).dump())->status == 429);
    res = sandbox.client.Get("/sandbox/faults");
    REQUIRE(res);
    CHECK(json::parse(res->body).at("next") == json::array());

    sandbox.server.set_faults(plan_of({FaultStep{FaultKind::kWholeBatch400}}));
    SUBCASE("DELETE") {
      res = sandbox.client.Delete("/sandbox/faults");
      REQUIRE(res);
      CHECK(res->status == 200);
      CHECK(json::parse(res->body) == json(FaultPlan{}));
    }
    SUBCASE("POST /sandbox/reset") { REQUIRE(sandbox.client.Post("/sandbox/reset")); }
    CHECK(sandbox.server.faults() == FaultPlan{});
    CHECK(sandbox.code_for(individual("C2")) == "");
  }

  TEST_CASE("steps are consumed in order across both endpoints") {
    Sandbox sandbox;
    sandbox.server.set_faults(
        plan_of({FaultStep{FaultKind::kStatus, 429, 2, 0}, FaultStep{},
                 FaultStep{FaultKind::kWholeBatch500}, FaultStep{FaultKind::kStatus, 503, -1, 0}}));
    const std::vector<std::pair<const char*, int>> expected = {
        {kBatchPath, 429}, {kValidatePath, 200}, {kValidatePath, 500},
        {kBatchPath, 503}, {kBatchPath, 200},    {kValidatePath, 200}};
    for (std::size_t i = 0; i < expected.size(); ++i) {
      CAPTURE(i);
      const httplib::Result res =
          sandbox.post(expected[i].first, batch_of({individual("C" + std::to_string(i))}).dump());
      REQUIRE(res);
      CHECK(res->status == expected[i].second);
      CHECK(sandbox.server.faults().next.size() == (i < 4 ? 3 - i : 0));
    }
    const etl::sandbox::SandboxStats stats = sandbox.server.stats();
    CHECK(stats.faults_injected == 3);
    CHECK(stats.batches == 3);
    CHECK(stats.http_requests == 6);
  }

  TEST_CASE("steps go before failure rate") {
    Sandbox sandbox;
    FaultPlan plan = plan_of({FaultStep{}, FaultStep{FaultKind::kStatus, 429, 3, 0}});
    plan.failure_rate = 1;
    sandbox.server.set_faults(plan);
    CHECK(sandbox.post(kValidatePath, batch_of({individual("C1")}).dump())->status == 200);
    const httplib::Result res = sandbox.post(kValidatePath, batch_of({individual("C1")}).dump());
    REQUIRE(res);
    CHECK(res->status == 429);
    CHECK(res->get_header_value("Retry-After") == "3");
    CHECK(sandbox.post(kValidatePath, batch_of({individual("C1")}).dump())->status == 503);
  }
}
