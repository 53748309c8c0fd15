/**
 * The slice of Grafana's dashboard JSON model (schemaVersion 39, Grafana 11) the Hindsight dashboards
 * use, and small builders for it. The builders emit plain JSON: what is committed under dashboards/
 * is exactly what Grafana's file provider loads.
 */

/** Provisioned datasources (grafana/provisioning/datasources/hindsight.yaml); uids are fixed. */
export const DS = {
  postgres: { type: 'grafana-postgresql-datasource', uid: 'hindsight-postgres' },
  prometheus: { type: 'prometheus', uid: 'hindsight-prometheus' },
  clickhouse: { type: 'grafana-clickhouse-datasource', uid: 'hindsight-clickhouse' },
} as const;

export type Datasource = (typeof DS)[keyof typeof DS];
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Uid of each dashboard; links between dashboards use them, so they never change. */
export const UID = {
  pipeline: 'hindsight-pipeline-health',
  red: 'hindsight-service-red',
  journal: 'hindsight-journal',
  drilldown: 'hindsight-correlation',
} as const;

/**
 * Where the operator API answers, as seen from the operator's browser. The API is served by the
 * collector (collector/src/api) on its default port 9470 (`api.port`); docs/dashboards.md says how to change it.
 */
export const API_URL = 'http://localhost:9470';

/** Grafana's ClickHouse plugin (v4) query formats. */
export const CH_FORMAT = { timeSeries: 0, table: 1 } as const;

export type PanelType = 'timeseries' | 'table' | 'stat';

/** A query of a panel, annotation or variable, in the shape its datasource plugin stores. */
export function target(ds: Datasource, query: string, format: 'table' | 'time_series', refId = 'A', legend?: string): JsonObject {
  switch (ds.uid) {
    case DS.prometheus.uid:
      return { refId, datasource: { ...ds }, editorMode: 'code', expr: query, legendFormat: legend ?? '__auto', range: true, instant: false };
    case DS.postgres.uid:
      return { refId, datasource: { ...ds }, editorMode: 'code', rawQuery: true, format, rawSql: query };
    default:
      return {
        refId,
        datasource: { ...ds },
        editorType: 'sql',
        queryType: format === 'table' ? 'table' : 'timeseries',
        format: format === 'table' ? CH_FORMAT.table : CH_FORMAT.timeSeries,
        rawSql: query,
      };
  }
}

/** A data link; `${__value.raw}` is the clicked cell's value. */
export interface Link {
  title: string;
  url: string;
  targetBlank?: boolean;
}

export const drilldownLink = (value = '${__value.raw}'): Link => ({
  title: 'Correlation drilldown',
  // Keep the time range so the operator lands on the same window.
  url: `/d/${UID.drilldown}?var-correlationId=${value}&\${__url_time_range}`,
});

export const apiLink = (value = '${__value.raw}'): Link => ({
  title: 'Timeline in the API (JSON)',
  url: `${API_URL}/api/correlations/${value}`,
  targetBlank: true,
});

export interface PanelSpec {
  type: PanelType;
  title: string;
  description: string;
  ds: Datasource;
  /** Queries; for SQL the whole text, for Prometheus a PromQL expression. */
  queries: Array<{ query: string; legend?: string }>;
  /** Width in grid columns (24 per row) and height in rows. */
  w: number;
  h: number;
  unit?: string;
  /** Data links per field name (table columns). */
  fieldLinks?: Record<string, Link[]>;
  /** Value → text/colour mappings (stat panels). */
  mappings?: Array<{ value: string; text: string; color: string }>;
  options?: JsonObject;
}

const linkJson = (l: Link): JsonObject => ({ title: l.title, url: l.url, ...(l.targetBlank ? { targetBlank: true } : {}) });

/** Lays panels out left to right, wrapping at 24 columns; ids are the panel's position. */
export function layout(specs: PanelSpec[]): JsonObject[] {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  return specs.map((s, i) => {
    if (x + s.w > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const gridPos = { x, y, w: s.w, h: s.h };
    x += s.w;
    rowHeight = Math.max(rowHeight, s.h);
    const format = s.type === 'timeseries' ? 'time_series' : 'table';
    const mappings: Json[] = (s.mappings ?? []).length === 0 ? [] : [{
      type: 'value',
      options: Object.fromEntries((s.mappings ?? []).map((m, idx) => [m.value, { text: m.text, color: m.color, index: idx }])),
    }];
    const overrides: Json[] = Object.entries(s.fieldLinks ?? {}).map(([field, links]) => ({
      matcher: { id: 'byName', options: field },
      properties: [{ id: 'links', value: links.map(linkJson) }],
    }));
    return {
      id: i + 1,
      type: s.type,
      title: s.title,
      description: s.description,
      gridPos,
      datasource: { ...s.ds },
      targets: s.queries.map((q, qi) => target(s.ds, q.query, s.ds === DS.prometheus ? 'time_series' : format, String.fromCharCode(65 + qi), q.legend)),
      fieldConfig: { defaults: { ...(s.unit ? { unit: s.unit } : {}), mappings }, overrides },
      options: s.options ?? {},
    };
  });
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  time?: { from: string; to: string };
  variables?: JsonObject[];
  annotations?: JsonObject[];
  links?: JsonObject[];
  panels: PanelSpec[];
}

/** The complete dashboard JSON, with the fields Grafana's file provider expects. */
export function dashboard(spec: DashboardSpec): JsonObject {
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ['hindsight', ...spec.tags],
    editable: false,
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    timezone: 'browser',
    refresh: '30s',
    time: spec.time ?? { from: 'now-1h', to: 'now' },
    templating: { list: spec.variables ?? [] },
    annotations: { list: spec.annotations ?? [] },
    links: spec.links ?? [],
    panels: layout(spec.panels),
  };
}
