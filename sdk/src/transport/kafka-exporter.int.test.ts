// The exporter on the local stack's mock Kafka with each producer placement: `kafka.producerThread`
// true (the default) produces from a thread of its own, false from the app's thread; both deliver.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { threadId as appThreadId } from 'node:worker_threads';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { loadStackEndpoints } from '../../../test/stack/endpoints';
import { createTestTopic, readTopicKeyValues, readTopicMessages } from '../../../test/stack/kafka-topics';
import { decodeTraceRequest, otlpRequestTypes } from '../../../test/stack/otlp-protos';
import type { JournalEvent } from '../contract';
import { Diagnostics } from '../diagnostics/diagnostics';
import { createRedactor } from '../redaction';
import { resolveOptions } from '../options/resolve';
import type { LogLine } from '../logging/log-line';
import { endedSpans } from '../tracing/span-fixtures';
import { KafkaExporter } from './kafka-exporter';
import { partitionOfKey } from './partitioner';

const brokers = loadStackEndpoints().kafka.brokers;

/** A journal event as the exporter sends it (the exporter does not validate; the lanes did). */
const event = (runId: string, message: string) => ({ kind: 'journal', run_id: runId, correlation_id: runId, message }) as unknown as JournalEvent;

for (const producerThread of [true, false]) {
  test(`kafka.producerThread ${producerThread}: journal events reach Kafka in order, produced ${producerThread ? 'on a thread of its own' : "on the app's thread"}`, async () => {
    const journal = await createTestTopic('kx');
    const failures: string[] = [];
    const o = resolveOptions({ serviceName: 'kafka-exporter-test', kafka: { brokers, producerThread, topics: { journal } } });
    const diagnostics = new Diagnostics((error) => failures.push(error.message));
    const exporter = new KafkaExporter({ kafka: o.kafka!, resource: resourceFromAttributes({}), diagnostics });
    try {
      const first = await exporter.export({ kind: 'journal', items: [event('r1', 'one'), event('r1', 'two')] });
      assert.deepEqual(first, { ok: true });
      const thread = exporter.producerThreadId;
      if (producerThread) assert.ok(thread !== undefined && thread !== appThreadId, `expected a thread of its own, got ${thread}`);
      else assert.equal(thread, undefined, 'no producer thread');
      assert.deepEqual(await exporter.export({ kind: 'journal', items: [event('r2', 'three')] }), { ok: true });
    } finally {
      await exporter.shutdown();
    }
    const messages = readTopicKeyValues(journal).map((line) => {
      const cut = line.indexOf('=');
      return `${line.slice(0, cut)}:${(JSON.parse(line.slice(cut + 1)) as { message: string }).message}`;
    });
    assert.deepEqual(messages, ['r1:one', 'r1:two', 'r2:three']);
    assert.deepEqual(failures, []);
  });
}

for (const producerThread of [true, false]) {
  test(`kafka.producerThread ${producerThread}: every span lands on its trace's partition; after the first send, one message per partition`, async () => {
    const PARTITIONS = 4;
    const spansTopic = await createTestTopic('kx-spans', PARTITIONS);
    const o = resolveOptions({ serviceName: 'kafka-exporter-test', kafka: { brokers, producerThread, topics: { spans: spansTopic } } });
    const failures: string[] = [];
    const exporter = new KafkaExporter({ kafka: o.kafka!, resource: resourceFromAttributes({}), diagnostics: new Diagnostics((error) => failures.push(error.message)) });
    const first = endedSpans(40);
    const second = endedSpans(40);
    try {
      assert.deepEqual(await exporter.export({ kind: 'spans', items: first }), { ok: true });
      assert.deepEqual(await exporter.export({ kind: 'spans', items: second }), { ok: true });
    } finally {
      await exporter.shutdown();
    }
    const sent = readTopicMessages(spansTopic).map((m) => ({ partition: m.partition, key: m.key, ids: decodeTraceRequest(m.value) }));
    // The first batch goes before the producer knows the topic: one message per trace.
    const firstTraces = new Set(first.map((s) => s.spanContext().traceId));
    const perTrace = sent.filter((m) => m.ids.every((id) => firstTraces.has(id.traceId)));
    const grouped = sent.filter((m) => !perTrace.includes(m));
    assert.equal(perTrace.length, 40);
    assert.ok(grouped.length >= 1 && grouped.length <= PARTITIONS, `${grouped.length} messages for the second batch`);
    for (const m of sent) {
      for (const { traceId } of m.ids) assert.equal(m.partition, partitionOfKey(traceId, PARTITIONS), `trace ${traceId} on partition ${m.partition}`);
    }
    const spanIds = (spans: ReadableSpan[]) => spans.map((s) => s.spanContext().spanId).sort();
    assert.deepEqual(sent.flatMap((m) => m.ids.map((id) => id.spanId)).sort(), spanIds([...first, ...second]));
    assert.deepEqual(failures, []);
  });
}

