import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UUID_V7_PATTERN } from './constants';
import { formatTimestampMicros, newEventId, nowEpochMicros, nowMicros, nowTimestamp, parseTimestampMicros } from './ids';
import { validateAuditEvent } from './validate';
import { exampleAuditEvent } from './examples';

test('event ids are UUIDv7 and sort by creation time', async () => {
  const ids: string[] = [];
  // More ids than one draw of random bytes serves (256), so the order holds across refills too.
  for (let i = 0; i < 1000; i++) ids.push(newEventId());
  await new Promise((r) => setTimeout(r, 3));
  ids.push(newEventId());
  const re = new RegExp(UUID_V7_PATTERN);
  for (const id of ids) assert.match(id, re);
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, ids.length);
  // The first 48 bits are the Unix time in milliseconds.
  const ms = parseInt((ids.at(-1) as string).replace(/-/g, '').slice(0, 12), 16);
  assert.ok(Math.abs(ms - Date.now()) < 5000, `timestamp ${ms} far from now`);
});

test('event ids of one millisecond count up from a random start, and the random tail differs', () => {
  const hex = (id: string) => id.replace(/-/g, '');
  // Ids drawn back to back: most share a millisecond; within one, the 42 bits after the version and
  // variant (counter, then random) must strictly increase.
  const ids = Array.from({ length: 600 }, () => newEventId()).map(hex);
  let sameMs = 0;
  for (let i = 1; i < ids.length; i++) {
    const [a, b] = [ids[i - 1]!, ids[i]!];
    if (a.slice(0, 12) !== b.slice(0, 12)) continue;
    sameMs++;
    assert.ok(b > a, `${b} after ${a}`);
  }
  assert.ok(sameMs > 0, 'no two ids in one millisecond');
  // The last 6 bytes are random for every id (from the pool), not repeated.
  assert.equal(new Set(ids.map((id) => id.slice(-12))).size, ids.length);
});

test('timestamps have exactly six fractional digits and round-trip', () => {
  assert.equal(formatTimestampMicros(1_768_471_200_123_456n), '2026-01-15T10:00:00.123456Z');
  assert.equal(formatTimestampMicros(7n), '1970-01-01T00:00:00.000007Z');
  assert.equal(formatTimestampMicros(-1n), '1969-12-31T23:59:59.999999Z');
  assert.equal(parseTimestampMicros('2026-01-15T10:00:00.123456Z'), 1_768_471_200_123_456n);
  assert.equal(parseTimestampMicros('2026-01-15T10:00:00.123Z'), undefined);
});

test('timestamps of the same second and of the next one are formatted from the right second', () => {
  // The text up to the second is reused within a second: a change of second (or of day) must show.
  const cases: Array<[bigint, string]> = [
    [1_768_471_199_999_999n, '2026-01-15T09:59:59.999999Z'],
    [1_768_471_200_000_000n, '2026-01-15T10:00:00.000000Z'],
    [1_768_471_200_000_001n, '2026-01-15T10:00:00.000001Z'],
    [1_768_471_200_999_000n, '2026-01-15T10:00:00.999000Z'],
    [1_768_471_201_000_000n, '2026-01-15T10:00:01.000000Z'],
    [1_768_521_599_999_999n, '2026-01-15T23:59:59.999999Z'],
    [1_768_521_600_000_000n, '2026-01-16T00:00:00.000000Z'],
    [1_768_471_200_000_001n, '2026-01-15T10:00:00.000001Z'],
    [-1n, '1969-12-31T23:59:59.999999Z'],
    [0n, '1970-01-01T00:00:00.000000Z'],
  ];
  for (const [micros, text] of cases) {
    assert.equal(formatTimestampMicros(micros), text);
    assert.equal(formatTimestampMicros(Number(micros)), text);
  }
});

test('a timestamp given as a number formats exactly as the same instant given as a BigInt', () => {
  const instants = [0n, 7n, 999n, 1000n, 1001n, -1n, -999n, -1000n, -1001n, 1_768_471_200_123_456n, 1_768_471_200_000_009n, 9_007_199_254_740_991n, -62_135_596_800_000_000n];
  for (const micros of instants) {
    assert.equal(formatTimestampMicros(Number(micros)), formatTimestampMicros(micros), `${micros}`);
  }
  // Beyond 2^53 a number is no longer an exact count of microseconds; it is formatted through BigInt.
  assert.equal(formatTimestampMicros(2 ** 54), formatTimestampMicros(2n ** 54n));
});

test('consecutive timestamps strictly increase and stay near the wall clock', () => {
  const seen: string[] = [];
  for (let i = 0; i < 1000; i++) seen.push(nowTimestamp());
  for (let i = 1; i < seen.length; i++) assert.ok((seen[i] as string) > (seen[i - 1] as string), `${seen[i]} after ${seen[i - 1]}`);
  const drift = Number(nowMicros() / 1000n) - Date.now();
  assert.ok(Math.abs(drift) < 50, `drift ${drift} ms`);
  const event = { ...exampleAuditEvent(), ts: nowTimestamp(), event_id: newEventId() };
  assert.equal(validateAuditEvent(event).ok, true);
});

test('nowEpochMicros: exact integers, strictly increasing together with nowMicros, near the wall clock', () => {
  let last = -1;
  for (let i = 0; i < 2000; i++) {
    const n = i % 2 === 0 ? nowEpochMicros() : Number(nowMicros());
    assert.ok(Number.isSafeInteger(n), `${n} is not an exact integer`);
    assert.ok(n > last, `${n} after ${last}`);
    last = n;
  }
  assert.ok(Math.abs(nowEpochMicros() / 1000 - Date.now()) < 50);
  assert.equal(formatTimestampMicros(1_768_471_200_123_456), '2026-01-15T10:00:00.123456Z');
});
