#include "sync/metrics_file.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include "util/exit_codes.hpp"

namespace etl::sync {
namespace {

constexpr const char* kOutcomes[] = {"extracted", "created", "updated", "unchanged", "held",
                                     "rejected",  "invalid", "failed",  "duplicate"};

void gauge(std::ostream& out, const std::string& name, const std::string& help) {
  out << "# HELP amlyze_etl_" << name << ' ' << help << "\n# TYPE amlyze_etl_" << name
      << " gauge\n";
}

// As SQLite printed a real when it formatted the duration ("%!.15g"): 15 significant digits,
// and ".0" on a whole number, also before an exponent, so the file reads as it always did.
std::string seconds_text(double seconds) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.15g", seconds);
  std::string text = buffer;
  if (text.find_first_of(".in") != std::string::npos) return text;  // a fraction, inf, nan
  const std::size_t exponent = text.find('e');
  text.insert(exponent == std::string::npos ? text.size() : exponent, ".0");
  return text;
}

}  // namespace

std::string render_metrics(const ledger::RunSummary& run,
                           std::optional<long long> last_success_unix) {
  std::ostringstream out;
  const std::string labels = "{command=\"" + run.command + "\",mode=\"" + run.mode + "\"}";
  gauge(out, "last_run_timestamp_seconds", "Start of the last run (Unix time).");
  out << "amlyze_etl_last_run_timestamp_seconds" << labels << ' ' << run.started_unix << '\n';
  gauge(out, "last_run_duration_seconds", "Wall time of the last run.");
  out << "amlyze_etl_last_run_duration_seconds" << labels << ' '
      << (run.duration_seconds ? seconds_text(*run.duration_seconds) : "") << '\n';
  const int code = run.exit_code.value_or(0);
  gauge(out, "last_run_exit_code",
        "Exit code of the last run (0 ok, 3 data problems only, 5 AMLYZE could not take "
        "customers, 1 aborted, ...).");
  out << "amlyze_etl_last_run_exit_code" << labels << ' ' << code << '\n';
  gauge(out, "last_run_success", "1 when the last run exited 0 or 3 (delivered all it could).");
  out << "amlyze_etl_last_run_success" << labels << ' ' << (counts_as_success(code) ? 1 : 0)
      << '\n';
  gauge(out, "last_success_timestamp_seconds",
        "End of the last run (not a dry run) that exited 0 or 3 (Unix time).");
  out << "amlyze_etl_last_success_timestamp_seconds " << last_success_unix.value_or(0) << '\n';
  gauge(out, "last_run_customers", "Customers of the last run by outcome.");
  const ledger::RunCounts& c = run.counts;
  const long long by_outcome[] = {c.extracted, c.created, c.updated, c.unchanged, c.held,
                                  c.rejected,  c.invalid, c.failed,  c.duplicate};
  for (std::size_t i = 0; i < std::size(kOutcomes); ++i) {
    out << "amlyze_etl_last_run_customers{outcome=\"" << kOutcomes[i] << "\"} " << by_outcome[i]
        << '\n';
  }
  gauge(out, "last_run_batches", "HTTP batch requests of the last run.");
  out << "amlyze_etl_last_run_batches " << c.batches << '\n';
  gauge(out, "last_run_http_retries", "Requests of the last run that were retries.");
  out << "amlyze_etl_last_run_http_retries " << c.http_retries << '\n';
  return out.str();
}

void write_metrics(const std::filesystem::path& file, ledger::Ledger& ledger, long long run_id) {
  const std::optional<ledger::RunSummary> run = ledger.run_summary(run_id);
  if (!run) throw std::runtime_error("no run " + std::to_string(run_id) + " in the ledger");
  const std::string text = render_metrics(*run, ledger.last_success_unix());
  const std::filesystem::path temp =
      file.parent_path() / ("." + file.filename().string() + "." + std::to_string(getpid()));
  {
    std::ofstream out(temp, std::ios::trunc);
    out << text;
    out.flush();
    if (!out) throw std::runtime_error(temp.string() + ": cannot write the metrics file");
  }
  std::error_code ec;
  // node-exporter reads it as its own user: world-readable whatever the job's umask (the unit
  // sets 0027).
  std::filesystem::permissions(temp, std::filesystem::perms(0644),
                               std::filesystem::perm_options::replace, ec);
  if (!ec) std::filesystem::rename(temp, file, ec);
  if (ec) {
    std::filesystem::remove(temp, ec);
    throw std::runtime_error(file.string() + ": cannot write the metrics file");
  }
}

}  // namespace etl::sync
