/**
 * Every query of every dashboard runs against the local stack after demo traffic, with Grafana's macros
 * and variables expanded as Grafana would: Postgres as the SELECT-only hindsight_reader, ClickHouse SQL
 * on the stack's 18.16 server, PromQL through Prometheus's /api/v1/query_range. Each must succeed,
 * return the columns its panel type needs, and return rows.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Client } from 'pg';
import { allDashboards } from '../../dashboards/src/index';
import { createTestDatabase as createPgDatabase, type TestDatabase as PgDatabase } from '../../collector/src/sinks/postgres/test-database';
import { createTestDatabase as createChDatabase, type TestDatabase as ChDatabase } from '../../collector/src/sinks/clickhouse/test-database';
import { waitFor } from '../../collector/src/testing/local-stack';
import { loadStackEndpoints, type StackEndpoints } from '../stack/endpoints';
import { registerScrapeTarget } from '../stack/prometheus-targets';
import { startDemoApp, startDemoCollector, sendPoison, sendTraffic, type DemoApp, type DemoCollector, type Traffic } from './demo-traffic';
import { extractQueries, type DashboardQuery } from './query-extract';
import { expandClickHouse, expandPostgres, expandPrometheus, type Interpolation } from './macro-expand';
import { runClickHouse, runLabelValues, runPostgres, runPrometheus, type QueryResult } from './query-runners';

const suffix = randomBytes(4).toString('hex');
const services = [`billing-api-${suffix}`, `ledger-${suffix}`];
let stack: StackEndpoints;
let pg: PgDatabase;
let ch: ChDatabase;
let reader: Client;
let collector: DemoCollector;
let app: DemoApp | undefined;
const appTarget = `dash-app-${suffix}`;
const unregister: Array<() => void> = [];
const started = new Date();
/** How long the demo traffic may take to show up in each store. */
const DEMO_TIMEOUT_MS = 60_000;

async function promHas(expr: string): Promise<boolean> {
  const r = await fetch(`${stack.prometheus.url}/api/v1/query?${new URLSearchParams({ query: expr }).toString()}`);
  const body = (await r.json()) as { data?: { result?: unknown[] } };
  return (body.data?.result?.length ?? 0) > 0;
}

const traffic: Traffic = { tenant: `tenant-${suffix}`, correlationId: `corr-${suffix}`, runId: `run-${suffix}`, traceId: '', services };

