import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { formatTimestampMicros } from '@hindsight/sdk/contract';
import type { Timeline } from '../../api/queries/timeline';
import { ClickHouseSink } from '../../sinks/clickhouse/clickhouse-sink';
import { parseClickHouseSinkConfig } from '../../sinks/clickhouse/config';
import { createTestDatabase as createChDatabase, type TestDatabase as ChDatabase } from '../../sinks/clickhouse/test-database';
import { createPostgresSink } from '../../sinks/postgres';
import { auditRecord, createTestDatabase as createPgDatabase, journalRecord, uniqueId, type TestDatabase as PgDatabase } from '../../sinks/postgres/test-database';
import type { SinkRecord } from '../../sinks/records';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..', '..', '..');

/** Runs the real `hindsight` command as a child process. */
async function hindsight(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--conditions=hindsight-source', '--import', 'tsx', 'collector/src/cli/hindsight.ts', ...args], { cwd: ROOT });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout?: string; code?: number; stderr?: string };
    if (typeof e.code !== 'number' || e.code === 1) throw new Error(`hindsight failed: ${e.stderr ?? String(err)}`);
    return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: e.code };
  }
}

describe('hindsight trace <correlationId> (local stack)', () => {
  let pg: PgDatabase;
  let ch: ChDatabase;
  const corr = uniqueId('corr');
  const base = BigInt(Date.now() - 60_000) * 1000n;
  const ts = (ms: number) => formatTimestampMicros(base + BigInt(ms) * 1000n);
  const traceId = 'ab'.repeat(16);
  const started = journalRecord('run-t', 1, { correlation_id: corr, kind: 'job.started', summary: 'import started', ts: ts(0), severity: 'INFO' });
  const startedId = started.kind === 'journal' ? started.event.event_id : '';
  const approved = auditRecord(uniqueId('tenant'), 2, { correlation_id: corr, ts: ts(5), causation_id: startedId, action: 'invoice.approve' });
  const failed = journalRecord('run-t', 3, { correlation_id: corr, kind: 'job.failed', summary: 'batch 7 timed out', ts: ts(40), severity: 'ERROR', causation_id: startedId });
  const span = (spanId: string, parent: string, name: string, startMs: number, durMs: number, status: number): SinkRecord => ({
    kind: 'span',
    origin: { topic: 'otlp_spans', partition: 0, offset: '0' },
    span: {
      traceId, spanId, parentSpanId: parent, name, kind: 2, startTimeUnixNano: String((base + BigInt(startMs) * 1000n) * 1000n),
      endTimeUnixNano: String((base + BigInt(startMs + durMs) * 1000n) * 1000n), statusCode: status, statusMessage: '',
      serviceName: 'importer', correlationId: corr, tenant: '', attributes: {}, resourceAttributes: {}, scopeName: '', events: [],
    },
  });

  before(async () => {
    pg = await createPgDatabase('trace');
    ch = await createChDatabase('trace');
    const pgSink = createPostgresSink({ url: pg.writerUrl, role: '' });
    await pgSink.start();
    assert.deepEqual(await pgSink.write([started, approved, failed]), { status: 'written' });
    await pgSink.shutdown();
    const chSink = new ClickHouseSink(parseClickHouseSinkConfig({ url: ch.url, database: ch.name, minInsertIntervalMs: 0 }));
    await chSink.start();
    assert.deepEqual(await chSink.write([span('1'.repeat(16), '', 'POST /import', 10, 25, 0), span('2'.repeat(16), '1'.repeat(16), 'db.copy', 12, 20, 2)]), { status: 'written' });
    await chSink.shutdown();
  });
  after(async () => {
    await pg?.drop();
    await ch?.drop();
  });

  const stores = () => ['--pg-url', pg.readerUrl, '--clickhouse-url', ch.url, '--clickhouse-database', ch.name];

  it('prints a header and the causation tree in time order, with offsets, durations and severities', async () => {
    const { stdout, code } = await hindsight(['trace', corr, ...stores()]);
    assert.equal(code, 0);
    const lines = stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', new RegExp(`^correlation ${corr}: 5 entries \\(1 audit, 2 journal, 2 spans, 0 logs\\)`));
    assert.doesNotMatch(stdout, /\x1b\[/, 'no colours when stdout is not a terminal');
    const body = lines.slice(1);
    assert.equal(body.length, 5);
    assert.match(body[0] ?? '', /^\S+ +\+0 ms +journal +INFO +\[INFO\] job\.started: import started$/);
    assert.match(body[1] ?? '', /^├─ \S+ +\+5 ms +audit +INFO .*invoice\.approve/);
    assert.match(body[2] ?? '', /^└─ \S+ +\+40 ms +journal +ERROR +\[ERROR\] job\.failed: batch 7 timed out$/);
    assert.match(body[3] ?? '', /^\S+ +\+10 ms +span +INFO +importer POST \/import 25 ms$/);
    assert.match(body[4] ?? '', /^└─ \S+ +\+12 ms +span +ERROR +importer db\.copy 20 ms ERROR$/);
  });

  it('--json prints the timeline object, and --tenant narrows it', async () => {
    const { stdout } = await hindsight(['trace', corr, '--json', ...stores()]);
    const timeline = JSON.parse(stdout) as Timeline;
    assert.equal(timeline.correlationId, corr);
    assert.deepEqual(timeline.entries.map((e) => e.kind), ['journal', 'audit', 'span', 'span', 'journal']);
    assert.deepEqual(timeline.causation.map((n) => [n.kind, n.children.map((c) => c.kind)]), [['journal', ['audit', 'journal']], ['span', ['span']]]);
    const tenant = approved.kind === 'audit' ? approved.event.tenant : '';
    const narrowed = JSON.parse((await hindsight(['trace', corr, '--json', '--tenant', tenant, '--pg-url', pg.readerUrl])).stdout) as Timeline;
    assert.deepEqual(narrowed.entries.map((e) => e.kind), ['audit']);
  });

  it('a ClickHouse that refuses the read is named by its error code, and the Postgres part is still printed', async () => {
    // A database without the sink's tables: the server refuses the spans query (UNKNOWN_TABLE) with a text quoting it.
    const empty = await createChDatabase('trace_empty');
    try {
      const { stdout, stderr, code } = await hindsight(['trace', corr, '--pg-url', pg.readerUrl, '--clickhouse-url', empty.url, '--clickhouse-database', empty.name]);
      assert.equal(code, 0);
      assert.match(stdout, new RegExp(`^correlation ${corr}: 3 entries \\(1 audit, 2 journal, 0 spans, 0 logs\\)`));
      assert.match(stderr, /^hindsight: ClickHouse not readable: server error 60 \(/m);
      assert.doesNotMatch(stderr, /DB::Exception|SELECT|spans/);
    } finally {
      await empty.drop();
    }
  });

  it('an unreachable ClickHouse is named, and the Postgres part is still printed', async () => {
    const { stdout, stderr, code } = await hindsight(['trace', corr, '--pg-url', pg.readerUrl, '--clickhouse-url', 'http://127.0.0.1:1']);
    assert.equal(code, 0, stderr);
    assert.match(stdout, new RegExp(`^correlation ${corr}: 3 entries \\(1 audit, 2 journal, 0 spans, 0 logs\\)`));
    assert.match(stderr, /^hindsight: ClickHouse not readable: /m);
  });

  it('an unknown correlation id says so and exits 3', async () => {
    const { stdout, code } = await hindsight(['trace', uniqueId('nothing'), ...stores()]);
    assert.equal(code, 3);
    assert.match(stdout, /no events found/);
  });
});
