-- Drilldown: the log records of one correlation id readable by the caller, raw and archived (the
-- caller drops the copies present in both). all_tenants = 1 only for admin tokens.
SELECT log_id, trace_id, span_id, time_ns, severity_number, severity_text, body, service, tenant, run_id
FROM
(
    SELECT log_id, trace_id, span_id, time_ns, severity_number, severity_text, body, service, tenant, run_id
    FROM logs FINAL
    WHERE correlation_id = {correlation_id:String}
      AND ({all_tenants:UInt8} = 1 OR has(CAST({tenants:Array(String)} AS Array(String)), tenant))
    UNION ALL
    SELECT log_id, trace_id, span_id, time_ns, severity_number, severity_text, body, service, tenant, run_id
    FROM logs_archive FINAL
    WHERE correlation_id = {correlation_id:String}
      AND ({all_tenants:UInt8} = 1 OR has(CAST({tenants:Array(String)} AS Array(String)), tenant))
)
ORDER BY time_ns, log_id
LIMIT {limit:UInt32}
