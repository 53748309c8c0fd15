import type { FastifyInstance } from 'fastify';
import type { RouteContext } from './route-context';

/**
 * Open health endpoints: no token needed, so they say nothing but up or not (no store names, versions
 * or errors, which would help an attacker more than an orchestrator).
 */
export function healthRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await ctx.reader.query('SELECT 1');
      if (ctx.clickhouse !== undefined) {
        const ping = await ctx.clickhouse.client.ping();
        if (!ping.success) throw ping.error;
      }
      return { status: 'ready' };
    } catch (error) {
      ctx.logger.warn('api not ready', { error });
      return reply.status(503).send({ status: 'unavailable' });
    }
  });
}
