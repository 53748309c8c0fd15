// Scenario 10: the operator API (`hindsight-collector api`, a real child process) under hostile use.
// Every non-health endpoint without a token (or with a wrong one) answers 401; a token of tenant A never
// sees tenant B's rows, whatever it asks for; an SQL-injection corpus on every parameter never gets a
// 500, never shows database error text, never leaks B's rows and changes nothing in the database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { createPostgresSink } from '../../collector/src/sinks/postgres/postgres-sink';
import { auditRecord, journalRecord } from '../../collector/src/sinks/postgres/test-database';
import { recordFigures } from './figures';
import { REPO, clickHouseDatabase, createPostgres, createTopics, sleep, uniqueSuffix, waitFor, writeCollectorConfig } from './harness';

const INJECTIONS = [
  "' OR '1'='1",
  "x' OR 1=1--",
  "1; DROP TABLE hindsight.audit_event;--",
  "') UNION SELECT tenant, NULL FROM hindsight.audit_event--",
  "\\'; SELECT pg_sleep(5);--",
  '%27%20OR%201%3D1',
  "$1' || (SELECT current_user) || '",
  '" OR ""="',
  '*',
  '-1',
  '99999999999999999999',
  '2024-01-01T00:00:00Z\' OR \'1\'=\'1',
];
const DB_ERROR_TEXT = /syntax error|relation "|column "|SQLSTATE|invalid input syntax|unterminated|pg_catalog|at character \d|violates|permission denied/i;

