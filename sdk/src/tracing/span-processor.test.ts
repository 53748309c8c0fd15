import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SpanStatusCode } from '@opentelemetry/api';
import { REDACTION_CORPUS, createRedactor, findLeaks } from '../redaction';
import { redactSpan } from './span-processor';

const redactor = createRedactor();

/** Ended spans made by a real tracer, with `build` filling each one. */
function spans(build: (tracer: ReturnType<BasicTracerProvider['getTracer']>) => void): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('span-processor-test');
  build(tracer);
  return exporter.getFinishedSpans();
}

/** Every text of a span the OTLP encoder reads. */
function texts(s: ReadableSpan): string {
  return JSON.stringify({
    name: s.name,
    attributes: s.attributes,
    events: s.events.map((e) => ({ name: e.name, attributes: e.attributes })),
    links: s.links.map((l) => l.attributes),
    status: s.status,
  });
}

test('span names, event names, event and link attributes and status messages are redacted like free text', () => {
  const linked = spans((t) => t.startSpan('peer').end())[0]!.spanContext();
  const [span] = spans((t) => {
    const s = t.startSpan('GET /reset?token=abc123secret&password=hunter2', {
      links: [{ context: linked, attributes: { note: 'from postgres://app:s3cr3t-pw@db:5432/x', plain: 'ok' } }],
    });
    s.addEvent('login password=hunter2', { detail: 'Authorization: Bearer abcdefghijklmnop123', step: 3 });
    s.addEvent('cache miss', { key: 'user-7' });
    s.setStatus({ code: SpanStatusCode.ERROR, message: 'failed with api_key=sk_live_0123456789' });
    s.end();
  });
  const out = redactSpan(span!, redactor);
  assert.equal(out.name, 'GET /reset?token=[REDACTED]&password=[REDACTED]');
  assert.equal(out.events[0]!.name, 'login password=[REDACTED]');
  assert.equal(out.events[0]!.attributes?.['detail'], 'Authorization: Bearer [REDACTED]');
  assert.equal(out.events[0]!.attributes?.['step'], 3);
  assert.deepEqual(out.events[1], span!.events[1], 'an event with nothing to censor is kept as it is');
  assert.equal(out.links[0]!.attributes?.['note'], 'from postgres://app:[REDACTED]@db:5432/x');
  assert.equal(out.links[0]!.attributes?.['plain'], 'ok');
  assert.equal(out.links[0]!.context, linked);
  assert.equal(out.status.message, 'failed with api_key=[REDACTED]');
  const text = texts(out);
  for (const secret of ['abc123secret', 'hunter2', 'abcdefghijklmnop123', 's3cr3t-pw', 'sk_live_0123456789']) assert.ok(!text.includes(secret), `${secret} in ${text}`);
  // The input span is never modified.
  assert.equal(span!.name, 'GET /reset?token=abc123secret&password=hunter2');
  assert.equal(span!.events[0]!.name, 'login password=hunter2');
});

test('no corpus secret survives in a span name, event name, event attribute or link attribute', () => {
  const linked = spans((t) => t.startSpan('peer').end())[0]!.spanContext();
  const ended = spans((t) => {
    for (const e of REDACTION_CORPUS) {
      const s = t.startSpan(e.text, { links: [{ context: linked, attributes: { note: e.text } }] });
      s.addEvent(e.text, { detail: e.text });
      s.end();
    }
  });
  assert.equal(ended.length, REDACTION_CORPUS.length);
  assert.deepEqual(findLeaks(ended.map((s) => texts(redactSpan(s, redactor))).join('\n')), []);
});

test('a span with nothing to censor is returned as it is, links and events included', () => {
  const linked = spans((t) => t.startSpan('peer').end())[0]!.spanContext();
  const [span] = spans((t) => {
    const s = t.startSpan('GET /orders/:id', { attributes: { 'http.route': '/orders/:id' }, links: [{ context: linked, attributes: { kind: 'batch' } }] });
    s.addEvent('cache miss', { key: 'order-7' });
    s.end();
  });
  assert.equal(redactSpan(span!, redactor), span);
});
