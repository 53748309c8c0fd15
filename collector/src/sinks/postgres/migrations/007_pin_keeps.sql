-- The pin-mode rule in one place: which journal events of a pinned run outlive retention (FULL: all;
-- SLIM: INFO and above; ERRORS_ONLY: WARN and ERROR). Until now retire_journal_partition (004),
-- retire_journal_default_rows (006) and the retention dry-run queries (collector/src/retention/sql)
-- each spelled it out; they now call this. A plain SQL function without SET options, so the planner
-- inlines it into each query as if the expression were written there. Runs as hindsight_owner.
CREATE FUNCTION hindsight.pin_keeps(mode hindsight.pin_mode, severity text) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
  SELECT mode = 'FULL'
      OR (mode = 'SLIM' AND severity <> 'DEBUG')
      OR (mode = 'ERRORS_ONLY' AND severity IN ('WARN', 'ERROR'))
$$;

REVOKE ALL ON FUNCTION hindsight.pin_keeps(hindsight.pin_mode, text) FROM PUBLIC;
-- The collector's writer runs retention and its dry run; the functions below run as their owner.
GRANT EXECUTE ON FUNCTION hindsight.pin_keeps(hindsight.pin_mode, text) TO hindsight_writer;

-- The two retiring functions of 004 and 006, unchanged but for the rule (CREATE OR REPLACE keeps
-- their owner and grants).
CREATE OR REPLACE FUNCTION hindsight.retire_journal_partition(part text, keep_days integer, OUT archived bigint, OUT dropped bigint)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  day date;
BEGIN
  IF keep_days IS NULL OR keep_days < 1 THEN
    RAISE EXCEPTION 'retire_journal_partition: keep_days must be at least 1';
  END IF;
  IF part !~ '^journal_event_p[0-9]{8}$' THEN
    RAISE EXCEPTION 'retire_journal_partition: % is not a daily journal partition', part;
  END IF;
  day := to_date(substr(part, 16), 'YYYYMMDD');
  IF day >= (now() AT TIME ZONE 'UTC')::date - keep_days THEN
    RAISE EXCEPTION 'retire_journal_partition: % is within the last % days', part, keep_days;
  END IF;
  IF NOT EXISTS (
    SELECT 1 FROM pg_inherits i
    WHERE i.inhparent = 'hindsight.journal_event'::regclass
      AND i.inhrelid = to_regclass(format('hindsight.%I', part))
  ) THEN
    RAISE EXCEPTION 'retire_journal_partition: % is not attached to hindsight.journal_event', part;
  END IF;
  -- Same lock as ensure_journal_partitions: never drop while another instance creates.
  PERFORM pg_advisory_xact_lock(1751737683, 2);

  EXECUTE format(
    'INSERT INTO hindsight.journal_event_archive (event_id, schema_name, schema_version, ts, tenant, service, '
    '  correlation_id, causation_id, trace_id, span_id, actor_id, actor_type, scope, run_id, kind, severity, '
    '  summary, details, pointers, ingested_at) '
    'SELECT e.event_id, e.schema_name, e.schema_version, e.ts, e.tenant, e.service, e.correlation_id, '
    '  e.causation_id, e.trace_id, e.span_id, e.actor_id, e.actor_type, e.scope, e.run_id, e.kind, e.severity, '
    '  e.summary, CASE WHEN r.pin_mode = ''SLIM'' THEN hindsight.slim_details(e.details) ELSE e.details END, '
    '  e.pointers, e.ingested_at '
    'FROM hindsight.%I e JOIN hindsight.journal_run r ON r.run_id = e.run_id AND r.pinned '
    'WHERE hindsight.pin_keeps(r.pin_mode, e.severity) '
    'ON CONFLICT (event_id) DO NOTHING', part);
  GET DIAGNOSTICS archived = ROW_COUNT;

  UPDATE hindsight.journal_capture c SET archived_at = now(),
    archived_count = (SELECT count(*) FROM hindsight.journal_event_archive a WHERE a.run_id = c.run_id)
  WHERE c.run_id IN (SELECT run_id FROM hindsight.journal_run WHERE pinned);

  EXECUTE format('SELECT count(*) FROM hindsight.%I', part) INTO dropped;
  EXECUTE format('ALTER TABLE hindsight.journal_event DETACH PARTITION hindsight.%I', part);
  EXECUTE format('DROP TABLE hindsight.%I', part);
END
$$;

CREATE OR REPLACE FUNCTION hindsight.retire_journal_default_rows(keep_days integer, OUT archived bigint, OUT deleted bigint)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  cutoff timestamptz;
BEGIN
  -- The same floor as retire_journal_partition: nothing of today or yesterday is ever retired.
  IF keep_days IS NULL OR keep_days < 1 THEN
    RAISE EXCEPTION 'retire_journal_default_rows: keep_days must be at least 1';
  END IF;
  cutoff := ((now() AT TIME ZONE 'UTC')::date - keep_days)::timestamp AT TIME ZONE 'UTC';
  -- Same lock as ensure_journal_partitions, which moves a day's rows out of the default partition
  -- when it creates that day: the two never work on the default partition at once.
  PERFORM pg_advisory_xact_lock(1751737683, 2);

  -- One statement, so one snapshot: exactly the rows deleted are the ones considered for the archive.
  -- In two statements, a late pinned row committed in between would be deleted without its copy.
  WITH gone AS (
    DELETE FROM hindsight.journal_event_default WHERE ts < cutoff RETURNING *
  ), kept AS (
    INSERT INTO hindsight.journal_event_archive (event_id, schema_name, schema_version, ts, tenant, service,
      correlation_id, causation_id, trace_id, span_id, actor_id, actor_type, scope, run_id, kind, severity,
      summary, details, pointers, ingested_at)
    SELECT e.event_id, e.schema_name, e.schema_version, e.ts, e.tenant, e.service, e.correlation_id,
      e.causation_id, e.trace_id, e.span_id, e.actor_id, e.actor_type, e.scope, e.run_id, e.kind, e.severity,
      e.summary, CASE WHEN r.pin_mode = 'SLIM' THEN hindsight.slim_details(e.details) ELSE e.details END,
      e.pointers, e.ingested_at
    FROM gone e JOIN hindsight.journal_run r ON r.run_id = e.run_id AND r.pinned
    WHERE hindsight.pin_keeps(r.pin_mode, e.severity)
    ON CONFLICT (event_id) DO NOTHING
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM kept), (SELECT count(*) FROM gone) INTO archived, deleted;

  -- Unlike a partition, the default partition is visited on every run (hourly by default): touch the
  -- captures only when something was archived, so archived_at keeps meaning "last copy".
  IF archived > 0 THEN
    UPDATE hindsight.journal_capture c SET archived_at = now(),
      archived_count = (SELECT count(*) FROM hindsight.journal_event_archive a WHERE a.run_id = c.run_id)
    WHERE c.run_id IN (SELECT run_id FROM hindsight.journal_run WHERE pinned);
  END IF;
END
$$;
