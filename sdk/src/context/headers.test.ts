import { test } from 'node:test';
import assert from 'node:assert/strict';
import { context, trace } from '@opentelemetry/api';
import { HEADERS } from '../contract';
import { extractContextHeaders, injectContextHeaders } from './headers';
import { getContext, withContext } from './store';
import { setupTracing } from './otel-test-setup';

setupTracing();

test('inject then extract carries correlation, causation, tenant, actor, run id and trace', () => {
  const tracer = trace.getTracer('test');
  const { headers, traceId } = tracer.startActiveSpan('produce', (span) => {
    const h = withContext(
      { correlationId: 'corr-7', causationId: 'evt-1', tenant: 'acme', actor: { id: 'ada@example.com', type: 'user' }, runId: 'run-3' },
      () => injectContextHeaders({ 'content-type': 'application/json' }),
    );
    span.end();
    return { headers: h, traceId: span.spanContext().traceId };
  });
  assert.equal(headers['content-type'], 'application/json');
  assert.match(String(headers[HEADERS.traceparent]), new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  // kafkajs delivers header values as Buffers.
  const received = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(String(v))]));
  const extracted = extractContextHeaders(received);
  assert.deepEqual(extracted.context, {
    correlationId: 'corr-7', causationId: 'evt-1', tenant: 'acme', actor: { id: 'ada@example.com', type: 'user' }, runId: 'run-3',
  });
  assert.equal(trace.getSpanContext(extracted.traceContext)?.traceId, traceId);
  context.with(extracted.traceContext, () => {
    const child = tracer.startSpan('consume');
    assert.equal(child.spanContext().traceId, traceId);
    child.end();
  });
  withContext(extracted.context, () => assert.equal(getContext()?.tenant, 'acme'));
});

test('malformed header values are dropped', () => {
  const extracted = extractContextHeaders({
    [HEADERS.correlationId]: 'bad\r\nSet-Cookie: x=1',
    [HEADERS.tenant]: 'x'.repeat(200),
    [HEADERS.actorId]: 'ada',
    [HEADERS.actorType]: 'admin',
    [HEADERS.causationId]: ['ok-cause', 'second'],
    [HEADERS.traceparent]: 'not-a-traceparent',
  });
  assert.deepEqual(extracted.context, { causationId: 'ok-cause' });
  assert.equal(trace.getSpanContext(extracted.traceContext), undefined);
});

test('inject outside any context adds nothing and leaves the input unchanged', () => {
  const input = { a: 'b' };
  assert.deepEqual(injectContextHeaders(input), { a: 'b' });
  const withCtx = withContext({ correlationId: 'c1' }, () => injectContextHeaders(input));
  assert.deepEqual(withCtx, { a: 'b', [HEADERS.correlationId]: 'c1' });
  assert.deepEqual(input, { a: 'b' });
});
