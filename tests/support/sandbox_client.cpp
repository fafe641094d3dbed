#include "support/sandbox_client.hpp"

#include <doctest/doctest.h>

#include <stdexcept>
#include <utility>

namespace etl::test::sandbox_client {

using nlohmann::json;

std::string next_number() {
  static int counter = 0;
  return "cn-" + std::to_string(++counter);
}

json individual(const std::string& ext_id) {
  return {{"communicationNumber", next_number()},
          {"requester", "BANK_ETL"},
          {"action", "CREATE"},
          {"riskLevel", "LOW"},
          {"customerStatus", "ACTIVE"},
          {"riskManagementCategory", "IND"},
          {"entityType", "INDIVIDUAL"},
          {"customerExtId", ext_id},
          {"applicationDate", "2016-01-01"},
          {"firstName", "Tomas"},
          {"lastName", "Garcia"},
          {"citizenshipCountry", "LT"}};
}

json organization(const std::string& ext_id) {
  return {{"communicationNumber", next_number()},
          {"requester", "BANK_ETL"},
          {"action", "CREATE"},
          {"riskLevel", "LOW"},
          {"customerStatus", "ACTIVE"},
          {"riskManagementCategory", "ORG"},
          {"entityType", "ORGANIZATION"},
          {"customerExtId", ext_id},
          {"applicationDate", "2016-01-01"},
          {"title", "LTD Bull"},
          {"registrationCountry", "LV"},
          {"legalForm", "CORPORATION"}};
}

json batch_of(std::vector<json> items) { return {{"customers", std::move(items)}}; }

httplib::Result Sandbox::post(const std::string& path, const std::string& body,
                              const std::string& authorization, const char* content_type) {
  httplib::Headers headers;
  if (!authorization.empty()) headers.emplace("Authorization", authorization);
  return client.Post(path.c_str(), headers, body, content_type);
}

json Sandbox::send(const json& batch, const std::string& path) {
  const httplib::Result res = post(path, batch.dump());
  REQUIRE(res);
  REQUIRE(res->status == 200);
  return json::parse(res->body);
}

json Sandbox::submit(const json& item, const std::string& path) {
  const json response = send(batch_of({item}), path);
  REQUIRE(response.at("results").size() == 1);
  return response["results"][0];
}

std::string Sandbox::code_for(const json& item) {
  const json result = submit(item);
  return result.contains("errorCode") ? result["errorCode"].get<std::string>() : "";
}

const json& result_for(const json& response, const json& item) {
  for (const json& result : response.at("results")) {
    if (result.at("communicationNumber") == item.at("communicationNumber")) return result;
  }
  throw std::runtime_error("no result for " + item.at("communicationNumber").dump());
}

sandbox::FaultPlan plan_of(std::deque<sandbox::FaultStep> steps) {
  sandbox::FaultPlan plan;
  plan.next = std::move(steps);
  return plan;
}

long long elapsed_ms(Clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
}

}  // namespace etl::test::sandbox_client
