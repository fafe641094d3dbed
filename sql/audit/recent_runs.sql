-- recent_runs.sql: the last 20 runs with their window and outcome counts, newest first.
-- Parameters: none.  Usage: sqlite3 -header -column var/ledger.sqlite < sql/audit/recent_runs.sql
SELECT run_id, command, mode, started_at, finished_at, outcome, exit_code,
       extracted, created, updated, unchanged, held, rejected, invalid, failed, duplicate,
       batches, window_start, watermark_after, error
FROM runs
ORDER BY run_id DESC
LIMIT 20;
