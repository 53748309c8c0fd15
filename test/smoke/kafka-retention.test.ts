import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kafkaControl } from '../stack/kafka-control';
import { loadStackEndpoints } from '../stack/endpoints';
import { kafkaClient, uniqueName } from './smoke-helpers';

// The mock broker as shipped deletes a partition's oldest data past 5 MiB. A collector kept down by a
// fault scenario then found its committed offset deleted and skipped what it had not consumed: acked
// audit events looked lost. The stack builds the broker with a larger retention; this checks it.
describe('mock Kafka retention', () => {
  it('keeps well over 5 MiB in one partition from offset 0', async () => {
    const ep = loadStackEndpoints();
    const topic = uniqueName('smoke.retention');
    await kafkaControl(`create_topic ${topic} 1`);
    const kafka = kafkaClient(ep, 'smoke-retention');
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    const admin = kafka.admin();
    const value = 'x'.repeat(8 * 1024);
    const batches = 12;
    const perBatch = 100; // 12 × 100 × 8 KiB ≈ 9.4 MiB, almost twice the mock's stock limit
    await producer.connect();
    await admin.connect();
    try {
      for (let b = 0; b < batches; b++) {
        await producer.send({ topic, acks: -1, messages: Array.from({ length: perBatch }, (_, i) => ({ key: `k${i}`, value })) });
      }
      const [offsets] = await admin.fetchTopicOffsets(topic);
      assert.equal(offsets?.low, '0', 'the oldest messages are still there');
      assert.equal(offsets?.high, String(batches * perBatch), 'every produced message is there');
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
  });
});
