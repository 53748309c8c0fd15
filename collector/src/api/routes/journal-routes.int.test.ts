import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createApiTestEnv, type ApiTestEnv } from '../testing/api-test-env';
import { encodeCursor } from '../cursor/keyset-cursor';

// Every row shares one timestamp: only the event_id half of the keyset tells pages apart.
const TS = new Date(Date.now() - 3_600_000).toISOString().replace('Z', '000Z').replace(/\.(\d{3})000Z$/, '.$1123Z');

describe('GET /api/journal (local stack)', () => {
  let env: ApiTestEnv;
  const total = 10_000;

  before(async () => {
    env = await createApiTestEnv('api_journal');
    await env.pg.admin.query(
      `INSERT INTO hindsight.journal_event (event_id, schema_name, schema_version, ts, tenant, service, correlation_id,
         actor_id, actor_type, scope, run_id, kind, severity, summary)
       SELECT gen_random_uuid(), 'hindsight.journal', 1, $1::timestamptz, $2, 'svc', 'corr-' || (g % 10), 'sched', 'system',
              CASE WHEN g % 2 = 0 THEN 'run' ELSE 'job' END, 'run-' || (g % 5), 'step',
              (ARRAY['DEBUG','INFO','WARN','ERROR'])[1 + g % 4], 'row ' || g
       FROM generate_series(1, $3::int) g`,
      [TS, env.tenantA, total],
    );
    // The other tenant's rows share the timestamp and the correlation ids.
    await env.pg.admin.query(
      `INSERT INTO hindsight.journal_event (event_id, schema_name, schema_version, ts, tenant, service, correlation_id,
         actor_id, actor_type, scope, run_id, kind, severity, summary)
       SELECT gen_random_uuid(), 'hindsight.journal', 1, $1::timestamptz, $2, 'svc', 'corr-' || (g % 10), 'sched', 'system',
              'run', 'run-b', 'step', 'ERROR', 'other ' || g
       FROM generate_series(1, 50) g`,
      [TS, env.tenantB],
    );
  });
  after(async () => env?.close());

  const get = (url: string, token: string) => env.app.inject({ method: 'GET', url, headers: env.auth(token) });

  it('pages through 10k rows with equal timestamps without gaps or repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await get(`/api/journal?limit=997${cursor === null ? '' : `&before=${cursor}`}`, env.tokens.readerA);
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json() as { items: { eventId: string; ts: string; tenant: string }[]; nextCursor: string | null };
      for (const item of body.items) {
        assert.equal(item.tenant, env.tenantA);
        assert.equal(item.ts, TS);
        seen.push(item.eventId);
      }
      cursor = body.nextCursor;
      pages++;
    } while (cursor !== null && pages < 100);
    assert.equal(pages, Math.ceil(total / 997));
    assert.equal(new Set(seen).size, total, 'no repeats');
    assert.equal(seen.length, total, 'no gaps');
    const sorted = [...seen].sort().reverse();
    assert.deepEqual(seen, sorted, 'newest first, event_id breaking ties');
    const { rows } = await env.pg.admin.query<{ id: string }>('SELECT event_id::text AS id FROM hindsight.journal_event WHERE tenant = $1', [env.tenantA]);
    assert.deepEqual(new Set(seen), new Set(rows.map((r) => r.id)));
  });

  it('filters by scope, run, correlation, severity and errors-only', async () => {
    const count = async (qs: string): Promise<number> => {
      const res = await get(`/api/journal?limit=1000&${qs}`, env.tokens.readerA);
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json() as { items: { scope: string; runId: string; correlationId: string; severity: string }[]; nextCursor: string | null };
      let n = body.items.length;
      let next = body.nextCursor;
      while (next !== null) {
        const more = (await get(`/api/journal?limit=1000&${qs}&before=${next}`, env.tokens.readerA)).json() as typeof body;
        n += more.items.length;
        next = more.nextCursor;
      }
      return n;
    };
    assert.equal(await count('scope=run'), 5000);
    assert.equal(await count('runId=run-3'), 2000);
    assert.equal(await count('correlationId=corr-7'), 1000);
    assert.equal(await count('severity=ERROR'), 2500);
    assert.equal(await count('severity=WARN&severity=DEBUG'), 5000);
    assert.equal(await count('errorsOnly=true'), 5000);
    assert.equal(await count('errorsOnly=true&severity=WARN&severity=INFO'), 2500);
    assert.equal(await count('scope=run&runId=run-2&severity=WARN'), 500);
  });

  it('never returns another tenant: token scope and ?tenant= both restrict', async () => {
    const b = (await get('/api/journal?limit=1000', env.tokens.readerB)).json() as { items: { tenant: string }[] };
    assert.equal(b.items.length, 50);
    assert.ok(b.items.every((i) => i.tenant === env.tenantB));
    const aAsksB = await get(`/api/journal?tenant=${env.tenantB}`, env.tokens.readerA);
    assert.equal(aAsksB.statusCode, 200);
    assert.deepEqual(aAsksB.json(), { items: [], nextCursor: null });
    const all = (await get(`/api/journal?limit=10&tenant=${env.tenantB}`, env.tokens.adminAll)).json() as { items: { tenant: string }[] };
    assert.equal(all.items.length, 10);
    assert.ok(all.items.every((i) => i.tenant === env.tenantB));
  });

  it('refuses bad input with 400 naming the parameter', async () => {
    const cases: [string, string, RegExp][] = [
      ['/api/journal?limit=0', 'BAD_REQUEST', /limit/],
      ['/api/journal?limit=100000', 'BAD_REQUEST', /limit/],
      ['/api/journal?severity=FATAL', 'BAD_REQUEST', /severity/],
      ['/api/journal?bogus=1', 'BAD_REQUEST', /additional properties/],
      ['/api/journal?before=AAAA', 'INVALID_CURSOR', /before/],
      ['/api/runs/%ZZ', 'BAD_REQUEST', /URL|url|%ZZ/],
      [`/api/journal?before=${encodeCursor('audit', { ts: TS, id: '0190b5a4-6f1e-7c3a-9b2d-4e5f6a7b8c9d' })}`, 'INVALID_CURSOR', /not a journal cursor/],
    ];
    for (const [url, code, message] of cases) {
      const res = await get(url, env.tokens.readerA);
      assert.equal(res.statusCode, 400, url);
      const err = (res.json() as { error: { code: string; message: string } }).error;
      assert.equal(err.code, code, url);
      assert.match(err.message, message, url);
    }
  });

  it('answers 401 without a valid token', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope-nope-nope-nope' }, { authorization: `Basic ${env.tokens.readerA}` }]) {
      const res = await env.app.inject({ method: 'GET', url: '/api/journal', headers });
      assert.equal(res.statusCode, 401);
      assert.equal((res.json() as { error: { code: string } }).error.code, 'UNAUTHENTICATED');
    }
  });
});
