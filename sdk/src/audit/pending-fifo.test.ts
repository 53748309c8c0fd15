import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PendingFifo } from './pending-fifo';

interface Entry {
  id: number;
  settled: boolean;
  deadline: number;
}

const entries = (n: number, deadline = (i: number) => 1000 + i): Entry[] => Array.from({ length: n }, (_, i) => ({ id: i, settled: false, deadline: deadline(i) }));

function settle(list: PendingFifo<Entry>, e: Entry): void {
  e.settled = true;
  list.settledOne();
}

test('size counts unsettled entries, whatever order they settle in', () => {
  const list = new PendingFifo<Entry>();
  const es = entries(5);
  for (const e of es) list.add(e);
  assert.equal(list.size, 5);
  settle(list, es[2] as Entry); // out of order
  settle(list, es[0] as Entry);
  assert.equal(list.size, 3);
  for (const e of [es[1], es[3], es[4]] as Entry[]) settle(list, e);
  assert.equal(list.size, 0);
  assert.deepEqual(list.expired(Infinity, true), []);
});

test('expired returns the unsettled entries due by now, oldest first, skipping settled ones', () => {
  const list = new PendingFifo<Entry>();
  const es = entries(6);
  for (const e of es) list.add(e);
  settle(list, es[1] as Entry);
  assert.deepEqual(
    list.expired(1003, false).map((e) => e.id),
    [0, 2, 3],
  );
  assert.deepEqual(
    list.expired(0, true).map((e) => e.id),
    [0, 2, 3, 4, 5],
  );
  assert.deepEqual(list.expired(999, false), []);
});

test('settled entries leave from the head and the array is compacted (many entries, in order)', () => {
  const list = new PendingFifo<Entry>();
  const es = entries(5000);
  for (const e of es) list.add(e);
  for (const e of es.slice(0, 4000)) settle(list, e);
  assert.equal(list.size, 1000);
  assert.deepEqual(
    list.expired(1000 + 4002, false).map((e) => e.id),
    [4000, 4001, 4002],
  );
  // The array kept only what is still needed.
  assert.ok((list as unknown as { items: Entry[] }).items.length <= 2000);
  const more = entries(10, (i) => 9000 + i);
  for (const e of more) list.add(e);
  for (const e of es.slice(4000)) settle(list, e);
  assert.deepEqual(
    list.expired(9001, false).map((e) => e.id),
    [0, 1],
  );
  assert.equal(list.size, 10);
});
