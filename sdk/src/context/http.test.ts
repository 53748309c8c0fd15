import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { context, trace } from '@opentelemetry/api';
import express from 'express';
import Fastify from 'fastify';
import { HEADERS, UUID_V7_PATTERN } from '../contract';
import { expressMiddleware, httpMiddleware } from './http';
import { fastifyHindsight } from './fastify';
import { getContext } from './store';
import { setupTracing } from './otel-test-setup';

setupTracing();

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;
const actor = (req: { headers: Record<string, unknown> }) =>
  typeof req.headers['x-user'] === 'string' ? { id: req.headers['x-user'], type: 'user' as const } : undefined;
const tenant = () => 'acme';

/** What the handler saw, after an await, in the request's context. */
async function observe(): Promise<Record<string, unknown>> {
  await sleep(1);
  const ctx = getContext();
  return {
    correlationId: ctx?.correlationId,
    actor: ctx?.actor,
    tenant: ctx?.tenant,
    traceId: trace.getSpanContext(context.active())?.traceId ?? null,
  };
}

interface Case { name: string; start: () => Promise<{ url: string; close: () => Promise<void> }> }

function listen(server: Server): Promise<{ url: string; close: () => Promise<void> }> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    resolve({ url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(() => r())) });
  }));
}

const cases: Case[] = [
  {
    name: 'node:http',
    start: () => {
      const mw = httpMiddleware<IncomingMessage, ServerResponse>({ actor, tenant });
      return listen(createServer((req, res) => mw(req, res, async () => {
        res.end(JSON.stringify(await observe()));
      })));
    },
  },
  {
    name: 'express',
    start: () => {
      const app = express();
      app.use(expressMiddleware({ actor, tenant }));
      app.get('/', async (_req, res) => {
        res.json(await observe());
      });
      return listen(createServer(app));
    },
  },
  {
    name: 'fastify',
    start: async () => {
      const app = Fastify();
      await app.register(fastifyHindsight({ actor, tenant }));
      app.get('/', async () => observe());
      // A route with a parsed body: body parsing runs outside onRequest's async context.
      app.post('/', async () => observe());
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      return { url: `http://127.0.0.1:${port}/`, close: () => app.close() };
    },
  },
];

for (const c of cases) {
  test(`${c.name}: incoming correlation id, actor, tenant and trace parent are visible after an await`, async () => {
    const server = await c.start();
    after(server.close);
    const res = await fetch(server.url, { headers: { [HEADERS.correlationId]: 'client-req-1', 'x-user': 'ada', traceparent: TRACEPARENT } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get(HEADERS.correlationId), 'client-req-1');
    assert.deepEqual(await res.json(), { correlationId: 'client-req-1', actor: { id: 'ada', type: 'user' }, tenant: 'acme', traceId: TRACE_ID });
  });

  test(`${c.name}: absent or malformed correlation ids are replaced by a new UUIDv7`, async () => {
    const server = await c.start();
    after(server.close);
    for (const sent of [undefined, 'has spaces and ;', 'x'.repeat(200)]) {
      const res = await fetch(server.url, { headers: sent === undefined ? {} : { [HEADERS.correlationId]: sent } });
      const body = (await res.json()) as { correlationId: string; traceId: string | null };
      assert.match(body.correlationId, new RegExp(UUID_V7_PATTERN));
      assert.equal(res.headers.get(HEADERS.correlationId), body.correlationId);
      assert.equal(body.traceId, null);
    }
  });
}

test('fastify: context survives body parsing', async () => {
  const server = await (cases[2] as Case).start();
  after(server.close);
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { [HEADERS.correlationId]: 'with-body', 'content-type': 'application/json' },
    body: JSON.stringify({ a: 1 }),
  });
  assert.equal(((await res.json()) as { correlationId: string }).correlationId, 'with-body');
});

test('an active local span is kept as parent and returned as traceparent', async () => {
  const tracer = trace.getTracer('test');
  const mw = httpMiddleware<IncomingMessage, ServerResponse>();
  // Stands in for HTTP instrumentation, which makes a server span active before app middleware runs.
  const server = await listen(createServer((req, res) => tracer.startActiveSpan('server', (span) => mw(req, res, async () => {
    const seen = await observe();
    res.end(JSON.stringify({ ...seen, serverTrace: span.spanContext().traceId }));
    span.end();
  }))));
  after(server.close);
  const res = await fetch(server.url, { headers: { traceparent: TRACEPARENT } });
  const body = (await res.json()) as { traceId: string; serverTrace: string };
  assert.equal(body.traceId, body.serverTrace);
  assert.match(res.headers.get(HEADERS.traceparent) ?? '', new RegExp(`^00-${body.serverTrace}-[0-9a-f]{16}-01$`));
});

test('a throwing actor callback is reported and the request still runs', async () => {
  const errors: unknown[] = [];
  const mw = httpMiddleware<IncomingMessage, ServerResponse>({
    actor: () => {
      throw new Error('session store down');
    },
    onError: (e) => errors.push(e),
  });
  const server = await listen(createServer((req, res) => mw(req, res, async () => res.end(JSON.stringify(await observe())))));
  after(server.close);
  const body = (await (await fetch(server.url)).json()) as { actor?: unknown };
  assert.equal(body.actor, undefined);
  assert.match(String(errors[0]), /session store down/);
});
