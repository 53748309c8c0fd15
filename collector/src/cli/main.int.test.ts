import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { exampleJournalEvent, newEventId } from '@hindsight/sdk/contract';
import { kafkaControl, stackEndpoints, uniqueName, waitFor } from '../testing/local-stack';

const REPO = resolve(__dirname, '..', '..', '..');

test('SIGTERM to `hindsight-collector run` writes the waiting batch, commits and exits 0', async () => {
  const { brokers } = stackEndpoints().kafka;
  const topic = uniqueName('it-journal');
  const dlq = uniqueName('it-dlq');
  await kafkaControl(`create_topic ${topic} 2`);
  await kafkaControl(`create_topic ${dlq} 1`);
  const prefix = uniqueName('it-cli');
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-cli-'));
  const configPath = join(dir, 'collector.yaml');
  // A batch that never fills, never times out during the test and is not flushed when caught up: only
  // the shutdown can flush it.
  writeFileSync(
    configPath,
    `service: { http: { host: 127.0.0.1, port: 0 }, shutdownTimeoutMs: 10000, logLevel: info }
kafka: { brokers: ${JSON.stringify(brokers)}, groupPrefix: ${prefix}, dlqTopic: ${dlq}, createTopics: false, heartbeatIntervalMs: 500 }
sources: { journal: { topic: ${topic}, kind: journal } }
sinks: { bench: { type: discard, batch: { maxRecords: 100000, maxWaitMs: 60000, flushWhenCaughtUp: false } } }
pipelines: { main: { sources: [journal], sink: bench } }
`,
  );
  const child = spawn(process.execPath, ['--conditions=hindsight-source', '--import', 'tsx', 'collector/src/cli/main.ts', 'run', '--config', configPath], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let logs = '';
  child.stderr.on('data', (d: Buffer) => (logs += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on('exit', (code, signal) => res({ code, signal })));

  const kafka = new Kafka({ clientId: 'cli-int-test', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer();
  await admin.connect();
  await producer.connect();
  try {
    await waitFor('the consumer group to join', () => (logs.includes('joined consumer group') ? true : undefined), 60_000);
    await producer.send({
      topic,
      messages: [0, 1, 2, 3].map((i) => ({ key: `run-${i}`, partition: i % 2, value: JSON.stringify({ ...exampleJournalEvent(), event_id: newEventId() }) })),
    });
    // Consumed but (by design of the batch settings) not yet written: nothing is committed. Wait on
    // the collector's own counter rather than a fixed sleep: on a loaded machine a fixed wait once
    // ended before the fetch, and the stop then had nothing in flight to commit.
    const port = await waitFor('the telemetry port in the logs', () => /"msg":"telemetry server listening"[^\n]*"port":(\d+)/.exec(logs)?.[1]);
    await waitFor('the 4 messages to be consumed', async () => {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`hindsight_consumer_messages_total{topic="${topic}"}`));
      return line !== undefined && Number(line.split(' ').pop()) === 4 ? true : undefined;
    });
    const [before] = await admin.fetchOffsets({ groupId: `${prefix}.bench`, topics: [topic] });
    assert.deepEqual(before?.partitions.map((p) => p.offset).sort(), ['-1', '-1'], 'nothing committed before the stop');

    const started = Date.now();
    child.kill('SIGTERM');
    const { code, signal } = await exited;
    assert.equal(signal, null);
    assert.equal(code, 0, `exit code 0 expected; logs:\n${logs.slice(-3000)}`);
    assert.ok(Date.now() - started < 15_000, 'stopped within the shutdown bound');
    const [after] = await admin.fetchOffsets({ groupId: `${prefix}.bench`, topics: [topic] });
    assert.deepEqual(after?.partitions.map((p) => p.offset).sort(), ['2', '2'], 'the waiting batch was committed on the way out');
    assert.match(logs, /"msg":"stopped"/);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await producer.disconnect();
    await admin.disconnect();
  }
});

test('`run --config` with a bad file exits 78 naming the key path', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-cli-'));
  const configPath = join(dir, 'bad.yaml');
  writeFileSync(configPath, 'kafka: { brokers: ["k:9092"], grupPrefix: x }\nsources: {}\nsinks: {}\npipelines: {}\n');
  const child = spawn(process.execPath, ['--conditions=hindsight-source', '--import', 'tsx', 'collector/src/cli/main.ts', 'run', '--config', configPath], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
  assert.equal(code, 78);
  assert.match(err, /kafka\.grupPrefix: unknown key/);
  assert.match(err, /sources: must NOT have fewer than 1 properties/);
});
