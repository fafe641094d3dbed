// The handler of both batch endpoints: the bearer-token check, the fault plan, the format checks,
// then the per-item processing of batch_processor.hpp.
#pragma once

#include <string>

#include "sandbox/batch_processor.hpp"
#include "sandbox/fault_injector.hpp"
#include "sandbox/sandbox_state.hpp"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace etl::sandbox {

// What a batch request needs besides itself; references into the SandboxServer that owns them.
struct BatchRoute {
  SandboxState& state;
  FaultInjector& faults;
  const std::string& token;
  BatchMode mode;
};

// Answers one batch request. The order is part of the contract with tests: a wrong token is
// refused first (a fault plan never hides a 401); then one step is taken from the plan; the plan's
// latency delays every answer after that, faulted or not; a step that replaces processing answers
// at once; otherwise 415/400 for a body that is not a batch, the poison check, and the per-item
// processing with the plan's scripted rejections. Stall waits before processing, apply-then-stall
// after it, and apply-then-drop cuts the finished answer off after its headers.
void serve_batch(const httplib::Request& req, httplib::Response& res, const BatchRoute& route);

}  // namespace etl::sandbox
