import { setTimeout as sleep } from 'node:timers/promises';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { decodeCursor, encodeCursor, InvalidCursorError, type KeysetPosition } from '../cursor/keyset-cursor';
import { journalAfter, journalHead, type JournalFilter } from '../queries/journal';
import { narrowScope } from '../queries/tenant-scope';
import { ApiError, API_ERROR_CODES } from '../server/api-errors';
import { Cursor, journalFilterProperties } from './params';
import { principalOf, type RouteContext } from './route-context';

// Before any real row: the position of a tail that must start at the very beginning.
const ORIGIN: KeysetPosition = { ts: '1970-01-01T00:00:00.000000Z', id: '00000000-0000-0000-0000-000000000000' };

/** The position a stream resumes at, a bad cursor refused naming where it came from. */
function resumeAt(cursor: string, from: 'Last-Event-ID' | 'after'): KeysetPosition {
  try {
    return decodeCursor('journal', cursor);
  } catch (error) {
    if (error instanceof InvalidCursorError) throw new ApiError(400, API_ERROR_CODES.invalidCursor, `${from}: ${error.message}`);
    throw error;
  }
}

/**
 * `GET /api/stream`: a live tail of the journal as Server-Sent Events, with the journal page's filters.
 * Each stream polls Postgres for rows after the last (ts, event_id) it sent; every event carries that
 * position as its SSE id, so a client reconnecting with Last-Event-ID (browsers do it by themselves)
 * continues without gaps or repeats. Streams are bounded in number, rows per poll and lifetime.
 */
export function streamRoute(app: FastifyInstance, ctx: RouteContext): void {
  const cfg = ctx.config.stream;
  let open = 0;
  /** Open streams per token name. */
  const openBy = new Map<string, number>();
  const Query = Type.Object({ ...journalFilterProperties, after: Type.Optional(Cursor) }, { additionalProperties: false });

  app.get('/api/stream', { schema: { querystring: Query } }, async (request, reply) => {
    const q = request.query as Static<typeof Query>;
    const principal = principalOf(request);
    const tenants = narrowScope(principal.tenants, q.tenant);
    const filter: JournalFilter = { scope: q.scope, runId: q.runId, correlationId: q.correlationId, severity: q.severity, errorsOnly: q.errorsOnly };
    const lastEventId = request.headers['last-event-id'];
    const resume = typeof lastEventId === 'string' && lastEventId !== '' ? lastEventId : q.after;
    // Decoded before the response starts, so a bad cursor is still a plain 400.
    let position = resume !== undefined ? resumeAt(resume, resume === lastEventId ? 'Last-Event-ID' : 'after') : ((await journalHead(ctx.reader, tenants, filter)) ?? ORIGIN);
    if (open >= cfg.maxConnections) throw new ApiError(503, API_ERROR_CODES.streamLimit, `at most ${cfg.maxConnections} streams may be open`);
    const mine = openBy.get(principal.name) ?? 0;
    if (mine >= cfg.maxPerToken) throw new ApiError(429, API_ERROR_CODES.streamLimit, `at most ${cfg.maxPerToken} streams may be open per token`);

    open++;
    openBy.set(principal.name, mine + 1);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    let closed = false;
    const abort = new AbortController();
    const finish = (): void => {
      if (closed) return;
      closed = true;
      open--;
      const left = (openBy.get(principal.name) ?? 1) - 1;
      if (left > 0) openBy.set(principal.name, left);
      else openBy.delete(principal.name);
      abort.abort();
      clearInterval(heartbeat);
      clearTimeout(lifetime);
      res.end();
    };
    request.raw.on('close', finish);
    res.on('close', finish);
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), cfg.heartbeatMs);
    const lifetime = setTimeout(finish, cfg.maxDurationMs);
    // A client gone while the head was read (or the server closing its connections meanwhile) closed
    // the response before the listeners above: its 'close' will not come again.
    if (res.destroyed) finish();
    // A slow reader must not make the server buffer without bound: wait for the socket to drain.
    const write = async (chunk: string): Promise<void> => {
      if (!res.write(chunk) && !closed) await new Promise<void>((resolve) => res.once('drain', resolve).once('close', resolve));
    };
    await write(`retry: 2000\n: tail from ${encodeCursor('journal', position)}\n\n`);

    try {
      while (!closed) {
        const rows = await journalAfter(ctx.reader, tenants, filter, position, cfg.maxRowsPerPoll);
        for (const row of rows) {
          if (closed) break;
          position = { ts: row.ts, id: row.eventId };
          await write(`id: ${encodeCursor('journal', position)}\nevent: journal\ndata: ${JSON.stringify(row)}\n\n`);
        }
        // A full batch means more are waiting: fetch them now instead of after a pause.
        if (rows.length < cfg.maxRowsPerPoll) await sleep(cfg.pollIntervalMs, undefined, { signal: abort.signal }).catch(() => undefined);
      }
    } catch (error) {
      ctx.logger.error('stream poll failed', { reqId: request.id, error });
      if (!closed) res.write(`event: error\ndata: ${JSON.stringify({ code: API_ERROR_CODES.storeUnavailable, message: 'the store is unavailable; reconnect later' })}\n\n`);
      finish();
    }
  });
}
