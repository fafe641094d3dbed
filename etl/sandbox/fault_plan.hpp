// A script of what the sandbox's next batch requests get instead of (or on top of) normal
// processing, so that tests of the ETL's retries, batch splitting and crash recovery can say
// exactly which answer comes when (DESIGN.md "Delivery semantics", "The sandbox").
//
// Plain values with JSON next to them. The JSON keys are the member names below; kinds are
// "none", "status", "whole_batch_500", "error_code_200", "whole_batch_400", "apply_then_drop",
// "apply_then_stall", "stall", "html200". Every key is optional except a step's "kind"; unknown
// keys and kinds are errors, so that a typo in a test's plan fails loudly instead of silently
// injecting nothing.
#pragma once

#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>

namespace etl::sandbox {

enum class FaultKind {
  kNone,            // normal processing
  kStatus,          // answer `status` with {"error":"<reason>"} and no processing; Retry-After:
                    // retry_after_seconds if >= 0
  kWholeBatch500,   // HTTP 500 {"errorCode":"500","errorDescription":"Processing failed",
                    // "timeElapsedMs":N}, nothing processed
  kErrorCode200,    // HTTP 200 with that same body and no results (AMLYZE documents this shape
                    // too), nothing processed
  kWholeBatch400,   // Spring-style 400, nothing processed
  kApplyThenDrop,   // process and save normally (numbers burnt, customers stored), then break the
                    // connection before the body: the client gets a transport error, no results
  kApplyThenStall,  // process and save, then wait stall_ms before answering (the client times out)
  kStall,           // wait stall_ms, then process normally
  kHtml200,         // HTTP 200 with an HTML page (text/html), nothing processed: what a proxy,
                    // a login portal or a maintenance page in front of AMLYZE answers
};

struct FaultStep {
  FaultKind kind = FaultKind::kNone;
  int status = 503;              // kStatus only: 200-599
  int retry_after_seconds = -1;  // kStatus only: the Retry-After header if >= 0
  int stall_ms = 0;              // kApplyThenStall and kStall: >= 0

  bool operator==(const FaultStep& other) const;
};

struct FaultPlan {
  int latency_ms = 0;  // added to every authorised batch request, faulted or not
  // One step consumed per authorised batch request (either endpoint), in arrival order. Empty:
  // failure_rate decides.
  std::deque<FaultStep> next;
  // A batch holding any of these customerExtIds gets a whole-batch answer instead of results and
  // nothing of it is processed: a customer that breaks the whole request, for batch splitting.
  std::set<std::string> poison_ext_ids;
  int poison_status = 400;  // 400: Spring-style body; 500: the errorCode body of kWholeBatch500
  // customerExtId -> errorCode: that item is REQUEST_REJECTED with this code right after the O005
  // check, so it is neither validated nor saved (both endpoints).
  std::map<std::string, std::string> reject_ext_ids;
  // Probability in [0, 1] that a request with no step left gets 503 without processing. The draws
  // are std::mt19937 from `seed`, restarted whenever a plan is set: the same plan and the same
  // requests fail the same way on every machine.
  double failure_rate = 0;
  unsigned seed = 1;

  bool operator==(const FaultPlan& other) const;
};

// "status", "apply_then_drop", ... as in the file comment.
std::string_view fault_kind_name(FaultKind kind);

// Throws std::invalid_argument naming the first out-of-range member (a negative latency, a status
// outside 200-599, a poison_status other than 400/500, a failure_rate outside [0, 1], ...).
void validate(const FaultPlan& plan);

void to_json(nlohmann::json& out, FaultKind kind);
void to_json(nlohmann::json& out, const FaultStep& step);
void to_json(nlohmann::json& out, const FaultPlan& plan);
// The from_json overloads throw std::invalid_argument for unknown keys or kinds, wrong types and
// (for FaultPlan) whatever validate() refuses; the message names the offending key.
void from_json(const nlohmann::json& in, FaultKind& kind);
void from_json(const nlohmann::json& in, FaultStep& step);
void from_json(const nlohmann::json& in, FaultPlan& plan);

// Parses a plan from JSON text (comments allowed, like the ETL's config). Throws
// std::invalid_argument for bad JSON or a bad plan.
FaultPlan parse_fault_plan(const std::string& text);

// Reads and parses `path`. Throws std::invalid_argument, the message starting with the path.
FaultPlan load_fault_plan(const std::string& path);

}  // namespace etl::sandbox
