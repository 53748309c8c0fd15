-- One page of audit events, newest first, keyset on (ts, event_id). Filters by actor, resource and
-- action use the (tenant, actor_id, ts) and (tenant, resource_type, resource_id, ts) indexes.
-- $1 tenants text[] ('*' = all)  $2 actor_id  $3 resource_type  $4 resource_id  $5 action
-- $6 from (inclusive)  $7 to (exclusive)  $8 correlation_id  $9 cursor ts  $10 cursor event_id  $11 rows
SELECT event_id::text AS event_id,
       to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS ts,
       tenant, service, correlation_id, causation_id, trace_id, span_id, actor_id, actor_type,
       action, resource_type, resource_id, outcome, reason, details, client_ip, client_user_agent,
       seq::text AS seq
FROM hindsight.audit_event
WHERE (tenant = ANY($1::text[]) OR '*' = ANY($1::text[]))
  AND ($2::text IS NULL OR actor_id = $2::text)
  AND ($3::text IS NULL OR resource_type = $3::text)
  AND ($4::text IS NULL OR resource_id = $4::text)
  AND ($5::text IS NULL OR action = $5::text)
  AND ($6::timestamptz IS NULL OR ts >= $6::timestamptz)
  AND ($7::timestamptz IS NULL OR ts < $7::timestamptz)
  AND ($8::text IS NULL OR correlation_id = $8::text)
  AND ($9::timestamptz IS NULL OR (ts, event_id) < ($9::timestamptz, $10::uuid))
ORDER BY ts DESC, event_id DESC
LIMIT $11
