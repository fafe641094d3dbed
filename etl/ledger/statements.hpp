// Ledger statements whose query plan a test checks, named here so that the test explains the
// statement the ledger runs and not a copy of it.
#pragma once

namespace etl::ledger {

// Ledger::resolve_abandoned, which every run starts with: ?1 the current run, ?2 the time. It
// must read the
// partial index submissions_in_flight, not scan every submission ever made.
inline constexpr const char kResolveInFlightSql[] =
    "UPDATE submissions SET outcome = 'unknown', finished_at = ?2, "
    "error_description = 'no answer recorded: run ' || run_id || "
    "' ended before it was (crash or kill); resent by run ' || ?1 "
    "WHERE outcome = 'in_flight' AND run_id <> ?1";

}  // namespace etl::ledger
