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

// The customers `retry` picks. The partial index customers_unsettled (migration 0006) holds
// exactly these rows, and SQLite reads it only for a WHERE clause with this very term.
#define ETL_LEDGER_UNSETTLED "last_outcome IN ('in_flight', 'failed', 'rejected')"

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

}  // namespace etl::ledger
