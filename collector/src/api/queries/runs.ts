import { encodeCursor, type KeysetPosition } from '../cursor/keyset-cursor';
import type { Page, PgQueryable } from './rows';
import { apiSql } from './sql-files';
import type { TenantScope } from './tenant-scope';

/** A run as the API returns it. Counts are decimal strings (bigint columns). */
export interface RunView {
  runId: string;
  tenant: string;
  scenario: string | null;
  testPlan: string | null;
  description: string | null;
  tags: string[];
  firstTs: string;
  lastTs: string;
  counts: { events: string; warn: string; error: string };
  pinned: boolean;
  pinMode: 'FULL' | 'SLIM' | 'ERRORS_ONLY' | null;
  pinnedAt: string | null;
}

interface RunRow {
  run_id: string;
  tenant: string;
  scenario: string | null;
  test_plan: string | null;
  description: string | null;
  tags: string[];
  first_ts: string;
  last_ts: string;
  event_count: string;
  warn_count: string;
  error_count: string;
  pinned: boolean;
  pin_mode: RunView['pinMode'];
  pinned_at: string | null;
}

const runView = (r: RunRow): RunView => ({
  runId: r.run_id,
  tenant: r.tenant,
  scenario: r.scenario,
  testPlan: r.test_plan,
  description: r.description,
  tags: r.tags,
  firstTs: r.first_ts,
  lastTs: r.last_ts,
  counts: { events: r.event_count, warn: r.warn_count, error: r.error_count },
  pinned: r.pinned,
  pinMode: r.pin_mode,
  pinnedAt: r.pinned_at,
});

/** Filters of the run list; absent fields do not filter. */
export interface RunFilter {
  pinned?: boolean;
  tag?: string;
  scenario?: string;
  testPlan?: string;
  runId?: string;
}

/** One page of runs, most recently active first. */
export async function loadRunsPage(
  pg: PgQueryable,
  q: { tenants: TenantScope; filter: RunFilter; before?: KeysetPosition; limit: number },
): Promise<Page<RunView>> {
  const f = q.filter;
  const { rows } = await pg.query<RunRow>(apiSql('runs-page'), [
    [...q.tenants], f.pinned ?? null, f.tag ?? null, f.scenario ?? null, f.testPlan ?? null, f.runId ?? null,
    q.before?.ts ?? null, q.before?.id ?? null, q.limit + 1,
  ]);
  const items = rows.slice(0, q.limit).map(runView);
  const last = items[items.length - 1];
  const nextCursor = rows.length > q.limit && last !== undefined ? encodeCursor('runs', { ts: last.lastTs, id: last.runId }) : null;
  return { items, nextCursor };
}

/** One run of the caller's tenants, or undefined. */
export async function loadRun(pg: PgQueryable, tenants: TenantScope, runId: string): Promise<RunView | undefined> {
  return (await loadRunsPage(pg, { tenants, filter: { runId }, limit: 1 })).items[0];
}

/** Metadata changes of `PATCH /api/runs/:id`; `null` clears a text field. */
export interface RunPatch {
  tags?: string[];
  testPlan?: string | null;
  description?: string | null;
}

/** Applies a patch as the operator role; false when the run is not one of the caller's. */
export async function updateRun(pg: PgQueryable, tenants: TenantScope, runId: string, patch: RunPatch): Promise<boolean> {
  const { rowCount } = await pg.query(apiSql('run-update'), [
    runId, [...tenants], patch.tags ?? null, patch.testPlan ?? null, patch.description ?? null,
    patch.testPlan !== undefined, patch.description !== undefined,
  ]);
  return (rowCount ?? 0) > 0;
}

/** Pins a run of the caller's tenants; false when it is not one of theirs. */
export async function pinRunFor(
  pg: PgQueryable,
  tenants: TenantScope,
  runId: string,
  mode: 'FULL' | 'SLIM' | 'ERRORS_ONLY',
  by: { requestedBy: string; note?: string },
): Promise<boolean> {
  const { rows } = await pg.query<{ found: boolean }>(apiSql('run-pin'), [runId, [...tenants], mode, by.requestedBy, by.note ?? null]);
  return rows[0]?.found === true;
}

/** Unpins a run of the caller's tenants; the archived rows removed, or undefined when not theirs. */
export async function unpinRunFor(pg: PgQueryable, tenants: TenantScope, runId: string): Promise<number | undefined> {
  const { rows } = await pg.query<{ removed: string | null }>(apiSql('run-unpin'), [runId, [...tenants]]);
  const r = rows[0];
  return r === undefined || r.removed === null ? undefined : Number(r.removed);
}
