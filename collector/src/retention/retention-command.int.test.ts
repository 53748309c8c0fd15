import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatTimestampMicros } from '@hindsight/sdk/contract';
import { ClickHouseSink } from '../sinks/clickhouse/clickhouse-sink';
import { parseClickHouseSinkConfig } from '../sinks/clickhouse/config';
import { createTestDatabase as createChDatabase, type TestDatabase as ChDatabase } from '../sinks/clickhouse/test-database';
import { createPostgresSink } from '../sinks/postgres';
import { createTestDatabase as createPgDatabase, journalRecord, uniqueId, type TestDatabase as PgDatabase } from '../sinks/postgres/test-database';
import type { SinkRecord } from '../sinks/records';
import { pinRun } from './pin-run';
import { retentionCommand } from './retention-command';
import type { RetentionRunReport } from './retention-job';

const DAY_MS = 86_400_000;

/** `hindsight-collector retention <args> --json`, in process. */
async function retention(args: string[]): Promise<RetentionRunReport> {
  const out: string[] = [];
  const log = console.log;
  console.log = (line: unknown) => void out.push(String(line));
  try {
    await retentionCommand().parseAsync([...args, '--json'], { from: 'user' });
  } finally {
    console.log = log;
  }
  return JSON.parse(out.join('\n')) as RetentionRunReport;
}

const span = (correlationId: string, ms: number): SinkRecord => ({
  kind: 'span',
  origin: { topic: 'otlp_spans', partition: 0, offset: '0' },
  span: {
    traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex'), parentSpanId: '', name: 'op', kind: 2,
    startTimeUnixNano: `${ms}000000`, endTimeUnixNano: `${ms + 5}000000`, statusCode: 0, statusMessage: '', serviceName: 'svc',
    correlationId, tenant: '', attributes: {}, resourceAttributes: {}, scopeName: '', events: [],
  },
});

describe('retention command: Postgres pins decide what ClickHouse keeps (local stack)', () => {
  let pg: PgDatabase;
  let ch: ChDatabase;
  let dir: string;
  let config: string;
  const run = uniqueId('run');
  const pinnedCorr = uniqueId('corr-pinned');
  const freeCorr = uniqueId('corr-free');
  const oldMs = Date.now() - 10 * DAY_MS;

  before(async () => {
    pg = await createPgDatabase('retcmd');
    ch = await createChDatabase('retcmd');
    await pg.admin.query('SELECT hindsight.ensure_journal_partitions(7, 12)');
    const pgSink = createPostgresSink({ url: pg.writerUrl, role: '' });
    await pgSink.start();
    const ev = journalRecord(run, 1, { correlation_id: pinnedCorr, ts: formatTimestampMicros(BigInt(oldMs) * 1000n) });
    assert.deepEqual(await pgSink.write([ev]), { status: 'written' });
    await pgSink.shutdown();
    const writer = await pg.connect(pg.writerUrl);
    assert.equal(await pinRun(writer, run, 'FULL'), true);
    const chSink = new ClickHouseSink(parseClickHouseSinkConfig({ url: ch.url, database: ch.name, minInsertIntervalMs: 0 }));
    await chSink.start();
    assert.deepEqual(await chSink.write([span(pinnedCorr, oldMs), span(freeCorr, oldMs), span(freeCorr, Date.now())]), { status: 'written' });
    await chSink.shutdown();
    dir = mkdtempSync(join(tmpdir(), 'hindsight-retention-'));
    config = join(dir, 'collector.yaml');
    writeFileSync(config, JSON.stringify({
      kafka: { brokers: ['127.0.0.1:9'] },
      sources: { journal: { topic: 'hindsight.journal', kind: 'journal' }, spans: { topic: 'otlp_spans', kind: 'span' } },
      sinks: {
        pg: { type: 'postgres', options: { url: pg.writerUrl, role: '' } },
        ch: { type: 'clickhouse', options: { url: ch.url, database: ch.name, retentionDays: 7 } },
      },
      pipelines: { a: { sources: ['journal'], sink: 'pg' }, b: { sources: ['spans'], sink: 'ch' } },
      retention: { days: 7 },
    }));
  });
  after(async () => {
    await pg?.drop();
    await ch?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const chCount = async (table: string) => {
    const rs = await ch.client.query({ query: `SELECT count() AS n FROM ${table} FINAL`, format: 'JSONEachRow' });
    return Number((await rs.json<{ n: string }>())[0]?.n);
  };
  const old = `journal_event_p${new Date(oldMs).toISOString().slice(0, 10).replace(/-/g, '')}`;

  it('--dry-run reports both stores and changes neither', async () => {
    const report = await retention(['--config', config, '--dry-run']);
    assert.equal(report.dryRun, true);
    assert.deepEqual(report.postgres?.actions.find((a) => a.partition === old), { partition: old, day: new Date(oldMs).toISOString().slice(0, 10), rows: 1, archivedRows: 1 });
    assert.deepEqual(report.clickhouse?.actions.filter((a) => a.table === 'spans').map((a) => [a.rows, a.archivedRows]), [[2, 1]]);
    assert.ok(report.pinnedIds >= 2, 'the run id and its correlation id');
    assert.equal(await chCount('spans'), 3);
  });

  it('drops old partitions in both stores, keeping the pinned run\'s spans found by its correlation id', async () => {
    const report = await retention(['--config', config]);
    assert.equal(report.postgres?.actions.find((a) => a.partition === old)?.archivedRows, 1);
    assert.equal(await chCount('spans'), 1, "today's span stays");
    const rs = await ch.client.query({ query: 'SELECT correlation_id FROM spans_archive FINAL', format: 'JSONEachRow' });
    assert.deepEqual(await rs.json(), [{ correlation_id: pinnedCorr }]);
    const archived = await pg.admin.query('SELECT count(*)::int AS n FROM hindsight.journal_event_archive WHERE run_id = $1', [run]);
    assert.equal(archived.rows[0]?.n, 1);
  });
});
