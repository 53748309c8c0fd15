import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { exampleAuditEvent, newEventId } from '@hindsight/sdk/contract';
import { SinkRegistry } from '../sinks/sink-registry';
import { discardSinkFactory } from '../sinks/discard/discard-sink';
import { MemorySink, memorySinkFactory } from '../testing/memory-sink';
import { collectorFactory, connectKafka, type KafkaClients } from '../testing/collector-fixture';
import { kafkaControl, uniqueName, waitFor } from '../testing/local-stack';
import { CollectorService } from './collector-service';

let clients: KafkaClients | undefined;
let brokers: string[];
let kafka: Kafka;
let admin: Admin;
let producer: Producer;

before(async () => {
  clients = await connectKafka('collector-int-test'); // throws (fails the test) when the stack is not up
  ({ brokers, kafka, admin, producer } = clients);
});

after(async () => {
  await clients?.disconnect();
});

interface Fixture {
  audit: string;
  spans: string;
  dlq: string;
  group: string;
  sinks: MemorySink[];
  service(): CollectorService;
}

async function fixture(): Promise<Fixture> {
  const audit = uniqueName('it-audit');
  const spans = uniqueName('it-spans');
  const dlq = uniqueName('it-dlq');
  await kafkaControl(`create_topic ${audit} 2`);
  await kafkaControl(`create_topic ${spans} 1`);
  await kafkaControl(`create_topic ${dlq} 1`);
  const prefix = uniqueName('it-group');
  const sinks: MemorySink[] = [];
  const registry = new SinkRegistry().register(discardSinkFactory).register(memorySinkFactory((s) => sinks.push(s)));
  const text = `
service: { http: { host: 127.0.0.1, port: 0 }, shutdownTimeoutMs: 10000 }
kafka: { brokers: ${JSON.stringify(brokers)}, groupPrefix: ${prefix}, dlqTopic: ${dlq}, createTopics: false, sessionTimeoutMs: 10000, heartbeatIntervalMs: 500 }
sources:
  audit: { topic: ${audit}, kind: audit, maxMessageBytes: 4000 }
  spans: { topic: ${spans}, kind: span }
sinks:
  mem:
    type: memory
    batch: { maxRecords: 50, maxWaitMs: 100 }
    retry: { maxAttempts: 1, initialDelayMs: 10, maxDelayMs: 200 }
    circuitBreaker: { failureThreshold: 3, halfOpenAfterMs: 200 }
pipelines:
  main: { sources: [audit, spans], sink: mem }
`;
  const create = collectorFactory(text, registry);
  return {
    audit,
    spans,
    dlq,
    group: `${prefix}.mem`,
    sinks,
    service: () => create(),
  };
}

function auditMessage(action = 'invoice.approve'): { key: string; value: string } {
  return { key: 'acme', value: JSON.stringify({ ...exampleAuditEvent(), event_id: newEventId(), action }) };
}

async function spanBytes(): Promise<Buffer> {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  provider.getTracer('it').startSpan('op').end();
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans())!);
}

/** Committed offset per partition of `topic` for `group` ('-1' when none). */
async function committed(group: string, topic: string): Promise<Record<number, string>> {
  const [res] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  return Object.fromEntries((res?.partitions ?? []).map((p) => [p.partition, p.offset]));
}

async function endOffsets(topic: string): Promise<Record<number, string>> {
  return Object.fromEntries((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
}

async function readTopic(topic: string, count: number): Promise<Array<{ key: string; value: Buffer; headers: Record<string, string> }>> {
  const consumer = kafka.consumer({ groupId: uniqueName('it-reader') });
  const out: Array<{ key: string; value: Buffer; headers: Record<string, string> }> = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
      out.push({ key: message.key?.toString() ?? '', value: message.value ?? Buffer.alloc(0), headers });
    },
  });
  try {
    await waitFor(`${count} messages on ${topic}`, () => (out.length >= count ? true : undefined));
  } finally {
    await consumer.disconnect();
  }
  return out;
}

