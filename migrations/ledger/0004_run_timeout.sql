-- 0004_run_timeout.sql: each run records the HTTP timeout it sends with (amlyze.timeout_seconds).
-- After a kill, the next run must not resend a customer the dead run may still have in AMLYZE's
-- hands, or AMLYZE could apply the old request after the new one; the dead run's own timeout is
-- the default measure of how long that can be (amlyze.resend_grace_seconds overrides it).
-- NULL: a run that sends nothing (dry run), or one recorded before this migration.
ALTER TABLE runs ADD COLUMN timeout_seconds INTEGER;
