import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { TokenVerifier } from '../auth/bearer-auth';
import { auditRoutes } from '../routes/audit-routes';
import { correlationRoutes } from '../routes/correlation-routes';
import { healthRoutes } from '../routes/health-routes';
import { journalRoutes } from '../routes/journal-routes';
import type { RouteContext } from '../routes/route-context';
import { runRoutes } from '../routes/run-routes';
import { streamRoute } from '../routes/stream-route';
import { apiErrorHandler, API_ERROR_CODES } from './api-errors';

/** Dependencies of {@link buildApiServer}: the stores, config and logger; `env` holds `env` tokens. */
export interface ApiServerDeps extends RouteContext {
  env?: NodeJS.ProcessEnv;
}

/**
 * Builds the fastify instance of the operator API (not listening yet). Every `/api/` route needs a
 * bearer token; `/healthz` and `/readyz` stay open.
 * @throws ConfigError when an `env` token is missing.
 */
export function buildApiServer(deps: ApiServerDeps): FastifyInstance {
  const verifier = new TokenVerifier(deps.config.tokens, deps.env);
  const app = Fastify({
    logger: false,
    bodyLimit: 64 * 1024,
    // Unknown parameters must fail with a 400, not be dropped silently (fastify's default removes them);
    // arrays are coerced so `severity=WARN` and `severity=WARN&severity=ERROR` both validate.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
    routerOptions: { maxParamLength: 256 },
    // Errors fastify raises before routing (a malformed percent-encoding in the path, a bad header)
    // bypass the error handler: answered here in the API's own error shape.
    frameworkErrors: (error, _request, reply) => {
      void (reply as FastifyReply).status(400).send({ error: { code: API_ERROR_CODES.badRequest, message: error.message } });
    },
  });
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/')) return;
    const principal = verifier.verify(request.headers.authorization);
    if (principal === undefined) {
      return reply
        .status(401)
        .header('www-authenticate', 'Bearer realm="hindsight"')
        .send({ error: { code: API_ERROR_CODES.unauthenticated, message: 'a valid bearer token is required' } });
    }
    request.principal = principal;
  });
  app.setErrorHandler(apiErrorHandler(deps.logger));
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ error: { code: API_ERROR_CODES.notFound, message: `no route ${request.method} ${request.url.split('?')[0]}` } });
  });
  healthRoutes(app, deps);
  journalRoutes(app, deps);
  auditRoutes(app, deps);
  correlationRoutes(app, deps);
  runRoutes(app, deps);
  streamRoute(app, deps);
  return app;
}
