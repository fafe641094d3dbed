// One-line operator logs on stderr: "<UTC time> <level> <message>", or with --log-format json
// one JSON object per line ({"time","level","message"}) for journald/Loki/ELK. Customers appear
// only by customerExtId and secrets are never passed in (see README, "Secrets").
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>

namespace etl {

enum class LogLevel { kDebug, kInfo, kWarn, kError };
enum class LogFormat { kText, kJson };

// Messages below `level` are dropped. Not thread-safe to change while logging.
void set_log_level(LogLevel level);
void set_log_format(LogFormat format);
// Redirects log output (tests); nullptr restores stderr.
void set_log_stream(std::ostream* out);

void log(LogLevel level, std::string_view message);
inline void log_info(std::string_view m) { log(LogLevel::kInfo, m); }
inline void log_warn(std::string_view m) { log(LogLevel::kWarn, m); }
inline void log_error(std::string_view m) { log(LogLevel::kError, m); }

// Current UTC time as ISO-8601 with milliseconds, e.g. 2026-11-26T04:15:36.123Z.
std::string utc_now_iso();
// Current time in Unix milliseconds (the ledger stores its times so).
long long unix_now_ms();
// The same text for a time in Unix milliseconds (as the ledger's views show its times).
std::string utc_iso(long long unix_ms);

}  // namespace etl
