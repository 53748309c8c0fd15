import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { Component } from './component';
import { loadStackConfig, type StackConfig } from './config';
import { endpointsFile, type StackEndpoints } from './endpoints';
import { descendants, livePid, progress, stopProcesses } from './process-helper';
import { components, startComponent as startOne } from './stack';

/**
 * Components a test may stop and start alone. Kafka is not one of them: the mock cluster keeps its
 * data in memory, so a restart would be an empty cluster; use its fault commands (`broker_down`) instead.
 */
export const RESTARTABLE = ['postgres', 'clickhouse', 'prometheus'] as const;
export type RestartableComponent = (typeof RESTARTABLE)[number];

function pick(name: string, cfg: StackConfig): Component {
  if (!(RESTARTABLE as readonly string[]).includes(name)) {
    throw new Error(`cannot stop or start "${name}" alone; one of: ${RESTARTABLE.join(', ')} (Kafka: use \`kafka broker_down <id>\`)`);
  }
  return (components(cfg) as Record<string, Component>)[name] as Component;
}

/** Records a component's new pid in endpoints.json, so loadStackEndpoints() sees it running again. */
function recordPid(cfg: StackConfig, name: string, pid: number): void {
  const file = endpointsFile({ HINDSIGHT_STACK_DIR: cfg.stackDir });
  if (!existsSync(file)) return; // `up` was never run; nothing to update
  const ep = JSON.parse(readFileSync(file, 'utf8')) as StackEndpoints;
  ep.pids[name] = pid;
  writeFileSync(`${file}.tmp`, JSON.stringify(ep, null, 2) + '\n');
  renameSync(`${file}.tmp`, file);
}

/**
 * Stops one component of the stack (as `down` would, with its clean-stop signal) and leaves the others
 * running. Resolves once its processes are gone. While it is stopped, loadStackEndpoints() reports it down.
 */
export async function stopComponent(name: RestartableComponent | string, cfg = loadStackConfig()): Promise<void> {
  const c = pick(name, cfg);
  const pid = livePid(c.pidFile, c.marker);
  if (pid === undefined) {
    progress(`${c.name}: not running`);
    return;
  }
  progress(`${c.name}: stopping pid ${pid}`);
  await stopProcesses([pid, ...descendants(pid)], c.stopSignal, 20_000);
  rmSync(c.pidFile, { force: true });
  progress(`${c.name}: stopped`);
}

/**
 * Starts one component again (same data folder, same port) and waits until it is ready; updates
 * endpoints.json with its new pid. A running component is kept. Returns its pid.
 */
export async function startComponent(name: RestartableComponent | string, cfg = loadStackConfig()): Promise<number> {
  const c = pick(name, cfg);
  const pid = await startOne(c);
  recordPid(cfg, c.name, pid);
  return pid;
}
