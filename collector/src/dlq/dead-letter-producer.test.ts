import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Producer } from 'kafkajs';
import { HEADERS } from '@hindsight/sdk/contract';
import { PermanentError } from '../errors/hindsight-error';
import { CollectorMetrics } from '../telemetry/collector-metrics';
import { chunkLetters, DeadLetterProducer, DLQ_SEND_MAX_BYTES, type DeadLetter } from './dead-letter-producer';

test('chunkLetters keeps order, bounds each chunk, and sends a letter bigger than the bound alone', () => {
  const w = (bytes: number, id: number) => ({ bytes, id });
  const chunks = chunkLetters([w(300, 1), w(300, 2), w(300, 3), w(2000, 4), w(100, 5), w(100, 6)], 1000);
  assert.deepEqual(chunks.map((c) => c.map((l) => l.id)), [[1, 2, 3], [4], [5, 6]]);
  assert.deepEqual(chunkLetters([], 1000), []);
});

test('a batch of dead letters larger than one request goes in several sends, each under the bound, all in order', async () => {
  const sends: Array<{ count: number; bytes: number; offsets: string[] }> = [];
  const producer = {
    send: async (r: { messages: Array<{ value: Buffer | null; headers: Record<string, string> }> }) => {
      sends.push({
        count: r.messages.length,
        bytes: r.messages.reduce((n, m) => n + (m.value?.length ?? 0), 0),
        offsets: r.messages.map((m) => m.headers[HEADERS.dlqOriginOffset] ?? '?'),
      });
    },
  } as unknown as Producer;
  const dlq = new DeadLetterProducer(producer, 'hindsight.dlq', new CollectorMetrics(undefined, { defaultMetrics: false }));
  // An SDK newer than the collector: every message of a 1 MiB fetch refused as an unknown version.
  const letters: DeadLetter[] = Array.from({ length: 40 }, (_, i) => ({
    topic: 'hindsight.audit', partition: 0, offset: String(i), key: Buffer.from('tenant-a'),
    value: Buffer.alloc(30 * 1024, 120), error: new PermanentError('CONTRACT_UNKNOWN_VERSION', 'schema version 2 is not known'),
  }));
  await dlq.send(letters);
  assert.ok(sends.length > 1, `one send of ${sends[0]?.bytes} bytes`);
  for (const s of sends) assert.ok(s.bytes <= DLQ_SEND_MAX_BYTES, `a send of ${s.bytes} bytes`);
  assert.deepEqual(sends.flatMap((s) => s.offsets), letters.map((l) => l.offset));
});
