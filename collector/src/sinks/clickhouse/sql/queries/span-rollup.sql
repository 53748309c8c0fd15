-- Per-minute rollup rows in [from, to) (unix seconds), optionally for one service ('' = all).
SELECT
    toUInt32(minute) AS minute,
    service,
    operation,
    countMerge(requests) AS requests,
    sumMerge(errors) AS errors,
    sumMerge(duration_sum_ns) AS duration_sum_ns,
    maxMerge(duration_max_ns) AS duration_max_ns,
    quantilesTDigestMerge(0.5, 0.9, 0.99)(duration_quantiles_ns) AS duration_quantiles_ns
FROM span_rollup_1m
WHERE minute >= toDateTime({from:UInt32}) AND minute < toDateTime({to:UInt32})
  AND ({service:String} = '' OR service = {service:String})
GROUP BY minute, service, operation
ORDER BY service, operation, minute
