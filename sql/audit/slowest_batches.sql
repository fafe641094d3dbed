-- slowest_batches.sql: the ten slowest requests of one run, with size and answer.
-- Parameters: :run_id.
-- Usage: sqlite3 -header -column -cmd ".parameter set :run_id 3" var/ledger.sqlite < sql/audit/slowest_batches.sql
SELECT batch_id, items, bytes, http_status, latency_ms, error, sent_at
FROM batches
WHERE run_id = :run_id
ORDER BY latency_ms DESC
LIMIT 10;
