-- customer_history.sql: every submission of one customer, oldest first: when it was sent, with
-- which action and communicationNumber, and what AMLYZE answered.
-- Parameters: :ext_id (customerExtId).
-- Usage: sqlite3 -header -column var/ledger.sqlite \
--          -cmd ".parameter set :ext_id C0000001" < sql/audit/customer_history.sql
SELECT s.run_id, s.batch_id, s.created_at, s.action, s.communication_number, s.outcome,
       s.error_code, s.error_description, b.http_status, s.payload_hash
FROM submissions AS s
LEFT JOIN batches AS b ON b.batch_id = s.batch_id
WHERE s.customer_ext_id = :ext_id
ORDER BY s.submission_id;
