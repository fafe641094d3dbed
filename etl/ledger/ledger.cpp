#include "ledger/ledger.hpp"

#include <algorithm>
#include <system_error>

#include "ledger/ledger_file.hpp"
#include "ledger/migrations.hpp"
#include "ledger/statements.hpp"
#include "util/errors.hpp"
#include "util/log.hpp"

namespace etl::ledger {
namespace {

constexpr const char* kNow = "strftime('%Y-%m-%dT%H:%M:%fZ')";

std::string now_sql(const std::string& sql) {
  std::string out = sql;
  for (auto at = out.find("NOW()"); at != std::string::npos; at = out.find("NOW()")) {
    out.replace(at, 5, kNow);
  }
  return out;
}

// Decides how to open what is at `path` before SQLite writes anything to it.
OpenMode prepare_file(const std::filesystem::path& path, Access access) {
  const LedgerFile found = inspect_ledger_file(path);
  if (access == Access::kReadOnly) {
    if (found == LedgerFile::kNone) {
      throw ConfigError("no ledger at " + path.string() +
                        ": check ledger.path in the config; a run creates it");
    }
    return OpenMode::kReadOnly;
  }
  if (found == LedgerFile::kNone) {
    create_ledger_folder(path);
    create_ledger_file(path);
  }
  warn_if_open_to_others(path);
  return found == LedgerFile::kNone ? OpenMode::kNew : OpenMode::kReadWrite;
}

// A ledger made before the application id existed is recognised by its migrations table
// (inspect_ledger_file) and stamped once.
void stamp(Database& db) {
  Statement id(db, "PRAGMA application_id");
  if (id.step() && id.integer(0) == kApplicationId) return;
  id.reset();
  db.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
  log_info(db.path() + ": stamped as an amlyze-etl ledger (application_id " +
           std::to_string(kApplicationId) + "; made by an earlier version)");
}

}  // namespace

const char* outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::kInFlight: return "in_flight";
    case Outcome::kAccepted: return "accepted";
    case Outcome::kRejected: return "rejected";
    case Outcome::kFailed: return "failed";
    case Outcome::kInvalid: return "invalid";
    case Outcome::kDuplicate: return "duplicate";
  }
  return "failed";
}

// Prepared once per ledger; reused for every row.
struct Ledger::Statements {
  explicit Statements(Database& db)
      : customer(db,
                 "SELECT accepted_hash, last_hash, last_outcome, coalesce(last_seen_run, 0), "
                 "coalesce(last_error_code, '') FROM customers WHERE customer_ext_id = ?"),
        touch(db, now_sql("INSERT INTO customers (customer_ext_id, entity_type, last_hash, "
                          "last_outcome, last_changed_at, last_seen_run, updated_at) "
                          "VALUES (?1, ?2, ?3, 'seen', ?4, ?5, NOW()) "
                          "ON CONFLICT (customer_ext_id) DO UPDATE SET entity_type = ?2, "
                          "last_hash = ?3, last_changed_at = ?4, last_seen_run = ?5, "
                          "updated_at = NOW()")),
        unsent(db, now_sql("INSERT INTO submissions (run_id, customer_ext_id, payload_hash, "
                           "outcome, error_code, error_description, created_at, finished_at) "
                           "VALUES (?, ?, ?, ?, ?, ?, NOW(), NOW())")),
        unsent_state(db, now_sql("UPDATE customers SET last_outcome = ?2, last_error_code = ?3, "
                                 "updated_at = NOW() WHERE customer_ext_id = ?1")),
        batch(db, now_sql("INSERT INTO batches (run_id, endpoint, items, bytes, sent_at) "
                          "VALUES (?, ?, ?, ?, NOW())")),
        intent(db, now_sql("INSERT INTO submissions (run_id, batch_id, customer_ext_id, "
                           "communication_number, action, payload_hash, outcome, created_at) "
                           "VALUES (?, ?, ?, ?, ?, ?, 'in_flight', NOW())")),
        intent_state(db, now_sql("UPDATE customers SET last_outcome = 'in_flight', "
                                 "last_error_code = NULL, attempts = attempts + 1, "
                                 "updated_at = NOW() WHERE customer_ext_id = ?")),
        answer(db, now_sql("UPDATE batches SET http_status = ?, error = ?, latency_ms = ?, "
                           "finished_at = NOW() WHERE batch_id = ?")),
        result(db, now_sql("UPDATE submissions SET outcome = ?, error_code = ?, "
                           "error_description = ?, finished_at = NOW() "
                           "WHERE communication_number = ?")),
        result_state(db, now_sql(
                             "UPDATE customers SET last_outcome = ?2, last_error_code = ?3, "
                             "accepted_hash = CASE WHEN ?2 = 'accepted' THEN ?4 ELSE "
                             "accepted_hash END, accepted_at = CASE WHEN ?2 = 'accepted' THEN "
                             "NOW() ELSE accepted_at END, updated_at = NOW() "
                             "WHERE customer_ext_id = ?1")) {}

