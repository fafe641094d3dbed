// Ledger statements whose query plan a test checks, named here so that the test explains the
// statement the ledger runs and not a copy of it.
#pragma once

namespace etl::ledger {

// Ledger::resolve_abandoned, which every run starts with: ?1 the current run, ?2 the time (Unix
// ms). A submission is in flight while its intent has no answer row (migration 0008); every
// submission up to sync_state 'customers_through' was settled when that was written, so only the
// ones after it are read, through the primary key, not every submission ever made.
inline constexpr const char kResolveInFlightSql[] =
    "INSERT INTO submission_answer (submission_id, outcome, error_description, finished_ms) "
    "SELECT s.submission_id, 'unknown', 'no answer recorded: run ' || s.run_id || "
    "' ended before it was (crash or kill); resent by run ' || ?1, ?2 FROM submission_log AS s "
    "WHERE s.submission_id > coalesce((SELECT CAST(value AS INTEGER) FROM sync_state WHERE "
    "key = 'customers_through'), 0) AND s.outcome = 'in_flight' AND s.run_id <> ?1 AND "
    "NOT EXISTS (SELECT 1 FROM submission_answer AS a WHERE a.submission_id = s.submission_id)";

// The customers `retry` picks. The partial index customers_unsettled (migration 0007) holds
// exactly these rows, and SQLite reads it only for a WHERE clause with this very term. OR, not
// IN: see the migration.
#define ETL_LEDGER_UNSETTLED \
  "(last_outcome = 'in_flight' OR last_outcome = 'failed' OR last_outcome = 'rejected')"

// Ledger::resolve_abandoned, after kResolveInFlightSql: ?1 the time (Unix ms). Through the
// partial index, not a scan of every customer.
inline constexpr const char kCustomersInFlightSql[] =
    "UPDATE customer_state SET last_outcome = 'failed', updated_ms = ?1 WHERE " ETL_LEDGER_UNSETTLED
    " AND last_outcome = 'in_flight'";

// Ledger::retry_candidates without an id: through the partial index.
inline constexpr const char kRetryCandidatesSql[] =
    "SELECT customer_ext_id FROM customer_state WHERE " ETL_LEDGER_UNSETTLED
    " ORDER BY customer_ext_id";

#undef ETL_LEDGER_UNSETTLED

// The statements run once or more per customer on a first load (CustomerStates::flush, and
// Ledger::record_intents and record_results). Each must do its row's work and no more: a test
// checks that none builds a temporary b-tree (SQLite's OpenEphemeral) each time it runs.
inline constexpr const char kWriteBackCustomerSql[] =
    "INSERT INTO customer_state (customer_id, customer_ext_id, entity_type, accepted_hash, "
    "accepted_ms, last_hash, last_error_code, last_changed_at, last_outcome, last_seen_run, "
    "attempts, updated_ms) VALUES (?1, ?2, nullif(?3, ''), ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
    "ON CONFLICT (customer_id) DO UPDATE SET entity_type = excluded.entity_type, "
    "accepted_hash = excluded.accepted_hash, accepted_ms = excluded.accepted_ms, "
    "last_hash = excluded.last_hash, last_error_code = excluded.last_error_code, "
    "last_changed_at = excluded.last_changed_at, last_outcome = excluded.last_outcome, "
    "last_seen_run = excluded.last_seen_run, attempts = excluded.attempts, "
    "updated_ms = excluded.updated_ms";

inline constexpr const char kIntentSql[] =
    "INSERT INTO submission_log (run_id, batch_id, customer_id, customer_ext_id, "
    "communication_number, action, payload_hash, outcome, created_ms) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, 'in_flight', ?)";

// An answer, appended: ?1 outcome, ?2 error code, ?3 description, ?4 time (Unix ms), ?5 the
// submission_id. REPLACE: a second answer to one submission (never seen) keeps the last, as the
// UPDATE this replaces did.
inline constexpr const char kResultSql[] =
    "INSERT OR REPLACE INTO submission_answer (submission_id, outcome, error_code, "
    "error_description, finished_ms) VALUES (?5, ?1, ?2, ?3, ?4)";

}  // namespace etl::ledger
