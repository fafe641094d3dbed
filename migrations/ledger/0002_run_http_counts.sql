-- 0002_run_http_counts.sql: HTTP requests and retries per run, for the summary and the metrics.
ALTER TABLE runs ADD COLUMN http_requests INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN http_retries INTEGER NOT NULL DEFAULT 0;
