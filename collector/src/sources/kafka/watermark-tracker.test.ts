import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
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

test('property: the commit point never passes a message received and not done, and reaches the end once all are done', () => {
  // A partition's log (offsets with holes: compaction, transaction markers), fetched in runs that go on
  // from the consumer's position or start again at the commit (a restarted consumer), its messages
  // completed in any order, some twice.
  const op = fc.oneof(
    fc.record({ kind: fc.constant('fetch' as const), again: fc.boolean(), count: fc.integer({ min: 1, max: 6 }) }),
    fc.record({ kind: fc.constant('complete' as const), pick: fc.nat() }),
  );
  const log = fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 30 }).map((steps) => steps.map((_, i) => steps.slice(0, i + 1).reduce((a, b) => a + b, 0)));
  fc.assert(
    fc.property(log, fc.array(op, { maxLength: 40 }), (offsets, ops) => {
      const t = new WatermarkTracker();
      let position = 0; // index in the log of the next message to fetch
      const received: number[] = [];
      const done = new Set<number>();
      let committed: number | undefined;
      const commitPoint = (): number | undefined => {
        const points = t.commitPoints();
        return points.length === 0 ? undefined : Number(points[0]!.offset);
      };
      for (const o of ops) {
        if (o.kind === 'fetch') {
          const from = o.again && committed !== undefined ? offsets.findIndex((x) => x >= committed!) : position;
          if (from < 0) continue;
          for (const offset of offsets.slice(from, from + o.count)) {
            t.receive('a', 0, String(offset));
            if (!received.includes(offset)) received.push(offset);
          }
          position = Math.max(position, Math.min(offsets.length, from + o.count));
        } else if (received.length > 0) {
          const offset = received[o.pick % received.length]!;
          t.complete('a', 0, String(offset));
          done.add(offset);
        }
        const point = commitPoint();
        if (point === undefined) continue;
        // Never past a message received and not done: a crash now would lose it.
        for (const r of received) if (r < point) assert.ok(done.has(r), `commit ${point} passes ${r}, not done`);
        assert.ok(committed === undefined || point >= committed, 'the commit point never moves back');
        committed = point;
        t.markCommitted(t.commitPoints());
      }
      for (const r of received) t.complete('a', 0, String(r));
      if (received.length > 0) assert.equal(commitPoint() ?? committed, Math.max(...received) + 1, 'all done: committed to the end');
    }),
    { numRuns: 500 },
  );
});
