/**
 * The SDK app of the end-to-end benchmark (`bench/e2e.ts`), a process of its own as a real app would be.
 * Per "request" it emits one span, one audit event and one journal event under one correlation id
 * `<prefix>-<i>`, paced by a token bucket: request i is due at t0 + i / rate and is emitted as soon as
 * it is due, never earlier, so the offered load is exact and each event's emit time is its envelope
 * `ts` (audit, journal) or the span's end time. Writes JSON lines on stdout: `ready` (with t0 on the
 * wall clock), `progress` every 500 ms, `done` with counts, drops and CPU time.
 * Configured by the BENCH_E2E_APP environment variable (JSON of {@link AppConfig}).
 */
import { init, withContext } from '@hindsight/sdk';

export interface AppConfig {
  brokers: string[];
  topics: { spans: string; logs: string; audit: string; journal: string };
  /** Requests per second (3 events each). */
  rate: number;
  seconds: number;
  prefix: string;
  tenant: string;
  runId: string;
}

const say = (line: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(line)}\n`);

async function main(): Promise<void> {
  const cfg = JSON.parse(process.env.BENCH_E2E_APP ?? '') as AppConfig;
  // SDK defaults (queues, batch size, flush interval) on purpose: the figures are those of an app as shipped.
  const hs = init({
    serviceName: 'bench-e2e',
    tenant: cfg.tenant,
    kafka: { brokers: cfg.brokers, topics: cfg.topics },
    auditAckTimeoutMs: 60_000,
    runtimeMetrics: false,
    env: {},
  });
  let acked = 0;
  let rejected = 0;
  const request = (correlationId: string, i: number): Promise<unknown> =>
    withContext({ correlationId, runId: cfg.runId }, () => {
      const span = hs.tracer.startSpan('bench.request');
      const audit = hs.audit.record({
        action: 'bench.request',
        actor: { id: 'bench', type: 'service' },
        resource: { type: 'request', id: String(i) },
        outcome: 'success',
      });
      audit.then(() => acked++, () => rejected++);
      hs.journal.emit({ scope: 'run', runId: cfg.runId, kind: 'bench.request', severity: 'INFO', summary: 'request' });
      span.end();
      return audit;
    });

  // Warm-up outside the measured ids: connects the producer before t0.
  await request(`${cfg.prefix}w-0`, 0).catch(() => undefined);
  acked = 0;
  rejected = 0;

  const total = Math.round(cfg.rate * cfg.seconds);
  const cpu0 = process.cpuUsage();
  const t0Perf = performance.now();
  const t0 = Date.now();
  say({ type: 'ready', t0, total });
  let next = 0;
  let maxLateMs = 0;
  // Largest SDK queue depth seen per kind: where a backlog builds up inside the app.
  const maxQueued: Record<string, number> = {};
  const progress = setInterval(() => {
    for (const [k, v] of Object.entries(hs.stats().queued)) maxQueued[k] = Math.max(maxQueued[k] ?? 0, v);
    say({ type: 'progress', at: Date.now(), emitted: next });
  }, 250);
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now() - t0Perf;
      const due = Math.min(total, Math.floor((now * cfg.rate) / 1000) + 1);
      if (next < due) maxLateMs = Math.max(maxLateMs, now - (next * 1000) / cfg.rate);
      while (next < due) {
        request(`${cfg.prefix}-${next}`, next);
        next++;
      }
      if (next >= total) return resolve();
      const wait = (next * 1000) / cfg.rate - (performance.now() - t0Perf);
      setTimeout(tick, Math.max(1, Math.min(5, wait)));
    };
    tick();
  });
  const emitSeconds = (performance.now() - t0Perf) / 1000;
  clearInterval(progress);
  say({ type: 'progress', at: Date.now(), emitted: next });
  await hs.flush();
  const until = Date.now() + 60_000;
  while (acked + rejected < total && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  const cpu = process.cpuUsage(cpu0);
  const stats = hs.stats();
  say({
    type: 'done',
    emitted: next,
    emitSeconds,
    maxLateMs,
    auditAcked: acked,
    auditRejected: rejected,
    dropped: stats.dropped,
    maxQueued,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    wallSeconds: (performance.now() - t0Perf) / 1000,
  });
  await hs.shutdown();
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
