-- The chain hashes ts exactly as Postgres will store and later return it (UTC, microseconds), so the
-- insert path and verify-audit agree even on unusual spellings such as a leap second.
-- $1 text[]: the events' ts, in batch order.
SELECT to_char(t::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS ts
FROM unnest($1::text[]) WITH ORDINALITY AS i(t, n)
ORDER BY n
