import type { Pool, PoolClient, Client } from 'pg';
import type { AuditRow as StoredAuditRow, EnvelopeRow, JournalRow as StoredJournalRow } from '../../sinks/postgres/rows';

/** Anything that runs a parameterized query: a pool, a pooled client or a single client. */
export type PgQueryable = Pick<Pool | PoolClient | Client, 'query'>;

/** Who acted, as stored. */
export interface ActorView {
  id: string;
  type: string;
}

/** The envelope fields every event carries, as the API returns them. */
export interface EventEnvelopeView {
  eventId: string;
  /** Contract timestamp, microsecond precision. */
  ts: string;
  tenant: string;
  service: string;
  correlationId: string;
  causationId: string | null;
  traceId: string | null;
  spanId: string | null;
  actor: ActorView;
}

/** A journal event as the API returns it. `archived` marks a row read from the pinned-run archive. */
export interface JournalEventView extends EventEnvelopeView {
  scope: string;
  runId: string | null;
  kind: string;
  severity: string;
  summary: string;
  details: unknown;
  pointers: Record<string, string> | null;
  archived: boolean;
}

/** An audit event as the API returns it (`seq` is its position in the tenant's hash chain). */
export interface AuditEventView extends EventEnvelopeView {
  action: string;
  resource: { type: string; id: string };
  outcome: string;
  reason: string | null;
  details: unknown;
  client: { ip: string | null; userAgent: string | null };
  seq: string;
}

/** The stored envelope columns the queries select (all but the schema reference). */
type SelectedEnvelope = Omit<EnvelopeRow, 'schema_name' | 'schema_version'>;

/** Columns shared by the journal queries (snake_case as selected), plus where the row was read from. */
export interface JournalRow extends Omit<StoredJournalRow, 'schema_name' | 'schema_version'> {
  archived: boolean;
}

/** Columns of the audit queries, with the row's place in its tenant's chain. */
export interface AuditRow extends Omit<StoredAuditRow, 'schema_name' | 'schema_version'> {
  seq: string;
}

function envelopeView(r: SelectedEnvelope): EventEnvelopeView {
  return {
    eventId: r.event_id,
    ts: r.ts,
    tenant: r.tenant,
    service: r.service,
    correlationId: r.correlation_id,
    causationId: r.causation_id,
    traceId: r.trace_id,
    spanId: r.span_id,
    actor: { id: r.actor_id, type: r.actor_type },
  };
}

/** Maps a journal row to its API shape. */
export function journalView(r: JournalRow): JournalEventView {
  return {
    ...envelopeView(r),
    scope: r.scope,
    runId: r.run_id,
    kind: r.kind,
    severity: r.severity,
    summary: r.summary,
    details: r.details ?? null,
    pointers: r.pointers ?? null,
    archived: r.archived,
  };
}

/** Maps an audit row to its API shape. */
export function auditView(r: AuditRow): AuditEventView {
  return {
    ...envelopeView(r),
    action: r.action,
    resource: { type: r.resource_type, id: r.resource_id },
    outcome: r.outcome,
    reason: r.reason,
    details: r.details ?? null,
    client: { ip: r.client_ip, userAgent: r.client_user_agent },
    seq: r.seq,
  };
}

/** A page of a keyset-paged list: `nextCursor` is null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
