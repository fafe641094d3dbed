// The sandbox HTTP server; see sandbox_server.hpp.
#include "sandbox/sandbox_server.hpp"

#include <httplib.h>
#include <sys/socket.h>

#include <chrono>
#include <stdexcept>
#include <utility>

#include "sandbox/batch_route.hpp"
#include "sandbox/http_answers.hpp"

namespace etl::sandbox {
namespace {

using httplib::Request;
using httplib::Response;
using nlohmann::json;

// The inspection endpoints need no token, so that tests need no secret; hence loopback only.
bool refuse_remote(const Request& req, Response& res) {
  const std::string& from = req.remote_addr;
  const bool loopback =
      from.rfind("127.", 0) == 0 || from == "::1" || from.rfind("::ffff:127.", 0) == 0;
  if (!loopback) send_spring_error(res, 403, req.path);
  return !loopback;
}

void serve_customer(const Request& req, Response& res, const SandboxState& state) {
  if (refuse_remote(req, res)) return;
  const std::optional<StoredCustomer> stored = state.customer(req.matches[1].str());
  if (!stored) {
    send_spring_error(res, 404, req.path);
    return;
  }
  // The body is exactly the stored payload; the counts travel in headers so as not to change it.
  res.set_header("X-Sandbox-Creates", std::to_string(stored->creates));
  res.set_header("X-Sandbox-Updates", std::to_string(stored->updates));
  send_json(res, 200, stored->payload);
}

// Everything about the server that is not a route: error bodies, keep-alive and socket options.
void configure_transport(httplib::Server& server) {
  // Unmatched paths and anything else httplib answers with an empty error body get Spring's.
  httplib::Server::HandlerWithResponse on_error = [](const Request& req, Response& res) {
    // A faulted answer is exactly what the plan asked for, even with its body cut off.
    if (!res.body.empty() || res.has_header(kFaultHeader)) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    send_spring_error(res, res.status, req.path);
    return httplib::Server::HandlerResponse::Handled;
  };
  server.set_error_handler(std::move(on_error));
  server.set_exception_handler([](const Request&, Response& res, std::exception_ptr) {
    send_processing_failed(res, 500, 0);
  });
  // Idle keep-alive connections hold a worker until this timeout, and stop() waits for workers.
  server.set_keep_alive_timeout(1);
  // httplib's default also sets SO_REUSEPORT, which would let a second sandbox share the port and
  // take half the requests; a busy port must be an error instead.
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
}

}  // namespace

SandboxServer::SandboxServer(SandboxOptions options) : options_(std::move(options)) {
  if (options_.token.empty()) {
    throw std::invalid_argument("SandboxServer: the bearer token must not be empty");
  }
}

SandboxServer::~SandboxServer() { stop(); }

void SandboxServer::install_routes() {
  httplib::Server& server = *server_;
  server.set_pre_routing_handler([this](const Request&, Response&) {
    state_.count_http_request();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  server.Post("/amlyze-ws-rest/batch-customers", [this](const Request& req, Response& res) {
    serve_batch(req, res, {state_, faults_, options_.token, BatchMode::kSave});
  });
  server.Post("/amlyze-ws-rest/validate-batch-customers",
              [this](const Request& req, Response& res) {
                serve_batch(req, res, {state_, faults_, options_.token, BatchMode::kValidateOnly});
              });
  server.Get(R"(/sandbox/customers/(.+))",
             [this](const Request& req, Response& res) { serve_customer(req, res, state_); });
  server.Get("/sandbox/stats", [this](const Request& req, Response& res) {
    if (!refuse_remote(req, res)) send_json(res, 200, to_json_value(state_.stats()));
  });
  server.Post("/sandbox/reset", [this](const Request& req, Response& res) {
    if (refuse_remote(req, res)) return;
    reset();
    send_json(res, 200, {{"reset", true}});
  });
  install_fault_routes();
}

void SandboxServer::install_fault_routes() {
  httplib::Server& server = *server_;
  server.Get("/sandbox/faults", [this](const Request& req, Response& res) {
    if (!refuse_remote(req, res)) send_json(res, 200, faults_.plan());
  });
  server.Post("/sandbox/faults", [this](const Request& req, Response& res) {
    if (refuse_remote(req, res)) return;
    try {
      faults_.set(parse_fault_plan(req.body));
    } catch (const std::invalid_argument& e) {
      send_json(res, 400, {{"error", e.what()}});
      return;
    }
    send_json(res, 200, faults_.plan());
  });
  server.Delete("/sandbox/faults", [this](const Request& req, Response& res) {
    if (refuse_remote(req, res)) return;
    faults_.clear();
    send_json(res, 200, faults_.plan());
  });
}

int SandboxServer::start() {
  if (server_) throw std::logic_error("SandboxServer::start: already started");
  server_ = std::make_unique<httplib::Server>();
  configure_transport(*server_);
  install_routes();
  const int bound =
      options_.port == 0
          ? server_->bind_to_any_port(options_.host)
          : (server_->bind_to_port(options_.host, options_.port) ? options_.port : -1);
  const std::string address = options_.host + ":" + std::to_string(options_.port);
  if (bound <= 0) {
    server_.reset();
    throw std::runtime_error("amlyze-sandbox: cannot bind to " + address);
  }
  listener_ = std::thread([this] {
    server_->listen_after_bind();
    listener_done_ = true;
  });
  // httplib's stop() does nothing until the serving thread has marked the server running, so
  // returning earlier would let an immediate stop() hang in join().
  while (!server_->is_running() && !listener_done_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (listener_done_) {
    listener_.join();
    throw std::runtime_error("amlyze-sandbox: cannot listen on " + address);
  }
  port_ = bound;
  return port_;
}

void SandboxServer::stop() {
  // httplib's stop() must not run twice, so the joinable thread is the "still running" flag.
  if (!listener_.joinable()) return;
  faults_.interrupt();
  server_->stop();
  listener_.join();
}

std::optional<nlohmann::json> SandboxServer::customer(const std::string& ext_id) const {
  std::optional<StoredCustomer> stored = state_.customer(ext_id);
  if (!stored) return std::nullopt;
  return std::move(stored->payload);
}

std::optional<StoredCustomer> SandboxServer::stored_customer(const std::string& ext_id) const {
  return state_.customer(ext_id);
}

std::size_t SandboxServer::customer_count() const { return state_.customer_count(); }

SandboxStats SandboxServer::stats() const { return state_.stats(); }

void SandboxServer::reset() {
  state_.reset();
  faults_.clear();
}

void SandboxServer::set_faults(FaultPlan plan) { faults_.set(std::move(plan)); }

FaultPlan SandboxServer::faults() const { return faults_.plan(); }

void SandboxServer::clear_faults() { faults_.clear(); }

}  // namespace etl::sandbox
