-- Drilldown by trace id (spans without a correlation id are still found this way).
SELECT
    correlation_id, span_id, parent_span_id, service, operation, kind, status_code, status_message,
    start_time_ns, end_time_ns, duration_ns, tenant, run_id, scope_name, attributes, resource, events
FROM spans FINAL
WHERE trace_id = {trace_id:String}
ORDER BY start_time_ns, span_id
LIMIT 10000
