import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { CONTRACT_FIELDS } from '@hindsight/sdk/contract';
import { runMigrations } from './migrate';
import { columnOf } from './rows';
import { latestMigrationVersion } from './sql-files';
import { auditRecord, createTestDatabase, journalRecord, uniqueId, type TestDatabase } from './test-database';
import { createPostgresSink } from './postgres-sink';

describe('postgres migrations and privileges', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase('migrate');
  });
  after(async () => {
    await db?.drop();
  });

  it('a second migrate applies nothing and keeps the version', async () => {
    const again = await runMigrations({ connectionString: db.adminUrl });
    assert.deepEqual(again.applied, []);
    assert.equal(again.version, latestMigrationVersion());
    const { rows } = await db.admin.query('SELECT version FROM hindsight.schema_migrations ORDER BY version');
    assert.deepEqual(rows.map((r: { version: number }) => r.version), Array.from({ length: latestMigrationVersion() }, (_, i) => i + 1));
  });

  it('refuses to run when an applied migration was edited', async () => {
    const { rows } = await db.admin.query<{ checksum: string }>('SELECT checksum FROM hindsight.schema_migrations WHERE version = 1');
    await db.admin.query("UPDATE hindsight.schema_migrations SET checksum = 'edited' WHERE version = 1");
    try {
      await assert.rejects(runMigrations({ connectionString: db.adminUrl }), /001_audit_event\.sql was changed after it was applied/);
    } finally {
      await db.admin.query('UPDATE hindsight.schema_migrations SET checksum = $1 WHERE version = 1', [rows[0]?.checksum]);
    }
    assert.deepEqual((await runMigrations({ connectionString: db.adminUrl })).applied, []);
  });

  it('every contract field has a column in audit_event, journal_event and the archive', async () => {
    const columns = async (table: string) =>
      new Set((await db.admin.query<{ column_name: string }>(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'hindsight' AND table_name = $1", [table])).rows.map((r) => r.column_name));
    const audit = await columns('audit_event');
    for (const path of CONTRACT_FIELDS.audit) assert.ok(audit.has(columnOf(path)), `audit_event lacks a column for ${path}`);
    for (const table of ['journal_event', 'journal_event_archive']) {
      const cols = await columns(table);
      for (const path of CONTRACT_FIELDS.journal) assert.ok(cols.has(columnOf(path)), `${table} lacks a column for ${path}`);
    }
  });

  it('objects are owned by hindsight_owner, which cannot log in', async () => {
    const { rows } = await db.admin.query<{ relname: string; owner: string }>(
      "SELECT c.relname, pg_get_userbyid(c.relowner) AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'hindsight' AND c.relkind IN ('r', 'p')");
    assert.ok(rows.length >= 8);
    for (const r of rows) assert.equal(r.owner, 'hindsight_owner', r.relname);
    const role = await db.admin.query("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'hindsight_owner'");
    assert.equal(role.rows[0].rolcanlogin, false);
  });

  it('daily journal partitions exist from yesterday to a week ahead, with the keyset indexes', async () => {
    const { rows } = await db.admin.query<{ day: string }>(
      `SELECT to_char(d, 'YYYYMMDD') AS day FROM generate_series((now() AT TIME ZONE 'UTC')::date - 1, (now() AT TIME ZONE 'UTC')::date + 7, interval '1 day') d
       WHERE to_regclass('hindsight.journal_event_p' || to_char(d, 'YYYYMMDD')) IS NULL`);
    assert.deepEqual(rows, [], 'missing partitions');
    const idx = await db.admin.query<{ indexdef: string }>(
      "SELECT indexdef FROM pg_indexes WHERE schemaname = 'hindsight' AND tablename = 'journal_event'");
    const defs = idx.rows.map((r) => r.indexdef).join('\n');
    assert.match(defs, /\(ts DESC, event_id DESC\)/);
    assert.match(defs, /\(scope, run_id, ts DESC, event_id DESC\)/);
    assert.match(defs, /\(correlation_id, ts DESC, event_id DESC\)/);
    assert.match(defs, /WHERE \(severity = ANY \(ARRAY\['WARN'::text, 'ERROR'::text\]\)\)/);
  });

  it('a partition created later takes over the default partition\'s rows of its day', async () => {
    const day = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
    const sink = createPostgresSink({ url: db.writerUrl });
    await sink.start();
    const rec = journalRecord(uniqueId('run'), 1, { ts: `${day}T12:00:00.000001Z` });
    assert.deepEqual(await sink.write([rec]), { status: 'written' });
    await sink.shutdown();
    const where = async () => (await db.admin.query<{ t: string }>(
      'SELECT tableoid::regclass::text AS t FROM hindsight.journal_event WHERE event_id = $1', [rec.kind === 'journal' ? rec.event.event_id : ''])).rows.map((r) => r.t);
    assert.deepEqual(await where(), ['hindsight.journal_event_default']);
    const writer = await db.connect(db.writerUrl);
    await writer.query('SELECT hindsight.ensure_journal_partitions(21, 0)');
    assert.deepEqual(await where(), [`hindsight.journal_event_p${day.replace(/-/g, '')}`]);
  });

  it('the writer cannot UPDATE, DELETE, TRUNCATE, disable triggers on or drop audit_event', async () => {
    const sink = createPostgresSink({ url: db.writerUrl });
    await sink.start();
    assert.deepEqual(await sink.write([auditRecord(uniqueId('t'), 1)]), { status: 'written' });
    await sink.shutdown();
    const writer = await db.connect(db.writerUrl);
    for (const sql of [
      "UPDATE hindsight.audit_event SET reason = 'x'",
      'DELETE FROM hindsight.audit_event',
      'TRUNCATE hindsight.audit_event',
      'ALTER TABLE hindsight.audit_event DISABLE TRIGGER USER',
      'DROP TABLE hindsight.audit_event',
      'DROP TRIGGER audit_event_no_update_delete ON hindsight.audit_event',
    ]) {
      await assert.rejects(writer.query(sql), (err: { code?: string }) => err.code === '42501', sql);
    }
    const { rows } = await db.admin.query('SELECT count(*)::int AS n FROM hindsight.audit_event');
    assert.ok(rows[0].n >= 1);
  });

  it('even the superuser hits the append-only triggers', async () => {
    for (const sql of ["UPDATE hindsight.audit_event SET reason = 'x'", 'DELETE FROM hindsight.audit_event', 'TRUNCATE hindsight.audit_event']) {
      await assert.rejects(db.admin.query(sql), /audit_event is append-only/, sql);
    }
  });

  it('retire_journal_default_rows runs as the owner with exactly the grants of retire_journal_partition', async () => {
    const fn = async (signature: string) => (await db.admin.query<{ owner: string; definer: boolean; acl: string[] }>(
      'SELECT pg_get_userbyid(proowner) AS owner, prosecdef AS definer, proacl::text[] AS acl FROM pg_proc WHERE oid = $1::regprocedure',
      [signature])).rows[0];
    const partition = await fn('hindsight.retire_journal_partition(text, integer)');
    const rows = await fn('hindsight.retire_journal_default_rows(integer)');
    assert.deepEqual(rows, partition);
    assert.deepEqual([rows?.owner, rows?.definer], ['hindsight_owner', true]);
    for (const [role, may] of [['hindsight_writer', true], ['hindsight_reader', false], ['hindsight_operator', false], ['public', false]] as const) {
      const { rows: r } = await db.admin.query<{ ok: boolean }>(
        "SELECT has_function_privilege($1, 'hindsight.retire_journal_default_rows(integer)', 'EXECUTE') AS ok", [role]);
      assert.equal(r[0]?.ok, may, role);
    }
  });

  it('the reader may only SELECT', async () => {
    const reader = await db.connect(db.readerUrl);
    await reader.query('SELECT count(*) FROM hindsight.audit_event');
    await reader.query('SELECT count(*) FROM hindsight.journal_event');
    await reader.query('SELECT count(*) FROM hindsight.journal_run');
    await assert.rejects(reader.query("INSERT INTO hindsight.journal_run (run_id, tenant, first_ts, last_ts) VALUES ('r', 't', now(), now())"), { code: '42501' });
    await assert.rejects(reader.query('SELECT hindsight.ensure_journal_partitions(1, 0)'), { code: '42501' });
  });
});
