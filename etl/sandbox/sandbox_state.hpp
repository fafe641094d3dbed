// What the sandbox remembers between requests: the customers it accepted, the communicationNumbers
// it has seen, and counters for tests and the demo. Thread-safe: the HTTP server calls it from
// its worker threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "sandbox/customer_rules.hpp"

namespace etl::sandbox {

// One customer as AMLYZE would hold it (what customer() answers).
struct StoredCustomer {
  nlohmann::json payload;   // the last accepted item, exactly as received
  std::size_t creates = 0;  // accepted CREATEs: 1, as a second CREATE gets C004
  std::size_t updates = 0;  // accepted UPDATEs

  bool operator==(const StoredCustomer& other) const {
    return payload == other.payload && creates == other.creates && updates == other.updates;
  }
};

// Counters since start or the last reset. Items of validate-batch-customers count in items,
// accepted and rejected, but never in creates or updates.
struct SandboxStats {
  std::size_t http_requests = 0;  // every request, any path, any outcome
  std::size_t unauthorized = 0;   // 401 answers
  std::size_t bad_requests = 0;   // whole-request 400/415 answers
  std::size_t batches = 0;        // batch bodies processed (both endpoints)
  std::size_t items = 0;
  std::size_t accepted = 0;
  std::size_t rejected = 0;
  std::size_t creates = 0;
  std::size_t updates = 0;
  // Requests a fault plan acted on: a step other than "none", a failure_rate draw or a poisoned
  // batch. Apply-then-* batches also count in batches and items, as they were processed.
  std::size_t faults_injected = 0;
  std::map<std::string, std::size_t> by_error_code;

  bool operator==(const SandboxStats& other) const;
};

nlohmann::json to_json_value(const SandboxStats& stats);

// How an attempt to save a validated item ended.
enum class SaveOutcome { kCreated, kUpdated, kAlreadyExists, kNotFound };

class SandboxState {
 public:
  // Marks `communication_number` as used. Returns false if it already was: AMLYZE burns a number
  // the first time it sees it, whatever the outcome of that request.
  bool burn_communication_number(const std::string& communication_number);

  // Saves `payload` under `ext_id` if the action allows it: CREATE needs a new id, UPDATE an
  // existing one and replaces the stored payload wholly.
  SaveOutcome save(Action action, const std::string& ext_id, const nlohmann::json& payload);

  std::optional<StoredCustomer> customer(const std::string& ext_id) const;
  std::size_t customer_count() const;

  void count_http_request();
  void count_unauthorized();
  void count_bad_request();
  void count_fault();
  void count_batch(std::size_t items);
  // Counts one item's outcome; an empty `error_code` means accepted.
  void count_result(const std::string& error_code);

  SandboxStats stats() const;

  // Forgets customers, communicationNumbers and counters.
  void reset();

 private:
  // The stored form: the payload as CBOR, one allocation per customer instead of a tree of them,
  // so a sandbox holding a bank's million customers stays small and as fast as an empty one.
  struct Record {
    std::vector<std::uint8_t> cbor;
    std::size_t creates = 0;
    std::size_t updates = 0;
  };

  mutable std::mutex mutex_;
  std::unordered_map<std::string, Record> customers_;
  std::unordered_set<std::string> used_numbers_;
  SandboxStats stats_;
};

}  // namespace etl::sandbox
