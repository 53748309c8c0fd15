// The producer thread on the local stack's mock Kafka: what it sends arrives, a thread that cannot start
// or that dies loses nothing, and shutdown stops it. Read back with kcat.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId as appThreadId } from 'node:worker_threads';
import { loadStackEndpoints } from '../../../test/stack/endpoints';
import { createTestTopic, readTopicKeyValues, readTopicMessages } from '../../../test/stack/kafka-topics';
import type { ExportResult } from '../exporter/exporter';
import { LINES_NOT_PREPARED, ProducerThread } from './producer-thread';

const brokers = loadStackEndpoints().kafka.brokers;
const connection = { brokers, clientId: 'producer-thread-test' };
const REAL_WORKER = join(__dirname, 'producer-thread-worker.ts');

const batch = (...values: string[]) => values.map((v, i) => ({ key: `k${i}`, value: Buffer.from(v) }));

/** A worker file for the test, plain JS, that loads the real worker after `prelude`. */
function testWorker(prelude: string, loadReal = true): string {
  const file = join(mkdtempSync(join(tmpdir(), 'producer-thread-')), 'worker.js');
  const real = loadReal ? `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(REAL_WORKER)});` : '';
  writeFileSync(file, `${prelude}\n${real}\n`);
  return file;
}

test('batches sent through the producer thread reach Kafka in order, produced off the app thread', async () => {
  const topic = await createTestTopic('pt');
  const warnings: string[] = [];
  const sender = new ProducerThread(connection, (m) => warnings.push(m));
  try {
    assert.equal(sender.threadId, undefined, 'no thread before the first send');
    const first = sender.send(topic, batch('a1', 'a2'));
    assert.ok(sender.threadId !== undefined && sender.threadId !== appThreadId, 'a thread of its own');
    assert.deepEqual(await first, { ok: true });
    assert.deepEqual(await sender.send(topic, batch('b1')), { ok: true });
    assert.deepEqual(readTopicKeyValues(topic), ['k0=a1', 'k1=a2', 'k0=b1']);
    assert.deepEqual(warnings.filter((w) => w.includes('thread')), []);
  } finally {
    await sender.close();
  }
  assert.equal(sender.threadId, undefined, 'close stops the thread');
  const after = await sender.send(topic, batch('late'));
  assert.equal(after.ok, false);
  assert.equal((after as Extract<ExportResult, { ok: false }>).retriable, false);
});

