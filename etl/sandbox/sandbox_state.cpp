// Sandbox state; see sandbox_state.hpp.
#include "sandbox/sandbox_state.hpp"

namespace etl::sandbox {

bool SandboxStats::operator==(const SandboxStats& other) const {
  return http_requests == other.http_requests && unauthorized == other.unauthorized &&
         bad_requests == other.bad_requests && faults_injected == other.faults_injected &&
         batches == other.batches && items == other.items && accepted == other.accepted &&
         rejected == other.rejected && creates == other.creates && updates == other.updates &&
         by_error_code == other.by_error_code;
}

nlohmann::json to_json_value(const SandboxStats& stats) {
  nlohmann::json codes = nlohmann::json::object();
  for (const auto& [code, count] : stats.by_error_code) codes[code] = count;
  return {{"httpRequests", stats.http_requests},
          {"unauthorized", stats.unauthorized},
          {"badRequests", stats.bad_requests},
          {"faultsInjected", stats.faults_injected},
          {"batches", stats.batches},
          {"items", stats.items},
          {"accepted", stats.accepted},
          {"rejected", stats.rejected},
          {"creates", stats.creates},
          {"updates", stats.updates},
          {"byErrorCode", codes}};
}

bool SandboxState::burn_communication_number(const std::string& communication_number) {
  std::lock_guard lock(mutex_);
  return used_numbers_.insert(communication_number).second;
}

SaveOutcome SandboxState::save(Action action, const std::string& ext_id,
                               const nlohmann::json& payload) {
  std::vector<std::uint8_t> cbor = nlohmann::json::to_cbor(payload);  // outside the lock
  std::lock_guard lock(mutex_);
  const auto it = customers_.find(ext_id);
  if (action == Action::kCreate) {
    if (it != customers_.end()) return SaveOutcome::kAlreadyExists;
    customers_.emplace(ext_id, Record{std::move(cbor), 1, 0});
    ++stats_.creates;
    return SaveOutcome::kCreated;
  }
  if (it == customers_.end()) return SaveOutcome::kNotFound;
  it->second.cbor = std::move(cbor);
  ++it->second.updates;
  ++stats_.updates;
  return SaveOutcome::kUpdated;
}

std::optional<StoredCustomer> SandboxState::customer(const std::string& ext_id) const {
  std::lock_guard lock(mutex_);
  const auto it = customers_.find(ext_id);
  if (it == customers_.end()) return std::nullopt;
  const Record& record = it->second;
  return StoredCustomer{nlohmann::json::from_cbor(record.cbor), record.creates, record.updates};
}

std::size_t SandboxState::customer_count() const {
  std::lock_guard lock(mutex_);
  return customers_.size();
}

void SandboxState::count_http_request() {
  std::lock_guard lock(mutex_);
  ++stats_.http_requests;
}

void SandboxState::count_unauthorized() {
  std::lock_guard lock(mutex_);
  ++stats_.unauthorized;
}

void SandboxState::count_bad_request() {
  std::lock_guard lock(mutex_);
  ++stats_.bad_requests;
}

void SandboxState::count_fault() {
  std::lock_guard lock(mutex_);
  ++stats_.faults_injected;
}

void SandboxState::count_batch(std::size_t items) {
  std::lock_guard lock(mutex_);
  ++stats_.batches;
  stats_.items += items;
}

void SandboxState::count_result(const std::string& error_code) {
  std::lock_guard lock(mutex_);
  if (error_code.empty()) {
    ++stats_.accepted;
    return;
  }
  ++stats_.rejected;
  ++stats_.by_error_code[error_code];
}

SandboxStats SandboxState::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void SandboxState::reset() {
  std::lock_guard lock(mutex_);
  customers_.clear();
  used_numbers_.clear();
  stats_ = SandboxStats{};
}

}  // namespace etl::sandbox
