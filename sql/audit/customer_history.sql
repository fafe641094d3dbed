-- customer_history.sql: every submission of one customer, oldest first: when it was sent, with
-- which action and communicationNumber, and what AMLYZE answered.
-- Parameters: :ext_id (customerExtId).
-- Usage: sqlite3 -header -column var/ledger.sqlite \
--          -cmd ".parameter set :ext_id C0000001" < sql/audit/customer_history.sql
-- Found through the customer's id (index submissions_customer), plus the rows without one (a
-- `validate` of a customer no run had met), which the same index holds under NULL.
WITH mine AS (
  SELECT * FROM submissions
   WHERE customer_id = (SELECT c.customer_id FROM customers AS c WHERE c.customer_ext_id = :ext_id)
  UNION ALL
  SELECT * FROM submissions WHERE customer_id IS NULL AND customer_ext_id = :ext_id
)
SELECT s.run_id, s.batch_id, s.created_at, s.action, s.communication_number, s.outcome,
       s.error_code, s.error_description, b.http_status, s.payload_hash
FROM mine AS s
LEFT JOIN batches AS b ON b.batch_id = s.batch_id
ORDER BY s.submission_id;
