/** The local stack as benchmarks see it: endpoints (HINDSIGHT_STACK_DIR selects a private stack) and topics. */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { loadStackEndpoints, type StackEndpoints } from '../../test/stack/endpoints';
import { kafkaControl } from '../../test/stack/kafka-control';

export { kafkaControl };

export function endpoints(): StackEndpoints {
  return loadStackEndpoints();
}

/** A name no other run uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export function kafkaClient(clientId: string): Kafka {
  return new Kafka({ clientId, brokers: endpoints().kafka.brokers, logLevel: logLevel.NOTHING });
}

/** Creates a fresh topic through the mock's control port (the mock has no CreateTopics API). */
export async function freshTopic(prefix: string, partitions = 4): Promise<string> {
  const topic = uniqueName(prefix);
  await kafkaControl(`create_topic ${topic} ${partitions}`);
  return topic;
}

/**
 * Loads `values` into `topic` in chunks, round-robin over partitions, before anything consumes. Then
 * checks that the broker still holds every message: the mock cluster keeps at most 5 MiB per partition
 * (librdkafka `rdkafka_mock.c`, `mpart->max_size`) and silently drops the oldest message sets beyond
 * that, so a benchmark waiting for all of them would wait forever (40 000 journal events of ~650 B on
 * 4 partitions lost 8 000). Fails loudly instead: use more partitions or fewer messages.
 */
export async function fill(producer: Producer, topic: string, values: readonly Buffer[], partitions = 4): Promise<void> {
  const chunk = 500;
  for (let i = 0; i < values.length; i += chunk) {
    await producer.send({ topic, acks: -1, messages: values.slice(i, i + chunk).map((value, j) => ({ value, partition: (i + j) % partitions })) });
  }
  const admin = kafkaClient('bench-fill-check').admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    const held = offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
    if (held !== values.length) {
      throw new Error(`${topic}: the broker holds ${held} of the ${values.length} messages produced (the mock keeps at most 5 MiB per partition); use more partitions than ${partitions}`);
    }
  } finally {
    await admin.disconnect();
  }
}

/** Partitions needed so that `messages` of `bytes` each stay under the mock's 5 MiB per partition (with headroom). */
export function partitionsFor(messages: number, bytes: number, atLeast = 4): number {
  return Math.max(atLeast, Math.ceil((messages * (bytes + 80)) / (4 * 1024 * 1024)));
}
