import type { ClickHouseClient } from '@clickhouse/client';
import { bindQuery, type QueryParams } from './bound-query';
import type { ServerCapabilities } from './server-capabilities';
import { loadQuery } from './sql-files';

/** A span as the drilldown returns it (UInt64 columns as decimal strings, JSON columns as text). */
export interface StoredSpan {
  correlation_id?: string;
  trace_id: string;
  span_id: string;
  parent_span_id: string;
  service: string;
  operation: string;
  kind: number;
  status_code: number;
  status_message: string;
  start_time_ns: string;
  end_time_ns: string;
  duration_ns: string;
  tenant: string;
  run_id: string;
  scope_name: string;
  attributes: string;
  resource: string;
  events: string;
}

/** A log record as the drilldown returns it. */
export interface StoredLog {
  log_id: string;
  trace_id: string;
  span_id: string;
  time_ns: string;
  observed_time_ns: string;
  severity_number: number;
  severity_text: string;
  body: string;
  service: string;
  tenant: string;
  run_id: string;
  attributes: string;
  resource: string;
}

/** One per-minute rollup row. Counts come back as decimal strings (UInt64). */
export interface SpanRollupRow {
  minute: number;
  service: string;
  operation: string;
  requests: string;
  errors: string;
  duration_sum_ns: string;
  duration_max_ns: string;
  /** p50, p90, p99 in nanoseconds (t-digest estimates). */
  duration_quantiles_ns: number[];
}

/** Runs a query file with bound parameters and returns its rows. */
export async function runQueryFile<T>(client: ClickHouseClient, caps: ServerCapabilities, file: string, params: QueryParams): Promise<T[]> {
  const bound = bindQuery(loadQuery(file), params, caps);
  const rs = await client.query({ ...bound, format: 'JSONEachRow' });
  return rs.json<T>();
}

/** Every span of one correlation id, once each, in start order. */
export function spansByCorrelation(client: ClickHouseClient, caps: ServerCapabilities, correlationId: string): Promise<StoredSpan[]> {
  return runQueryFile<StoredSpan>(client, caps, 'spans-by-correlation', { correlation_id: correlationId });
}

/** Every span of one trace, once each, in start order. */
export function spansByTrace(client: ClickHouseClient, caps: ServerCapabilities, traceId: string): Promise<StoredSpan[]> {
  return runQueryFile<StoredSpan>(client, caps, 'spans-by-trace', { trace_id: traceId });
}

/** The log records of one correlation id, once each, in time order. */
export function logsByCorrelation(client: ClickHouseClient, caps: ServerCapabilities, correlationId: string): Promise<StoredLog[]> {
  return runQueryFile<StoredLog>(client, caps, 'logs-by-correlation', { correlation_id: correlationId });
}

/** Rollup rows with `fromSeconds <= minute < toSeconds`, for one service or all (`''`). */
export async function spanRollup(
  client: ClickHouseClient,
  caps: ServerCapabilities,
  range: { fromSeconds: number; toSeconds: number; service?: string },
): Promise<SpanRollupRow[]> {
  const rows = await runQueryFile<SpanRollupRow>(client, caps, 'span-rollup', {
    from: range.fromSeconds,
    to: range.toSeconds,
    service: range.service ?? '',
  });
  return rows.map((r) => ({ ...r, minute: Number(r.minute) }));
}
