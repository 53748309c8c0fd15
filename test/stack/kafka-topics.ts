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
  return readTopicMessages(topic).map((m) => `${m.key}=${m.value.toString()}`);
}

/** Every message of the topic from the beginning, in offset order per partition, values as bytes. */
export function readTopicMessages(topic: string): Array<{ partition: number; key: string; value: Buffer }> {
  const brokers = loadStackEndpoints().kafka.brokers;
  // One read (two would interleave the partitions differently): a header line with the partition and
  // the key's and value's lengths (-1 for null), then the key's and the value's bytes.
  const raw = execFileSync('kcat', ['-C', '-b', brokers.join(','), '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%p %K %S\n%k%s']);
  const out: Array<{ partition: number; key: string; value: Buffer }> = [];
  for (let i = 0; i < raw.length; ) {
    const eol = raw.indexOf(0x0a, i);
    if (eol < 0) throw new Error(`${topic}: kcat output ends inside a message header at byte ${i}`);
    const [partition, keyLength, valueLength] = raw.subarray(i, eol).toString().split(' ').map(Number) as [number, number, number];
    const keyEnd = eol + 1 + Math.max(keyLength, 0);
    const valueEnd = keyEnd + Math.max(valueLength, 0);
    out.push({ partition, key: raw.subarray(eol + 1, keyEnd).toString(), value: raw.subarray(keyEnd, valueEnd) });
    i = valueEnd;
  }
  return out;
}
