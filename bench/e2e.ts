/**
 * End to end (issue item 6): an SDK app process (`bench/e2e-app.ts`) emits, per request, one span, one
 * audit event and one journal event at a paced rate into fresh topics; a real `hindsight-collector run`
 * child process (the e2e harness's config: Postgres and ClickHouse pipelines) writes them to a fresh
 * Postgres and ClickHouse database; this process reads them back as a reader would.
 * 1. Maximum sustained rate: steps of `STEP_SECONDS`, doubling from `START_RATE` then bisecting; a step
 *    keeps up when the app emitted on schedule without drops, the queryable backlog (in seconds of load)
 *    stays under 2 s and does not grow over the last third of the step, and everything is queryable
 *    within 5 s of the last emit.
 * 2. Emit → queryable p50/p99 at 5 % and 50 % of that rate, every event timed by a poller (see
 *    lib/e2e-stores.ts). Target: p99 at 50 % ≤ 1.5 × p99 at 5 %.
 * `--profile-at RATE --profile-dir DIR` instead runs one step at RATE with CPU profiles of the collector
 * and the app (written at their exit).
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { clickHouseDatabase, createPostgres, createTopics, endpoints, uniqueSuffix, type E2eClickHouse, type E2ePostgres, type E2eTopics } from '../test/e2e/harness/stack';
import { CollectorProcess, writeCollectorConfig } from '../test/e2e/harness/collector';
import type { AppConfig } from './e2e-app';
import { CpuMeter } from './lib/proc-cpu';
import { STORES, Stores, VisibilityPoller, type Step, type StoreName } from './lib/e2e-stores';
import { ResultBuilder, parseBenchArgs, progress } from './lib/result';
import { quantile } from './lib/stats';

const SINK_MAX_WAIT_MS = 200; // the collector's documented default batch.maxWaitMs
const POLL_MS = 25;

interface Env {
  topics: E2eTopics;
  pg: E2ePostgres;
  ch: E2eClickHouse;
  collector: CollectorProcess;
  stores: Stores;
}

interface AppDone {
  emitted: number;
  emitSeconds: number;
  maxLateMs: number;
  auditAcked: number;
  auditRejected: number;
  dropped: Record<string, number>;
  cpuSeconds: number;
  wallSeconds: number;
  maxQueued: Record<string, number>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const profileEnv = (dir: string | undefined, tag: string): NodeJS.ProcessEnv =>
  dir === undefined ? {} : { NODE_OPTIONS: `--require ${resolve(__dirname, 'lib', 'cpu-profile-preload.cjs')}`, BENCH_CPU_PROFILE_DIR: dir, BENCH_CPU_PROFILE_TAG: tag };

async function setup(profileDir?: string): Promise<Env> {
  const topics = await createTopics('bench-e2e');
  const pg = await createPostgres('bench');
  const ch = clickHouseDatabase('bench');
  const { path } = writeCollectorConfig({ topics, postgresUrl: pg.writerUrl, clickhouse: { url: ch.url, database: ch.database }, maxWaitMs: SINK_MAX_WAIT_MS });
  const saved = { ...process.env };
  Object.assign(process.env, profileEnv(profileDir, 'collector'));
  let collector: CollectorProcess;
  try {
    collector = await CollectorProcess.start(path);
  } finally {
    for (const k of ['NODE_OPTIONS', 'BENCH_CPU_PROFILE_DIR', 'BENCH_CPU_PROFILE_TAG']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
  return { topics, pg, ch, collector, stores: Stores.connect(pg.readerUrl, ch.client) };
}

async function teardown(env: Env): Promise<void> {
  await env.collector.stop();
  await env.stores.close();
  await env.pg.drop();
  await env.ch.drop();
}

/** Starts the app for one step; resolves `ready` with the step and `done` with its summary. */
function startApp(env: Env, rate: number, seconds: number, profileDir?: string): { pid: number; ready: Promise<Step>; done: Promise<AppDone> } {
  const s = uniqueSuffix();
  const { spans, logs, audit, journal } = env.topics;
  const cfg: AppConfig = { brokers: endpoints().kafka.brokers, topics: { spans, logs, audit, journal }, rate, seconds, prefix: `r${s}`, tenant: `bench-${s}`, runId: `run-${s}` };
  const child = spawn(process.execPath, ['--conditions=hindsight-source', '--import', 'tsx', join(__dirname, 'e2e-app.ts')], {
    env: { ...process.env, BENCH_E2E_APP: JSON.stringify(cfg), ...profileEnv(profileDir, 'app') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let buffered = '';
  let onReady!: (s: Step) => void;
  let onDone!: (d: AppDone) => void;
  let fail!: (e: Error) => void;
  const ready = new Promise<Step>((res, rej) => ((onReady = res), (fail = rej)));
  const done = new Promise<AppDone>((res, rej) => {
    onDone = res;
    const previous = fail;
    fail = (e) => (previous(e), rej(e));
  });
  done.catch(() => undefined);
  child.stdout!.on('data', (d: Buffer) => {
    buffered += d.toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (!line.startsWith('{')) continue;
      const msg = JSON.parse(line) as { type: string; t0?: number; total?: number } & AppDone;
      if (msg.type === 'ready') onReady({ prefix: cfg.prefix, tenant: cfg.tenant, runId: cfg.runId, t0: msg.t0!, rate, total: msg.total! });
      if (msg.type === 'done') onDone(msg);
    }
  });
  child.on('exit', (code) => fail(new Error(`e2e app exited ${code} before it finished`)));
  return { pid: child.pid!, ready, done };
}

function pids(env: Env, appPid: number): Record<string, number> {
  const p = endpoints().pids;
  return { app: appPid, collector: env.collector.child.pid!, postgres: p.postgres!, clickhouse: p.clickhouse!, kafka: p.kafka! };
}

const fmtCpu = (c: Record<string, number>): string => Object.entries(c).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ');
const droppedTotal = (d: Record<string, number>): number => Object.values(d).reduce((a, b) => a + b, 0);

interface StepVerdict {
  keptUp: boolean;
  why: string;
  cpu: Record<string, number>;
}

/** One step at `rate` req/s, watched by row counts once a second. */
async function countStep(env: Env, rate: number, seconds: number, profileDir?: string): Promise<StepVerdict> {
  const app = startApp(env, rate, seconds, profileDir);
  const step = await app.ready;
  const meter = new CpuMeter(pids(env, app.pid));
  meter.start();
  const lags: Array<{ at: number; lag: number }> = [];
  let finished: AppDone | undefined;
  let cpu: Record<string, number> = {};
  // Snapshot as soon as the app reports: it exits shortly after, and its own CPU figure replaces the tree's.
  void app.done.then((d) => {
    finished = d;
    cpu = { ...meter.stop(), app: d.cpuSeconds / d.wallSeconds };
  }, () => undefined);
  while (finished === undefined) {
    await sleep(1000);
    const now = Date.now();
    const due = Math.min(step.total, Math.floor(((now - step.t0) * rate) / 1000) + 1);
    const counts = await env.stores.counts(step);
    lags.push({ at: (now - step.t0) / 1000, lag: Math.max(...STORES.map((s) => due - counts[s])) / rate });
    if (now - step.t0 > seconds * 1000 + 120_000) throw new Error('the app did not finish within 120 s of its window');
  }
  const done = await app.done;
  const emitEnd = step.t0 + done.emitSeconds * 1000;
  let drainSeconds = NaN;
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    const c = await env.stores.counts(step);
    const seen = Math.min(...STORES.map((s) => c[s]));
    if (seen >= step.total) {
      drainSeconds = (Date.now() - emitEnd) / 1000;
      break;
    }
    if (seen !== last) (last = seen), (lastChange = Date.now());
    if (Date.now() - lastChange > 10_000 || Date.now() - emitEnd > 120_000) break;
    await sleep(200);
  }
  const third = (a: number, b: number): number[] => lags.filter((l) => l.at >= (seconds * a) / 3 && l.at < (seconds * b) / 3).map((l) => l.lag);
  const mean = (v: number[]): number => (v.length === 0 ? 0 : v.reduce((x, y) => x + y, 0) / v.length);
  const middle = mean(third(1, 2));
  const lastThird = mean(third(2, 3.01));
  const problems: string[] = [];
  if (done.emitSeconds > seconds * 1.05 + 0.2) problems.push(`app emitted ${(done.emitted / done.emitSeconds).toFixed(0)}/${rate} req/s`);
  if (droppedTotal(done.dropped) > 0) problems.push(`SDK dropped ${JSON.stringify(done.dropped)}`);
  if (done.auditRejected > 0) problems.push(`${done.auditRejected} audit rejected`);
  if (lastThird > 2) problems.push(`backlog ${lastThird.toFixed(2)} s in the last third`);
  if (lastThird > middle + 0.5) problems.push(`backlog grew ${middle.toFixed(2)} → ${lastThird.toFixed(2)} s`);
  if (!(drainSeconds <= 5)) problems.push(Number.isNaN(drainSeconds) ? 'never fully queryable' : `queryable ${drainSeconds.toFixed(1)} s after the last emit`);
  const why = `backlog middle/last third ${middle.toFixed(2)}/${lastThird.toFixed(2)} s, drain ${drainSeconds.toFixed(1)} s, max emit lateness ${done.maxLateMs.toFixed(0)} ms, max SDK queue ${JSON.stringify(done.maxQueued)}; cores: ${fmtCpu(cpu)}${problems.length ? `; ${problems.join('; ')}` : ''}`;
  return { keptUp: problems.length === 0, why, cpu };
}

/** Doubling from `start`, then bisecting `bisections` times: the highest rate (req/s) that kept up. */
async function searchMax(env: Env, start: number, seconds: number, bisections: number, maxDoublings: number): Promise<{ rate: number; cpu: Record<string, number> }> {
  let ok = 0;
  let okCpu: Record<string, number> = {};
  let bad = Infinity;
  let rate = start;
  const tryRate = async (r: number): Promise<boolean> => {
    const v = await countStep(env, r, seconds);
    progress(`  ${r} req/s (${3 * r} events/s): ${v.keptUp ? 'kept up' : 'FELL BEHIND'} — ${v.why}`);
    if (v.keptUp) (ok = r), (okCpu = v.cpu);
    else bad = Math.min(bad, r);
    return v.keptUp;
  };
  for (let i = 0; i < maxDoublings && bad === Infinity; i++, rate *= 2) await tryRate(rate);
  while (ok === 0 && rate > 5) await tryRate((rate = Math.floor(bad / 2)));
  for (let i = 0; i < bisections && bad !== Infinity && bad - ok > Math.max(5, ok * 0.05); i++) await tryRate(Math.round((ok + bad) / 2));
  return { rate: ok, cpu: okCpu };
}

interface Latency {
  p50: number;
  p99: number;
  perStore: Record<StoreName, { p50: number; p99: number; seen: number }>;
  boundMs: number;
  pgIngestP50: number;
  total: number;
}

/** A window at `rate` req/s with every event timed by the poller. */
async function latencyStep(env: Env, rate: number, seconds: number, skipSeconds: number): Promise<Latency> {
  const app = startApp(env, rate, seconds);
  const step = await app.ready;
  const poller = new VisibilityPoller(env.stores, step, POLL_MS);
  poller.start();
  const done = await app.done;
  const until = Date.now() + 30_000;
  while (!poller.complete() && Date.now() < until) await sleep(100);
  await poller.stop();
  if (droppedTotal(done.dropped) > 0 || done.auditRejected > 0) progress(`  warning: SDK dropped ${JSON.stringify(done.dropped)}, ${done.auditRejected} audit rejected`);
  const first = Math.ceil(skipSeconds * rate);
  const all: number[] = [];
  const bounds: number[] = [];
  const perStore = {} as Latency['perStore'];
  for (const s of STORES) {
    const v = poller.result[s];
    const lat = Array.from(v.latencyMs.subarray(first)).filter((x) => !Number.isNaN(x));
    bounds.push(...Array.from(v.boundMs.subarray(first)).filter((x) => !Number.isNaN(x)));
    perStore[s] = { p50: quantile(lat, 0.5), p99: quantile(lat, 0.99), seen: lat.length };
    all.push(...lat);
  }
  const ingest = [...(await env.stores.ingestLagMs('audit', step)), ...(await env.stores.ingestLagMs('journal', step))];
  return { p50: quantile(all, 0.5), p99: quantile(all, 0.99), perStore, boundMs: bounds.reduce((a, b) => a + b, 0) / Math.max(1, bounds.length), pgIngestP50: quantile(ingest, 0.5), total: (step.total - first) * 3 };
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function profileRun(rate: number, dir: string, seconds: number): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const env = await setup(dir);
  try {
    const v = await countStep(env, rate, seconds, dir);
    progress(`profiled ${rate} req/s: ${v.keptUp ? 'kept up' : 'fell behind'} — ${v.why}`);
  } finally {
    await teardown(env);
  }
  progress(`CPU profiles in ${dir}`);
}

async function main(): Promise<void> {
  const args = parseBenchArgs();
  const seconds = args.quick ? 2 : 12;
  const profileAt = argValue('--profile-at');
  if (profileAt !== undefined) return profileRun(Number(profileAt), argValue('--profile-dir') ?? resolve('bench-e2e-profiles'), seconds);
  const out = new ResultBuilder('e2e', 'End to end: emit → queryable (span + audit + journal per request)', args);
  const windowSeconds = args.quick ? 2 : 15;
  const skip = args.quick ? 0 : 1;
  for (let run = 1; run <= args.runs; run++) {
    const env = await setup();
    try {
      progress(`run ${run}/${args.runs}: searching the maximum sustained rate`);
      const max = await searchMax(env, args.quick ? 20 : 100, seconds, args.quick ? 0 : 3, args.quick ? 2 : 10);
      if (max.rate === 0) throw new Error('no rate kept up');
      const lat: Record<string, Latency> = {};
      for (const [name, share] of [['5%', 0.05], ['50%', 0.5]] as const) {
        const rate = Math.max(1, Math.round(max.rate * share));
        lat[name] = await latencyStep(env, rate, windowSeconds, skip);
        const l = lat[name]!;
        progress(`  ${name}: ${rate} req/s: p50 ${l.p50.toFixed(0)} ms, p99 ${l.p99.toFixed(0)} ms (${STORES.map((s) => `${s} ${l.perStore[s].p50.toFixed(0)}/${l.perStore[s].p99.toFixed(0)}`).join(', ')}; poll bound ${l.boundMs.toFixed(0)} ms; Postgres ingested_at - ts p50 ${l.pgIngestP50.toFixed(0)} ms)`);
      }
      const light = lat['5%']!;
      const half = lat['50%']!;
      out.metric('max sustained', 'events/s', 3 * max.rate);
      out.metric('p50 at 5 %', 'ms', light.p50);
      out.metric('p99 at 5 %', 'ms', light.p99);
      out.metric('p50 at 50 %', 'ms', half.p50);
      out.metric('p99 at 50 %', 'ms', half.p99);
      for (const s of STORES) {
        out.metric(`${s} p99 at 5 %`, 'ms', light.perStore[s].p99);
        out.metric(`${s} p99 at 50 %`, 'ms', half.perStore[s].p99);
      }
      out.metric('mean poll bound (error ≤)', 'ms', (light.boundMs + half.boundMs) / 2);
      out.metric('Postgres ingested_at − ts p50 at 50 %', 'ms', half.pgIngestP50);
      for (const [k, v] of Object.entries(max.cpu)) out.metric(`cores used at max: ${k}`, 'cores', v);
      out.ratio('e2e', 'emit→queryable p99 at 50 % of max / p99 at 5 %', half.p99 / light.p99, { op: '<=', value: 1.5 });
      const seen = (l: Latency): number => STORES.reduce((a, s) => a + l.perStore[s].seen, 0);
      if (seen(light) < light.total || seen(half) < half.total) progress(`  warning: not every event was seen (5 %: ${seen(light)}/${light.total}, 50 %: ${seen(half)}/${half.total})`);
    } finally {
      await teardown(env);
    }
  }
  out.note(`Steps of ${seconds} s doubling from ${args.quick ? 20 : 100} req/s then bisecting; latency windows of ${windowSeconds} s${skip ? `, the first ${skip} s left out` : ''}; 3 events (span, audit, journal) per request.`);
  out.note(`Each event timed from its emit time (envelope ts; span end) to the start of the first ${POLL_MS} ms poll (Postgres as hindsight_reader, ClickHouse over HTTP) that returned it: overstated by less than the poll bound.`);
  out.note(`SDK defaults (flushIntervalMs 200, maxBatchSize 512); collector as the e2e harness configures it: batch maxRecords 1000, maxWaitMs ${SINK_MAX_WAIT_MS}, ClickHouse minInsertIntervalMs 200. App, collector, stores and poller share the 2 cores.`);
  out.emit();
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
