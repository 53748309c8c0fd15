import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { ConfigError, HindsightError, PermanentError, TransientError } from '../../errors/hindsight-error';
import type { SinkRecord } from '../records';
import type { Sink, SinkHealth, WriteResult } from '../sink';
import { classifyFailure, toTransientError } from './clickhouse-errors';
import type { ClickHouseSinkConfig } from './config';
import { applyMigrations, ensureDatabase } from './migrations';
import { logToLine, spanToLine } from './row-mapping';
import { detectCapabilities, type ServerCapabilities } from './server-capabilities';
import { sqlUnsigned } from './sql-literal';

type Table = 'spans' | 'logs';
/** A record and its row, already written as a JSONEachRow line. */
interface Pending {
  record: SinkRecord;
  line: string;
}
type Rejected = Array<{ record: SinkRecord; error: HindsightError }>;

function recordKey(r: SinkRecord): string {
  const id = r.kind === 'span' ? `${r.span.traceId}/${r.span.spanId}` : r.kind === 'log' ? r.log.logId : '';
  return `${r.kind}:${r.origin.topic}/${r.origin.partition}/${r.origin.offset}:${id}`;
}

function preformatted(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Stores spans and logs in ClickHouse: one JSONEachRow insert per table per batch. Duplicates from
 * redelivery collapse in the ReplacingMergeTree tables; rows the server refuses are isolated by
 * halving the insert and returned as `partial`; anything else is a `retry`.
 */
export class ClickHouseSink implements Sink {
  readonly name: string;
  readonly accepts = ['span', 'log'] as const;
  private client: ClickHouseClient | undefined;
  private caps: ServerCapabilities | undefined;
  private failures = 0;
  private lastError = '';
  private closed = false;
  private readonly lastInsertAt = new Map<Table, number>();
  // Rows inserted by a write that then ended in `retry`: the retried batch skips them, so a failure
  // of the logs insert does not insert (and count in the rollups) the batch's spans a second time.
  private writtenBeforeRetry = new Set<string>();

  constructor(
    private readonly config: Readonly<ClickHouseSinkConfig>,
    name = 'clickhouse',
  ) {
    this.name = name;
  }

  /** Server capabilities found at start (undefined before). */
  get capabilities(): ServerCapabilities | undefined {
    return this.caps;
  }

  async start(): Promise<void> {
    const base = {
      url: this.config.url,
      username: this.config.username,
      password: this.config.password,
      request_timeout: this.config.requestTimeoutMs,
    };
    const admin = createClient(base);
    try {
      this.caps = await detectCapabilities(admin);
      await ensureDatabase(admin, this.config.database);
    } catch (err) {
      throw err instanceof HindsightError ? err : toTransientError(err, 'start');
    } finally {
      await admin.close();
    }
    // Rows arrive as finished JSONEachRow lines (row-mapping.ts): the client passes them through
    // instead of serializing each row again (a string is never a JSONEachRow row of its own).
    this.client = createClient({ ...base, database: this.config.database, json: { stringify: preformatted } });
    try {
      if (this.config.migrate) await applyMigrations(this.client, this.caps);
      if (this.caps.ttl) {
        // Rollups expire by TTL where the server has it; the retention job also drops them (18.16).
        await this.client.command({
          query: `ALTER TABLE span_rollup_1m MODIFY TTL minute + INTERVAL ${sqlUnsigned(this.config.rollupRetentionDays)} DAY`,
        });
      }
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      throw err instanceof HindsightError ? err : toTransientError(err, 'migration');
    }
  }

  async write(batch: readonly SinkRecord[]): Promise<WriteResult> {
    const client = this.client;
    if (!client || this.closed) return this.fail(new TransientError('CLICKHOUSE_UNAVAILABLE', 'ClickHouse sink is not started'));
    const rejected: Rejected = [];
    const spans: Pending[] = [];
    const logs: Pending[] = [];
    const skip = this.writtenBeforeRetry;
    for (const record of batch) {
      // Keys are only needed after a failed write: built then, not for every record of every write.
      if (skip.size > 0 && skip.has(recordKey(record))) continue;
      try {
        if (record.kind === 'span') spans.push({ record, line: spanToLine(record.span) });
        else if (record.kind === 'log') logs.push({ record, line: logToLine(record.log) });
        else rejected.push({ record, error: new PermanentError('SINK_KIND_UNSUPPORTED', `clickhouse sink does not store ${record.kind} records`) });
      } catch (err) {
        rejected.push({ record, error: err as HindsightError });
      }
    }
    const written: SinkRecord[] = [];
    try {
      await this.insertIsolating(client, 'spans', spans, rejected, written);
      await this.insertIsolating(client, 'logs', logs, rejected, written);
    } catch (err) {
      this.writtenBeforeRetry = new Set([...skip, ...written.map(recordKey)]);
      return this.fail(toTransientError(err, 'insert'));
    }
    if (skip.size > 0) this.writtenBeforeRetry = new Set();
    this.failures = 0;
    return rejected.length === 0 ? { status: 'written' } : { status: 'partial', rejected };
  }

  /**
   * Inserts the rows in one statement; when the server refuses the data, halves the set until the
   * refused rows stand alone. An insert either stores all its rows or none, so no row is stored twice.
   * Transient failures propagate (the whole batch is retried).
   */
  private async insertIsolating(
    client: ClickHouseClient,
    table: Table,
    rows: Pending[],
    rejected: Rejected,
    written: SinkRecord[],
  ): Promise<void> {
    if (rows.length === 0) return;
    await this.pace(table, rows.length);
    try {
      // One value holding the whole body (the client adds the last newline): the client encodes an
      // array value by value (a format check, a newline and a string per row, then a join), which cost
      // as much as building the lines.
      await client.insert({ table, values: [rows.map((p) => p.line).join('\n')], format: 'JSONEachRow' });
      this.lastInsertAt.set(table, Date.now());
      for (const p of rows) written.push(p.record);
    } catch (err) {
      if (classifyFailure(err) !== 'data') throw err;
      if (rows.length === 1) {
        const code = (err as { code?: string }).code ?? '?';
        rejected.push({ record: rows[0]!.record, error: new PermanentError('CLICKHOUSE_ROW_REJECTED', `ClickHouse refused the row (server error ${code})`, err) });
        return;
      }
      const mid = Math.ceil(rows.length / 2);
      await this.insertIsolating(client, table, rows.slice(0, mid), rejected, written);
      await this.insertIsolating(client, table, rows.slice(mid), rejected, written);
    }
  }

  /** Waits so that small inserts into one table are at least minInsertIntervalMs apart. */
  private async pace(table: Table, rows: number): Promise<void> {
    if (rows >= this.config.largeBatchRows) return;
    const last = this.lastInsertAt.get(table);
    if (last === undefined) return;
    const wait = last + this.config.minInsertIntervalMs - Date.now();
    if (wait > 0) await sleep(wait);
  }

  private fail(error: HindsightError): WriteResult {
    this.failures += 1;
    this.lastError = `${error.code}: ${error.message}`;
    return { status: 'retry', error };
  }

  health(): SinkHealth {
    if (this.closed) return { ready: false, detail: 'shut down' };
    if (!this.client || !this.caps) return { ready: false, detail: 'not started' };
    if (this.failures >= this.config.unhealthyAfterFailures) {
      return { ready: false, detail: `${this.failures} consecutive failed writes; last ${this.lastError}` };
    }
    return { ready: true, detail: `ClickHouse ${this.caps.version.text}, database ${this.config.database}` };
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    if (client) await client.close();
  }
}
