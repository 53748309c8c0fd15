-- Live tail: journal events after a position, oldest first, with the journal page's filters.
-- Reads only the live table: the archive holds copies of rows that were already live.
-- $1 tenants text[] ('*' = all)  $2 scope  $3 run_id  $4 correlation_id  $5 severities text[] (NULL = any)
-- $6 position ts  $7 position event_id  $8 row limit
SELECT event_id::text AS event_id,
       to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS ts,
       tenant, service, correlation_id, causation_id, trace_id, span_id, actor_id, actor_type,
       scope, run_id, kind, severity, summary, details, pointers, false AS archived
FROM hindsight.journal_event
WHERE (tenant = ANY($1::text[]) OR '*' = ANY($1::text[]))
  AND ($2::text IS NULL OR scope = $2::text)
  AND ($3::text IS NULL OR run_id = $3::text)
  AND ($4::text IS NULL OR correlation_id = $4::text)
  AND ($5::text[] IS NULL OR severity = ANY($5::text[]))
  AND (ts, event_id) > ($6::timestamptz, $7::uuid)
ORDER BY ts ASC, event_id ASC
LIMIT $8
