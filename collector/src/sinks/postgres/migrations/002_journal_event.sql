-- Journal events, range-partitioned by UTC day so retention drops whole partitions instead of
-- deleting rows. Runs as hindsight_owner.

CREATE TABLE hindsight.journal_event (
  event_id       uuid        NOT NULL,
  schema_name    text        NOT NULL,
  schema_version integer     NOT NULL,
  ts             timestamptz NOT NULL,
  tenant         text        NOT NULL,
  service        text        NOT NULL,
  correlation_id text        NOT NULL,
  causation_id   text,
  trace_id       text,
  span_id        text,
  actor_id       text        NOT NULL,
  actor_type     text        NOT NULL,
  scope          text        NOT NULL,
  run_id         text,
  kind           text        NOT NULL,
  severity       text        NOT NULL,
  summary        text        NOT NULL,
  details        jsonb,
  pointers       jsonb,
  ingested_at    timestamptz NOT NULL DEFAULT now(),
  -- A unique key of a partitioned table must contain the partition key. (event_id, ts) is enough for
  -- idempotence: a redelivered event is the same Kafka message, so it carries the same ts and lands
  -- on the same partition, where this key finds it.
  CONSTRAINT journal_event_pkey PRIMARY KEY (event_id, ts),
  CONSTRAINT journal_event_severity_check CHECK (severity IN ('DEBUG', 'INFO', 'WARN', 'ERROR')),
  CONSTRAINT journal_event_actor_type_check CHECK (actor_type IN ('user', 'service', 'system', 'api'))
) PARTITION BY RANGE (ts);

-- Catches events outside the days that have partitions (very late or clock-skewed ones), so no write
-- ever fails for want of a partition. ensure_journal_partitions moves such rows into a day's
-- partition when it creates it.
CREATE TABLE hindsight.journal_event_default PARTITION OF hindsight.journal_event DEFAULT;

-- Keyset pagination (newest first, event_id breaks ties) over everything, a run, a correlation id.
CREATE INDEX journal_event_ts_idx ON hindsight.journal_event (ts DESC, event_id DESC);
CREATE INDEX journal_event_run_idx ON hindsight.journal_event (scope, run_id, ts DESC, event_id DESC);
CREATE INDEX journal_event_correlation_idx ON hindsight.journal_event (correlation_id, ts DESC, event_id DESC);
-- Grafana annotations and "what went wrong" views read only WARN/ERROR, a small share of the rows.
CREATE INDEX journal_event_problem_idx ON hindsight.journal_event (ts DESC, event_id DESC)
  WHERE severity IN ('WARN', 'ERROR');

CREATE FUNCTION hindsight.ensure_journal_partitions(days_ahead integer DEFAULT 7, days_behind integer DEFAULT 1)
RETURNS integer
LANGUAGE plpgsql
-- The sink (hindsight_writer) calls this at start and daily; partitions must still be owned by the
-- owner, hence SECURITY DEFINER with a fixed search_path.
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  today date := (now() AT TIME ZONE 'UTC')::date;
  d date;
  lo timestamptz;
  hi timestamptz;
  part text;
  created integer := 0;
BEGIN
  IF days_ahead NOT BETWEEN 0 AND 366 OR days_behind NOT BETWEEN 0 AND 366 THEN
    RAISE EXCEPTION 'ensure_journal_partitions: days_ahead and days_behind must be within 0..366';
  END IF;
  -- Two sinks starting together must not both create the same partition.
  PERFORM pg_advisory_xact_lock(1751737683, 2);
  FOR d IN SELECT generate_series(today - days_behind, today + days_ahead, interval '1 day')::date LOOP
    part := 'journal_event_p' || to_char(d, 'YYYYMMDD');
    CONTINUE WHEN to_regclass(format('hindsight.%I', part)) IS NOT NULL;
    lo := d::timestamp AT TIME ZONE 'UTC';
    hi := (d + 1)::timestamp AT TIME ZONE 'UTC';
    EXECUTE format('CREATE TABLE hindsight.%I (LIKE hindsight.journal_event INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
    -- Attaching a range the default partition already holds rows for would fail: move them first.
    EXECUTE format(
      'WITH moved AS (DELETE FROM hindsight.journal_event_default WHERE ts >= $1 AND ts < $2 RETURNING *) '
      'INSERT INTO hindsight.%I SELECT * FROM moved', part) USING lo, hi;
    EXECUTE format('ALTER TABLE hindsight.journal_event ATTACH PARTITION hindsight.%I FOR VALUES FROM (%L) TO (%L)',
      part, lo, hi);
    created := created + 1;
  END LOOP;
  RETURN created;
END
$$;

REVOKE ALL ON hindsight.journal_event FROM PUBLIC;
REVOKE ALL ON FUNCTION hindsight.ensure_journal_partitions(integer, integer) FROM PUBLIC;
-- SELECT because the insert returns the stored rows to update journal_run.
GRANT SELECT, INSERT ON hindsight.journal_event TO hindsight_writer;
GRANT EXECUTE ON FUNCTION hindsight.ensure_journal_partitions(integer, integer) TO hindsight_writer;
GRANT SELECT ON hindsight.journal_event, hindsight.journal_event_default TO hindsight_reader;

SELECT hindsight.ensure_journal_partitions(7, 1);
