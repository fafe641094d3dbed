#include "sync/metrics_file.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>
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

std::string render(ledger::Database& db, long long run_id) {
  ledger::Statement run(db,
                        "SELECT command, mode, outcome, exit_code, "
                        "CAST(strftime('%s', started_at) AS INTEGER), "
                        "(julianday(finished_at) - julianday(started_at)) * 86400.0, "
                        "extracted, created, updated, unchanged, held, rejected, invalid, failed, "
                        "duplicate, batches, http_requests, http_retries FROM runs WHERE run_id = ?");
  run.bind(1, run_id);
  if (!run.step()) throw std::runtime_error("no run " + std::to_string(run_id) + " in the ledger");
  ledger::Statement success(db,
                            "SELECT CAST(strftime('%s', max(finished_at)) AS INTEGER) FROM runs "
                            "WHERE exit_code IN (" +
                                std::to_string(kExitOk) + ", " + std::to_string(kExitPartial) +
                                ") AND command = 'run' AND mode <> 'dry-run'");
  success.step();

  std::ostringstream out;
  const std::string labels = "{command=\"" + run.text(0) + "\",mode=\"" + run.text(1) + "\"}";
  gauge(out, "last_run_timestamp_seconds", "Start of the last run (Unix time).");
  out << "amlyze_etl_last_run_timestamp_seconds" << labels << ' ' << run.integer(4) << '\n';
  gauge(out, "last_run_duration_seconds", "Wall time of the last run.");
  out << "amlyze_etl_last_run_duration_seconds" << labels << ' ' << run.text(5) << '\n';
  const int code = static_cast<int>(run.integer(3));
  gauge(out, "last_run_exit_code",
        "Exit code of the last run (0 ok, 3 data problems only, 5 AMLYZE could not take "
        "customers, 1 aborted, ...).");
  out << "amlyze_etl_last_run_exit_code" << labels << ' ' << code << '\n';
  gauge(out, "last_run_success", "1 when the last run exited 0 or 3 (delivered all it could).");
  out << "amlyze_etl_last_run_success" << labels << ' ' << (counts_as_success(code) ? 1 : 0)
      << '\n';
  gauge(out, "last_success_timestamp_seconds",
        "End of the last run (not a dry run) that exited 0 or 3 (Unix time).");
  out << "amlyze_etl_last_success_timestamp_seconds "
      << (success.is_null(0) ? 0 : success.integer(0)) << '\n';
  gauge(out, "last_run_customers", "Customers of the last run by outcome.");
  for (int i = 0; i < 9; ++i) {
    out << "amlyze_etl_last_run_customers{outcome=\"" << kOutcomes[i] << "\"} "
        << run.integer(6 + i) << '\n';
  }
  gauge(out, "last_run_batches", "HTTP batch requests of the last run.");
  out << "amlyze_etl_last_run_batches " << run.integer(15) << '\n';
  gauge(out, "last_run_http_retries", "Requests of the last run that were retries.");
  out << "amlyze_etl_last_run_http_retries " << run.integer(17) << '\n';
  return out.str();
}

}  // namespace

void write_metrics(const std::filesystem::path& file, ledger::Database& db, long long run_id) {
  const std::string text = render(db, run_id);
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
