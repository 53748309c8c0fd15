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

/**
 * A fresh migrated database with journal partitions back to 12 days, the writer's connection and a
 * started Postgres sink writing as the writer.
 */
async function retentionFixture(name: string): Promise<{ db: TestDatabase; writer: Client; sink: PostgresSink }> {
  const db = await createTestDatabase(name);
  await db.admin.query('SELECT hindsight.ensure_journal_partitions(7, 12)');
  const writer = await db.connect(db.writerUrl);
  const sink = createPostgresSink({ url: db.writerUrl, role: '' });
  await sink.start();
  return { db, writer, sink };
}

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
    // Partitions back to 12 days, so the old events land in their own day's partition.
    ({ db, writer, sink } = await retentionFixture('retention'));
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
      // Another tenant's event with the pinned run's id: the pin is not its tenant's to give.
      journalRecord(runs.full, ++n, { tenant: 'tenant-other', severity: 'ERROR', ts: tsDaysAgo(10, n), details: { other: true }, kind: 'step.error' }),
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
    assert.deepEqual(action && { rows: action.rows, archivedRows: action.archivedRows }, { rows: 12, archivedRows: 7 });
    assert.ok(report.actions.every((a) => a.day < new Date(Date.now() - 7 * DAY_MS).toISOString().slice(0, 10)));
    assert.equal(await count('SELECT count(*) AS n FROM hindsight.journal_event_archive'), 0);
    assert.ok((await db.admin.query('SELECT to_regclass($1) AS r', [`hindsight.${old}`])).rows[0]?.r);
  });

  it('archives pinned rows per mode, then drops the partition; the audit log stays', async () => {
    const report = await runPostgresRetention({ db: writer, days: 7 });
    const action = report.actions.find((a) => a.partition === old);
    assert.deepEqual(action && { rows: action.rows, archivedRows: action.archivedRows }, { rows: 12, archivedRows: 7 });
    assert.equal((await db.admin.query('SELECT to_regclass($1) AS r', [`hindsight.${old}`])).rows[0]?.r, null);
    const archived = await db.admin.query<{ run_id: string; severity: string; details: Record<string, unknown> }>(
      'SELECT run_id, severity, details FROM hindsight.journal_event_archive ORDER BY run_id, ts',
    );
    const of = (run: string) => archived.rows.filter((r) => r.run_id === run).map((r) => [r.severity, r.details]);
    assert.deepEqual(of(runs.full), [['DEBUG', { payload: 'raw-1' }], ['INFO', { payload: 'raw-2', keep: 1 }], ['ERROR', { reason: 'boom' }]]);
    assert.deepEqual(of(runs.slim), [['INFO', { keep: 2 }], ['WARN', { keep: 3 }]], 'SLIM: no DEBUG, raw payload keys dropped');
    assert.deepEqual(of(runs.errors), [['WARN', {}], ['ERROR', {}]]);
    assert.deepEqual(of(runs.unpinned), []);
    assert.equal(await count("SELECT count(*) AS n FROM hindsight.journal_event_archive WHERE tenant = 'tenant-other'"), 0, "another tenant's event of the same run id is not kept by the pin");
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

describe('Postgres retention of the default partition\'s expired rows (local stack)', () => {
  let db: TestDatabase;
  let writer: Client;
  let sink: PostgresSink;
  const runs = { full: uniqueId('late-full'), slim: uniqueId('late-slim'), errors: uniqueId('late-err'), unpinned: uniqueId('late-free') };
  let n = 0;
  // 20 days back has no partition (they reach back 12 days), so these land in journal_event_default.
  const late = (runId: string, severity: JournalEvent['severity'], details: Record<string, unknown> = {}) =>
    journalRecord(runId, ++n, { severity, ts: tsDaysAgo(20, n), details });
  // Past the partitions made ahead: in the default partition too, but not expired.
  const future = journalRecord(runs.unpinned, 99, { ts: tsDaysAgo(-30, 0) });
  // An expired day that still has its partition when the function is called directly: never deleted by it.
  const partitioned = journalRecord(runs.unpinned, 98, { ts: tsDaysAgo(3, 0) });
  const idOf = (rec: ReturnType<typeof journalRecord>) => (rec.kind === 'journal' ? rec.event.event_id : '');

  before(async () => {
    ({ db, writer, sink } = await retentionFixture('retdefault'));
    const batch = [
      late(runs.full, 'DEBUG', { payload: 'raw' }),
      late(runs.full, 'ERROR'),
      late(runs.slim, 'DEBUG'),
      late(runs.slim, 'INFO', { payload: 'raw', keep: 1 }),
      late(runs.errors, 'INFO'),
      late(runs.errors, 'WARN'),
      late(runs.unpinned, 'INFO'),
      late(runs.unpinned, 'ERROR'),
      future,
      partitioned,
    ];
    assert.deepEqual(await sink.write(batch), { status: 'written' });
    assert.equal(await pinRun(writer, runs.full, 'FULL'), true);
    assert.equal(await pinRun(writer, runs.slim, 'SLIM'), true);
    assert.equal(await pinRun(writer, runs.errors, 'ERRORS_ONLY'), true);
  });
  after(async () => {
    await sink?.shutdown();
    await db?.drop();
  });

  const inDefault = async () =>
    Number((await db.admin.query<{ n: string }>('SELECT count(*) AS n FROM hindsight.journal_event_default')).rows[0]?.n);
  const before7 = () => new Date(Date.now() - 7 * DAY_MS).toISOString().slice(0, 10);

  it('the late rows are in the default partition, with no partition for their day', async () => {
    assert.equal(await inDefault(), 9);
    assert.equal((await db.admin.query('SELECT to_regclass($1) AS r', [`hindsight.${partitionOf(20)}`])).rows[0]?.r, null);
  });

  it('a dry run counts the expired default rows and what would be archived, and changes nothing', async () => {
    const report = await runPostgresRetention({ db: writer, days: 7, dryRun: true });
    assert.deepEqual(report.defaultPartition, { before: before7(), deletedRows: 8, archivedRows: 4 });
    assert.equal(await inDefault(), 9);
    assert.equal(Number((await db.admin.query<{ n: string }>('SELECT count(*) AS n FROM hindsight.journal_event_archive')).rows[0]?.n), 0);
  });

  it('retention deletes the expired default rows after archiving pinned ones per mode; the later row stays', async () => {
    const report = await runPostgresRetention({ db: writer, days: 7 });
    assert.deepEqual(report.defaultPartition, { before: before7(), deletedRows: 8, archivedRows: 4 });
    const left = await db.admin.query<{ event_id: string }>('SELECT event_id::text FROM hindsight.journal_event_default');
    assert.deepEqual(left.rows.map((r) => r.event_id), [idOf(future)]);
    const archived = await db.admin.query<{ run_id: string; severity: string; details: Record<string, unknown> }>(
      'SELECT run_id, severity, details FROM hindsight.journal_event_archive ORDER BY run_id, ts',
    );
    const of = (run: string) => archived.rows.filter((r) => r.run_id === run).map((r) => [r.severity, r.details]);
    assert.deepEqual(of(runs.full), [['DEBUG', { payload: 'raw' }], ['ERROR', {}]]);
    assert.deepEqual(of(runs.slim), [['INFO', { keep: 1 }]], 'SLIM: no DEBUG, raw payload keys dropped');
    assert.deepEqual(of(runs.errors), [['WARN', {}]]);
    assert.deepEqual(of(runs.unpinned), []);
    const capture = await db.admin.query<{ archived_count: string }>('SELECT archived_count FROM hindsight.journal_capture WHERE run_id = $1', [runs.full]);
    assert.equal(Number(capture.rows[0]?.archived_count), 2);
    const events = await readRunJournal(writer, runs.full);
    assert.deepEqual(events.map((e) => [e.severity, e.archived]), [['DEBUG', true], ['ERROR', true]]);
  });

  it('a second run finds nothing more in the default partition', async () => {
    const report = await runPostgresRetention({ db: writer, days: 7 });
    assert.deepEqual(report.defaultPartition, { before: before7(), deletedRows: 0, archivedRows: 0 });
    assert.equal(await inDefault(), 1);
  });

  it('deletes from the default partition only, and refuses keep_days below 1', async () => {
    const { rows } = await writer.query<{ archived: string; deleted: string }>('SELECT * FROM hindsight.retire_journal_default_rows(1)');
    assert.deepEqual(rows.map((r) => [Number(r.archived), Number(r.deleted)]), [[0, 0]]);
    const kept = await db.admin.query('SELECT 1 FROM hindsight.journal_event WHERE event_id = $1', [idOf(partitioned)]);
    assert.equal(kept.rowCount, 1, 'a row of an attached partition, even an expired one, is not the function\'s to delete');
    await assert.rejects(writer.query('SELECT * FROM hindsight.retire_journal_default_rows(0)'), /keep_days must be at least 1/);
    await assert.rejects(writer.query('SELECT * FROM hindsight.retire_journal_default_rows(NULL)'), /keep_days must be at least 1/);
    await assert.rejects(writer.query('DELETE FROM hindsight.journal_event_default'), { code: '42501' });
  });
});

describe('the pin-mode rule is hindsight.pin_keeps, in one place (local stack)', () => {
  let db: TestDatabase;
  let writer: Client;
  let sink: PostgresSink;
  const run = uniqueId('rule-full');

  before(async () => {
    ({ db, writer, sink } = await retentionFixture('pinkeeps'));
    // One old event in its day's partition, one late event in the default partition; the run pinned FULL.
    const batch = [journalRecord(run, 1, { severity: 'ERROR', ts: tsDaysAgo(10, 1) }), journalRecord(run, 2, { severity: 'ERROR', ts: tsDaysAgo(20, 2) })];
    assert.deepEqual(await sink.write(batch), { status: 'written' });
    assert.equal(await pinRun(writer, run, 'FULL'), true);
  });
  after(async () => {
    await sink?.shutdown();
    await db?.drop();
  });

  it('keeps FULL: every severity; SLIM: all but DEBUG; ERRORS_ONLY: WARN and ERROR (as the writer)', async () => {
    const { rows } = await writer.query<{ mode: string; severity: string; keeps: boolean }>(
      `SELECT m::text AS mode, s AS severity, hindsight.pin_keeps(m, s) AS keeps
         FROM unnest(enum_range(NULL::hindsight.pin_mode)) m, unnest(ARRAY['DEBUG', 'INFO', 'WARN', 'ERROR']) s`,
    );
    const kept = (mode: string) => rows.filter((r) => r.mode === mode && r.keeps).map((r) => r.severity);
    assert.deepEqual(kept('FULL'), ['DEBUG', 'INFO', 'WARN', 'ERROR']);
    assert.deepEqual(kept('SLIM'), ['INFO', 'WARN', 'ERROR']);
    assert.deepEqual(kept('ERRORS_ONLY'), ['WARN', 'ERROR']);
  });

  it('the dry run, the partition retirement and the default-partition retirement all follow it', async () => {
    const old = partitionOf(10);
    const dryRun = async () => {
      const report = await runPostgresRetention({ db: writer, days: 7, dryRun: true });
      return [report.actions.find((a) => a.partition === old)?.archivedRows, report.defaultPartition?.archivedRows];
    };
    assert.deepEqual(await dryRun(), [1, 1]);
    // A rule that keeps nothing, swapped in by the owner: every place that archives must now archive nothing.
    await db.admin.query('CREATE OR REPLACE FUNCTION hindsight.pin_keeps(mode hindsight.pin_mode, severity text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT false $$');
    assert.deepEqual(await dryRun(), [0, 0]);
    const report = await runPostgresRetention({ db: writer, days: 7 });
    assert.deepEqual([report.actions.find((a) => a.partition === old)?.archivedRows, report.defaultPartition?.archivedRows], [0, 0]);
    assert.equal(Number((await db.admin.query<{ n: string }>('SELECT count(*) AS n FROM hindsight.journal_event_archive')).rows[0]?.n), 0);
    assert.equal(Number((await db.admin.query<{ n: string }>('SELECT count(*) AS n FROM hindsight.journal_event WHERE run_id = $1', [run])).rows[0]?.n), 0, 'both events retired');
  });
});
