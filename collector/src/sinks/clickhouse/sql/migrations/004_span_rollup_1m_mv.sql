-- Fills span_rollup_1m on every insert into spans. It sees inserted blocks, not deduplicated rows:
-- a redelivered span is counted again here (see docs/clickhouse.md, "Rollups and redelivery", and
-- rebuildSpanRollup, which recomputes a day from the deduplicated raw rows).
CREATE MATERIALIZED VIEW IF NOT EXISTS span_rollup_1m_mv TO span_rollup_1m
AS SELECT
    toStartOfMinute(start_time) AS minute,
    service,
    operation,
    countState() AS requests,
    sumState(toUInt64(status_code = 2)) AS errors,
    sumState(duration_ns) AS duration_sum_ns,
    maxState(duration_ns) AS duration_max_ns,
    quantilesTDigestState(0.5, 0.9, 0.99)(duration_ns) AS duration_quantiles_ns
FROM spans
GROUP BY minute, service, operation;
