import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExportBatch, ExportResult, Exporter } from '../exporter/exporter';
import { Lane } from './lane';

function recordingExporter(delayMs = 0): Exporter & { batches: number[] } {
  const batches: number[] = [];
  return {
    batches,
    async export(batch: ExportBatch): Promise<ExportResult> {
      batches.push(batch.items.length);
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      return { ok: true };
    },
    async forceFlush() {},
    async shutdown() {},
  };
}

function auditLikeLane(exporter: Exporter, lingerMs: number): Lane<number, number> {
  return new Lane<number, number>(
    {
      kind: 'journal',
      capacity: 1000,
      maxBatchSize: 100,
      isHighPriority: () => true,
      levelOf: () => 'INFO',
      prepare: (n) => n,
      onDrop: () => {},
      onFailure: (e) => assert.fail(e),
      lingerMs,
    },
    exporter,
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a linger lane sends what was recorded within lingerMs in one request', async () => {
  const exporter = recordingExporter();
  const lane = auditLikeLane(exporter, 20);
  for (let i = 0; i < 10; i++) {
    lane.queue.offer(i);
    lane.requestFlush();
  }
  assert.deepEqual(exporter.batches, []);
  await sleep(60);
  assert.deepEqual(exporter.batches, [10]);
  assert.equal(lane.pending, 0);
});

test('entries recorded during a send follow in the next request without waiting for the timer', async () => {
  const exporter = recordingExporter(30);
  const lane = auditLikeLane(exporter, 0);
  lane.queue.offer(1);
  lane.requestFlush();
  await sleep(10); // first request in flight
  for (let i = 0; i < 5; i++) {
    lane.queue.offer(i);
    lane.requestFlush();
  }
  await sleep(120);
  assert.deepEqual(exporter.batches, [1, 5]);
  assert.equal(lane.pending, 0);
});

test('a lane without linger ignores requestFlush (it waits for a full batch or the timer)', async () => {
  const exporter = recordingExporter();
  const lane = new Lane<number, number>(
    { kind: 'logs', capacity: 10, maxBatchSize: 10, isHighPriority: () => false, levelOf: () => 'INFO', prepare: (n) => n, onDrop: () => {}, onFailure: () => {} },
    exporter as Exporter,
  );
  lane.queue.offer(1);
  lane.requestFlush();
  await sleep(20);
  assert.deepEqual(exporter.batches, []);
  await lane.flushOnce();
  assert.deepEqual(exporter.batches, [1]);
});
