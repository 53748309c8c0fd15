-- Where a live tail starts: the newest (ts, event_id) matching its filters, or none.
-- $1 tenants text[] ('*' = all)  $2 scope  $3 run_id  $4 correlation_id  $5 severities text[] (NULL = any)
SELECT event_id::text AS event_id,
       to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS ts
FROM hindsight.journal_event
WHERE (tenant = ANY($1::text[]) OR '*' = ANY($1::text[]))
  AND ($2::text IS NULL OR scope = $2::text)
  AND ($3::text IS NULL OR run_id = $3::text)
  AND ($4::text IS NULL OR correlation_id = $4::text)
  AND ($5::text[] IS NULL OR severity = ANY($5::text[]))
ORDER BY ts DESC, event_id DESC
LIMIT 1
