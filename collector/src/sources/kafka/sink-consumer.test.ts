import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EachBatchPayload, Kafka } from 'kafkajs';
import { exampleJournalEvent, newEventId } from '@hindsight/sdk/contract';
import type { DeadLetterProducer } from '../../dlq/dead-letter-producer';
import { PermanentError } from '../../errors/hindsight-error';
import { SinkGuard } from '../../resilience/sink-guard';
import type { SinkRecord } from '../../sinks/records';
import type { PipelinePlan } from '../../topology/build-topology';
import { CollectorMetrics } from '../../telemetry/collector-metrics';
import { silentLogger } from '../../telemetry/logger';
import { MemorySink } from '../../testing/memory-sink';
import { SinkConsumer } from './sink-consumer';

const TOPIC = 'journal';

/** A kafkajs stand-in: hands batches to the consumer's eachBatch as the test decides, records commits. */
function fakeKafka() {
  let eachBatch: ((p: EachBatchPayload) => Promise<void>) | undefined;
  const commits: Array<Array<{ topic: string; partition: number; offset: string }>> = [];
  const listeners = new Map<string, (e: unknown) => void>();
  /** What the consumer was asked to do, in order. */
  const calls: string[] = [];
  /** While set, a connect (or a run: joining the group) waits for this to resolve (a broker slow to answer). */
  let connectGate: Promise<void> | undefined;
  let runGate: Promise<void> | undefined;
  const consumer = {
    events: { GROUP_JOIN: 'group_join', CRASH: 'crash', DISCONNECT: 'disconnect', STOP: 'stop', FETCH: 'fetch' },
    on: (event: string, listener: (e: unknown) => void) => listeners.set(event, listener),
    connect: async () => {
      calls.push('connect');
      await connectGate;
      calls.push('connected');
    },
    subscribe: async () => void calls.push('subscribe'),
    run: async (o: { eachBatch: (p: EachBatchPayload) => Promise<void> }) => {
      calls.push('run');
      await runGate;
      eachBatch = o.eachBatch;
      calls.push('joined');
    },
    stop: async () => void calls.push('stop'),
    commitOffsets: async (points: Array<{ topic: string; partition: number; offset: string }>) => {
      commits.push(points);
    },
    disconnect: async () => void calls.push('disconnect'),
  };
  /** Makes connects, or runs (the group join), wait until the returned function is called. */
  const hold = (step: 'connect' | 'run'): (() => void) => {
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    if (step === 'connect') connectGate = gate;
    else runGate = gate;
    return () => {
      connectGate = runGate = undefined;
      release();
    };
  };
  /** Emits what kafkajs emits when its consumer crashed: `restart` when it starts the consumer again itself. */
  const crash = (restart = false): void => listeners.get('crash')?.({ payload: { error: new Error('INVALID_REQUEST'), restart } });
  /** What the admin client (stall checks, committed-offset reads) was asked to do, in order. */
  const adminCalls: string[] = [];
  const admin = {
    connect: async () => {
      adminCalls.push('connect');
      await connectGate;
      adminCalls.push('connected');
    },
    fetchOffsets: async () => [],
    disconnect: async () => void adminCalls.push('disconnect'),
  };
  const kafka = { consumer: () => consumer, admin: () => admin } as unknown as Kafka;
  /** Emits a group join with this assignment (partitions of the journal topic). */
  const join = (partitions: number[]): void => listeners.get('group_join')?.({ payload: { memberAssignment: { [TOPIC]: partitions } } });
  /**
   * Delivers one partition batch of `count` journal messages starting at `from`, the partition ending at
   * `highWatermark` (by default right after the batch); resolves when eachBatch returns.
   */
  const deliver = (partition: number, from: number, count: number, highWatermark = from + count): Promise<void> => {
    const messages = Array.from({ length: count }, (_, i) => ({
      offset: String(from + i),
      key: null,
      value: Buffer.from(JSON.stringify({ ...exampleJournalEvent(), event_id: newEventId() })),
    }));
    const batch = { topic: TOPIC, partition, messages, highWatermark: String(highWatermark), lastOffset: () => String(from + count - 1) };
    const payload = { batch, resolveOffset: () => undefined, heartbeat: async () => undefined, isRunning: () => true, isStale: () => false };
    if (eachBatch === undefined) throw new Error('consumer not running');
    return eachBatch(payload as unknown as EachBatchPayload);
  };
  return { kafka, deliver, join, commits, calls, adminCalls, hold, crash };
}

/** A sink whose writes wait until the test releases them, one by one. */
class GatedSink extends MemorySink {
  readonly sizes: number[] = [];
  readonly offsets: string[][] = [];
  private gates: Array<() => void> = [];
  override async write(batch: readonly SinkRecord[]) {
    this.sizes.push(batch.length);
    this.offsets.push(batch.map((r) => `${r.origin.partition}:${r.origin.offset}`));
    await new Promise<void>((resolve) => this.gates.push(resolve));
    return { status: 'written' as const };
  }
  /** Lets the oldest waiting write finish. */
  release(): void {
    this.gates.shift()?.();
  }
  get waiting(): number {
    return this.gates.length;
  }
  /** Group joins the consumer told this sink of. */
  assignmentsChanged = 0;
  assignmentChanged(): void {
    this.assignmentsChanged++;
  }
}

