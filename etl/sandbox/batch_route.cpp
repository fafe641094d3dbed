// The batch endpoints' handler; see batch_route.hpp.
#include "sandbox/batch_route.hpp"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "sandbox/http_answers.hpp"
#include "sandbox/request_auth.hpp"
#include "util/json_text.hpp"

namespace etl::sandbox {
namespace {

using httplib::Request;
using httplib::Response;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr const char* kJsonType = "application/json";

std::int64_t elapsed_ms(Clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
}

bool is_json_content_type(const Request& req) {
  std::string type = req.get_header_value("Content-Type");
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return type.rfind(kJsonType, 0) == 0;
}

// The `customers` array if the body is what Jackson could map to BatchCustomersRequestDataApi.
std::optional<json> parse_customers(const std::string& body) {
  std::optional<json> parsed = parse_json(body);
  if (!parsed || !parsed->is_object()) return std::nullopt;
  const auto it = parsed->find("customers");
  if (it == parsed->end() || !it->is_array()) return std::nullopt;
  const bool all_objects =
      std::all_of(it->begin(), it->end(), [](const json& item) { return item.is_object(); });
  if (!all_objects) return std::nullopt;
  return std::move(*it);
}

// Answers the steps that replace processing; false for the kinds that let the batch through.
bool answer_instead(const Request& req, Response& res, const FaultStep& step,
                    Clock::time_point started) {
  switch (step.kind) {
    case FaultKind::kStatus:
      send_status(res, step.status, step.retry_after_seconds);
      return true;
    case FaultKind::kWholeBatch500:
      send_processing_failed(res, 500, elapsed_ms(started));
      return true;
    case FaultKind::kErrorCode200:
      send_processing_failed(res, 200, elapsed_ms(started));
      return true;
    case FaultKind::kWholeBatch400:
      send_spring_error(res, 400, req.path);
      return true;
    case FaultKind::kHtml200:
      send_html_page(res, 200);
      return true;
    default:
      return false;
  }
}

bool contains_poison(const json& customers, const std::set<std::string>& poison_ext_ids) {
  if (poison_ext_ids.empty()) return false;
  return std::any_of(customers.begin(), customers.end(), [&](const json& item) {
    const auto ext_id = item.find("customerExtId");
    return ext_id != item.end() && ext_id->is_string() &&
           poison_ext_ids.count(ext_id->get<std::string>()) > 0;
  });
}

// The part of a batch request that a fault step lets through: the format checks, the poison
// check, then the per-item processing. Returns true if the batch was poisoned.
bool answer_batch(const Request& req, Response& res, const BatchRoute& route,
                  const BatchFaults& faults, Clock::time_point started) {
  if (!is_json_content_type(req)) {
    route.state.count_bad_request();
    send_spring_error(res, 415, req.path);
    return false;
  }
  const std::optional<json> customers = parse_customers(req.body);
  if (!customers) {
    route.state.count_bad_request();
    send_spring_error(res, 400, req.path);
    return false;
  }
  if (contains_poison(*customers, faults.poison_ext_ids)) {
    res.set_header(kFaultHeader, "poison");
    if (faults.poison_status == 500) {
      send_processing_failed(res, 500, elapsed_ms(started));
    } else {
      send_spring_error(res, 400, req.path);
    }
    return true;
  }
  send_json(res, 200, process_batch(*customers, route.mode, route.state, faults.reject_ext_ids));
  return false;
}

}  // namespace

void serve_batch(const Request& req, Response& res, const BatchRoute& route) {
  const auto started = Clock::now();
  if (!bearer_token_matches(req.get_header_value("Authorization"), route.token)) {
    route.state.count_unauthorized();
    send_json(res, 401, {{"error", {{"code", "unauthorized"}}}});
    return;
  }
  const BatchFaults faults = route.faults.take();
  route.faults.sleep_for(faults.latency_ms);
  const FaultStep& step = faults.step;
  if (faults.source != BatchFaults::Source::kNone) {
    route.state.count_fault();
    const bool drawn = faults.source == BatchFaults::Source::kFailureRate;
    res.set_header(kFaultHeader, drawn ? "failure_rate" : std::string(fault_kind_name(step.kind)));
  }
  if (answer_instead(req, res, step, started)) return;
  if (step.kind == FaultKind::kStall) route.faults.sleep_for(step.stall_ms);
  const bool poisoned = answer_batch(req, res, route, faults, started);
  if (poisoned && faults.source == BatchFaults::Source::kNone) route.state.count_fault();
  if (step.kind == FaultKind::kApplyThenStall) route.faults.sleep_for(step.stall_ms);
  if (step.kind == FaultKind::kApplyThenDrop) cut_off_body(res);
}

}  // namespace etl::sandbox
