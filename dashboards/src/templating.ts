/**
 * Template variables and annotation queries in Grafana 11's JSON model. Variables are referenced in
 * queries as `${name:sqlstring}` in SQL (quoted, `'` doubled, multi-values comma separated) and as
 * `$name` in PromQL label regexes (Grafana joins multi-values as `(a|b)`).
 */
import { DS, type Datasource, type JsonObject } from './model';

/** Values from a Prometheus label, e.g. `label_values(hindsight_span_requests_total, service)`. */
export function promLabelVariable(name: string, label: string, metric: string): JsonObject {
  const query = `label_values(${metric}, ${label})`;
  return {
    type: 'query',
    name,
    label,
    datasource: { ...DS.prometheus },
    query: { qryType: 1, query, refId: 'PrometheusVariableQueryEditor-VariableQuery' },
    definition: query,
    // 2: refresh on time range change, so services that stopped reporting drop out.
    refresh: 2,
    multi: true,
    includeAll: true,
    sort: 1,
    current: {},
    options: [],
  };
}

/** Values from a SQL query's first column (Postgres). */
export function sqlVariable(name: string, label: string, ds: Datasource, sql: string): JsonObject {
  return {
    type: 'query',
    name,
    label,
    datasource: { ...ds },
    query: sql,
    definition: sql,
    refresh: 2,
    multi: true,
    includeAll: true,
    sort: 1,
    current: {},
    options: [],
  };
}

/** A fixed list of choices; the first is the default. */
export function customVariable(name: string, label: string, choices: string[], description: string): JsonObject {
  const first = choices[0] ?? '';
  return {
    type: 'custom',
    name,
    label,
    description,
    query: choices.join(','),
    multi: false,
    includeAll: false,
    current: { text: first, value: first },
    options: choices.map((c, i) => ({ text: c, value: c, selected: i === 0 })),
  };
}

/** Free text, e.g. a correlation id pasted by the operator or set by a link (`var-<name>=`). */
export function textboxVariable(name: string, label: string, description: string): JsonObject {
  return { type: 'textbox', name, label, description, query: '', current: { text: '', value: '' }, options: [] };
}

/**
 * An annotation query on the Postgres datasource. Grafana reads the columns `time`, `timeend`
 * (regions), `text` and `tags` (comma-separated) from the result.
 */
export function sqlAnnotation(name: string, iconColor: string, sql: string): JsonObject {
  return {
    name,
    enable: true,
    hide: false,
    iconColor,
    datasource: { ...DS.postgres },
    target: { refId: 'Anno', editorMode: 'code', format: 'table', rawQuery: true, rawSql: sql },
  };
}
