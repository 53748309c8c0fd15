/**
 * The one interface between the SDK's queues and wherever telemetry goes (Kafka in production, memory
 * in tests). Results are values, not exceptions: the pipeline decides to retry, drop or reject.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { AuditEvent, JournalEvent, SerializedEvent } from '../contract';

/** A log record as it leaves the process: pino's record, already redacted, with a stable id. */
export interface LogEntry {
  /** UUIDv7 given once per record so that a consumer can drop redelivered copies. */
  logId: string;
  /** pino's numeric level (10 trace … 60 fatal). */
  level: number;
  /** The record's fields as pino wrote them (time, msg, trace_id, correlation_id, …), redacted. */
  record: Record<string, unknown>;
}

/**
 * A batch of one kind of telemetry. Audit and journal batches from the SDK's lanes also carry `json`,
 * each item's contract JSON (index for index) as it was serialized while being validated; an exporter
 * that sends JSON uses it instead of serializing the items again.
 */
export type ExportBatch =
  | { kind: 'spans'; items: ReadableSpan[] }
  | { kind: 'logs'; items: LogEntry[] }
  | { kind: 'audit'; items: AuditEvent[]; json?: readonly string[] }
  | { kind: 'journal'; items: JournalEvent[]; json?: readonly string[] };

/** The batch of audit or journal events serialized while they were validated: the events and their texts. */
export function serializedBatch(kind: 'audit', items: readonly SerializedEvent<AuditEvent>[]): ExportBatch;
export function serializedBatch(kind: 'journal', items: readonly SerializedEvent<JournalEvent>[]): ExportBatch;
export function serializedBatch(kind: 'audit' | 'journal', items: readonly SerializedEvent<AuditEvent | JournalEvent>[]): ExportBatch {
  return { kind, items: items.map((i) => i.event), json: items.map((i) => i.json) } as ExportBatch;
}

/** The kinds of telemetry the SDK exports. */
export type TelemetryKind = ExportBatch['kind'];

/** Outcome of one export: `retriable` says whether sending the same batch again may succeed. */
export type ExportResult = { ok: true } | { ok: false; error: Error; retriable: boolean };

/** Sends batches somewhere. Implementations must not throw: failures are returned as results. */
export interface Exporter {
  /** Sends one batch; resolves once the destination has acknowledged it (or failed). */
  export(batch: ExportBatch): Promise<ExportResult>;
  /** Waits for anything the exporter itself buffers. */
  forceFlush(): Promise<void>;
  /** Flushes and releases connections; later exports fail. Idempotent. */
  shutdown(): Promise<void>;
}
