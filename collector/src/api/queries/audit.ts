import { encodeCursor, type KeysetPosition } from '../cursor/keyset-cursor';
import { auditView, type AuditEventView, type AuditRow, type Page, type PgQueryable } from './rows';
import { apiSql } from './sql-files';
import type { TenantScope } from './tenant-scope';

/** Filters of the audit list; absent fields do not filter. */
export interface AuditFilter {
  actorId?: string;
  resourceType?: string;
  resourceId?: string;
  action?: string;
  correlationId?: string;
  /** Inclusive lower bound (contract timestamp or RFC 3339). */
  from?: string;
  /** Exclusive upper bound. */
  to?: string;
}

/** Options of {@link loadAuditPage}. */
export interface AuditPageQuery {
  tenants: TenantScope;
  filter: AuditFilter;
  before?: KeysetPosition;
  limit: number;
}

/** One page of audit events, newest first. */
export async function loadAuditPage(pg: PgQueryable, q: AuditPageQuery): Promise<Page<AuditEventView>> {
  const f = q.filter;
  const { rows } = await pg.query<AuditRow>(apiSql('audit-page'), [
    [...q.tenants],
    f.actorId ?? null,
    f.resourceType ?? null,
    f.resourceId ?? null,
    f.action ?? null,
    f.from ?? null,
    f.to ?? null,
    f.correlationId ?? null,
    q.before?.ts ?? null,
    q.before?.id ?? null,
    q.limit + 1,
  ]);
  const items = rows.slice(0, q.limit).map(auditView);
  const last = items[items.length - 1];
  const nextCursor = rows.length > q.limit && last !== undefined ? encodeCursor('audit', { ts: last.ts, id: last.eventId }) : null;
  return { items, nextCursor };
}

/** Every audit event of a correlation id, oldest first, up to `limit`. */
export async function auditByCorrelation(pg: PgQueryable, tenants: TenantScope, correlationId: string, limit: number): Promise<AuditEventView[]> {
  const { rows } = await pg.query<AuditRow>(apiSql('audit-by-correlation'), [[...tenants], correlationId, limit]);
  return rows.map(auditView);
}
