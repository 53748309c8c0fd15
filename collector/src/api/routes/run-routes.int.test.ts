import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatTimestampMicros } from '@hindsight/sdk/contract';
import { journalRecord, uniqueId } from '../../sinks/postgres/test-database';
import { createApiTestEnv, type ApiTestEnv } from '../testing/api-test-env';

const DAY_US = 86_400_000_000n;
// Ten days back: old enough for retention (keep_days 3) to drop its partition.
const oldDay = BigInt(Date.now()) * 1000n - 10n * DAY_US;
const partitionOf = (micros: bigint): string => `journal_event_p${formatTimestampMicros(micros).slice(0, 10).replace(/-/g, '')}`;

describe('runs: list, edit, pin, read back after retention (local stack)', () => {
  let env: ApiTestEnv;
  let runA: string;
  let runB: string;

  before(async () => {
    env = await createApiTestEnv('api_runs');
    await env.pg.admin.query('SELECT hindsight.ensure_journal_partitions(0, 12)');
    runA = uniqueId('run-a');
    runB = uniqueId('run-b');
    const severities = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
    await env.write([
      ...Array.from({ length: 8 }, (_, i) =>
        journalRecord(runA, i, { tenant: env.tenantA, ts: formatTimestampMicros(oldDay + BigInt(i)), severity: severities[i % 4], correlation_id: `corr-${runA}` }),
      ),
      journalRecord(runB, 100, { tenant: env.tenantB }),
    ]);
  });
  after(async () => env?.close());

  const req = (method: 'GET' | 'PATCH' | 'POST' | 'DELETE', url: string, token: string, payload?: unknown) =>
    env.app.inject({ method, url, headers: env.auth(token), ...(payload === undefined ? {} : { payload: payload as object }) });

  it('lists the caller tenant runs with counts', async () => {
    const res = await req('GET', '/api/runs', env.tokens.readerA);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as { items: { runId: string; counts: { events: string; warn: string; error: string }; pinned: boolean }[] };
    assert.deepEqual(body.items.map((r) => r.runId), [runA]);
    assert.deepEqual(body.items[0]?.counts, { events: '8', warn: '2', error: '2' });
    assert.equal((await req('GET', `/api/runs/${runB}`, env.tokens.readerA)).statusCode, 404);
    assert.equal((await req('GET', `/api/runs/${runB}`, env.tokens.readerB)).statusCode, 200);
  });

  it('edits metadata with the admin scope only, and only in the admin tenants', async () => {
    const patch = { tags: ['nightly', 'smoke'], testPlan: 'TP-7', description: 'first run' };
    assert.equal((await req('PATCH', `/api/runs/${runA}`, env.tokens.readerA, patch)).statusCode, 403);
    assert.equal((await req('PATCH', `/api/runs/${runB}`, env.tokens.adminA, patch)).statusCode, 404);
    const res = await req('PATCH', `/api/runs/${runA}`, env.tokens.adminA, patch);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual((res.json() as { tags: string[] }).tags, ['nightly', 'smoke']);
    const cleared = (await req('PATCH', `/api/runs/${runA}`, env.tokens.adminA, { description: null })).json() as { testPlan: string; description: string | null };
    assert.equal(cleared.testPlan, 'TP-7');
    assert.equal(cleared.description, null);
    const byTag = (await req('GET', '/api/runs?tag=smoke', env.tokens.readerA)).json() as { items: unknown[] };
    assert.equal(byTag.items.length, 1);
    assert.equal((await req('PATCH', `/api/runs/${runA}`, env.tokens.adminA, { owner: 'x' })).statusCode, 400);
    assert.equal((await req('PATCH', `/api/runs/${runA}`, env.tokens.adminA, {})).statusCode, 400);
  });

  it('pins, survives the drop of its partition through the archive, and unpins', async () => {
    assert.equal((await req('POST', `/api/runs/${runA}/pin`, env.tokens.adminA, { mode: 'EVERYTHING' })).statusCode, 400);
    assert.equal((await req('POST', `/api/runs/${runA}/pin`, env.tokens.readerA, { mode: 'FULL' })).statusCode, 403);
    const pinned = await req('POST', `/api/runs/${runA}/pin`, env.tokens.adminA, { mode: 'FULL', note: 'keep for audit' });
    assert.equal(pinned.statusCode, 200, pinned.body);
    assert.deepEqual((({ pinned: p, pinMode }) => ({ p, pinMode }))(pinned.json() as { pinned: boolean; pinMode: string }), { p: true, pinMode: 'FULL' });

    const before = (await req('GET', `/api/journal?runId=${runA}`, env.tokens.readerA)).json() as { items: { eventId: string; archived: boolean }[] };
    assert.equal(before.items.length, 8);
    assert.ok(before.items.every((i) => !i.archived));

    // The retention job's own drop: archive the pinned rows, then detach and drop the day.
    const part = partitionOf(oldDay);
    const { rows } = await env.pg.admin.query<{ archived: string; dropped: string }>('SELECT * FROM hindsight.retire_journal_partition($1, 3)', [part]);
    assert.deepEqual(rows[0], { archived: '8', dropped: '8' });
    const live = await env.pg.admin.query('SELECT count(*)::int AS n FROM hindsight.journal_event WHERE run_id = $1', [runA]);
    assert.equal(live.rows[0].n, 0);

    const afterDrop = (await req('GET', `/api/journal?runId=${runA}`, env.tokens.readerA)).json() as { items: { eventId: string; archived: boolean }[] };
    assert.deepEqual(afterDrop.items.map((i) => i.eventId), before.items.map((i) => i.eventId));
    assert.ok(afterDrop.items.every((i) => i.archived));
    const timeline = (await req('GET', `/api/correlations/corr-${runA}`, env.tokens.readerA)).json() as { counts: { journal: number } };
    assert.equal(timeline.counts.journal, 8);
    assert.deepEqual((await req('GET', `/api/journal?runId=${runA}`, env.tokens.readerB)).json(), { items: [], nextCursor: null });

    const unpinned = await req('DELETE', `/api/runs/${runA}/pin`, env.tokens.adminA);
    assert.equal(unpinned.statusCode, 200, unpinned.body);
    assert.deepEqual((unpinned.json() as { run: { pinned: boolean }; archivedRowsRemoved: number }).archivedRowsRemoved, 8);
    assert.equal((await req('DELETE', `/api/runs/${runB}/pin`, env.tokens.adminA)).statusCode, 404);
  });
});
