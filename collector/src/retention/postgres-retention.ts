import type { PinMode, Queryable } from './pin-run';
import { retentionSql } from './sql-files';

/** Inputs of {@link runPostgresRetention}. */
export interface PostgresRetentionOptions {
  /** A connection acting as hindsight_writer (or any role with EXECUTE on the retention functions). */
  db: Queryable;
  /** Days of journal partitions kept: partitions of days before `today - days` (UTC) are dropped. */
  days: number;
  /** Daily partitions kept created ahead of today. Default 7. */
  daysAhead?: number;
  /** Report what would be created, archived and dropped; change nothing. */
  dryRun?: boolean;
  /** Called after each partition, for progress bars. */
  onPartition?: (done: number, total: number) => void;
}

/** One expired partition: dropped (or, in a dry run, to be dropped). */
export interface PartitionAction {
  partition: string;
  /** The UTC day it holds, YYYY-MM-DD. */
  day: string;
  rows: number;
  /** Rows of pinned runs copied (to be copied) into journal_event_archive first. */
  archivedRows: number;
}

/** The expired rows of `journal_event_default`: deleted (or, in a dry run, to be deleted). */
export interface DefaultPartitionAction {
  /** The first UTC day kept, YYYY-MM-DD: rows with an earlier `ts` are expired. */
  before: string;
  deletedRows: number;
  /** Rows of pinned runs copied (to be copied) into journal_event_archive first. */
  archivedRows: number;
}

/** What {@link runPostgresRetention} did. */
export interface PostgresRetentionReport {
  dryRun: boolean;
  days: number;
  /** Partitions created ahead (in a dry run: the ones missing). */
  partitionsCreated: string[] | number;
  actions: PartitionAction[];
  /** Expired rows that had landed in the default partition, which no partition drop reaches. */
  defaultPartition: DefaultPartitionAction;
}

/**
 * Postgres retention of the journal: creates the daily partitions ahead, then for each partition older
 * than `days` copies the pinned runs' rows into the archive and detaches and drops the partition (one
 * transaction per partition, inside `hindsight.retire_journal_partition`). Last, the default
 * partition's rows older than `days` get the same treatment row by row
 * (`hindsight.retire_journal_default_rows`): it cannot be dropped, and it is the only place rows are
 * deleted. `audit_event` is not touched: the audit log is kept for good.
 */
export async function runPostgresRetention(options: PostgresRetentionOptions): Promise<PostgresRetentionReport> {
  const { db, days } = options;
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`retention days must be a whole number of at least 1 (got ${days})`);
  const ahead = options.daysAhead ?? 7;
  const dryRun = options.dryRun ?? false;

  let partitionsCreated: string[] | number;
  if (dryRun) {
    const { rows } = await db.query<{ partition: string }>(retentionSql('missing-partitions'), [ahead, 1]);
    partitionsCreated = rows.map((r) => r.partition);
  } else {
    const { rows } = await db.query<{ created: number }>(retentionSql('ensure-partitions'), [ahead, 1]);
    partitionsCreated = rows[0]?.created ?? 0;
  }

  const { rows: expired } = await db.query<{ partition: string; day: string; rows: string; archivable: string }>(
    retentionSql('expired-partitions'),
    [days],
  );
  const actions: PartitionAction[] = [];
  for (const p of expired) {
    if (dryRun) {
      actions.push({ partition: p.partition, day: p.day, rows: Number(p.rows), archivedRows: Number(p.archivable) });
    } else {
      const { rows } = await db.query<{ archived: string; dropped: string }>(retentionSql('retire-partition'), [p.partition, days]);
      actions.push({ partition: p.partition, day: p.day, rows: Number(rows[0]?.dropped ?? 0), archivedRows: Number(rows[0]?.archived ?? 0) });
    }
    options.onPartition?.(actions.length, expired.length);
  }

  // A dry run counts what the function would do; both queries name their columns alike.
  const { rows } = await db.query<{ archived: string; deleted: string; before: string }>(
    retentionSql(dryRun ? 'expired-default-rows' : 'retire-default-rows'),
    [days],
  );
  const r = rows[0];
  const defaultPartition: DefaultPartitionAction = { before: r?.before ?? '', deletedRows: Number(r?.deleted ?? 0), archivedRows: Number(r?.archived ?? 0) };
  return { dryRun, days, partitionsCreated, actions, defaultPartition };
}

const MODE_RANK: Record<PinMode, number> = { ERRORS_ONLY: 0, SLIM: 1, FULL: 2 };

/**
 * Run ids and the correlation ids of their journal events, each with the pin mode to apply in
 * ClickHouse. An id shared by runs pinned differently gets the mode that keeps the most.
 */
export async function pinnedIds(db: Queryable): Promise<Map<string, PinMode>> {
  const { rows } = await db.query<{ id: string; mode: PinMode }>(retentionSql('pinned-ids'));
  const out = new Map<string, PinMode>();
  for (const { id, mode } of rows) {
    const have = out.get(id);
    if (have === undefined || MODE_RANK[mode] > MODE_RANK[have]) out.set(id, mode);
  }
  return out;
}
