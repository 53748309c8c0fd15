-- What retire_journal_default_rows($1 keep days) would do, counted for a dry run, under the column
-- names of retire-default-rows.sql: the rows of journal_event_default older than the start of today
-- - $1 (UTC) it would delete, and how many of them it would copy into the archive. Read through the
-- parent (the writer has no rights on the partition itself) and kept to the default partition by
-- tableoid; `before` is the first kept day, YYYY-MM-DD.
WITH expired AS (
  SELECT e.event_id, e.run_id, e.tenant, e.severity
  FROM hindsight.journal_event e
  WHERE e.tableoid = 'hindsight.journal_event_default'::regclass
    AND e.ts < ((now() AT TIME ZONE 'UTC')::date - $1::integer)::timestamp AT TIME ZONE 'UTC'
)
SELECT (SELECT count(*) FROM expired)::bigint AS deleted,
       (SELECT count(*) FROM expired e
          JOIN hindsight.journal_run r ON r.run_id = e.run_id AND r.tenant = e.tenant AND r.pinned
         WHERE hindsight.pin_keeps(r.pin_mode, e.severity)
           AND NOT EXISTS (SELECT 1 FROM hindsight.journal_event_archive a WHERE a.event_id = e.event_id))::bigint AS archived,
       ((now() AT TIME ZONE 'UTC')::date - $1::integer)::text AS before