  Statement customer, touch, unsent, unsent_state, batch, intent, intent_state, answer, result,
      result_state;
};

Ledger::Ledger(const std::filesystem::path& path, Access access)
    : db_(path.string(), prepare_file(path, access)) {
  if (access == Access::kReadWrite) {
    stamp(db_);
    migrate(db_);
  } else {
    check_schema(db_);
  }
  stmts_ = std::make_unique<Statements>(db_);
}

Ledger::~Ledger() = default;

long long Ledger::begin_run(const std::string& command, const std::string& mode,
                            std::optional<int> timeout_seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement s(db_, now_sql("INSERT INTO runs (command, mode, started_at, version, "
                           "timeout_seconds) VALUES (?, ?, NOW(), ?, ?)"));
  s.bind(1, command).bind(2, mode).bind(3, std::string_view(AMLYZE_ETL_VERSION));
  s.bind_optional(4, timeout_seconds).run();
  return db_.last_insert_id();
}

void Ledger::set_window(long long run, const std::string& window_start,
                        const std::string& snapshot) {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement s(db_, "UPDATE runs SET window_start = ?, snapshot_at = ? WHERE run_id = ?");
  s.bind(1, window_start).bind(2, snapshot).bind(3, run).run();
}

void Ledger::finish_run(long long run, const std::string& outcome, int exit_code,
                        const RunCounts& c, const std::optional<std::string>& watermark_after,
                        const std::string& error) {
  std::lock_guard<std::mutex> lock(mutex_);
  FullSync durable(db_);  // the run's last answers and its summary are on disk at exit
  Statement s(db_, now_sql("UPDATE runs SET finished_at = NOW(), outcome = ?, exit_code = ?, "
                           "extracted = ?, created = ?, updated = ?, unchanged = ?, held = ?, "
                           "rejected = ?, invalid = ?, failed = ?, duplicate = ?, batches = ?, "
                           "watermark_after = ?, error = ?, http_requests = ?, http_retries = ? "
                           "WHERE run_id = ?"));
  s.bind(1, outcome).bind(2, static_cast<long long>(exit_code)).bind(3, c.extracted);
  s.bind(4, c.created).bind(5, c.updated).bind(6, c.unchanged).bind(7, c.held);
  s.bind(8, c.rejected).bind(9, c.invalid).bind(10, c.failed).bind(11, c.duplicate);
  s.bind(12, c.batches).bind_optional(13, watermark_after);
  if (error.empty()) {
    s.bind_null(14);
  } else {
    s.bind(14, error);
  }
  s.bind(15, c.http_requests).bind(16, c.http_retries).bind(17, run).run();
}

