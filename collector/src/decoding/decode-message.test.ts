import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtobufLogsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SpanStatusCode } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { exampleAuditEvent, exampleJournalEvent } from '@hindsight/sdk/contract';
import { decodeMessage } from './decode-message';

const origin = { topic: 't', partition: 0, offset: '7' };
const resource = resourceFromAttributes({ 'service.name': 'billing-api', 'hindsight.tenant': 'acme' });

function encodedSpans(): { bytes: Uint8Array; traceId: string; spanId: string; parentId: string } {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('decode-test');
  const parent = tracer.startSpan('parent');
  const { trace, context } = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const child = tracer.startSpan('GET /invoices', { kind: 1, attributes: { 'hindsight.correlation_id': 'corr-1', 'http.status_code': 500, big: 2 ** 60 } }, trace.setSpan(context.active(), parent));
  child.addEvent('retry', { attempt: 2 });
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
  child.end();
  parent.end();
  const bytes = ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans())!;
  return { bytes, traceId: child.spanContext().traceId, spanId: child.spanContext().spanId, parentId: parent.spanContext().spanId };
}

test('OTLP spans round-trip into SpanRows with hex ids, decimal nanos and hindsight context', () => {
  const { bytes, traceId, spanId, parentId } = encodedSpans();
  const result = decodeMessage(Buffer.from(bytes), { kind: 'span', maxMessageBytes: 1 << 20 }, origin);
  assert.ok(result.ok, result.ok ? '' : result.error.message);
  assert.equal(result.records.length, 2);
  const row = result.records.map((r) => (r.kind === 'span' ? r.span : undefined)).find((s) => s?.name === 'GET /invoices')!;
  assert.equal(row.traceId, traceId);
  assert.equal(row.spanId, spanId);
  assert.equal(row.parentSpanId, parentId);
  assert.match(row.traceId, /^[0-9a-f]{32}$/);
  assert.match(row.startTimeUnixNano, /^\d{19}$/);
  assert.ok(BigInt(row.endTimeUnixNano) >= BigInt(row.startTimeUnixNano));
  assert.equal(row.kind, 2, 'SpanKind.SERVER (API 1) is OTLP 2');
  assert.equal(row.statusCode, 2);
  assert.equal(row.statusMessage, 'boom');
  assert.equal(row.serviceName, 'billing-api');
  assert.equal(row.correlationId, 'corr-1');
  assert.equal(row.tenant, 'acme', 'tenant falls back to the resource attribute');
  assert.equal(row.attributes['http.status_code'], 500);
  assert.equal(row.scopeName, 'decode-test');
  assert.equal(row.events[0]?.name, 'retry');
  assert.deepEqual(row.events[0]?.attributes, { attempt: 2 });
  assert.deepEqual(result.records[0]?.origin, origin);
});

test('OTLP logs round-trip into LogRows with a stable content id', async () => {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter })] });
  const logger = provider.getLogger('decode-test');
  logger.emit({ body: 'payment failed', severityNumber: SeverityNumber.ERROR, severityText: 'ERROR', attributes: { 'hindsight.correlation_id': 'corr-2', 'hindsight.tenant': 'globex' } });
  logger.emit({ body: { structured: true }, severityNumber: SeverityNumber.INFO, attributes: { 'hindsight.log_id': 'log-123' } });
  await provider.forceFlush();
  const bytes = Buffer.from(ProtobufLogsSerializer.serializeRequest(exporter.getFinishedLogRecords())!);
  const first = decodeMessage(bytes, { kind: 'log', maxMessageBytes: 1 << 20 }, origin);
  const second = decodeMessage(bytes, { kind: 'log', maxMessageBytes: 1 << 20 }, origin);
  assert.ok(first.ok && second.ok);
  assert.equal(first.records.length, 2);
  const rows = first.records.map((r) => (r.kind === 'log' ? r.log : undefined));
  assert.equal(rows[0]?.body, 'payment failed');
  assert.equal(rows[0]?.severityNumber, 17);
  assert.equal(rows[0]?.severityText, 'ERROR');
  assert.equal(rows[0]?.correlationId, 'corr-2');
  assert.equal(rows[0]?.tenant, 'globex', 'the record attribute wins over the resource');
  assert.equal(rows[0]?.serviceName, 'billing-api');
  assert.match(rows[0]!.logId, /^[0-9a-f]{32}$/);
  assert.equal(rows[0]?.logId, second.ok && second.records[0]?.kind === 'log' ? second.records[0].log.logId : '', 'same bytes, same id');
  assert.equal(rows[1]?.body, '{"structured":true}');
  assert.equal(rows[1]?.logId, 'log-123');
});

test('truncated protobuf is a permanent OTLP_DECODE_FAILED error', () => {
  const { bytes } = encodedSpans();
  const result = decodeMessage(Buffer.from(bytes.subarray(0, bytes.length - 7)), { kind: 'span', maxMessageBytes: 1 << 20 }, origin);
  assert.equal(result.ok, false);
  assert.ok(!result.ok);
  assert.equal(result.error.code, 'OTLP_DECODE_FAILED');
  assert.equal(result.error.retriable, false);
});

test('an oversized message is refused before decoding', () => {
  const { bytes } = encodedSpans();
  const result = decodeMessage(Buffer.from(bytes), { kind: 'span', maxMessageBytes: 10 }, origin);
  assert.ok(!result.ok);
  assert.equal(result.error.code, 'MESSAGE_OVERSIZED');
});

test('contract JSON decodes into audit and journal records', () => {
  const audit = decodeMessage(Buffer.from(JSON.stringify(exampleAuditEvent())), { kind: 'audit', maxMessageBytes: 1 << 20 }, origin);
  assert.ok(audit.ok);
  assert.equal(audit.records[0]?.kind, 'audit');
  const journal = decodeMessage(Buffer.from(JSON.stringify(exampleJournalEvent())), { kind: 'journal', maxMessageBytes: 1 << 20 }, origin);
  assert.ok(journal.ok);
  assert.equal(journal.records[0]?.kind, 'journal');
});

test('bad contract messages get distinct error codes', () => {
  const src = { kind: 'audit' as const, maxMessageBytes: 1 << 20 };
  const code = (value: string | null): string => {
    const r = decodeMessage(value === null ? null : Buffer.from(value), src, origin);
    assert.ok(!r.ok, `accepted ${value}`);
    return r.error.code;
  };
  assert.equal(code('{"event_id": '), 'JSON_INVALID');
  assert.equal(code(JSON.stringify({ ...exampleAuditEvent(), schema: { name: 'hindsight.audit', version: 99 } })), 'CONTRACT_UNKNOWN_VERSION');
  const { tenant: _tenant, ...noTenant } = exampleAuditEvent();
  assert.equal(code(JSON.stringify(noTenant)), 'CONTRACT_INVALID');
  assert.equal(code(JSON.stringify(exampleJournalEvent())), 'CONTRACT_KIND_MISMATCH');
  assert.equal(code(null), 'MESSAGE_EMPTY');
});
