/**
 * Encodes ended spans as Kafka messages: one OTLP `ExportTraceServiceRequest` (protobuf, the
 * OpenTelemetry Collector's `otlp_proto`) per trace id, keyed by the trace id in hex so that every
 * span of a trace lands on the same partition.
 */
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** A Kafka message ready to produce. */
export interface KafkaMessage {
  key: string;
  value: Buffer;
}

/** Groups spans by trace id and serializes each group; a group that fails to encode is skipped and named. */
export function encodeSpans(spans: readonly ReadableSpan[]): { messages: KafkaMessage[]; failed: number } {
  const byTrace = new Map<string, ReadableSpan[]>();
  for (const span of spans) {
    const traceId = span.spanContext().traceId;
    const group = byTrace.get(traceId);
    if (group === undefined) byTrace.set(traceId, [span]);
    else group.push(span);
  }
  const messages: KafkaMessage[] = [];
  let failed = 0;
  for (const [traceId, group] of byTrace) {
    const bytes = ProtobufTraceSerializer.serializeRequest(group as never);
    if (bytes === undefined) {
      failed += group.length;
      continue;
    }
    messages.push({ key: traceId, value: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
  }
  return { messages, failed };
}
