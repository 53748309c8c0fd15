/** The demo's printed summary: traffic outcomes, counts per store, and where to look next. */
import type { StackEndpoints } from '../../test/stack/endpoints';
import type { DemoCollector } from './collector';
import type { StoreCounts } from './store-counts';
import type { TrafficStats } from './traffic';
import { SERVICE_NAME, type SampleService } from './sample-service';

export const say = (line = '') => process.stdout.write(`${line}\n`);

export function trafficLines(s: TrafficStats, seconds: number): string[] {
  return [
    `  ${s.responses} responses in ${seconds.toFixed(1)} s (${Math.round(s.responses / Math.max(seconds, 0.001))} req/s): ` +
      `${s.ok} ok, ${s.denied} denied, ${s.failed} failed, ${s.retried} retried after 503; ${s.ordersCreated} orders created, ${s.auditEvents} audit events acknowledged` +
      (s.unexpected > 0 ? `; ${s.unexpected} unexpected answers (see the service log)` : ''),
  ];
}

/** One line per store; the e2e test reads the numbers back from these lines. */
export function countLines(c: StoreCounts, since: Date): string[] {
  return [
    `Stores (service ${SERVICE_NAME}, rows since ${since.toISOString().slice(11, 19)} UTC):`,
    `  Postgres    audit_event ${c.audit} | journal_event ${c.journal} | journal_run ${c.runs}`,
    `  ClickHouse  spans ${c.spans} | logs ${c.logs}`,
    `  Prometheus  collector series ${c.collectorSeries} | RED series ${c.redSeries} (${c.redRequests} requests) | service series ${c.serviceSeries}`,
  ];
}

export function urlLines(opts: {
  stack: StackEndpoints;
  collector: DemoCollector;
  service: SampleService;
  correlationId: string;
  workDir: string;
}): string[] {
  const { stack, collector, service, correlationId } = opts;
  const expr = `sum by (operation, status_code) (rate(hindsight_span_requests_total{service="${SERVICE_NAME}"}[1m]))`;
  const api = collector.api === undefined
    ? '  Operator API       not served by this collector build (no `api` section in its config schema yet)'
    : `  Operator API       ${collector.api.url}/api/correlations/${correlationId}\n` +
      `                     curl -H 'authorization: Bearer ${collector.api.token}' ${collector.api.url}/api/journal?severity=ERROR`;
  const reader = new URL(stack.postgres.url);
  reader.username = 'hindsight_reader';
  return [
    'URLs:',
    `  Prometheus         ${stack.prometheus.url}/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=0&g0.range_input=5m`,
    api,
    `  Collector          http://127.0.0.1:${collector.metricsPort}/metrics  (/readyz, /healthz; config ${collector.configFile})`,
    `  Sample service     ${service.url}/orders  (its metrics: http://${service.metricsTarget}/metrics)`,
    `  Postgres (SQL)     psql ${reader} -c "SELECT ts, actor_id, action, outcome FROM hindsight.audit_event WHERE correlation_id = '${correlationId}'"`,
    `  ClickHouse (SQL)   ${stack.clickhouse.url}/?query=${encodeURIComponent(`SELECT operation, count() FROM hindsight.spans WHERE service = '${SERVICE_NAME}' GROUP BY operation`)}`,
    `  Logs               ${opts.workDir}/collector.log, ${opts.workDir}/service.log`,
  ];
}
