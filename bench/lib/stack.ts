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

/** Loads `values` into `topic` in chunks, round-robin over partitions, before anything consumes. */
export async function fill(producer: Producer, topic: string, values: readonly Buffer[], partitions = 4): Promise<void> {
  const chunk = 500;
  for (let i = 0; i < values.length; i += chunk) {
    await producer.send({ topic, acks: -1, messages: values.slice(i, i + chunk).map((value, j) => ({ value, partition: (i + j) % partitions })) });
  }
}
