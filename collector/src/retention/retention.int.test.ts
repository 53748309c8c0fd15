import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { Client } from 'pg';
import { formatTimestampMicros, type JournalEvent } from '@hindsight/sdk/contract';
import { createPostgresSink, type PostgresSink } from '../sinks/postgres';
import { auditRecord, createTestDatabase, journalRecord, uniqueId, type TestDatabase } from '../sinks/postgres/test-database';
import { getRunPin, pinRun, unpinRun } from './pin-run';
import { runPostgresRetention } from './postgres-retention';
import { readRunJournal } from './run-journal';

const DAY_MS = 86_400_000;
const tsDaysAgo = (days: number, n: number): string => formatTimestampMicros(BigInt(Date.now() - days * DAY_MS) * 1000n + BigInt(n));
const partitionOf = (days: number): string => `journal_event_p${new Date(Date.now() - days * DAY_MS).toISOString().slice(0, 10).replace(/-/g, '')}`;

describe('Postgres retention with pinned runs (local stack)', () => {
  let db: TestDatabase;
  let writer: Client;
  let sink: PostgresSink;
  const runs = { full: uniqueId('run-full'), slim: uniqueId('run-slim'), errors: uniqueId('run-err'), unpinned: uniqueId('run-free') };
  const old = partitionOf(10);
  let n = 0;
  const event = (runId: string, severity: JournalEvent['severity'], details: Record<string, unknown>, daysAgo = 10) =>
    journalRecord(runId, ++n, { severity, ts: tsDaysAgo(daysAgo, n), details, kind: `step.${severity.toLowerCase()}` });

  before(async () => {
    db = await createTestDatabase('retention');
    // Partitions back to 12 days, so the old events land in their own day's partition.
    await db.admin.query('SELECT hindsight.ensure_journal_partitions(7, 12)');
    writer = await db.connect(db.writerUrl);
    sink = createPostgresSink({ url: db.writerUrl, role: '' });
    await sink.start();
    const batch = [
      event(runs.full, 'DEBUG', { payload: 'raw-1' }),
      event(runs.full, 'INFO', { payload: 'raw-2', keep: 1 }),
      event(runs.full, 'ERROR', { reason: 'boom' }),
      event(runs.full, 'INFO', { today: true }, 0),
      event(runs.slim, 'DEBUG', { payload: 'raw-3' }),
      event(runs.slim, 'INFO', { payload: 'raw-4', body: 'b', keep: 2 }),
      event(runs.slim, 'WARN', { stdout: 'out', keep: 3 }),
      event(runs.errors, 'INFO', {}),
      event(runs.errors, 'WARN', {}),
      event(runs.errors, 'ERROR', {}),
      event(runs.unpinned, 'INFO', {}),
      event(runs.unpinned, 'ERROR', {}),
      auditRecord(uniqueId('tenant'), 1, { ts: tsDaysAgo(10, 0) }),
    ];
    assert.deepEqual(await sink.write(batch), { status: 'written' });
    assert.equal(await pinRun(writer, runs.full, 'FULL', { requestedBy: 'oncall', note: 'incident 7' }), true);
    assert.equal(await pinRun(writer, runs.slim, 'SLIM'), true);
    assert.equal(await pinRun(writer, runs.errors, 'ERRORS_ONLY'), true);
  });
  after(async () => {
    await sink?.shutdown();
    await db?.drop();
  });

  const count = async (sql: string, params: unknown[] = []) => Number((await db.admin.query<{ n: string }>(sql, params)).rows[0]?.n);

  it('pinning an unknown run reports it, and the pin state reads back', async () => {
    assert.equal(await pinRun(writer, uniqueId('nope'), 'FULL'), false);
    const pin = await getRunPin(writer, runs.slim);
    assert.equal(pin?.pinned, true);
    assert.equal(pin?.mode, 'SLIM');
  });

  it('a dry run reports the old partition and what would be archived, and changes nothing', async () => {
    const report = await runPostgresRetention({ db: writer, days: 7, dryRun: true });
    const action = report.actions.find((a) => a.partition === old);
    assert.deepEqual(action && { rows: action.rows, archivedRows: action.archivedRows }, { rows: 11, archivedRows: 7 });
    assert.ok(report.actions.every((a) => a.day < new Date(Date.now() - 7 * DAY_MS).toISOString().slice(0, 10)));
    assert.equal(await count('SELECT count(*) AS n FROM hindsight.journal_event_archive'), 0);
    assert.ok((await db.admin.query('SELECT to_regclass($1) AS r', [`hindsight.${old}`])).rows[0]?.r);
  });

  it('archives pinned rows per mode, then drops the partition; the audit log stays', async () => {
    const report = await runPostgresRetention({ db: writer, days: 7 });
    const action = report.actions.find((a) => a.partition === old);
    assert.deepEqual(action && { rows: action.rows, archivedRows: action.archivedRows }, { rows: 11, archivedRows: 7 });
    assert.equal((await db.admin.query('SELECT to_regclass($1) AS r', [`hindsight.${old}`])).rows[0]?.r, null);
    const archived = await db.admin.query<{ run_id: string; severity: string; details: Record<string, unknown> }>(
      'SELECT run_id, severity, details FROM hindsight.journal_event_archive ORDER BY run_id, ts',
    );
    const of = (run: string) => archived.rows.filter((r) => r.run_id === run).map((r) => [r.severity, r.details]);
    assert.deepEqual(of(runs.full), [['DEBUG', { payload: 'raw-1' }], ['INFO', { payload: 'raw-2', keep: 1 }], ['ERROR', { reason: 'boom' }]]);
    assert.deepEqual(of(runs.slim), [['INFO', { keep: 2 }], ['WARN', { keep: 3 }]], 'SLIM: no DEBUG, raw payload keys dropped');
    assert.deepEqual(of(runs.errors), [['WARN', {}], ['ERROR', {}]]);
    assert.deepEqual(of(runs.unpinned), []);
    assert.equal(await count('SELECT count(*) AS n FROM hindsight.journal_event WHERE run_id = $1', [runs.unpinned]), 0);
    assert.equal(await count("SELECT count(*) AS n FROM hindsight.audit_event WHERE ts < now() - interval '9 days'"), 1);
    const capture = await db.admin.query<{ archived_count: string }>('SELECT archived_count FROM hindsight.journal_capture WHERE run_id = $1', [runs.full]);
    assert.equal(Number(capture.rows[0]?.archived_count), 3);
  });

  it('reading a pinned run after the drop returns it from the archive, with its live rows', async () => {
    const events = await readRunJournal(writer, runs.full);
    assert.deepEqual(events.map((e) => [e.severity, e.archived]), [['DEBUG', true], ['INFO', true], ['ERROR', true], ['INFO', false]]);
    assert.deepEqual(await readRunJournal(writer, runs.unpinned), []);
  });

  it('a second run finds nothing more to drop or archive', async () => {
    const report = await runPostgresRetention({ db: writer, days: 7 });
    assert.equal(report.actions.find((a) => a.partition === old), undefined);
    assert.equal(report.actions.reduce((s, a) => s + a.archivedRows, 0), 0);
    assert.equal(await count('SELECT count(*) AS n FROM hindsight.journal_event_archive'), 7);
  });

  it('refuses to drop a partition within the retention window, even when asked directly', async () => {
    await assert.rejects(writer.query('SELECT * FROM hindsight.retire_journal_partition($1, 7)', [partitionOf(0)]), /within the last 7 days/);
    await assert.rejects(writer.query('SELECT * FROM hindsight.retire_journal_partition($1, 7)', ['journal_event_default']), /not a daily journal partition/);
    await assert.rejects(writer.query(`DROP TABLE hindsight.${partitionOf(1)}`), /must be owner/);
  });

  it('unpinning removes the archived rows of that run only', async () => {
    assert.equal(await unpinRun(writer, runs.errors), 2);
    assert.equal(await count('SELECT count(*) AS n FROM hindsight.journal_event_archive'), 5);
    assert.equal((await getRunPin(writer, runs.errors))?.pinned, false);
    assert.equal(await unpinRun(writer, uniqueId('nope')), undefined);
  });
});
