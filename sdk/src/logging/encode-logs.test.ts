// encodeLogs: one OTLP logs message per export batch (split only above the size limit), decoded with
// protobufjs from the official .proto files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { otlpRequestTypes } from '../../../test/stack/otlp-protos';
import type { LogEntry } from '../exporter/exporter';
import { MAX_OTLP_MESSAGE_BYTES } from '../transport/kafka-message';
import { LOG_ID_ATTRIBUTE, encodeLogs } from './encode-logs';

const LogsRequest = otlpRequestTypes().logsRequest;

type Attr = { key: string; value: { stringValue?: string } };
type Decoded = { resourceLogs: Array<{ scopeLogs: Array<{ logRecords: Array<{ body?: { stringValue?: string }; traceId?: number[]; attributes: Attr[] }> }> }> };

function records(value: Buffer) {
  const req = LogsRequest.toObject(LogsRequest.decode(value), { bytes: Array }) as Decoded;
  return req.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords));
}

const logId = (r: { attributes: Attr[] }) => r.attributes.find((a) => a.key === LOG_ID_ATTRIBUTE)?.value.stringValue;
const resource = resourceFromAttributes({ 'service.name': 'encode-logs-test' });

function entry(i: number, msg = `line ${i}`): LogEntry {
  const traceId = i.toString(16).padStart(32, '0');
  return { logId: `log-${i}`, level: 30, record: { time: 1_700_000_000_000 + i, msg, trace_id: traceId, span_id: '00000000000000aa', trace_flags: '01', correlation_id: `c-${i}` } };
}

test('records of many traces leave as one message, keyed by the first record log id, in order', () => {
  const entries = Array.from({ length: 50 }, (_, i) => entry(i + 1));
  const { messages, failed } = encodeLogs(entries, resource);
  assert.equal(failed, 0);
  assert.equal(messages.length, 1);
  assert.equal(messages[0]!.key, 'log-1');
  const decoded = records(messages[0]!.value);
  assert.deepEqual(decoded.map(logId), entries.map((e) => e.logId));
  assert.equal(Buffer.from(decoded[7]!.traceId!).toString('hex'), entries[7]!.record['trace_id']);
  assert.equal(decoded[7]!.body?.stringValue, 'line 8');
});

test('a batch larger than the message limit is split, every record kept once and in order', () => {
  const big = 'x'.repeat(20_000);
  const entries = Array.from({ length: 40 }, (_, i) => entry(i + 1, big));
  const { messages, failed } = encodeLogs(entries, resource);
  assert.equal(failed, 0);
  assert.ok(messages.length > 1, `${messages.length} messages`);
  for (const m of messages) assert.ok(m.value.byteLength <= MAX_OTLP_MESSAGE_BYTES, `${m.value.byteLength} bytes`);
  const decoded = messages.flatMap((m) => {
    const r = records(m.value);
    assert.equal(m.key, logId(r[0]!));
    return r;
  });
  assert.deepEqual(decoded.map(logId), entries.map((e) => e.logId));
});

test('an empty batch is no message', () => {
  assert.deepEqual(encodeLogs([], resource), { messages: [], failed: 0 });
});

test('trace fields that are not ids stay attributes, so one record cannot spoil its batch', () => {
  const entries = [entry(1), { logId: 'log-bad', level: 30, record: { time: 1_700_000_000_000, msg: 'own fields', trace_id: 'ab[REDACTED]cdefabcdefabcd', span_id: 'xyz', trace_flags: '01' } }, entry(3)];
  const { messages, failed } = encodeLogs(entries, resource);
  assert.equal(failed, 0);
  const decoded = records(messages[0]!.value);
  // An OTLP trace id is 16 bytes or none: 14 (what the text above would hex-decode to) fails the message.
  assert.deepEqual(decoded.map((r) => r.traceId?.length ?? 0), [16, 0, 16]);
  const attrs = Object.fromEntries(decoded[1]!.attributes.map((a) => [a.key, a.value.stringValue]));
  assert.equal(attrs['trace_id'], 'ab[REDACTED]cdefabcdefabcd');
  assert.equal(attrs['span_id'], 'xyz');
  assert.equal(attrs['trace_flags'], '01');
  assert.equal(decoded[0]!.attributes.some((a) => a.key === 'trace_id'), false, 'valid ids are the trace context, not attributes');
});
