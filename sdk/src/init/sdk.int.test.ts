// The SDK against the local stack's Kafka: what it sends is read back by kcat (librdkafka, an
// independent client) and OTLP is decoded with protobufjs from the official .proto files.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { loadStackEndpoints } from '../../../test/stack/endpoints';
import { kafkaControl } from '../../../test/stack/kafka-control';
import { readTopicMessages } from '../../../test/stack/kafka-topics';
import { decodeTraceRequest, otlpRequestTypes } from '../../../test/stack/otlp-protos';
import { init, type Hindsight } from '..';
import { httpMiddleware, runJob, withContext } from '../context';
import { REDACTION_CORPUS, findLeaks } from '../redaction';
import { ATTR } from '../contract';

const suffix = randomBytes(4).toString('hex');
const topics = { spans: `sdk-spans-${suffix}`, logs: `sdk-logs-${suffix}`, audit: `sdk-audit-${suffix}`, journal: `sdk-journal-${suffix}` };
const brokers = loadStackEndpoints().kafka.brokers;
const LogsRequest = otlpRequestTypes().logsRequest;

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
type Attr = { key: string; value: { stringValue?: string } };
const attr = (attrs: Attr[], key: string) => attrs.find((a) => a.key === key)?.value.stringValue;

function decodedSpans() {
  return readTopicMessages(topics.spans).flatMap(({ key, value }) => {
    const spans = decodeTraceRequest(value);
    const messageTraceIds = new Set(spans.map((s) => s.traceId));
    return spans.map((s) => ({ ...s, key, messageTraceIds }));
  });
}

function decodedLogs() {
  return readTopicMessages(topics.logs).flatMap(({ key, value }) => {
    const req = LogsRequest.toObject(LogsRequest.decode(value), { bytes: Array, enums: String }) as { resourceLogs: Array<{ scopeLogs: Array<{ logRecords: Array<{ body?: { stringValue?: string }; severityText: string; traceId?: number[]; attributes: Attr[] }> }> }> };
    const records = req.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords));
    // A message holds one export batch; its key is the log id of the batch's first record.
    const firstLogId = attr(records[0]?.attributes ?? [], 'hindsight.log_id');
    return records.map((r) => ({ key, firstLogId, msg: r.body?.stringValue, level: r.severityText, traceId: r.traceId && r.traceId.length ? hex(Uint8Array.from(r.traceId)) : undefined, attributes: r.attributes ?? [] }));
  });
}

let hs: Hindsight;

before(async () => {
  for (const t of Object.values(topics)) await kafkaControl(`create_topic ${t} 1`);
  hs = init({ serviceName: 'sdk-int', tenant: 'acme', kafka: { brokers, topics }, instrumentHttp: true, queues: { flushIntervalMs: 50 }, auditAckTimeoutMs: 4000, env: {} });
});

after(async () => {
  await hs.shutdown();
});

