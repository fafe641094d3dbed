-- 0006_compact_rows.sql: compact storage behind the documented tables (issue 11).
-- The rows of `customers` and `submissions` move to `customer_state` and `submission_log`, which
-- store hashes as 32-byte BLOBs (not 64 hex characters) and the job's own times as Unix
-- milliseconds (not 24 characters of text): a first load writes about a third less. `customers`
-- and `submissions` become views with every documented column, in the same order and the same
-- text as before, so saved audit SQL and `SELECT *` answer as they did. Rows written before this
-- migration keep their hashes as text; the views show both forms the same way.
--
-- Indexes: submissions_run is keyed by run_id alone (the outcome in its key made every answer
-- move an index entry); customers_outcome becomes customers_unsettled, which holds only the
-- customers `retry` picks (in flight, failed, rejected) instead of every customer.

CREATE TABLE customer_state (
  customer_id      INTEGER PRIMARY KEY,   -- stable: submission_log.customer_id refers to it
  customer_ext_id  TEXT NOT NULL UNIQUE,
  entity_type      TEXT,
  accepted_hash    BLOB,     -- SHA-256 AMLYZE last accepted (32 bytes); NULL: never accepted
  accepted_ms      INTEGER,  -- when, in Unix milliseconds
  last_hash        BLOB,     -- SHA-256 of the last version seen
  last_outcome     TEXT NOT NULL,   -- as submissions.outcome, or seen
  last_error_code  TEXT,
  last_changed_at  TEXT,     -- source `_changed_at` of the last version seen, as the source wrote it
  last_seen_run    INTEGER,  -- detects the same customerExtId twice in one extract
  attempts         INTEGER NOT NULL DEFAULT 0,   -- requests sent for this customer, all runs
  updated_ms       INTEGER NOT NULL
);
INSERT INTO customer_state
SELECT customer_id, customer_ext_id, entity_type, accepted_hash,
       CAST(round((julianday(accepted_at) - 2440587.5) * 86400000.0) AS INTEGER), last_hash,
       last_outcome, last_error_code, last_changed_at, last_seen_run, attempts,
       CAST(round((julianday(updated_at) - 2440587.5) * 86400000.0) AS INTEGER)
  FROM customers ORDER BY customer_id;
DROP TABLE customers;
CREATE INDEX customers_unsettled ON customer_state (last_outcome)
  WHERE last_outcome IN ('in_flight', 'failed', 'rejected');

CREATE TABLE submission_log (
  submission_id        INTEGER PRIMARY KEY,
  run_id               INTEGER NOT NULL REFERENCES runs (run_id),
  batch_id             INTEGER REFERENCES batches (batch_id),  -- NULL: never sent
  customer_id          INTEGER,             -- customer_state.customer_id; NULL: no customerExtId
  customer_ext_id      TEXT,                -- NULL only for a row without customerExtId
  communication_number TEXT UNIQUE,         -- written before the request goes out
  action               TEXT,                -- CREATE | UPDATE; NULL: never sent
  payload_hash         BLOB,                -- SHA-256 (32 bytes)
  outcome              TEXT NOT NULL,       -- in_flight | accepted | rejected | failed | invalid | duplicate | unknown
  error_code           TEXT,                -- AMLYZE's code, or ETL.* for local checks
  error_description    TEXT,
  created_ms           INTEGER NOT NULL,    -- Unix milliseconds
  finished_ms          INTEGER
);
INSERT INTO submission_log
SELECT submission_id, run_id, batch_id, customer_id, customer_ext_id, communication_number,
       action, payload_hash, outcome, error_code, error_description,
       CAST(round((julianday(created_at) - 2440587.5) * 86400000.0) AS INTEGER),
       CAST(round((julianday(finished_at) - 2440587.5) * 86400000.0) AS INTEGER)
  FROM submissions ORDER BY submission_id;
DROP TABLE submissions;
CREATE INDEX submissions_customer ON submission_log (customer_id, submission_id);
CREATE INDEX submissions_run ON submission_log (run_id);
CREATE INDEX submissions_in_flight ON submission_log (run_id) WHERE outcome = 'in_flight';

-- The documented tables, as views. Times read as before: UTC ISO-8601 text with milliseconds.
-- Each computed column is CAST to TEXT so that it compares as the TEXT column it replaces did (a
-- parameter given as a number, as the sqlite3 shell's .parameter set makes of 2026-12-01,
-- compares as text with a TEXT column, and below every text without that affinity).
CREATE VIEW customers AS
SELECT customer_id, customer_ext_id, entity_type,
       CAST(CASE typeof(accepted_hash) WHEN 'blob' THEN lower(hex(accepted_hash))
            ELSE accepted_hash END AS TEXT) AS accepted_hash,
       CAST(strftime('%Y-%m-%dT%H:%M:%fZ', accepted_ms / 1000.0, 'unixepoch') AS TEXT) AS accepted_at,
       CAST(CASE typeof(last_hash) WHEN 'blob' THEN lower(hex(last_hash)) ELSE last_hash END
            AS TEXT) AS last_hash,
       last_outcome, last_error_code, last_changed_at, last_seen_run, attempts,
       CAST(strftime('%Y-%m-%dT%H:%M:%fZ', updated_ms / 1000.0, 'unixepoch') AS TEXT) AS updated_at
  FROM customer_state;

CREATE VIEW submissions AS
SELECT submission_id, run_id, batch_id, customer_ext_id, communication_number, action,
       CAST(CASE typeof(payload_hash) WHEN 'blob' THEN lower(hex(payload_hash))
            ELSE payload_hash END AS TEXT) AS payload_hash,
       outcome, error_code, error_description,
       CAST(strftime('%Y-%m-%dT%H:%M:%fZ', created_ms / 1000.0, 'unixepoch') AS TEXT) AS created_at,
       CAST(strftime('%Y-%m-%dT%H:%M:%fZ', finished_ms / 1000.0, 'unixepoch') AS TEXT) AS finished_at,
       customer_id
  FROM submission_log;
