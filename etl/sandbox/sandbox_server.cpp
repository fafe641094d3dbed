// The sandbox HTTP server; see sandbox_server.hpp.
#include "sandbox/sandbox_server.hpp"

#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <utility>

#include "sandbox/batch_processor.hpp"
#include "sandbox/request_auth.hpp"

namespace etl::sandbox {
namespace {

using httplib::Request;
using httplib::Response;
using nlohmann::json;

constexpr const char* kJsonType = "application/json";

// Spring's timestamp format, e.g. 2024-05-26T16:49:50.237+00:00.
std::string spring_timestamp() {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  const std::time_t seconds = system_clock::to_time_t(now);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &utc);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03d+00:00", date, static_cast<int>(millis));
  return out;
}

const char* reason_phrase(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    default:
      return "Internal Server Error";
  }
}

void send_json(Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), kJsonType);
}

// Spring Boot's default error body, which AMLYZE answers with for 400 and 404.
void send_spring_error(Response& res, int status, const std::string& path) {
  send_json(res, status,
            {{"timestamp", spring_timestamp()},
             {"status", status},
             {"error", reason_phrase(status)},
             {"path", path}});
}

bool is_json_content_type(const Request& req) {
  std::string type = req.get_header_value("Content-Type");
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return type.rfind(kJsonType, 0) == 0;
}

// The `customers` array if the body is what Jackson could map to BatchCustomersRequestDataApi.
std::optional<json> parse_customers(const std::string& body) {
  json parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) return std::nullopt;
  const auto it = parsed.find("customers");
  if (it == parsed.end() || !it->is_array()) return std::nullopt;
  const bool all_objects =
      std::all_of(it->begin(), it->end(), [](const json& item) { return item.is_object(); });
  if (!all_objects) return std::nullopt;
  return std::move(*it);
}

// Every batch request passes through here, so this is the one place to inject faults (latency,
// 429 with Retry-After, 5xx, dropped connections, whole-batch 400) when tests need them.
void serve_batch(const Request& req, Response& res, SandboxState& state, const std::string& token,
                 BatchMode mode) {
  if (!bearer_token_matches(req.get_header_value("Authorization"), token)) {
    state.count_unauthorized();
    send_json(res, 401, {{"error", {{"code", "unauthorized"}}}});
    return;
  }
  if (!is_json_content_type(req)) {
    state.count_bad_request();
    send_spring_error(res, 415, req.path);
    return;
  }
  const std::optional<json> customers = parse_customers(req.body);
  if (!customers) {
    state.count_bad_request();
    send_spring_error(res, 400, req.path);
    return;
  }
  send_json(res, 200, process_batch(*customers, mode, state));
}

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
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    send_spring_error(res, res.status, req.path);
    return httplib::Server::HandlerResponse::Handled;
  };
  server.set_error_handler(std::move(on_error));
  server.set_exception_handler([](const Request&, Response& res, std::exception_ptr) {
    send_json(
        res, 500,
        {{"errorCode", "500"}, {"errorDescription", "Processing failed"}, {"timeElapsedMs", 0}});
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
    serve_batch(req, res, state_, options_.token, BatchMode::kSave);
  });
  server.Post("/amlyze-ws-rest/validate-batch-customers",
              [this](const Request& req, Response& res) {
                serve_batch(req, res, state_, options_.token, BatchMode::kValidateOnly);
              });
  server.Get(R"(/sandbox/customers/(.+))",
             [this](const Request& req, Response& res) { serve_customer(req, res, state_); });
  server.Get("/sandbox/stats", [this](const Request& req, Response& res) {
    if (!refuse_remote(req, res)) send_json(res, 200, to_json_value(state_.stats()));
  });
  server.Post("/sandbox/reset", [this](const Request& req, Response& res) {
    if (refuse_remote(req, res)) return;
    state_.reset();
    send_json(res, 200, {{"reset", true}});
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

void SandboxServer::reset() { state_.reset(); }

}  // namespace etl::sandbox
