-- 0001_init.sql: the ledger's first schema. Forward-only: later changes go in new files.
-- The ledger is an audit trail of what was sent to AMLYZE and what came back, not a copy of the
-- customer data: it keeps customerExtId, hashes, codes and times, never names or documents.
-- Times are UTC ISO-8601 text (strftime('%Y-%m-%dT%H:%M:%fZ')); source times are PostgreSQL's text.

-- One row per invocation of run / retry / validate.
CREATE TABLE runs (
  run_id          INTEGER PRIMARY KEY,
  command         TEXT NOT NULL,                    -- run | retry | validate
  mode            TEXT NOT NULL,                    -- incremental | full | dry-run
  started_at      TEXT NOT NULL,
  finished_at     TEXT,
  outcome         TEXT NOT NULL DEFAULT 'running',  -- running | succeeded | partial | aborted
  exit_code       INTEGER,
  window_start    TEXT,   -- $1 of the extract query (inclusive lower bound)
  snapshot_at     TEXT,   -- snapshot time of the extract transaction
  watermark_after TEXT,   -- watermark stored by this run; NULL: left where it was
  extracted       INTEGER NOT NULL DEFAULT 0,       -- rows read from the source
  created         INTEGER NOT NULL DEFAULT 0,       -- accepted as CREATE
  updated         INTEGER NOT NULL DEFAULT 0,       -- accepted as UPDATE
  unchanged       INTEGER NOT NULL DEFAULT 0,       -- same payload hash as last accepted: not sent
  held            INTEGER NOT NULL DEFAULT 0,       -- rejected before with the same data: not resent
  rejected        INTEGER NOT NULL DEFAULT 0,       -- REQUEST_REJECTED by AMLYZE
  invalid         INTEGER NOT NULL DEFAULT 0,       -- held back by local validation
  failed          INTEGER NOT NULL DEFAULT 0,       -- no final answer (HTTP error, timeout)
  duplicate       INTEGER NOT NULL DEFAULT 0,       -- same customerExtId twice in one extract
  batches         INTEGER NOT NULL DEFAULT 0,
  error           TEXT,   -- why the run was aborted
  version         TEXT NOT NULL
);

-- One row per HTTP request.
CREATE TABLE batches (
  batch_id     INTEGER PRIMARY KEY,
  run_id       INTEGER NOT NULL REFERENCES runs (run_id),
  endpoint     TEXT NOT NULL,      -- batch-customers | validate-batch-customers
  items        INTEGER NOT NULL,
  bytes        INTEGER NOT NULL,
  http_status  INTEGER,            -- NULL: no answer (timeout, connection error)
  error        TEXT,               -- transport error or whole-batch error
  latency_ms   INTEGER,
  sent_at      TEXT NOT NULL,
  finished_at  TEXT
);
CREATE INDEX batches_run ON batches (run_id);

-- One row per customer per attempt (and per customer held back before sending).
CREATE TABLE submissions (
  submission_id        INTEGER PRIMARY KEY,
  run_id               INTEGER NOT NULL REFERENCES runs (run_id),
  batch_id             INTEGER REFERENCES batches (batch_id),  -- NULL: never sent
  customer_ext_id      TEXT,                -- NULL only for a row without customerExtId
  communication_number TEXT UNIQUE,         -- written before the request goes out
  action               TEXT,                -- CREATE | UPDATE; NULL: never sent
  payload_hash         TEXT,
  outcome              TEXT NOT NULL,       -- in_flight | accepted | rejected | failed | invalid | duplicate
  error_code           TEXT,                -- AMLYZE's code, or ETL.* for local checks
  error_description    TEXT,
  created_at           TEXT NOT NULL,
  finished_at          TEXT
);
CREATE INDEX submissions_customer ON submissions (customer_ext_id, submission_id);
CREATE INDEX submissions_run ON submissions (run_id, outcome);

-- Current state of each customer the job has seen.
CREATE TABLE customers (
  customer_ext_id  TEXT PRIMARY KEY,
  entity_type      TEXT,
  accepted_hash    TEXT,     -- payload hash AMLYZE last accepted; NULL: never accepted
  accepted_at      TEXT,
  last_hash        TEXT,     -- hash of the last version seen
  last_outcome     TEXT NOT NULL,   -- as submissions.outcome, or unchanged
  last_error_code  TEXT,
  last_changed_at  TEXT,     -- source `_changed_at` of the last version seen
  last_seen_run    INTEGER,  -- detects the same customerExtId twice in one extract
  attempts         INTEGER NOT NULL DEFAULT 0,   -- requests sent for this customer, all runs
  updated_at       TEXT NOT NULL
);
CREATE INDEX customers_outcome ON customers (last_outcome);

-- Small key/value state: the change-detection watermark.
CREATE TABLE sync_state (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  run_id     INTEGER REFERENCES runs (run_id),
  updated_at TEXT NOT NULL
);
