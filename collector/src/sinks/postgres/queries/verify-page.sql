-- One page of a tenant's chain in seq order (keyset: seq > $2), with every value in the exact
-- spelling the canonical form hashes. $1 tenant, $2 last seq seen, $3 page size.
SELECT
  event_id::text AS event_id, schema_name, schema_version,
  to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS ts,
  tenant, service, correlation_id, causation_id, trace_id, span_id, actor_id, actor_type,
  action, resource_type, resource_id, outcome, reason, details::text AS details,
  client_ip, client_user_agent, seq::text AS seq, prev_hash, hash
FROM hindsight.audit_event
WHERE tenant = $1 AND audit_event.seq > $2::bigint
-- qualified: a bare "seq" here would sort by the text output column (1, 10, 11, 2, ...)
ORDER BY audit_event.seq
LIMIT $3