before(async () => {
  stack = loadStackEndpoints();
  pg = await createPgDatabase('dash');
  ch = await createChDatabase('dash');
  reader = await pg.connect(pg.readerUrl);
  collector = await startDemoCollector(stack, suffix, pg.writerUrl, ch.name);
  const target = `dash-${suffix}`;
  unregister.push(registerScrapeTarget(target, `127.0.0.1:${collector.service.port}`));
  const mine = `target_name="${target}"`;
  // An app with the SDK: its log queue overflows in every round, and Prometheus scrapes its drop counter.
  app = await startDemoApp(stack, suffix);
  unregister.push(registerScrapeTarget(appTarget, `127.0.0.1:${app.metricsPort}`));
  const appDrops = `sum(hindsight_sdk_dropped_total{target_name="${appTarget}",kind="logs"})`;

  // Round 1: the flaky sink fails, so writes are retried and its circuit breaker opens.
  collector.flaky.failing = true;
  const dropped1 = app.burst(200);
  assert.ok(dropped1 > 0, `the SDK dropped nothing from a burst larger than its log queue: ${JSON.stringify(app.hs.stats().dropped)}`);
  await sendTraffic(collector, traffic);
  await sendPoison(collector);
  await waitFor('retries and an open breaker scraped', async () =>
    (await promHas(`hindsight_sink_circuit_open{sink="flaky",${mine}} == 1`)) && (await promHas(`hindsight_sink_write_retries_total{${mine}}`)) ? true : undefined, DEMO_TIMEOUT_MS);
  await waitFor('DLQ and RED counters scraped', async () =>
    (await promHas(`hindsight_dlq_messages_total{${mine}}`)) && (await promHas(`hindsight_span_requests_total{${mine}}`)) ? true : undefined, DEMO_TIMEOUT_MS);
  await waitFor('SDK drops scraped', async () => ((await promHas(`${appDrops} >= ${dropped1}`)) ? true : undefined), DEMO_TIMEOUT_MS);
  // Round 2, after Prometheus saw the counters exist: increases now show up in rate()/increase().
  collector.flaky.failing = false;
  const dropped2 = app.burst(200);
  assert.ok(dropped2 > dropped1, 'the second burst was not shed');
  await sendTraffic(collector, { ...traffic });
  await sendPoison(collector);
  await waitFor('second round scraped', async () =>
    (await promHas(`hindsight_dlq_messages_total{${mine}} >= 2`)) && (await promHas(`hindsight_sink_circuit_open{sink="flaky",${mine}} == 0`)) &&
    (await promHas(`${appDrops} >= ${dropped2}`)) ? true : undefined, DEMO_TIMEOUT_MS);
  await waitFor('rows in Postgres', async () => {
    const r = await pg.admin.query('SELECT (SELECT count(*) FROM hindsight.journal_event)::int AS j, (SELECT count(*) FROM hindsight.audit_event)::int AS a');
    return r.rows[0].j >= 10 && r.rows[0].a >= 4 ? true : undefined;
  }, DEMO_TIMEOUT_MS);
  await waitFor('rows in ClickHouse', async () => {
    const rs = await ch.client.query({ query: 'SELECT (SELECT count() FROM spans) AS s, (SELECT count() FROM logs) AS l', format: 'JSONEachRow' });
    const [row] = (await rs.json()) as Array<{ s: string; l: string }>;
    return Number(row?.s) > 0 && Number(row?.l) > 0 ? true : undefined;
  }, DEMO_TIMEOUT_MS);
  // One more scrape interval so the last increments are inside the range.
  await new Promise((r) => setTimeout(r, 2500));
});

after(async () => {
  for (const u of unregister) u();
  await app?.stop();
  await collector?.stop();
  await pg?.drop();
  await ch?.drop();
});

function interpolation(): Interpolation {
  return {
    range: { from: new Date(started.getTime() - 5 * 60_000), to: new Date(Date.now() + 30_000) },
    intervalSeconds: 5,
    scrapeSeconds: 1,
    variables: { service: services, errors_only: ['off'], correlationId: [traffic.correlationId], traceId: [''] },
  };
}

async function run(q: DashboardQuery, i: Interpolation): Promise<QueryResult> {
  if (q.labelValues) return runLabelValues(stack.prometheus.url, q.labelValues.metric, q.labelValues.label, i.range);
  switch (q.datasource) {
    case 'hindsight-postgres':
      return runPostgres(reader, expandPostgres(q.text, i));
    case 'hindsight-clickhouse':
      return runClickHouse(ch.client, expandClickHouse(q.text, i));
    case 'hindsight-prometheus':
      return runPrometheus(stack.prometheus.url, expandPrometheus(q.text, i), i.range, i.intervalSeconds);
    default:
      throw new Error(`${q.where}: unknown datasource ${q.datasource}`);
  }
}

function checkShape(q: DashboardQuery, r: QueryResult): void {
  const names = r.columns.map((c) => c.name);
  switch (q.need) {
    case 'annotation':
      for (const c of ['time', 'timeend', 'text', 'tags']) assert.ok(names.includes(c), `${q.where}: no column ${c} (has ${names.join(', ')})`);
      assert.ok(r.columns.find((c) => c.name === 'time')!.time, `${q.where}: time is not a timestamp`);
      break;
    case 'time+number': {
      const time = r.columns.find((c) => c.time || (c.name === 'time' && c.numeric));
      assert.ok(time, `${q.where}: no time column (has ${names.join(', ')})`);
      assert.ok(r.columns.some((c) => c !== time && c.numeric), `${q.where}: no numeric column besides time`);
      break;
    }
    case 'number':
      assert.ok(r.columns.some((c) => c.numeric), `${q.where}: no numeric column (has ${names.join(', ')})`);
      break;
    default:
      assert.ok(r.columns.length > 0, `${q.where}: no columns`);
  }
}

