-- Recomputes one day of span_rollup_1m from the deduplicated raw spans (after its partition was
-- dropped), so rollups agree with the raw rows again after redelivery inflated them.
INSERT INTO span_rollup_1m
SELECT
    toStartOfMinute(start_time) AS minute,
    service,
    operation,
    countState() AS requests,
    sumState(toUInt64(status_code = 2)) AS errors,
    sumState(duration_ns) AS duration_sum_ns,
    maxState(duration_ns) AS duration_max_ns,
    quantilesTDigestState(0.5, 0.9, 0.99)(duration_ns) AS duration_quantiles_ns
FROM spans FINAL
WHERE toYYYYMMDD(start_time) = {day:UInt32}
GROUP BY minute, service, operation
