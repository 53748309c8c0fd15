import type { Pool } from 'pg';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../auth/bearer-auth';
import type { ApiConfig } from '../config/api-config';
import type { ClickHouseReader } from '../queries/clickhouse-drilldown';
import { ApiError, API_ERROR_CODES } from '../server/api-errors';
import type { Logger } from '../../telemetry/logger';

/** What the routes share: the stores, the config and the logger. */
export interface RouteContext {
  config: ApiConfig;
  /** hindsight_reader: every GET. */
  reader: Pool;
  /** hindsight_operator: admin writes; undefined when not configured. */
  operator?: Pool;
  clickhouse?: ClickHouseReader;
  logger: Logger;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on every /api route; null only on the open health endpoints. */
    principal: Principal | null;
  }
}

/** The authenticated caller (the auth hook guarantees one on /api routes). */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null) throw new ApiError(401, API_ERROR_CODES.unauthenticated, 'a bearer token is required');
  return request.principal;
}

/** The caller, who must hold the admin scope. */
export function requireAdmin(request: FastifyRequest): Principal {
  const p = principalOf(request);
  if (!p.admin) throw new ApiError(403, API_ERROR_CODES.forbidden, 'this endpoint needs a token with the admin scope');
  return p;
}

/** The operator pool, or 503 when the API has none configured. */
export function operatorPool(ctx: RouteContext): Pool {
  if (ctx.operator === undefined) {
    throw new ApiError(503, API_ERROR_CODES.notConfigured, 'admin writes are not configured (api.postgres.operatorUrl)');
  }
  return ctx.operator;
}
