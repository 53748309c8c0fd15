import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Registry } from 'prom-client';
import { ConfigError, HindsightError, PermanentError, TransientError } from '../../errors/hindsight-error';
import type { SinkRecord, SpanRow } from '../records';
import { redeliveredSkippedCounter, type RedeliveredCounter } from '../redelivered-metric';
import type { Sink, SinkHealth, WriteResult } from '../sink';
import { classifyFailure, serverError, toTransientError } from './clickhouse-errors';
import { createClickHouseClient } from './client';
import type { ClickHouseSinkConfig } from './config';
import { applyMigrations, ensureDatabase } from './migrations';
import { RowBinaryWriter } from './row-binary';
import { LOGS_COLUMNS, logToRowBinary, SPANS_COLUMNS, spanStartSeconds, spanToRowBinary } from './row-mapping';
import { spanIdentity, storedSpanKeys, type SpanKey } from './queries';
import { partitionOf, RedeliveryWatch } from './redelivery-watch';
import { detectCapabilities, type ServerCapabilities } from './server-capabilities';
import { sqlUnsigned } from './sql-literal';

type Table = 'spans' | 'logs';
type SpanRecord = Extract<SinkRecord, { kind: 'span' }>;
/** A record and where its RowBinary row lies in its table's body (rows are contiguous, in order). */
interface Pending {
  record: SinkRecord;
  start: number;
  end: number;
}
/** One table's rows of a write: the RowBinary body and each row's place in it. */
interface TableRows {
  body: RowBinaryWriter;
  rows: Pending[];
}

const ROW_BYTES_GUESS = 512;

const INSERT_QUERY: Record<Table, string> = {
  spans: `INSERT INTO spans (${SPANS_COLUMNS.join(', ')}) FORMAT RowBinary`,
  logs: `INSERT INTO logs (${LOGS_COLUMNS.join(', ')}) FORMAT RowBinary`,
};
type Rejected = Array<{ record: SinkRecord; error: HindsightError }>;

/** Encodes `value` as the next row of `table` and notes where it lies (a refused value adds nothing). */
function appendRow<T>(table: TableRows, record: SinkRecord, encode: (value: T, out: RowBinaryWriter) => void, value: T): void {
  const start = table.body.length;
  encode(value, table.body);
  table.rows.push({ record, start, end: table.body.length });
}

function recordKey(r: SinkRecord): string {
  const id = r.kind === 'span' ? spanIdentity(r.span.traceId, r.span.spanId) : r.kind === 'log' ? r.log.logId : '';
  return `${r.kind}:${r.origin.topic}/${r.origin.partition}/${r.origin.offset}:${id}`;
}

const NONE: ReadonlySet<SinkRecord> = new Set();

