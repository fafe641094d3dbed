-- not_accepted_last_run.sql: customers rejected by AMLYZE, held back as invalid or duplicate, or
-- still failing in the most recent run, with the code and the reason.
-- Parameters: none.  Usage: sqlite3 -header -column var/ledger.sqlite < sql/audit/not_accepted_last_run.sql
SELECT s.customer_ext_id, s.outcome, s.action, s.error_code, s.error_description, s.finished_at
FROM submissions AS s
WHERE s.run_id = (SELECT max(run_id) FROM runs WHERE command = 'run' AND mode <> 'dry-run')
  AND s.outcome IN ('rejected', 'invalid', 'duplicate', 'failed', 'in_flight')
ORDER BY s.outcome, s.customer_ext_id;
