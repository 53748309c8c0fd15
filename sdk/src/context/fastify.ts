/**
 * Fastify plugin: opens the request context in `onRequest` and re-enters it in `preValidation`,
 * because Fastify parses bodies on stream events that run outside the hook's async context.
 */
import type { HttpContextOptions, RequestScope } from './http';
import { requestScope, responseHeaders, runInScope } from './http';
import type { HeaderMap } from './headers';

/** The parts of a Fastify request the plugin reads. */
export interface FastifyRequestLike {
  headers: HeaderMap;
}

/** The parts of a Fastify reply the plugin writes. */
export interface FastifyReplyLike {
  header(name: string, value: string): unknown;
}

type Done = (err?: Error) => void;
type Hook = (request: FastifyRequestLike, reply: FastifyReplyLike, done: Done) => void;

/** The parts of a Fastify instance the plugin uses. */
export interface FastifyInstanceLike {
  addHook(name: 'onRequest' | 'preValidation', hook: Hook): unknown;
}

/** A Fastify plugin function, as `app.register()` takes it. */
export type FastifyHindsightPlugin = (instance: FastifyInstanceLike, opts: unknown, done: Done) => void;

const SCOPE = Symbol('hindsight.scope');

/**
 * `app.register(fastifyHindsight({ actor: (req) => … }))`. Applies to every route of the instance it
 * is registered on (it is not encapsulated, as with fastify-plugin).
 */
export function fastifyHindsight<Req extends FastifyRequestLike = FastifyRequestLike>(
  options: HttpContextOptions<Req> = {},
): FastifyHindsightPlugin {
  const plugin: FastifyHindsightPlugin = (instance, _opts, done) => {
    instance.addHook('onRequest', (request, reply, next) => {
      const scope = requestScope(request as Req, request.headers, options);
      (request as unknown as Record<symbol, RequestScope>)[SCOPE] = scope;
      for (const [name, value] of Object.entries(responseHeaders(scope))) reply.header(name, value);
      runInScope(scope, () => next());
    });
    instance.addHook('preValidation', (request, _reply, next) => {
      const scope = (request as unknown as Record<symbol, RequestScope | undefined>)[SCOPE];
      if (scope === undefined) next();
      else runInScope(scope, () => next());
    });
    done();
  };
  // What fastify-plugin sets: hooks reach the whole app, and the plugin has a readable name.
  const meta = plugin as unknown as Record<symbol, unknown>;
  meta[Symbol.for('skip-override')] = true;
  meta[Symbol.for('fastify.display-name')] = 'hindsight';
  meta[Symbol.for('plugin-meta')] = { name: 'hindsight', fastify: '>=4' };
  return plugin;
}
