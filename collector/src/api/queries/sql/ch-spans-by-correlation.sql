-- Drilldown: the spans of one correlation id readable by the caller, from the raw table and the
-- archive of pinned runs (the caller drops the copies present in both). FINAL collapses redelivered
-- copies not merged yet. all_tenants = 1 only for admin tokens.
SELECT trace_id, span_id, parent_span_id, service, operation, kind, status_code, status_message,
       start_time_ns, end_time_ns, duration_ns, tenant, run_id, attributes
FROM
(
    SELECT trace_id, span_id, parent_span_id, service, operation, kind, status_code, status_message,
           start_time_ns, end_time_ns, duration_ns, tenant, run_id, attributes
    FROM spans FINAL
    WHERE correlation_id = {correlation_id:String}
      AND ({all_tenants:UInt8} = 1 OR has(CAST({tenants:Array(String)} AS Array(String)), tenant))
    UNION ALL
    SELECT trace_id, span_id, parent_span_id, service, operation, kind, status_code, status_message,
           start_time_ns, end_time_ns, duration_ns, tenant, run_id, attributes
    FROM spans_archive FINAL
    WHERE correlation_id = {correlation_id:String}
      AND ({all_tenants:UInt8} = 1 OR has(CAST({tenants:Array(String)} AS Array(String)), tenant))
)
ORDER BY start_time_ns, span_id
LIMIT {limit:UInt32}
