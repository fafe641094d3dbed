// Fault plans and their JSON; see fault_plan.hpp.
#include "sandbox/fault_plan.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace etl::sandbox {
namespace {

using nlohmann::json;

// A table rather than NLOHMANN_JSON_SERIALIZE_ENUM: the macro maps an unknown name to the first
// enumerator, and a misspelt kind must be an error, not a silent kNone.
constexpr std::array<std::pair<FaultKind, std::string_view>, 9> kKindNames = {{
    {FaultKind::kNone, "none"},
    {FaultKind::kStatus, "status"},
    {FaultKind::kWholeBatch500, "whole_batch_500"},
    {FaultKind::kErrorCode200, "error_code_200"},
    {FaultKind::kWholeBatch400, "whole_batch_400"},
    {FaultKind::kApplyThenDrop, "apply_then_drop"},
    {FaultKind::kApplyThenStall, "apply_then_stall"},
    {FaultKind::kStall, "stall"},
    {FaultKind::kHtml200, "html200"},
}};

// `where` is the key path inside the plan ("next[2].kind"); empty for the plan itself.
[[noreturn]] void fail(const std::string& where, const std::string& problem) {
  throw std::invalid_argument("fault plan: " + (where.empty() ? "" : where + ": ") + problem);
}

std::string join(const std::string& where, const std::string& key) {
  return where.empty() ? key : where + "." + key;
}

void check_keys(const json& in, std::initializer_list<std::string_view> known,
                const std::string& where) {
  if (!in.is_object()) fail(where, "must be a JSON object");
  for (const auto& [key, value] : in.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      fail(join(where, key), "unknown key");
    }
  }
}

// nlohmann would quietly truncate 1.5 to 1 or wrap -1 into an unsigned seed; a plan that says
// something other than what it means must be refused instead.
void read_int(const json& in, const char* key, int& out, const std::string& where) {
  const auto it = in.find(key);
  if (it == in.end()) return;
  constexpr std::int64_t kMin = std::numeric_limits<int>::min();
  constexpr std::int64_t kMax = std::numeric_limits<int>::max();
  const bool fits = it->is_number_unsigned()
                        ? it->get<std::uint64_t>() <= static_cast<std::uint64_t>(kMax)
                        : it->is_number_integer() && it->get<std::int64_t>() >= kMin &&
                              it->get<std::int64_t>() <= kMax;
  if (!fits) fail(join(where, key), "must be an integer, got " + it->dump());
  out = static_cast<int>(it->get<std::int64_t>());
}

void read_seed(const json& in, unsigned& out, const std::string& where) {
  const auto it = in.find("seed");
  if (it == in.end()) return;
  if (!it->is_number_unsigned() ||
      it->get<std::uint64_t>() > std::numeric_limits<unsigned>::max()) {
    fail(join(where, "seed"), "must be an unsigned 32-bit integer, got " + it->dump());
  }
  out = it->get<unsigned>();
}

FaultKind read_kind(const json& in, const std::string& where) {
  std::string known;
  for (const auto& [value, name] : kKindNames) {
    if (in.is_string() && in.get<std::string>() == name) return value;
    known += (known.empty() ? "" : ", ") + std::string(name);
  }
  fail(where, "unknown kind " + in.dump() + "; expected one of " + known);
}

void read_step(const json& in, FaultStep& step, const std::string& where) {
  check_keys(in, {"kind", "status", "retry_after_seconds", "stall_ms"}, where);
  if (!in.contains("kind")) fail(join(where, "kind"), "missing");
  step.kind = read_kind(in.at("kind"), join(where, "kind"));
  read_int(in, "status", step.status, where);
  read_int(in, "retry_after_seconds", step.retry_after_seconds, where);
  read_int(in, "stall_ms", step.stall_ms, where);
}

void read_steps(const json& in, std::deque<FaultStep>& steps) {
  const auto it = in.find("next");
  if (it == in.end()) return;
  if (!it->is_array()) fail("next", "must be an array of steps");
  steps.clear();
  for (std::size_t i = 0; i < it->size(); ++i) {
    read_step((*it)[i], steps.emplace_back(), "next[" + std::to_string(i) + "]");
  }
}

void read_ext_ids(const json& in, std::set<std::string>& ids) {
  const auto it = in.find("poison_ext_ids");
  if (it == in.end()) return;
  const bool strings = it->is_array() && std::all_of(it->begin(), it->end(),
                                                     [](const json& id) { return id.is_string(); });
  if (!strings) fail("poison_ext_ids", "must be an array of strings");
  ids.clear();
  for (const json& id : *it) ids.insert(id.get<std::string>());
}

