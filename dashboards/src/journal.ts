/**
 * Journal: what the applications said happened (JournalEvent rows in Postgres), as annotations and
 * as a table whose correlation ids lead to the drilldown and the API.
 */
import { DS, UID, apiLink, dashboard, drilldownLink, type JsonObject, type PanelSpec } from './model';
import { customVariable, sqlAnnotation, sqlVariable } from './templating';

/**
 * The filters every panel shares. `errors_only` is a toggle: `on` keeps ERROR events only. Grafana
 * interpolates the variables before the macros, as the test does.
 */
const filters = "$__timeFilter(ts) AND service IN (${service:sqlstring}) AND (${errors_only:sqlstring} = 'off' OR severity = 'ERROR')";

const eventsTable = [
  'SELECT ts AS "time", severity, service, scope, run_id, kind, summary, correlation_id, tenant, actor_id, event_id',
  'FROM hindsight.journal_event',
  `WHERE ${filters}`,
  'ORDER BY ts DESC, event_id DESC',
  'LIMIT 500',
].join('\n');

const perInterval = [
  'SELECT $__timeGroupAlias(ts, $__interval), severity AS metric, count(*) AS events',
  'FROM hindsight.journal_event',
  `WHERE ${filters}`,
  'GROUP BY 1, 2',
  'ORDER BY 1',
].join('\n');

const runsTable = [
  'SELECT run_id, tenant, scenario, test_plan, array_to_string(tags, \',\') AS tags, first_ts, last_ts,',
  '  event_count, warn_count, error_count, pinned, pin_mode',
  'FROM hindsight.journal_run',
  'WHERE first_ts <= $__timeTo() AND last_ts >= $__timeFrom()',
  'ORDER BY last_ts DESC',
  'LIMIT 200',
].join('\n');

const severityCounts = [
  "SELECT count(*) FILTER (WHERE severity = 'WARN') AS warn, count(*) FILTER (WHERE severity = 'ERROR') AS error",
  'FROM hindsight.journal_event',
  `WHERE ${filters}`,
].join('\n');

const panels: PanelSpec[] = [
  {
    type: 'stat', title: 'WARN / ERROR events', description: 'Journal events of severity WARN and ERROR in the time range.',
    ds: DS.postgres, w: 6, h: 8, queries: [{ query: severityCounts }],
    options: { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'value', graphMode: 'none', textMode: 'value_and_name' },
  },
  {
    type: 'timeseries', title: 'Journal events by severity', description: 'Events per interval, one series per severity.',
    ds: DS.postgres, w: 18, h: 8, unit: 'short', queries: [{ query: perInterval }],
  },
  {
    type: 'table', title: 'Journal events',
    description: 'Newest first (500 at most). Click a correlation id for the drilldown or the API timeline.',
    ds: DS.postgres, w: 24, h: 12, queries: [{ query: eventsTable }],
    fieldLinks: { correlation_id: [drilldownLink(), apiLink()] },
  },
  {
    type: 'table', title: 'Runs', description: 'Runs active in the time range, with their counts and pin state.',
    ds: DS.postgres, w: 24, h: 8, queries: [{ query: runsTable }],
  },
];

const annotationSql = [
  'SELECT ts AS "time", ts AS timeend,',
  "  severity || ' ' || service || ' ' || kind || ': ' || summary AS text,",
  "  concat_ws(',', severity, service, scope, kind) AS tags",
  'FROM hindsight.journal_event',
  `WHERE ${filters} AND severity IN ('WARN', 'ERROR')`,
  'ORDER BY ts DESC',
  'LIMIT 500',
].join('\n');

export function journalDashboard(): JsonObject {
  return dashboard({
    uid: UID.journal,
    title: 'Hindsight · Journal',
    description: 'Journal events and runs from Postgres; WARN/ERROR events as annotations.',
    tags: ['journal'],
    variables: [
      sqlVariable('service', 'service', DS.postgres,
        'SELECT DISTINCT service FROM hindsight.journal_event WHERE $__timeFilter(ts) ORDER BY 1'),
      customVariable('errors_only', 'errors only', ['off', 'on'], 'on: show ERROR events only'),
    ],
    annotations: [sqlAnnotation('Journal WARN/ERROR', 'red', annotationSql)],
    panels,
    links: [
      { title: 'Correlation drilldown', type: 'link', url: `/d/${UID.drilldown}`, keepTime: true },
      { title: 'Service RED', type: 'link', url: `/d/${UID.red}`, keepTime: true },
    ],
  });
}
