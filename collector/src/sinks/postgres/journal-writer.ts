import type { PoolClient } from 'pg';
import type { JournalEvent } from '@hindsight/sdk/contract';
import { copyCsv } from './copy-csv';
import { JOURNAL_INSERT_COLUMNS, journalCsvLine } from './rows';
import { query } from './sql-files';

/** What one batch adds to a run (journal-runs.sql). */
interface RunDelta {
  runId: string;
  tenant: string;
  firstTs: string;
  lastTs: string;
  events: number;
  warns: number;
  errors: number;
  /** Newest value of each metadata field in the batch, with the ts it came with. */
  meta: Record<'scenario' | 'test_plan' | 'description' | 'tags', { ts: string; value: string } | undefined>;
}

const META_STRINGS = ['scenario', 'test_plan', 'description'] as const;

/** What {@link insertJournalEvents} did: rows inserted, and events skipped as already stored. */
export interface JournalInsert {
  inserted: number;
  stored: number;
}

/**
 * Inserts journal events inside the caller's transaction, as COPY: the batch's repeats are dropped,
 * with `probe` one primary-key probe per event finds those already stored (redelivery), the rest is
 * COPYed into journal_event, and journal_run is upserted with what exactly those rows add. Without
 * `probe` an already stored event makes the COPY fail with 23505 (unique_violation) and nothing of
 * the transaction stays: the caller runs it again with `probe`. A concurrent writer storing the same
 * event between the probe and the COPY also makes it fail with 23505, which is retried (the retry
 * skips the event), so nothing is ever counted twice.
 */
export async function insertJournalEvents(client: PoolClient, events: readonly JournalEvent[], probe = true): Promise<JournalInsert> {
  if (events.length === 0) return { inserted: 0, stored: 0 };
  const ids = new Set<string>();
  const unique: JournalEvent[] = [];
  for (const e of events) {
    const id = e.event_id.toLowerCase();
    if (ids.has(id)) continue; // the same event twice in one batch is stored once
    ids.add(id);
    unique.push(e);
  }
  let fresh = unique;
  if (probe) {
    const stored = await client.query<{ n: number }>(query('journal-stored'), [unique.map((e) => e.event_id), unique.map((e) => e.ts)]);
    if (stored.rows.length > 0) fresh = skipPositions(unique, stored.rows.map((r) => r.n - 1));
  }
  const stored = unique.length - fresh.length;
  if (fresh.length === 0) return { inserted: 0, stored };
  let csv = '';
  for (const e of fresh) csv += journalCsvLine(e);
  await copyCsv(client, 'hindsight.journal_event', JOURNAL_INSERT_COLUMNS, csv);
  for (const d of upsertRounds(runDeltas(fresh))) {
    await client.query(query('journal-runs'), [
      d.map((r) => r.runId), d.map((r) => r.tenant), d.map((r) => r.firstTs), d.map((r) => r.lastTs),
      d.map((r) => r.events), d.map((r) => r.warns), d.map((r) => r.errors),
      d.map((r) => r.meta.scenario?.value ?? null), d.map((r) => r.meta.test_plan?.value ?? null),
      d.map((r) => r.meta.description?.value ?? null), d.map((r) => r.meta.tags?.value ?? null),
      d.map((r) => r.meta.scenario?.ts ?? null), d.map((r) => r.meta.test_plan?.ts ?? null),
      d.map((r) => r.meta.description?.ts ?? null), d.map((r) => r.meta.tags?.ts ?? null),
    ]);
  }
  return { inserted: fresh.length, stored };
}

/** `rows` without the given 0-based positions. */
function skipPositions<T>(rows: readonly T[], positions: readonly number[]): T[] {
  const skip = new Set(positions);
  return rows.filter((_, i) => !skip.has(i));
}

/**
 * The deltas in statements one upsert each can take: one statement cannot touch a run twice, so the
 * deltas of tenants sharing a run id (only the run's own tenant's is folded in, journal-runs.sql) go
 * in turn, the tenant whose event came first in the first statement. Nearly always one statement.
 */
export function upsertRounds(deltas: readonly RunDelta[]): RunDelta[][] {
  const rounds: RunDelta[][] = [];
  const seen = new Map<string, number>();
  for (const d of deltas) {
    const round = seen.get(d.runId) ?? 0;
    seen.set(d.runId, round + 1);
    (rounds[round] ??= []).push(d);
  }
  return rounds;
}

/**
 * Folds events into one delta per run and tenant (a run id chosen by two tenants is two deltas), in
 * run id order, a run's deltas by their first event. Contract timestamps are all spelled `YYYY-MM-DDTHH:MM:SS.ffffffZ`
 * (UTC, six digits), so their string order is their time order. Metadata: the newest event carrying a
 * value wins (a later one in the batch on a tie); strings for scenario/test_plan/description, a
 * non-empty array for tags. Each value keeps its event's ts, so journal-runs.sql can keep the newest
 * across batches too.
 */
export function runDeltas(events: readonly JournalEvent[]): RunDelta[] {
  const runs = new Map<string, RunDelta>();
  for (const r of events) {
    if (r.run_id === null || r.run_id === undefined) continue;
    const key = `${r.tenant}\u0000${r.run_id}`;
    let d = runs.get(key);
    if (d === undefined) {
      d = { runId: r.run_id, tenant: r.tenant, firstTs: r.ts, lastTs: r.ts, events: 0, warns: 0, errors: 0, meta: { scenario: undefined, test_plan: undefined, description: undefined, tags: undefined } };
      runs.set(key, d);
    }
    d.events++;
    if (r.severity === 'WARN') d.warns++;
    else if (r.severity === 'ERROR') d.errors++;
    if (r.ts < d.firstTs) d.firstTs = r.ts;
    if (r.ts > d.lastTs) d.lastTs = r.ts;
    const details = r.details;
    if (details === null || details === undefined) continue;
    for (const key of META_STRINGS) {
      const v = details[key];
      if (typeof v === 'string' && !(r.ts < (d.meta[key]?.ts ?? ''))) d.meta[key] = { ts: r.ts, value: v };
    }
    // Empty tags keep the stored ones (journal-runs.sql), so they are no value here either: a newer
    // event's empty array must not hide an older event's tags of the same batch.
    const tags = details['tags'];
    if (Array.isArray(tags) && tags.length > 0 && !(r.ts < (d.meta.tags?.ts ?? ''))) d.meta.tags = { ts: r.ts, value: JSON.stringify(tags) };
  }
  const byRun = (a: RunDelta, b: RunDelta): number =>
    a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : a.firstTs < b.firstTs ? -1 : a.firstTs > b.firstTs ? 1 : a.tenant < b.tenant ? -1 : 1;
  return [...runs.values()].sort(byRun);
}