long long Ledger::resolve_abandoned(long long current_run) {
  std::lock_guard<std::mutex> lock(mutex_);
  Transaction tx(db_);
  Statement s(db_, now_sql(kResolveInFlightSql));
  s.bind(1, current_run).run();
  const long long resolved = sqlite3_changes(db_.handle());
  Statement c(db_, now_sql("UPDATE customers SET last_outcome = 'failed', updated_at = NOW() "
                           "WHERE last_outcome = 'in_flight'"));
  c.run();
  Statement r(db_, "UPDATE runs SET outcome = 'crashed', error = 'ended without finishing "
                   "(crash or kill)' WHERE outcome = 'running' AND run_id <> ?1");
  r.bind(1, current_run).run();
  tx.commit();
  return resolved;
}

UnsettledSends Ledger::unsettled_sends(long long current_run, std::optional<int> grace_seconds,
                                       int fallback_seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  // Crashed runs are rare and each is one lookup in batches_run. SQLite computes the time left
  // against the clock that stamped sent_at, rounded up to the next millisecond.
  Statement runs(db_,
                 "SELECT r.run_id, CAST(round((julianday(max(b.sent_at)) "
                 "- julianday('now')) * 86400000.0) AS INTEGER) + 1 + 1000 * "
                 "coalesce(?2, r.timeout_seconds, ?3) AS wait_ms FROM runs r JOIN batches b "
                 "ON b.run_id = r.run_id WHERE r.outcome = 'crashed' AND r.run_id <> ?1 AND "
                 "r.command <> 'validate' GROUP BY r.run_id HAVING wait_ms > 0");
  runs.bind(1, current_run).bind_optional(2, grace_seconds);
  runs.bind(3, static_cast<long long>(fallback_seconds));
  UnsettledSends out;
  std::vector<long long> dead;
  while (runs.step()) {
    dead.push_back(runs.integer(0));
    out.wait_ms = std::max(out.wait_ms, runs.integer(1));
  }
  Statement cut(db_,
                "SELECT DISTINCT customer_ext_id FROM submissions WHERE run_id = ? AND "
                "outcome = 'unknown' AND customer_ext_id IS NOT NULL");
  for (long long run : dead) {
    cut.bind(1, run);
    while (cut.step()) out.ext_ids.push_back(cut.text(0));
    cut.reset();
  }
  if (out.ext_ids.empty()) out = UnsettledSends{};
  return out;
}

std::vector<std::string> Ledger::retry_candidates(const std::optional<std::string>& ext_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement s(db_, ext_id ? "SELECT customer_ext_id FROM customers WHERE customer_ext_id = ?"
                          : "SELECT customer_ext_id FROM customers WHERE last_outcome IN "
                            "('failed', 'rejected', 'in_flight') ORDER BY customer_ext_id");
  if (ext_id) s.bind(1, *ext_id);
  std::vector<std::string> out;
  while (s.step()) out.push_back(s.text(0));
  if (ext_id && out.empty()) out.push_back(*ext_id);  // unknown to the ledger: read it anyway
  return out;
}

std::optional<std::string> Ledger::watermark() {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement s(db_, "SELECT value FROM sync_state WHERE key = 'watermark'");
  if (!s.step()) return std::nullopt;
  return s.text(0);
}

void Ledger::set_watermark(const std::string& value, long long run) {
  std::lock_guard<std::mutex> lock(mutex_);
  FullSync durable(db_);
  Statement s(db_, now_sql("INSERT INTO sync_state (key, value, run_id, updated_at) "
                           "VALUES ('watermark', ?1, ?2, NOW()) ON CONFLICT (key) DO UPDATE "
                           "SET value = ?1, run_id = ?2, updated_at = NOW()"));
  s.bind(1, value).bind(2, run).run();
}

std::optional<CustomerState> Ledger::customer(const std::string& ext_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement& s = stmts_->customer;
  s.bind(1, ext_id);
  std::optional<CustomerState> out;
  if (s.step()) {
    out = CustomerState{s.optional_text(0), s.optional_text(1), s.text(2), s.integer(3),
                        s.text(4)};
  }
  s.reset();
  return out;
}

