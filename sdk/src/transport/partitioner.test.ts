// The exporter's partitioner must put every key on the partition kafkajs's (Java-compatible) default
// partitioner picks: spans of one trace meet on one partition whichever producer sent them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { javaCompatiblePartitioner, murmur2 } from './partitioner';
// kafkajs's own murmur2 (64-bit Long emulation), the reference.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const referenceMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (key: string | Buffer) => number;

function keys(): Array<string | Buffer> {
  const out: Array<string | Buffer> = ['', 'a', 'ab', 'abc', 'abcd', 'acme', 'tenant-ä', '日本語のキー', '\u{1F600}x'];
  for (let i = 0; i < 500; i++) out.push(randomBytes(16).toString('hex')); // trace ids
  for (let i = 0; i < 300; i++) out.push(randomBytes(randomInt(0, 41)));
  for (let i = 0; i < 300; i++) out.push(String.fromCodePoint(...Array.from({ length: randomInt(0, 20) }, () => randomInt(1, 0x2ffff))).replace(/[\ud800-\udfff]/g, 'x'));
  return out;
}

test('murmur2 equals kafkajs murmur2 (Java Utils.murmur2) for ASCII, UTF-8 and binary keys', () => {
  for (const key of keys()) assert.equal(murmur2(key), referenceMurmur2(key), `key ${JSON.stringify(key.toString())}`);
});

test('keyed messages land on the partition kafkajs default partitioner picks', () => {
  const ours = javaCompatiblePartitioner();
  const reference = Partitioners.DefaultPartitioner();
  for (const n of [1, 2, 3, 4, 7, 12]) {
    const partitionMetadata: PartitionMetadata[] = Array.from({ length: n }, (_, i) => ({ partitionId: i, leader: i % 3, replicas: [], isr: [], partitionErrorCode: 0 }));
    for (const key of keys()) {
      const args = { topic: 't', partitionMetadata, message: { key, value: 'v' } };
      assert.equal(ours(args), reference(args));
    }
  }
});

test('an explicit partition wins; keyless messages go round-robin over partitions with a leader', () => {
  const p = javaCompatiblePartitioner();
  const partitionMetadata: PartitionMetadata[] = [0, 1, 2, 3].map((i) => ({ partitionId: i, leader: i === 2 ? -1 : 0, replicas: [], isr: [], partitionErrorCode: 0 }));
  assert.equal(p({ topic: 't', partitionMetadata, message: { key: 'k', partition: 3, value: 'v' } }), 3);
  const seen = new Set<number>();
  for (let i = 0; i < 30; i++) seen.add(p({ topic: 't', partitionMetadata, message: { value: 'v' } }));
  assert.deepEqual([...seen].sort(), [0, 1, 3]);
});
