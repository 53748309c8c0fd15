import { Pool, escapeIdentifier, type PoolClient } from 'pg';
import type { Registry } from 'prom-client';
import type { AuditEvent, JournalEvent } from '@hindsight/sdk/contract';
import { ConfigError, PermanentError, TransientError, type HindsightError } from '../../errors/hindsight-error';
import type { RecordKind, SinkRecord } from '../records';
import type { Sink, SinkHealth, WriteResult } from '../sink';
import { redeliveredSkippedCounter, type RedeliveredCounter } from '../redelivered-metric';
import { appendAuditEvents } from './audit-writer';
import { parsePostgresSinkConfig, type PostgresSinkConfig } from './config';
import { insertJournalEvents } from './journal-writer';
import { PG_ERROR_CODES, classifyPgError } from './pg-errors';
import { latestMigrationVersion, query } from './sql-files';

type Rejected = Array<{ record: SinkRecord; error: HindsightError }>;

/** SQLSTATE unique_violation. */
const PG_UNIQUE_VIOLATION = '23505';

/**
 * Stores audit and journal records in Postgres. A batch is one transaction: audit events are
 * appended to their tenants' hash chains, journal events inserted and their runs upserted. When
 * Postgres refuses a record's data, the batch is split in halves until the refused records are
 * isolated; they are reported as rejected and everything else is written.
 */
export class PostgresSink implements Sink {
  readonly name: string;
  readonly accepts: readonly RecordKind[] = ['audit', 'journal'];
  private readonly config: Readonly<PostgresSinkConfig>;
  private pool: Pool | undefined;
  /** Connections that already ran SET ROLE (pg reuses clients, so once per connection). */
  private readonly prepared = new WeakSet<PoolClient>();
  private lastError: HindsightError | undefined;
  private started = false;
  private stopped = false;
  private partitionTimer: NodeJS.Timeout | undefined;
  /** Probe for stored journal events before COPYing (after a redelivery, until a write finds none). */
  private probeJournal = false;
  /**
   * Events of committed batches that were already stored (redelivery) and skipped: audit events are
   * not re-chained, journal events are left out of the COPY (found by the probe).
   */
  private readonly redelivered: RedeliveredCounter | undefined;

  constructor(config: unknown, name = 'postgres', metrics?: Registry) {
    this.config = parsePostgresSinkConfig(config, `sinks.${name}.options`);
    this.name = name;
    if (metrics !== undefined) this.redelivered = redeliveredSkippedCounter(metrics);
  }

  async start(): Promise<void> {
    if (this.stopped) throw new ConfigError(`postgres sink ${this.name}: start() after shutdown()`);
    if (this.started) return;
    const c = this.config;
    this.pool = new Pool({
      connectionString: c.url,
      max: c.poolSize,
      connectionTimeoutMillis: c.connectTimeoutMs,
      statement_timeout: c.statementTimeoutMs,
      // client-side bound too, for a server that stops answering without closing the socket
      query_timeout: c.statementTimeoutMs + 5_000,
      application_name: c.applicationName,
    });
    // An idle connection dropped by the server must not crash the process; the next write retries.
    this.pool.on('error', (err) => {
      this.lastError = classifyPgError(err);
    });
    // A checked-out connection that dies can also emit 'error' after its query already failed;
    // without a listener that event would crash the process.
    this.pool.on('connect', (client) => {
      client.on('error', (err) => {
        this.lastError = classifyPgError(err);
      });
    });
    try {
      await this.withClient(async (client) => {
        const { rows } = await client.query<{ version: number }>(query('schema-version'));
        const have = rows[0]?.version ?? 0;
        const need = latestMigrationVersion();
        if (have < need) {
          throw new ConfigError(`postgres sink ${this.name}: schema version ${have}, need ${need}; run hindsight-collector migrate`);
        }
        await this.ensurePartitions(client);
      });
    } catch (err) {
      const error = err instanceof ConfigError ? err : classifyPgError(err);
      this.lastError = error;
      await this.pool.end().catch(() => undefined);
      this.pool = undefined;
      throw error;
    }
    this.lastError = undefined;
    this.started = true;
    this.partitionTimer = setInterval(() => {
      void this.withClient((client) => this.ensurePartitions(client)).catch((err: unknown) => {
        this.lastError = classifyPgError(err);
      });
    }, c.partitionCheckIntervalMs);
    this.partitionTimer.unref();
  }

  async write(batch: readonly SinkRecord[]): Promise<WriteResult> {
    if (!this.started || this.pool === undefined) {
      return { status: 'retry', error: new TransientError(PG_ERROR_CODES.unavailable, `postgres sink ${this.name} is not started`) };
    }
    const rejected: Rejected = [];
    const storable: SinkRecord[] = [];
    for (const record of batch) {
      if (record.kind === 'audit' || record.kind === 'journal') storable.push(record);
      else rejected.push({ record, error: new PermanentError(PG_ERROR_CODES.unsupportedKind, `postgres sink does not store ${record.kind} records`) });
    }
    try {
      await this.writeIsolating(storable, rejected);
    } catch (err) {
      const error = classifyPgError(err);
      this.lastError = error;
      return { status: 'retry', error: error instanceof TransientError ? error : new TransientError(error.code, error.message, err) };
    }
    this.lastError = undefined;
    return rejected.length === 0 ? { status: 'written' } : { status: 'partial', rejected };
  }

