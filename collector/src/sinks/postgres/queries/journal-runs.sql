-- Folds the journal events a batch really inserted (never the skipped redeliveries, so counts stay
-- exact) into their runs: one input row per run, aggregated by the sink: first/last ts, counts, and the
-- metadata of the newest event carrying each value (convention in docs/postgres.md). A value replaces
-- the stored one; a missing value or empty tags keep it.
-- $1 run_id, $2 tenant, $3 first_ts, $4 last_ts, $5 event_count, $6 warn_count, $7 error_count,
-- $8 scenario, $9 test_plan, $10 description, $11 tags (JSON array text or null): arrays, one per column.
INSERT INTO hindsight.journal_run AS r (
  run_id, tenant, scenario, test_plan, description, tags, first_ts, last_ts,
  event_count, warn_count, error_count
)
SELECT
  run_id, tenant, scenario, test_plan, description,
  COALESCE(ARRAY(SELECT jsonb_array_elements_text(tags)), '{}'),
  first_ts, last_ts, event_count, warn_count, error_count
FROM unnest(
  $1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::bigint[], $6::bigint[], $7::bigint[],
  $8::text[], $9::text[], $10::text[], $11::jsonb[]
) AS i(run_id, tenant, first_ts, last_ts, event_count, warn_count, error_count, scenario, test_plan, description, tags)
-- Same lock order in every transaction: concurrent batches sharing runs cannot deadlock.
ORDER BY run_id
ON CONFLICT (run_id) DO UPDATE SET
  first_ts    = LEAST(r.first_ts, EXCLUDED.first_ts),
  last_ts     = GREATEST(r.last_ts, EXCLUDED.last_ts),
  event_count = r.event_count + EXCLUDED.event_count,
  warn_count  = r.warn_count + EXCLUDED.warn_count,
  error_count = r.error_count + EXCLUDED.error_count,
  scenario    = COALESCE(EXCLUDED.scenario, r.scenario),
  test_plan   = COALESCE(EXCLUDED.test_plan, r.test_plan),
  description = COALESCE(EXCLUDED.description, r.description),
  tags        = CASE WHEN cardinality(EXCLUDED.tags) > 0 THEN EXCLUDED.tags ELSE r.tags END,
  updated_at  = now()
