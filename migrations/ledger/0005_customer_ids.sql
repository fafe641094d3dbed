-- 0005_customer_ids.sql: compact keys for the write path (issue 11).
-- Each customer gets a stable integer id, given in the order the job first meets it, and each
-- submission names it. The index that finds a customer's submissions is keyed by that id: a
-- first load appends to it in order, where the old key (customerExtId) put every batch's rows
-- on pages all over the index, and every batch's commit rewrote them. The customers table keeps
-- every documented column; customer_ext_id stays UNIQUE and submissions keep customer_ext_id,
-- so saved audit SQL works unchanged (sql/audit/customer_history.sql goes through the id, fast).

CREATE TABLE customers_0005 (
  customer_id      INTEGER PRIMARY KEY,   -- stable: submissions.customer_id refers to it
  customer_ext_id  TEXT NOT NULL UNIQUE,
  entity_type      TEXT,
  accepted_hash    TEXT,     -- payload hash AMLYZE last accepted; NULL: never accepted
  accepted_at      TEXT,
  last_hash        TEXT,     -- hash of the last version seen
  last_outcome     TEXT NOT NULL,   -- as submissions.outcome, or seen
  last_error_code  TEXT,
  last_changed_at  TEXT,     -- source `_changed_at` of the last version seen
  last_seen_run    INTEGER,  -- detects the same customerExtId twice in one extract
  attempts         INTEGER NOT NULL DEFAULT 0,   -- requests sent for this customer, all runs
  updated_at       TEXT NOT NULL
);
INSERT INTO customers_0005 (customer_id, customer_ext_id, entity_type, accepted_hash, accepted_at,
                            last_hash, last_outcome, last_error_code, last_changed_at,
                            last_seen_run, attempts, updated_at)
SELECT rowid, customer_ext_id, entity_type, accepted_hash, accepted_at, last_hash, last_outcome,
       last_error_code, last_changed_at, last_seen_run, attempts, updated_at
  FROM customers ORDER BY rowid;
DROP TABLE customers;
ALTER TABLE customers_0005 RENAME TO customers;
CREATE INDEX customers_outcome ON customers (last_outcome);

ALTER TABLE submissions ADD COLUMN customer_id INTEGER;  -- NULL: a row without customerExtId
UPDATE submissions
   SET customer_id = (SELECT c.customer_id FROM customers c
                       WHERE c.customer_ext_id = submissions.customer_ext_id)
 WHERE customer_ext_id IS NOT NULL;
DROP INDEX submissions_customer;
CREATE INDEX submissions_customer ON submissions (customer_id, submission_id);

-- Rows of customers are written back in groups (etl/ledger/customer_states.hpp); this is the
-- last submission_id they reflect, answers included. A run killed before writing its rows back
-- leaves later submissions, from which the next run rebuilds them.
INSERT INTO sync_state (key, value, updated_at)
SELECT 'customers_through', coalesce(max(submission_id), 0), strftime('%Y-%m-%dT%H:%M:%fZ')
  FROM submissions;