  health(): SinkHealth {
    if (this.stopped) return { ready: false, detail: 'shut down' };
    if (!this.started) return { ready: false, detail: this.lastError ? `not started: ${this.lastError.code}` : 'not started' };
    if (this.lastError) return { ready: false, detail: `last attempt failed: ${this.lastError.code}` };
    return { ready: true, detail: 'ok' };
  }

  async shutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.partitionTimer) clearInterval(this.partitionTimer);
    const pool = this.pool;
    this.pool = undefined;
    // pool.end() waits for checked-out clients, i.e. for an in-flight write to finish.
    if (pool) await pool.end();
  }

  /**
   * Writes `records`; on a permanent (data) error splits them in halves, left half first so a
   * tenant's audit order is kept, down to the single records Postgres refuses. A transient error
   * anywhere is thrown: the caller retries the whole batch, and idempotence makes that safe.
   */
  private async writeIsolating(records: readonly SinkRecord[], rejected: Rejected): Promise<void> {
    if (records.length === 0) return;
    try {
      await this.writeTransaction(records);
    } catch (err) {
      const error = classifyPgError(err);
      if (!(error instanceof PermanentError)) throw error;
      if (records.length === 1) {
        const record = records[0];
        if (record !== undefined) rejected.push({ record, error });
        return;
      }
      const mid = Math.ceil(records.length / 2);
      await this.writeIsolating(records.slice(0, mid), rejected);
      await this.writeIsolating(records.slice(mid), rejected);
    }
  }

  /**
   * One transaction for the batch. Journal events are COPYed without probing for stored ones first
   * (redelivery is rare; the probe is a round trip and an array parameter per write): if one is
   * stored, the COPY fails with unique_violation, the transaction is rolled back and run once more with
   * the probe, and the following writes probe too until one finds nothing stored.
   */
  private async writeTransaction(records: readonly SinkRecord[]): Promise<void> {
    const audit: AuditEvent[] = [];
    const journal: JournalEvent[] = [];
    for (const r of records) {
      if (r.kind === 'audit') audit.push(r.event);
      else if (r.kind === 'journal') journal.push(r.event);
    }
    if (this.probeJournal) return this.transaction(audit, journal, true);
    try {
      await this.transaction(audit, journal, false);
    } catch (err) {
      if ((err as { code?: unknown }).code !== PG_UNIQUE_VIOLATION) throw err;
      this.probeJournal = true;
      await this.transaction(audit, journal, true);
    }
  }

  private async transaction(audit: readonly AuditEvent[], journal: readonly JournalEvent[], probe: boolean): Promise<void> {
    await this.withClient(async (client) => {
      await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
      try {
        const inserted = await appendAuditEvents(client, audit);
        const j = await insertJournalEvents(client, journal, probe);
        await client.query('COMMIT');
        if (audit.length > inserted) this.redelivered?.inc({ sink: this.name, kind: 'audit' }, audit.length - inserted);
        if (j.stored > 0) this.redelivered?.inc({ sink: this.name, kind: 'journal' }, j.stored);
        if (probe && journal.length > 0 && j.stored === 0) this.probeJournal = false;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  private async ensurePartitions(client: PoolClient): Promise<void> {
    await client.query(query('ensure-partitions'), [this.config.partitionDaysAhead, this.config.partitionDaysBehind]);
  }

  /** Runs `fn` on a pooled connection acting as the configured role; a broken connection is discarded. */
  private async withClient<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
    const pool = this.pool;
    if (pool === undefined) throw new TransientError(PG_ERROR_CODES.unavailable, `postgres sink ${this.name} is not connected`);
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      if (!this.prepared.has(client)) {
        if (this.config.role !== '') await client.query(`SET ROLE ${escapeIdentifier(this.config.role)}`);
        this.prepared.add(client);
      }
      return await fn(client);
    } catch (err) {
      // Keep connections after errors the server reported cleanly; drop those that failed mid-protocol.
      const state = (err as { code?: unknown }).code;
      if (typeof state !== 'string' || state.startsWith('08') || state.startsWith('57')) {
        broken = err instanceof Error ? err : new Error(String(err));
      }
      throw err;
    } finally {
      client.release(broken);
    }
  }
}

/** Builds a Postgres sink from its (unvalidated) config; throws a ConfigError on a bad config. */
export function createPostgresSink(config: unknown, name = 'postgres', metrics?: Registry): PostgresSink {
  return new PostgresSink(config, name, metrics);
}
