import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { auditRecord, journalRecord } from '../../sinks/postgres/test-database';
import { createApiTestEnv, type ApiTestEnv } from '../testing/api-test-env';

// Classic SQL injection strings for Postgres and ClickHouse, plus encoding tricks.
const CORPUS = [
  "' OR '1'='1",
  "x' OR 1=1 --",
  "'; DROP TABLE hindsight.audit_event; --",
  '" OR ""="',
  "a') UNION SELECT NULL, version() --",
  "1; SELECT pg_sleep(5)",
  "\\' OR 1=1 --",
  "x\\'; DROP DATABASE default; --",
  "' || (SELECT current_user) || '",
  '%27%20OR%201%3D1',
  "*",
  "acme' AND tenant <> 'acme",
  "{correlation_id:String}",
  "$1",
  "é' OR 'ü'='ü",
];

// Every parameter of every GET endpoint, with a template for where the value goes.
const TARGETS: ((v: string) => string)[] = [
  (v) => `/api/journal?scope=${v}`,
  (v) => `/api/journal?runId=${v}`,
  (v) => `/api/journal?correlationId=${v}`,
  (v) => `/api/journal?tenant=${v}`,
  (v) => `/api/journal?severity=${v}`,
  (v) => `/api/journal?before=${v}`,
  (v) => `/api/journal?limit=${v}`,
  (v) => `/api/journal?errorsOnly=${v}`,
  (v) => `/api/audit?actor=${v}`,
  (v) => `/api/audit?resourceType=${v}`,
  (v) => `/api/audit?resourceId=${v}`,
  (v) => `/api/audit?action=${v}`,
  (v) => `/api/audit?from=${v}`,
  (v) => `/api/audit?to=${v}`,
  (v) => `/api/audit?correlationId=${v}`,
  (v) => `/api/audit?tenant=${v}`,
  (v) => `/api/audit?before=${v}`,
  (v) => `/api/audit/verify?tenant=${v}`,
  (v) => `/api/correlations/${v}`,
  (v) => `/api/correlations/x?tenant=${v}`,
  (v) => `/api/runs?tag=${v}`,
  (v) => `/api/runs?scenario=${v}`,
  (v) => `/api/runs?testPlan=${v}`,
  (v) => `/api/runs?pinned=${v}`,
  (v) => `/api/runs?before=${v}`,
  (v) => `/api/runs/${v}`,
];

const DB_TEXT = /syntax error|relation |column |SQLSTATE|pg_|DB::Exception|ClickHouse|Code: \d+|unterminated|invalid input syntax/i;

describe('SQL injection corpus on every parameter (local stack)', () => {
  let env: ApiTestEnv;
  before(async () => {
    env = await createApiTestEnv('api_inject');
    await env.write([auditRecord(env.tenantA, 1), journalRecord('run-1', 1, { tenant: env.tenantA })]);
  });
  after(async () => env?.close());

  it('answers 400, or 200/404 with no rows, and never a database error text', async () => {
    let checked = 0;
    for (const target of TARGETS) {
      for (const raw of CORPUS) {
        const url = target(encodeURIComponent(raw));
        const res = await env.app.inject({ method: 'GET', url, headers: env.auth(env.tokens.readerA) });
        assert.ok([200, 400, 404].includes(res.statusCode), `${url} → ${res.statusCode} ${res.body}`);
        assert.doesNotMatch(res.body, DB_TEXT, url);
        if (res.statusCode === 200) {
          const body = res.json() as { items?: unknown[]; entries?: unknown[]; tenants?: unknown[] };
          const rows = body.items ?? body.entries ?? body.tenants ?? [];
          assert.equal(rows.length, 0, `${url} returned rows`);
        }
        checked++;
      }
    }
    assert.equal(checked, TARGETS.length * CORPUS.length);
    // The stores are intact afterwards.
    const { rows } = await env.pg.admin.query('SELECT count(*)::int AS n FROM hindsight.audit_event');
    assert.equal(rows[0].n, 1);
  });

  it('keeps hostile values in bodies of admin writes out of SQL too', async () => {
    for (const raw of CORPUS) {
      const res = await env.app.inject({
        method: 'PATCH',
        url: '/api/runs/run-1',
        headers: env.auth(env.tokens.adminA),
        payload: { description: raw, testPlan: raw },
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal((res.json() as { description: string }).description, raw);
    }
  });
});
