import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { SinkRecord, SpanRow } from '../records';
import { ClickHouseSink } from './clickhouse-sink';
import { parseClickHouseSinkConfig } from './config';
import { runClickHouseRetention, type PinMode } from './retention';
import { rebuildSpanRollup } from './rollup-rebuild';
import { spanRollup } from './queries';
import { createTestDatabase, type TestDatabase } from './test-database';

const hex = (n: number) => randomBytes(n).toString('hex');
const DAY = 86_400;
let offset = 0;

function spanAt(seconds: number, runId: string, statusCode: number, service = 'svc'): SinkRecord {
  const ns = (BigInt(seconds) * 1_000_000_000n).toString();
  const span: SpanRow = {
    traceId: hex(16), spanId: hex(8), parentSpanId: '', name: 'op', kind: 2, startTimeUnixNano: ns,
    endTimeUnixNano: (BigInt(ns) + 5_000_000n).toString(), statusCode, statusMessage: '', serviceName: service,
    correlationId: `corr-${hex(4)}`, tenant: 't', attributes: runId ? { 'hindsight.run_id': runId } : {},
    resourceAttributes: {}, scopeName: '', events: [],
  };
  return { kind: 'span', span, origin: { topic: 'otlp_spans', partition: 0, offset: String(offset++) } };
}

async function count(db: TestDatabase, table: string): Promise<number> {
  const rs = await db.client.query({ query: `SELECT count() AS n FROM ${table} FINAL`, format: 'JSONEachRow' });
  return Number((await rs.json<{ n: string }>())[0]?.n);
}

describe('ClickHouse retention on the local stack', () => {
  let db: TestDatabase;
  let sink: ClickHouseSink;
  const now = new Date();
  const nowS = Math.floor(now.getTime() / 1000);
  before(async () => {
    db = await createTestDatabase('retention');
    sink = new ClickHouseSink(parseClickHouseSinkConfig({ url: db.url, database: db.name, minInsertIntervalMs: 0 }));
    await sink.start();
    const batch = [
      spanAt(nowS - 10 * DAY, 'run-full', 0),
      spanAt(nowS - 10 * DAY, 'run-full', 2),
      spanAt(nowS - 10 * DAY, 'run-err', 0),
      spanAt(nowS - 10 * DAY, 'run-err', 2),
      spanAt(nowS - 10 * DAY, '', 0),
      spanAt(nowS - 10 * DAY, 'run-unpinned', 2),
      spanAt(nowS, 'run-full', 0),
      spanAt(nowS, '', 0),
    ];
    assert.deepEqual(await sink.write(batch), { status: 'written' });
  });
  after(async () => {
    await sink?.shutdown();
    await db?.drop();
  });

  const pins = async () => new Map<string, PinMode>([['run-full', 'FULL'], ['run-err', 'ERRORS_ONLY']]);

  it('a dry run lists the old partition and its pinned rows, and changes nothing', async () => {
    const report = await runClickHouseRetention({ client: db.client, caps: db.caps, days: 7, pinnedRuns: pins, dryRun: true, now });
    const spans = report.actions.filter((a) => a.table === 'spans');
    assert.equal(spans.length, 1);
    assert.equal(spans[0]!.rows, 6);
    assert.equal(spans[0]!.archivedRows, 3, 'two spans of run-full, the error span of run-err');
    assert.equal(await count(db, 'spans'), 8);
    assert.equal(await count(db, 'spans_archive'), 0);
  });

  it('archives pinned rows, then drops only partitions past retention', async () => {
    const report = await runClickHouseRetention({ client: db.client, caps: db.caps, days: 7, pinnedRuns: pins, now });
    assert.deepEqual(report.actions.map((a) => [a.table, a.archivedRows]), [['spans', 3]]);
    assert.equal(await count(db, 'spans'), 2, "today's spans stay");
    const rs = await db.client.query({ query: 'SELECT run_id, status_code FROM spans_archive FINAL ORDER BY run_id, status_code', format: 'JSONEachRow' });
    assert.deepEqual(await rs.json(), [
      { run_id: 'run-err', status_code: 2 },
      { run_id: 'run-full', status_code: 0 },
      { run_id: 'run-full', status_code: 2 },
    ]);
    const again = await runClickHouseRetention({ client: db.client, caps: db.caps, days: 7, pinnedRuns: pins, now });
    assert.deepEqual(again.actions, [], 'nothing left to drop');
  });

  it('drops rollup partitions only with rollupDays, which keeps its own horizon', async () => {
    await sink.write([spanAt(nowS - 40 * DAY, '', 0)]);
    const keep = await runClickHouseRetention({ client: db.client, caps: db.caps, days: 7, rollupDays: 60, now, dryRun: true });
    assert.deepEqual(keep.actions.map((a) => a.table), ['spans']);
    const drop = await runClickHouseRetention({ client: db.client, caps: db.caps, days: 7, rollupDays: 30, now });
    assert.deepEqual(drop.actions.map((a) => a.table).sort(), ['span_rollup_1m', 'spans']);
  });

  it('a rebuilt day of rollups no longer counts spans stored twice', async () => {
    const service = `svc-${hex(4)}`;
    const day = nowS - 2 * DAY;
    const batch = [spanAt(day, '', 0, service), spanAt(day, '', 2, service), spanAt(day + 60, '', 0, service)];
    await sink.write(batch);
    // The same spans in later messages (offsets that follow on, so not looked up as a redelivery would
    // be), as when an app exports a span twice: raw rows collapse, the materialized view counts again.
    await sink.write(batch.map((r) => ({ ...r, origin: { ...r.origin, offset: String(offset++) } })));
    const range = { fromSeconds: day - 120, toSeconds: day + 300, service };
    const total = async () => (await spanRollup(db.client, db.caps, range)).reduce((n, r) => n + Number(r.requests), 0);
    assert.equal(await total(), 6);
    const d = new Date(day * 1000);
    await rebuildSpanRollup(db.client, db.caps, d.getUTCFullYear() * 10_000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate(), now);
    assert.equal(await total(), 3);
    await assert.rejects(rebuildSpanRollup(db.client, db.caps, Number(now.toISOString().slice(0, 10).replace(/-/g, '')), now), RangeError);
  });
});