async function startConsumer(maxRecords: number, maxWaitMs: number, flushWhenCaughtUp = false, parts: { sink?: MemorySink; dlq?: DeadLetterProducer } = {}) {
  // The gated sink unless the test brings its own (whose gating methods it then does not use).
  const sink = (parts.sink ?? new GatedSink('gated')) as GatedSink;
  const metrics = new CollectorMetrics(undefined, { defaultMetrics: false });
  const plan = {
    pipeline: 'main',
    sinkName: 'gated',
    sinkType: 'memory',
    groupId: 'g',
    topics: [{ topic: TOPIC, kind: 'journal', maxMessageBytes: 1 << 20, source: 'src' }],
    batch: { maxRecords, maxWaitMs, flushWhenCaughtUp },
    retry: { maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 5 },
    circuitBreaker: { failureThreshold: 100, halfOpenAfterMs: 60_000 },
    options: {},
  } as unknown as PipelinePlan;
  const guard = new SinkGuard(sink, plan.retry, plan.circuitBreaker, metrics);
  const dlq = parts.dlq ?? ({ send: async () => undefined } as unknown as DeadLetterProducer);
  const fake = fakeKafka();
  const consumer = new SinkConsumer(plan, fake.kafka, sink, guard, dlq, metrics, silentLogger, {
    sessionTimeoutMs: 10_000,
    heartbeatIntervalMs: 1000,
    maxWaitTimeMs: 100,
    fromBeginning: true,
    stallTimeoutMs: 60_000,
  });
  await consumer.start();
  return { sink, consumer, ...fake };
}

/** Resolves once `done()` holds; throws after `ms`. */
async function waitUntil(done: () => boolean, ms: number): Promise<void> {
  for (const end = Date.now() + ms; !done(); await sleep(10)) if (Date.now() > end) throw new Error(`not reached within ${ms} ms`);
}

/** Resolves true if `p` settles within `ms`. */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  return Promise.race([p.then(() => true), sleep(ms).then(() => false)]);
}

for (const { step, done, what } of [
  { step: 'connect', done: 'connected', what: 'a restart is connecting: the late connect is undone and the consumer never runs again' },
  { step: 'run', done: 'joined', what: 'a restarted consumer joins the group: the member that joined after the stop leaves' },
] as const) {
  test(`a stop that comes while ${what}, before stop() resolves`, async () => {
    const { consumer, calls, hold, crash } = await startConsumer(4, 200);
    const release = hold(step);
    crash();
    await waitUntil(() => calls.filter((c) => c === step).length === 2, 5000);
    const stopped = consumer.stop(Date.now() + 5000);
    await sleep(20);
    release();
    await stopped;
    assert.deepEqual(calls.slice(calls.lastIndexOf(done)), [done, 'disconnect'], calls.join(', '));
  });
}

test('a crash kafkajs would restart from, once stopping, is answered by stopping the consumer (clearing that restart)', async () => {
  const { consumer, calls, crash } = await startConsumer(4, 200);
  await consumer.stop(Date.now() + 5000);
  crash(true);
  await sleep(20);
  assert.equal(calls.at(-1), 'stop', calls.join(', '));
});

test('a stop that comes while the admin is connecting waits for the connect, then disconnects it', async () => {
  const { consumer, adminCalls, hold, join } = await startConsumer(4, 200);
  const release = hold('connect');
  join([0]); // reads the committed offsets of the new partition through the admin
  await waitUntil(() => adminCalls.includes('connect'), 5000);
  const stopped = consumer.stop(Date.now() + 5000);
  await sleep(20);
  release();
  await stopped;
  assert.deepEqual(adminCalls, ['connect', 'connected', 'disconnect'], 'no connection outlives the stop');
});

test('a record the sink rejected, whose dead letter a stop cut short, is not committed: it is consumed again', async () => {
  class RejectingSink extends MemorySink {
    override async write(batch: readonly SinkRecord[]) {
      const rejected = batch.filter((r) => r.origin.offset === '1').map((record) => ({ record, error: new PermanentError('SINK_REJECTED', 'refused') }));
      return { status: 'partial' as const, rejected };
    }
  }
  let attempts = 0;
  const dlq = { send: async () => { attempts++; throw new Error('the dead-letter topic is unreachable'); } } as unknown as DeadLetterProducer;
  const { consumer, deliver, join, commits } = await startConsumer(3, 10_000, false, { sink: new RejectingSink('rejecting'), dlq });
  join([0]);
  await deliver(0, 0, 3);
  await waitUntil(() => attempts > 0, 5000);
  await consumer.stop(Date.now() + 2000);
  const committed = commits.flat().filter((c) => c.partition === 0).map((c) => Number(c.offset));
  assert.deepEqual(committed.filter((o) => o > 1), [], `nothing committed past the rejected offset 1: ${committed.join(', ')}`);
  assert.ok(committed.includes(1), `the record before it, stored, is committed: ${committed.join(', ')}`);
});

