-- Daily journal partitions of days before today - $1 (UTC), oldest first, with the rows each holds
-- and how many of them retire_journal_partition would copy into the archive ($1 keep days).
-- Counted through the parent with the day's range: the default partition never holds rows of a
-- range an attached partition covers, so the counts are exactly the partition's.
WITH parts AS (
  SELECT c.relname::text AS partition, to_date(substr(c.relname, 16), 'YYYYMMDD') AS day
  FROM pg_catalog.pg_inherits i
  JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
  WHERE i.inhparent = 'hindsight.journal_event'::regclass
    AND c.relname ~ '^journal_event_p[0-9]{8}$'
)
SELECT p.partition,
       p.day::text AS day,
       (SELECT count(*) FROM hindsight.journal_event e
         WHERE e.ts >= p.day::timestamp AT TIME ZONE 'UTC' AND e.ts < (p.day + 1)::timestamp AT TIME ZONE 'UTC')::bigint AS rows,
       (SELECT count(*) FROM hindsight.journal_event e
          JOIN hindsight.journal_run r ON r.run_id = e.run_id AND r.tenant = e.tenant AND r.pinned
         WHERE e.ts >= p.day::timestamp AT TIME ZONE 'UTC' AND e.ts < (p.day + 1)::timestamp AT TIME ZONE 'UTC'
           AND hindsight.pin_keeps(r.pin_mode, e.severity)
           AND NOT EXISTS (SELECT 1 FROM hindsight.journal_event_archive a WHERE a.event_id = e.event_id))::bigint AS archivable
FROM parts p
WHERE p.day < (now() AT TIME ZONE 'UTC')::date - $1::integer
ORDER BY p.day
