/**
 * `npm run demo`: Hindsight end to end on the local stack. Steps: stack up, collector (migrate, run),
 * sample service, traffic with a progress bar (and one reconciliation run), wait for the stores, then
 * counts per store, one correlation's timeline and the URLs. `--help` lists the options.
 * Exit codes: 0 done, 1 a step failed, 2 bad command line, 130 interrupted.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadStackConfig } from '../../test/stack/config';
import { loadStackEndpoints, type StackEndpoints } from '../../test/stack/endpoints';
import { writeTargetFile } from '../../test/stack/prometheus-targets';
import { up } from '../../test/stack/stack';
import type { DemoChild } from './child-process';
import { startCollector, type DemoCollector } from './collector';
import { Interrupt, Interrupted } from './interrupt';
import { HELP, parseOptions, UsageError, type DemoOptions } from './options';
import { countLines, say, trafficLines, urlLines } from './report';
import { SERVICE_NAME, startSampleService, type SampleService } from './sample-service';
import { waitForStores } from './wait-for-stores';
import { StoreReader } from './store-counts';
import { driveTraffic, type RunInfo, type TrafficStats } from './traffic';
import { formatTimeline } from './timeline';

const REPO = resolve(__dirname, '..', '..');
const STEPS = 7;
const started = Date.now();
const secs = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

const children: { name: string; child: DemoChild; timeoutMs: number }[] = [];
const cleanups: (() => void)[] = [];
let stopping = false;
let died: (err: Error) => void = () => undefined;
/** Rejects when a child of the demo exits before the demo stops it: every step fails fast then. */
const childDied = new Promise<never>((_, reject) => (died = reject));
childDied.catch(() => undefined);

function watch(name: string, child: DemoChild, timeoutMs: number): void {
  children.push({ name, child, timeoutMs });
  void child.exited.then(({ code, signal }) => {
    if (!stopping) died(child.failure(`exited unexpectedly (${signal ?? `code ${code}`})`));
  });
}

/** Prints `[n/7] title`, runs the step, then its duration. */
async function step<T>(n: number, title: string, interrupt: Interrupt, fn: () => Promise<T>): Promise<T> {
  say(`[${n}/${STEPS}] ${title}`);
  const t = Date.now();
  const result = await interrupt.race(Promise.race([fn(), childDied]));
  say(`      done in ${secs(t)}`);
  return result;
}

/** Stops the sample service first (its SDK flushes), then the collector (finishes its batch, commits). */
async function stopChildren(): Promise<void> {
  stopping = true;
  for (const { name, child, timeoutMs } of children.reverse()) {
    if (!child.alive) continue;
    const t = Date.now();
    const code = await child.stop(timeoutMs);
    say(`  stopped ${name} (exit ${code ?? 'by signal'}, ${secs(t)})`);
  }
  for (const c of cleanups) c();
}

