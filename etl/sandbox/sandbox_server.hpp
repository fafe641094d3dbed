// amlyze-sandbox's HTTP server: AMLYZE's customer batch endpoints, served on loopback for the demo
// and the integration tests (DESIGN.md "The sandbox").
//
//   POST /amlyze-ws-rest/batch-customers           bearer token; validates and saves
//   POST /amlyze-ws-rest/validate-batch-customers  bearer token; validates, never saves
//   GET  /sandbox/customers/{extId}                stored payload, or 404 (loopback only)
//   GET  /sandbox/stats                            counters as JSON (loopback only)
//   POST /sandbox/reset                            forget everything, fault plan included
//   (loopback) GET  /sandbox/faults                           the fault plan as it stands (loopback
//   only) POST /sandbox/faults                           replace it with the JSON plan in the body:
//   200
//                                                  and the plan, or 400 {"error":"..."} (loopback)
//   DELETE /sandbox/faults                         clear it: 200 and the empty plan (loopback only)
//
// Whole-request answers, in the order they are decided: 401 {"error":{"code":"unauthorized"}}
// for a missing or wrong token; then the fault plan's latency and step (fault_plan.hpp); 415 when
// Content-Type is not application/json; 400 Spring-style error when the body is not JSON, has no
// `customers` array, or an element is not an object; the plan's poison check. Otherwise 200 with
// one result per item (batch_processor.hpp). Faulted answers carry X-Sandbox-Fault
// (http_answers.hpp).
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>

#include "sandbox/fault_injector.hpp"
#include "sandbox/fault_plan.hpp"
#include "sandbox/sandbox_state.hpp"

namespace httplib {
class Server;
}

namespace etl::sandbox {

struct SandboxOptions {
  std::string host = "127.0.0.1";
  int port = 0;       // 0 = any free port
  std::string token;  // the bearer token clients must send; must not be empty
};

// Owns the listening socket and the thread serving it. Not copyable: it hands `this` to that
// thread.
class SandboxServer {
 public:
  // Throws std::invalid_argument if options.token is empty (no client could authenticate).
  explicit SandboxServer(SandboxOptions options);
  ~SandboxServer();  // stop()
  SandboxServer(const SandboxServer&) = delete;
  SandboxServer& operator=(const SandboxServer&) = delete;

  // Binds, starts serving on a background thread and returns the bound port. Throws
  // std::runtime_error if it cannot bind or listen, std::logic_error if already started.
  int start();

  // Stops accepting, cuts short the plan's latencies and stalls, waits for the serving thread.
  // Idempotent.
  void stop();

  // The bound port; 0 before start().
  int port() const { return port_; }

  // The last accepted payload of `ext_id`, as received.
  std::optional<nlohmann::json> customer(const std::string& ext_id) const;
  // The same plus how many CREATEs and UPDATEs were accepted for it.
  std::optional<StoredCustomer> stored_customer(const std::string& ext_id) const;
  std::size_t customer_count() const;
  SandboxStats stats() const;
  // Forgets customers, communicationNumbers and counters, and clears the fault plan.
  void reset();

  // Replaces the fault plan, unconsumed steps included; takes effect from the next batch request.
  // Throws std::invalid_argument (validate() in fault_plan.hpp) and then keeps the old plan.
  void set_faults(FaultPlan plan);
  // The plan as it stands: `next` holds only the steps not consumed yet.
  FaultPlan faults() const;
  // Back to FaultPlan{}: every batch request is processed normally.
  void clear_faults();

 private:
  void install_routes();
  void install_fault_routes();

  SandboxOptions options_;
  SandboxState state_;
  FaultInjector faults_;
  std::unique_ptr<httplib::Server> server_;
  std::thread listener_;
  std::atomic<bool> listener_done_{false};
  int port_ = 0;
};

}  // namespace etl::sandbox
