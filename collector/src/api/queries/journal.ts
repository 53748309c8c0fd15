import { encodeCursor, type KeysetPosition } from '../cursor/keyset-cursor';
import { journalView, type JournalEventView, type JournalRow, type Page, type PgQueryable } from './rows';
import { apiSql } from './sql-files';
import type { TenantScope } from './tenant-scope';

/** Filters shared by the journal page and the live tail. Absent fields do not filter. */
export interface JournalFilter {
  scope?: string;
  runId?: string;
  correlationId?: string;
  /** Any of these severities. */
  severity?: readonly string[];
  /** WARN and ERROR only (combined with `severity` by intersection). */
  errorsOnly?: boolean;
}

/** Severities a filter admits, or null for all. An empty array admits nothing. */
export function severitiesOf(filter: JournalFilter): string[] | null {
  let out: string[] | null = filter.severity === undefined || filter.severity.length === 0 ? null : [...new Set(filter.severity)];
  if (filter.errorsOnly === true) out = (out ?? ['WARN', 'ERROR']).filter((s) => s === 'WARN' || s === 'ERROR');
  return out;
}

function filterParams(tenants: TenantScope, filter: JournalFilter): unknown[] {
  return [[...tenants], filter.scope ?? null, filter.runId ?? null, filter.correlationId ?? null, severitiesOf(filter)];
}

/** Options of {@link loadJournalPage}. */
export interface JournalPageQuery {
  tenants: TenantScope;
  filter: JournalFilter;
  /** Decoded `before` cursor: the page starts after this row. */
  before?: KeysetPosition;
  limit: number;
}

/** One page of journal events, newest first (live and archived rows of pinned runs). */
export async function loadJournalPage(pg: PgQueryable, q: JournalPageQuery): Promise<Page<JournalEventView>> {
  const { rows } = await pg.query<JournalRow>(apiSql('journal-page'), [
    ...filterParams(q.tenants, q.filter),
    q.before?.ts ?? null,
    q.before?.id ?? null,
    q.limit + 1,
  ]);
  const items = rows.slice(0, q.limit).map(journalView);
  const last = items[items.length - 1];
  const nextCursor = rows.length > q.limit && last !== undefined ? encodeCursor('journal', { ts: last.ts, id: last.eventId }) : null;
  return { items, nextCursor };
}

/** The newest row matching a filter: where a live tail starts. */
export async function journalHead(pg: PgQueryable, tenants: TenantScope, filter: JournalFilter): Promise<KeysetPosition | null> {
  const { rows } = await pg.query<{ event_id: string; ts: string }>(apiSql('journal-head'), filterParams(tenants, filter));
  const r = rows[0];
  return r === undefined ? null : { ts: r.ts, id: r.event_id };
}

/** Rows after `after`, oldest first: one poll of a live tail. */
export async function journalAfter(
  pg: PgQueryable,
  tenants: TenantScope,
  filter: JournalFilter,
  after: KeysetPosition,
  limit: number,
): Promise<JournalEventView[]> {
  const { rows } = await pg.query<JournalRow>(apiSql('journal-tail'), [...filterParams(tenants, filter), after.ts, after.id, limit]);
  return rows.map(journalView);
}

/** Every journal event of a correlation id, oldest first, up to `limit`. */
export async function journalByCorrelation(pg: PgQueryable, tenants: TenantScope, correlationId: string, limit: number): Promise<JournalEventView[]> {
  const { rows } = await pg.query<JournalRow>(apiSql('journal-by-correlation'), [[...tenants], correlationId, limit]);
  return rows.map(journalView);
}
