import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OffsetGapDetector, type OffsetGap } from './offset-gap-detector';

function receiveAll(d: OffsetGapDetector, topic: string, partition: number, offsets: number[]): OffsetGap[] {
  const gaps: OffsetGap[] = [];
  for (const o of offsets) {
    const g = d.receive(topic, partition, String(o));
    if (g !== undefined) gaps.push(g);
  }
  return gaps;
}

/** Assigns `owned` and answers every new partition with the committed offsets in `committed`. */
function assignWith(d: OffsetGapDetector, owned: Record<string, number[]>, committed: Record<string, string>): void {
  for (const a of d.assign(owned)) d.expect(a.topic, a.partition, a.epoch, committed[`${a.topic}/${a.partition}`] ?? '-1');
}

test('first message at the committed offset is no gap', () => {
  const d = new OffsetGapDetector();
  assignWith(d, { a: [0] }, { 'a/0': '100' });
  assert.deepEqual(receiveAll(d, 'a', 0, [100, 101, 102]), []);
  assert.equal(d.position('a', 0), '103');
});

test('first message past the committed offset is a gap of first − expected', () => {
  const d = new OffsetGapDetector();
  assignWith(d, { a: [0, 1] }, { 'a/0': '100', 'a/1': '7' });
  assert.deepEqual(receiveAll(d, 'a', 0, [250, 251]), [{ topic: 'a', partition: 0, expected: '100', first: '250', skipped: 150n }]);
  assert.deepEqual(receiveAll(d, 'a', 1, [7, 8]), [], 'the other partition is unaffected');
});

test('a committed offset of -1 (no commit yet) is no gap, wherever the consumer starts', () => {
  const d = new OffsetGapDetector();
  assignWith(d, { a: [0] }, { 'a/0': '-1' });
  assert.deepEqual(receiveAll(d, 'a', 0, [5000, 5001]), []);
  assert.equal(d.position('a', 0), '5002', 'the first message sets the position');
});

test('an unknown committed offset (could not be read) sets no expectation', () => {
  const d = new OffsetGapDetector();
  d.assign({ a: [0] }); // expect() never called
  assert.deepEqual(receiveAll(d, 'a', 0, [42, 43]), []);
  assert.deepEqual(receiveAll(d, 'a', 0, [50]), [{ topic: 'a', partition: 0, expected: '44', first: '50', skipped: 6n }]);
});

test('first message below the committed offset (re-read after a reset to earliest) is no gap', () => {
  const d = new OffsetGapDetector();
  assignWith(d, { a: [0] }, { 'a/0': '100' });
  assert.deepEqual(receiveAll(d, 'a', 0, [0, 1, 2]), []);
  assert.equal(d.position('a', 0), '100', 'the position does not go back');
  assert.deepEqual(receiveAll(d, 'a', 0, [99, 100, 101]), []);
});

test('a jump in the middle of an assignment (a reset while consuming) is a gap', () => {
  const d = new OffsetGapDetector();
  assignWith(d, { a: [0] }, { 'a/0': '0' });
  assert.deepEqual(receiveAll(d, 'a', 0, [0, 1, 2, 10, 11, 20]), [
    { topic: 'a', partition: 0, expected: '3', first: '10', skipped: 7n },
    { topic: 'a', partition: 0, expected: '12', first: '20', skipped: 8n },
  ]);
});

test('redelivery of a batch already received (a retried fetch) is no gap', () => {
  const d = new OffsetGapDetector();
  assignWith(d, { a: [0] }, { 'a/0': '0' });
  assert.deepEqual(receiveAll(d, 'a', 0, [0, 1, 2, 3, 1, 2, 3, 4]), []);
});

test('a partition kept across a rebalance keeps its position: resuming at an older commit is no gap', () => {
  const d = new OffsetGapDetector();
  assignWith(d, { a: [0, 1] }, { 'a/0': '0', 'a/1': '0' });
  receiveAll(d, 'a', 0, [0, 1, 2, 3, 4]);
  assert.deepEqual(d.assign({ a: [0] }), [], 'a/0 is kept, nothing new to read');
  assert.deepEqual(receiveAll(d, 'a', 0, [2, 3, 4, 5]), [], 'kafkajs resumes at the committed 2');
  assert.deepEqual(receiveAll(d, 'a', 0, [9]), [{ topic: 'a', partition: 0, expected: '6', first: '9', skipped: 3n }]);
});

test('a revoked partition is forgotten: messages of it are ignored, and a reassignment reads the commit again', () => {
  const d = new OffsetGapDetector();
  assignWith(d, { a: [0, 1] }, { 'a/0': '0', 'a/1': '0' });
  receiveAll(d, 'a', 1, [0, 1, 2]);
  d.assign({ a: [0] });
  assert.equal(d.receive('a', 1, '500'), undefined, 'not assigned: ignored');
  assert.equal(d.position('a', 1), undefined);
  // Another member consumed a/1 up to 300 and committed; the partition comes back.
  assignWith(d, { a: [0, 1] }, { 'a/1': '300' });
  assert.deepEqual(receiveAll(d, 'a', 1, [300, 301]), [], 'the old position (3) is not used');
  d.revoke('a', 1);
  assert.equal(d.position('a', 1), undefined);
});

test('an answer for an older assignment of the partition is ignored', () => {
  const d = new OffsetGapDetector();
  const [first] = d.assign({ a: [0] });
  d.assign({}); // revoked before the committed offset came back
  const [second] = d.assign({ a: [0] });
  assert.notEqual(first!.epoch, second!.epoch);
  d.expect('a', 0, first!.epoch, '10'); // stale: from before the revocation
  assert.equal(d.position('a', 0), undefined);
  d.expect('a', 0, second!.epoch, '40');
  assert.deepEqual(receiveAll(d, 'a', 0, [40]), []);
});

test('a committed offset arriving after the first message does not move the position', () => {
  const d = new OffsetGapDetector();
  const [a] = d.assign({ a: [0] });
  receiveAll(d, 'a', 0, [10]);
  d.expect('a', 0, a!.epoch, '5');
  assert.equal(d.position('a', 0), '11');
});

test('offsets beyond 2^53 keep their precision', () => {
  const d = new OffsetGapDetector();
  assignWith(d, { a: [0] }, { 'a/0': '9007199254740993' });
  assert.deepEqual(d.receive('a', 0, '9007199254740995'), {
    topic: 'a',
    partition: 0,
    expected: '9007199254740993',
    first: '9007199254740995',
    skipped: 2n,
  });
});