test('operator API: 401 without a token, tenant isolation, SQL-injection corpus on every parameter, no database error text', { timeout: 240_000 }, async () => {
  const s = uniqueSuffix();
  const A = `tenant-a-${s}`;
  const B = `tenant-b-${s}`;
  const topics = await createTopics('f10');
  const pg = await createPostgres('f10');
  const ch = clickHouseDatabase('f10');
  const sink = createPostgresSink({ url: pg.writerUrl }, 'postgres');
  const tokenA = `token-a-${s}-0123456789abcdef`;
  const tokenAdmin = `token-admin-${s}-0123456789abcdef`;
  const { path: config } = writeCollectorConfig({ topics, postgresUrl: pg.writerUrl });
  appendFileSync(
    config,
    `api:
  host: 127.0.0.1
  port: 0
  postgres: { readerUrl: ${JSON.stringify(pg.readerUrl)} }
  clickhouse: { url: ${JSON.stringify(ch.url)}, database: ${ch.database} }
  tokens:
    - { name: tenant-a, env: FAULTS_TOKEN_A, tenants: [${A}] }
    - { name: oncall, env: FAULTS_TOKEN_ADMIN, tenants: ['*'], admin: true }
`,
  );
  const child = spawn(process.execPath, ['--conditions=hindsight-source', '--import', 'tsx', 'collector/src/cli/main.ts', 'api', '--config', config], {
    cwd: REPO,
    env: { ...process.env, FAULTS_TOKEN_A: tokenA, FAULTS_TOKEN_ADMIN: tokenAdmin },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let logs = '';
  child.stderr.on('data', (d: Buffer) => (logs += d.toString()));
  child.stdout.on('data', (d: Buffer) => (logs += d.toString()));
  try {
    await sink.start();
    // Each tenant's rows carry a marker no request ever contains: finding B's marker in a response
    // to A's token is a leak of B's data (an error message that echoes the requested name is not).
    const marker = (t: string) => `only-in-rows-of-${t}`;
    const records = [A, B].flatMap((t) => [
      ...Array.from({ length: 5 }, (_, i) => auditRecord(t, i, { correlation_id: `corr-${t}`, details: { marker: marker(t) } })),
      ...Array.from({ length: 3 }, (_, i) => journalRecord(`run-${t}`, i, { tenant: t, correlation_id: `corr-${t}`, summary: marker(t) })),
    ]);
    assert.deepEqual(await sink.write(records), { status: 'written' });
    const before = Number((await pg.admin.query<{ n: string }>('SELECT count(*) AS n FROM hindsight.audit_event')).rows[0]?.n);

    const port = await waitFor('the API to listen', () => {
      if (child.exitCode !== null) throw new Error(`api exited ${child.exitCode}:\n${logs.slice(-3000)}`);
      const m = /"msg":"operator API listening"[^\n]*"port":(\d+)/.exec(logs);
      return m ? Number(m[1]) : undefined;
    }, 60_000);
    const call = async (path: string, token?: string, method = 'GET', body?: unknown) => {
      const headers: Record<string, string> = {};
      if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const r = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
      const text = method === 'GET' && path.startsWith('/api/stream') ? '' : await r.text();
      if (path.startsWith('/api/stream')) await r.body?.cancel().catch(() => undefined);
      return { status: r.status, body: text };
    };

    // 401 on every non-health endpoint without a token or with a wrong one.
    const endpoints: Array<[string, string, unknown?]> = [
      ['GET', '/api/audit'],
      ['GET', '/api/audit/verify'],
      ['GET', '/api/journal'],
      ['GET', `/api/correlations/corr-${A}`],
      ['GET', '/api/runs'],
      ['GET', `/api/runs/run-${A}`],
      ['GET', '/api/stream'],
      ['POST', `/api/runs/run-${A}/pin`, { mode: 'FULL' }],
      ['DELETE', `/api/runs/run-${A}/pin`],
      ['PATCH', `/api/runs/run-${A}`, { description: 'x' }],
    ];
    const not401: string[] = [];
    for (const [method, path, body] of endpoints) {
      for (const token of [undefined, 'wrong-token-0123456789abcdef']) {
        const r = await call(path, token, method, body);
        if (r.status !== 401) not401.push(`${method} ${path} ${token ? 'wrong token' : 'no token'}: ${r.status}`);
      }
    }
    const health = await call('/healthz');

    // Tenant isolation: A's token, asking in every way for B.
    const leaks: string[] = [];
    const isolation = [
      '/api/audit',
      `/api/audit?tenant=${B}`,
      `/api/audit?correlationId=corr-${B}`,
      `/api/journal?tenant=${B}`,
      `/api/journal?runId=run-${B}`,
      `/api/correlations/corr-${B}`,
      `/api/runs/run-${B}`,
      '/api/runs',
      `/api/audit/verify?tenant=${B}`,
    ];
    let ownRows = 0;
    for (const path of isolation) {
      const r = await call(path, tokenA);
      if (r.body.includes(marker(B))) leaks.push(`${path}: ${r.status}`);
      if (path === '/api/audit') ownRows = (r.body.match(new RegExp(marker(A), 'g')) ?? []).length;
    }

    // The injection corpus on every parameter.
    const params: Array<[string, string[]]> = [
      ['/api/audit', ['tenant', 'actor', 'resourceType', 'resourceId', 'action', 'correlationId', 'from', 'to', 'before', 'limit']],
      ['/api/journal', ['tenant', 'scope', 'runId', 'correlationId', 'severity', 'errorsOnly', 'before', 'limit']],
      ['/api/runs', ['tenant', 'tag', 'pinned', 'after', 'limit']],
      ['/api/audit/verify', ['tenant']],
    ];
    const bad: string[] = [];
    let requests = 0;
    for (const payload of INJECTIONS) {
      const enc = encodeURIComponent(payload);
      for (const [path, names] of params) {
        for (const name of names) {
          const r = await call(`${path}?${name}=${enc}`, tokenA);
          requests++;
          if (r.status >= 500 || DB_ERROR_TEXT.test(r.body) || r.body.includes(marker(B))) bad.push(`${path}?${name}=${payload}: ${r.status} ${r.body.slice(0, 160)}`);
        }
      }
      for (const path of [`/api/correlations/${enc}`, `/api/runs/${enc}`]) {
        const r = await call(path, tokenA);
        requests++;
        if (r.status >= 500 || DB_ERROR_TEXT.test(r.body) || r.body.includes(marker(B))) bad.push(`${path}: ${r.status} ${r.body.slice(0, 160)}`);
      }
    }
    await sleep(500);
    const after = Number((await pg.admin.query<{ n: string }>('SELECT count(*) AS n FROM hindsight.audit_event')).rows[0]?.n);
    const tableStill = (await pg.admin.query("SELECT to_regclass('hindsight.audit_event') AS t")).rows[0]?.t !== null;

    const pass = not401.length === 0 && health.status === 200 && leaks.length === 0 && ownRows > 0 && bad.length === 0 && after === before && tableStill;
    recordFigures({
      id: 10,
      scenario: `operator API: ${endpoints.length} endpoints × (no token, wrong token); ${isolation.length} cross-tenant reads; ${requests} injection requests (${INJECTIONS.length} payloads on every parameter)`,
      sent: `${requests + endpoints.length * 2 + isolation.length} requests`,
      acked: '—',
      stored: `${after} audit rows (before ${before})`,
      duplicates: 0,
      lost: before - after,
      criterion: 'every /api endpoint 401 without a valid token, /healthz 200; token A never returns tenant B; no 5xx, no database error text, no change to the data under injection',
      notes: `not 401: ${not401.length}; B's rows leaked: ${leaks.length}${leaks.length ? ` (${leaks.join(', ')})` : ''}; injection failures: ${bad.length}; A's own audit rows seen: ${ownRows}`,
      pass,
    });
    assert.deepEqual(not401, [], 'every non-health endpoint answers 401 without a valid token');
    assert.equal(health.status, 200);
    assert.deepEqual(leaks, [], "tenant A's token never reads tenant B");
    assert.ok(ownRows > 0, "tenant A's token reads A's rows");
    assert.deepEqual(bad.slice(0, 10), [], `${bad.length} injection requests failed`);
    assert.equal(after, before, 'injection changed nothing');
    assert.ok(tableStill);
  } finally {
    child.kill('SIGTERM');
    await sink.shutdown();
    await pg.drop().catch(() => undefined);
  }
});
