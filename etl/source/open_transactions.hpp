// The transactions of other sessions that were open when the extract took its snapshot.
// Applications stamp a change with now(), the START of their transaction, and may commit long
// after: a change stamped before the snapshot but committed after it is invisible to this run,
// and the next run finds it only if the watermark has not passed its stamp. So the watermark
// never passes the start of a transaction open at the snapshot (DESIGN.md, "Change detection").
#pragma once

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

namespace etl::source {

// A session idle in a transaction for longer than the warning threshold: it holds the
// watermark back until it ends. Never its query text, which can quote customer data.
struct IdleSession {
  int pid = 0;
  std::string application_name;
  long long age_seconds = 0;
};

struct OpenTransactions {
  // The role sees the transactions of other roles' sessions (superuser or pg_read_all_stats);
  // without it pg_stat_activity shows NULL for them and only the lookback protects the run.
  bool visible = false;
  // The server is a standby: the primary's transactions are not in its pg_stat_activity.
  bool standby = false;
  std::string unreadable;  // why the check could not be made (describe_pg_error), if so
  std::string role;        // current_user, quoted as an identifier, for the grant to give
  std::string read_at;     // when pg_stat_activity was read, just before the snapshot (UTC text)
  // The oldest open transaction of another session on the same database, if any.
  std::optional<std::string> oldest_start;
  int oldest_pid = 0;
  std::string oldest_application_name;
  std::vector<IdleSession> idle;
  // Prepared (two-phase) transactions of this database: no session shows their start, which
  // precedes `oldest_prepared`, so the watermark stays where it was while one exists.
  long long prepared = 0;
  std::string oldest_prepared;

  // Whether the check can be trusted: otherwise the run relies on lookback_seconds alone.
  bool reliable() const { return visible && !standby; }
  // The time the watermark must not pass: the oldest open transaction's start, or the time of
  // the read (a transaction that starts after it stamps later). Without a reliable check, the
  // oldest transaction the role can see, if any.
  std::optional<std::string> limit() const;

  // "a transaction open since <oldest_start> (pid N, application_name "x")".
  std::string describe_oldest() const;
  // What the operator should know each run: why a change of a long transaction can be missed
  // (at most one line), sessions idle in a transaction, pending prepared transactions.
  std::vector<std::string> warnings(int lookback_seconds) const;
};

// Reads pg_stat_activity (and the role's rights) in `tx`, which must run before the extract's
// snapshot is taken, on its connection: a transaction open at the snapshot is then either seen
// here or started after `read_at`. Sessions idle in a transaction for more than
// `idle_warn_seconds` are listed. Throws pqxx errors.
OpenTransactions read_open_transactions(pqxx::transaction_base& tx, int idle_warn_seconds);

}  // namespace etl::source
