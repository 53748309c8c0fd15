-- A run id is chosen by the app, so two tenants can use the same one (by chance, or one tenant on
-- purpose with another's). journal_run is keyed by run_id alone: until now the second tenant's events
-- were folded into the first tenant's run (its counts, first/last ts and metadata: one tenant saw and
-- changed the other's), and pinning or unpinning that run archived or removed both tenants' events.
-- From here a run belongs to the tenant whose event created it: the upsert leaves it alone for events
-- of another tenant (stored and shown in the journal as ever, without a run summary), and retention
-- joins runs to events by run id and tenant. Keying runs by (tenant, run_id) is the full answer; it
-- changes the pin API and CLI, and is left for its own change (docs/postgres.md).
-- Runs as hindsight_owner.

-- The retiring functions of 007, unchanged but for the tenant in the join (CREATE OR REPLACE keeps
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
    'FROM hindsight.%I e JOIN hindsight.journal_run r ON r.run_id = e.run_id AND r.tenant = e.tenant AND r.pinned '
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
    FROM gone e JOIN hindsight.journal_run r ON r.run_id = e.run_id AND r.tenant = e.tenant AND r.pinned
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

-- Unpins a run and removes its archived rows of the run's own tenant.
CREATE OR REPLACE FUNCTION hindsight.unpin_run(p_run_id text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  removed bigint;
  owner_tenant text;
BEGIN
  UPDATE hindsight.journal_run SET pinned = false, pin_mode = NULL, pinned_at = NULL, updated_at = now()
   WHERE run_id = p_run_id
  RETURNING tenant INTO owner_tenant;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  DELETE FROM hindsight.journal_capture WHERE run_id = p_run_id;
  DELETE FROM hindsight.journal_event_archive WHERE run_id = p_run_id AND tenant = owner_tenant;
  GET DIAGNOSTICS removed = ROW_COUNT;
  RETURN removed;
END
$$;
