-- Folds the journal events a batch really inserted (never the skipped redeliveries, so counts stay
-- exact) into their runs: one input row per run, aggregated by the sink: first/last ts, counts, and the
-- metadata of the newest event carrying each value (convention in docs/postgres.md). A value replaces
-- the stored one when its event is at least as new as the one the stored value came with (its *_ts), so
-- the newest value wins whatever the batching and arrival order; a missing value or empty tags keep it.
-- $1 run_id, $2 tenant, $3 first_ts, $4 last_ts, $5 event_count, $6 warn_count, $7 error_count,
-- $8 scenario, $9 test_plan, $10 description, $11 tags (JSON array text or null), $12..$15 the ts of
-- each of those four values (null with no value): arrays, one per column.
INSERT INTO hindsight.journal_run AS r (
  run_id, tenant, scenario, test_plan, description, tags, first_ts, last_ts,
  event_count, warn_count, error_count, scenario_ts, test_plan_ts, description_ts, tags_ts
)
SELECT
  run_id, tenant, scenario, test_plan, description,
  COALESCE(ARRAY(SELECT jsonb_array_elements_text(tags)), '{}'),
  first_ts, last_ts, event_count, warn_count, error_count, scenario_ts, test_plan_ts, description_ts, tags_ts
FROM unnest(
  $1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::bigint[], $6::bigint[], $7::bigint[],
  $8::text[], $9::text[], $10::text[], $11::jsonb[],
  $12::timestamptz[], $13::timestamptz[], $14::timestamptz[], $15::timestamptz[]
) AS i(run_id, tenant, first_ts, last_ts, event_count, warn_count, error_count, scenario, test_plan, description, tags,
       scenario_ts, test_plan_ts, description_ts, tags_ts)
-- Same lock order in every transaction: concurrent batches sharing runs cannot deadlock.
ORDER BY run_id
ON CONFLICT (run_id) DO UPDATE SET
  first_ts       = LEAST(r.first_ts, EXCLUDED.first_ts),
  last_ts        = GREATEST(r.last_ts, EXCLUDED.last_ts),
  event_count    = r.event_count + EXCLUDED.event_count,
  warn_count     = r.warn_count + EXCLUDED.warn_count,
  error_count    = r.error_count + EXCLUDED.error_count,
  scenario       = CASE WHEN EXCLUDED.scenario_ts >= COALESCE(r.scenario_ts, '-infinity') THEN EXCLUDED.scenario ELSE r.scenario END,
  scenario_ts    = GREATEST(r.scenario_ts, EXCLUDED.scenario_ts),
  test_plan      = CASE WHEN EXCLUDED.test_plan_ts >= COALESCE(r.test_plan_ts, '-infinity') THEN EXCLUDED.test_plan ELSE r.test_plan END,
  test_plan_ts   = GREATEST(r.test_plan_ts, EXCLUDED.test_plan_ts),
  description    = CASE WHEN EXCLUDED.description_ts >= COALESCE(r.description_ts, '-infinity') THEN EXCLUDED.description ELSE r.description END,
  description_ts = GREATEST(r.description_ts, EXCLUDED.description_ts),
  tags           = CASE WHEN EXCLUDED.tags_ts >= COALESCE(r.tags_ts, '-infinity') THEN EXCLUDED.tags ELSE r.tags END,
  tags_ts        = GREATEST(r.tags_ts, EXCLUDED.tags_ts),
  updated_at     = now()
-- A run belongs to the tenant whose event created it: another tenant's events with the same run id are
-- stored as journal events but never folded into it (migration 009).
WHERE r.tenant = EXCLUDED.tenant
