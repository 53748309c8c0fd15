-- Per minute, per service and operation: request count, error count (OTLP status 2), duration sum,
-- max and t-digest quantiles. Partial aggregation states merge in the background and at query time
-- (the -Merge functions), so any time range can be re-aggregated without reading raw spans.
CREATE TABLE IF NOT EXISTS span_rollup_1m
(
    minute DateTime,
    service {{lc_string}},
    operation {{lc_string}},
    requests AggregateFunction(count),
    errors AggregateFunction(sum, UInt64),
    duration_sum_ns AggregateFunction(sum, UInt64),
    duration_max_ns AggregateFunction(max, UInt64),
    duration_quantiles_ns AggregateFunction(quantilesTDigest(0.5, 0.9, 0.99), UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMMDD(minute)
ORDER BY (service, operation, minute);
