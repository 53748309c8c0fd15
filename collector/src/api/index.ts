/**
 * The operator HTTP API: keyset-paged journal and audit lists, the correlation drilldown, runs with
 * pinning, a live tail and audit verification, over Postgres and ClickHouse. docs/api.md describes
 * every endpoint. The query layer is exported on its own for the terminal (`hindsight trace`).
 */
export { loadCorrelationTimeline, type Timeline, type TimelineEntry, type TimelineQuery, type SpanView, type LogView } from './queries/timeline';
export { buildCausationTree, type CausationNode, type CausationInput } from './queries/causation-tree';
export type { ClickHouseReader } from './queries/clickhouse-drilldown';
export { loadJournalPage, journalAfter, journalHead, type JournalFilter, type JournalPageQuery } from './queries/journal';
export { loadAuditPage, type AuditFilter, type AuditPageQuery } from './queries/audit';
export type { JournalEventView, AuditEventView, Page, PgQueryable } from './queries/rows';
export { ALL_TENANTS, narrowScope, scopeAllows, type TenantScope } from './queries/tenant-scope';
export { encodeCursor, decodeCursor, InvalidCursorError, type KeysetPosition, type CursorKind } from './cursor/keyset-cursor';
export { loadRunsPage, loadRun, updateRun, pinRunFor, unpinRunFor, type RunView, type RunFilter, type RunPatch } from './queries/runs';
export { ApiConfigSchema, ApiTokenSchema, ApiStreamSchema, type ApiConfig, type ApiTokenConfig } from './config/api-config';
export { parseApiConfig } from './config/parse-api-config';
export { TokenVerifier, type Principal } from './auth/bearer-auth';
export { buildApiServer, type ApiServerDeps } from './server/build-server';
export { startApi, type RunningApi } from './server/start-api';
export { ApiError, API_ERROR_CODES } from './server/api-errors';
