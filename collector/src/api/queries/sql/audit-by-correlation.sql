-- Every audit event of one correlation id, oldest first, for the drilldown timeline
-- (audit_event_correlation_idx). $1 tenants text[] ('*' = all)  $2 correlation_id  $3 row limit
SELECT event_id::text AS event_id,
       to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS ts,
       tenant, service, correlation_id, causation_id, trace_id, span_id, actor_id, actor_type,
       action, resource_type, resource_id, outcome, reason, details, client_ip, client_user_agent,
       seq::text AS seq
FROM hindsight.audit_event
WHERE correlation_id = $2::text AND (tenant = ANY($1::text[]) OR '*' = ANY($1::text[]))
ORDER BY audit_event.ts ASC, audit_event.event_id ASC
LIMIT $3
