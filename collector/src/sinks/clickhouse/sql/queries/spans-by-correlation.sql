-- Drilldown: every span of one correlation id, once each (FINAL collapses redelivered copies that
-- have not been merged yet), in start order.
SELECT
    trace_id, span_id, parent_span_id, service, operation, kind, status_code, status_message,
    start_time_ns, end_time_ns, duration_ns, tenant, run_id, scope_name, attributes, resource, events
FROM spans FINAL
WHERE correlation_id = {correlation_id:String}
ORDER BY start_time_ns, span_id
LIMIT 10000
