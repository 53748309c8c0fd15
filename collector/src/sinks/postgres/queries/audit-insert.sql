-- One multi-row insert per batch: every column travels as one array parameter.
INSERT INTO hindsight.audit_event (
  event_id, schema_name, schema_version, ts, tenant, service, correlation_id, causation_id,
  trace_id, span_id, actor_id, actor_type, action, resource_type, resource_id, outcome, reason,
  details, client_ip, client_user_agent, seq, prev_hash, hash
)
SELECT
  event_id, schema_name, schema_version, ts, tenant, service, correlation_id, causation_id,
  trace_id, span_id, actor_id, actor_type, action, resource_type, resource_id, outcome, reason,
  details::jsonb, client_ip, client_user_agent, seq, prev_hash, hash
FROM unnest(
  $1::uuid[], $2::text[], $3::integer[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[],
  $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[],
  $18::text[], $19::text[], $20::text[], $21::bigint[], $22::bytea[], $23::bytea[]
) AS i(
  event_id, schema_name, schema_version, ts, tenant, service, correlation_id, causation_id,
  trace_id, span_id, actor_id, actor_type, action, resource_type, resource_id, outcome, reason,
  details, client_ip, client_user_agent, seq, prev_hash, hash
)
