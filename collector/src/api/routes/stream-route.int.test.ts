import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { get, type ClientRequest, type IncomingMessage } from 'node:http';
import { journalRecord, uniqueId } from '../../sinks/postgres/test-database';
import { createApiTestEnv, type ApiTestEnv } from '../testing/api-test-env';

interface SseEvent { id?: string; event?: string; data?: string }

/** Opens an SSE stream on a real socket and collects parsed events. */
function openStream(port: number, path: string, headers: Record<string, string>) {
  const events: SseEvent[] = [];
  let res: IncomingMessage | undefined;
  let req: ClientRequest | undefined;
  const ready = new Promise<IncomingMessage>((resolve, reject) => {
    req = get({ host: '127.0.0.1', port, path, headers }, (r) => {
      res = r;
      let buf = '';
      r.setEncoding('utf8');
      r.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const ev: SseEvent = {};
          for (const line of block.split('\n')) {
            const m = /^(id|event|data): (.*)$/.exec(line);
            if (m) ev[m[1] as keyof SseEvent] = m[2];
          }
          if (ev.data !== undefined) events.push(ev);
        }
      });
      resolve(r);
    });
    req.on('error', reject);
  });
  const waitFor = async (n: number, ms = 5000): Promise<void> => {
    const end = Date.now() + ms;
    while (events.length < n && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    assert.ok(events.length >= n, `expected ${n} events, got ${events.length}`);
  };
  return { events, ready, waitFor, close: () => (res ?? req)?.destroy() };
}

/** An API on the stack's stores with these stream settings, listening on a free port. */
async function listeningEnv(prefix: string, stream: Record<string, number>): Promise<{ env: ApiTestEnv; port: number }> {
  const env = await createApiTestEnv(prefix, { stream });
  await env.app.listen({ port: 0, host: '127.0.0.1' });
  return { env, port: (env.app.server.address() as { port: number }).port };
}

async function closeEnv(env: ApiTestEnv | undefined): Promise<void> {
  env?.app.server.closeAllConnections();
  await env?.close();
}

