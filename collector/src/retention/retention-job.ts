import { Client, escapeIdentifier } from 'pg';
import type { CollectorConfig } from '../config/schema';
import { createClickHouseClient, detectCapabilities, runClickHouseRetention, type RetentionReport } from '../sinks/clickhouse';
import { parseClickHouseSinkConfig } from '../sinks/clickhouse/config';
import { parsePostgresSinkConfig } from '../sinks/postgres/config';
import { pinnedIds, runPostgresRetention, type PostgresRetentionReport } from './postgres-retention';

/** Where the retention job connects, taken from the collector's sinks. */
export interface RetentionTargets {
  postgres?: { url: string; role: string; daysAhead: number; days: number };
  clickhouse?: { url: string; database: string; username: string; password: string; days: number; rollupDays: number };
}

/**
 * The first `postgres` and `clickhouse` sinks of the config (environment overrides already applied by
 * loadConfig) with their retention settings: journal days from `retention.days`, ClickHouse days from
 * the sink's `retentionDays` / `rollupRetentionDays`.
 */
export function retentionTargets(config: CollectorConfig): RetentionTargets {
  const targets: RetentionTargets = {};
  for (const [name, sink] of Object.entries(config.sinks)) {
    if (sink.type === 'postgres' && targets.postgres === undefined) {
      const pg = parsePostgresSinkConfig(sink.options, `sinks.${name}.options`);
      targets.postgres = { url: pg.url, role: pg.role, daysAhead: pg.partitionDaysAhead, days: config.retention.days };
    } else if (sink.type === 'clickhouse' && targets.clickhouse === undefined) {
      const ch = parseClickHouseSinkConfig(sink.options);
      targets.clickhouse = {
        url: ch.url, database: ch.database, username: ch.username, password: ch.password,
        days: ch.retentionDays, rollupDays: ch.rollupRetentionDays,
      };
    }
  }
  return targets;
}

/** What one run of the job did in each store. */
export interface RetentionRunReport {
  dryRun: boolean;
  /** Set when another collector instance held the job's lock, so this run did nothing. */
  skipped?: string;
  postgres?: PostgresRetentionReport;
  clickhouse?: RetentionReport;
  /** Pinned ids (run ids and their correlation ids) passed to the ClickHouse retention. */
  pinnedIds: number;
}

/** Options of {@link runRetention}. */
export interface RunRetentionOptions {
  dryRun?: boolean;
  /** Overrides the days of both stores (the `--days` option). */
  days?: number;
  /** Progress over the partitions of Postgres (ClickHouse reports once, when it is done). */
  onProgress?: (done: number, total: number, store: 'postgres' | 'clickhouse') => void;
}

/** Only one instance runs the job at a time (a session advisory lock, released when the run ends). */
const JOB_LOCK: readonly [number, number] = [1751737683, 3];

/**
 * One run of the retention job: Postgres first (partitions ahead, pinned rows archived, old partitions
 * dropped, the default partition's old rows deleted), then ClickHouse with the pinned ids read from
 * Postgres `journal_run`. Without a Postgres sink ClickHouse runs with no pins.
 */
export async function runRetention(targets: RetentionTargets, options: RunRetentionOptions = {}): Promise<RetentionRunReport> {
  const dryRun = options.dryRun ?? false;
  const report: RetentionRunReport = { dryRun, pinnedIds: 0 };
  let pg: Client | undefined;
  try {
    if (targets.postgres) {
      pg = new Client({ connectionString: targets.postgres.url, application_name: 'hindsight-retention' });
      await pg.connect();
      if (targets.postgres.role !== '') await pg.query(`SET ROLE ${escapeIdentifier(targets.postgres.role)}`);
      const { rows } = await pg.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [...JOB_LOCK]);
      if (rows[0]?.locked !== true) return { ...report, skipped: 'another instance is running the retention job' };
      report.postgres = await runPostgresRetention({
        db: pg,
        days: options.days ?? targets.postgres.days,
        daysAhead: targets.postgres.daysAhead,
        dryRun,
        onPartition: (done, total) => options.onProgress?.(done, total, 'postgres'),
      });
    }
    if (targets.clickhouse) {
      const ch = targets.clickhouse;
      const pins = pg ? await pinnedIds(pg) : new Map();
      report.pinnedIds = pins.size;
      const client = createClickHouseClient(ch);
      try {
        report.clickhouse = await runClickHouseRetention({
          client,
          caps: await detectCapabilities(client),
          days: options.days ?? ch.days,
          rollupDays: ch.rollupDays,
          pinnedRuns: async () => pins,
          dryRun,
        });
        options.onProgress?.(1, 1, 'clickhouse');
      } finally {
        await client.close();
      }
    }
    return report;
  } finally {
    // Closing the session releases the advisory lock as well.
    await pg?.end().catch(() => undefined);
  }
}
