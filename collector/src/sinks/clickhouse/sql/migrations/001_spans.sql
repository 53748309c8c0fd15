-- Raw spans. The sort key starts with correlation_id then trace_id so that the operator's drilldown
-- (one correlation id, then its traces in time order) reads a narrow key range. The key ends with
-- span_id, which makes it the span's identity: a redelivered span has the same key and the
-- ReplacingMergeTree collapses the copies (queries read with FINAL until the merge happened).
-- Times: start_time (seconds) drives partitions and the key; exact nanoseconds stay in UInt64
-- columns because DateTime64 does not exist on 18.16.
CREATE TABLE IF NOT EXISTS spans
(
    correlation_id String,
    trace_id String,
    span_id String,
    parent_span_id String,
    start_time DateTime,
    start_time_ns UInt64,
    end_time_ns UInt64,
    duration_ns UInt64,
    service {{lc_string}},
    operation {{lc_string}},
    kind UInt8,
    status_code UInt8,
    status_message String,
    tenant {{lc_string}},
    run_id String,
    scope_name {{lc_string}},
    -- JSON objects: Map and JSON types are missing on 18.16; visitParamExtract*/JSONExtract read them.
    attributes String,
    resource String,
    events String
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMMDD(start_time)
ORDER BY (correlation_id, trace_id, start_time, span_id);
