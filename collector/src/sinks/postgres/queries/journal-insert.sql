-- Moves the batch COPYed into the staging table (journal-stage.sql) into journal_event (a redelivered
-- event_id is skipped, and so is the second copy of an event repeated within the batch) and folds the
-- events that were really inserted into their runs, so redelivery never inflates a run's counts.
-- Run metadata convention: details.scenario / test_plan / description (strings) and details.tags
-- (array); within a batch the newest event carrying a value wins, and a value replaces the stored one.
WITH inserted AS (
  INSERT INTO hindsight.journal_event (
    event_id, schema_name, schema_version, ts, tenant, service, correlation_id, causation_id,
    trace_id, span_id, actor_id, actor_type, scope, run_id, kind, severity, summary, details, pointers
  )
  SELECT
    event_id, schema_name, schema_version, ts, tenant, service, correlation_id, causation_id,
    trace_id, span_id, actor_id, actor_type, scope, run_id, kind, severity, summary,
    details, pointers
  FROM pg_temp.hindsight_journal_stage
  ON CONFLICT (event_id, ts) DO NOTHING
  RETURNING run_id, tenant, ts, severity, details
), runs AS (
  SELECT
    run_id,
    min(tenant) AS tenant,
    min(ts) AS first_ts,
    max(ts) AS last_ts,
    count(*) AS event_count,
    count(*) FILTER (WHERE severity = 'WARN') AS warn_count,
    count(*) FILTER (WHERE severity = 'ERROR') AS error_count,
    (array_agg(details ->> 'scenario' ORDER BY ts DESC)
      FILTER (WHERE jsonb_typeof(details -> 'scenario') = 'string'))[1] AS scenario,
    (array_agg(details ->> 'test_plan' ORDER BY ts DESC)
      FILTER (WHERE jsonb_typeof(details -> 'test_plan') = 'string'))[1] AS test_plan,
    (array_agg(details ->> 'description' ORDER BY ts DESC)
      FILTER (WHERE jsonb_typeof(details -> 'description') = 'string'))[1] AS description,
    (array_agg(details -> 'tags' ORDER BY ts DESC)
      FILTER (WHERE jsonb_typeof(details -> 'tags') = 'array'))[1] AS tags
  FROM inserted
  WHERE run_id IS NOT NULL
  GROUP BY run_id
)
INSERT INTO hindsight.journal_run AS r (
  run_id, tenant, scenario, test_plan, description, tags, first_ts, last_ts,
  event_count, warn_count, error_count
)
SELECT
  run_id, tenant, scenario, test_plan, description,
  COALESCE(ARRAY(SELECT jsonb_array_elements_text(tags)), '{}'),
  first_ts, last_ts, event_count, warn_count, error_count
FROM runs
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
