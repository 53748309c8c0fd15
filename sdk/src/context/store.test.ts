import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { ATTR, UUID_V7_PATTERN } from '../contract';
import { contextAttributes, getContext, withContext } from './store';

test('no context outside withContext', () => {
  assert.equal(getContext(), undefined);
});

test('context follows await, setTimeout, setImmediate and Promise.all', async () => {
  await withContext({ correlationId: 'corr-1', tenant: 'acme' }, async () => {
    await sleep(1);
    assert.equal(getContext()?.correlationId, 'corr-1');
    const fromTimer = await new Promise<string | undefined>((resolve) => setTimeout(() => resolve(getContext()?.correlationId), 1));
    assert.equal(fromTimer, 'corr-1');
    const fromImmediate = await new Promise<string | undefined>((resolve) => setImmediate(() => resolve(getContext()?.tenant)));
    assert.equal(fromImmediate, 'acme');
    const all = await Promise.all([1, 2, 3].map(async (n) => {
      await sleep(n);
      return getContext()?.correlationId;
    }));
    assert.deepEqual(all, ['corr-1', 'corr-1', 'corr-1']);
  });
  assert.equal(getContext(), undefined);
});

test('concurrent contexts do not bleed into each other', async () => {
  const run = (id: string, delay: number) => withContext({ correlationId: id }, async () => {
    await sleep(delay);
    return getContext()?.correlationId;
  });
  assert.deepEqual(await Promise.all([run('a', 5), run('b', 1), run('c', 3)]), ['a', 'b', 'c']);
});

test('nested withContext merges over the outer context and restores it after', () => {
  withContext({ correlationId: 'outer', tenant: 'acme', actor: { id: 'ada', type: 'user' } }, () => {
    withContext({ runId: 'run-1', tenant: undefined, causationId: 'req-9' }, () => {
      assert.deepEqual({ ...getContext() }, {
        correlationId: 'outer', tenant: 'acme', actor: { id: 'ada', type: 'user' }, runId: 'run-1', causationId: 'req-9',
      });
    });
    withContext({ actor: { id: 'svc', type: 'service' } }, () => assert.equal(getContext()?.actor?.id, 'svc'));
    assert.deepEqual({ ...getContext() }, { correlationId: 'outer', tenant: 'acme', actor: { id: 'ada', type: 'user' } });
  });
});

test('a correlation id is generated when none is given', () => {
  const id = withContext({ tenant: 't' }, () => getContext()?.correlationId);
  assert.match(id ?? '', new RegExp(UUID_V7_PATTERN));
});

test('contextAttributes uses the agreed attribute names', () => {
  const attrs = withContext({ correlationId: 'c', tenant: 't', actor: { id: 'u', type: 'api' }, runId: 'r' }, () => contextAttributes());
  assert.deepEqual(attrs, {
    [ATTR.correlationId]: 'c', [ATTR.tenant]: 't', [ATTR.actorId]: 'u', [ATTR.actorType]: 'api', [ATTR.runId]: 'r',
  });
  assert.deepEqual(contextAttributes(), {});
});
