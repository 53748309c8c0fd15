import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConsumerWatchdog, type BehindPartition, type OwnedPosition, type Stall } from './consumer-watchdog';

/** A watchdog on a clock the test moves, asking a broker whose answer the test sets. */
function setup(stallAfterMs = 1000, confirmMs = 200) {
  let now = 0;
  let behind: BehindPartition[] = [];
  let probeError: Error | undefined;
  let duringProbe: (() => void) | undefined;
  const asked: OwnedPosition[][] = [];
  const stalls: Stall[] = [];
  const probeErrors: unknown[] = [];
  const watchdog = new ConsumerWatchdog({
    stallAfterMs,
    confirmMs,
    now: () => now,
    probe: async (owned) => {
      asked.push([...owned]);
      duringProbe?.();
      if (probeError !== undefined) throw probeError;
      return behind;
    },
    onStall: (s) => stalls.push(s),
    onProbeError: (err) => probeErrors.push(err),
  });
  return {
    watchdog,
    stalls,
    asked,
    probeErrors,
    advance: (ms: number) => (now += ms),
    setBehind: (b: BehindPartition[]) => (behind = b),
    failProbe: (err: Error | undefined) => (probeError = err),
    /** Runs `fn` while the broker is being asked (a batch arriving meanwhile, say). */
    whileProbing: (fn: (() => void) | undefined) => (duringProbe = fn),
  };
}

const BEHIND: BehindPartition[] = [{ topic: 't', partition: 0, position: '5', end: '9' }];

test('a consumer silent past the timeout while a partition is behind is reported once confirmed, once per silent period', async () => {
  const f = setup();
  f.watchdog.assigned({ t: [0, 1] });
  f.setBehind(BEHIND);
  f.advance(999);
  assert.equal(await f.watchdog.check(), undefined, 'not silent long enough');
  assert.equal(f.asked.length, 0, 'the broker is not asked before the timeout');
  f.advance(1);
  assert.equal(await f.watchdog.check(), undefined, 'the first finding waits for confirmation');
  f.advance(100);
  assert.equal(await f.watchdog.check(), undefined, 'not confirmed before confirmMs');
  f.advance(100);
  const stall = await f.watchdog.check();
  assert.deepEqual(stall, { silentMs: 1200, behind: BEHIND });
  assert.deepEqual(f.stalls, [stall]);
  f.advance(300);
  assert.equal(await f.watchdog.check(), undefined, 'a new period starts after a report');
  f.advance(1000);
  await f.watchdog.check();
  f.advance(200);
  assert.equal((await f.watchdog.check())?.silentMs, 1500, 'reported again after another whole silent period');
});

test('a partition with no unread messages, a batch in hand, or progress in between is not a stall', async () => {
  const f = setup();
  f.watchdog.assigned({ t: [0] });
  f.advance(5000);
  await f.watchdog.check();
  f.advance(500);
  assert.equal(await f.watchdog.check(), undefined, 'caught up: nothing behind');

  f.setBehind(BEHIND);
  f.watchdog.batchStarted(); // e.g. waiting on a failing sink
  f.advance(5000);
  assert.equal(await f.watchdog.check(), undefined, 'busy with a batch');
  assert.equal(f.asked.length, 2, 'the broker is not asked while a batch is handled');
  f.watchdog.batchEnded('t', 0, 6n);
  f.advance(1000);
  await f.watchdog.check(); // suspected
  f.watchdog.batchStarted();
  f.watchdog.batchEnded('t', 0, 7n); // progress between the finding and its confirmation
  f.advance(1000);
  assert.equal(await f.watchdog.check(), undefined, 'progress after the first finding clears it');
  assert.deepEqual(f.asked.at(-1), [{ topic: 't', partition: 0, position: 7n }], 'the position reached is what the broker is compared with');
  f.whileProbing(() => {
    f.watchdog.batchStarted();
    f.advance(10);
    f.watchdog.batchEnded('t', 0, 8n);
  });
  f.advance(1000);
  assert.equal(await f.watchdog.check(), undefined, 'a batch taken while the broker was asked (after a finding) is progress');
  f.whileProbing(undefined);
  assert.equal(f.stalls.length, 0);
});

test('no join yet, a failed probe, or a new assignment: nothing is reported', async () => {
  const f = setup();
  f.setBehind(BEHIND);
  f.advance(5000);
  assert.equal(await f.watchdog.check(), undefined, 'never joined: nothing to judge');
  assert.equal(f.asked.length, 0, 'the broker is not asked before the first join');
  f.watchdog.assigned({ t: [0] });
  f.advance(5000);
  f.failProbe(new Error('broker unreachable'));
  await f.watchdog.check();
  f.advance(500);
  assert.equal(await f.watchdog.check(), undefined);
  assert.equal(f.probeErrors.length, 2, 'each failed probe is passed on');
  f.failProbe(undefined);
  f.watchdog.batchStarted();
  f.watchdog.batchEnded('t', 0, 6n);
  f.advance(1000);
  await f.watchdog.check(); // suspected
  assert.deepEqual(f.asked.at(-1), [{ topic: 't', partition: 0, position: 6n }]);
  f.watchdog.assigned({ t: [0, 1] }); // a rebalance: positions are unknown again and the clock restarts
  f.advance(500);
  const asked = f.asked.length;
  assert.equal(await f.watchdog.check(), undefined, 'a join is progress');
  assert.equal(f.asked.length, asked);
  f.advance(500);
  await f.watchdog.check();
  assert.deepEqual(
    f.asked.at(-1),
    [
      { topic: 't', partition: 0, position: undefined },
      { topic: 't', partition: 1, position: undefined },
    ],
    'positions from before the join are not reused',
  );
  assert.equal(f.stalls.length, 0, 'the finding before the join is not confirmed after it');
});

test('a consumer that joined with no partitions is stalled only while the group commits nothing where messages wait', async () => {
  const f = setup();
  f.watchdog.assigned({}); // e.g. an assignment lost to two joins at once: the group reads nothing
  f.setBehind([{ topic: 't', partition: 0, position: '5', end: '9' }]);
  f.advance(1000);
  await f.watchdog.check();
  assert.deepEqual(f.asked.at(-1), [], 'with nothing owned the probe judges the topics by the group');
  f.setBehind([{ topic: 't', partition: 0, position: '7', end: '12' }]); // another member committed meanwhile
  f.advance(300);
  assert.equal(await f.watchdog.check(), undefined, 'a committed offset that moved is someone reading');
  f.advance(300);
  assert.deepEqual(await f.watchdog.check(), { silentMs: 1600, behind: [{ topic: 't', partition: 0, position: '7', end: '12' }] }, 'the same offset twice, confirmMs apart, is a stall');
});
