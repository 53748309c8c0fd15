import type { Client, Pool, PoolClient } from 'pg';
import { retentionSql } from './sql-files';

/**
 * How much of a pinned run outlives retention. Postgres journal: FULL every event; SLIM every event
 * but DEBUG, with the raw payload keys of `details` dropped (see {@link SLIM_DROPPED_DETAIL_KEYS});
 * ERRORS_ONLY WARN and ERROR events. ClickHouse: see `runClickHouseRetention`.
 */
export type PinMode = 'FULL' | 'SLIM' | 'ERRORS_ONLY';

/** Every pin mode, for option parsing and validation. */
export const PIN_MODES: readonly PinMode[] = ['FULL', 'SLIM', 'ERRORS_ONLY'];

/** Top-level `details` keys a SLIM pin drops (mirrors hindsight.slim_details in migration 004). */
export const SLIM_DROPPED_DETAIL_KEYS: readonly string[] = ['payload', 'raw', 'body', 'request_body', 'response_body', 'stdout', 'stderr'];

/** Anything that runs a parameterized query: a pool, a pooled client or a client. */
export type Queryable = Pool | PoolClient | Client;

/** Who asked for a pin and why; stored in `journal_capture`. */
export interface PinOptions {
  requestedBy?: string;
  note?: string;
}

/** True when `value` names a pin mode. */
export function isPinMode(value: unknown): value is PinMode {
  return typeof value === 'string' && (PIN_MODES as readonly string[]).includes(value);
}

/**
 * Pins run `runId` with `mode` (or changes the mode of a pinned run): retention copies its rows into
 * the archive before dropping their partitions. Works with the writer's rights (the change happens in
 * the SECURITY DEFINER function `hindsight.pin_run`). Returns false when the run is unknown.
 */
export async function pinRun(db: Queryable, runId: string, mode: PinMode, options: PinOptions = {}): Promise<boolean> {
  if (!isPinMode(mode)) throw new TypeError(`unknown pin mode "${String(mode)}" (expected ${PIN_MODES.join(', ')})`);
  const { rows } = await db.query<{ found: boolean }>(retentionSql('pin-run'), [runId, mode, options.requestedBy ?? null, options.note ?? null]);
  return rows[0]?.found === true;
}

/**
 * Unpins run `runId` and removes its archived rows (rows retention already dropped are then gone for
 * good). Returns the number of archived rows removed, or undefined when the run is unknown.
 */
export async function unpinRun(db: Queryable, runId: string): Promise<number | undefined> {
  const { rows } = await db.query<{ removed: string | null }>(retentionSql('unpin-run'), [runId]);
  const removed = rows[0]?.removed;
  return removed === null || removed === undefined ? undefined : Number(removed);
}

/** A run's pin state. */
export interface RunPin {
  runId: string;
  pinned: boolean;
  mode: PinMode | null;
  pinnedAt: Date | null;
}

/** The pin state of `runId`, or undefined when the run is unknown. */
export async function getRunPin(db: Queryable, runId: string): Promise<RunPin | undefined> {
  const { rows } = await db.query<{ run_id: string; pinned: boolean; pin_mode: string | null; pinned_at: Date | null }>(retentionSql('run-pin'), [runId]);
  const row = rows[0];
  if (row === undefined) return undefined;
  return { runId: row.run_id, pinned: row.pinned, mode: isPinMode(row.pin_mode) ? row.pin_mode : null, pinnedAt: row.pinned_at };
}