test('a batch that is not due is not sent merely because a write ended', async () => {
  const { sink, consumer, deliver } = await startConsumer(4, 200);
  await deliver(0, 0, 4);
  await deliver(0, 4, 1);
  sink.release();
  await sleep(20);
  assert.deepEqual(sink.sizes, [4], 'one record waits for its batch to fill or for maxWaitMs');
  await deliver(0, 5, 3);
  await sleep(5);
  assert.deepEqual(sink.sizes, [4, 4]);
  sink.release();
  await consumer.stop(Date.now() + 5000);
});

test('flushWhenCaughtUp: a partial batch goes at once when every owned partition was read to its end', async () => {
  const { sink, consumer, deliver, join } = await startConsumer(100, 10_000, true);
  join([0, 1]);
  await deliver(0, 0, 2);
  await sleep(5);
  assert.deepEqual(sink.sizes, [], 'partition 1 not read yet: the batch waits');
  await deliver(1, 0, 1, 5);
  await sleep(5);
  assert.deepEqual(sink.sizes, [], 'partition 1 is behind its high watermark: the batch waits');
  await deliver(1, 1, 4);
  await sleep(5);
  assert.deepEqual(sink.sizes, [7], 'both partitions at their end: written without waiting maxWaitMs');
  sink.release();
  await consumer.stop(Date.now() + 5000);
});

test('flushWhenCaughtUp: while a write runs records gather, and go as one batch when it ends', async () => {
  const { sink, consumer, deliver, join } = await startConsumer(100, 10_000, true);
  join([0]);
  await deliver(0, 0, 1);
  await sleep(5);
  assert.deepEqual(sink.sizes, [1]);
  await deliver(0, 1, 2);
  await deliver(0, 3, 3);
  await sleep(5);
  assert.deepEqual(sink.sizes, [1], 'nothing more while the first write runs');
  sink.release();
  await sleep(5);
  assert.deepEqual(sink.sizes, [1, 5], 'what gathered meanwhile is one write');
  assert.deepEqual(sink.offsets[1], ['0:1', '0:2', '0:3', '0:4', '0:5']);
  sink.release();
  await consumer.stop(Date.now() + 5000);
});

test('flushWhenCaughtUp off: a caught-up partial batch waits for maxWaitMs', async () => {
  const { sink, consumer, deliver, join } = await startConsumer(100, 80, false);
  join([0]);
  await deliver(0, 0, 2);
  await sleep(20);
  assert.deepEqual(sink.sizes, []);
  await sleep(100);
  assert.deepEqual(sink.sizes, [2]);
  sink.release();
  await consumer.stop(Date.now() + 5000);
});

test('flushWhenCaughtUp: a new assignment is unknown until each of its partitions is read again', async () => {
  const { sink, consumer, deliver, join } = await startConsumer(100, 10_000, true);
  join([0]);
  await deliver(0, 0, 1);
  await sleep(5);
  assert.deepEqual(sink.sizes, [1]);
  sink.release();
  join([0, 1]);
  await deliver(0, 1, 1);
  await sleep(5);
  assert.deepEqual(sink.sizes, [1], 'partition 1 of the new assignment not read yet');
  await deliver(1, 0, 1);
  await sleep(5);
  assert.deepEqual(sink.sizes, [1, 2]);
  sink.release();
  await consumer.stop(Date.now() + 5000);
});

test('a partition that waited for a write sends what gathered meanwhile as soon as that write ends', async () => {
  const { sink, consumer, deliver } = await startConsumer(4, 10_000);
  await deliver(0, 0, 4);
  // Partition 0 fills the next batch and partition 1 adds to it: both wait for the first write.
  const first = deliver(0, 4, 4);
  const second = deliver(1, 0, 2);
  await sleep(5);
  sink.release();
  await first;
  await sleep(5);
  assert.deepEqual(sink.sizes, [4, 5]);
  // One record gathers while the second write runs; partition 1 still waits for that write.
  await deliver(2, 0, 1);
  sink.release();
  await sleep(5);
  assert.deepEqual(sink.sizes, [4, 5, 1], 'written when the second write ended, not after maxWaitMs (10 s)');
  assert.deepEqual(sink.offsets[2], ['2:0']);
  sink.release();
  await second;
  // The record partition 1 added after its wait is the final write of stop.
  const stopped = consumer.stop(Date.now() + 5000);
  await sleep(5);
  sink.release();
  await stopped;
  assert.deepEqual(sink.offsets[3], ['1:1']);
});

test('the sink is told at every group join that its partitions may have been written by another member', async () => {
  const { sink, consumer, join } = await startConsumer(4, 200);
  join([0, 1]);
  join([1]);
  assert.equal(sink.assignmentsChanged, 2);
  await consumer.stop(Date.now() + 5000);
});