async function demo(options: DemoOptions, interrupt: Interrupt): Promise<void> {
  say(`Hindsight demo: ${options.durationSeconds === undefined ? `${options.requests} requests` : `${options.durationSeconds} s of traffic`}, ${options.concurrency} clients${options.keep ? ', --keep' : ''}`);
  const stack: StackEndpoints = await step(1, 'local stack up (npm run stack -- up)', interrupt, async () => {
    await up(loadStackConfig());
    return loadStackEndpoints();
  });
  const workDir = join(stack.stackDir, 'demo');
  mkdirSync(workDir, { recursive: true });
  for (const log of ['collector-migrate.log', 'collector.log', 'service.log']) writeFileSync(join(workDir, log), '');

  const collector: DemoCollector = await step(2, 'collector: migrate, then run (Postgres, ClickHouse and RED metrics pipelines)', interrupt, async () => {
    const c = await startCollector(stack, workDir, REPO, (line) => say(`      ${line}`));
    watch('the collector', c.child, 20_000);
    if (c.metricsPort !== stack.collector.metricsPort) {
      const file = writeTargetFile(stack.prometheus.targetsDir, 'demo-collector', `127.0.0.1:${c.metricsPort}`);
      cleanups.push(() => rmSync(file, { force: true }));
    }
    say(`      ready: /metrics on 127.0.0.1:${c.metricsPort} (scraped by the stack's Prometheus), pid ${c.child.process.pid}`);
    if (c.api !== undefined) say(`      operator API on ${c.api.url}`);
    return c;
  });

  const since = new Date(Date.now() - 1000);
  const service: SampleService = await step(3, `sample service ${SERVICE_NAME} (init() + express middleware, audit, journal)`, interrupt, async () => {
    const s = await startSampleService(stack, workDir, REPO, options.port);
    watch('the sample service', s.child, 10_000);
    cleanups.push(s.unregister);
    say(`      listening on ${s.url}, pid ${s.child.process.pid}`);
    return s;
  });

  let traffic: { stats: TrafficStats; run: RunInfo | undefined } = { stats: undefined as never, run: undefined };
  await step(4, 'traffic: tenants acme, globex, initech; a reconciliation run halfway', interrupt, async () => {
    const t = Date.now();
    traffic = await driveTraffic({ baseUrl: service.url, requests: options.requests, durationSeconds: options.durationSeconds, concurrency: options.concurrency, signal: interrupt.controller.signal, progress: true, withRun: true });
    for (const line of trafficLines(traffic.stats, (Date.now() - t) / 1000)) say(line);
    if (traffic.run !== undefined) say(`  run ${traffic.run.runId}: ${traffic.run.journalEvents} journal events (INFO, WARN, ERROR), correlation ${traffic.run.correlationId}`);
  });
  const run = traffic.run;
  if (run === undefined) throw new Error('the reconciliation run did not start');

  const stores = new StoreReader(stack);
  try {
    const result = await step(5, 'waiting for the stores to hold everything sent', interrupt, () =>
      waitForStores({ stores, api: collector.api, run, stats: traffic.stats, since, collectorTarget: `127.0.0.1:${collector.metricsPort}`, serviceTarget: service.metricsTarget, timeoutSeconds: options.waitTimeoutSeconds, workDir }),
    );
    say();
    for (const line of countLines(result.counts, since)) say(line);
    say();
    say(`Timeline of correlation ${run.correlationId} (run ${run.runId}; ${collector.api ? 'from the operator API' : 'from the timeline query of the operator API and `hindsight trace`'}):`);
    for (const line of formatTimeline(result.timeline)) say(line);
    say();
    for (const line of urlLines({ stack, collector, service, correlationId: run.correlationId, workDir })) say(line);
    say();
  } finally {
    await stores.close();
  }

  if (options.keep) {
    say('[6/7] --keep: the service and the collector keep running with light traffic (5 req/s). Ctrl-C stops them.');
    const trickle = driveTraffic({ baseUrl: service.url, requests: Number.MAX_SAFE_INTEGER, durationSeconds: undefined, concurrency: 1, signal: interrupt.controller.signal, progress: false, withRun: false, paceMs: 200 }).catch(() => undefined);
    try {
      await Promise.race([interrupt.wait(), childDied]);
    } finally {
      interrupt.controller.abort();
      await trickle;
    }
  } else {
    say('[6/7] no --keep: stopping the service and the collector');
  }
}

async function main(): Promise<number> {
  let options: DemoOptions | undefined;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`demo: ${err.message}\nRun \`npm run demo -- --help\` for the options.\n`);
    return 2;
  }
  if (options === undefined) {
    say(HELP);
    return 0;
  }
  const interrupt = new Interrupt(
    (signal) => say(`\n${signal}: stopping the service and the collector (Ctrl-C again to force)`),
    () => {
      say('forced stop');
      for (const { child } of children) child.process.kill('SIGKILL');
      process.exit(130);
    },
  );
  let code = 0;
  try {
    await demo(options, interrupt);
  } catch (err) {
    if (err instanceof Interrupted || interrupt.interrupted) code = 130;
    else {
      process.stderr.write(`\ndemo failed: ${err instanceof Error ? err.message : String(err)}\n`);
      code = 1;
    }
  }
  await stopChildren();
  if (interrupt.interrupted && code === 0 && !options.keep) code = 130;
  say(`[7/7] ${code === 0 ? 'done' : code === 130 ? 'stopped' : 'failed'} after ${secs(started)}. The local stack is still up; \`npm run stack -- down\` stops it.`);
  return code;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`demo: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
