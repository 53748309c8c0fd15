import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kafkaControl } from '../stack/kafka-control';
import { loadStackEndpoints } from '../stack/endpoints';
import { eventually, kafkaClient, runProgram, uniqueName } from './smoke-helpers';

describe('mock Kafka round trip', () => {
  it('delivers idempotently produced messages to a consumer group and to kcat', async () => {
    const ep = loadStackEndpoints();
    const topic = uniqueName('smoke.roundtrip');
    await kafkaControl(`create_topic ${topic} 3`);
    const kafka = kafkaClient(ep, 'smoke-round-trip');

    const sent = Array.from({ length: 30 }, (_, i) => ({ key: `k${i % 7}`, value: `message-${i}-${topic}` }));
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const acks = await producer.send({ topic, acks: -1, messages: sent });
      assert.ok(acks.length > 0 && acks.every((a) => a.errorCode === 0), `produce acks: ${JSON.stringify(acks)}`);
    } finally {
      await producer.disconnect();
    }

    const received: string[] = [];
    // A short fetch wait: kafkajs's disconnect waits for the in-flight fetch (5 s by default).
    const consumer = kafka.consumer({ groupId: uniqueName('smoke-group'), maxWaitTimeInMs: 200 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void received.push(`${message.key}=${message.value}`) });
      await eventually('all 30 messages at the consumer group', async () => (received.length >= sent.length ? true : undefined), 20_000);
    } finally {
      await consumer.disconnect();
    }
    const expected = sent.map((m) => `${m.key}=${m.value}`).sort();
    assert.deepEqual([...received].sort(), expected);

    // An independent client (librdkafka's kcat) reads the same bytes from the brokers.
    const kcat = await runProgram('kcat', ['-C', '-b', ep.kafka.brokers.join(','), '-t', topic, '-e', '-q', '-f', '%k=%s\n']);
    assert.deepEqual(kcat.trim().split('\n').sort(), expected);
  });

  it('has the configured topics with their partition counts', async () => {
    const ep = loadStackEndpoints();
    const admin = kafkaClient(ep, 'smoke-topics').admin();
    await admin.connect();
    try {
      const meta = await admin.fetchTopicMetadata({ topics: Object.keys(ep.kafka.topics) });
      const counts = Object.fromEntries(meta.topics.map((t) => [t.name, t.partitions.length]));
      assert.deepEqual(counts, ep.kafka.topics);
      assert.deepEqual(ep.kafka.topics, {
        otlp_spans: 4, otlp_logs: 4, 'hindsight.audit': 4, 'hindsight.journal': 4, 'hindsight.dlq': 2,
      });
    } finally {
      await admin.disconnect();
    }
  });
});
