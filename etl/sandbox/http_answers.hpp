// The whole-request answers the sandbox gives, in the shapes AMLYZE uses (amlyze-api.md): JSON
// bodies, Spring Boot error bodies, the errorCode "Processing failed" body, and the faulted
// answers of a fault plan (fault_plan.hpp).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace httplib {
struct Response;
}

namespace etl::sandbox {

// Every answer a fault plan shaped carries this header, naming the fault ("status",
// "failure_rate", "poison", ...), so that a `curl -v` shows why a request failed. AMLYZE never
// sends it; nothing should branch on it.
inline constexpr const char* kFaultHeader = "X-Sandbox-Fault";

// "Bad Request", "Too Many Requests", ...; a generic phrase for codes it does not know.
const char* reason_phrase(int status);

void send_json(httplib::Response& res, int status, const nlohmann::json& body);

// Spring Boot's default error body, which AMLYZE answers with for 400 and 404:
// {"timestamp":"2024-05-26T16:49:50.237+00:00","status":400,"error":"Bad Request","path":...}.
void send_spring_error(httplib::Response& res, int status, const std::string& path);

// {"errorCode":"500","errorDescription":"Processing failed","timeElapsedMs":elapsed_ms}, which
// AMLYZE sends with HTTP 500 and, for some failures, with HTTP 200.
void send_processing_failed(httplib::Response& res, int status, std::int64_t elapsed_ms);

// `status` with {"error":"<reason phrase>"}, and Retry-After: retry_after_seconds if >= 0: the
// answer of a gateway or rate limiter in front of AMLYZE.
void send_status(httplib::Response& res, int status, int retry_after_seconds);

// `status` with a small HTML page (text/html): a proxy's or maintenance page's answer, not
// AMLYZE's.
void send_html_page(httplib::Response& res, int status);

// Turns the answer already in `res` into one that breaks off after its headers: the client gets
// a transport error and never the body.
void cut_off_body(httplib::Response& res);

}  // namespace etl::sandbox