const queries = Object.entries(allDashboards()).flatMap(([file, d]) => extractQueries(file, d));

for (const q of queries) {
  test(`${q.where} runs and returns what the ${q.source} needs`, async () => {
    const r = await run(q, interpolation());
    checkShape(q, r);
    assert.ok(r.rows > 0, `${q.where}: no rows`);
    if (q.source === 'variable') for (const s of services) assert.ok(r.firstColumn.includes(s), `${q.where}: ${s} missing from ${r.firstColumn.join(', ')}`);
  });
}

test('pipeline and RED panels show this run\'s traffic, not only older series', async () => {
  const i = interpolation();
  const byTitle = (title: string): DashboardQuery => queries.find((q) => q.where.includes(`"${title}"`))!;
  const seriesOf = async (title: string) => (await run(byTitle(title), i)).series ?? [];
  const has = async (title: string, label: string, value: string, nonZero: boolean) => {
    const s = (await seriesOf(title)).filter((x) => x.labels[label] === value);
    assert.ok(s.length > 0, `"${title}": no series with ${label}="${value}"`);
    if (nonZero) assert.ok(s.some((x) => x.nonZero), `"${title}": ${label}="${value}" never above zero`);
  };
  await has('Ingest rate per topic', 'topic', collector.topics.audit, true);
  await has('Consumer lag per topic', 'topic', collector.topics.spans, false);
  await has('Dead-lettered messages', 'topic', collector.topics.audit, true);
  await has('Sink write retries', 'sink', 'flaky', false);
  await has('Sink circuit breakers', 'sink', 'flaky', true);
  await has('Records written per sink', 'sink', 'postgres', true);
  await has('Batch write latency p99', 'sink', 'clickhouse', false);
  await has('Requests per second', 'service', services[0]!, true);
  await has('Error ratio', 'service', services[1]!, true);
});

test('"SDK drops by level" shows this run\'s app shedding DEBUG and INFO logs', async () => {
  // The panel's own query, narrowed to the app started by this test (other apps may be scraped too).
  const i = interpolation();
  const q = queries.find((x) => x.where === 'pipeline-health.json panel "SDK drops by level" A')!;
  assert.ok(q.text.includes('hindsight_sdk_dropped_total['), `unexpected query: ${q.text}`);
  const narrowed = q.text.replaceAll('hindsight_sdk_dropped_total[', `hindsight_sdk_dropped_total{target_name="${appTarget}"}[`);
  const r = await runPrometheus(stack.prometheus.url, expandPrometheus(narrowed, i), i.range, i.intervalSeconds);
  checkShape(q, r);
  for (const level of ['DEBUG', 'INFO']) {
    const s = (r.series ?? []).filter((x) => x.labels['kind'] === 'logs' && x.labels['level'] === level);
    assert.equal(s.length, 1, `no logs/${level} series: ${JSON.stringify(r.series)}`);
    assert.ok(s[0]!.nonZero, `logs/${level} drops never above zero`);
  }
});

test('the errors-only toggle keeps ERROR events only, and the drilldown sees every store', async () => {
  const i = interpolation();
  const table = queries.find((q) => q.where === 'journal.json panel "Journal events" A')!;
  const all = await runPostgres(reader, expandPostgres(table.text, i));
  const errors = await runPostgres(reader, expandPostgres(table.text, { ...i, variables: { ...i.variables, errors_only: ['on'] } }));
  assert.equal(all.rows, 10, 'five journal events per round, two rounds');
  assert.equal(errors.rows, 2, 'one ERROR per round');
  for (const title of ['Audit', 'Journal', 'Spans', 'Logs']) {
    const q = queries.find((x) => x.where === `correlation-drilldown.json panel "${title}" A`)!;
    const other = await run(q, { ...i, variables: { ...i.variables, correlationId: [`corr-none-${suffix}`] } });
    assert.equal(other.rows, 0, `${title}: another correlation id must show nothing`);
  }
});
