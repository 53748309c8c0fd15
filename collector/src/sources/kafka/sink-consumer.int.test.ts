/**
 * The sink consumer against the real broker and kafkajs.
 *
 * A consumer that kafkajs stops for good (a non-retriable error in a group request) is started again
 * by the collector, and the pipeline goes on. A consumer that takes no batch while Kafka holds
 * messages for it (wedged through kafkajs's own pause(), or assigned nothing by the group) is
 * replaced; a caught-up one is left alone.
 *
 * The offset gap check: the committed offset read at assignment
 * must be where kafkajs resumes, so restarts, rebalances and a group without commits report no gap.
 *
 * A real gap needs the partition's log start above the group's committed offset, i.e. the broker
 * deleting unconsumed data. The shared stack offers no honest way to make that happen for one test's
 * topic only: the mock has no DeleteRecords, its retention limit is far above what a test can produce
 * quickly, and a pushed OFFSET_OUT_OF_RANGE on Fetch hits every client of the shared cluster. Detection
 * itself is covered by offset-gap-detector.test.ts; the fault suite's scenario 1 exercises the real case.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AssignerProtocol, Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { exampleAuditEvent, newEventId } from '@hindsight/sdk/contract';
import type { CollectorService } from '../../service/collector-service';
import { SinkRegistry } from '../../sinks/sink-registry';
import type { CollectorMetrics } from '../../telemetry/collector-metrics';
import { MemorySink, memorySinkFactory } from '../../testing/memory-sink';
import { collectorFactory, connectKafka, testMetrics, type KafkaClients } from '../../testing/collector-fixture';
import { kafkaControl, uniqueName, waitFor } from '../../testing/local-stack';
import type { PipelineStatus } from './sink-consumer';

let clients: KafkaClients | undefined;
let admin: Admin;
let producer: Producer;
let brokers: string[];

before(async () => {
  clients = await connectKafka('sink-consumer-int-test'); // throws (fails the test) when the stack is not up
  ({ brokers, admin, producer } = clients);
});

after(async () => {
  await clients?.disconnect();
});

interface Instance {
  service: CollectorService;
  metrics: CollectorMetrics;
  sinks: MemorySink[];
}

async function setup(fromBeginning: boolean, stallTimeoutMs = 120_000): Promise<{ audit: string; group: string; instance(): Instance }> {
  const audit = uniqueName('it-gap-audit');
  const dlq = uniqueName('it-gap-dlq');
  await kafkaControl(`create_topic ${audit} 2`);
  await kafkaControl(`create_topic ${dlq} 1`);
  const prefix = uniqueName('it-gap-group');
  const text = `
service: { http: { host: 127.0.0.1, port: 0 }, shutdownTimeoutMs: 10000 }
kafka: { brokers: ${JSON.stringify(brokers)}, groupPrefix: ${prefix}, dlqTopic: ${dlq}, createTopics: false, sessionTimeoutMs: 10000, heartbeatIntervalMs: 500, maxWaitTimeMs: 200, fromBeginning: ${fromBeginning}, stallTimeoutMs: ${stallTimeoutMs} }
sources:
  audit: { topic: ${audit}, kind: audit }
sinks:
  mem:
    type: memory
    batch: { maxRecords: 20, maxWaitMs: 100 }
    retry: { maxAttempts: 1, initialDelayMs: 10, maxDelayMs: 200 }
    circuitBreaker: { failureThreshold: 3, halfOpenAfterMs: 200 }
pipelines:
  main: { sources: [audit], sink: mem }
`;
  return {
    audit,
    group: `${prefix}.mem`,
    instance: () => {
      const sinks: MemorySink[] = [];
      const registry = new SinkRegistry().register(memorySinkFactory((s) => sinks.push(s)));
      const metrics = testMetrics();
      return { service: collectorFactory(text, registry)(metrics), metrics, sinks };
    },
  };
}

async function produce(topic: string, count: number): Promise<void> {
  const messages = Array.from({ length: count }, (_, i) => ({
    key: `tenant-${i % 4}`,
    value: JSON.stringify({ ...exampleAuditEvent(), event_id: newEventId(), tenant: `tenant-${i % 4}` }),
  }));
  await producer.send({ topic, messages });
}

function storedIds(instances: Instance[]): Set<string> {
  const ids = new Set<string>();
  for (const i of instances) for (const s of i.sinks) for (const r of s.records) if (r.kind === 'audit') ids.add(r.event.event_id);
  return ids;
}

async function counterTotal(metrics: CollectorMetrics, name: string): Promise<number> {
  const metric = metrics.registry.getSingleMetric(name);
  assert.ok(metric, `${name} is registered`);
  return (await metric.get()).values.reduce((n, v) => n + v.value, 0);
}

async function assertNoGap(i: Instance, what: string): Promise<void> {
  assert.equal(await counterTotal(i.metrics, 'hindsight_consumer_offset_gaps_total'), 0, `${what}: no offset gap counted`);
  assert.equal(await counterTotal(i.metrics, 'hindsight_consumer_offset_gap_messages_total'), 0, `${what}: no skipped message counted`);
  const sinks = i.service.readiness().sinks as Record<string, PipelineStatus>;
  assert.equal(sinks['mem']?.lastOffsetGap, undefined, `${what}: /readyz shows no gap`);
}

test('restarts and a member joining and leaving resume at the committed offsets: no offset gap reported', async () => {
  const f = await setup(true);
  const started: Instance[] = [];
  const start = async (): Promise<Instance> => {
    const i = f.instance();
    started.push(i);
    await i.service.start();
    return i;
  };
  const stored = (n: number) => waitFor(`${n} audit events stored`, () => (storedIds(started).size >= n ? true : undefined), 60_000);
  try {
    const a = await start();
    await produce(f.audit, 40);
    await stored(40);
    const b = await start(); // rebalance: partitions move between a and b
    await produce(f.audit, 40);
    await stored(80);
    await b.service.stop(); // rebalance: a takes b's partitions at b's commits
    await produce(f.audit, 40);
    await stored(120);
    await a.service.stop();
    await produce(f.audit, 40); // produced while nobody consumes
    const c = await start(); // resumes at the committed offsets
    await stored(160);
    for (const [name, i] of [['first', a], ['second', b], ['restarted', c]] as const) await assertNoGap(i, name);
    const ends = await admin.fetchTopicOffsets(f.audit);
    await waitFor('committed offsets at the topic ends', async () => {
      const [now] = await admin.fetchOffsets({ groupId: f.group, topics: [f.audit] });
      return ends.every((e) => now?.partitions.find((p) => p.partition === e.partition)?.offset === e.high) ? true : undefined;
    });
  } finally {
    for (const i of started) await i.service.stop();
  }
});

test('a group without a committed offset (-1) starting at the latest offset reports no gap', async () => {
  const f = await setup(false);
  await produce(f.audit, 30); // before the group exists: skipped by design (fromBeginning false), not a gap
  const i = f.instance();
  await i.service.start();
  try {
    await waitFor('the group joined', () => (i.service.readiness().ready ? true : undefined));
    // The group has no commit yet: kafkajs starts its partitions at their ends, once it first fetches.
    // Messages produced before that are skipped by design, so produce until new ones arrive.
    await waitFor(
      'new audit events stored',
      async () => {
        if (storedIds([i]).size >= 20) return true;
        await produce(f.audit, 5);
        return undefined;
      },
      60_000,
    );
    await assertNoGap(i, 'fresh group');
  } finally {
    await i.service.stop();
  }
});

test('a consumer kafkajs stops for good (SyncGroup answered INVALID_REQUEST) is started again and the pipeline goes on', async () => {
  const f = await setup(true);
  await produce(f.audit, 30);
  // Answered to this group's first SyncGroup: kafkajs deems it not retriable, crashes the consumer and
  // does not restart it (as seen after a rebalance storm against the mock cluster).
  await kafkaControl('push_errors SyncGroup 1 INVALID_REQUEST');
  const i = f.instance();
  await i.service.start();
  try {
    await waitFor('30 audit events stored', () => (storedIds([i]).size >= 30 ? true : undefined), 60_000);
    assert.equal(await counterTotal(i.metrics, 'hindsight_consumer_restarts_total'), 1, 'started again once, by the collector');
    await produce(f.audit, 10);
    await waitFor('10 more stored', () => (storedIds([i]).size >= 40 ? true : undefined), 30_000);
    await waitFor('the pipeline ready again', () => (i.service.readiness().ready ? true : undefined));
  } finally {
    await i.service.stop();
    await kafkaControl('clear_errors SyncGroup').catch(() => undefined);
  }
});

test('a consumer that takes no batch while its partitions hold unread messages is replaced, and the pipeline goes on', async () => {
  const f = await setup(true, 3000);
  await produce(f.audit, 20);
  const i = f.instance();
  await i.service.start();
  try {
    await waitFor('20 audit events stored', () => (storedIds([i]).size >= 20 ? true : undefined), 60_000);
    const wedged = i.service.consumerOf('mem')?.kafkaConsumer;
    assert.ok(wedged);
    // kafkajs stops fetching the topic but stays in the group and heartbeats: from outside, what a
    // fetch loop that stopped without an error looks like.
    wedged.pause([{ topic: f.audit }]);
    await produce(f.audit, 20);
    await waitFor('the 20 produced after the wedge stored', () => (storedIds([i]).size >= 40 ? true : undefined), 60_000);
    assert.equal(await counterTotal(i.metrics, 'hindsight_consumer_stalls_total'), 1, 'one stall noticed');
    const shown = (i.service.readiness().sinks as Record<string, PipelineStatus>)['mem']?.lastStall;
    assert.equal(shown?.count, 1, '/readyz shows the stall');
    assert.ok(shown.behind.some((b) => b.startsWith(`${f.audit}/`)), `/readyz names the partitions behind: ${JSON.stringify(shown)}`);
    assert.notEqual(i.service.consumerOf('mem')?.kafkaConsumer, wedged, 'the consumer was replaced');
    await produce(f.audit, 10);
    await waitFor('10 more stored', () => (storedIds([i]).size >= 50 ? true : undefined), 30_000);
    await waitFor('the pipeline ready again', () => (i.service.readiness().ready ? true : undefined));
    assert.equal(await counterTotal(i.metrics, 'hindsight_consumer_stalls_total'), 1, 'a consumer that keeps up is not taken for stalled');
  } finally {
    await i.service.stop();
  }
});

test('a consumer with nothing left to read is not taken for stalled, however long it waits', async () => {
  const f = await setup(true, 1500);
  await produce(f.audit, 10);
  const i = f.instance();
  await i.service.start();
  try {
    await waitFor('10 audit events stored', () => (storedIds([i]).size >= 10 ? true : undefined), 60_000);
    await new Promise((resolve) => setTimeout(resolve, 6000)); // four stall timeouts with no message
    assert.equal(await counterTotal(i.metrics, 'hindsight_consumer_stalls_total'), 0);
  } finally {
    await i.service.stop();
  }
});

test('a consumer the group assigns nothing while its topics hold unread messages is replaced', async () => {
  const f = await setup(true, 3000);
  // A member that joins first, so it leads the group, and assigns nobody anything, under the name of
  // kafkajs's own assigner: the group is stable, every member heartbeats, and nothing is read (as when
  // two joins at once leave a member with an empty assignment).
  const protocol = { name: 'RoundRobinAssigner', version: 0 };
  const leader = new Kafka({ clientId: 'it-empty-leader', brokers, logLevel: logLevel.NOTHING }).consumer({
    groupId: f.group,
    sessionTimeout: 10_000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 200,
    partitionAssigners: [
      () => ({
        ...protocol,
        assign: async ({ members }) => members.map((m) => ({ memberId: m.memberId, memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: {}, userData: Buffer.alloc(0) }) })),
        protocol: ({ topics }) => ({ name: protocol.name, metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) }),
      }),
    ],
  });
  let leaderJoined = false;
  leader.on(leader.events.GROUP_JOIN, () => (leaderJoined = true));
  await leader.connect();
  await leader.subscribe({ topic: f.audit });
  await leader.run({ eachBatch: async () => undefined });
  await waitFor('the leader joined', () => (leaderJoined ? true : undefined), 30_000);
  await produce(f.audit, 20);
  const i = f.instance();
  try {
    await i.service.start();
    await waitFor('the stall noticed', async () => ((await counterTotal(i.metrics, 'hindsight_consumer_stalls_total')) >= 1 ? true : undefined), 60_000);
    assert.equal(storedIds([i]).size, 0, 'nothing was read while the group assigned nothing');
    await leader.disconnect(); // the collector's consumer leads the group next, and assigns its partitions
    await waitFor('20 audit events stored', () => (storedIds([i]).size >= 20 ? true : undefined), 60_000);
  } finally {
    await i.service.stop();
    await leader.disconnect().catch(() => undefined);
  }
});
