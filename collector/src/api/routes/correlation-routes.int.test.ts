import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { auditRecord, journalRecord, uniqueId } from '../../sinks/postgres/test-database';
import { createApiTestEnv, type ApiTestEnv } from '../testing/api-test-env';

describe('correlation drilldown, audit list and verify (local stack)', () => {
  let env: ApiTestEnv;
  const corr = uniqueId('corr');
  const trace = 'aa'.repeat(16);
  const t0 = BigInt(Date.now() - 60_000) * 1000n;
  const ts = (dUs: number): string => new Date(Number((t0 + BigInt(dUs)) / 1000n)).toISOString().replace(/\.(\d{3})Z$/, `.$1${String(Number((t0 + BigInt(dUs)) % 1000n)).padStart(3, '0')}Z`);
  let auditId = '';

  before(async () => {
    env = await createApiTestEnv('api_corr');
    const a1 = auditRecord(env.tenantA, 1, { correlation_id: corr, ts: ts(10), causation_id: 'http-req-1', actor: { id: 'alice', type: 'user' } });
    auditId = a1.kind === 'audit' ? a1.event.event_id : '';
    await env.write([
      a1,
      journalRecord('run-1', 2, { tenant: env.tenantA, correlation_id: corr, ts: ts(30), causation_id: auditId, severity: 'WARN' }),
      auditRecord(env.tenantB, 3, { correlation_id: corr, ts: ts(20) }),
      ...Array.from({ length: 5 }, (_, i) => auditRecord(env.tenantA, 10 + i, { actor: { id: i < 3 ? 'bob' : 'carol', type: 'user' } })),
    ]);
    const span = (id: string, parent: string, tenant: string, startUs: number) => ({
      correlation_id: corr, trace_id: trace, span_id: id, parent_span_id: parent,
      start_time: Number((t0 + BigInt(startUs)) / 1_000_000n), start_time_ns: ((t0 + BigInt(startUs)) * 1000n).toString(),
      end_time_ns: ((t0 + BigInt(startUs) + 5000n) * 1000n).toString(), duration_ns: '5000000',
      service: 'billing-api', operation: `op-${id}`, kind: 2, status_code: 0, status_message: '', tenant, run_id: '',
      scope_name: 'test', attributes: '{}', resource: '{}', events: '[]',
    });
    await env.ch.client.insert({
      table: 'spans',
      format: 'JSONEachRow',
      values: [span('1111111111111111', '', env.tenantA, 0), span('2222222222222222', '1111111111111111', env.tenantA, 15), span('3333333333333333', '', env.tenantB, 5)],
    });
    await env.ch.client.insert({
      table: 'logs',
      format: 'JSONEachRow',
      values: [{
        correlation_id: corr, trace_id: trace, span_id: '2222222222222222', log_id: 'log-1',
        time: Number((t0 + 40n) / 1_000_000n), time_ns: ((t0 + 40n) * 1000n).toString(), observed_time_ns: '0',
        severity_number: 17, severity_text: 'ERROR', body: 'payment failed', service: 'billing-api', tenant: env.tenantA,
        run_id: '', attributes: '{}', resource: '{}',
      }],
    });
  });
  after(async () => env?.close());

  const get = (url: string, token: string) => env.app.inject({ method: 'GET', url, headers: env.auth(token) });

  it('returns one ordered timeline of the caller tenant with the causation tree', async () => {
    const res = await get(`/api/correlations/${corr}`, env.tokens.readerA);
    assert.equal(res.statusCode, 200, res.body);
    const tl = res.json() as {
      entries: { kind: string; id: string; tenant: string }[];
      causation: { id: string; kind: string; children: { id: string; kind: string; children: { kind: string }[] }[] }[];
      counts: Record<string, number>;
      clickhouse: string;
    };
    assert.equal(tl.clickhouse, 'ok');
    assert.deepEqual(tl.entries.map((e) => e.kind), ['span', 'audit', 'span', 'journal', 'log']);
    assert.ok(tl.entries.every((e) => e.tenant === env.tenantA));
    assert.deepEqual(tl.counts, { audit: 1, journal: 1, span: 2, log: 1 });
    const ext = tl.causation.find((n) => n.kind === 'external');
    assert.equal(ext?.id, 'http-req-1');
    assert.equal(ext?.children[0]?.id, auditId);
    assert.deepEqual(ext?.children[0]?.children.map((c) => c.kind), ['journal']);
    const root = tl.causation.find((n) => n.kind === 'span');
    assert.deepEqual(root?.children.map((c) => c.id), [`${trace}/2222222222222222`]);

    const other = (await get(`/api/correlations/${corr}`, env.tokens.readerB)).json() as { entries: { tenant: string }[] };
    assert.equal(other.entries.length, 2);
    assert.ok(other.entries.every((e) => e.tenant === env.tenantB));
    const none = (await get(`/api/correlations/${corr}?tenant=${env.tenantB}`, env.tokens.readerA)).json() as { entries: unknown[] };
    assert.equal(none.entries.length, 0);
    assert.equal((await get(`/api/correlations/${corr}`, env.tokens.adminAll)).json().entries.length, 7);
  });

  it('pages audit events by actor, keyset', async () => {
    const p1 = (await get('/api/audit?actor=bob&limit=2', env.tokens.readerA)).json() as { items: { actor: { id: string }; eventId: string }[]; nextCursor: string };
    assert.equal(p1.items.length, 2);
    const p2 = (await get(`/api/audit?actor=bob&limit=2&before=${p1.nextCursor}`, env.tokens.readerA)).json() as { items: { eventId: string }[]; nextCursor: string | null };
    assert.equal(p2.items.length, 1);
    assert.equal(p2.nextCursor, null);
    assert.equal(new Set([...p1.items, ...p2.items].map((i) => i.eventId)).size, 3);
    const byAction = (await get('/api/audit?action=invoice.approve&resourceType=invoice&limit=100', env.tokens.readerA)).json() as { items: unknown[] };
    assert.equal(byAction.items.length, 6);
    const inWindow = (await get(`/api/audit?from=${encodeURIComponent(ts(0))}&to=${encodeURIComponent(ts(11))}`, env.tokens.readerA)).json() as { items: { eventId: string }[] };
    assert.deepEqual(inWindow.items.map((i) => i.eventId), [auditId]);
    assert.equal((await get('/api/audit?actor=bob', env.tokens.readerB)).json().items.length, 0);
  });

  it('verifies the hash chain of the caller tenants only', async () => {
    const a = (await get('/api/audit/verify', env.tokens.readerA)).json() as { ok: boolean; tenants: { tenant: string; checked: number }[] };
    assert.deepEqual(a, { ok: true, tenants: [{ tenant: env.tenantA, checked: 6, head: a.tenants[0] && (a.tenants[0] as { head?: unknown }).head }] });
    assert.deepEqual((await get(`/api/audit/verify?tenant=${env.tenantB}`, env.tokens.readerA)).json(), { ok: true, tenants: [] });
    // Tampering (as superuser, bypassing the append-only trigger) turns the verdict.
    await env.pg.admin.query('ALTER TABLE hindsight.audit_event DISABLE TRIGGER audit_event_no_update_delete');
    await env.pg.admin.query("UPDATE hindsight.audit_event SET resource_id = 'forged' WHERE tenant = $1 AND seq = 2", [env.tenantA]);
    const broken = (await get(`/api/audit/verify?tenant=${env.tenantA}`, env.tokens.readerA)).json() as { ok: boolean; tenants: { firstBrokenSeq: string }[] };
    assert.equal(broken.ok, false);
    assert.equal(broken.tenants[0]?.firstBrokenSeq, '2');
  });
});
