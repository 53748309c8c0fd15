/**
 * Encodes pino records as Kafka messages: OTLP `ExportLogsServiceRequest` protobuf, one message per
 * trace id (else correlation id), keyed by it. Runs in the background flush, never on the log call.
 */
import { SeverityNumber, type AnyValue, type LogAttributes } from '@opentelemetry/api-logs';
import { TraceFlags } from '@opentelemetry/api';
import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { ATTR } from '../contract';
import type { LogEntry } from '../exporter/exporter';
import type { KafkaMessage } from '../tracing/encode-spans';

/** Attribute carrying the record's stable id, for deduplication by consumers. */
export const LOG_ID_ATTRIBUTE = 'hindsight.log_id';

/** Record fields the logger's mixin adds, and the attribute each becomes. */
export const CONTEXT_FIELDS: Readonly<Record<string, string>> = {
  correlation_id: ATTR.correlationId,
  causation_id: ATTR.causationId,
  tenant: ATTR.tenant,
  run_id: ATTR.runId,
  actor_id: ATTR.actorId,
  actor_type: ATTR.actorType,
};

const SEVERITY: Record<number, [SeverityNumber, string]> = {
  10: [SeverityNumber.TRACE, 'TRACE'],
  20: [SeverityNumber.DEBUG, 'DEBUG'],
  30: [SeverityNumber.INFO, 'INFO'],
  40: [SeverityNumber.WARN, 'WARN'],
  50: [SeverityNumber.ERROR, 'ERROR'],
  60: [SeverityNumber.FATAL, 'FATAL'],
};

/** pino's numeric level as a severity label (DEBUG/INFO/WARN/ERROR/…); used by drop counters too. */
export function levelLabel(level: number): string {
  return SEVERITY[level]?.[1] ?? (level >= 50 ? 'ERROR' : level >= 40 ? 'WARN' : level >= 30 ? 'INFO' : 'DEBUG');
}

const SKIP = new Set(['level', 'time', 'msg', 'trace_id', 'span_id', 'trace_flags']);
const SCOPE = { name: '@hindsight/sdk/logger' };

/** Converts one pino record into an OpenTelemetry log record. */
export function toLogRecord(entry: LogEntry, resource: Resource): ReadableLogRecord {
  const r = entry.record;
  const ms = typeof r['time'] === 'number' ? r['time'] : Date.now();
  const hrTime: [number, number] = [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];
  const attributes: LogAttributes = { [LOG_ID_ATTRIBUTE]: entry.logId };
  for (const [key, value] of Object.entries(r)) {
    if (SKIP.has(key) || value === undefined) continue;
    attributes[CONTEXT_FIELDS[key] ?? key] = value as AnyValue;
  }
  const traceId = r['trace_id'];
  const spanId = r['span_id'];
  const [severityNumber, severityText] = SEVERITY[entry.level] ?? [SeverityNumber.UNSPECIFIED, levelLabel(entry.level)];
  return {
    hrTime,
    hrTimeObserved: hrTime,
    spanContext:
      typeof traceId === 'string' && typeof spanId === 'string'
        ? { traceId, spanId, traceFlags: r['trace_flags'] === '01' ? TraceFlags.SAMPLED : TraceFlags.NONE }
        : undefined,
    severityNumber,
    severityText,
    body: typeof r['msg'] === 'string' ? r['msg'] : undefined,
    resource,
    instrumentationScope: SCOPE,
    attributes,
    droppedAttributesCount: 0,
  };
}

/** The message key of a record: trace id, else correlation id, else its own id. */
export function logKey(entry: LogEntry): string {
  const r = entry.record;
  if (typeof r['trace_id'] === 'string') return r['trace_id'];
  if (typeof r['correlation_id'] === 'string') return r['correlation_id'];
  return entry.logId;
}

/** Groups records by key and serializes each group. */
export function encodeLogs(entries: readonly LogEntry[], resource: Resource): { messages: KafkaMessage[]; failed: number } {
  const byKey = new Map<string, ReadableLogRecord[]>();
  for (const entry of entries) {
    const key = logKey(entry);
    const record = toLogRecord(entry, resource);
    const group = byKey.get(key);
    if (group === undefined) byKey.set(key, [record]);
    else group.push(record);
  }
  const messages: KafkaMessage[] = [];
  let failed = 0;
  for (const [key, group] of byKey) {
    const bytes = ProtobufLogsSerializer.serializeRequest(group);
    if (bytes === undefined) {
      failed += group.length;
      continue;
    }
    messages.push({ key, value: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
  }
  return { messages, failed };
}
