import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RedeliveryWatch } from './redelivery-watch';

interface Rec {
  origin: { topic: string; partition: number; offset: string };
  id: string;
}

/** Records of one partition at the given offsets (an offset given twice: two spans of one message). */
function recs(partition: number, offsets: number[], topic = 't'): Rec[] {
  return offsets.map((o, i) => ({ origin: { topic, partition, offset: String(o) }, id: `${topic}/${partition}@${o}#${i}` }));
}

const ids = (rs: Rec[]) => rs.map((r) => r.id);
const none = new Set<Rec>();

test('a partition is in doubt at its first records; a write that finds none of them stored ends the doubt', () => {
  const watch = new RedeliveryWatch<Rec>();
  const first = [...recs(0, [10, 10, 11]), ...recs(1, [5])];
  assert.deepEqual(ids(watch.inDoubt(first)), ids(first));
  watch.written(first, watch.inDoubt(first), none);
  const next = [...recs(0, [12, 13]), ...recs(1, [6, 6])];
  assert.deepEqual(watch.inDoubt(next), [], 'offsets that follow on are not looked up');
});

test('offsets that go back (consumed again after a consumer restart) or jump ahead (another member consumed them) put the partition in doubt from there', () => {
  const watch = new RedeliveryWatch<Rec>();
  const a = recs(0, [1, 2, 3]);
  watch.written(a, watch.inDoubt(a), none);
  const back = recs(0, [2, 3, 4]);
  assert.deepEqual(ids(watch.inDoubt(back)), ids(back));
  const ahead = recs(0, [9, 10]);
  assert.deepEqual(ids(watch.inDoubt(ahead)), ids(ahead));
  // A jump inside a batch: the records before it follow on and are not in doubt.
  const mixed = recs(0, [4, 5, 8, 9]);
  assert.deepEqual(ids(watch.inDoubt(mixed)), ids(mixed.slice(2)));
  // Other partitions and topics are judged on their own.
  const other = [...recs(0, [4]), ...recs(0, [0], 'u')];
  assert.deepEqual(ids(watch.inDoubt(other)), ids(other.slice(1)));
});

test('a partition stays in doubt while writes find some of its records stored, and only that partition', () => {
  const watch = new RedeliveryWatch<Rec>();
  const first = [...recs(0, [1, 2]), ...recs(1, [1, 2])];
  const doubtful = watch.inDoubt(first);
  watch.written(first, doubtful, new Set([first[0]!]));
  const second = [...recs(0, [3]), ...recs(1, [3])];
  assert.deepEqual(ids(watch.inDoubt(second)), ids(second.slice(0, 1)), 'partition 0 had a stored record: its next write is looked up too');
  watch.written(second, watch.inDoubt(second), none);
  const third = [...recs(0, [4]), ...recs(1, [4])];
  assert.deepEqual(watch.inDoubt(third), [], 'a write that found nothing stored ends the doubt');
});

test('a write that did not happen changes nothing: its retry is judged the same', () => {
  const watch = new RedeliveryWatch<Rec>();
  const a = recs(0, [1]);
  watch.written(a, watch.inDoubt(a), none);
  const b = recs(0, [2, 3]);
  assert.deepEqual(watch.inDoubt(b), []);
  // inDoubt alone (a write that failed and is retried) does not move the offsets on.
  assert.deepEqual(watch.inDoubt(b), []);
  watch.written(b, [], none);
  assert.deepEqual(ids(watch.inDoubt(b)), ids(b), 'written twice: the same offsets again are a redelivery');
});
