/**
 * How the end-to-end benchmark sees its events in the stores, as a reader would: Postgres through the
 * SELECT-only role, ClickHouse over HTTP. Two ways:
 * - `counts()`: rows of one step per store (cheap; used while searching the maximum rate);
 * - `VisibilityPoller`: polls each store every `intervalMs` for rows emitted since the oldest event
 *   not yet seen, and records for each event the start of the first poll that returned it. A row
 *   returned by the poll started at T was not returned by the one started at T - Δ, so it became
 *   visible in (T - Δ, T]: the recorded latency T - emit overstates the true one by less than Δ.
 */
import { Pool } from 'pg';
import type { ClickHouseClient } from '@clickhouse/client';

export type StoreName = 'audit' | 'journal' | 'spans';
export const STORES: readonly StoreName[] = ['audit', 'journal', 'spans'];

/** One step of load: its ids are `<prefix>-<i>`, its tenant and run id its own. */
export interface Step {
  prefix: string;
  tenant: string;
  runId: string;
  /** Wall-clock ms at which request 0 was due. */
  t0: number;
  rate: number;
  total: number;
}

interface Row {
  i: number;
  /** Emit time, wall-clock ms. */
  emitMs: number;
}

export class Stores {
  constructor(
    private readonly pg: Pool,
    private readonly ch: ClickHouseClient,
  ) {}

  static connect(readerUrl: string, ch: ClickHouseClient): Stores {
    const pg = new Pool({ connectionString: readerUrl, max: 4 });
    pg.on('error', () => undefined);
    return new Stores(pg, ch);
  }

  async close(): Promise<void> {
    await this.pg.end();
  }

  /** Rows of the step per store. Audit: the tenant's chain has no gaps, so its top seq is its count. */
  async counts(step: Step): Promise<Record<StoreName, number>> {
    const [a, j, s] = await Promise.all([
      this.pg.query<{ n: string | null }>('SELECT max(seq) AS n FROM hindsight.audit_event WHERE tenant = $1', [step.tenant]),
      this.pg.query<{ n: string }>("SELECT count(*) AS n FROM hindsight.journal_event WHERE scope = 'run' AND run_id = $1", [step.runId]),
      this.chQuery<{ n: string }>(`SELECT count() AS n FROM spans WHERE run_id = '${step.runId}'`),
    ]);
    // The warm-up request is in every store too.
    return { audit: Number(a.rows[0]?.n ?? 0) - 1, journal: Number(j.rows[0]?.n ?? 0) - 1, spans: Number(s[0]?.n ?? 0) - 1 };
  }

  /** Rows of the step emitted at or after `fromMs`. */
  async rowsSince(store: StoreName, step: Step, fromMs: number): Promise<Row[]> {
    const id = (correlationId: string): number => {
      const i = correlationId.startsWith(`${step.prefix}-`) ? Number(correlationId.slice(step.prefix.length + 1)) : NaN;
      return Number.isInteger(i) ? i : -1;
    };
    if (store === 'spans') {
      const rows = await this.chQuery<{ c: string; e: string }>(
        `SELECT correlation_id AS c, toString(end_time_ns) AS e FROM spans WHERE run_id = '${step.runId}' AND end_time_ns >= ${Math.floor(fromMs) * 1_000_000}`,
      );
      return rows.map((r) => ({ i: id(r.c), emitMs: Number(r.e) / 1e6 }));
    }
    const sql = store === 'audit'
      ? 'SELECT correlation_id AS c, extract(epoch FROM ts)::float8 * 1000 AS e FROM hindsight.audit_event WHERE tenant = $1 AND ts >= to_timestamp($2::float8 / 1000)'
      : "SELECT correlation_id AS c, extract(epoch FROM ts)::float8 * 1000 AS e FROM hindsight.journal_event WHERE scope = 'run' AND run_id = $1 AND ts >= to_timestamp($2::float8 / 1000)";
    const r = await this.pg.query<{ c: string; e: number }>(sql, [store === 'audit' ? step.tenant : step.runId, fromMs]);
    return r.rows.map((x) => ({ i: id(x.c), emitMs: x.e }));
  }

  /** Store-side ingest stamps of Postgres rows (ms): `ingested_at` is now() of the inserting transaction. */
  async ingestLagMs(store: 'audit' | 'journal', step: Step): Promise<number[]> {
    const sql = store === 'audit'
      ? 'SELECT extract(epoch FROM ingested_at - ts)::float8 * 1000 AS d FROM hindsight.audit_event WHERE tenant = $1'
      : "SELECT extract(epoch FROM ingested_at - ts)::float8 * 1000 AS d FROM hindsight.journal_event WHERE scope = 'run' AND run_id = $1";
    const r = await this.pg.query<{ d: number }>(sql, [store === 'audit' ? step.tenant : step.runId]);
    return r.rows.map((x) => x.d);
  }

  private async chQuery<T>(query: string): Promise<T[]> {
    const rs = await this.ch.query({ query, format: 'JSONEachRow' });
    return rs.json<T>();
  }
}

/** Per store: first-seen latency of each event (NaN until seen) and the poll spacing that bounds its error. */
export interface Visibility {
  latencyMs: Float64Array;
  boundMs: Float64Array;
  polls: number;
  pollMs: number[];
}

export class VisibilityPoller {
  readonly result: Record<StoreName, Visibility>;
  private stopped = false;
  private readonly loops: Promise<void>[] = [];

  constructor(
    private readonly stores: Stores,
    private readonly step: Step,
    private readonly intervalMs: number,
  ) {
    const mk = (): Visibility => ({ latencyMs: new Float64Array(step.total).fill(NaN), boundMs: new Float64Array(step.total).fill(NaN), polls: 0, pollMs: [] });
    this.result = { audit: mk(), journal: mk(), spans: mk() };
  }

  start(): void {
    for (const s of STORES) this.loops.push(this.loop(s));
  }

  /** Whether every event was seen in every store. */
  complete(): boolean {
    return STORES.every((s) => this.result[s].latencyMs.every((v) => !Number.isNaN(v)));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }

  private async loop(store: StoreName): Promise<void> {
    const v = this.result[store];
    let low = 0; // every event below it has been seen
    let previous = Number.NaN;
    while (!this.stopped) {
      while (low < this.step.total && !Number.isNaN(v.latencyMs[low]!)) low++;
      if (low >= this.step.total) return;
      const started = Date.now();
      // Request `low` is emitted at its due time or later; an event lost for 10 s no longer holds the window open.
      const fromMs = Math.max(this.step.t0 + (low * 1000) / this.step.rate - 5, started - 10_000);
      let rows: Row[] = [];
      try {
        rows = await this.stores.rowsSince(store, this.step, fromMs);
      } catch {
        // a failed poll only widens the next bound
      }
      v.polls++;
      v.pollMs.push(Date.now() - started);
      for (const r of rows) {
        if (r.i < 0 || r.i >= this.step.total || !Number.isNaN(v.latencyMs[r.i]!)) continue;
        v.latencyMs[r.i] = started - r.emitMs;
        v.boundMs[r.i] = Number.isNaN(previous) ? started - r.emitMs : started - previous;
      }
      previous = started;
      const wait = this.intervalMs - (Date.now() - started);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  }
}
