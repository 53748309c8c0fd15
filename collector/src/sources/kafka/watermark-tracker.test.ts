import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WatermarkTracker } from './watermark-tracker';

function receiveAll(t: WatermarkTracker, topic: string, partition: number, offsets: number[]): void {
  for (const o of offsets) t.receive(topic, partition, String(o));
}

test('out-of-order completion commits only the contiguous prefix', () => {
  const t = new WatermarkTracker();
  receiveAll(t, 'a', 0, [10, 11, 12, 13]);
  t.complete('a', 0, '12');
  t.complete('a', 0, '13');
  assert.deepEqual(t.commitPoints(), [], 'nothing is committable while 10 and 11 are pending');
  t.complete('a', 0, '10');
  assert.deepEqual(t.commitPoints(), [{ topic: 'a', partition: 0, offset: '11' }]);
  t.complete('a', 0, '11');
  assert.deepEqual(t.commitPoints(), [{ topic: 'a', partition: 0, offset: '14' }]);
});

test('holes in the offset numbering do not block the watermark', () => {
  const t = new WatermarkTracker();
  // 6 and 7 are never delivered (e.g. transaction markers or compacted away).
  receiveAll(t, 'a', 1, [5, 8, 9]);
  t.complete('a', 1, '5');
  t.complete('a', 1, '8');
  assert.deepEqual(t.commitPoints(), [{ topic: 'a', partition: 1, offset: '9' }]);
});

test('a failed message in the middle holds back everything after it', () => {
  const t = new WatermarkTracker();
  receiveAll(t, 'a', 0, [0, 1, 2]);
  t.complete('a', 0, '0');
  t.complete('a', 0, '2');
  assert.deepEqual(t.commitPoints(), [{ topic: 'a', partition: 0, offset: '1' }]);
  assert.equal(t.pending(), 2);
});

test('dead-lettered offsets count as done', () => {
  const t = new WatermarkTracker();
  receiveAll(t, 'a', 0, [0, 1, 2]);
  t.complete('a', 0, '1'); // sent to the DLQ before the others were written
  t.complete('a', 0, '0');
  t.complete('a', 0, '2');
  assert.deepEqual(t.commitPoints(), [{ topic: 'a', partition: 0, offset: '3' }]);
});

test('markCommitted suppresses repeats until the watermark moves again', () => {
  const t = new WatermarkTracker();
  receiveAll(t, 'a', 0, [0, 1]);
  t.complete('a', 0, '0');
  const points = t.commitPoints();
  t.markCommitted(points);
  assert.deepEqual(t.commitPoints(), []);
  t.complete('a', 0, '1');
  assert.deepEqual(t.commitPoints(), [{ topic: 'a', partition: 0, offset: '2' }]);
});

test('revoked partitions are never committed, even when late completions arrive', () => {
  const t = new WatermarkTracker();
  receiveAll(t, 'a', 0, [0, 1]);
  receiveAll(t, 'a', 1, [0]);
  const dropped = t.retainOnly({ a: [1] });
  assert.deepEqual(dropped, [{ topic: 'a', partition: 0 }]);
  t.complete('a', 0, '0');
  t.complete('a', 0, '1');
  t.complete('a', 1, '0');
  assert.deepEqual(t.commitPoints(), [{ topic: 'a', partition: 1, offset: '1' }]);
});

test('offsets beyond 2^53 keep their precision', () => {
  const t = new WatermarkTracker();
  t.receive('a', 0, '9007199254740993');
  t.complete('a', 0, '9007199254740993');
  assert.deepEqual(t.commitPoints(), [{ topic: 'a', partition: 0, offset: '9007199254740994' }]);
});

test('redelivered offsets already passed are ignored', () => {
  const t = new WatermarkTracker();
  receiveAll(t, 'a', 0, [0, 1]);
  t.complete('a', 0, '0');
  t.complete('a', 0, '1');
  t.receive('a', 0, '1');
  assert.equal(t.pending(), 0);
  assert.deepEqual(t.commitPoints(), [{ topic: 'a', partition: 0, offset: '2' }]);
});
