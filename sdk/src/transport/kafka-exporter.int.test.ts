// The exporter on the local stack's mock Kafka with each producer placement: `kafka.producerThread`
// true (the default) produces from a thread of its own, false from the app's thread; both deliver.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { threadId as appThreadId } from 'node:worker_threads';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { loadStackEndpoints } from '../../../test/stack/endpoints';
import { createTestTopic, readTopicKeyValues } from '../../../test/stack/kafka-topics';
import type { JournalEvent } from '../contract';
import { Diagnostics } from '../diagnostics/diagnostics';
import { resolveOptions } from '../options/resolve';
import { KafkaExporter } from './kafka-exporter';

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
