// Scenario 9: the audit log's protections. As the collector's writer role, UPDATE, DELETE, TRUNCATE,
// DISABLE TRIGGER and DROP fail. As superuser (who can get past the triggers), an edit, a deletion and a
// reordering are each found by verify-audit, which names the first bad seq.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { createPostgresSink } from '../../collector/src/sinks/postgres/postgres-sink';
import { auditRecord } from '../../collector/src/sinks/postgres/test-database';
import { verifyAudit } from '../../collector/src/sinks/postgres/verify-audit';
import { recordFigures } from './figures';
import { createPostgres, uniqueSuffix } from './harness';

const PER_TENANT = 20;

test('audit integrity: the writer role cannot alter the log; superuser edits, deletions and reordering are found at the first bad seq', { timeout: 120_000 }, async () => {
  const s = uniqueSuffix();
  const pg = await createPostgres('f9');
  const sink = createPostgresSink({ url: pg.writerUrl }, 'postgres');
  const writer = new Client({ connectionString: pg.writerUrl });
  const admin = new Client({ connectionString: pg.adminUrl });
  try {
    await sink.start();
    const tenants = { edit: `edit-${s}`, del: `del-${s}`, swap: `swap-${s}`, intact: `intact-${s}` };
    const records = Object.values(tenants).flatMap((t) => Array.from({ length: PER_TENANT }, (_, i) => auditRecord(t, i)));
    assert.deepEqual(await sink.write(records), { status: 'written' });
    const before = await verifyAudit({ connectionString: pg.readerUrl });
    assert.ok(before.ok, 'the chains verify before any tampering');

    // The writer role: every way to change or remove history must fail.
    await writer.connect();
    await writer.query('SET ROLE hindsight_writer');
    const attempts: Array<[string, string]> = [
      ['UPDATE', `UPDATE hindsight.audit_event SET action = 'x' WHERE tenant = '${tenants.intact}'`],
      ['DELETE', `DELETE FROM hindsight.audit_event WHERE tenant = '${tenants.intact}'`],
      ['TRUNCATE', 'TRUNCATE hindsight.audit_event'],
      ['DISABLE TRIGGER', 'ALTER TABLE hindsight.audit_event DISABLE TRIGGER ALL'],
      ['DROP', 'DROP TABLE hindsight.audit_event'],
    ];
    const writerResults: string[] = [];
    for (const [name, sql] of attempts) {
      try {
        await writer.query(sql);
        writerResults.push(`${name}: SUCCEEDED`);
      } catch (err) {
        writerResults.push(`${name}: refused (${(err as { code?: string }).code})`);
      }
    }
    const count = Number((await pg.admin.query<{ n: string }>('SELECT count(*) AS n FROM hindsight.audit_event')).rows[0]?.n);

    // Superuser tampering, past the triggers.
    await admin.connect();
    await admin.query('SET session_replication_role = replica');
    await admin.query(`UPDATE hindsight.audit_event SET details = '{"amount": 1000000}' WHERE tenant = $1 AND seq = 7`, [tenants.edit]);
    await admin.query('DELETE FROM hindsight.audit_event WHERE tenant = $1 AND seq = 12', [tenants.del]);
    // Reorder: rows 5 and 6 swap places in the sequence.
    await admin.query('UPDATE hindsight.audit_event SET seq = -seq WHERE tenant = $1 AND seq IN (5, 6)', [tenants.swap]).catch(async () => {
      // seq >= 1 is checked: go through a free high value instead.
      await admin.query('UPDATE hindsight.audit_event SET seq = 1000000 WHERE tenant = $1 AND seq = 5', [tenants.swap]);
    });
    const negative = Number((await admin.query<{ n: string }>('SELECT count(*) AS n FROM hindsight.audit_event WHERE tenant = $1 AND seq < 0', [tenants.swap])).rows[0]?.n);
    if (negative === 2) {
      await admin.query('UPDATE hindsight.audit_event SET seq = 6 WHERE tenant = $1 AND seq = -5', [tenants.swap]);
      await admin.query('UPDATE hindsight.audit_event SET seq = 5 WHERE tenant = $1 AND seq = -6', [tenants.swap]);
    } else {
      await admin.query('UPDATE hindsight.audit_event SET seq = 5 WHERE tenant = $1 AND seq = 6', [tenants.swap]);
      await admin.query('UPDATE hindsight.audit_event SET seq = 6 WHERE tenant = $1 AND seq = 1000000', [tenants.swap]);
    }
    await admin.query('SET session_replication_role = origin');

    const after = await verifyAudit({ connectionString: pg.readerUrl });
    const verdict = (t: string) => after.tenants.find((v) => v.tenant === t);
    const found = {
      edit: verdict(tenants.edit)?.firstBrokenSeq,
      del: verdict(tenants.del)?.firstBrokenSeq,
      swap: verdict(tenants.swap)?.firstBrokenSeq,
      intact: verdict(tenants.intact)?.firstBrokenSeq,
    };
    const refused = writerResults.filter((r) => r.includes('refused')).length;
    const pass = refused === attempts.length && count === records.length && found.edit === '7' && found.del === '12' && found.swap === '5' && found.intact === undefined && !after.ok;
    recordFigures({
      id: 9,
      scenario: 'audit integrity: writer-role changes, superuser tampering',
      sent: `${records.length} audit rows (4 tenants)`,
      acked: '—',
      stored: count,
      duplicates: 0,
      lost: records.length - count,
      criterion: 'UPDATE/DELETE/TRUNCATE/DISABLE TRIGGER/DROP refused to the writer; verify names seq 7 (edit), 12 (deleted), 5 (reordered 5↔6), intact tenant ok',
      notes: `writer: ${writerResults.join(', ')}; verify: edit→${found.edit}, delete→${found.del}, reorder→${found.swap}, intact→${found.intact ?? 'ok'}`,
      pass,
    });
    assert.deepEqual(writerResults.filter((r) => r.includes('SUCCEEDED')), [], writerResults.join('\n'));
    assert.equal(count, records.length, 'nothing removed by the writer');
    assert.equal(found.edit, '7', `edited row found at seq 7: ${JSON.stringify(verdict(tenants.edit))}`);
    assert.equal(found.del, '12', `deleted row found at seq 12: ${JSON.stringify(verdict(tenants.del))}`);
    assert.equal(found.swap, '5', `reordering found at seq 5: ${JSON.stringify(verdict(tenants.swap))}`);
    assert.equal(found.intact, undefined, 'the untouched tenant still verifies');
    assert.equal(after.ok, false);
  } finally {
    await writer.end().catch(() => undefined);
    await admin.end().catch(() => undefined);
    await sink.shutdown();
    await pg.drop().catch(() => undefined);
  }
});
