/**
 * Runs one expanded dashboard query against the stack's service the way Grafana's datasource would,
 * and returns the columns (name + whether numeric/time) and row count the panel gets.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Client } from 'pg';
import type { TimeRange } from './macro-expand';

export interface Column {
  name: string;
  numeric: boolean;
  time: boolean;
}

export interface QueryResult {
  columns: Column[];
  rows: number;
  /** Prometheus only: the label sets of the returned series, and whether any value was above zero. */
  series?: Array<{ labels: Record<string, string>; nonZero: boolean }>;
  /** First column's values (variables). */
  firstColumn: string[];
}

// int2, int4, int8, oid, float4, float8, numeric
const PG_NUMERIC = new Set([20, 21, 23, 26, 700, 701, 1700]);
const PG_TIME = new Set([1082, 1114, 1184]);

export async function runPostgres(client: Client, sql: string): Promise<QueryResult> {
  const r = await client.query({ text: sql, rowMode: 'array' });
  return {
    columns: r.fields.map((f) => ({ name: f.name, numeric: PG_NUMERIC.has(f.dataTypeID), time: PG_TIME.has(f.dataTypeID) })),
    rows: r.rows.length,
    firstColumn: (r.rows as unknown[][]).map((row) => String(row[0])),
  };
}

export async function runClickHouse(client: ClickHouseClient, sql: string): Promise<QueryResult> {
  const rs = await client.query({ query: sql, format: 'JSON' });
  const body = (await rs.json()) as { meta: Array<{ name: string; type: string }>; data: Array<Record<string, unknown>> };
  const bare = (t: string): string => t.replace(/^(Nullable|LowCardinality)\((.*)\)$/, '$2');
  return {
    columns: body.meta.map((m) => ({
      name: m.name,
      numeric: /^(U?Int\d+|Float\d+|Decimal)/.test(bare(m.type)),
      time: /^(DateTime|Date)/.test(bare(m.type)),
    })),
    rows: body.data.length,
    firstColumn: body.data.map((row) => String(Object.values(row)[0])),
  };
}

const epoch = (d: Date): string => String(d.getTime() / 1000);

/** `/api/v1/query_range`, as Grafana's Prometheus datasource calls it for a range panel. */
export async function runPrometheus(baseUrl: string, expr: string, range: TimeRange, stepSeconds: number): Promise<QueryResult> {
  const params = new URLSearchParams({ query: expr, start: epoch(range.from), end: epoch(range.to), step: String(stepSeconds) });
  const res = await fetch(`${baseUrl}/api/v1/query_range`, { method: 'POST', body: params });
  const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> } };
  if (body.status !== 'success') throw new Error(`Prometheus refused ${expr}: ${body.error ?? res.status}`);
  const result = body.data!.result;
  const series = result.map((s) => ({ labels: s.metric, nonZero: s.values.some(([, v]) => Number(v) > 0) }));
  return {
    columns: [{ name: 'time', numeric: false, time: true }, { name: 'value', numeric: true, time: false }],
    rows: result.reduce((n, s) => n + s.values.length, 0),
    series,
    firstColumn: [],
  };
}

/** `label_values(metric, label)` as Grafana's Prometheus datasource resolves it. */
export async function runLabelValues(baseUrl: string, metric: string, label: string, range: TimeRange): Promise<QueryResult> {
  const params = new URLSearchParams({ 'match[]': metric, start: epoch(range.from), end: epoch(range.to) });
  const res = await fetch(`${baseUrl}/api/v1/label/${label}/values?${params.toString()}`);
  const body = (await res.json()) as { status: string; data: string[] };
  if (body.status !== 'success') throw new Error(`label values of ${label} failed`);
  return { columns: [{ name: label, numeric: false, time: false }], rows: body.data.length, firstColumn: body.data };
}
