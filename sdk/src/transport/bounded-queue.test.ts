import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedQueue, type DropReason } from './bounded-queue';

interface Item { id: number; high: boolean }

function makeQueue(capacity: number) {
  const drops: Array<{ id: number; reason: DropReason }> = [];
  const q = new BoundedQueue<Item>(capacity, (e) => e.high, (e, reason) => drops.push({ id: e.id, reason }));
  return { q, drops };
}

test('low-priority entries are shed once three quarters of the queue is used', () => {
  const { q, drops } = makeQueue(8);
  for (let i = 0; i < 10; i++) q.offer({ id: i, high: false });
  assert.equal(q.size, 6);
  assert.deepEqual(drops.map((d) => d.id), [6, 7, 8, 9]);
  assert.ok(drops.every((d) => d.reason === 'queue_full'));
});

test('high-priority entries use the reserve, then evict the oldest low-priority entry', () => {
  const { q, drops } = makeQueue(8);
  for (let i = 0; i < 6; i++) q.offer({ id: i, high: false });
  q.offer({ id: 100, high: true });
  q.offer({ id: 101, high: true });
  assert.equal(q.size, 8);
  assert.equal(drops.length, 0);
  q.offer({ id: 102, high: true });
  assert.deepEqual(drops, [{ id: 0, reason: 'evicted' }]);
  assert.deepEqual(q.take(100).map((e) => e.id), [1, 2, 3, 4, 5, 100, 101, 102]);
});

test('a queue full of high-priority entries drops new ones and stays bounded', () => {
  const { q, drops } = makeQueue(4);
  for (let i = 0; i < 6; i++) q.offer({ id: i, high: true });
  assert.equal(q.size, 4);
  assert.deepEqual(drops.map((d) => d.id), [4, 5]);
});

test('take returns the oldest entries and requeue puts failures back in order', () => {
  const { q, drops } = makeQueue(16);
  for (let i = 0; i < 5; i++) q.offer({ id: i, high: false });
  const first = q.take(3);
  assert.deepEqual(first.map((e) => e.id), [0, 1, 2]);
  q.requeue(first, 'export_failed');
  assert.deepEqual(q.take(10).map((e) => e.id), [0, 1, 2, 3, 4]);
  assert.equal(drops.length, 0);
});

test('requeue drops what no longer fits, naming the reason', () => {
  const { q, drops } = makeQueue(4);
  for (let i = 0; i < 3; i++) q.offer({ id: i, high: false });
  q.requeue([{ id: 10, high: false }, { id: 11, high: false }], 'export_failed');
  assert.deepEqual(drops, [{ id: 11, reason: 'export_failed' }]);
  q.clear('shutdown');
  assert.equal(q.size, 0);
  assert.equal(drops.filter((d) => d.reason === 'shutdown').length, 4);
});
