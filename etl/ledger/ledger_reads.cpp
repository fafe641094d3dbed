// The Ledger's read methods (declared in ledger.hpp). They live apart from ledger.cpp, the write
// path, because they change for other reasons (what status, report and the metrics show) and are
// methods rather than a class of their own because they share the run's connection and its worker
// thread: the metrics file is written by a run from its open ledger, after the sender threads'
// writes went through that same worker.
#include <string>

#include "ledger/ledger.hpp"
#include "util/embedded.hpp"
#include "util/errors.hpp"
#include "util/exit_codes.hpp"

namespace etl::ledger {
namespace {

constexpr const char* kSummarySql =
    "SELECT command, mode, outcome, exit_code, CAST(strftime('%s', started_at) AS INTEGER), "
    "(julianday(finished_at) - julianday(started_at)) * 86400.0, extracted, created, updated, "
    "unchanged, held, rejected, invalid, failed, duplicate, batches, http_requests, "
    "http_retries FROM runs WHERE run_id = ?";

// Columns 6 to 17 of kSummarySql, in this order.
constexpr long long RunCounts::*kCountColumns[] = {
    &RunCounts::extracted, &RunCounts::created,       &RunCounts::updated,
    &RunCounts::unchanged, &RunCounts::held,          &RunCounts::rejected,
    &RunCounts::invalid,   &RunCounts::failed,        &RunCounts::duplicate,
    &RunCounts::batches,   &RunCounts::http_requests, &RunCounts::http_retries};
constexpr int kFirstCountColumn = 6;

RunCounts read_counts(const Statement& s) {
  RunCounts c;
  int column = kFirstCountColumn;
  for (const auto field : kCountColumns) c.*field = s.integer(column++);
  return c;
}

std::optional<RunSummary> read_summary(Database& db, long long run_id) {
  Statement s(db, kSummarySql);
  if (!s.bind(1, run_id).step()) return std::nullopt;
  RunSummary out;
  out.run_id = run_id;
  out.command = s.text(0);
  out.mode = s.text(1);
  out.outcome = s.text(2);
  if (!s.is_null(3)) out.exit_code = static_cast<int>(s.integer(3));
  out.started_unix = s.integer(4);
  // Read as SQLite's text of the real (15 significant digits), which converts back exactly.
  if (!s.is_null(5)) out.duration_seconds = std::stod(s.text(5));
  out.counts = read_counts(s);
  return out;
}

}  // namespace

bool Ledger::has_run(long long run_id) {
  return with_db([&](Database& db) {
    Statement s(db, "SELECT 1 FROM runs WHERE run_id = ?");
    return s.bind(1, run_id).step();
  });
}

std::optional<RunSummary> Ledger::run_summary(long long run_id) {
  return with_db([&](Database& db) { return read_summary(db, run_id); });
}

std::optional<long long> Ledger::last_success_unix() {
  return with_db([](Database& db) -> std::optional<long long> {
    Statement s(db,
                "SELECT CAST(strftime('%s', max(finished_at)) AS INTEGER) FROM runs "
                "WHERE exit_code IN (?, ?) AND command = 'run' AND mode <> 'dry-run'");
    s.bind(1, static_cast<long long>(kExitOk)).bind(2, static_cast<long long>(kExitPartial));
    if (!s.step() || s.is_null(0)) return std::nullopt;
    return s.integer(0);
  });
}

Table Ledger::audit_query(const std::string& name, const Params& params) {
  const auto& files = embedded::files();
  const auto it = files.find("sql/audit/" + name);
  if (it == files.end()) throw LedgerError("no audit query named " + name);
  return with_db([&](Database& db) {
    Statement s(db, it->second);
    for (const auto& [key, value] : params) s.bind_named(key, value);
    Table t;
    t.columns = s.column_names();
    while (s.step()) {
      std::vector<std::string> row;
      for (std::size_t c = 0; c < t.columns.size(); ++c) {
        row.push_back(s.text(static_cast<int>(c)));
      }
      t.rows.push_back(std::move(row));
    }
    return t;
  });
}

}  // namespace etl::ledger