test('spans, logs, audit and journal read back from Kafka carry the context and the agreed keys', async () => {
  const correlationId = `corr-${suffix}`;
  let traceId = '';
  await withContext({ correlationId, tenant: 'globex', actor: { id: 'u-1', type: 'user' }, runId: `run-${suffix}` }, () =>
    hs.span('checkout', { step: 'pay' }, async () => {
      traceId = hs.tracer.startSpan('noop').spanContext().traceId; // a root span of its own trace
      hs.logger.info({ order: 7 }, 'paid');
      hs.journal.emit({ scope: 'run', kind: 'run.step', severity: 'INFO', summary: 'paid' });
      const event = await hs.audit.record({ action: 'order.pay', resource: { type: 'order', id: '7' }, outcome: 'success' });
      assert.equal(event.correlation_id, correlationId);
    }),
  );
  assert.ok(traceId);
  assert.equal(await hs.flush(), true);

  const spans = decodedSpans();
  const checkout = spans.find((s) => s.name === 'checkout');
  assert.ok(checkout, `spans: ${spans.map((s) => s.name).join(',')}`);
  // Keyed by a trace id it carries (traces that share a partition share a message: kafka-exporter.int.test.ts).
  assert.ok(checkout.messageTraceIds.has(checkout.key), `key ${checkout.key}`);
  assert.equal(attr(checkout.attributes, ATTR.correlationId), correlationId);
  assert.equal(attr(checkout.attributes, ATTR.tenant), 'globex');

  const log = decodedLogs().find((l) => l.msg === 'paid');
  assert.ok(log);
  assert.equal(log.traceId, checkout.traceId);
  assert.equal(log.key, log.firstLogId);
  assert.equal(log.level, 'INFO');
  assert.equal(attr(log.attributes, ATTR.correlationId), correlationId);
  assert.equal(attr(log.attributes, ATTR.tenant), 'globex');
  assert.match(attr(log.attributes, 'hindsight.log_id') ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-7/);

  const audits = readTopicMessages(topics.audit).map((m) => ({ key: m.key, event: JSON.parse(m.value.toString()) }));
  assert.equal(audits.length, 1);
  assert.equal(audits[0]?.key, 'globex');
  assert.equal(audits[0]?.event.trace_id, checkout.traceId);
  assert.equal(audits[0]?.event.actor.id, 'u-1');

  const journal = readTopicMessages(topics.journal).map((m) => ({ key: m.key, event: JSON.parse(m.value.toString()) }));
  const step = journal.find((j) => j.event.kind === 'run.step');
  assert.equal(step?.key, `run-${suffix}`);
  assert.equal(step?.event.correlation_id, correlationId);
});

test('context follows HTTP middleware with http auto-instrumentation, and jobs', async () => {
  // Loaded after init(), as an app does, so the http instrumentation's require hook sees it.
  const http = require('node:http') as typeof import('node:http');
  const mw = httpMiddleware();
  const server = http.createServer((req, res) => mw(req, res, () => {
    hs.logger.info('handled request');
    res.end('ok');
  }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const corr = `http-${suffix}`;
  await new Promise<void>((resolve, reject) => {
    http.get({ port, host: '127.0.0.1', path: '/x', headers: { 'x-correlation-id': corr } }, (res) => res.resume().on('end', resolve)).on('error', reject);
  });
  server.close();
  await runJob({ name: 'nightly', correlationId: `job-${suffix}` } as never, async () => {
    await new Promise((r) => setTimeout(r, 5));
    hs.logger.warn('job step');
  });
  await hs.flush();
  const logs = decodedLogs();
  const handled = logs.find((l) => l.msg === 'handled request');
  assert.equal(attr(handled?.attributes ?? [], ATTR.correlationId), corr);
  assert.ok(handled?.traceId, 'the log inside the request carries the server span trace id');
  const serverSpan = decodedSpans().find((s) => s.traceId === handled?.traceId && /GET/.test(s.name));
  assert.ok(serverSpan, 'http auto-instrumentation exported the request span');
  const job = logs.find((l) => l.msg === 'job step');
  assert.equal(attr(job?.attributes ?? [], ATTR.correlationId), `job-${suffix}`);
});

test('the redaction corpus never reaches Kafka', async () => {
  for (const entry of REDACTION_CORPUS) {
    hs.logger.error({ detail: entry.text, token: entry.secret }, entry.text);
    hs.tracer.startSpan('leak', { attributes: { note: entry.text } }).end();
    hs.journal.emit({ scope: 'system', kind: 'leak.check', severity: 'WARN', summary: 'leak check', details: { note: entry.text } });
    await hs.audit.record({ action: 'leak.check', resource: { type: 'doc', id: '1' }, outcome: 'success', details: { note: entry.text } });
  }
  await hs.flush();
  for (const t of Object.values(topics)) {
    const all = Buffer.concat(readTopicMessages(t).map((m) => m.value));
    assert.ok(all.length > 0, t);
    assert.deepEqual(findLeaks(all), [], `leak in ${t}`);
  }
});
