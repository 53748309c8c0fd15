/**
 * What reached each store during this demo run: Postgres (audit, journal, runs) read as the SELECT-only
 * role, ClickHouse (spans, logs) and Prometheus (series scraped from the collector, RED requests). Rows
 * are counted for the demo's service since the demo started, so earlier runs do not inflate them.
 */
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { Pool } from 'pg';
import { sqlString } from '../../collector/src/sinks/clickhouse';
import type { StackEndpoints } from '../../test/stack/endpoints';
import { pgUrlAs } from './collector';

export interface StoreCounts {
  audit: number;
  journal: number;
  runs: number;
  spans: number;
  logs: number;
  /** Series Prometheus holds from the collector's /metrics. */
  collectorSeries: number;
  /** RED series (hindsight_span_*) of the demo service. */
  redSeries: number;
  /** Requests the RED metrics counted for the demo service. */
  redRequests: number;
  /** Series Prometheus holds from the sample service's own /metrics. */
  serviceSeries: number;
}

export interface CountScope {
  service: string;
  since: Date;
  runIds: string[];
  collectorTarget: string;
  serviceTarget: string;
}

/** Readers of the three stores; `close()` ends their connections. */
export class StoreReader {
  readonly pg: Pool;
  readonly clickhouse: ClickHouseClient;

  constructor(private readonly stack: StackEndpoints) {
    this.pg = new Pool({ connectionString: pgUrlAs(stack, 'hindsight_reader'), max: 2 });
    this.pg.on('error', () => undefined); // an idle connection lost: the next query reconnects
    this.clickhouse = createClient({ url: stack.clickhouse.url, username: stack.clickhouse.user, database: 'hindsight' });
  }

  private async pgCount(sql: string, params: unknown[]): Promise<number> {
    const res = await this.pg.query<{ n: string }>(sql, params);
    return Number(res.rows[0]?.n ?? 0);
  }

  private async chCount(sql: string): Promise<number> {
    const rs = await this.clickhouse.query({ query: sql, format: 'JSONEachRow' });
    const rows = (await rs.json()) as { n: string | number }[];
    return Number(rows[0]?.n ?? 0);
  }

  /** The value of a PromQL instant query that returns one sample (0 when it returns none). */
  async promScalar(query: string): Promise<number> {
    const res = await fetch(`${this.stack.prometheus.url}/api/v1/query?query=${encodeURIComponent(query)}`);
    const body = (await res.json()) as { status: string; error?: string; data?: { result: { value: [number, string] }[] } };
    if (body.status !== 'success') throw new Error(`Prometheus query ${query} failed: ${body.error ?? res.status}`);
    return Number(body.data?.result[0]?.value[1] ?? 0);
  }

  async counts(scope: CountScope): Promise<StoreCounts> {
    const sinceNs = `${BigInt(scope.since.getTime()) * 1_000_000n}`;
    const svc = sqlString(scope.service);
    const [audit, journal, runs, spans, logs, collectorSeries, redSeries, redRequests, serviceSeries] = await Promise.all([
      this.pgCount('SELECT count(*) AS n FROM hindsight.audit_event WHERE service = $1 AND ts >= $2', [scope.service, scope.since]),
      this.pgCount('SELECT count(*) AS n FROM hindsight.journal_event WHERE service = $1 AND ts >= $2', [scope.service, scope.since]),
      this.pgCount('SELECT count(*) AS n FROM hindsight.journal_run WHERE run_id = ANY($1)', [scope.runIds]),
      this.chCount(`SELECT count() AS n FROM spans WHERE service = ${svc} AND start_time_ns >= ${sinceNs}`),
      this.chCount(`SELECT count() AS n FROM logs WHERE service = ${svc} AND time_ns >= ${sinceNs}`),
      this.promScalar(`count({instance="${scope.collectorTarget}"})`),
      this.promScalar(`count({__name__=~"hindsight_span_.*", service="${scope.service}", instance="${scope.collectorTarget}"})`),
      this.promScalar(`sum(hindsight_span_requests_total{service="${scope.service}", instance="${scope.collectorTarget}"})`),
      this.promScalar(`count({instance="${scope.serviceTarget}"})`),
    ]);
    return { audit, journal, runs, spans, logs, collectorSeries, redSeries, redRequests, serviceSeries };
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.pg.end(), this.clickhouse.close()]);
  }
}

/** What the demo waits for: at least what the traffic is known to have produced. */
export interface Expected {
  audit: number;
  journal: number;
  runs: number;
  /** Every response came from a server span. */
  spans: number;
  /** Every created order logged "order created". */
  logs: number;
}

/** The stores that still lack data, as `name have/want` (empty when everything arrived). */
export function missing(c: StoreCounts, want: Expected): string[] {
  const checks: [string, number, number][] = [
    ['postgres audit_event', c.audit, want.audit],
    ['postgres journal_event', c.journal, want.journal],
    ['postgres journal_run', c.runs, want.runs],
    ['clickhouse spans', c.spans, want.spans],
    ['clickhouse logs', c.logs, want.logs],
    ['prometheus RED requests', c.redRequests, want.spans],
    ['prometheus service series', c.serviceSeries, 1],
  ];
  return checks.filter(([, have, need]) => have < need).map(([name, have, need]) => `${name} ${have}/${need}`);
}
