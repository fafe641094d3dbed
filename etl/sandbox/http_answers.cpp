// Whole-request answers; see http_answers.hpp.
#include "sandbox/http_answers.hpp"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace etl::sandbox {
namespace {

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

}  // namespace

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
    case 408:
      return "Request Timeout";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return status >= 500 ? "Server Error" : status >= 400 ? "Client Error" : "Sandbox Fault";
  }
}

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), kJsonType);
}

void send_spring_error(httplib::Response& res, int status, const std::string& path) {
  send_json(res, status,
            {{"timestamp", spring_timestamp()},
             {"status", status},
             {"error", reason_phrase(status)},
             {"path", path}});
}

void send_processing_failed(httplib::Response& res, int status, std::int64_t elapsed_ms) {
  send_json(res, status,
            {{"errorCode", "500"},
             {"errorDescription", "Processing failed"},
             {"timeElapsedMs", elapsed_ms}});
}

void send_status(httplib::Response& res, int status, int retry_after_seconds) {
  if (retry_after_seconds >= 0) res.set_header("Retry-After", std::to_string(retry_after_seconds));
  send_json(res, status, {{"error", reason_phrase(status)}});
}

void send_html_page(httplib::Response& res, int status) {
  res.status = status;
  res.set_content(
      "<!DOCTYPE html>\n<html><head><title>Service notice</title></head>\n"
      "<body><h1>Service temporarily unavailable</h1><p>Please try again "
      "later.</p></body></html>\n",
      "text/html; charset=utf-8");
}

// The headers go out with the real Content-Length, then the connection closes before the first
// body byte: curl reports 18 "transfer closed with N bytes remaining", httplib a read error.
// Closing before any byte would look more like a lost answer, but libcurl silently re-sends a
// POST whose reused keep-alive connection answered nothing at all ("Connection died, retrying a
// fresh connect"), so an ETL reusing its handle would see a second answer instead of an error.
void cut_off_body(httplib::Response& res) {
  // httplib refuses a provider of length 0; every sandbox answer has a body anyway.
  const std::size_t length = std::max<std::size_t>(res.body.size(), 1);
  const std::string type = res.get_header_value("Content-Type");
  res.body.clear();
  res.headers.erase("Content-Type");
  res.set_content_provider(length, type,
                           [](std::size_t, std::size_t, httplib::DataSink&) { return false; });
}

}  // namespace etl::sandbox
