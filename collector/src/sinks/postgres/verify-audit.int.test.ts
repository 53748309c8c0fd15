import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { createPostgresSink, type PostgresSink } from './postgres-sink';
import { auditRecord, createTestDatabase, uniqueId, type TestDatabase } from './test-database';
import { verifyAudit } from './verify-audit';

const execFileAsync = promisify(execFile);
const REPO = resolve(__dirname, '..', '..', '..', '..');

describe('audit hash chain under concurrency and tampering', () => {
  let db: TestDatabase;
  let sinks: PostgresSink[];
  before(async () => {
    db = await createTestDatabase('chain');
    sinks = [createPostgresSink({ url: db.writerUrl }, 'a'), createPostgresSink({ url: db.writerUrl }, 'b')];
    await Promise.all(sinks.map((s) => s.start()));
  });
  after(async () => {
    await Promise.all((sinks ?? []).map((s) => s.shutdown()));
    await db?.drop();
  });

  /** Writes `n` events for `tenant` in one batch and returns their ids in order. */
  async function writeChain(tenant: string, n: number): Promise<void> {
    const result = await sinks[0]!.write(Array.from({ length: n }, (_, i) => auditRecord(tenant, i + 1)));
    assert.deepEqual(result, { status: 'written' });
  }

  /** Changes audit rows as a superuser would, bypassing the append-only triggers. */
  async function tamper(...statements: Array<[string, unknown[]]>): Promise<void> {
    await db.admin.query('BEGIN');
    await db.admin.query('SET LOCAL session_replication_role = replica');
    for (const [sql, params] of statements) await db.admin.query(sql, params);
    await db.admin.query('COMMIT');
  }

  it('two sink instances writing interleaved batches for the same tenants keep every chain valid', async () => {
    const t1 = uniqueId('t');
    const t2 = uniqueId('t');
    // each instance writes batches mixing both tenants, in opposite orders, so both lock both tenants
    const run = async (sink: PostgresSink, first: string, second: string) => {
      for (let b = 0; b < 8; b++) {
        const batch = Array.from({ length: 6 }, (_, i) => auditRecord(i % 2 === 0 ? first : second, b * 10 + i));
        assert.deepEqual(await sink.write(batch), { status: 'written' });
      }
    };
    await Promise.all([run(sinks[0]!, t1, t2), run(sinks[1]!, t2, t1)]);
    for (const tenant of [t1, t2]) {
      const { rows } = await db.admin.query('SELECT seq::int FROM hindsight.audit_event WHERE tenant = $1 ORDER BY seq', [tenant]);
      assert.deepEqual(rows.map((r: { seq: number }) => r.seq), Array.from({ length: 48 }, (_, i) => i + 1), tenant);
    }
    const verdict = await verifyAudit({ connectionString: db.readerUrl, pageSize: 7 });
    for (const tenant of [t1, t2]) {
      const v = verdict.tenants.find((t) => t.tenant === tenant);
      assert.equal(v?.checked, 48, v?.reason);
      assert.equal(v?.firstBrokenSeq, undefined);
      assert.equal(v?.head?.seq, '48');
    }
  });

  it('an edited row is named by its seq', async () => {
    const tenant = uniqueId('edit');
    await writeChain(tenant, 5);
    await tamper([`UPDATE hindsight.audit_event SET details = '{"amount": 1}' WHERE tenant = $1 AND seq = 3`, [tenant]]);
    const v = await verifyAudit({ connectionString: db.readerUrl, tenant, pageSize: 2 });
    assert.equal(v.ok, false);
    assert.equal(v.tenants[0]?.firstBrokenSeq, '3');
    assert.equal(v.tenants[0]?.checked, 2);
    assert.match(v.tenants[0]?.reason ?? '', /content does not match/);
  });

  it('an edited row whose hash was recomputed is found at the next row', async () => {
    const tenant = uniqueId('rehash');
    await writeChain(tenant, 4);
    await tamper([
      `UPDATE hindsight.audit_event SET outcome = 'denied', hash = sha256(hash) WHERE tenant = $1 AND seq = 2`, [tenant],
    ]);
    const v = await verifyAudit({ connectionString: db.readerUrl, tenant });
    // seq 2's own hash no longer matches either; the point is that no edit goes unnoticed
    assert.equal(v.tenants[0]?.firstBrokenSeq, '2');
  });

  it('a deleted row shows as the missing seq', async () => {
    const tenant = uniqueId('del');
    await writeChain(tenant, 5);
    await tamper(['DELETE FROM hindsight.audit_event WHERE tenant = $1 AND seq = 2', [tenant]]);
    const v = await verifyAudit({ connectionString: db.readerUrl, tenant });
    assert.equal(v.tenants[0]?.firstBrokenSeq, '2');
    assert.match(v.tenants[0]?.reason ?? '', /seq 2 is missing/);
  });

  it('two rows that swapped seq are found at the first of them', async () => {
    const tenant = uniqueId('swap');
    await writeChain(tenant, 6);
    await tamper(
      ['UPDATE hindsight.audit_event SET seq = 1000000 WHERE tenant = $1 AND seq = 4', [tenant]],
      ['UPDATE hindsight.audit_event SET seq = 4 WHERE tenant = $1 AND seq = 5', [tenant]],
      ['UPDATE hindsight.audit_event SET seq = 5 WHERE tenant = $1 AND seq = 1000000', [tenant]],
    );
    const v = await verifyAudit({ connectionString: db.readerUrl, tenant });
    assert.equal(v.tenants[0]?.firstBrokenSeq, '4');
    assert.equal(v.tenants[0]?.checked, 3);
  });

  it('without --tenant every tenant is checked and one broken chain makes the result not ok', async () => {
    const good = uniqueId('good');
    await writeChain(good, 3);
    const v = await verifyAudit({ connectionString: db.readerUrl });
    assert.equal(v.ok, false);
    assert.equal(v.tenants.find((t) => t.tenant === good)?.firstBrokenSeq, undefined);
    assert.equal(v.tenants.find((t) => t.tenant === good)?.checked, 3);
    assert.ok(v.tenants.filter((t) => t.firstBrokenSeq !== undefined).length >= 4);
  });

  it('a tenant without rows is ok with nothing checked', async () => {
    const v = await verifyAudit({ connectionString: db.readerUrl, tenant: uniqueId('none') });
    assert.equal(v.ok, true);
    assert.equal(v.tenants[0]?.checked, 0);
  });

  it('the command exits 2 for a --tenant without rows (a mistyped name), 0 with --allow-empty or rows', async () => {
    const tenant = uniqueId('cli');
    await writeChain(tenant, 2);
    const run = async (...args: string[]) => {
      const r = await execFileAsync(process.execPath, ['--conditions=hindsight-source', '--import', 'tsx', 'collector/src/cli/main.ts', 'verify-audit', '--url', db.readerUrl, ...args], { cwd: REPO }).then(
        (ok) => ({ code: 0, ...ok }),
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
      return { code: r.code, out: `${r.stdout}${r.stderr}` };
    };
    assert.deepEqual((await run('--tenant', tenant)).code, 0);
    const typo = await run('--tenant', `${tenant}-typo`);
    assert.equal(typo.code, 2);
    assert.match(typo.out, /has no audit rows: nothing was verified/);
    assert.equal((await run('--tenant', `${tenant}-typo`, '--allow-empty')).code, 0);
    const empty = await run('--tenant=');
    assert.equal(empty.code, 1);
    assert.match(empty.out, /--tenant needs a tenant name/);
  });
});
