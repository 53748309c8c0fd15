-- The journal events of run $1, oldest first, from the live partitions and, for rows retention has
-- dropped, the archive ($2 limit). `archived` tells which.
SELECT event_id::text, ts, tenant, service, correlation_id, causation_id, trace_id, span_id, actor_id, actor_type,
       scope, run_id, kind, severity, summary, details, pointers, archived
FROM (
  SELECT e.event_id, e.ts, e.tenant, e.service, e.correlation_id, e.causation_id, e.trace_id, e.span_id,
         e.actor_id, e.actor_type, e.scope, e.run_id, e.kind, e.severity, e.summary, e.details, e.pointers,
         false AS archived
  FROM hindsight.journal_event e WHERE e.run_id = $1
  UNION ALL
  SELECT a.event_id, a.ts, a.tenant, a.service, a.correlation_id, a.causation_id, a.trace_id, a.span_id,
         a.actor_id, a.actor_type, a.scope, a.run_id, a.kind, a.severity, a.summary, a.details, a.pointers,
         true AS archived
  FROM hindsight.journal_event_archive a
  WHERE a.run_id = $1
    AND NOT EXISTS (SELECT 1 FROM hindsight.journal_event e WHERE e.run_id = $1 AND e.event_id = a.event_id)
) x
ORDER BY ts, event_id
LIMIT $2
