-- Drilldown: the log records of one correlation id, once each, in time order.
SELECT
    log_id, trace_id, span_id, time_ns, observed_time_ns, severity_number, severity_text, body,
    service, tenant, run_id, attributes, resource
FROM logs FINAL
WHERE correlation_id = {correlation_id:String}
ORDER BY time_ns, log_id
LIMIT 10000