void read_rejections(const json& in, std::map<std::string, std::string>& rejections) {
  const auto it = in.find("reject_ext_ids");
  if (it == in.end()) return;
  if (!it->is_object()) fail("reject_ext_ids", "must be an object of customerExtId: errorCode");
  rejections.clear();
  for (const auto& [ext_id, code] : it->items()) {
    if (!code.is_string()) fail("reject_ext_ids." + ext_id, "must be an errorCode string");
    rejections[ext_id] = code.get<std::string>();
  }
}

void require(bool ok, const std::string& where, const std::string& problem) {
  if (!ok) fail(where, problem);
}

}  // namespace

bool FaultStep::operator==(const FaultStep& other) const {
  return kind == other.kind && status == other.status &&
         retry_after_seconds == other.retry_after_seconds && stall_ms == other.stall_ms;
}

bool FaultPlan::operator==(const FaultPlan& other) const {
  return latency_ms == other.latency_ms && next == other.next &&
         poison_ext_ids == other.poison_ext_ids && poison_status == other.poison_status &&
         reject_ext_ids == other.reject_ext_ids && failure_rate == other.failure_rate &&
         seed == other.seed;
}

std::string_view fault_kind_name(FaultKind kind) {
  for (const auto& [value, name] : kKindNames) {
    if (value == kind) return name;
  }
  return "none";
}

void validate(const FaultPlan& plan) {
  require(plan.latency_ms >= 0, "latency_ms", "must be >= 0");
  for (std::size_t i = 0; i < plan.next.size(); ++i) {
    const FaultStep& step = plan.next[i];
    const std::string where = "next[" + std::to_string(i) + "]";
    require(step.status >= 200 && step.status <= 599, where + ".status", "must be 200-599");
    require(step.retry_after_seconds >= -1, where + ".retry_after_seconds",
            "must be >= 0, or -1 for no Retry-After header");
    require(step.stall_ms >= 0, where + ".stall_ms", "must be >= 0");
  }
  require(plan.poison_status == 400 || plan.poison_status == 500, "poison_status",
          "must be 400 or 500");
  for (const auto& [ext_id, code] : plan.reject_ext_ids) {
    require(!code.empty(), "reject_ext_ids." + ext_id, "errorCode must not be empty");
  }
  require(plan.failure_rate >= 0 && plan.failure_rate <= 1, "failure_rate", "must be in [0, 1]");
}

void to_json(json& out, FaultKind kind) { out = fault_kind_name(kind); }

void to_json(json& out, const FaultStep& step) {
  out = {{"kind", step.kind},
         {"status", step.status},
         {"retry_after_seconds", step.retry_after_seconds},
         {"stall_ms", step.stall_ms}};
}

void to_json(json& out, const FaultPlan& plan) {
  json steps = json::array();
  for (const FaultStep& step : plan.next) steps.push_back(step);
  out = {{"latency_ms", plan.latency_ms},
         {"next", std::move(steps)},
         {"poison_ext_ids", plan.poison_ext_ids},
         {"poison_status", plan.poison_status},
         {"reject_ext_ids", plan.reject_ext_ids},
         {"failure_rate", plan.failure_rate},
         {"seed", plan.seed}};
}

void from_json(const json& in, FaultKind& kind) { kind = read_kind(in, "kind"); }

void from_json(const json& in, FaultStep& step) {
  FaultStep read;
  read_step(in, read, "");
  step = read;
}

void from_json(const json& in, FaultPlan& plan) {
  check_keys(in,
             {"latency_ms", "next", "poison_ext_ids", "poison_status", "reject_ext_ids",
              "failure_rate", "seed"},
             "");
  FaultPlan read;
  read_int(in, "latency_ms", read.latency_ms, "");
  read_steps(in, read.next);
  read_ext_ids(in, read.poison_ext_ids);
  read_int(in, "poison_status", read.poison_status, "");
  read_rejections(in, read.reject_ext_ids);
  if (const auto it = in.find("failure_rate"); it != in.end()) {
    if (!it->is_number()) fail("failure_rate", "must be a number, got " + it->dump());
    read.failure_rate = it->get<double>();
  }
  read_seed(in, read.seed, "");
  validate(read);
  plan = std::move(read);
}

FaultPlan parse_fault_plan(const std::string& text) {
  const json parsed = json::parse(text, nullptr, false, true);
  if (parsed.is_discarded()) fail("", "not valid JSON");
  return parsed.get<FaultPlan>();
}

FaultPlan load_fault_plan(const std::string& path) {
  std::ifstream in(path);
  if (!in.is_open()) throw std::invalid_argument(path + ": cannot read the fault plan");
  std::stringstream text;
  text << in.rdbuf();
  try {
    return parse_fault_plan(text.str());
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(path + ": " + e.what());
  }
}

}  // namespace etl::sandbox
