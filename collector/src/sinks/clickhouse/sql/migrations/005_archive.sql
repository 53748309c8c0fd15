-- Rows of pinned runs, copied here by the retention job before their daily partition is dropped.
-- Same columns as the raw tables; monthly partitions because nothing is ever dropped from here.
CREATE TABLE IF NOT EXISTS spans_archive AS spans
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(start_time)
ORDER BY (correlation_id, trace_id, start_time, span_id);

CREATE TABLE IF NOT EXISTS logs_archive AS logs
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(time)
ORDER BY (correlation_id, trace_id, time, log_id);
