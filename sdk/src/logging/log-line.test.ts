import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { createRedactor } from '../redaction';
import { captureLineContext, prepareLogLine, prepareLogLines, type LogLine } from './log-line';

const redactor = createRedactor({});
const span = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED };

test('a line captured with its context crosses threads as plain values and is prepared the same on the other side', () => {
  const otel = trace.setSpanContext(ROOT_CONTEXT, span);
  const ctx = { correlationId: 'req-7', causationId: 'msg-3', tenant: 'globex', runId: 'run-1', actor: { id: 'u-42', type: 'user' as const } };
  const line: LogLine = {
    logId: '0190b5a4-6f1e-7c3a-9b2d-4e5f6a7b8c9e',
    line: JSON.stringify({ level: 30, time: 1_768_471_200_123, msg: 'paid', password: 'hunter2', tenant: 'own-field' }),
    level: 30,
    context: captureLineContext(ctx, otel, 'acme'),
  };
  // What postMessage does to it: a line that cannot be cloned could not reach the producer thread.
  const crossed = structuredClone(line);
  assert.deepEqual(crossed, line);
  const entry = prepareLogLine(crossed, redactor);
  assert.equal(entry.logId, line.logId, 'the id drawn at capture is kept: a retried batch keeps its ids');
  assert.equal(entry.level, 30);
  assert.deepEqual(entry.record, {
    level: 30,
    time: 1_768_471_200_123,
    msg: 'paid',
    password: '[REDACTED]',
    // A field the app logged itself wins over the context's.
    tenant: 'own-field',
    trace_id: span.traceId,
    span_id: span.spanId,
    trace_flags: '01',
    correlation_id: 'req-7',
    causation_id: 'msg-3',
    run_id: 'run-1',
    actor_id: 'u-42',
    actor_type: 'user',
  });
});

test('trace ids are never rewritten by redaction, even when their digits pass for a payment card', () => {
  // 16 digits in a row that are a Luhn-valid card number (4111…): the card pattern matches them.
  const cardLike = { traceId: 'ab4111111111111111cdefabcdefabcd', spanId: '5105105105105100', traceFlags: TraceFlags.SAMPLED };
  const otel = trace.setSpanContext(ROOT_CONTEXT, cardLike);
  const line = JSON.stringify({ level: 30, msg: 'paid with 4111111111111111' });
  const entry = prepareLogLine({ logId: 'id-1', line, level: 30, context: captureLineContext(undefined, otel, 'acme') }, redactor);
  assert.equal(entry.record['trace_id'], cardLike.traceId);
  assert.equal(entry.record['span_id'], cardLike.spanId);
  assert.equal(entry.record['msg'], 'paid with [REDACTED]', 'the same digits in the text are still redacted');
});

test('outside any context a line gets the SDK tenant and no trace fields', () => {
  const context = captureLineContext(undefined, ROOT_CONTEXT, 'acme');
  assert.deepEqual(context, { tenant: 'acme' });
  const entry = prepareLogLine({ logId: 'id-1', line: '{"level":40,"msg":"w"}', level: 40, context }, redactor);
  assert.deepEqual(entry.record, { level: 40, msg: 'w', tenant: 'acme' });
});

test('lines that are not JSON are left out and counted by level; the others keep their order', () => {
  const context = { tenant: 'acme' };
  const prepared = prepareLogLines(
    [
      { logId: 'a', line: '{"level":30,"msg":"one"}', level: 30, context },
      { logId: 'b', line: 'not json', level: 50, context },
      { logId: 'c', line: '{"level":20,"msg":"two"}', level: 20, context },
    ],
    redactor,
  );
  assert.deepEqual(prepared.entries.map((e) => [e.logId, e.record['msg']]), [['a', 'one'], ['c', 'two']]);
  assert.deepEqual(prepared.invalidLevels, [50]);
  assert.match(prepared.firstError ?? '', /could not be prepared/);
});