type LogAttr = { key: string; value: { stringValue?: string } };
type DecodedLogs = { resourceLogs: Array<{ resource?: { attributes: LogAttr[] }; scopeLogs: Array<{ logRecords: Array<{ body?: { stringValue?: string }; attributes: LogAttr[] }> }> }> };

/** Each log record of a topic as `msg attr=value …` for the attributes named, and the resource's service. */
function readLogRecords(topic: string, keys: string[]): { service: string | undefined; records: string[] } {
  const { logsRequest } = otlpRequestTypes();
  let service: string | undefined;
  const records = readTopicMessages(topic).flatMap((m) => {
    const req = logsRequest.toObject(logsRequest.decode(m.value)) as DecodedLogs;
    return req.resourceLogs.flatMap((rl) => {
      service = rl.resource?.attributes.find((a) => a.key === 'service.name')?.value.stringValue;
      return rl.scopeLogs.flatMap((sl) =>
        sl.logRecords.map((r) => [r.body?.stringValue, ...keys.map((k) => `${k}=${r.attributes.find((a) => a.key === k)?.value.stringValue}`)].join(' ')),
      );
    });
  });
  return { service, records };
}

const logLine = (logId: string, msg: string, fields: Record<string, unknown>, level = 30): LogLine => ({
  logId,
  line: JSON.stringify({ level, time: 1_768_471_200_000, msg, ...fields }),
  level,
  context: { tenant: 'globex', correlationId: `c-${logId}` },
});

// A configured key (`ssn`) shows the lines were redacted with the SDK's options wherever they were prepared;
// a pattern with a replace function cannot cross to the producer thread, so those lines are prepared here.
for (const [producerThread, redaction, where] of [
  [true, { keys: ['ssn'] }, 'on the producer thread'],
  [false, { keys: ['ssn'] }, "on the app's thread (no producer thread)"],
  [true, { keys: ['ssn'], patterns: [{ name: 'order-no', regex: /ORD-\d+/g, replace: () => 'ORD-#' }] }, "on the app's thread (options that cannot cross threads)"],
] as const) {
  test(`log lines are prepared ${where}: context added, redacted with the SDK's options, ids kept, encoded as OTLP`, async () => {
    const logs = await createTestTopic('kx-logs');
    const failures: string[] = [];
    const o = resolveOptions({ serviceName: 'kafka-exporter-test', kafka: { brokers, producerThread, topics: { logs } } });
    const exporter = new KafkaExporter({
      kafka: o.kafka!,
      resource: resourceFromAttributes({ 'service.name': 'kafka-exporter-test' }),
      diagnostics: new Diagnostics((error) => failures.push(error.message)),
      redactor: createRedactor(redaction),
    });
    try {
      const first = await exporter.exportLogLines([logLine('log-1', 'paid', { ssn: '078-05-1120', note: 'ORD-7' }), { ...logLine('log-2', 'x', {}), line: 'not json', level: 50 }]);
      assert.deepEqual(first, { result: { ok: true }, invalidLevels: [50], firstError: first.firstError });
      assert.match(first.firstError ?? '', /could not be prepared/);
      assert.deepEqual(await exporter.exportLogLines([logLine('log-3', 'shipped', { tenant: 'own' })]), { result: { ok: true }, invalidLevels: [], firstError: undefined });
    } finally {
      await exporter.shutdown();
    }
    const read = readLogRecords(logs, ['hindsight.log_id', 'hindsight.tenant', 'hindsight.correlation_id', 'ssn', 'note']);
    assert.equal(read.service, 'kafka-exporter-test');
    const note = 'patterns' in redaction ? 'ORD-#' : 'ORD-7';
    assert.deepEqual(read.records, [
      `paid hindsight.log_id=log-1 hindsight.tenant=globex hindsight.correlation_id=c-log-1 ssn=[REDACTED] note=${note}`,
      'shipped hindsight.log_id=log-3 hindsight.tenant=own hindsight.correlation_id=c-log-3 ssn=undefined note=undefined',
    ]);
    assert.deepEqual(failures, []);
  });
}
