-- Which events of the batch are already stored (redelivery): their 1-based positions in the batch.
-- One probe of the (event_id, ts) primary key per event, pruned to the event's day partition at run
-- time; the scalar subquery keeps the planner from turning this into a join that reads whole
-- partitions when their statistics are stale.
-- $1 uuid[]: event ids, $2 timestamptz[]: their ts, both in batch order.
SELECT i.n::integer AS n
FROM unnest($1::uuid[], $2::timestamptz[]) WITH ORDINALITY AS i(event_id, ts, n)
WHERE (SELECT true FROM hindsight.journal_event j WHERE j.event_id = i.event_id AND j.ts = i.ts LIMIT 1)
