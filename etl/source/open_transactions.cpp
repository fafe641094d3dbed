#include "source/open_transactions.hpp"

namespace etl::source {
namespace {

// Sessions whose transactions can stamp customer rows: every backend of this database but this
// one, autovacuum workers and walsenders (they never write customer rows, and a long VACUUM
// would hold the watermark for hours) and parallel workers (their leader is listed). Extension
// background workers (job schedulers such as pg_cron) stay in: over-read, never under-read.
constexpr const char* kOtherSessions =
    "datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL "
    "AND backend_type NOT IN ('autovacuum worker', 'walsender', 'parallel worker')";

// statement_timestamp() is taken before pg_stat_activity is read, so a transaction that is not
// in the read started after it.
const std::string kOldestQuery =
    std::string(
        "SELECT statement_timestamp()::text, quote_ident(current_user), pg_is_in_recovery(), "
        "pg_has_role('pg_read_all_stats', 'USAGE'), o.xact_start::text, o.pid, "
        "o.application_name, "
        "(SELECT count(*) FROM pg_prepared_xacts WHERE database = current_database()), "
        "(SELECT min(prepared)::text FROM pg_prepared_xacts "
        "WHERE database = current_database()) "
        "FROM (SELECT 1) AS one LEFT JOIN LATERAL (SELECT xact_start, pid, "
        "application_name FROM pg_stat_activity WHERE ") +
    kOtherSessions + " ORDER BY xact_start LIMIT 1) AS o ON true";

constexpr int kListedIdle = 10;

const std::string kIdleQuery =
    std::string(
        "SELECT pid, coalesce(application_name, ''), "
        "floor(extract(epoch FROM statement_timestamp() - xact_start))::bigint "
        "FROM pg_stat_activity WHERE ") +
    kOtherSessions +
    " AND state IN ('idle in transaction', 'idle in transaction (aborted)') "
    "AND xact_start < statement_timestamp() - $1 * interval '1 second' "
    "ORDER BY xact_start LIMIT " +
    std::to_string(kListedIdle);

}  // namespace

std::optional<std::string> OpenTransactions::limit() const {
  if (oldest_start) return oldest_start;
  if (reliable()) return read_at;
  return std::nullopt;
}

std::string OpenTransactions::describe_oldest() const {
  return "a transaction open since " + oldest_start.value_or("?") + " (pid " +
         std::to_string(oldest_pid) + ", application_name \"" + oldest_application_name + "\")";
}

std::vector<std::string> OpenTransactions::warnings(int lookback_seconds) const {
  std::vector<std::string> out;
  const std::string can_miss =
      "a change committed by a transaction open longer than lookback_seconds (" +
      std::to_string(lookback_seconds) + ") can be missed";
  if (!unreadable.empty()) {
    out.push_back("cannot read pg_stat_activity (" + unreadable + "): " + can_miss);
  } else if (standby) {
    out.push_back(
        "the source is a standby, whose pg_stat_activity does not show the primary's "
        "transactions: " +
        can_miss + "; read from the primary");
  } else if (!visible) {
    out.push_back("role " + role + " cannot see other roles' transactions in pg_stat_activity: " +
                  can_miss + "; ask the DBA for: GRANT pg_read_all_stats TO " + role);
  }
  for (const IdleSession& session : idle) {
    out.push_back("session pid " + std::to_string(session.pid) + " (application_name \"" +
                  session.application_name + "\") has been idle in a transaction for " +
                  std::to_string(session.age_seconds) +
                  " s; it holds the watermark back until it ends");
  }
  if (prepared > 0) {
    out.push_back(std::to_string(prepared) +
                  " prepared transactions (two-phase commit) are pending in the source "
                  "database, the oldest since " +
                  oldest_prepared +
                  ": the watermark does not advance until they are committed or rolled back");
  }
  return out;
}

OpenTransactions read_open_transactions(pqxx::transaction_base& tx, int idle_warn_seconds) {
  OpenTransactions open;
  const pqxx::row r = tx.exec1(kOldestQuery);
  open.read_at = r[0].c_str();
  open.role = r[1].c_str();
  open.standby = r[2].as<bool>();
  open.visible = r[3].as<bool>();
  if (!r[4].is_null()) {
    open.oldest_start = r[4].c_str();
    open.oldest_pid = r[5].as<int>();
    open.oldest_application_name = r[6].is_null() ? "" : r[6].c_str();
  }
  open.prepared = r[7].as<long long>();
  if (!r[8].is_null()) open.oldest_prepared = r[8].c_str();
  for (const pqxx::row idle : tx.exec_params(kIdleQuery, idle_warn_seconds)) {
    open.idle.push_back({idle[0].as<int>(), idle[1].c_str(), idle[2].as<long long>()});
  }
  return open;
}

}  // namespace etl::source
