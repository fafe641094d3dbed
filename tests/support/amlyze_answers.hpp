// AMLYZE's answers, made up for unit tests that talk to a fake HttpPoster instead of the sandbox.
#pragma once

#include <nlohmann/json.hpp>

#include "amlyze/http_client.hpp"

namespace etl::test {

// 200 with REQUEST_ACCEPTED for every customer of `request` (a batch-customers body).
inline amlyze::HttpResponse accept_all(const nlohmann::json& request) {
  nlohmann::json results = nlohmann::json::array();
  for (const auto& item : request.at("customers")) {
    results.push_back({{"resultType", "REQUEST_ACCEPTED"},
                       {"communicationNumber", item.at("communicationNumber")},
                       {"customerExtId", item.at("customerExtId")}});
  }
  return {200, nlohmann::json{{"results", results}, {"timeElapsedMs", 1}}.dump(), "", {}, {}, 1};
}

}  // namespace etl::test
