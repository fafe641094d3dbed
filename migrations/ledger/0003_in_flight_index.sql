-- 0003_in_flight_index.sql: every run starts by resolving submissions a crashed run left
-- in_flight (Ledger::resolve_abandoned). Without an index that is a scan of every submission
-- ever recorded, a cost that grows with each night. This partial index holds only the rows in
-- flight, so it stays a few entries long.
CREATE INDEX submissions_in_flight ON submissions (run_id) WHERE outcome = 'in_flight';
