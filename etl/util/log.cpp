#include "util/log.hpp"

#include <chrono>
#include <ctime>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>

namespace etl {
namespace {

LogLevel g_level = LogLevel::kInfo;
LogFormat g_format = LogFormat::kText;
std::ostream* g_out = nullptr;
std::mutex g_mutex;

const char* level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

}  // namespace

void set_log_level(LogLevel level) { g_level = level; }
void set_log_format(LogFormat format) { g_format = format; }
void set_log_stream(std::ostream* out) { g_out = out; }

void log(LogLevel level, std::string_view message) {
  if (level < g_level) return;
  std::lock_guard<std::mutex> lock(g_mutex);
  std::ostream& out = g_out != nullptr ? *g_out : std::cerr;
  if (g_format == LogFormat::kJson) {
    out << nlohmann::json{{"time", utc_now_iso()},
                          {"level", level_name(level)},
                          {"message", std::string(message)}}
               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
        << '\n';
  } else {
    out << utc_now_iso() << ' ' << level_name(level) << ' ' << message << '\n';
  }
  out.flush();
}

std::string utc_now_iso() { return utc_iso(unix_now_ms()); }

long long unix_now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string utc_iso(long long unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  const int millis = static_cast<int>(unix_ms % 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return text;
}

}  // namespace etl
