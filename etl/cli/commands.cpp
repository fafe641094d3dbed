#include "cli/commands.hpp"

#include <iomanip>
#include <ostream>

#include "config/config.hpp"
#include "ledger/ledger.hpp"
#include "ledger/report.hpp"
#include "util/errors.hpp"
#include "util/exit_codes.hpp"

namespace etl::cli {

int command_run(const std::filesystem::path& config_file, const sync::RunOptions& options,
                std::ostream& out) {
  const Config config = load_config(config_file);
  const sync::RunResult result = sync::run_sync(config, options);
  print_summary(result, out);
  return result.exit_code;
}

namespace {

// What the exit code means for the operator, in the summary's first line.
std::string verdict(const sync::RunResult& r) {
  const auto& c = r.counts;
  const long long data_problems = c.not_accepted() - c.failed;
  switch (r.exit_code) {
    case kExitOk:
      return "succeeded";
    case kExitUndelivered:
      return "finished: " + std::to_string(c.failed) +
             " customers could not be delivered (AMLYZE unreachable, failing or not answering "
             "as AMLYZE), the next run resends them" +
             (data_problems > 0 ? "; " + std::to_string(data_problems) +
                                      " more not accepted for their data (see the ledger)"
                                : "");
    default:
      return "finished: " + std::to_string(data_problems) +
             " customers not accepted for their data (rejected, invalid, duplicate or held): "
             "see the ledger";
  }
}

}  // namespace

void print_summary(const sync::RunResult& r, std::ostream& out) {
  const auto& c = r.counts;
  const double rate =
      r.elapsed_seconds > 0 ? static_cast<double>(c.extracted) / r.elapsed_seconds : 0.0;
  out << "run " << r.run_id << " (" << sync::mode_name(r.mode) << ") " << verdict(r) << " (exit "
      << r.exit_code << ")\n"
      << "  window     from " << r.window_start << " (snapshot " << r.snapshot << ")\n"
      << "  extracted  " << c.extracted << "\n"
      << "  sent       created " << c.created << ", updated " << c.updated << " in " << c.batches
      << " batches\n"
      << "  skipped    unchanged " << c.unchanged << ", held (rejected before, same data) "
      << c.held << "\n"
      << "  problems   rejected " << c.rejected << ", invalid " << c.invalid << ", failed "
      << c.failed << ", duplicate " << c.duplicate << "\n"
      << "  http       " << c.http_requests << " requests, " << c.http_retries << " retries\n";
  if (r.resolved_in_flight > 0) {
    out << "  recovered  " << r.resolved_in_flight
        << " submissions left in flight by a run that ended abnormally\n";
  }
  if (r.not_in_source > 0) {
    out << "  missing    " << r.not_in_source << " customers to retry are not in the source\n";
  }
  out << "  time       " << std::fixed << std::setprecision(1) << r.elapsed_seconds << " s ("
      << std::setprecision(0) << rate << " customers/s)\n";
  if (r.watermark_after) out << "  watermark  " << *r.watermark_after << "\n";
  if (c.not_accepted() > 0) {
    out << "  see why:   sqlite3 -header -column LEDGER < sql/audit/not_accepted_last_run.sql\n";
  }
}

int command_report(const std::filesystem::path& config_file, long long run_id, std::ostream& out) {
  const Config config = load_config(config_file);
  ledger::Ledger ledger(config.ledger.path, ledger::Access::kReadOnly);
  const ledger::Params params = {{":run_id", std::to_string(run_id)}};
  if (!ledger.has_run(run_id)) {
    throw UsageError("no run " + std::to_string(run_id) + " in " + config.ledger.path.string() +
                     " (see amlyze-etl status)");
  }
  out << "run " << run_id << ": customers by outcome and error code\n"
      << ledger::format_table(ledger.audit_query("run_report.sql", params)) << "\nslowest batches\n"
      << ledger::format_table(ledger.audit_query("slowest_batches.sql", params));
  return kExitOk;
}

int command_status(const std::filesystem::path& config_file, std::ostream& out) {
  const Config config = load_config(config_file);
  ledger::Ledger ledger(config.ledger.path, ledger::Access::kReadOnly);
  const auto watermark = ledger.watermark();
  out << "ledger     " << config.ledger.path.string() << "\n"
      << "watermark  " << (watermark ? *watermark : "(none: the next run reads everything)")
      << "\n\nrecent runs\n"
      << ledger::format_table(ledger.audit_query("recent_runs.sql"))
      << "\ncustomers by latest outcome\n"
      << ledger::format_table(ledger.audit_query("customers_by_outcome.sql"));
  return kExitOk;
}

}  // namespace etl::cli
