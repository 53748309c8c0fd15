import { connect } from 'node:net';
import { basename } from 'node:path';
import { mkdirSync, rmSync } from 'node:fs';
import type { Component } from './component';
import { clickhouseComponent } from './components/clickhouse';
import { kafkaMockComponent } from './components/kafka-mock';
import { postgresComponent } from './components/postgres';
import { prometheusComponent } from './components/prometheus';
import { loadStackConfig, recordPortOffset, type StackConfig } from './config';
import { endpointsFile } from './endpoints';
import { removeEndpoints, writeEndpoints } from './endpoints-writer';
import { ensurePackages } from './packages';
import {
  cmdline, descendants, isAlive, livePid, processesMentioning, progress, startDaemon, stopProcesses, tailFile, waitUntil,
} from './process-helper';

/** The stack's components, in start order. */
export function components(cfg: StackConfig) {
  return {
    postgres: postgresComponent(cfg),
    clickhouse: clickhouseComponent(cfg),
    prometheus: prometheusComponent(cfg),
    kafka: kafkaMockComponent(cfg),
  };
}

/** Executables the stack starts; a leftover process of the stack folder must be one of these. */
const OUR_PROGRAMS = new Set(['postgres', 'clickhouse-server', 'clickhouse', 'prometheus', 'mock-cluster']);

const secs = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s`;

const portTaken = (host: string, port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = connect({ host, port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

class ComponentFailure extends Error {
  constructor(c: Component, message: string, withLog = true) {
    const log = withLog ? `\n  log: ${c.logFile}\n  last lines:\n${tailFile(c.logFile).replace(/^/gm, '    | ')}` : '';
    super(`${c.name}: ${message}${log}`);
  }
}

/** Starts one component unless it already runs; returns its pid. */
export async function startComponent(c: Component): Promise<number> {
  const started = Date.now();
  const running = livePid(c.pidFile, c.marker);
  if (running !== undefined) {
    await waitUntil(`${c.name} readiness`, () => c.isReady(), c.readyTimeoutMs).catch((e: Error) => {
      throw new ComponentFailure(c, `running as pid ${running} but not ready: ${e.message}`);
    });
    await c.afterReady?.();
    progress(`${c.name}: already running (pid ${running})`);
    return running;
  }
  if (await portTaken(c.address.host, c.address.port)) {
    throw new ComponentFailure(
      c,
      `port ${c.address.host}:${c.address.port} is already taken by another process; ` +
        'set HINDSIGHT_STACK_PORT_OFFSET to move this stack, or stop the other process',
      false,
    );
  }
  try {
    await c.prepare();
  } catch (e) {
    throw new ComponentFailure(c, `setup failed: ${(e as Error).message}`);
  }
  const spec = c.launch();
  const pid = startDaemon({ ...spec, logFile: c.logFile, pidFile: c.pidFile });
  progress(`${c.name}: started pid ${pid}, waiting for readiness on ${c.address.host}:${c.address.port}`);
  await waitUntil(`${c.name} readiness`, () => c.isReady(), c.readyTimeoutMs, () =>
    isAlive(pid) ? undefined : `exited during startup`,
  ).catch((e: Error) => {
    throw new ComponentFailure(c, e.message);
  });
  await c.afterReady?.();
  progress(`${c.name}: ready in ${secs(started)}`);
  return pid;
}

/** `up`: starts what is not running, writes endpoints.json and env, prints the addresses. */
export async function up(cfg = loadStackConfig()): Promise<void> {
  const started = Date.now();
  progress(`bringing up the stack in ${cfg.stackDir} (port offset ${cfg.portOffset})`);
  await ensurePackages();
  mkdirSync(cfg.stackDir, { recursive: true });
  recordPortOffset(cfg.stackDir, cfg.portOffset);
  const all = components(cfg);
  const list: Component[] = Object.values(all);
  const results = await Promise.allSettled(list.map((c) => startComponent(c)));
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
  if (failures.length > 0) {
    removeEndpoints(cfg);
    throw new Error(`stack did not come up:\n${failures.join('\n')}`);
  }
  const pids = Object.fromEntries(list.map((c, i) => [c.name, (results[i] as PromiseFulfilledResult<number>).value]));
  const text = writeEndpoints(cfg, all, await all.kafka.bootstraps(), pids);
  progress(`stack up in ${secs(started)}; endpoints in ${endpointsFile({ HINDSIGHT_STACK_DIR: cfg.stackDir })}`);
  process.stdout.write(text);
}

/** `down`: stops every component by its pid file, then makes sure nothing of this stack is left. */
export async function down(cfg = loadStackConfig(), opts: { purge?: boolean } = {}): Promise<void> {
  const started = Date.now();
  const list: Component[] = Object.values(components(cfg));
  removeEndpoints(cfg);
  await Promise.all(
    list.map(async (c) => {
      const pid = livePid(c.pidFile, c.marker);
      if (pid === undefined) {
        progress(`${c.name}: not running`);
      } else {
        const family = [pid, ...descendants(pid)];
        progress(`${c.name}: stopping pid ${pid}`);
        await stopProcesses(family, c.stopSignal, 20_000);
      }
      rmSync(c.pidFile, { force: true });
    }),
  );
  const ours = (pid: number): boolean => OUR_PROGRAMS.has(basename((cmdline(pid) ?? '').split(' ')[0] ?? ''));
  const leftovers = processesMentioning(`${cfg.stackDir}/`).filter(ours);
  if (leftovers.length > 0) {
    progress(`killing leftover processes: ${leftovers.map((p) => `${p} (${cmdline(p)})`).join('; ')}`);
    await stopProcesses(leftovers, 'SIGKILL', 5000);
  }
  const still = processesMentioning(`${cfg.stackDir}/`).filter(ours);
  if (still.length > 0) throw new Error(`processes of ${cfg.stackDir} still running: ${still.join(', ')}`);
  if (opts.purge) {
    rmSync(cfg.stackDir, { recursive: true, force: true });
    progress(`removed ${cfg.stackDir}`);
  }
  progress(`stack down in ${secs(started)}; no process of ${cfg.stackDir} left`);
}

/** `status`: one line per component; resolves false when any is down. */
export async function status(cfg = loadStackConfig()): Promise<boolean> {
  let allUp = true;
  for (const c of Object.values(components(cfg)) as Component[]) {
    const pid = livePid(c.pidFile, c.marker);
    const ready = pid !== undefined && (await c.isReady().catch(() => false));
    allUp &&= ready;
    const state = pid === undefined ? 'down' : ready ? 'up' : 'not ready';
    const addr = `${c.address.host}:${c.address.port}`;
    process.stdout.write(
      `${c.name.padEnd(11)} ${state.padEnd(10)} ${pid !== undefined ? `pid ${pid}`.padEnd(11) : ''.padEnd(11)} ${addr.padEnd(16)} log ${c.logFile}\n`,
    );
  }
  return allUp;
}
