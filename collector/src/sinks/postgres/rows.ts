import type { AuditEvent, Envelope, JournalEvent } from '@hindsight/sdk/contract';
import { csvValue } from './copy-csv';

/**
 * Column naming rule of every Hindsight table: a contract field path with dots replaced by
 * underscores (`actor.id` → `actor_id`, `client.user_agent` → `client_user_agent`).
 */
export function columnOf(fieldPath: string): string {
  return fieldPath.replace(/\./g, '_');
}

/** The envelope's contract fields as column values: the columns every event table shares. */
export interface EnvelopeRow {
  event_id: string;
  schema_name: string;
  schema_version: number;
  ts: string;
  tenant: string;
  service: string;
  correlation_id: string;
  causation_id: string | null;
  trace_id: string | null;
  span_id: string | null;
  actor_id: string;
  actor_type: string;
}

/** An audit event's contract fields as column values (before seq and hashes are assigned). */
export interface AuditRow extends EnvelopeRow {
  action: string;
  resource_type: string;
  resource_id: string;
  outcome: string;
  reason: string | null;
  details: Record<string, unknown> | null;
  client_ip: string | null;
  client_user_agent: string | null;
}

/** A journal event's contract fields as column values. */
export interface JournalRow extends EnvelopeRow {
  scope: string;
  run_id: string | null;
  kind: string;
  severity: string;
  summary: string;
  details: Record<string, unknown> | null;
  pointers: Record<string, string> | null;
}

function envelopeRow(e: Envelope): EnvelopeRow {
  return {
    event_id: e.event_id,
    schema_name: e.schema.name,
    schema_version: e.schema.version,
    ts: e.ts,
    tenant: e.tenant,
    service: e.service,
    correlation_id: e.correlation_id,
    causation_id: e.causation_id ?? null,
    trace_id: e.trace_id ?? null,
    span_id: e.span_id ?? null,
    actor_id: e.actor.id,
    actor_type: e.actor.type,
  };
}

export function auditRow(e: AuditEvent): AuditRow {
  return {
    ...envelopeRow(e),
    action: e.action,
    resource_type: e.resource.type,
    resource_id: e.resource.id,
    outcome: e.outcome,
    reason: e.reason ?? null,
    details: e.details ?? null,
    client_ip: e.client?.ip ?? null,
    client_user_agent: e.client?.user_agent ?? null,
  };
}

export function journalRow(e: JournalEvent): JournalRow {
  return {
    ...envelopeRow(e),
    scope: e.scope,
    run_id: e.run_id ?? null,
    kind: e.kind,
    severity: e.severity,
    summary: e.summary,
    details: e.details ?? null,
    pointers: e.pointers ?? null,
  };
}

/** Column names in the order of the COPY column lists (queries/journal-stage.sql has the journal's). */
export const AUDIT_INSERT_COLUMNS = [
  'event_id', 'schema_name', 'schema_version', 'ts', 'tenant', 'service', 'correlation_id', 'causation_id',
  'trace_id', 'span_id', 'actor_id', 'actor_type', 'action', 'resource_type', 'resource_id', 'outcome', 'reason',
  'details', 'client_ip', 'client_user_agent',
] as const satisfies ReadonlyArray<keyof AuditRow>;

export const JOURNAL_INSERT_COLUMNS = [
  'event_id', 'schema_name', 'schema_version', 'ts', 'tenant', 'service', 'correlation_id', 'causation_id',
  'trace_id', 'span_id', 'actor_id', 'actor_type', 'scope', 'run_id', 'kind', 'severity', 'summary',
  'details', 'pointers',
] as const satisfies ReadonlyArray<keyof JournalRow>;

/**
 * A journal event as one CSV line in {@link JOURNAL_INSERT_COLUMNS} order, written straight from the
 * event: the same text as `csvRows([journalRow(e)], JOURNAL_INSERT_COLUMNS)` (a test holds them equal)
 * without an intermediate row object per event, which was a third of the sink's own CPU per batch.
 */
export function journalCsvLine(e: JournalEvent): string {
  return (
    csvValue(e.event_id) + ',' + csvValue(e.schema.name) + ',' + csvValue(e.schema.version) + ',' + csvValue(e.ts) + ',' +
    csvValue(e.tenant) + ',' + csvValue(e.service) + ',' + csvValue(e.correlation_id) + ',' + csvValue(e.causation_id) + ',' +
    csvValue(e.trace_id) + ',' + csvValue(e.span_id) + ',' + csvValue(e.actor.id) + ',' + csvValue(e.actor.type) + ',' +
    csvValue(e.scope) + ',' + csvValue(e.run_id) + ',' + csvValue(e.kind) + ',' + csvValue(e.severity) + ',' +
    csvValue(e.summary) + ',' + csvValue(e.details) + ',' + csvValue(e.pointers) + '\n'
  );
}
