import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { auditRecord, journalRecord, uniqueId } from '../sinks/postgres/test-database';
import { createApiTestEnv, type ApiTestEnv } from './testing/api-test-env';

interface Example { expect: number; method: string; path: string; headers: Record<string, string>; body?: string }

/** Parses the ```http blocks of docs/api.md: `# expect N`, request line, headers, blank line, body. */
function examples(markdown: string): Example[] {
  const out: Example[] = [];
  for (const m of markdown.matchAll(/```http\n([\s\S]*?)```/g)) {
    const lines = (m[1] as string).split('\n');
    const expect = Number(/^# expect (\d{3})$/.exec(lines.shift() ?? '')?.[1]);
    const [method, path] = (lines.shift() ?? '').split(' ');
    const headers: Record<string, string> = {};
    let line: string | undefined;
    while ((line = lines.shift()) !== undefined && line !== '') {
      const i = line.indexOf(':');
      headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
    }
    const body = lines.join('\n').trim();
    out.push({ expect, method: method as string, path: path as string, headers, ...(body === '' ? {} : { body }) });
  }
  return out;
}

describe('docs/api.md examples run against the API (local stack)', () => {
  let env: ApiTestEnv;
  const run = uniqueId('run');
  const correlation = uniqueId('corr');
  before(async () => {
    env = await createApiTestEnv('api_docs');
    await env.write([
      journalRecord(run, 1, { tenant: env.tenantA, correlation_id: correlation, severity: 'ERROR' }),
      auditRecord(env.tenantA, 1, { correlation_id: correlation }),
    ]);
  });
  after(async () => env?.close());

  it('every example answers the documented status', async () => {
    const text = readFileSync(resolve(__dirname, '..', '..', '..', 'docs', 'api.md'), 'utf8');
    const list = examples(text);
    assert.ok(list.length >= 12, `found ${list.length} examples`);
    const fill = (s: string): string =>
      s.replace(/\{\{(\w+)\}\}/g, (_a, k: string) => {
        const v = { reader: env.tokens.readerA, admin: env.tokens.adminA, run, correlation, tenant: env.tenantA }[k];
        if (v === undefined) throw new Error(`unknown placeholder ${k}`);
        return v;
      });
    for (const ex of list) {
      assert.ok(Number.isInteger(ex.expect), `example ${ex.method} ${ex.path} lacks "# expect"`);
      const headers = Object.fromEntries(Object.entries(ex.headers).map(([k, v]) => [k, fill(v)]));
      const res = await env.app.inject({
        method: ex.method as 'GET',
        url: fill(ex.path),
        headers,
        ...(ex.body === undefined ? {} : { payload: fill(ex.body) }),
      });
      assert.equal(res.statusCode, ex.expect, `${ex.method} ${ex.path}: ${res.body}`);
    }
    // The examples did what they say: the pin example then the unpin example ran in order.
    const r = (await env.app.inject({ method: 'GET', url: `/api/runs/${run}`, headers: env.auth(env.tokens.readerA) })).json() as { tags: string[]; pinned: boolean };
    assert.deepEqual(r.tags, ['nightly']);
    assert.equal(r.pinned, false);
  });
});
