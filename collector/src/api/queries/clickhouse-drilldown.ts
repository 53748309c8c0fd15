import type { ClickHouseClient } from '@clickhouse/client';
import { runQuery, type ServerCapabilities, type StoredLog, type StoredSpan } from '../../sinks/clickhouse';
import { apiSql } from './sql-files';
import { coversAllTenants, type TenantScope } from './tenant-scope';

/** ClickHouse connection of the API: a client and what its server supports (query parameters or not). */
export interface ClickHouseReader {
  client: ClickHouseClient;
  caps: Pick<ServerCapabilities, 'queryParams'>;
}

/** A span of the drilldown (UInt64 columns as decimal strings). */
export type DrilldownSpan = Omit<StoredSpan, 'correlation_id' | 'scope_name' | 'resource' | 'events'>;

/** A log record of the drilldown. */
export type DrilldownLog = Omit<StoredLog, 'observed_time_ns' | 'attributes' | 'resource'>;

// Values reach the SQL only through bindQuery: native parameters on current servers, the tested
// literal escaper (sinks/clickhouse/sql-literal.ts) on 18.16.
function run<T>(ch: ClickHouseReader, file: string, tenants: TenantScope, correlationId: string, limit: number): Promise<T[]> {
  const params = { correlation_id: correlationId, all_tenants: coversAllTenants(tenants) ? 1 : 0, tenants: [...tenants], limit };
  return runQuery<T>(ch.client, ch.caps, apiSql(file), params);
}

function uniqueBy<T>(rows: T[], key: (r: T) => string): T[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const k = key(r);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Spans of a correlation id, raw and archived, once each, in start order. */
export async function spansOfCorrelation(ch: ClickHouseReader, tenants: TenantScope, correlationId: string, limit: number): Promise<DrilldownSpan[]> {
  if (tenants.length === 0) return [];
  const rows = await run<DrilldownSpan>(ch, 'ch-spans-by-correlation', tenants, correlationId, limit);
  return uniqueBy(rows, (s) => `${s.trace_id}/${s.span_id}`);
}

/** Log records of a correlation id, raw and archived, once each, in time order. */
export async function logsOfCorrelation(ch: ClickHouseReader, tenants: TenantScope, correlationId: string, limit: number): Promise<DrilldownLog[]> {
  if (tenants.length === 0) return [];
  const rows = await run<DrilldownLog>(ch, 'ch-logs-by-correlation', tenants, correlationId, limit);
  return uniqueBy(rows, (l) => l.log_id);
}
