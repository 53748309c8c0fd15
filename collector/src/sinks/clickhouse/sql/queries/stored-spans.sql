-- Which of a write's spans the table holds already, asked only for spans that may be redelivered
-- (redelivery-watch.ts), so that the sink does not insert them again and the rollup's materialized view
-- does not count them twice. The correlation ids lead the sort key and the start times pick the day
-- partitions; the caller matches the (trace_id, span_id) pairs, since each IN list matches on its own.
-- The lists are subqueries: 18.16 reads no array literal after IN.
SELECT trace_id, span_id
FROM spans
WHERE correlation_id IN (SELECT arrayJoin({correlation_ids:Array(String)}))
  AND start_time >= toDateTime({from_seconds:UInt32})
  AND start_time <= toDateTime({to_seconds:UInt32})
  AND trace_id IN (SELECT arrayJoin({trace_ids:Array(String)}))
  AND span_id IN (SELECT arrayJoin({span_ids:Array(String)}))
