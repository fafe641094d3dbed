-- 0008_answers_appended.sql: each submission's answer is a row of its own (issue 11).
-- Until now an answer rewrote its submission_log row (outcome, error, finish time), which moved
-- the row's entry out of the partial index submissions_in_flight: two b-trees changed, and the
-- page written at the intent's commit written again at the answer's. From this version
-- submission_log rows are written once: an intent keeps outcome 'in_flight' there, and its answer
-- (or 'unknown' when a later run finds it unanswered) is appended to submission_answer, keyed by
-- the same submission_id. Rows answered before this migration keep their answer in
-- submission_log and have no submission_answer row; the view reads both the same way.
--
-- A submission is in flight when its submission_log row says in_flight and it has no
-- submission_answer row. The next run finds those among the submissions after sync_state
-- 'customers_through' (every earlier one was settled when it was written), so the partial index
-- submissions_in_flight, which would now hold every intent ever made, goes.

CREATE TABLE submission_answer (
  submission_id     INTEGER PRIMARY KEY,  -- submission_log.submission_id
  outcome           TEXT NOT NULL,        -- accepted | rejected | failed | unknown
  error_code        TEXT,
  error_description TEXT,
  finished_ms       INTEGER NOT NULL      -- Unix milliseconds
);

DROP INDEX submissions_in_flight;

-- `submissions` reads as before: the answer where there is one, else what submission_log says.
-- Computed columns are CAST to TEXT as in 0006, so they compare as the TEXT columns did.
DROP VIEW submissions;
CREATE VIEW submissions AS
SELECT s.submission_id, s.run_id, s.batch_id, s.customer_ext_id, s.communication_number, s.action,
       CAST(CASE typeof(s.payload_hash) WHEN 'blob' THEN lower(hex(s.payload_hash))
            ELSE s.payload_hash END AS TEXT) AS payload_hash,
       CAST(CASE WHEN a.submission_id IS NULL THEN s.outcome ELSE a.outcome END AS TEXT)
         AS outcome,
       CAST(CASE WHEN a.submission_id IS NULL THEN s.error_code ELSE a.error_code END AS TEXT)
         AS error_code,
       CAST(CASE WHEN a.submission_id IS NULL THEN s.error_description
            ELSE a.error_description END AS TEXT) AS error_description,
       CAST(strftime('%Y-%m-%dT%H:%M:%fZ', s.created_ms / 1000.0, 'unixepoch') AS TEXT)
         AS created_at,
       CAST(strftime('%Y-%m-%dT%H:%M:%fZ',
                     CASE WHEN a.submission_id IS NULL THEN s.finished_ms
                     ELSE a.finished_ms END / 1000.0, 'unixepoch') AS TEXT) AS finished_at,
       s.customer_id
  FROM submission_log AS s LEFT JOIN submission_answer AS a ON a.submission_id = s.submission_id;
