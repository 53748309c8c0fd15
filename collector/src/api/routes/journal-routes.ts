import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { decodeCursor } from '../cursor/keyset-cursor';
import { loadJournalPage } from '../queries/journal';
import { narrowScope } from '../queries/tenant-scope';
import { Cursor, journalFilterProperties, limitSchema } from './params';
import { principalOf, type RouteContext } from './route-context';

/** `GET /api/journal`: keyset-paged journal events, newest first. */
export function journalRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const Query = Type.Object(
    { ...journalFilterProperties, before: Type.Optional(Cursor), limit: limitSchema(ctx.config.maxPageSize) },
    { additionalProperties: false },
  );
  app.get('/api/journal', { schema: { querystring: Query } }, async (request) => {
    const q = request.query as Static<typeof Query>;
    const p = principalOf(request);
    return loadJournalPage(ctx.reader, {
      tenants: narrowScope(p.tenants, q.tenant),
      filter: { scope: q.scope, runId: q.runId, correlationId: q.correlationId, severity: q.severity, errorsOnly: q.errorsOnly },
      before: q.before === undefined ? undefined : decodeCursor('journal', q.before),
      limit: q.limit,
    });
  });
}
