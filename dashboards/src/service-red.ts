/**
 * Service RED: rate, errors and duration per service from the RED metrics the collector derives from
 * request spans (collector/src/sinks/prometheus), with journal WARN/ERROR events and run lifecycles
 * from Postgres overlaid as annotations, and the slowest operations from ClickHouse's rollups.
 */
import { DS, UID, dashboard, type JsonObject, type PanelSpec } from './model';
import { promLabelVariable, sqlAnnotation } from './templating';

const sel = 'service=~"$service"';

const panels: PanelSpec[] = [
  {
    type: 'timeseries', title: 'Requests per second', description: 'SERVER/CONSUMER and root spans per second, per service.',
    ds: DS.prometheus, w: 8, h: 8, unit: 'reqps',
    queries: [{ query: `sum by (service) (rate(hindsight_span_requests_total{${sel}}[$__rate_interval]))`, legend: '{{service}}' }],
  },
  {
    type: 'timeseries', title: 'Error ratio', description: 'Share of request spans with OTLP status ERROR, per service.',
    ds: DS.prometheus, w: 8, h: 8, unit: 'percentunit',
    queries: [{
      query: `sum by (service) (rate(hindsight_span_errors_total{${sel}}[$__rate_interval])) / sum by (service) (rate(hindsight_span_requests_total{${sel}}[$__rate_interval]))`,
      legend: '{{service}}',
    }],
  },
  {
    type: 'timeseries', title: 'Duration p50 / p99', description: 'Request span duration percentiles per service (histogram).',
    ds: DS.prometheus, w: 8, h: 8, unit: 's',
    queries: [
      { query: `histogram_quantile(0.5, sum by (service, le) (rate(hindsight_span_duration_seconds_bucket{${sel}}[$__rate_interval])))`, legend: '{{service}} p50' },
      { query: `histogram_quantile(0.99, sum by (service, le) (rate(hindsight_span_duration_seconds_bucket{${sel}}[$__rate_interval])))`, legend: '{{service}} p99' },
    ],
  },
  {
    type: 'timeseries', title: 'Requests per operation', description: 'Request spans per second by operation and status.',
    ds: DS.prometheus, w: 24, h: 8, unit: 'reqps',
    queries: [{ query: `sum by (service, operation, status_code) (rate(hindsight_span_requests_total{${sel}}[$__rate_interval]))`, legend: '{{service}} {{operation}} {{status_code}}' }],
  },
  {
    type: 'table', title: 'Operations by p99 (exact, from ClickHouse rollups)',
    description: 'Every span (not only requests) per service and operation over the time range, from span_rollup_1m.',
    ds: DS.clickhouse, w: 24, h: 9,
    queries: [{
      query: [
        'SELECT service, operation, countMerge(requests) AS request_count, sumMerge(errors) AS error_count,',
        // Aliases differ from the column names: 18.16 resolves an alias before the column of the same name.
        '  round(error_count / request_count, 4) AS error_ratio,',
        '  round(quantilesTDigestMerge(0.5, 0.9, 0.99)(duration_quantiles_ns)[1] / 1000000, 3) AS p50_ms,',
        '  round(quantilesTDigestMerge(0.5, 0.9, 0.99)(duration_quantiles_ns)[3] / 1000000, 3) AS p99_ms,',
        '  round(maxMerge(duration_max_ns) / 1000000, 3) AS max_ms',
        'FROM span_rollup_1m',
        'WHERE $__timeFilter(minute) AND service IN (${service:sqlstring})',
        'GROUP BY service, operation',
        'ORDER BY p99_ms DESC',
        'LIMIT 50',
      ].join('\n'),
    }],
  },
];

const journalProblems = [
  'SELECT ts AS "time", ts AS timeend,',
  "  severity || ' ' || kind || ': ' || summary || ' (correlation ' || correlation_id || ')' AS text,",
  "  concat_ws(',', severity, service, kind) AS tags",
  'FROM hindsight.journal_event',
  "WHERE $__timeFilter(ts) AND severity IN ('WARN', 'ERROR') AND service IN (${service:sqlstring})",
  'ORDER BY ts DESC',
  'LIMIT 500',
].join('\n');

const runLifecycle = [
  'SELECT first_ts AS "time", last_ts AS timeend,',
  "  'run ' || run_id || coalesce(' · ' || scenario, '') || ': ' || event_count || ' events, '",
  "    || warn_count || ' WARN, ' || error_count || ' ERROR' AS text,",
  "  array_to_string(array_prepend('run', tags), ',') AS tags",
  'FROM hindsight.journal_run',
  'WHERE first_ts <= $__timeTo() AND last_ts >= $__timeFrom()',
  'ORDER BY first_ts DESC',
  'LIMIT 200',
].join('\n');

export function serviceRedDashboard(): JsonObject {
  return dashboard({
    uid: UID.red,
    title: 'Hindsight · Service RED',
    description: 'Rate, errors and duration per service, with journal problems and runs as annotations.',
    tags: ['red', 'services'],
    variables: [promLabelVariable('service', 'service', 'hindsight_span_requests_total')],
    annotations: [
      sqlAnnotation('Journal WARN/ERROR', 'red', journalProblems),
      sqlAnnotation('Runs', 'blue', runLifecycle),
    ],
    panels,
    links: [
      { title: 'Journal', type: 'link', url: `/d/${UID.journal}`, keepTime: true },
      { title: 'Pipeline health', type: 'link', url: `/d/${UID.pipeline}`, keepTime: true },
    ],
  });
}
