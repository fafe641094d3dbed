// Ledger statements whose query plan a test checks, named here so that the test explains the
// statement the ledger runs and not a copy of it.
#pragma once

namespace etl::ledger {

// Ledger::resolve_abandoned, which every run starts with: ?1 the current run, ?2 the time (Unix
// ms). It must read the partial index submissions_in_flight, not scan every submission ever made.
inline constexpr const char kResolveInFlightSql[] =
    "UPDATE submission_log SET outcome = 'unknown', finished_ms = ?2, "
    "error_description = 'no answer recorded: run ' || run_id || "
    "' ended before it was (crash or kill); resent by run ' || ?1 "
    "WHERE outcome = 'in_flight' AND run_id <> ?1";

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

inline constexpr const char kResultSql[] =
    "UPDATE submission_log SET outcome = ?1, error_code = ?2, "
    "error_description = ?3, finished_ms = ?4 WHERE submission_id = ?5";

}  // namespace etl::ledger
