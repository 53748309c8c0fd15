import type { ClickHouseClient } from '@clickhouse/client';
import { bindQuery, type QueryParams } from './bound-query';
import type { ServerCapabilities } from './server-capabilities';
import { loadQuery } from './sql-files';
import { sqlIdentifier, sqlUnsigned } from './sql-literal';

/**
 * How much of a pinned run outlives retention (the modes of `journal_capture`):
 * FULL every span and log; SLIM every span and WARN+ logs; ERRORS_ONLY error spans and WARN+ logs.
 */
export type PinMode = 'FULL' | 'SLIM' | 'ERRORS_ONLY';

/** Inputs of {@link runClickHouseRetention}. */
export interface RetentionOptions {
  /** A client whose default database holds the sink's tables. */
  client: ClickHouseClient;
  caps: ServerCapabilities;
  /** Days of raw spans and logs kept: partitions of days before `today - days` (UTC) are dropped. */
  days: number;
  /** Days of rollups kept; rollups are left alone when absent. */
  rollupDays?: number;
  /** Pinned run (or correlation) ids and their modes, e.g. from Postgres `journal_run`. */
  pinnedRuns?: () => Promise<ReadonlyMap<string, PinMode>>;
  /** Report what would be archived and dropped, change nothing. */
  dryRun?: boolean;
  /** "Today", for tests. Default: now. */
  now?: Date;
}

/** One partition the job dropped (or would drop), with how many pinned rows it archived first. */
export interface RetentionAction {
  table: string;
  partition: string;
  rows: number;
  archivedRows: number;
}

/** What {@link runClickHouseRetention} did. */
export interface RetentionReport {
  dryRun: boolean;
  /** Raw partitions with an id below this (YYYYMMDD) are dropped. */
  rawCutoff: number;
  rollupCutoff?: number;
  actions: RetentionAction[];
}

const ARCHIVED: Record<string, { count: string; copy: string }> = {
  spans: { count: 'count-archivable-spans', copy: 'archive-spans' },
  logs: { count: 'count-archivable-logs', copy: 'archive-logs' },
};

/** YYYYMMDD (UTC) of `now - days`. */
export function cutoffDay(now: Date, days: number): number {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - days * 86_400_000);
  return d.getUTCFullYear() * 10_000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

function pinGroups(pins: ReadonlyMap<string, PinMode>): { spans: QueryParams; logs: QueryParams } {
  const ids = (modes: PinMode[]) => [...pins].filter(([id, m]) => id !== '' && modes.includes(m)).map(([id]) => id).sort();
  return {
    spans: { keep_all: ids(['FULL', 'SLIM']), keep_some: ids(['ERRORS_ONLY']) },
    logs: { keep_all: ids(['FULL']), keep_some: ids(['SLIM', 'ERRORS_ONLY']) },
  };
}

/**
 * Drops daily partitions older than the retention, after copying the rows of pinned runs into the
 * `*_archive` tables. Dropping a partition is a metadata operation, unlike a DELETE mutation, and
 * works the same on every server generation; the copy-then-drop order means a crash in between
 * leaves the rows in both places, never in neither.
 */
export async function runClickHouseRetention(options: RetentionOptions): Promise<RetentionReport> {
  const { client, caps } = options;
  const dryRun = options.dryRun ?? false;
  const now = options.now ?? new Date();
  const rawCutoff = cutoffDay(now, options.days);
  const rollupCutoff = options.rollupDays === undefined ? undefined : cutoffDay(now, options.rollupDays);
  const tables = ['spans', 'logs', ...(rollupCutoff === undefined ? [] : ['span_rollup_1m'])];

  const listed = await client.query({ ...bindQuery(loadQuery('retention-partitions'), { tables }, caps), format: 'JSONEachRow' });
  const partitions = await listed.json<{ table: string; partition_id: string; rows: string }>();
  const expired = partitions.filter((p) => {
    if (!/^\d{8}$/.test(p.partition_id)) return false; // not a daily partition: never ours to drop
    const cutoff = p.table === 'span_rollup_1m' ? rollupCutoff : rawCutoff;
    return cutoff !== undefined && Number(p.partition_id) < cutoff;
  });

  const pins = expired.some((p) => p.table in ARCHIVED) && options.pinnedRuns ? await options.pinnedRuns() : new Map<string, PinMode>();
  const groups = pinGroups(pins);
  const actions: RetentionAction[] = [];
  for (const p of expired) {
    const day = Number(p.partition_id);
    let archivedRows = 0;
    const archive = ARCHIVED[p.table];
    const params = p.table === 'logs' ? groups.logs : groups.spans;
    const anyPinned = (params.keep_all as string[]).length + (params.keep_some as string[]).length > 0;
    if (archive && anyPinned) {
      const counted = await client.query({ ...bindQuery(loadQuery(archive.count), { day, ...params }, caps), format: 'JSONEachRow' });
      archivedRows = Number((await counted.json<{ rows: string }>())[0]?.rows ?? 0);
      if (!dryRun && archivedRows > 0) await client.command(bindQuery(loadQuery(archive.copy), { day, ...params }, caps));
    }
    if (!dryRun) {
      // The partition value of toYYYYMMDD(...) is the number itself; it comes from system.parts and
      // was checked to be eight digits, and goes through the literal writer all the same.
      await client.command({ query: `ALTER TABLE ${sqlIdentifier(p.table)} DROP PARTITION ${sqlUnsigned(day)}` });
    }
    actions.push({ table: p.table, partition: p.partition_id, rows: Number(p.rows), archivedRows });
  }
  return { dryRun, rawCutoff, ...(rollupCutoff === undefined ? {} : { rollupCutoff }), actions };
}
