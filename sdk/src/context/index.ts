/**
 * Context propagation: the current correlation id, causation, actor, tenant and run id, carried through
 * async code, HTTP servers (node:http, Express, Fastify), background jobs and Kafka message headers.
 */
export {
  getContext,
  withContext,
  runInContext,
  mergeContext,
  contextAttributes,
  type HindsightContext,
  type ContextPatch,
} from './store';
export {
  injectContextHeaders,
  extractContextHeaders,
  parseActor,
  type ExtractedContext,
  type HeaderMap,
  type HeaderValue,
} from './headers';
export {
  httpMiddleware,
  expressMiddleware,
  requestScope,
  responseHeaders,
  runInScope,
  type HttpContextOptions,
  type HttpMiddleware,
  type RequestLike,
  type ResponseLike,
  type RequestScope,
} from './http';
export { fastifyHindsight, type FastifyHindsightPlugin, type FastifyInstanceLike, type FastifyReplyLike, type FastifyRequestLike } from './fastify';
export { runJob, type JobOptions } from './job';