test('a producer thread that cannot start hands its batches to a producer on the app thread: nothing lost', async () => {
  const topic = await createTestTopic('pt');
  for (const [why, file] of [
    ['missing file', join(tmpdir(), 'no-such-producer-worker.js')],
    ['thread that throws at start', testWorker(`throw new Error('cannot load here');`, false)],
  ] as const) {
    const warnings: string[] = [];
    const sender = new ProducerThread(connection, (m) => warnings.push(m), file);
    try {
      const results = await Promise.all([sender.send(topic, batch(`${why} 1`)), sender.send(topic, batch(`${why} 2`))]);
      assert.deepEqual(results, [{ ok: true }, { ok: true }], why);
      assert.ok(warnings.some((w) => /producer thread.*app's thread/.test(w)), `${why}: ${warnings.join(' | ')}`);
      assert.equal(sender.threadId, undefined);
    } finally {
      await sender.close();
    }
  }
  assert.deepEqual(readTopicKeyValues(topic).sort(), ['k0=missing file 1', 'k0=missing file 2', 'k0=thread that throws at start 1', 'k0=thread that throws at start 2']);
});

test('a producer thread that dies fails its unanswered batch as retriable and the next send starts a new one', async () => {
  const topic = await createTestTopic('pt');
  const crashTopic = `${topic}-crash`;
  // Dies as soon as it is handed a batch for crashTopic, before it can answer.
  const file = testWorker(`require('node:worker_threads').parentPort.on('message', (m) => { if (m.topic === ${JSON.stringify(crashTopic)}) process.exit(3); });`);
  const warnings: string[] = [];
  const sender = new ProducerThread(connection, (m) => warnings.push(m), file);
  try {
    assert.deepEqual(await sender.send(topic, batch('before')), { ok: true });
    const firstThread = sender.threadId;
    const lost = await sender.send(crashTopic, batch('in flight'));
    assert.equal(lost.ok, false);
    assert.equal((lost as Extract<ExportResult, { ok: false }>).retriable, true, 'the pipeline sends it again');
    assert.match((lost as Extract<ExportResult, { ok: false }>).error.message, /producer thread stopped \(exit code 3\)/);
    assert.deepEqual(await sender.send(topic, batch('after')), { ok: true });
    assert.ok(sender.threadId !== undefined && sender.threadId !== firstThread, 'a new thread');
    assert.deepEqual(readTopicKeyValues(topic), ['k0=before', 'k0=after']);
  } finally {
    await sender.close();
  }
});

test('a producer thread that keeps stopping before it answers is not started again: the app thread takes over', async () => {
  const topic = await createTestTopic('pt');
  // Every thread dies on its first batch, before answering.
  const file = testWorker(`require('node:worker_threads').parentPort.on('message', (m) => { if (m.type === 'send') process.exit(4); });`);
  const warnings: string[] = [];
  const sender = new ProducerThread(connection, (m) => warnings.push(m), file);
  try {
    for (const n of [1, 2]) {
      const lost = await sender.send(topic, batch(`lost ${n}`));
      assert.equal((lost as Extract<ExportResult, { ok: false }>).retriable, true, `batch ${n} is failed as retriable`);
    }
    // The third thread stops too; its batch goes to the producer on the app's thread.
    assert.deepEqual(await sender.send(topic, batch('third')), { ok: true });
    assert.equal(sender.threadId, undefined, 'no thread started any more');
    assert.deepEqual(await sender.send(topic, batch('fourth')), { ok: true });
    assert.equal(sender.threadId, undefined);
    assert.ok(warnings.some((w) => /stopped 3 times in a row before answering \(last exit code 4\).*app's thread/.test(w)), warnings.join(' | '));
    assert.deepEqual(readTopicKeyValues(topic), ['k0=third', 'k0=fourth']);
  } finally {
    await sender.close();
  }
});

test('log lines are prepared by the thread when it runs, and by the app thread when it cannot start: nothing lost', async () => {
  const settings = { redaction: undefined, resourceAttributes: { 'service.name': 'producer-thread-test' } };
  const line = (id: string) => ({ logId: id, line: JSON.stringify({ level: 30, msg: id }), level: 30, context: { tenant: 'acme' } });
  for (const [why, file, preparedHere] of [
    ['thread running', REAL_WORKER, false],
    ['missing file', join(tmpdir(), 'no-such-producer-worker.js'), true],
  ] as const) {
    const topic = await createTestTopic('pt-lines');
    const sender = new ProducerThread(connection, () => {}, file, settings);
    const local: string[] = [];
    try {
      // What the exporter's `local` does: prepare and produce on the app thread (here: produce the ids).
      const here = (lines: ReturnType<typeof line>[]) => async () => {
        local.push(...lines.map((l) => l.logId));
        return { ...(await sender.send(topic, lines.map((l) => ({ key: l.logId, value: Buffer.from(l.logId) })))), lines: LINES_NOT_PREPARED };
      };
      const a = [line(`${why} 1`), line(`${why} 2`)];
      const results = await Promise.all([sender.sendLogLines(topic, a, here(a))]);
      assert.deepEqual(results.map((r) => r.ok), [true], why);
    } finally {
      await sender.close();
    }
    assert.deepEqual(local, preparedHere ? [`${why} 1`, `${why} 2`] : [], `${why}: prepared on the app thread`);
    // Either way both records reached Kafka, once.
    const sent = readTopicMessages(topic);
    assert.equal(sent.length, preparedHere ? 2 : 1, `${why}: ${sent.length} messages`);
    const text = sent.map((m) => m.value.toString('latin1')).join('|');
    for (const id of [`${why} 1`, `${why} 2`]) assert.ok(text.includes(id), `${why}: ${id} reached Kafka`);
  }
});
