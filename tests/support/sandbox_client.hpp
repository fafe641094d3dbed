// What the tests/test_sandbox_*.cpp files share: a SandboxServer on a free loopback port with an
// HTTP client that talks to it the way the ETL talks to AMLYZE, the minimal customers of
// amlyze-api.md §2.5, and the helpers of the fault-plan cases. It is those files' vocabulary, the
// server's types and json included: each imports the namespace whole instead of repeating a list
// of using-declarations.
#pragma once

#include <httplib.h>

#include <chrono>
#include <deque>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "sandbox/fault_plan.hpp"
#include "sandbox/sandbox_server.hpp"

namespace etl::test::sandbox_client {

using nlohmann::json;
using sandbox::FaultKind;
using sandbox::FaultPlan;
using sandbox::FaultStep;
using sandbox::SandboxOptions;
using sandbox::SandboxServer;

constexpr const char* kToken = "sandbox-test-token";
constexpr const char* kBatchPath = "/amlyze-ws-rest/batch-customers";
constexpr const char* kValidatePath = "/amlyze-ws-rest/validate-batch-customers";

// A fresh communicationNumber per call: the sandbox, like AMLYZE, burns every one it sees.
std::string next_number();

// The minimal INDIVIDUAL and ORGANIZATION of amlyze-api.md §2.5, each with a fresh number.
nlohmann::json individual(const std::string& ext_id);
nlohmann::json organization(const std::string& ext_id);

nlohmann::json batch_of(std::vector<nlohmann::json> items);

// One sandbox per test case, so cases never see each other's customers or numbers.
struct Sandbox {
  sandbox::SandboxServer server{sandbox::SandboxOptions{"127.0.0.1", 0, kToken}};
  httplib::Client client{"127.0.0.1", server.start()};

  httplib::Result post(const std::string& path, const std::string& body,
                       const std::string& authorization = std::string("Bearer ") + kToken,
                       const char* content_type = "application/json");

  // Posts a batch that must come back 200 and returns the parsed body.
  nlohmann::json send(const nlohmann::json& batch, const std::string& path = kBatchPath);

  // Sends one item and returns its result.
  nlohmann::json submit(const nlohmann::json& item, const std::string& path = kBatchPath);

  // The errorCode one item gets, or "" if it is accepted.
  std::string code_for(const nlohmann::json& item);
};

// The result in `response` for `item`, matched by communicationNumber; throws std::runtime_error
// when there is none.
const nlohmann::json& result_for(const nlohmann::json& response, const nlohmann::json& item);

using Clock = std::chrono::steady_clock;

sandbox::FaultPlan plan_of(std::deque<sandbox::FaultStep> steps);

long long elapsed_ms(Clock::time_point since);

// Polls for up to 5 s: the server may still be finishing a request its client gave up on.
template <typename Condition>
bool eventually(Condition condition) {
  for (int attempt = 0; attempt < 500; ++attempt) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

}  // namespace etl::test::sandbox_client
