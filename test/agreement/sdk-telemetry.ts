/**
 * Generated telemetry for the agreement tests, and the SDK's own path from an app's call to the bytes
 * on Kafka, then the collector's decoder: log lines through capture, preparation (context, redaction)
 * and OTLP encoding; spans through OpenTelemetry and the SDK's span encoder.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { ROOT_CONTEXT, trace, TraceFlags, type Attributes, type AttributeValue, type Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { newEventId } from '@hindsight/sdk/contract';
import { createRedactor } from '../../sdk/src/redaction';
import { captureLineContext, prepareLogLines, type LogLine } from '../../sdk/src/logging/log-line';
import { encodeLogs } from '../../sdk/src/logging/encode-logs';
import { encodeSpans } from '../../sdk/src/tracing/encode-spans';
import { decodeMessage } from '../../collector/src/decoding/decode-message';
import type { LogRow, SpanRow } from '../../collector/src/sinks/records';

export const resource = resourceFromAttributes({ 'service.name': 'property-app', 'hindsight.tenant': 'acme' });
const redactor = createRedactor({});

/** Any code point, the characters encoders most often mishandle, and text redaction rewrites. */
const unit = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.constantFrom('\u0000', '\ud800', '\udfff', '\\', '"', "'", '\n', '\t', '\u2028', 'é', '😀', '-', ' ') },
  // Digit runs that pass the Luhn check look like card numbers to redaction.
  { weight: 2, arbitrary: fc.constantFrom('4111111111111111', '5105105105105100', '4242 4242 4242 4242', '@', '.com', 'user@example.com') },
);
export const text = (maxLength: number) => fc.string({ unit, maxLength });
// Ids heavy in digits: long digit runs are what a text pattern (a card number) can mistake an id for.
const hexDigit = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...'0123456789') }, { weight: 1, arbitrary: fc.constantFrom(...'abcdef') });
const hex = (length: number) => fc.string({ unit: hexDigit, minLength: length, maxLength: length }).filter((s) => /[1-9a-f]/.test(s));

export const lineInput = fc.record({
  msg: text(60),
  fields: fc.dictionary(text(10), fc.jsonValue({ stringUnit: unit, maxDepth: 3 }), { maxKeys: 5 }),
  level: fc.constantFrom(10, 20, 30, 40, 50, 60),
  traceId: fc.option(hex(32), { nil: undefined }),
  spanId: hex(16),
  correlationId: fc.option(text(20).filter((s) => s.length > 0), { nil: undefined }),
});
export type LineInput = typeof lineInput extends fc.Arbitrary<infer T> ? T : never;

const attributeValue: fc.Arbitrary<AttributeValue> = fc.oneof(
  text(30),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.array(text(10), { maxLength: 3 }),
  fc.array(fc.double(), { maxLength: 3 }),
);
const attributes: fc.Arbitrary<Attributes> = fc.dictionary(text(12).filter((k) => k.length > 0), attributeValue, { maxKeys: 6 });

export const spanInput = fc.record({
  name: text(40),
  attributes,
  events: fc.array(fc.record({ name: text(20), attributes }), { maxLength: 3 }),
  status: fc.record({ code: fc.constantFrom(0, 1, 2), message: fc.option(text(30), { nil: undefined }) }),
  childOfPrevious: fc.boolean(),
});
export type SpanInput = typeof spanInput extends fc.Arbitrary<infer T> ? T : never;

/** Log lines as the SDK captures them from pino, with a fresh log id each, and `extra` fields added. */
export function captureLines(inputs: readonly LineInput[], extra: Record<string, unknown> = {}): LogLine[] {
  return inputs.map((l) => {
    const otel = l.traceId === undefined ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, { traceId: l.traceId, spanId: l.spanId, traceFlags: TraceFlags.SAMPLED });
    const ctx = l.correlationId === undefined ? undefined : { correlationId: l.correlationId };
    const line = JSON.stringify({ ...l.fields, ...extra, level: l.level, time: Date.now(), msg: l.msg });
    return { logId: newEventId(), level: l.level, line, context: captureLineContext(ctx, otel, 'acme') };
  });
}

/** The lines prepared and encoded by the SDK, each message decoded by the collector (which must accept it). */
export function sdkLogsDecoded(lines: readonly LogLine[]): LogRow[] {
  const prepared = prepareLogLines(lines, redactor);
  assert.equal(prepared.entries.length, lines.length, `lines dropped: ${prepared.firstError ?? ''}`);
  const { messages, failed } = encodeLogs(prepared.entries, resource);
  assert.equal(failed, 0);
  return messages.flatMap((m) => decoded(m.value, 'log')).map((r) => (r.kind === 'log' ? r.log : assert.fail(`a ${r.kind} record among logs`)));
}

/** Starts and ends the spans on `tracer` (exporting to `exporter`), each optionally a child of the one before. */
export function endSpans(tracer: Tracer, exporter: InMemorySpanExporter, inputs: readonly SpanInput[], extra: Attributes = {}): ReadableSpan[] {
  exporter.reset();
  let previous = ROOT_CONTEXT;
  for (const s of inputs) {
    const span = tracer.startSpan(s.name, { attributes: { ...s.attributes, ...extra } }, s.childOfPrevious ? previous : ROOT_CONTEXT);
    for (const e of s.events) span.addEvent(e.name, e.attributes);
    span.setStatus(s.status);
    span.end();
    previous = trace.setSpan(ROOT_CONTEXT, span);
  }
  return exporter.getFinishedSpans();
}

/** The spans encoded by the SDK for `partitions` partitions, each message decoded by the collector. */
export function sdkSpansDecoded(spans: readonly ReadableSpan[], partitions: number): SpanRow[] {
  const { messages, failed } = encodeSpans(spans, partitions);
  assert.equal(failed, 0);
  return messages.flatMap((m) => decoded(m.value, 'span')).map((r) => (r.kind === 'span' ? r.span : assert.fail(`a ${r.kind} record among spans`)));
}

function decoded(value: Buffer, kind: 'log' | 'span') {
  const result = decodeMessage(value, { kind, maxMessageBytes: 1 << 20 }, { topic: kind, partition: 0, offset: '1' });
  assert.ok(result.ok, `the collector refused a message the SDK encoded: ${result.ok ? '' : result.error.message}`);
  return result.records;
}
