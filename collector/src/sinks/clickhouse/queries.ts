import type { ClickHouseClient } from '@clickhouse/client';
import { bindQuery, type QueryParams } from './bound-query';
import type { ServerCapabilities } from './server-capabilities';
import type { LogsTableRow, SpansTableRow } from './row-mapping';
import { loadQuery } from './sql-files';

/**
 * A span as the drilldown returns it: the `spans` columns but the DateTime key (UInt64 columns as
 * decimal strings, JSON columns as text); the by-trace query returns its correlation id.
 */
export interface StoredSpan extends Omit<SpansTableRow, 'correlation_id' | 'start_time'> {
  correlation_id?: string;
}

/** A log record as the drilldown returns it: the `logs` columns but the correlation id and DateTime key. */
export type StoredLog = Omit<LogsTableRow, 'correlation_id' | 'time'>;

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

/** What identifies a stored span, and where the table keeps it (its start in unix seconds). */
export interface SpanKey {
  correlationId: string;
  traceId: string;
  spanId: string;
  startSeconds: number;
}

/** A span's identity as {@link storedSpanKeys} answers it: `traceId/spanId`. */
export const spanIdentity = (traceId: string, spanId: string): string => `${traceId}/${spanId}`;

/** Spans per stored-spans query: ids of 500 spans keep the query text well inside 18.16's 256 KiB. */
const STORED_SPANS_PER_QUERY = 500;

/** The spans of `keys` that the `spans` table holds, as `traceId/spanId` strings. */
export async function storedSpanKeys(client: ClickHouseClient, caps: ServerCapabilities, keys: readonly SpanKey[]): Promise<Set<string>> {
  const stored = new Set<string>();
  for (let at = 0; at < keys.length; at += STORED_SPANS_PER_QUERY) {
    const chunk = keys.slice(at, at + STORED_SPANS_PER_QUERY);
    const rows = await runQueryFile<{ trace_id: string; span_id: string }>(client, caps, 'stored-spans', {
      correlation_ids: [...new Set(chunk.map((k) => k.correlationId))],
      from_seconds: Math.min(...chunk.map((k) => k.startSeconds)),
      to_seconds: Math.max(...chunk.map((k) => k.startSeconds)),
      trace_ids: [...new Set(chunk.map((k) => k.traceId))],
      span_ids: [...new Set(chunk.map((k) => k.spanId))],
    });
    for (const row of rows) stored.add(spanIdentity(row.trace_id, row.span_id));
  }
  return stored;
}

/** Runs `sql` with bound parameters (see bindQuery) and returns its rows. */
export async function runQuery<T>(
  client: ClickHouseClient,
  caps: Pick<ServerCapabilities, 'queryParams'>,
  sql: string,
  params: QueryParams,
): Promise<T[]> {
  const rs = await client.query({ ...bindQuery(sql, params, caps), format: 'JSONEachRow' });
  return rs.json<T>();
}

/** Runs a query file of sql/queries with bound parameters and returns its rows. */
export function runQueryFile<T>(client: ClickHouseClient, caps: ServerCapabilities, file: string, params: QueryParams): Promise<T[]> {
  return runQuery<T>(client, caps, loadQuery(file), params);
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
