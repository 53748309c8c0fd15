-- One page of runs, most recently active first, keyset on (last_ts, run_id) (journal_run_tenant_idx
-- serves single-tenant callers). $1 tenants text[] ('*' = all)  $2 pinned (NULL = any)  $3 tag
-- $4 scenario  $5 test_plan  $6 run_id (NULL = any)  $7 cursor last_ts  $8 cursor run_id  $9 rows
SELECT run_id, tenant, scenario, test_plan, description, tags,
       to_char(first_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS first_ts,
       to_char(last_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS last_ts,
       event_count::text AS event_count, warn_count::text AS warn_count, error_count::text AS error_count,
       pinned, pin_mode::text AS pin_mode,
       to_char(pinned_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS pinned_at
FROM hindsight.journal_run
WHERE (tenant = ANY($1::text[]) OR '*' = ANY($1::text[]))
  AND ($2::boolean IS NULL OR pinned = $2::boolean)
  AND ($3::text IS NULL OR $3::text = ANY(tags))
  AND ($4::text IS NULL OR scenario = $4::text)
  AND ($5::text IS NULL OR test_plan = $5::text)
  AND ($6::text IS NULL OR run_id = $6::text)
  AND ($7::timestamptz IS NULL OR (last_ts, run_id) < ($7::timestamptz, $8::text))
ORDER BY last_ts DESC, run_id DESC
LIMIT $9
