-- Every journal event of one correlation id (live and archived, once each), oldest first, for the
-- drilldown timeline. $1 tenants text[] ('*' = all)  $2 correlation_id  $3 row limit
WITH rows AS (
  SELECT event_id, ts, tenant, service, correlation_id, causation_id, trace_id, span_id, actor_id, actor_type,
         scope, run_id, kind, severity, summary, details, pointers, false AS archived
  FROM hindsight.journal_event
  WHERE correlation_id = $2::text AND (tenant = ANY($1::text[]) OR '*' = ANY($1::text[]))
  UNION ALL
  SELECT event_id, ts, tenant, service, correlation_id, causation_id, trace_id, span_id, actor_id, actor_type,
         scope, run_id, kind, severity, summary, details, pointers, true AS archived
  FROM hindsight.journal_event_archive a
  WHERE correlation_id = $2::text AND (tenant = ANY($1::text[]) OR '*' = ANY($1::text[]))
    AND NOT EXISTS (SELECT 1 FROM hindsight.journal_event j WHERE j.event_id = a.event_id AND j.ts = a.ts)
)
SELECT event_id::text AS event_id,
       to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS ts,
       tenant, service, correlation_id, causation_id, trace_id, span_id, actor_id, actor_type,
       scope, run_id, kind, severity, summary, details, pointers, archived
FROM rows
ORDER BY rows.ts ASC, rows.event_id ASC
LIMIT $3
