import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidCursorError } from '../cursor/keyset-cursor';
import type { Logger } from '../../telemetry/logger';

/**
 * Stable error codes of the operator API (docs/api.md lists them). Every error response is
 * `{ "error": { "code", "message" } }`; messages never carry database text.
 */
export const API_ERROR_CODES = {
  badRequest: 'BAD_REQUEST',
  invalidCursor: 'INVALID_CURSOR',
  unauthenticated: 'UNAUTHENTICATED',
  forbidden: 'FORBIDDEN',
  notFound: 'NOT_FOUND',
  streamLimit: 'STREAM_LIMIT',
  storeUnavailable: 'STORE_UNAVAILABLE',
  notConfigured: 'NOT_CONFIGURED',
  internal: 'INTERNAL',
} as const;

/** An error with the status and code the client sees. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

// Connection-level failures: the store is down or overloaded, worth retrying later (503).
const UNAVAILABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);

function classifyStoreError(err: unknown): { status: number; code: string; message: string } {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (UNAVAILABLE_ERRNO.has(code)) return { status: 503, code: API_ERROR_CODES.storeUnavailable, message: 'a store is unavailable; retry later' };
    // SQLSTATE classes: 08 connection, 53 insufficient resources, 57 operator intervention (shutdown,
    // statement timeout), 40 serialization/deadlock.
    if (/^(08|53|57|40)[0-9A-Z]{3}$/.test(code)) return { status: 503, code: API_ERROR_CODES.storeUnavailable, message: 'a store is unavailable or busy; retry later' };
    // Class 22 (data exception): a value passed validation but the store refused it (e.g. year 0).
    if (/^22[0-9A-Z]{3}$/.test(code)) return { status: 400, code: API_ERROR_CODES.badRequest, message: 'a parameter value is outside what the store accepts' };
  }
  if (err instanceof Error && /timeout|socket hang up/i.test(err.message)) {
    return { status: 503, code: API_ERROR_CODES.storeUnavailable, message: 'a store did not answer in time; retry later' };
  }
  return { status: 500, code: API_ERROR_CODES.internal, message: 'internal error' };
}

/** fastify error handler: validation → 400 naming the parameter, store failures → generic 5xx. */
export function apiErrorHandler(logger: Logger) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    const send = (status: number, code: string, message: string): void => {
      void reply.status(status).send({ error: { code, message } });
    };
    if (error instanceof ApiError) return send(error.statusCode, error.code, error.message);
    if (error instanceof InvalidCursorError) return send(400, API_ERROR_CODES.invalidCursor, `before: ${error.message}`);
    if (error.validation !== undefined) {
      // e.g. "querystring/limit must be <= 1000": names the part and the parameter.
      return send(400, API_ERROR_CODES.badRequest, error.message);
    }
    // fastify's own client errors (bad JSON body, wrong content type, body too large): their messages
    // come from fastify, not from a store.
    if (typeof error.code === 'string' && error.code.startsWith('FST_') && (error.statusCode ?? 500) < 500) {
      return send(error.statusCode ?? 400, API_ERROR_CODES.badRequest, error.message);
    }
    const c = classifyStoreError(error);
    // The detail stays in the server log, keyed by the request id the client can quote.
    logger.error('api request failed', { reqId: request.id, url: request.url.split('?')[0], error, storeCode: error.code });
    send(c.status, c.code, `${c.message} (request ${request.id})`);
  };
}
