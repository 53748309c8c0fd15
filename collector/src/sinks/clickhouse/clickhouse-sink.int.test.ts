import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import type { SinkRecord, SpanRow } from '../records';
import { ClickHouseSink } from './clickhouse-sink';
import { parseClickHouseSinkConfig } from './config';
import { bindQuery } from './bound-query';
import { applyMigrations } from './migrations';
import { logsByCorrelation, spanRollup, spansByCorrelation } from './queries';
import { LOGS_COLUMNS, logToRow, SPANS_COLUMNS, spanToRow } from './row-mapping';
import { sqlString } from './sql-literal';
import { createTestDatabase, type TestDatabase } from './test-database';

const hex = (n: number) => randomBytes(n).toString('hex');
let offset = 0;
const origin = () => ({ topic: 'otlp_spans', partition: 0, offset: String(offset++) });

/** One request: a SERVER root, two CLIENT children and a grandchild, one of them failing. */
function requestSpans(correlationId: string, startSeconds: number): SpanRow[] {
  const traceId = hex(16);
  const ids = [hex(8), hex(8), hex(8), hex(8)];
  const ns = (s: number, ms: number) => (BigInt(s) * 1_000_000_000n + BigInt(ms) * 1_000_000n).toString();
  const base = { traceId, correlationId, tenant: 'acme', serviceName: 'orders', statusMessage: '', scopeName: 'test', resourceAttributes: { 'service.name': 'orders' }, events: [] };
  return [
    { ...base, spanId: ids[0]!, parentSpanId: '', name: 'POST /orders', kind: 2, statusCode: 0, startTimeUnixNano: ns(startSeconds, 0), endTimeUnixNano: ns(startSeconds, 90), attributes: { 'hindsight.run_id': 'run-a' } },
    { ...base, spanId: ids[1]!, parentSpanId: ids[0]!, name: 'SELECT stock', kind: 3, statusCode: 0, startTimeUnixNano: ns(startSeconds, 5), endTimeUnixNano: ns(startSeconds, 25), attributes: {} },
    { ...base, spanId: ids[2]!, parentSpanId: ids[0]!, name: 'POST /payments', kind: 3, statusCode: 2, startTimeUnixNano: ns(startSeconds, 30), endTimeUnixNano: ns(startSeconds, 80), attributes: { "quote'd": 'x\\y' } },
    { ...base, spanId: ids[3]!, parentSpanId: ids[2]!, name: 'dns', kind: 1, statusCode: 0, startTimeUnixNano: ns(startSeconds, 31), endTimeUnixNano: ns(startSeconds, 33), attributes: {} },
  ];
}

const asRecords = (spans: SpanRow[]): SinkRecord[] => spans.map((span) => ({ kind: 'span', span, origin: origin() }));

