-- The audit log: one row per AuditEvent of the contract (columns = contract field paths with dots
-- replaced by underscores), chained per tenant by seq/prev_hash/hash (see docs/postgres.md).
-- Runs as hindsight_owner.

CREATE TABLE hindsight.audit_event (
  event_id          uuid        NOT NULL,
  schema_name       text        NOT NULL,
  schema_version    integer     NOT NULL,
  ts                timestamptz NOT NULL,
  tenant            text        NOT NULL,
  service           text        NOT NULL,
  correlation_id    text        NOT NULL,
  causation_id      text,
  trace_id          text,
  span_id           text,
  actor_id          text        NOT NULL,
  actor_type        text        NOT NULL,
  action            text        NOT NULL,
  resource_type     text        NOT NULL,
  resource_id       text        NOT NULL,
  outcome           text        NOT NULL,
  reason            text,
  details           jsonb,
  -- text, not inet: the chain hashes the address as the app sent it, and inet would re-spell it
  client_ip         text,
  client_user_agent text,
  -- position in the tenant's chain, from 1 without gaps
  seq               bigint      NOT NULL,
  -- hash of the row before (32 zero bytes for seq 1) and sha256(prev_hash || canonical form)
  prev_hash         bytea       NOT NULL,
  hash              bytea       NOT NULL,
  ingested_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT audit_event_pkey PRIMARY KEY (event_id),
  CONSTRAINT audit_event_tenant_seq_key UNIQUE (tenant, seq),
  CONSTRAINT audit_event_seq_check CHECK (seq >= 1),
  CONSTRAINT audit_event_hash_check CHECK (octet_length(hash) = 32 AND octet_length(prev_hash) = 32),
  CONSTRAINT audit_event_outcome_check CHECK (outcome IN ('success', 'failure', 'denied')),
  CONSTRAINT audit_event_actor_type_check CHECK (actor_type IN ('user', 'service', 'system', 'api'))
);

COMMENT ON TABLE hindsight.audit_event IS
  'Append-only audit log (UPDATE/DELETE/TRUNCATE blocked by triggers), hash-chained per tenant.';

-- Compliance questions: who did what, what happened to a resource, everything of one request, a window.
CREATE INDEX audit_event_actor_idx ON hindsight.audit_event (tenant, actor_id, ts DESC);
CREATE INDEX audit_event_resource_idx ON hindsight.audit_event (tenant, resource_type, resource_id, ts DESC);
CREATE INDEX audit_event_correlation_idx ON hindsight.audit_event (correlation_id, ts);
CREATE INDEX audit_event_tenant_ts_idx ON hindsight.audit_event (tenant, ts DESC);

CREATE FUNCTION hindsight.audit_event_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'hindsight.audit_event is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'Audit rows are never changed or removed; verify-audit checks their hash chain.';
END
$$;

CREATE TRIGGER audit_event_no_update_delete
  BEFORE UPDATE OR DELETE ON hindsight.audit_event
  FOR EACH ROW EXECUTE FUNCTION hindsight.audit_event_refuse_change();

CREATE TRIGGER audit_event_no_truncate
  BEFORE TRUNCATE ON hindsight.audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION hindsight.audit_event_refuse_change();

REVOKE ALL ON hindsight.audit_event FROM PUBLIC;
-- SELECT: the writer reads each tenant's chain head and skips event ids already stored.
GRANT SELECT, INSERT ON hindsight.audit_event TO hindsight_writer;
GRANT SELECT ON hindsight.audit_event TO hindsight_reader;
REVOKE ALL ON FUNCTION hindsight.audit_event_refuse_change() FROM PUBLIC;
