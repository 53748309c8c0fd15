import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { describeClickHouseFailure } from '../../sinks/clickhouse';
import { loadCorrelationTimeline } from '../queries/timeline';
import { narrowScope } from '../queries/tenant-scope';
import { Identifier } from './params';
import { principalOf, type RouteContext } from './route-context';

/** `GET /api/correlations/:id`: the correlation's timeline and causation tree. */
export function correlationRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const Params = Type.Object({ id: Identifier }, { additionalProperties: false });
  const Query = Type.Object(
    {
      tenant: Type.Optional(Identifier),
      /** Rows read per source (audit, journal, spans, logs) at most. */
      limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 5000 }),
    },
    { additionalProperties: false },
  );
  app.get('/api/correlations/:id', { schema: { params: Params, querystring: Query } }, async (request) => {
    const { id } = request.params as Static<typeof Params>;
    const q = request.query as Static<typeof Query>;
    // An unknown correlation id, or one of another tenant, is an empty timeline (200), never a 404
    // that would tell the two apart.
    return loadCorrelationTimeline({
      pg: ctx.reader,
      clickhouse: ctx.clickhouse,
      tenants: narrowScope(principalOf(request).tenants, q.tenant),
      correlationId: id,
      limitPerSource: q.limit,
      onClickHouseError: (error) => ctx.logger.warn('timeline: ClickHouse read failed', { reqId: request.id, reason: describeClickHouseFailure(error) }),
    });
  });
}
