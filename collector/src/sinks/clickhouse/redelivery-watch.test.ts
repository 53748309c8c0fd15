import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RedeliveryWatch } from './redelivery-watch';

interface Rec {
  origin: { topic: string; partition: number; offset: string };
  id: string;
}

/**
 * Records of one partition at the given offsets. An offset given twice in a row: two spans of one
 * message, sharing its origin object as decoded records do.
 */
function recs(partition: number, offsets: number[], topic = 't'): Rec[] {
  let origin: Rec['origin'] | undefined;
  return offsets.map((o, i) => {
    if (origin?.offset !== String(o)) origin = { topic, partition, offset: String(o) };
    return { origin, id: `${topic}/${partition}@${o}#${i}` };
  });
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

test('a message read again is in doubt: at the offset of the last write, or behind its first copy in the same batch', () => {
  const watch = new RedeliveryWatch<Rec>();
  const a = recs(0, [1, 2, 2]);
  watch.written(a, watch.inDoubt(a), none);
  // A consumer restarted before offset 2 was committed reads message 2 again, decoded anew.
  const again = recs(0, [2, 2, 3]);
  assert.deepEqual(ids(watch.inDoubt(again)), ids(again));
  // Records taken before the restart still wait in the batch when the same offsets come again.
  const fresh = new RedeliveryWatch<Rec>();
  const first = recs(1, [5]);
  fresh.written(first, fresh.inDoubt(first), none);
  const waitingThenAgain = [...recs(1, [6, 7]), ...recs(1, [6, 7, 8])];
  assert.deepEqual(ids(fresh.inDoubt(waitingThenAgain)), ids(waitingThenAgain.slice(2)));
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

test('after the assignment changed, every partition is in doubt again, and a write judged before records nothing', () => {
  const watch = new RedeliveryWatch<Rec>();
  const a = recs(0, [1, 2]);
  watch.written(a, watch.inDoubt(a), none);
  // Handed to another member and back: its next offset follows on from this sink's last write.
  watch.forget();
  const back = recs(0, [3, 4]);
  assert.deepEqual(ids(watch.inDoubt(back)), ids(back));
  // A write judged before a rebalance and finished after it: its offsets are not taken as known.
  const generation = watch.generation;
  const judged = watch.inDoubt(back);
  watch.forget();
  watch.written(back, judged, none, generation);
  const next = recs(0, [5]);
  assert.deepEqual(ids(watch.inDoubt(next)), ids(next));
});
