import type { AuditEvent, JournalEvent } from '@hindsight/sdk/contract';

/** Where a record came from in Kafka; used for offset tracking and dead-letter headers. */
export interface Origin {
  topic: string;
  partition: number;
  offset: string;
}

/** One span flattened from an OTLP ExportTraceServiceRequest. Ids are lowercase hex. */
export interface SpanRow {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind number (0 unspecified … 5 consumer). */
  kind: number;
  /** Nanoseconds since the epoch, as decimal strings (exceed 2^53). */
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  statusCode: number;
  statusMessage: string;
  serviceName: string;
  /** From the `hindsight.*` attributes (ATTR in the contract); empty string when absent. */
  correlationId: string;
  tenant: string;
  attributes: Record<string, unknown>;
  resourceAttributes: Record<string, unknown>;
  scopeName: string;
  events: Array<{ name: string; timeUnixNano: string; attributes: Record<string, unknown> }>;
}

/** One log record flattened from an OTLP ExportLogsServiceRequest. */
export interface LogRow {
  /** Stable id for deduplication: from the `hindsight.log_id` attribute, else a hash of the record. */
  logId: string;
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityNumber: number;
  severityText: string;
  body: string;
  traceId: string;
  spanId: string;
  serviceName: string;
  correlationId: string;
  tenant: string;
  attributes: Record<string, unknown>;
  resourceAttributes: Record<string, unknown>;
}

/** A decoded, validated record on its way to a sink. */
export type SinkRecord =
  | { kind: 'audit'; event: AuditEvent; origin: Origin }
  | { kind: 'journal'; event: JournalEvent; origin: Origin }
  | { kind: 'span'; span: SpanRow; origin: Origin }
  | { kind: 'log'; log: LogRow; origin: Origin };

export type RecordKind = SinkRecord['kind'];
