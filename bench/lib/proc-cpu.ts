/**
 * CPU seconds used by processes (Linux /proc), to say which process a 2-core machine spends itself on:
 * the app, the collector, Postgres (postmaster and its backends), ClickHouse, Kafka.
 */
import { readFileSync, readdirSync } from 'node:fs';

const TICKS = 100; // USER_HZ on Linux

function stat(pid: number): { ppid: number; cpu: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // fields after the command: state(0) ppid(1) ... utime(11) stime(12)
    return { ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) / TICKS };
  } catch {
    return undefined;
  }
}

/** CPU seconds of `pid` and all its live descendants. */
export function treeCpuSeconds(pid: number): number {
  const children = new Map<number, number[]>();
  const cpu = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = stat(Number(name));
    if (s === undefined) continue;
    cpu.set(Number(name), s.cpu);
    children.set(s.ppid, [...(children.get(s.ppid) ?? []), Number(name)]);
  }
  let total = 0;
  const stack = [pid];
  while (stack.length > 0) {
    const p = stack.pop()!;
    total += cpu.get(p) ?? 0;
    stack.push(...(children.get(p) ?? []));
  }
  return total;
}

/** Busy and total CPU seconds of the whole machine (all cores) from /proc/stat. */
export function machineCpuSeconds(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1).map(Number);
  const idle = (line[3] ?? 0) + (line[4] ?? 0);
  const total = line.reduce((a, b) => a + b, 0);
  return { busy: (total - idle) / TICKS, total: total / TICKS };
}

/** CPU seconds per named process tree between `start()` and `stop()`. */
export class CpuMeter {
  private before = new Map<string, number>();
  private machine = machineCpuSeconds();

  constructor(private readonly pids: Record<string, number>) {}

  start(): void {
    for (const [name, pid] of Object.entries(this.pids)) this.before.set(name, treeCpuSeconds(pid));
    this.machine = machineCpuSeconds();
  }

  /** Cores used per tree over the interval (1.0 = one core fully busy), plus the whole machine's. */
  stop(): Record<string, number> {
    const m = machineCpuSeconds();
    // /proc/stat counts every core's time: divided by the core count it is wall-clock seconds.
    const wall = (m.total - this.machine.total) / Math.max(1, machineCores());
    const out: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.pids)) out[name] = (treeCpuSeconds(pid) - (this.before.get(name) ?? 0)) / wall;
    out.machine = (m.busy - this.machine.busy) / wall;
    return out;
  }
}

function machineCores(): number {
  return readFileSync('/proc/stat', 'utf8').split('\n').filter((l) => /^cpu\d+ /.test(l)).length;
}
