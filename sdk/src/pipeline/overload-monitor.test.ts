import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OverloadMonitor, type SheddingTransition } from './overload-monitor';

test('one transition when shedding starts and one when it stops', () => {
  const seen: SheddingTransition[] = [];
  const m = new OverloadMonitor((t) => seen.push(t));
  for (let i = 0; i < 100; i++) m.shed();
  assert.deepEqual(seen, [{ state: 'started', shed: 0 }]);
  m.tick(true); // this interval shed: still shedding
  assert.equal(m.isShedding, true);
  m.tick(false); // quiet but queues still full
  assert.equal(m.isShedding, true);
  m.tick(true);
  assert.deepEqual(seen, [{ state: 'started', shed: 0 }, { state: 'stopped', shed: 100 }]);
  m.tick(true);
  assert.equal(seen.length, 2);
  m.shed();
  assert.equal(seen.length, 3);
});