describe('GET /api/stream live tail over a real socket (local stack)', () => {
  let env: ApiTestEnv;
  let port: number;
  before(async () => ({ env, port } = await listeningEnv('api_stream', { pollIntervalMs: 100, maxConnections: 2 })));
  after(() => closeEnv(env));

  it('sends new matching rows of the caller tenant in order and resumes from Last-Event-ID', async () => {
    const run = uniqueId('run');
    await env.write([journalRecord(run, 0, { tenant: env.tenantA })]); // before connecting: not sent
    const s = openStream(port, `/api/stream?runId=${run}&errorsOnly=true`, env.auth(env.tokens.readerA));
    const res = await s.ready;
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /text\/event-stream/);
    await new Promise((r) => setTimeout(r, 300));
    await env.write([
      journalRecord(run, 1, { tenant: env.tenantA, severity: 'ERROR' }),
      journalRecord(run, 2, { tenant: env.tenantA, severity: 'INFO' }),
      journalRecord(run, 3, { tenant: env.tenantB, severity: 'ERROR' }),
      journalRecord(run, 4, { tenant: env.tenantA, severity: 'WARN' }),
    ]);
    await s.waitFor(2);
    await new Promise((r) => setTimeout(r, 400));
    const rows = s.events.map((e) => JSON.parse(e.data as string) as { summary: string; tenant: string });
    assert.deepEqual(rows.map((r) => r.summary), ['step 1', 'step 4']);
    assert.ok(rows.every((r) => r.tenant === env.tenantA));
    s.close();

    // Resume after the first event: only the second comes again.
    const again = openStream(port, `/api/stream?runId=${run}&errorsOnly=true`, { ...env.auth(env.tokens.readerA), 'last-event-id': s.events[0]?.id as string });
    await again.waitFor(1);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(again.events.map((e) => (JSON.parse(e.data as string) as { summary: string }).summary), ['step 4']);
    again.close();
  });

  it('bounds open streams and frees a slot when a client disconnects', async () => {
    await new Promise((r) => setTimeout(r, 200));
    const a = openStream(port, '/api/stream', env.auth(env.tokens.readerA));
    const b = openStream(port, '/api/stream', env.auth(env.tokens.readerB));
    await Promise.all([a.ready, b.ready]);
    const c = openStream(port, '/api/stream', env.auth(env.tokens.readerA));
    const third = await c.ready;
    assert.equal(third.statusCode, 503);
    c.close();
    a.close();
    await new Promise((r) => setTimeout(r, 300));
    const d = openStream(port, '/api/stream', env.auth(env.tokens.readerA));
    assert.equal((await d.ready).statusCode, 200);
    d.close();
    b.close();
    const unauth = openStream(port, '/api/stream', {});
    assert.equal((await unauth.ready).statusCode, 401);
    unauth.close();
  });

  it('a bad resume cursor is refused naming where it came from', async () => {
    for (const [url, headers, from] of [
      ['/api/stream?after=AAAA', {}, 'after'],
      ['/api/stream', { 'last-event-id': 'AAAA' }, 'Last-Event-ID'],
    ] as const) {
      const res = await env.app.inject({ method: 'GET', url, headers: { ...env.auth(env.tokens.readerA), ...headers } });
      assert.equal(res.statusCode, 400);
      const err = (res.json() as { error: { code: string; message: string } }).error;
      assert.equal(err.code, 'INVALID_CURSOR');
      assert.match(err.message, new RegExp(`^${from}: invalid cursor`));
    }
  });

  it('a client gone while the stream looks up where to start frees its slot at once', async () => {
    await new Promise((r) => setTimeout(r, 200));
    // Holds the streams in their first read of the journal, where the client then goes away.
    const locker = await env.pg.connect(env.pg.adminUrl);
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE hindsight.journal_event IN ACCESS EXCLUSIVE MODE');
    const gone = [openStream(port, '/api/stream', env.auth(env.tokens.readerA)), openStream(port, '/api/stream', env.auth(env.tokens.readerB))];
    await new Promise((r) => setTimeout(r, 300));
    for (const g of gone) g.close();
    gone.forEach((g) => g.ready.catch(() => undefined)); // their requests end with a reset
    await locker.query('ROLLBACK');
    await new Promise((r) => setTimeout(r, 300));
    const next = [openStream(port, '/api/stream', env.auth(env.tokens.readerA)), openStream(port, '/api/stream', env.auth(env.tokens.readerB))];
    assert.deepEqual(await Promise.all(next.map(async (n) => (await n.ready).statusCode)), [200, 200], 'both slots free again');
    for (const n of next) n.close();
  });
});

describe('GET /api/stream slots per token (local stack)', () => {
  let env: ApiTestEnv;
  let port: number;
  before(async () => ({ env, port } = await listeningEnv('api_stream_token', { pollIntervalMs: 100, maxConnections: 4, maxPerToken: 1 })));
  after(() => closeEnv(env));

  it('one token cannot take every slot: its next stream gets 429, another token still gets one', async () => {
    const first = openStream(port, '/api/stream', env.auth(env.tokens.readerA));
    assert.equal((await first.ready).statusCode, 200);
    const second = openStream(port, '/api/stream', env.auth(env.tokens.readerA));
    assert.equal((await second.ready).statusCode, 429);
    const other = openStream(port, '/api/stream', env.auth(env.tokens.readerB));
    assert.equal((await other.ready).statusCode, 200);
    second.close();
    first.close();
    await new Promise((r) => setTimeout(r, 300));
    const again = openStream(port, '/api/stream', env.auth(env.tokens.readerA));
    assert.equal((await again.ready).statusCode, 200, 'the slot is the token\'s again once its stream closed');
    again.close();
    other.close();
  });
});