describe('ClickHouse sink on the local stack', () => {
  let db: TestDatabase;
  let sink: ClickHouseSink;
  before(async () => {
    db = await createTestDatabase('sink');
    sink = new ClickHouseSink(parseClickHouseSinkConfig({ url: db.url, database: db.name, minInsertIntervalMs: 0 }));
    await sink.start();
  });
  after(async () => {
    await sink?.shutdown();
    await db?.drop();
  });

  it('migrations applied a second time change nothing', async () => {
    const tables = async () => {
      const rs = await db.client.query({ query: 'SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name', format: 'JSONEachRow' });
      return (await rs.json<{ name: string }>()).map((r) => r.name);
    };
    const before = await tables();
    assert.deepEqual(before, ['logs', 'logs_archive', 'schema_migrations', 'span_rollup_1m', 'span_rollup_1m_mv', 'spans', 'spans_archive']);
    const report = await applyMigrations(db.client, db.caps);
    assert.deepEqual(report.applied, []);
    assert.equal(report.alreadyApplied.length, 5);
    assert.deepEqual(await tables(), before);
    assert.ok(sink.health().ready, sink.health().detail);
  });

  it('a request delivered twice is found once by its correlation id, links intact', async () => {
    const cid = `corr-${hex(6)}`;
    const spans = requestSpans(cid, Math.floor(Date.now() / 1000));
    assert.deepEqual(await sink.write(asRecords(spans)), { status: 'written' });
    assert.deepEqual(await sink.write(asRecords(spans)), { status: 'written' }); // redelivery
    const log = { logId: `log-${hex(6)}`, timeUnixNano: spans[0]!.startTimeUnixNano, observedTimeUnixNano: '0', severityNumber: 9, severityText: 'INFO', body: "it's fine", traceId: spans[0]!.traceId, spanId: spans[0]!.spanId, serviceName: 'orders', correlationId: cid, tenant: 'acme', attributes: {}, resourceAttributes: {} };
    for (let i = 0; i < 2; i++) assert.deepEqual(await sink.write([{ kind: 'log', log, origin: origin() }]), { status: 'written' });

    const found = await spansByCorrelation(db.client, db.caps, cid);
    assert.equal(found.length, 4);
    assert.deepEqual(new Set(found.map((s) => s.span_id)), new Set(spans.map((s) => s.spanId)));
    const byId = new Map(found.map((s) => [s.span_id, s]));
    for (const s of spans) {
      const row = byId.get(s.spanId)!;
      assert.equal(row.parent_span_id, s.parentSpanId);
      assert.equal(row.start_time_ns, s.startTimeUnixNano);
      assert.equal(row.trace_id, s.traceId);
      assert.equal(row.status_code, s.statusCode);
      assert.deepEqual(JSON.parse(row.attributes), s.attributes);
    }
    assert.equal(found[0]!.parent_span_id, '', 'the root starts first');
    const logs = await logsByCorrelation(db.client, db.caps, cid);
    assert.deepEqual(logs.map((l) => l.body), ["it's fine"]);
    // A correlation id that only differs by a quote finds nothing (the id is data, not SQL).
    assert.deepEqual(await spansByCorrelation(db.client, db.caps, `${cid}' OR '1'='1`), []);
  });

  it('every column reads back as the row mapping gives it, for text of every kind and length', async () => {
    const cid = `corr-${hex(6)}-ünï 🙂`;
    const now = Math.floor(Date.now() / 1000);
    const [root, child] = requestSpans(cid, now);
    const spans: SpanRow[] = [
      { ...root!, name: 'quote " backslash \\ tab \t newline \n nul \u0000 ünï 🙂', statusMessage: "it's </script>", attributes: { 'hindsight.run_id': 'run-ü', long: 'ü'.repeat(10_000) } },
      // Longer than 2^53 ns, and a resource shared with the row before it.
      { ...child!, startTimeUnixNano: `${now - 200 * 86_400}000000001`, endTimeUnixNano: `${now}999999999`, events: [{ name: 'retry', timeUnixNano: `${now}000000005`, attributes: { n: 2 } }] },
    ];
    const log = { logId: `log-${hex(6)}`, timeUnixNano: '0', observedTimeUnixNano: `${now}123456789`, severityNumber: 17, severityText: 'ERROR', body: 'é'.repeat(300), traceId: root!.traceId, spanId: root!.spanId, serviceName: 'orders', correlationId: cid, tenant: 'acme', attributes: { 'hindsight.run_id': 'run-ü' }, resourceAttributes: { 'service.name': 'orders' } };
    assert.deepEqual(await sink.write([...asRecords(spans), { kind: 'log', log, origin: origin() }]), { status: 'written' });

    // DateTime columns come back as text in JSON: read as their UInt32 of seconds instead.
    const select = (columns: readonly string[], time: string) => columns.map((c) => (c === time ? `toUInt32(${c}) AS ${c}` : c)).join(', ');
    const read = async (query: string) => (await db.client.query({ ...bindQuery(query, { cid }, db.caps), format: 'JSONEachRow' })).json<Record<string, unknown>>();
    const spanRows = await read(`SELECT ${select(SPANS_COLUMNS, 'start_time')} FROM spans FINAL WHERE correlation_id = {cid:String} ORDER BY span_id`);
    const expected = spans.map((s) => ({ ...spanToRow(s) })).sort((a, b) => (a.span_id < b.span_id ? -1 : 1));
    assert.deepEqual(spanRows, expected);
    const logRows = await read(`SELECT ${select(LOGS_COLUMNS, 'time')} FROM logs FINAL WHERE correlation_id = {cid:String}`);
    assert.deepEqual(logRows, [{ ...logToRow(log) }]);
  });

  it('a write retried after its logs insert failed does not insert its spans again', async () => {
    const service = `svc-${hex(4)}`;
    const now = Math.floor(Date.now() / 1000);
    const spans = requestSpans(`corr-${hex(6)}`, now).map((s) => ({ ...s, serviceName: service }));
    const log = { logId: `log-${hex(6)}`, timeUnixNano: spans[0]!.startTimeUnixNano, observedTimeUnixNano: '0', severityNumber: 9, severityText: 'INFO', body: 'x', traceId: spans[0]!.traceId, spanId: spans[0]!.spanId, serviceName: service, correlationId: '', tenant: 'acme', attributes: {}, resourceAttributes: {} };
    const batch: SinkRecord[] = [...asRecords(spans), { kind: 'log', log, origin: origin() }];
    // The spans insert succeeds, then the logs insert fails (missing table: transient).
    await db.client.command({ query: 'RENAME TABLE logs TO logs_away' });
    let first;
    try {
      first = await sink.write(batch);
    } finally {
      await db.client.command({ query: 'RENAME TABLE logs_away TO logs' });
    }
    assert.equal(first.status, 'retry');
    assert.deepEqual(await sink.write(batch), { status: 'written' });
    // The rollup view sums every insert: a second insert of the spans would count them twice.
    const rollup = await spanRollup(db.client, db.caps, { fromSeconds: now - 600, toSeconds: now + 600, service });
    assert.equal(rollup.reduce((n, r) => n + Number(r.requests), 0), spans.length);
  });

  it('rows the server refuses are isolated by halving: the others are stored once, only the refused come back', async () => {
    const service = `svc-${hex(4)}`;
    const now = Math.floor(Date.now() / 1000);
    const spans: SpanRow[] = [];
    for (let i = 0; i < 4; i++) for (const s of requestSpans(`corr-${hex(6)}`, now)) spans.push({ ...s, serviceName: service });
    const poisoned = new Set([spans[5]!.spanId, spans[14]!.spanId]);
    for (const s of spans) if (poisoned.has(s.spanId)) s.name = 'poison';
    // A column the sink does not write, whose DEFAULT the server computes at insert: it cannot parse
    // 'x' as a number, so any insert holding a `poison` row is refused whole (CANNOT_PARSE_TEXT, code 6),
    // as the server refuses a value it cannot store.
    await db.client.command({ query: "ALTER TABLE spans ADD COLUMN refusal_probe UInt8 DEFAULT toUInt8(if(operation = 'poison', 'x', '0'))" });
    let result;
    try {
      result = await sink.write(asRecords(spans));
    } finally {
      await db.client.command({ query: 'ALTER TABLE spans DROP COLUMN refusal_probe' });
    }
    // A refusal taken for a transient failure would come back as `retry`, and be retried for ever.
    assert.equal(result.status, 'partial', result.status === 'retry' ? `retry: ${result.error.message}` : undefined);
    const rejected = result.status === 'partial' ? result.rejected : [];
    assert.deepEqual(new Set(rejected.map((r) => (r.record.kind === 'span' ? r.record.span.spanId : ''))), poisoned);
    assert.equal(rejected.length, poisoned.size);
    for (const { error } of rejected) {
      assert.equal(error.code, 'CLICKHOUSE_ROW_REJECTED');
      assert.match(error.message, /server error 6\b/);
    }
    // Every other row once: counted without FINAL, so a row inserted twice (and merged away later) shows.
    const rs = await db.client.query({ ...bindQuery('SELECT span_id FROM spans WHERE service = {service:String}', { service }, db.caps), format: 'JSONEachRow' });
    const stored = (await rs.json<{ span_id: string }>()).map((r) => r.span_id).sort();
    assert.deepEqual(stored, spans.filter((s) => !poisoned.has(s.spanId)).map((s) => s.spanId).sort());
    // A refused insert stores nothing, in the table or in the rollup its view feeds.
    const rollup = await spanRollup(db.client, db.caps, { fromSeconds: now - 600, toSeconds: now + 600, service });
    assert.equal(rollup.reduce((n, r) => n + Number(r.requests), 0), spans.length - poisoned.size);
  });

  describe('spans that may be redelivered are looked up, so the rollup counts each once', () => {
    // Each test has partitions of its own: the sink judges redelivery per partition from the offsets.
    let partition = 1000;
    const onPartition = (spans: SpanRow[], p: number, firstOffset: number): SinkRecord[] =>
      spans.map((span, i) => ({ kind: 'span', span, origin: { topic: 'otlp_spans', partition: p, offset: String(firstOffset + i) } }));
    const serviceSpans = (service: string, now: number, requests: number) => {
      const spans: SpanRow[] = [];
      for (let i = 0; i < requests; i++) for (const s of requestSpans(`corr-${hex(6)}`, now)) spans.push({ ...s, serviceName: service });
      return spans;
    };
    const requestsCounted = async (service: string, now: number) =>
      (await spanRollup(db.client, db.caps, { fromSeconds: now - 600, toSeconds: now + 600, service })).reduce((n, r) => n + Number(r.requests), 0);
    /** A second sink on the same database, as a collector restarted after a crash, for the duration of `fn`. */
    const withRestartedSink = async (metrics: Registry, fn: (restarted: ClickHouseSink) => Promise<void>) => {
      const restarted = new ClickHouseSink(parseClickHouseSinkConfig({ url: db.url, database: db.name, minInsertIntervalMs: 0 }), 'clickhouse', metrics);
      await restarted.start();
      try {
        await fn(restarted);
      } finally {
        await restarted.shutdown();
      }
    };
    const skippedMetric = async (metrics: Registry) => (await metrics.getSingleMetric('hindsight_sink_redelivered_skipped_total')!.get()).values.reduce((n, v) => n + v.value, 0);

    it('after a restart: the spans the last consumer stored are skipped, the rest of the run is written', async () => {
      const service = `svc-${hex(4)}`;
      const now = Math.floor(Date.now() / 1000);
      const p = partition++;
      const spans = serviceSpans(service, now, 3); // 12 spans at offsets 0..11
      const before = onPartition(spans, p, 0);
      assert.deepEqual(await sink.write(before.slice(0, 8)), { status: 'written' }); // stored, never committed
      const metrics = new Registry();
      await withRestartedSink(metrics, async (restarted) => {
        // Redelivered from the last commit (offset 0): 8 spans stored already, 4 never written.
        assert.deepEqual(await restarted.write(before), { status: 'written' });
        assert.equal(await requestsCounted(service, now), 12);
        assert.equal(await skippedMetric(metrics), 8);
        assert.equal(restarted.redeliveryLookups, 2, 'the earliest span of the partition, then the rest of its run');
        // The last write found stored spans: the next is looked up, finds none and ends the doubt.
        const more = serviceSpans(service, now, 1);
        assert.deepEqual(await restarted.write(onPartition(more, p, 12)), { status: 'written' });
        assert.equal(restarted.redeliveryLookups, 3);
        const steady = serviceSpans(service, now, 1);
        assert.deepEqual(await restarted.write(onPartition(steady, p, 16)), { status: 'written' });
        assert.equal(restarted.redeliveryLookups, 3, 'offsets that follow on are not looked up');
        assert.equal(await requestsCounted(service, now), 20);
      });
    });

    it('a restart that lost nothing costs one lookup of a span per partition', async () => {
      const service = `svc-${hex(4)}`;
      const now = Math.floor(Date.now() / 1000);
      const [p, q] = [partition++, partition++];
      const metrics = new Registry();
      await withRestartedSink(metrics, async (restarted) => {
        const spans = serviceSpans(service, now, 4);
        assert.deepEqual(await restarted.write([...onPartition(spans.slice(0, 8), p, 50), ...onPartition(spans.slice(8), q, 70)]), { status: 'written' });
        assert.equal(restarted.redeliveryLookups, 1);
        assert.equal(await requestsCounted(service, now), 16);
        assert.equal(await skippedMetric(metrics), 0);
      });
    });

    it('consumed again in the same process (a restarted consumer resumes at the commit): counted once', async () => {
      const service = `svc-${hex(4)}`;
      const now = Math.floor(Date.now() / 1000);
      const p = partition++;
      const spans = serviceSpans(service, now, 2);
      const records = onPartition(spans, p, 0);
      assert.deepEqual(await sink.write(records.slice(0, 4)), { status: 'written' });
      assert.deepEqual(await sink.write(records.slice(4)), { status: 'written' });
      const lookups = sink.redeliveryLookups;
      assert.deepEqual(await sink.write(records), { status: 'written' }); // offsets back to 0
      assert.ok(sink.redeliveryLookups > lookups);
      assert.equal(await requestsCounted(service, now), 8);
      const rs = await db.client.query({ ...bindQuery('SELECT count() AS n FROM spans WHERE service = {service:String}', { service }, db.caps), format: 'JSONEachRow' });
      assert.equal(Number((await rs.json<{ n: string }>())[0]!.n), 8, 'no raw row inserted twice either');
    });
  });

  it('rollups agree with the raw rows', async () => {
    const service = `svc-${hex(4)}`;
    const minute = Math.floor(Date.now() / 60_000) * 60 - 120;
    const spans: SpanRow[] = [];
    for (let i = 0; i < 60; i++) {
      for (const s of requestSpans(`corr-${hex(6)}`, minute + (i % 3) * 60 + (i % 50))) spans.push({ ...s, serviceName: service });
    }
    assert.deepEqual(await sink.write(asRecords(spans)), { status: 'written' });

    const rollup = await spanRollup(db.client, db.caps, { fromSeconds: minute, toSeconds: minute + 600, service });
    const rs = await db.client.query({
      query: `SELECT toUInt32(toStartOfMinute(start_time)) AS minute, operation, count() AS requests, sum(status_code = 2) AS errors,
                     sum(duration_ns) AS duration_sum_ns, max(duration_ns) AS duration_max_ns
              FROM spans FINAL WHERE service = ${sqlString(service)} GROUP BY minute, operation ORDER BY operation, minute`,
      format: 'JSONEachRow',
    });
    const raw = await rs.json<{ minute: number; operation: string; requests: string; errors: string; duration_sum_ns: string; duration_max_ns: string }>();
    assert.equal(raw.length, 12, '4 operations x 3 minutes');
    assert.deepEqual(
      rollup.map((r) => [r.minute, r.operation, Number(r.requests), Number(r.errors), r.duration_sum_ns, r.duration_max_ns]),
      raw.map((r) => [Number(r.minute), r.operation, Number(r.requests), Number(r.errors), r.duration_sum_ns, r.duration_max_ns]),
    );
    assert.equal(rollup.reduce((n, r) => n + Number(r.requests), 0), spans.length);
    for (const r of rollup) {
      const [p50, , p99] = r.duration_quantiles_ns;
      assert.ok(p50! > 0 && p50! <= p99! && p99! <= Number(r.duration_max_ns) * 1.0001, JSON.stringify(r));
    }
  });
});
