-- sent_in_period.sql: every customer sent to AMLYZE in a period (UTC, inclusive from, exclusive
-- to), with the action, the communicationNumber and what came back.
-- Parameters: :from, :to (ISO-8601 text, e.g. 2026-11-01 and 2026-12-01).
-- Usage: sqlite3 -header -column -cmd ".parameter set :from 2026-11-01" \
--          -cmd ".parameter set :to 2026-12-01" var/ledger.sqlite < sql/audit/sent_in_period.sql
SELECT s.created_at AS sent_at, s.customer_ext_id, s.action, s.communication_number, s.outcome,
       s.error_code, s.run_id, s.batch_id
FROM submissions AS s
WHERE s.batch_id IS NOT NULL
  AND s.created_at >= :from AND s.created_at < :to
ORDER BY s.created_at, s.submission_id;
