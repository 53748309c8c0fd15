-- Raw log records, keyed like spans so that a correlation's logs and spans are read the same way.
-- log_id (from hindsight.log_id, else a hash of the record) is the identity that collapses redelivery.
CREATE TABLE IF NOT EXISTS logs
(
    correlation_id String,
    trace_id String,
    span_id String,
    log_id String,
    time DateTime,
    time_ns UInt64,
    observed_time_ns UInt64,
    severity_number UInt8,
    severity_text {{lc_string}},
    body String,
    service {{lc_string}},
    tenant {{lc_string}},
    run_id String,
    attributes String,
    resource String
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMMDD(time)
ORDER BY (correlation_id, trace_id, time, log_id);
