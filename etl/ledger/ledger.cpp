#include "ledger/ledger.hpp"

#include <algorithm>
#include <chrono>
#include <system_error>

#include "ledger/compact.hpp"
#include "ledger/ledger_file.hpp"
#include "ledger/migrations.hpp"
#include "ledger/statements.hpp"
#include "util/enum_names.hpp"
#include "util/errors.hpp"
#include "util/log.hpp"

namespace etl::ledger {
namespace {

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

constexpr EnumName<Outcome> kOutcomeNames[] = {
    {Outcome::kInFlight, "in_flight"}, {Outcome::kAccepted, "accepted"},
    {Outcome::kRejected, "rejected"},  {Outcome::kFailed, "failed"},
    {Outcome::kInvalid, "invalid"},    {Outcome::kDuplicate, "duplicate"},
    {Outcome::kUnknown, "unknown"}};

}  // namespace

const char* outcome_name(Outcome outcome) { return enum_name(kOutcomeNames, outcome); }

Outcome parse_outcome(std::string_view text) {
  return parse_enum<LedgerError>(kOutcomeNames, text, "submission outcome");
}

// Prepared once per ledger; reused for every row. Times are bound, formatted once in C++.
struct Ledger::Statements {
  explicit Statements(Database& db)
      : unsent(db,
               "INSERT INTO submission_log (run_id, customer_id, customer_ext_id, payload_hash, "
               "outcome, error_code, error_description, created_ms, finished_ms) "
               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)"),
        batch(db,
              "INSERT INTO batches (run_id, endpoint, items, bytes, sent_at) "
              "VALUES (?, ?, ?, ?, ?)"),
        intent(db, kIntentSql),
        answer(db,
               "UPDATE batches SET http_status = ?, error = ?, latency_ms = ?, "
               "finished_at = ? WHERE batch_id = ?"),
        result(db, kResultSql),
        result_by_number(db,
                         "INSERT OR REPLACE INTO submission_answer (submission_id, outcome, "
                         "error_code, error_description, finished_ms) SELECT submission_id, ?1, "
                         "?2, ?3, ?4 FROM submission_log WHERE communication_number = ?5"),
        // ?2: the first submission still in flight (NULL: none); every one before it is settled.
        through(db,
                "INSERT INTO sync_state (key, value, updated_at) VALUES ('customers_through', "
                "coalesce(?2 - 1, (SELECT max(submission_id) FROM submission_log), 0), ?1) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                "updated_at = excluded.updated_at") {}

  Statement unsent, batch, intent, answer, result, result_by_number, through;
};

namespace {

constexpr auto kIdleCommit = std::chrono::milliseconds(1000);

std::optional<std::string> unless_empty(const std::string& text) {
  return text.empty() ? std::nullopt : std::optional<std::string>(text);
}

CustomerState state_of(const CustomerRow& row) {
  return CustomerState{row.accepted_hash, row.last_hash, row.last_outcome, row.last_seen_run,
                       row.last_error_code.value_or("")};
}

}  // namespace

Ledger::Ledger(const std::filesystem::path& path, Access access)
    : db_(path.string(), prepare_file(path, access)) {
  if (access == Access::kReadWrite) {
    stamp(db_);
    migrate(db_);
  } else {
    check_schema(db_);
  }
  stmts_ = std::make_unique<Statements>(db_);
  states_ = std::make_unique<CustomerStates>(db_);
  worker_ = std::make_unique<LedgerWorker>([this] { commit_group(); }, kIdleCommit);
}

Ledger::~Ledger() {
  try {
    flush();
  } catch (const std::exception& e) {
    log_error(std::string("ledger: could not write the last rows back: ") + e.what());
  }
}

void Ledger::open_group() {
  if (!group_) group_ = std::make_unique<Transaction>(db_);
}

void Ledger::commit_group() {
  if (!group_) return;
  if (states_->full()) {
    write_back();
    return;
  }
  group_->commit();
  group_.reset();
}

void Ledger::write_back() {
  open_group();
  const long long now = unix_now_ms();
  if (states_->flush(now) > 0) {
    // In flight now: this run's unanswered intents. Those of earlier runs were resolved before
    // this run wrote anything back (resolve_abandoned), and no other run writes meanwhile.
    std::optional<long long> first_in_flight;
    for (const auto& intent : unanswered_) {
      if (!first_in_flight || intent.second < *first_in_flight) first_in_flight = intent.second;
    }
    stmts_->through.bind(1, utc_iso(now)).bind_optional(2, first_in_flight).run();
  }
  group_->commit();
  group_.reset();
}

void Ledger::flush() {
  worker_->call([this] { write_back(); });
}

void Ledger::set_audit_only(bool on) {
  worker_->call([this, on] { audit_only_ = on; });
}

long long Ledger::begin_run(const std::string& command, const std::string& mode,
                            std::optional<int> timeout_seconds) {
  return with_db([&](Database& db) {
    Statement s(db,
                "INSERT INTO runs (command, mode, started_at, version, timeout_seconds) "
                "VALUES (?, ?, ?, ?, ?)");
    s.bind(1, command).bind(2, mode).bind(3, utc_now_iso());
    s.bind(4, std::string_view(AMLYZE_ETL_VERSION)).bind_optional(5, timeout_seconds).run();
    return db.last_insert_id();
  });
}

void Ledger::set_window(long long run, const std::string& window_start,
                        const std::string& snapshot) {
  with_db([&](Database& db) {
    Statement s(db, "UPDATE runs SET window_start = ?, snapshot_at = ? WHERE run_id = ?");
    s.bind(1, window_start).bind(2, snapshot).bind(3, run).run();
  });
}

void Ledger::finish_run(long long run, const std::string& outcome, int exit_code,
                        const RunCounts& c, const std::optional<std::string>& watermark_after,
                        const std::string& error) {
  with_db([&](Database& db) {
    Statement s(db,
                "UPDATE runs SET finished_at = ?, outcome = ?, exit_code = ?, "
                "extracted = ?, created = ?, updated = ?, unchanged = ?, held = ?, "
                "rejected = ?, invalid = ?, failed = ?, duplicate = ?, batches = ?, "
                "watermark_after = ?, error = ?, http_requests = ?, http_retries = ? "
                "WHERE run_id = ?");
    s.bind(1, utc_now_iso()).bind(2, outcome).bind(3, static_cast<long long>(exit_code));
    s.bind(4, c.extracted).bind(5, c.created).bind(6, c.updated).bind(7, c.unchanged);
    s.bind(8, c.held).bind(9, c.rejected).bind(10, c.invalid).bind(11, c.failed);
    s.bind(12, c.duplicate).bind(13, c.batches).bind_optional(14, watermark_after);
    s.bind_optional(15, unless_empty(error)).bind(16, c.http_requests);
    s.bind(17, c.http_retries).bind(18, run).run();
  });
}

long long Ledger::resolve_abandoned(long long current_run) {
  return with_db([&](Database& db) {
    Transaction tx(db);
    const long long now = unix_now_ms();
    Statement s(db, kResolveInFlightSql);
    s.bind(1, current_run).bind(2, now).run();
    const long long resolved = sqlite3_changes(db.handle());
    Statement c(db, kCustomersInFlightSql);
    c.bind(1, now).run();
    Statement r(db,
                "UPDATE runs SET outcome = 'crashed', error = 'ended without finishing "
                "(crash or kill)' WHERE outcome = 'running' AND run_id <> ?1");
    r.bind(1, current_run).run();
    tx.commit();
    rebuild_customers(db, *states_, current_run);
    write_back();
    return resolved;
  });
}

UnsettledSends Ledger::unsettled_sends(long long current_run, std::optional<int> grace_seconds,
                                       int fallback_seconds) {
  return with_db([&](Database& db) {
    // Crashed runs are rare and each is one lookup in batches_run. SQLite computes the time left
    // against the clock that stamped sent_at, rounded up to the next millisecond.
    Statement runs(db,
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
    Statement cut(db,
                  "SELECT DISTINCT s.customer_ext_id FROM submission_log AS s LEFT JOIN "
                  "submission_answer AS a USING (submission_id) WHERE s.run_id = ? AND "
                  "coalesce(a.outcome, s.outcome) = 'unknown' AND "
                  "s.customer_ext_id IS NOT NULL");
    for (long long run : dead) {
      cut.bind(1, run);
      while (cut.step()) out.ext_ids.push_back(cut.text(0));
      cut.reset();
    }
    if (out.ext_ids.empty()) out = UnsettledSends{};
    return out;
  });
}

std::vector<std::string> Ledger::retry_candidates(const std::optional<std::string>& ext_id) {
  return with_db([&](Database& db) {
    Statement s(db, ext_id ? "SELECT customer_ext_id FROM customer_state WHERE customer_ext_id = ?"
                           : kRetryCandidatesSql);
    if (ext_id) s.bind(1, *ext_id);
    std::vector<std::string> out;
    while (s.step()) out.push_back(s.text(0));
    if (ext_id && out.empty()) out.push_back(*ext_id);  // unknown to the ledger: read it anyway
    return out;
  });
}

std::optional<std::string> Ledger::watermark() {
  return with_db([](Database& db) -> std::optional<std::string> {
    Statement s(db, "SELECT value FROM sync_state WHERE key = 'watermark'");
    if (!s.step()) return std::nullopt;
    return s.text(0);
  });
}

void Ledger::set_watermark(const std::string& value, long long run) {
  with_db([&](Database& db) {
    Statement s(db,
                "INSERT INTO sync_state (key, value, run_id, updated_at) "
                "VALUES ('watermark', ?1, ?2, ?3) ON CONFLICT (key) DO UPDATE "
                "SET value = ?1, run_id = ?2, updated_at = ?3");
    s.bind(1, value).bind(2, run).bind(3, utc_now_iso()).run();
  });
}

std::optional<CustomerState> Ledger::customer(const std::string& ext_id) {
  return customers({ext_id}).front();
}

std::vector<std::optional<CustomerState>> Ledger::customers(
    const std::vector<std::string>& ext_ids) {
  return worker_->call([&] {
    // Inside the group's transaction: outside one, every lookup would be a read transaction of
    // its own, each taking and dropping the WAL's read lock (fcntl calls per customer).
    open_group();
    std::vector<std::optional<CustomerState>> out;
    out.reserve(ext_ids.size());
    for (const std::string& id : ext_ids) {
      const CustomerRow* row = states_->find(id);
      out.push_back(row ? std::optional<CustomerState>(state_of(*row)) : std::nullopt);
    }
    // Rows read and not changed (dry runs, validation) are let go too: memory stays flat.
    if (states_->full()) write_back();
    return out;
  });
}

void Ledger::touch(long long run, const std::string& ext_id, const std::string& entity_type,
                   const std::string& hash, const std::string& changed_at) {
  touch(run, {Seen{ext_id, entity_type, hash, changed_at}});
}

void Ledger::touch(long long run, std::vector<Seen> seen) {
  if (seen.empty()) return;
  worker_->post([this, run, seen = std::move(seen)] {
    for (const Seen& s : seen) {
      CustomerRow& row = states_->get(s.ext_id);
      row.entity_type = s.entity_type;
      row.last_hash = s.hash;
      row.last_changed_at = s.changed_at;
      row.last_seen_run = run;
      row.dirty = true;
    }
  });
}

void Ledger::record_unsent(long long run, const std::string& ext_id, const std::string& hash,
                           Outcome outcome, const std::string& code,
                           const std::string& description) {
  worker_->post([=] {
    std::optional<long long> customer_id;
    // A duplicate does not change the state of the version that was kept.
    if (!ext_id.empty() && outcome != Outcome::kDuplicate && !audit_only_) {
      CustomerRow& row = states_->get(ext_id);
      row.last_outcome = outcome_name(outcome);
      row.last_error_code = code;
      row.dirty = true;
      customer_id = row.id;
    } else if (const CustomerRow* row = ext_id.empty() ? nullptr : states_->find(ext_id)) {
      customer_id = row->id;
    }
    open_group();
    Statement& s = stmts_->unsent;
    s.bind(1, run).bind_optional(2, customer_id).bind_optional(3, unless_empty(ext_id));
    bind_hash(s, 4, hash);
    s.bind(5, outcome_name(outcome)).bind(6, code).bind(7, description);
    s.bind(8, unix_now_ms()).run();
  });
}

long long Ledger::record_intents(long long run, const std::string& endpoint, std::size_t bytes,
                                 const std::vector<Intent>& intents) {
  return worker_->call([&] {
    open_group();
    const long long now = unix_now_ms();
    Statement& b = stmts_->batch;
    b.bind(1, run).bind(2, endpoint).bind(3, static_cast<long long>(intents.size()));
    b.bind(4, static_cast<long long>(bytes)).bind(5, utc_iso(now)).run();
    const long long batch_id = db_.last_insert_id();
    for (const Intent& i : intents) {
      std::optional<long long> customer_id;
      if (!audit_only_) {
        CustomerRow& row = states_->get(i.ext_id);
        row.last_outcome = outcome_name(Outcome::kInFlight);
        row.last_error_code.reset();
        ++row.attempts;
        row.dirty = true;
        customer_id = row.id;
      } else if (const CustomerRow* row = states_->find(i.ext_id)) {
        customer_id = row->id;
      }
      Statement& s = stmts_->intent;
      s.bind(1, run).bind(2, batch_id).bind_optional(3, customer_id).bind(4, i.ext_id);
      s.bind(5, i.communication_number).bind(6, model::action_name(i.action));
      bind_hash(s, 7, i.hash);
      s.bind(8, now).run();
      unanswered_[i.communication_number] = db_.last_insert_id();
    }
    // On disk before the request goes out, with every write handed over before it (the rows
    // planned so far, earlier answers): the one fsync per batch.
    commit_group();
    return batch_id;
  });
}

void Ledger::record_results(long long batch_id, const BatchAnswer& answer,
                            std::vector<ItemResult> results) {
  // When the answer came, not when the worker gets to it: a retry's pause is measured from it.
  const long long now = unix_now_ms();
  worker_->post([this, batch_id, answer, now, results = std::move(results)] {
    open_group();
    Statement& a = stmts_->answer;
    a.bind_optional(
        1, answer.http_status ? std::optional<long long>(*answer.http_status) : std::nullopt);
    a.bind_optional(2, unless_empty(answer.error)).bind(3, answer.latency_ms);
    a.bind(4, utc_iso(now));
    a.bind(5, batch_id).run();
    for (const ItemResult& r : results) {
      const std::optional<std::string> code = unless_empty(r.error_code);
      const auto intent = unanswered_.find(r.communication_number);
      const bool known = intent != unanswered_.end();
      Statement& s = known ? stmts_->result : stmts_->result_by_number;
      s.bind(1, outcome_name(r.outcome)).bind_optional(2, code);
      s.bind_optional(3, unless_empty(r.error_description)).bind(4, now);
      if (known) {
        s.bind(5, intent->second).run();
        unanswered_.erase(intent);
      } else {
        s.bind(5, r.communication_number).run();
      }
      if (audit_only_) continue;
      CustomerRow& row = states_->get(r.ext_id);
      row.last_outcome = outcome_name(r.outcome);
      row.last_error_code = code;
      if (r.outcome == Outcome::kAccepted) {
        row.accepted_hash = r.hash;
        row.accepted_ms = now;
      }
      row.dirty = true;
    }
  });
}

}  // namespace etl::ledger
