-- never_accepted.sql: customers the job has read from the source but AMLYZE has never accepted,
-- with their latest outcome and code: what is missing in AMLYZE and why.
-- Parameters: none.  Usage: sqlite3 -header -column var/ledger.sqlite < sql/audit/never_accepted.sql
SELECT c.customer_ext_id, c.entity_type, c.last_outcome, c.last_error_code, c.attempts,
       c.last_changed_at AS source_changed_at, c.updated_at AS ledger_updated_at
FROM customers AS c
WHERE c.accepted_hash IS NULL
ORDER BY c.last_outcome, c.customer_ext_id;