void Ledger::touch(long long run, const std::string& ext_id, const std::string& entity_type,
                   const std::string& hash, const std::string& changed_at) {
  std::lock_guard<std::mutex> lock(mutex_);
  stmts_->touch.bind(1, ext_id).bind(2, entity_type).bind(3, hash).bind(4, changed_at);
  stmts_->touch.bind(5, run).run();
}

void Ledger::record_unsent(long long run, const std::string& ext_id, const std::string& hash,
                           Outcome outcome, const std::string& code,
                           const std::string& description) {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::optional<std::string> ext =
      ext_id.empty() ? std::nullopt : std::optional<std::string>(ext_id);
  stmts_->unsent.bind(1, run).bind_optional(2, ext).bind(3, hash).bind(4, outcome_name(outcome));
  stmts_->unsent.bind(5, code).bind(6, description).run();
  // A duplicate does not change the state of the version that was kept.
  if (ext && outcome != Outcome::kDuplicate && !audit_only_) {
    stmts_->unsent_state.bind(1, *ext).bind(2, outcome_name(outcome)).bind(3, code).run();
  }
}

void Ledger::begin_work() {
  std::lock_guard<std::mutex> lock(mutex_);
  work_wanted_ = true;
  resume_work();
}

void Ledger::commit_work() {
  std::lock_guard<std::mutex> lock(mutex_);
  work_wanted_ = false;
  suspend_work();
}

void Ledger::suspend_work() {
  if (!work_) return;
  work_->commit();
  work_.reset();
}

void Ledger::resume_work() {
  if (work_wanted_ && !work_) work_ = std::make_unique<Transaction>(db_);
}

long long Ledger::record_intents(long long run, const std::string& endpoint, std::size_t bytes,
                                 const std::vector<Intent>& intents) {
  std::lock_guard<std::mutex> lock(mutex_);
  suspend_work();
  long long batch_id = 0;
  {
    // On disk before the request goes out, with everything committed before it (the rows
    // planned so far, earlier answers): the one fsync per batch.
    FullSync durable(db_);
    Transaction tx(db_);
    stmts_->batch.bind(1, run).bind(2, endpoint).bind(3, static_cast<long long>(intents.size()));
    stmts_->batch.bind(4, static_cast<long long>(bytes)).run();
    batch_id = db_.last_insert_id();
    for (const Intent& i : intents) {
      stmts_->intent.bind(1, run).bind(2, batch_id).bind(3, i.ext_id);
      stmts_->intent.bind(4, i.communication_number).bind(5, i.action).bind(6, i.hash).run();
      if (!audit_only_) stmts_->intent_state.bind(1, i.ext_id).run();
    }
    tx.commit();
  }
  resume_work();
  return batch_id;
}

void Ledger::record_results(long long batch_id, const BatchAnswer& answer,
                            const std::vector<ItemResult>& results) {
  std::lock_guard<std::mutex> lock(mutex_);
  suspend_work();
  Transaction tx(db_);
  Statement& a = stmts_->answer;
  if (answer.http_status) {
    a.bind(1, static_cast<long long>(*answer.http_status));
  } else {
    a.bind_null(1);
  }
  if (answer.error.empty()) {
    a.bind_null(2);
  } else {
    a.bind(2, answer.error);
  }
  a.bind(3, answer.latency_ms).bind(4, batch_id).run();
  for (const ItemResult& r : results) {
    const std::optional<std::string> code =
        r.error_code.empty() ? std::nullopt : std::optional<std::string>(r.error_code);
    const std::optional<std::string> text = r.error_description.empty()
                                                ? std::nullopt
                                                : std::optional<std::string>(r.error_description);
    stmts_->result.bind(1, outcome_name(r.outcome)).bind_optional(2, code).bind_optional(3, text);
    stmts_->result.bind(4, r.communication_number).run();
    if (audit_only_) continue;
    stmts_->result_state.bind(1, r.ext_id).bind(2, outcome_name(r.outcome)).bind_optional(3, code);
    stmts_->result_state.bind(4, r.hash).run();
  }
  tx.commit();
  resume_work();
}

}  // namespace etl::ledger
