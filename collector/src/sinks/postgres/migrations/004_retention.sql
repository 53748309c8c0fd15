-- Pinning and retention of journal partitions (collector/src/retention, docs/operations-retention-replay.md).
-- The collector runs as hindsight_writer, which owns nothing: dropping a partition and writing the
-- archive need the owner's rights, so they happen only inside these SECURITY DEFINER functions, each
-- of which checks its inputs itself. Runs as hindsight_owner.

-- Top-level keys of `details` that carry raw payloads by convention; a SLIM pin drops them.
CREATE FUNCTION hindsight.slim_details(details jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT CASE WHEN jsonb_typeof(details) = 'object'
    THEN details - ARRAY['payload', 'raw', 'body', 'request_body', 'response_body', 'stdout', 'stderr']
    ELSE details END
$$;

-- Marks a run pinned (or changes its mode). Returns false when the run is unknown.
CREATE FUNCTION hindsight.pin_run(p_run_id text, p_mode hindsight.pin_mode, p_requested_by text DEFAULT NULL, p_note text DEFAULT NULL)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  UPDATE hindsight.journal_run
     SET pinned = true, pin_mode = p_mode, pinned_at = COALESCE(pinned_at, now()), updated_at = now()
   WHERE run_id = p_run_id;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  INSERT INTO hindsight.journal_capture AS c (run_id, mode, requested_by, note)
  VALUES (p_run_id, p_mode, p_requested_by, p_note)
  ON CONFLICT (run_id) DO UPDATE SET mode = EXCLUDED.mode, requested_at = now(),
    requested_by = EXCLUDED.requested_by, note = COALESCE(EXCLUDED.note, c.note);
  RETURN true;
END
$$;

-- Unpins a run and removes its archived rows (what retention already dropped is then gone).
-- Returns the archived rows removed, or NULL when the run is unknown.
CREATE FUNCTION hindsight.unpin_run(p_run_id text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  removed bigint;
BEGIN
  UPDATE hindsight.journal_run SET pinned = false, pin_mode = NULL, pinned_at = NULL, updated_at = now()
   WHERE run_id = p_run_id;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  DELETE FROM hindsight.journal_capture WHERE run_id = p_run_id;
  DELETE FROM hindsight.journal_event_archive WHERE run_id = p_run_id;
  GET DIAGNOSTICS removed = ROW_COUNT;
  RETURN removed;
END
$$;

-- Copies the pinned runs' rows of one daily partition into the archive (FULL: all; SLIM: INFO and
-- above, raw payload keys dropped from details; ERRORS_ONLY: WARN and ERROR), then detaches and drops
-- the partition, in one transaction: a failure leaves the rows where they were. Only
-- journal_event_pYYYYMMDD partitions of a day before today - keep_days (UTC) are accepted.
-- Returns the rows archived and the rows the partition held.
CREATE FUNCTION hindsight.retire_journal_partition(part text, keep_days integer, OUT archived bigint, OUT dropped bigint)
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
    'WHERE r.pin_mode = ''FULL'' '
    '   OR (r.pin_mode = ''SLIM'' AND e.severity <> ''DEBUG'') '
    '   OR (r.pin_mode = ''ERRORS_ONLY'' AND e.severity IN (''WARN'', ''ERROR'')) '
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

REVOKE ALL ON FUNCTION hindsight.pin_run(text, hindsight.pin_mode, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION hindsight.unpin_run(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION hindsight.retire_journal_partition(text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hindsight.pin_run(text, hindsight.pin_mode, text, text) TO hindsight_writer;
GRANT EXECUTE ON FUNCTION hindsight.unpin_run(text) TO hindsight_writer;
GRANT EXECUTE ON FUNCTION hindsight.retire_journal_partition(text, integer) TO hindsight_writer;
-- Reading a pinned run back (live partitions ∪ archive) needs the archive; pin state is on journal_run.
GRANT SELECT ON hindsight.journal_event_archive TO hindsight_writer;
