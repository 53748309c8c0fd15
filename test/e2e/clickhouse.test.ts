// ClickHouse issue 6 on the local stack: spans of one request from the SDK are found in ClickHouse by
// the request's correlation id with the right parent/child links, and the per-minute rollups agree
// with the raw rows.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanStatusCode, type Span } from '@opentelemetry/api';
import { withContext, type Hindsight } from '@hindsight/sdk';
import { CollectorProcess, writeCollectorConfig } from './harness/collector';
import { startSdk } from './harness/sdk';
import { clickHouseDatabase, createTopics, figures, sleep, uniqueSuffix, waitFor, type E2eClickHouse, type E2eTopics } from './harness/stack';

let topics: E2eTopics;
let ch: E2eClickHouse;
let hs: Hindsight;
let collector: CollectorProcess;

before(async () => {
  topics = await createTopics('ch');
  ch = clickHouseDatabase('ch');
  collector = await CollectorProcess.start(writeCollectorConfig({ topics, clickhouse: { url: ch.url, database: ch.database } }).path);
  hs = startSdk('e2e-shop', topics);
});

after(async () => {
  await hs?.shutdown();
  const code = await collector?.stop();
  await ch?.drop();
  assert.equal(code, 0);
});

const rows = async <T>(query: string): Promise<T[]> => (await (await ch.client.query({ query, format: 'JSONEachRow' })).json()) as T[];

test('the spans of one request are found in ClickHouse by its correlation id, with the right parent/child links', async () => {
  const correlationId = `req-${uniqueSuffix()}`;
  const made: Record<string, { traceId: string; spanId: string }> = {};
  const child = async (name: string, fn: () => Promise<void> = async () => sleep(2)): Promise<void> =>
    hs.tracer.startActiveSpan(name, async (span: Span) => {
      made[name] = span.spanContext();
      await fn();
      span.end();
    });
  await withContext({ correlationId, tenant: 'globex' }, () =>
    child('POST /checkout', async () => {
      await child('db.select cart');
      await child('payment.authorize', () => child('fraud.score'));
      hs.logger.warn({ order: 7 }, 'payment slow');
    }),
  );
  // Another request at the same time must not appear in this drilldown.
  await withContext({ correlationId: `other-${uniqueSuffix()}` }, () => child('GET /health'));
  assert.equal(await hs.flush(), true);

  type Row = { trace_id: string; span_id: string; parent_span_id: string; operation: string; service: string; tenant: string };
  const stored = await waitFor('the request\'s 4 spans', async () => {
    const r = await rows<Row>(`SELECT trace_id, span_id, parent_span_id, operation, service, tenant FROM spans FINAL WHERE correlation_id = '${correlationId}' ORDER BY start_time_ns, span_id`);
    return r.length >= 4 ? r : undefined;
  });
  const by = Object.fromEntries(stored.map((r) => [r.operation, r]));
  const root = made['POST /checkout'];
  assert.ok(root);
  assert.deepEqual(stored.map((r) => r.operation).sort(), ['POST /checkout', 'db.select cart', 'fraud.score', 'payment.authorize']);
  for (const r of stored) {
    assert.equal(r.trace_id, root.traceId, `${r.operation}: one trace`);
    assert.equal(r.span_id, made[r.operation]?.spanId, `${r.operation}: the span id the app saw`);
    assert.equal(r.service, 'e2e-shop');
    assert.equal(r.tenant, 'globex');
  }
  assert.equal(by['POST /checkout']?.parent_span_id, '', 'the request span is the root');
  assert.equal(by['db.select cart']?.parent_span_id, root.spanId);
  assert.equal(by['payment.authorize']?.parent_span_id, root.spanId);
  assert.equal(by['fraud.score']?.parent_span_id, made['payment.authorize']?.spanId, 'grandchild under its own parent');
  const logs = await waitFor('the request\'s log', async () => {
    const r = await rows<{ trace_id: string; span_id: string }>(`SELECT trace_id, span_id FROM logs FINAL WHERE correlation_id = '${correlationId}'`);
    return r.length >= 1 ? r : undefined;
  });
  assert.deepEqual(logs, [{ trace_id: root.traceId, span_id: root.spanId }], 'the log line is tied to the span it was written in');
  figures('ch-drilldown', { spans_sent: 4, spans_stored: stored.length, logs_stored: logs.length, duplicates: stored.length - new Set(stored.map((r) => r.span_id)).size });
});

test('per-minute rollups agree with the raw rows', async () => {
  const service = 'e2e-shop';
  const operations = ['GET /cart', 'POST /order', 'GET /item'];
  const base = Math.floor(Date.now() / 60_000) * 60_000 - 3 * 60_000; // three whole minutes back
  const n = 150;
  for (let i = 0; i < n; i++) {
    const start = base + ((i * 997) % (3 * 60_000)); // spread over three minutes
    const durationMs = 1 + ((i * 37) % 250);
    const span = hs.tracer.startSpan(operations[i % 3] as string, { startTime: start, kind: 1 });
    if (i % 7 === 0) span.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
    span.end(start + durationMs);
  }
  assert.equal(await hs.flush(), true);
  const expectedTotal = n + 5; // and the previous test's spans of this service
  await waitFor(`${expectedTotal} spans`, async () => {
    const [r] = await rows<{ n: string }>(`SELECT count() AS n FROM spans FINAL WHERE service = '${service}'`);
    return Number(r?.n) >= expectedTotal ? true : undefined;
  });
  type Agg = { minute: string; operation: string; requests: string; errors: string; duration_sum_ns: string; duration_max_ns: string };
  const raw = await rows<Agg>(`
    SELECT toString(toStartOfMinute(start_time)) AS minute, operation, toString(count()) AS requests,
           toString(sum(toUInt64(status_code = 2))) AS errors, toString(sum(duration_ns)) AS duration_sum_ns, toString(max(duration_ns)) AS duration_max_ns
    FROM spans FINAL WHERE service = '${service}' GROUP BY minute, operation ORDER BY minute, operation`);
  const rollup = await rows<Agg & { p50: number; p99: number }>(`
    SELECT toString(minute) AS minute, operation, toString(countMerge(requests)) AS requests, toString(sumMerge(errors)) AS errors,
           toString(sumMerge(duration_sum_ns)) AS duration_sum_ns, toString(maxMerge(duration_max_ns)) AS duration_max_ns,
           quantilesTDigestMerge(0.5, 0.9, 0.99)(duration_quantiles_ns)[1] AS p50, quantilesTDigestMerge(0.5, 0.9, 0.99)(duration_quantiles_ns)[3] AS p99
    FROM span_rollup_1m WHERE service = '${service}' GROUP BY minute, operation ORDER BY minute, operation`);
  assert.ok(raw.length >= 9, `three operations over at least three minutes (${raw.length} groups)`);
  assert.deepEqual(rollup.map(({ p50: _p50, p99: _p99, ...rest }) => rest), raw, 'rollup counts, errors, duration sums and maxima equal the raw rows');
  for (const r of rollup) assert.ok(r.p50 <= r.p99 && r.p99 <= Number(r.duration_max_ns) * 1.0001, `quantiles bounded by the max (${r.operation} ${r.minute})`);
  const totals = raw.reduce((t, r) => ({ requests: t.requests + Number(r.requests), errors: t.errors + Number(r.errors) }), { requests: 0, errors: 0 });
  figures('ch-rollup', { spans_sent: expectedTotal, raw_requests: totals.requests, raw_errors: totals.errors, groups: raw.length, rollup_groups: rollup.length });
  assert.equal(totals.requests, expectedTotal);
});
