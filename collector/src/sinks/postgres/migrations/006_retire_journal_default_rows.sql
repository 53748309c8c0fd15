-- Retention of the rows that landed in journal_event_default (late or clock-skewed events whose day had
-- no partition). Dropping day partitions never reaches them, so without this they would be kept for
-- ever. The default partition cannot be dropped, hence a row delete here: the one place retention
-- deletes rows, bounded by what the default partition holds, which is little by design (the sink keeps
-- partitions from yesterday to a week ahead). Runs as hindsight_owner.

-- Copies the pinned runs' rows of journal_event_default older than the start of today - keep_days (UTC)
-- into the archive, with the pin modes of retire_journal_partition (FULL: all; SLIM: INFO and above,
-- raw payload keys dropped from details; ERRORS_ONLY: WARN and ERROR; rows already archived are left
-- as they are), then deletes those expired rows from the default partition only. Returns the rows
-- archived and the rows deleted.
CREATE FUNCTION hindsight.retire_journal_default_rows(keep_days integer, OUT archived bigint, OUT deleted bigint)
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
    WHERE r.pin_mode = 'FULL'
       OR (r.pin_mode = 'SLIM' AND e.severity <> 'DEBUG')
       OR (r.pin_mode = 'ERRORS_ONLY' AND e.severity IN ('WARN', 'ERROR'))
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

-- The rights of retire_journal_partition, exactly: the collector's writer runs retention; the operator
-- login and the reader may not.
REVOKE ALL ON FUNCTION hindsight.retire_journal_default_rows(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hindsight.retire_journal_default_rows(integer) TO hindsight_writer;
