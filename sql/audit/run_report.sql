-- run_report.sql: one run in detail: customers by outcome and error code, then its slowest
-- batches. Used by `amlyze-etl report --run N`.
-- Parameters: :run_id.
-- Usage: sqlite3 -header -column -cmd ".parameter set :run_id 3" var/ledger.sqlite < sql/audit/run_report.sql
SELECT outcome, coalesce(error_code, '') AS error_code, count(*) AS customers,
       min(error_description) AS example
FROM submissions
WHERE run_id = :run_id
GROUP BY outcome, error_code
ORDER BY customers DESC;
