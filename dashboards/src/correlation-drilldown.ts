/**
 * Correlation drilldown: everything one correlation id left behind (audit and journal from Postgres,
 * spans and logs from ClickHouse). A correlation id is unique, so the panels ignore the time picker
 * and show the whole history. Trace ids link back to this dashboard narrowed to that trace.
 */
import { API_URL, DS, UID, apiLink, dashboard, drilldownLink, type JsonObject, type Link, type PanelSpec } from './model';
import { textboxVariable } from './templating';

const corr = '${correlationId:sqlstring}';
/** Empty `traceId` shows every trace of the correlation. */
const traceFilter = "(${traceId:sqlstring} = '' OR trace_id = ${traceId:sqlstring})";

const traceLink: Link = {
  title: 'Only this trace',
  url: `/d/${UID.drilldown}?var-correlationId=\${correlationId}&var-traceId=\${__value.raw}&\${__url_time_range}`,
};
const journalLink: Link = { title: 'Journal around this', url: `/d/${UID.journal}?\${__url_time_range}` };

const audit = [
  'SELECT ts AS "time", tenant, seq, actor_id, actor_type, action, resource_type, resource_id, outcome, reason,',
  '  service, causation_id, trace_id, event_id',
  'FROM hindsight.audit_event',
  `WHERE correlation_id = ${corr}`,
  'ORDER BY ts, seq',
  'LIMIT 1000',
].join('\n');

const journal = [
  'SELECT ts AS "time", severity, service, scope, run_id, kind, summary, causation_id, trace_id, event_id',
  'FROM hindsight.journal_event',
  `WHERE correlation_id = ${corr}`,
  'ORDER BY ts, event_id',
  'LIMIT 1000',
].join('\n');

const spans = [
  'SELECT start_time AS time, service, operation, duration_ns / 1000000 AS duration_ms,',
  "  multiIf(status_code = 2, 'ERROR', status_code = 1, 'OK', 'UNSET') AS status, status_message,",
  '  kind, trace_id, span_id, parent_span_id, run_id',
  'FROM spans FINAL',
  `WHERE correlation_id = ${corr} AND ${traceFilter}`,
  'ORDER BY start_time_ns',
  'LIMIT 2000',
].join('\n');

const spanDurations = [
  'SELECT start_time AS time, service, duration_ns / 1000000 AS duration_ms',
  'FROM spans FINAL',
  `WHERE correlation_id = ${corr} AND ${traceFilter}`,
  'ORDER BY start_time_ns',
  'LIMIT 2000',
].join('\n');

const logs = [
  'SELECT time, severity_text, service, body, trace_id, span_id, log_id',
  'FROM logs FINAL',
  `WHERE correlation_id = ${corr} AND ${traceFilter}`,
  'ORDER BY time_ns',
  'LIMIT 2000',
].join('\n');

const panels: PanelSpec[] = [
  {
    type: 'table', title: 'Audit', description: 'Audit events of this correlation, in chain order.',
    ds: DS.postgres, w: 24, h: 7, queries: [{ query: audit }], fieldLinks: { trace_id: [traceLink] },
  },
  {
    type: 'table', title: 'Journal', description: 'Journal events of this correlation.',
    ds: DS.postgres, w: 24, h: 7, queries: [{ query: journal }], fieldLinks: { trace_id: [traceLink], run_id: [journalLink] },
  },
  {
    type: 'timeseries', title: 'Span durations', description: 'Duration of each span of the correlation (or of the chosen trace), per service.',
    ds: DS.clickhouse, w: 24, h: 7, unit: 'ms', queries: [{ query: spanDurations }],
    options: { drawStyle: 'points' },
  },
  {
    type: 'table', title: 'Spans', description: 'Spans in start order; duplicates from redelivery are collapsed (FINAL).',
    ds: DS.clickhouse, w: 24, h: 9, unit: 'none', queries: [{ query: spans }], fieldLinks: { trace_id: [traceLink] },
  },
  {
    type: 'table', title: 'Logs', description: 'Log records of this correlation, oldest first.',
    ds: DS.clickhouse, w: 24, h: 9, queries: [{ query: logs }], fieldLinks: { trace_id: [traceLink] },
  },
];

export function correlationDrilldownDashboard(): JsonObject {
  return dashboard({
    uid: UID.drilldown,
    title: 'Hindsight · Correlation drilldown',
    description: 'Audit, journal, spans and logs of one correlation id.',
    tags: ['drilldown'],
    time: { from: 'now-24h', to: 'now' },
    variables: [
      textboxVariable('correlationId', 'correlation id', 'The correlation id to show (set by links from other dashboards).'),
      textboxVariable('traceId', 'trace id', 'Optional: only this trace (empty: all traces of the correlation).'),
    ],
    panels,
    links: [
      { title: 'Timeline in the API (JSON)', type: 'link', url: `${API_URL}/api/correlations/\${correlationId}`, targetBlank: true },
      { title: 'Journal', type: 'link', url: `/d/${UID.journal}`, keepTime: true },
    ],
  });
}

// Re-exported so other dashboards and tests name one source for the link shapes.
export { apiLink, drilldownLink };
