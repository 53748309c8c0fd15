-- Read under the tenant locks, one row per event of the batch, in batch order:
-- ts exactly as Postgres will store and later return it (UTC, microseconds), so the chain hashes the
-- spelling verify-audit reads back, even for unusual inputs such as a leap second; and whether the
-- event id is already stored (redelivery: skipped, never re-chained).
-- $1 text[]: the events' ts, $2 uuid[]: their event ids, both in batch order.
SELECT
  to_char(i.t::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS ts,
  EXISTS (SELECT 1 FROM hindsight.audit_event a WHERE a.event_id = i.id) AS stored
FROM unnest($1::text[], $2::uuid[]) WITH ORDINALITY AS i(t, id, n)
ORDER BY n
