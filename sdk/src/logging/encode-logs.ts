/**
 * Encodes pino records as Kafka messages: OTLP `ExportLogsServiceRequest` protobuf, one message per
 * export batch (as the OpenTelemetry Collector's Kafka exporter sends them), split only to keep a
 * message under {@link MAX_OTLP_MESSAGE_BYTES}. Each Kafka message costs the producer far more than a
 * record in it (record framing, partitioning, CRC): one per trace id made it one message per request
 * in a typical service. Runs in the background flush, never on the log call.
 */
import { SeverityNumber, type AnyValue, type LogAttributes } from '@opentelemetry/api-logs';
import { TraceFlags, isValidSpanId, isValidTraceId } from '@opentelemetry/api';
import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
// From the constants alone: the contract's index compiles its validators, which the producer thread
// (where lines are encoded too) never needs.
import { ATTR } from '../contract/constants';
import type { LogEntry } from '../exporter/exporter';
import { MAX_OTLP_MESSAGE_BYTES, type KafkaMessage } from '../transport/kafka-message';

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

const SKIP = new Set(['level', 'time', 'msg']);
const TRACE_FIELDS = new Set(['trace_id', 'span_id', 'trace_flags']);
const SCOPE = { name: '@hindsight/sdk/logger' };

/** Converts one pino record into an OpenTelemetry log record. */
export function toLogRecord(entry: LogEntry, resource: Resource): ReadableLogRecord {
  const r = entry.record;
  const ms = typeof r['time'] === 'number' ? r['time'] : Date.now();
  const hrTime: [number, number] = [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];
  const traceId = r['trace_id'];
  const spanId = r['span_id'];
  // Ids become the record's binary trace context only when they are ids: a field an app logged itself
  // under these names may be anything, and one record with an id of the wrong length makes the whole
  // OTLP message undecodable for the collector (and for any OTLP receiver). Otherwise they stay attributes.
  const traced = isValidTraceId(traceId as string) && isValidSpanId(spanId as string);
  const attributes: LogAttributes = { [LOG_ID_ATTRIBUTE]: entry.logId };
  for (const [key, value] of Object.entries(r)) {
    if (SKIP.has(key) || value === undefined || (traced && TRACE_FIELDS.has(key))) continue;
    attributes[CONTEXT_FIELDS[key] ?? key] = value as AnyValue;
  }
  const [severityNumber, severityText] = SEVERITY[entry.level] ?? [SeverityNumber.UNSPECIFIED, levelLabel(entry.level)];
  return {
    hrTime,
    hrTimeObserved: hrTime,
    spanContext: traced ? { traceId: traceId as string, spanId: spanId as string, traceFlags: r['trace_flags'] === '01' ? TraceFlags.SAMPLED : TraceFlags.NONE } : undefined,
    severityNumber,
    severityText,
    body: typeof r['msg'] === 'string' ? r['msg'] : undefined,
    resource,
    instrumentationScope: SCOPE,
    attributes,
    droppedAttributesCount: 0,
  };
}

/**
 * The message key of a batch: the first record's log id. Nothing reads a logs message by key (a batch
 * holds records of many traces); a distinct key per batch spreads batches over the partitions.
 */
export function logsMessageKey(entries: readonly LogEntry[]): string {
  return entries[0]?.logId ?? '';
}

/** Serializes `entries` as one message, or as several when one would exceed the size limit. */
function encodeInto(entries: readonly LogEntry[], records: readonly ReadableLogRecord[], out: KafkaMessage<Buffer>[]): number {
  const bytes = ProtobufLogsSerializer.serializeRequest(records as ReadableLogRecord[]);
  if (bytes === undefined) return records.length;
  if (bytes.byteLength > MAX_OTLP_MESSAGE_BYTES && records.length > 1) {
    const half = records.length >> 1;
    return encodeInto(entries.slice(0, half), records.slice(0, half), out) + encodeInto(entries.slice(half), records.slice(half), out);
  }
  out.push({ key: logsMessageKey(entries), value: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
  return 0;
}

/** Serializes a batch of records as one message (more only when it is larger than the limit). */
export function encodeLogs(entries: readonly LogEntry[], resource: Resource): { messages: KafkaMessage<Buffer>[]; failed: number } {
  const messages: KafkaMessage<Buffer>[] = [];
  if (entries.length === 0) return { messages, failed: 0 };
  const records = entries.map((entry) => toLogRecord(entry, resource));
  const failed = encodeInto(entries, records, messages);
  return { messages, failed };
}
