-- The journal batch is COPYed here first, then moved into journal_event by journal-insert.sql in one
-- statement. A session-level temporary table, created once per pooled connection as the writer
-- (TEMPORARY on the database, granted by bootstrap.sql): no catalog churn per batch, no indexes, no
-- WAL. ON COMMIT DELETE ROWS empties it at every commit; a rollback discards the batch's rows anyway.
-- Columns have journal_event's types, so a value Postgres refuses (bad uuid, NUL byte, \u0000 in jsonb)
-- fails the COPY with the same class 22 error the insert would raise; constraints (NOT NULL, checks)
-- are left to journal_event.
CREATE TEMPORARY TABLE IF NOT EXISTS hindsight_journal_stage (
  event_id       uuid,
  schema_name    text,
  schema_version integer,
  ts             timestamptz,
  tenant         text,
  service        text,
  correlation_id text,
  causation_id   text,
  trace_id       text,
  span_id        text,
  actor_id       text,
  actor_type     text,
  scope          text,
  run_id         text,
  kind           text,
  severity       text,
  summary        text,
  details        jsonb,
  pointers       jsonb
) ON COMMIT DELETE ROWS
