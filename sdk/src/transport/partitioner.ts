/**
 * kafkajs's default partitioner (Java-compatible: murmur2 of the key, as the Java client and the
 * OpenTelemetry Collector's Kafka exporter partition), with murmur2 in 32-bit integer arithmetic.
 * kafkajs computes it with a 64-bit `Long` emulation that allocates several objects per 4 key bytes
 * and copies the key into a Buffer first: with one message per trace id that was ~15 % of the CPU the
 * exporter spent on a span. Same partition for every key (tested against kafkajs's own), so spans of a
 * trace still meet on one partition whichever producer sent them.
 */
import { randomBytes } from 'node:crypto';
import type { ICustomPartitioner, PartitionerArgs } from 'kafkajs';

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** Kafka's `Utils.murmur2` of a key (a string as its UTF-8 bytes), as a signed 32-bit int. */
export function murmur2(key: string | Buffer): number {
  let data: string | Buffer = key;
  if (typeof key === 'string') {
    // ASCII keys (hex trace ids, tenants) are read in place; anything else as its UTF-8 bytes.
    for (let i = 0; i < key.length; i++) {
      if (key.charCodeAt(i) > 0x7f) {
        data = Buffer.from(key, 'utf8');
        break;
      }
    }
  }
  const byte = typeof data === 'string' ? (i: number) => (data as string).charCodeAt(i) : (i: number) => (data as Buffer)[i]!;
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = (byte(i4) & 0xff) | ((byte(i4 + 1) & 0xff) << 8) | ((byte(i4 + 2) & 0xff) << 16) | ((byte(i4 + 3) & 0xff) << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const tail = length & ~3;
  const rest = length & 3;
  if (rest === 3) h ^= (byte(tail + 2) & 0xff) << 16;
  if (rest >= 2) h ^= (byte(tail + 1) & 0xff) << 8;
  if (rest >= 1) {
    h ^= byte(tail) & 0xff;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

const toPositive = (x: number): number => x & 0x7fffffff;

/** The partition of `numPartitions` that a message with `key` goes to (kafkajs's default rule for a key). */
export function partitionOfKey(key: string | Buffer, numPartitions: number): number {
  return toPositive(murmur2(key)) % numPartitions;
}

/**
 * kafkajs's `Partitioners.DefaultPartitioner`, rule for rule: an explicit partition wins, a key picks
 * `murmur2(key) % partitions`, no key goes round-robin over the partitions that have a leader.
 */
export const javaCompatiblePartitioner: ICustomPartitioner = () => {
  const counters = new Map<string, number>();
  return ({ topic, partitionMetadata, message }: PartitionerArgs): number => {
    if (message.partition !== null && message.partition !== undefined) return message.partition;
    const numPartitions = partitionMetadata.length;
    if (message.key !== null && message.key !== undefined) return partitionOfKey(message.key, numPartitions);
    const counter = (counters.get(topic) ?? randomBytes(4).readUInt32BE(0)) + 1;
    counters.set(topic, counter);
    const available = partitionMetadata.filter((p) => p.leader >= 0);
    if (available.length > 0) return available[toPositive(counter) % available.length]!.partitionId;
    return toPositive(counter) % numPartitions;
  };
};
