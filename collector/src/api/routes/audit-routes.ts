import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { verifyAudit } from '../../sinks/postgres';
import { decodeCursor } from '../cursor/keyset-cursor';
import { loadAuditPage } from '../queries/audit';
import { coversAllTenants, narrowScope } from '../queries/tenant-scope';
import { ActionLike, Cursor, Identifier, OneLine, Rfc3339, limitSchema } from './params';
import { principalOf, type RouteContext } from './route-context';

/** `GET /api/audit` (keyset-paged, by actor / resource / action / time) and `GET /api/audit/verify`. */
export function auditRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const Query = Type.Object(
    {
      tenant: Type.Optional(Identifier),
      actor: Type.Optional(OneLine),
      resourceType: Type.Optional(ActionLike),
      resourceId: Type.Optional(OneLine),
      action: Type.Optional(ActionLike),
      correlationId: Type.Optional(Identifier),
      from: Type.Optional(Rfc3339),
      to: Type.Optional(Rfc3339),
      before: Type.Optional(Cursor),
      limit: limitSchema(ctx.config.maxPageSize),
    },
    { additionalProperties: false },
  );
  app.get('/api/audit', { schema: { querystring: Query } }, async (request) => {
    const q = request.query as Static<typeof Query>;
    return loadAuditPage(ctx.reader, {
      tenants: narrowScope(principalOf(request).tenants, q.tenant),
      filter: {
        actorId: q.actor, resourceType: q.resourceType, resourceId: q.resourceId, action: q.action,
        correlationId: q.correlationId, from: q.from, to: q.to,
      },
      before: q.before === undefined ? undefined : decodeCursor('audit', q.before),
      limit: q.limit,
    });
  });

  const VerifyQuery = Type.Object({ tenant: Type.Optional(Identifier) }, { additionalProperties: false });
  app.get('/api/audit/verify', { schema: { querystring: VerifyQuery } }, async (request) => {
    const q = request.query as Static<typeof VerifyQuery>;
    const scope = narrowScope(principalOf(request).tenants, q.tenant);
    // Only tenants the caller reads are checked: another tenant yields an empty verdict list, the same
    // answer as for a tenant without audit rows, so the response does not reveal that it exists.
    if (coversAllTenants(scope)) return verifyAudit({ pool: ctx.reader });
    const tenants = [];
    for (const tenant of scope) tenants.push(...(await verifyAudit({ pool: ctx.reader, tenant })).tenants.filter((t) => t.checked > 0 || t.firstBrokenSeq !== undefined));
    return { ok: tenants.every((t) => t.firstBrokenSeq === undefined), tenants };
  });
}
