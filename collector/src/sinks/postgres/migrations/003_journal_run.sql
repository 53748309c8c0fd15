-- Runs, and the tables the retention/pinning feature fills: which runs are kept, and the archived
-- events of pinned runs that outlive their partitions. Runs as hindsight_owner.

CREATE TYPE hindsight.pin_mode AS ENUM (
  'FULL',        -- every journal event of the run
  'SLIM',        -- everything but DEBUG
  'ERRORS_ONLY'  -- WARN and ERROR only
);

-- One row per run id seen on journal events, upserted by the sink. scenario, test_plan, description
-- and tags come from the events' details (convention in docs/postgres.md).
CREATE TABLE hindsight.journal_run (
  run_id      text        NOT NULL,
  tenant      text        NOT NULL,
  scenario    text,
  test_plan   text,
  description text,
  tags        text[]      NOT NULL DEFAULT '{}',
  first_ts    timestamptz NOT NULL,
  last_ts     timestamptz NOT NULL,
  event_count bigint      NOT NULL DEFAULT 0,
  warn_count  bigint      NOT NULL DEFAULT 0,
  error_count bigint      NOT NULL DEFAULT 0,
  pinned      boolean     NOT NULL DEFAULT false,
  pin_mode    hindsight.pin_mode,
  pinned_at   timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT journal_run_pkey PRIMARY KEY (run_id),
  CONSTRAINT journal_run_pin_check CHECK (pinned = (pin_mode IS NOT NULL))
);

CREATE INDEX journal_run_tenant_idx ON hindsight.journal_run (tenant, last_ts DESC);
CREATE INDEX journal_run_pinned_idx ON hindsight.journal_run (pinned_at DESC) WHERE pinned;

-- A request to keep a run beyond retention, and how far its copy into the archive got.
CREATE TABLE hindsight.journal_capture (
  run_id       text               NOT NULL REFERENCES hindsight.journal_run (run_id),
  mode         hindsight.pin_mode NOT NULL,
  requested_at timestamptz        NOT NULL DEFAULT now(),
  requested_by text,
  note         text,
  archived_at  timestamptz,
  archived_count bigint           NOT NULL DEFAULT 0,
  CONSTRAINT journal_capture_pkey PRIMARY KEY (run_id)
);

-- Same columns as journal_event, not partitioned: archived rows are kept until unpinned.
CREATE TABLE hindsight.journal_event_archive (
  LIKE hindsight.journal_event INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
  archived_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT journal_event_archive_pkey PRIMARY KEY (event_id)
);
CREATE INDEX journal_event_archive_run_idx ON hindsight.journal_event_archive (run_id, ts DESC, event_id DESC);

REVOKE ALL ON hindsight.journal_run, hindsight.journal_capture, hindsight.journal_event_archive FROM PUBLIC;
-- Upsert needs SELECT (ON CONFLICT reads the row) and UPDATE (counts, first/last ts).
GRANT SELECT, INSERT, UPDATE ON hindsight.journal_run TO hindsight_writer;
GRANT SELECT ON hindsight.journal_run, hindsight.journal_capture, hindsight.journal_event_archive TO hindsight_reader;
