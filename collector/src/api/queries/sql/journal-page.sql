-- One page of journal events, newest first, of the live table and the archive of pinned runs.
-- Keyset on (ts, event_id): each branch is a range scan of a (…, ts DESC, event_id DESC) index, so a
-- page costs the same at any depth and rows sharing a timestamp are neither skipped nor repeated.
-- Archived rows still present in the live table are read from there only (NOT EXISTS), so a pinned run
-- is listed once before and after retention drops its partitions.
-- $1 tenants text[] ('*' = all)  $2 scope  $3 run_id  $4 correlation_id  $5 severities text[] (NULL = any)
-- $6 cursor ts (NULL = first page)  $7 cursor event_id  $8 rows to return (page size + 1)
WITH live AS (
  SELECT event_id, ts, tenant, service, correlation_id, causation_id, trace_id, span_id, actor_id, actor_type,
         scope, run_id, kind, severity, summary, details, pointers, false AS archived
  FROM hindsight.journal_event
  WHERE (tenant = ANY($1::text[]) OR '*' = ANY($1::text[]))
    AND ($2::text IS NULL OR scope = $2::text)
    AND ($3::text IS NULL OR run_id = $3::text)
    AND ($4::text IS NULL OR correlation_id = $4::text)
    AND ($5::text[] IS NULL OR severity = ANY($5::text[]))
    AND ($6::timestamptz IS NULL OR (ts, event_id) < ($6::timestamptz, $7::uuid))
  ORDER BY ts DESC, event_id DESC
  LIMIT $8
), archived AS (
  SELECT event_id, ts, tenant, service, correlation_id, causation_id, trace_id, span_id, actor_id, actor_type,
         scope, run_id, kind, severity, summary, details, pointers, true AS archived
  FROM hindsight.journal_event_archive a
  WHERE (tenant = ANY($1::text[]) OR '*' = ANY($1::text[]))
    AND ($2::text IS NULL OR scope = $2::text)
    AND ($3::text IS NULL OR run_id = $3::text)
    AND ($4::text IS NULL OR correlation_id = $4::text)
    AND ($5::text[] IS NULL OR severity = ANY($5::text[]))
    AND ($6::timestamptz IS NULL OR (ts, event_id) < ($6::timestamptz, $7::uuid))
    AND NOT EXISTS (SELECT 1 FROM hindsight.journal_event j WHERE j.event_id = a.event_id AND j.ts = a.ts)
  ORDER BY ts DESC, event_id DESC
  LIMIT $8
)
SELECT event_id::text AS event_id,
       to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS ts,
       tenant, service, correlation_id, causation_id, trace_id, span_id, actor_id, actor_type,
       scope, run_id, kind, severity, summary, details, pointers, archived
FROM (SELECT * FROM live UNION ALL SELECT * FROM archived) page
ORDER BY page.ts DESC, page.event_id DESC
LIMIT $8
