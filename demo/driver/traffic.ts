/**
 * Drives the sample service: `concurrency` clients send the scenario's requests, retry 503s under the
 * same correlation id, and one of them starts the reconciliation run halfway through. A cli-progress
 * bar shows the rate and outcomes (on a terminal it redraws; in a log it prints a line every 2 s).
 */
import { SingleBar } from 'cli-progress';
import { nextRequest, type KnownOrders, type PlannedRequest } from './scenario';

export interface TrafficStats {
  responses: number;
  ok: number;
  denied: number;
  failed: number;
  /** Requests sent again after a 503. */
  retried: number;
  /** Audit events the service acknowledged (it counts them in `x-demo-audit-events`). */
  auditEvents: number;
  ordersCreated: number;
  /** Responses that matched no expectation (e.g. a 500): shown, never fatal. */
  unexpected: number;
}

export interface RunInfo {
  runId: string;
  correlationId: string;
  journalEvents: number;
  auditEvents: number;
}

export interface TrafficPlan {
  baseUrl: string;
  requests: number;
  durationSeconds: number | undefined;
  concurrency: number;
  signal: AbortSignal;
  /** Show the progress bar (off for the quiet traffic of --keep). */
  progress: boolean;
  /** Start the reconciliation run once halfway (only the main traffic does). */
  withRun: boolean;
  /** Pause of each client between requests (the light traffic of --keep). */
  paceMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function emptyStats(): TrafficStats {
  return { responses: 0, ok: 0, denied: 0, failed: 0, retried: 0, auditEvents: 0, ordersCreated: 0, unexpected: 0 };
}

// Calls take no AbortSignal: undici keeps a listener per fetch on a long-lived signal (thousands in a
// long run). Calls last milliseconds, so the clients check the signal between calls instead.
async function call(baseUrl: string, req: PlannedRequest, correlationId?: string, gatewayDown = req.gatewayDown) {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'hindsight-demo-driver/1',
    'x-demo-tenant': req.tenant,
    'x-demo-user': req.actor.id,
    'x-demo-actor-type': req.actor.type,
  };
  if (correlationId !== undefined) headers['x-correlation-id'] = correlationId;
  if (gatewayDown === true) headers['x-demo-simulate'] = 'gateway-down';
  const res = await fetch(`${baseUrl}${req.path}`, { method: req.method, headers, body: req.body === undefined ? undefined : JSON.stringify(req.body) });
  const body = (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  return { status: res.status, body, correlationId: res.headers.get('x-correlation-id') ?? undefined, audit: Number(res.headers.get('x-demo-audit-events') ?? 0) };
}

/** One scenario request, retried (up to 3 times, same correlation id) while the service answers 503. */
async function oneRequest(plan: TrafficPlan, orders: KnownOrders, stats: TrafficStats): Promise<void> {
  const req = nextRequest(orders);
  let res = await call(plan.baseUrl, req);
  stats.auditEvents += res.audit;
  for (let attempt = 1; res.status === 503 && attempt <= 3; attempt++) {
    stats.responses++;
    stats.failed++;
    stats.retried++;
    await sleep(20 * attempt);
    // The outage is over by the retry: the same correlation now shows the failure and the success.
    res = await call(plan.baseUrl, req, res.correlationId, false);
    stats.auditEvents += res.audit;
  }
  stats.responses++;
  const expected = { create: 201, read: 200, refund: 200, denied: req.path.endsWith('/refund') ? 403 : 404, failure: req.path.endsWith('/refund') ? 409 : 404 }[req.intent];
  if (res.status !== expected) stats.unexpected++;
  if (res.status === 201 && res.body !== undefined) {
    stats.ordersCreated++;
    const list = orders.get(req.tenant) ?? [];
    list.push({ id: String(res.body.id), amount: Number(res.body.amount) });
    orders.set(req.tenant, list);
  }
  if (req.intent === 'denied') stats.denied++;
  else if (res.status >= 200 && res.status < 300) stats.ok++;
  else stats.failed++;
}

/** Starts the reconciliation run: a scheduler-like system actor asks the service for it. */
async function startRun(baseUrl: string): Promise<RunInfo> {
  const res = await call(baseUrl, { tenant: 'acme', actor: { id: 'ops-scheduler', type: 'api' }, method: 'POST', path: '/runs/reconcile', intent: 'create' });
  if (res.status !== 200 || res.body === undefined) throw new Error(`POST /runs/reconcile answered ${res.status}`);
  return res.body as unknown as RunInfo;
}

/** Sends the traffic; resolves with the outcome counts and the run (when `withRun`). */
export async function driveTraffic(plan: TrafficPlan, orders: KnownOrders = new Map()): Promise<{ stats: TrafficStats; run: RunInfo | undefined }> {
  const stats = emptyStats();
  const started = Date.now();
  const byTime = plan.durationSeconds !== undefined;
  const total = byTime ? (plan.durationSeconds ?? 0) : plan.requests;
  const bar = new SingleBar({
    format: '  traffic [{bar}] {value}/{total}{unit} | {rate} req/s | ok {ok} | denied {denied} | failed {failed} | retried {retried}',
    barsize: 24,
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 2000,
  });
  const payload = () => ({ ...stats, unit: byTime ? ' s' : '', rate: Math.round(stats.responses / Math.max(0.001, (Date.now() - started) / 1000)) });
  if (plan.progress) bar.start(total, 0, payload());
  let sent = 0;
  let finished = 0;
  let run: Promise<RunInfo> | undefined;
  const more = () => !plan.signal.aborted && (byTime ? Date.now() - started < total * 1000 : sent < total);
  const halfway = () => (byTime ? Date.now() - started >= (total * 1000) / 2 : sent >= total / 2);
  const worker = async () => {
    while (more()) {
      sent++;
      if (plan.withRun && run === undefined && halfway()) run = startRun(plan.baseUrl);
      await oneRequest(plan, orders, stats).catch((err: unknown) => {
        if (!plan.signal.aborted) stats.unexpected++;
        if (!plan.signal.aborted && (err as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED') throw err;
      });
      finished++;
      if (plan.paceMs !== undefined) await sleep(plan.paceMs);
      if (plan.progress) bar.update(byTime ? Math.min(total, Math.floor((Date.now() - started) / 1000)) : finished, payload());
    }
  };
  try {
    await Promise.all(Array.from({ length: plan.concurrency }, worker));
    if (plan.withRun && run === undefined && !plan.signal.aborted) run = startRun(plan.baseUrl);
    const runInfo = await run;
    if (plan.progress) bar.update(byTime ? total : finished, payload());
    return { stats, run: runInfo };
  } finally {
    if (plan.progress) bar.stop();
  }
}
