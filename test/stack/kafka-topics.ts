/** Throw-away topics on the stack's mock Kafka for integration tests, and reading them back with kcat. */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadStackEndpoints } from './endpoints';
import { kafkaControl } from './kafka-control';

/** Creates `<prefix>-<random>` with `partitions` partitions and returns its name. */
export async function createTestTopic(prefix: string, partitions = 1): Promise<string> {
  const topic = `${prefix}-${randomBytes(4).toString('hex')}`;
  await kafkaControl(`create_topic ${topic} ${partitions}`);
  return topic;
}

/** Every message of the topic from the beginning, as `key=value` (value as text), in offset order per partition. */
export function readTopicKeyValues(topic: string): string[] {
  const brokers = loadStackEndpoints().kafka.brokers;
  const out = execFileSync('kcat', ['-C', '-b', brokers.join(','), '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%k=%s\n']);
  return out.toString().split('\n').filter((l) => l !== '');
}