test('poison messages go to the DLQ with origin headers, good ones reach the sink, offsets move past both', async () => {
  const f = await fixture();
  const service = f.service();
  await service.start();
  try {
    const good = await spanBytes();
    f.sinks[0]!.reject = (r) => r.kind === 'audit' && r.event.action === 'refused.by.store';
    const { tenant: _t, ...noTenant } = JSON.parse(auditMessage().value) as Record<string, unknown>;
    await producer.send({
      topic: f.audit,
      messages: [
        { ...auditMessage(), partition: 0 },
        { key: 'k-json', value: '{"event_id": ', partition: 0 },
        { key: 'k-version', value: JSON.stringify({ ...exampleAuditEvent(), schema: { name: 'hindsight.audit', version: 99 } }), partition: 0 },
        { key: 'k-tenant', value: JSON.stringify(noTenant), partition: 1 },
        { key: 'k-big', value: 'x'.repeat(5000), partition: 1 },
        { ...auditMessage('refused.by.store'), key: 'k-refused', partition: 1 },
        { ...auditMessage(), partition: 1 },
      ],
    });
    await producer.send({ topic: f.spans, messages: [{ key: 't1', value: good }, { key: 'k-trunc', value: good.subarray(0, good.length - 5) }] });

    await waitFor('good records in the sink', () => (f.sinks[0]!.records.length >= 3 ? true : undefined));
    const letters = await readTopic(f.dlq, 6);
    const byKey = new Map(letters.map((l) => [l.key, l]));
    assert.equal(byKey.get('k-json')?.headers['hindsight.error.code'], 'JSON_INVALID');
    assert.equal(byKey.get('k-version')?.headers['hindsight.error.code'], 'CONTRACT_UNKNOWN_VERSION');
    assert.equal(byKey.get('k-tenant')?.headers['hindsight.error.code'], 'CONTRACT_INVALID');
    assert.equal(byKey.get('k-big')?.headers['hindsight.error.code'], 'MESSAGE_OVERSIZED');
    assert.equal(byKey.get('k-refused')?.headers['hindsight.error.code'], 'SINK_REJECTED');
    assert.equal(byKey.get('k-trunc')?.headers['hindsight.error.code'], 'OTLP_DECODE_FAILED');
    const json = byKey.get('k-json')!;
    assert.equal(json.value.toString(), '{"event_id": ', 'original bytes unchanged');
    assert.equal(json.headers['hindsight.origin.topic'], f.audit);
    assert.equal(json.headers['hindsight.origin.partition'], '0');
    assert.equal(json.headers['hindsight.origin.offset'], '1');
    assert.match(json.headers['hindsight.error.message'] ?? '', /invalid JSON/);
    assert.deepEqual(
      f.sinks[0]!.records.map((r) => r.kind).sort(),
      ['audit', 'audit', 'span'],
    );

    await waitFor('offsets committed to the end', async () => {
      const [a, s] = [await committed(f.group, f.audit), await committed(f.group, f.spans)];
      const [ea, es] = [await endOffsets(f.audit), await endOffsets(f.spans)];
      return JSON.stringify(a) === JSON.stringify(ea) && JSON.stringify(s) === JSON.stringify(es) ? true : undefined;
    });

    const metrics = await (await fetch(`http://127.0.0.1:${service.port}/metrics`)).text();
    assert.match(metrics, new RegExp(`hindsight_dlq_messages_total\\{topic="${f.audit}",reason="JSON_INVALID"\\} 1`));
    assert.match(metrics, /hindsight_sink_records_written_total\{sink="mem"\} 3/);
    assert.match(metrics, new RegExp(`hindsight_consumer_messages_total\\{topic="${f.audit}"\\} 7`));
    assert.match(metrics, /hindsight_component_errors_total\{component="audit",error_type="CONTRACT_INVALID",stage="decode"\} 1/);
    assert.match(metrics, new RegExp(`hindsight_consumer_lag\\{topic="${f.audit}",partition="0"\\} 0`));
    assert.match(metrics, /hindsight_sink_batch_size_bucket\{le="1",sink="mem"\}/);
    assert.match(metrics, /hindsight_sink_batch_duration_seconds_count\{sink="mem"\} [1-9]/);

    assert.equal((await fetch(`http://127.0.0.1:${service.port}/healthz`)).status, 200);
    const ready = await fetch(`http://127.0.0.1:${service.port}/readyz`);
    assert.equal(ready.status, 200);
    f.sinks[0]!.ready = false;
    const notReady = await fetch(`http://127.0.0.1:${service.port}/readyz`);
    assert.equal(notReady.status, 503);
    const body = (await notReady.json()) as { sinks: Record<string, { ready: boolean; detail: string }> };
    assert.equal(body.sinks.mem?.ready, false);
    assert.equal(body.sinks.mem?.detail, 'told to be not ready');
  } finally {
    await service.stop();
  }
});

test('a failing sink commits nothing; after a restart every message is written', async () => {
  const f = await fixture();
  const first = f.service();
  await first.start();
  f.sinks[0]!.failing = true;
  await producer.send({ topic: f.audit, messages: [0, 1, 2, 3, 4].map((i) => ({ ...auditMessage(), partition: i % 2 })) });
  try {
    await waitFor('repeated failed writes', () => (f.sinks[0]!.writeCalls >= 3 ? true : undefined));
    const readyz = await fetch(`http://127.0.0.1:${first.port}/readyz`);
    assert.equal(readyz.status, 503, 'a failing sink makes the collector not ready');
    assert.deepEqual(await committed(f.group, f.audit), { 0: '-1', 1: '-1' }, 'nothing committed while the sink fails');
  } finally {
    await first.stop();
  }
  assert.deepEqual(await committed(f.group, f.audit), { 0: '-1', 1: '-1' }, 'a stop with an unwritten batch commits nothing');
  assert.equal(f.sinks[0]!.records.length, 0);

  const second = f.service();
  await second.start();
  try {
    await waitFor('all five records after restart', () => (f.sinks[1]!.records.length >= 5 ? true : undefined));
    await waitFor('commits after restart', async () =>
      JSON.stringify(await committed(f.group, f.audit)) === JSON.stringify(await endOffsets(f.audit)) ? true : undefined,
    );
  } finally {
    await second.stop();
  }
});

test('a stop during start, at any step, leaves nothing consuming', async () => {
  const stopped: Fixture[] = [];
  const taken = (): number => stopped.reduce((n, f) => n + f.sinks.reduce((m, s) => m + s.records.length, 0), 0);
  // From before the first connect to after the group join: each delay lands in another start step.
  // A group each: the mock keeps a member that left until its session times out, slowing the next join.
  for (const delayMs of [0, 5, 20, 60, 150, 400, 1000, 3000]) {
    const f = await fixture();
    stopped.push(f);
    const service = f.service();
    const started = service.start().then(
      () => 'started',
      (err: unknown) => (err instanceof Error ? err.message : String(err)),
    );
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    await service.stop();
    const outcome = await started;
    assert.ok(outcome === 'started' || outcome === 'the collector was stopped while starting', `start after a stop at ${delayMs} ms: ${outcome}`);
    assert.equal(service.readiness().ready, false);
  }
  // A consumer still running after its collector stopped would take these.
  const before = taken();
  for (const f of stopped) await producer.send({ topic: f.audit, messages: Array.from({ length: 5 }, () => auditMessage()) });
  await new Promise((resolve) => setTimeout(resolve, 4000));
  assert.equal(taken(), before, 'no stopped collector consumed anything');
});