/** Where the `spans` table keeps a span; undefined for a start time no row can hold (refused by the mapping). */
function spanKey(span: SpanRow): SpanKey | undefined {
  const startSeconds = spanStartSeconds(span);
  return startSeconds === undefined ? undefined : { correlationId: span.correlationId, traceId: span.traceId, spanId: span.spanId, startSeconds };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * `stored` plus the spans of `spans` that repeat a span earlier in the same batch. A consumer restarted
 * while records waited for their write reads its partitions again from the last commit, so the same
 * offsets can follow their first copies in one batch; the lookup cannot find those (the first copies
 * are not inserted yet). Only called for a batch with records in doubt: a repeat goes back in its
 * partition's offsets, which puts it in doubt. Repeats count as stored, so the doubt goes on into the
 * next batch, where the rest of the run read again may be.
 */
function withRepeatsInBatch(stored: ReadonlySet<SinkRecord>, spans: readonly SpanRecord[]): ReadonlySet<SinkRecord> {
  const seen = new Set<string>();
  let found: Set<SinkRecord> | undefined;
  for (const record of spans) {
    const id = spanIdentity(record.span.traceId, record.span.spanId);
    if (!seen.has(id)) {
      seen.add(id);
      continue;
    }
    found ??= new Set(stored);
    found.add(record);
  }
  return found ?? stored;
}

/**
 * Stores spans and logs in ClickHouse: one RowBinary insert per table per batch. Duplicates from
 * redelivery collapse in the ReplacingMergeTree tables; spans that may be redelivered are looked up
 * first and left out when stored, so the rollups count them once; rows the server refuses are isolated
 * by halving the insert and returned as `partial`; anything else is a `retry`.
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
  // Spans that may have been stored by an earlier consumer of their partition (or this one before a
  // consumer restart): looked up before the insert, so a redelivered span is not counted twice in the rollup.
  private readonly redelivery = new RedeliveryWatch<SpanRecord>();
  private readonly redelivered: RedeliveredCounter | undefined;
  private storedSpanLookups = 0;

  constructor(
    private readonly config: Readonly<ClickHouseSinkConfig>,
    name = 'clickhouse',
    metrics?: Registry,
  ) {
    this.name = name;
    if (metrics !== undefined) this.redelivered = redeliveredSkippedCounter(metrics);
  }

  /** Another member may have written the partitions since: their next spans are looked up. */
  assignmentChanged(): void {
    this.redelivery.forget();
  }

  /** Queries made to find redelivered spans so far (none while offsets follow on from the last write). */
  get redeliveryLookups(): number {
    return this.storedSpanLookups;
  }

  /** Server capabilities found at start (undefined before). */
  get capabilities(): ServerCapabilities | undefined {
    return this.caps;
  }

  async start(): Promise<void> {
    // The database may not exist yet: the first client has none, and creates it.
    const admin = createClickHouseClient({ ...this.config, database: undefined });
    try {
      this.caps = await detectCapabilities(admin);
      await ensureDatabase(admin, this.config.database);
    } catch (err) {
      throw err instanceof HindsightError ? err : toTransientError(err, 'start');
    } finally {
      await admin.close();
    }
    this.client = createClickHouseClient(this.config);
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
    const spanRecords = batch.filter((r): r is SpanRecord => r.kind === 'span');
    const generation = this.redelivery.generation;
    const doubtful = this.redelivery.inDoubt(spanRecords);
    let stored = NONE;
    if (doubtful.length > 0) {
      try {
        stored = await this.storedAlready(client, doubtful);
      } catch (err) {
        return this.fail(toTransientError(err, 'lookup of redelivered spans'));
      }
      stored = withRepeatsInBatch(stored, spanRecords);
    }
    const rejected: Rejected = [];
    // A body per write (not one kept by the sink): an insert's bytes stay untouched until it is done.
    // Each is allocated at its first row, sized for the whole batch (spans and logs run ~300-600 bytes).
    const spans: TableRows = { body: new RowBinaryWriter(batch.length * ROW_BYTES_GUESS), rows: [] };
    const logs: TableRows = { body: new RowBinaryWriter(batch.length * ROW_BYTES_GUESS), rows: [] };
    const skip = this.writtenBeforeRetry;
    for (const record of batch) {
      if (stored.has(record)) continue;
      // Keys are only needed after a failed write: built then, not for every record of every write.
      if (skip.size > 0 && skip.has(recordKey(record))) continue;
      try {
        if (record.kind === 'span') appendRow(spans, record, spanToRowBinary, record.span);
        else if (record.kind === 'log') appendRow(logs, record, logToRowBinary, record.log);
        else rejected.push({ record, error: new PermanentError('SINK_KIND_UNSUPPORTED', `clickhouse sink does not store ${record.kind} records`) });
      } catch (err) {
        rejected.push({ record, error: err as HindsightError });
      }
    }
    const written: SinkRecord[] = [];
    try {
      await this.insertIsolating(client, 'spans', spans.body.bytes(), spans.rows, rejected, written);
      await this.insertIsolating(client, 'logs', logs.body.bytes(), logs.rows, rejected, written);
    } catch (err) {
      this.writtenBeforeRetry = new Set([...skip, ...written.map(recordKey)]);
      return this.fail(toTransientError(err, 'insert'));
    }
    if (skip.size > 0) this.writtenBeforeRetry = new Set();
    this.redelivery.written(spanRecords, doubtful, stored, generation);
    if (stored.size > 0) this.redelivered?.inc({ sink: this.name, kind: 'span' }, stored.size);
    this.failures = 0;
    return rejected.length === 0 ? { status: 'written' } : { status: 'partial', rejected };
  }

  /**
   * Of the spans that may be redelivered, those the `spans` table holds. The earliest of each partition
   * (the lowest offset: a batch read again behind records that waited goes back within itself) is looked
   * up first: when it is not stored, nothing after it in its partition is (a partition is written in
   * offset order), which is the answer after a restart that lost nothing, in one query.
   */
  private async storedAlready(client: ClickHouseClient, doubtful: readonly SpanRecord[]): Promise<ReadonlySet<SinkRecord>> {
    const caps = this.caps!;
    const keyed: Array<{ record: SpanRecord; key: SpanKey; partition: string }> = [];
    for (const record of doubtful) {
      const key = spanKey(record.span);
      if (key !== undefined) keyed.push({ record, key, partition: partitionOf(record.origin) });
    }
    const earliest = new Map<string, { key: SpanKey; offset: number }>();
    for (const { record, key, partition } of keyed) {
      const offset = Number(record.origin.offset);
      if (offset < (earliest.get(partition)?.offset ?? Infinity)) earliest.set(partition, { key, offset });
    }
    this.storedSpanLookups++;
    const storedKeys = await storedSpanKeys(client, caps, [...earliest.values()].map((e) => e.key));
    const idOf = (k: SpanKey) => spanIdentity(k.traceId, k.spanId);
    const goOn = new Set([...earliest].filter(([, e]) => storedKeys.has(idOf(e.key))).map(([partition]) => partition));
    const rest = keyed.filter(({ key, partition }) => goOn.has(partition) && earliest.get(partition)!.key !== key).map(({ key }) => key);
    if (rest.length > 0) {
      this.storedSpanLookups++;
      for (const id of await storedSpanKeys(client, caps, rest)) storedKeys.add(id);
    }
    return new Set(keyed.filter(({ key }) => storedKeys.has(idOf(key))).map(({ record }) => record));
  }

  /**
   * Inserts the rows in one statement; when the server refuses the data, halves the set until the
   * refused rows stand alone. An insert either stores all its rows or none, so no row is stored twice.
   * Transient failures propagate (the whole batch is retried).
   */
  private async insertIsolating(
    client: ClickHouseClient,
    table: Table,
    body: Buffer,
    rows: Pending[],
    rejected: Rejected,
    written: SinkRecord[],
  ): Promise<void> {
    if (rows.length === 0) return;
    await this.pace(table, rows.length);
    try {
      // RowBinary, which the client's insert() does not offer: exec sends the query in the URL and
      // the rows as the body. The rows of any run of `rows` are one contiguous slice of the body.
      const result = await client.exec({ query: INSERT_QUERY[table], values: Readable.from([body.subarray(rows[0]!.start, rows[rows.length - 1]!.end)]) });
      // An insert answers with an empty body; reading it to the end gives the socket back to the pool.
      result.stream.resume();
      await finished(result.stream);
      this.lastInsertAt.set(table, Date.now());
      for (const p of rows) written.push(p.record);
    } catch (err) {
      if (classifyFailure(err) !== 'data') throw err;
      if (rows.length === 1) {
        const code = serverError(err)?.code ?? '?';
        rejected.push({ record: rows[0]!.record, error: new PermanentError('CLICKHOUSE_ROW_REJECTED', `ClickHouse refused the row (server error ${code})`, err) });
        return;
      }
      const mid = Math.ceil(rows.length / 2);
      await this.insertIsolating(client, table, body, rows.slice(0, mid), rejected, written);
      await this.insertIsolating(client, table, body, rows.slice(mid), rejected, written);
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
