/**
 * App overhead: requests/s of an HTTP service whose handler burns ~250 µs of CPU, with the SDK (one
 * span, one log line, one audit event per request, exporting to Kafka) and without, driven by
 * autocannon. Each run measures both servers back to back (order alternating). Target ≥ 0.95×.
 *
 * Each run also measures what a request costs the server's main thread in CPU at a fixed rate
 * (1 500 req/s, about half of what the bare server serves here), with and without the SDK: the
 * difference is what the SDK costs the app's thread per request. At full load that figure is what the
 * ratio turns on, but there the ratio moves a few percent with whatever else the two cores run; at a
 * fixed rate the per-request CPU moves far less, so a change of a few µs in the SDK shows in one run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { ResultBuilder, parseBenchArgs, progress } from './lib/result';

/** Requests per second of the fixed-rate measurement. */
const FIXED_RATE = 1500;

async function startServer(mode: 'bare' | 'sdk'): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--conditions=hindsight-source', '--import', 'tsx', join(__dirname, 'app-server.ts')], {
    env: { ...process.env, BENCH_APP_MODE: mode },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      const m = /listening (\d+)/.exec(d.toString());
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`app server (${mode}) exited ${code}`)));
  });
  return { child, port };
}

/** CPU time (ms) a process's main thread has used: its thread id is the process id (Linux /proc). */
function mainThreadCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}
/** USER_HZ: 100 on every Linux this runs on (`getconf CLK_TCK`). */
const CLOCK_TICKS_PER_SECOND = 100;

/** Requests/s at full load, and the main thread's CPU per request at {@link FIXED_RATE}. */
async function measure(mode: 'bare' | 'sdk', seconds: number): Promise<{ rps: number; cpuMicrosPerRequest: number }> {
  const { child, port } = await startServer(mode);
  const url = `http://127.0.0.1:${port}/work`;
  try {
    // Short warm-up so JIT and the SDK's Kafka connection are settled before the measured window.
    await autocannon({ url, connections: 10, duration: 1 });
    const result = await autocannon({ url, connections: 10, duration: seconds });
    const before = mainThreadCpuMs(child.pid!);
    const fixed = await autocannon({ url, connections: 10, duration: Math.max(2, seconds / 2), overallRate: FIXED_RATE });
    const cpuMs = mainThreadCpuMs(child.pid!) - before;
    return { rps: result.requests.average, cpuMicrosPerRequest: (cpuMs * 1000) / fixed.requests.total };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

async function main(): Promise<void> {
  const args = parseBenchArgs();
  const out = new ResultBuilder('app', 'App overhead: HTTP service with and without the SDK', args);
  const seconds = args.quick ? 2 : 10;
  for (let run = 1; run <= args.runs; run++) {
    const order: Array<'bare' | 'sdk'> = run % 2 === 0 ? ['sdk', 'bare'] : ['bare', 'sdk'];
    const m: Partial<Record<'bare' | 'sdk', { rps: number; cpuMicrosPerRequest: number }>> = {};
    for (const mode of order) m[mode] = await measure(mode, seconds);
    const sdk = m.sdk!;
    const bare = m.bare!;
    out.metric('with SDK', 'req/s', sdk.rps);
    out.metric('without SDK', 'req/s', bare.rps);
    out.metric(`main-thread CPU per request at ${FIXED_RATE} req/s, with SDK`, 'µs', sdk.cpuMicrosPerRequest);
    out.metric(`main-thread CPU per request at ${FIXED_RATE} req/s, without SDK`, 'µs', bare.cpuMicrosPerRequest);
    out.metric(`SDK cost on the app's thread per request at ${FIXED_RATE} req/s`, 'µs', sdk.cpuMicrosPerRequest - bare.cpuMicrosPerRequest);
    out.ratio('app', 'req/s with SDK / req/s without', sdk.rps / bare.rps, { op: '>=', value: 0.95 });
    progress(`run ${run}/${args.runs}: with SDK ${sdk.rps.toFixed(0)} req/s, without ${bare.rps.toFixed(0)} req/s; at ${FIXED_RATE} req/s the main thread spends ${sdk.cpuMicrosPerRequest.toFixed(0)} µs per request with the SDK, ${bare.cpuMicrosPerRequest.toFixed(0)} µs without`);
  }
  out.note(`autocannon, 10 connections, ${seconds} s per side per run after a 1 s warm-up; the load generator shares the 2 cores with the server. Then ${Math.max(2, seconds / 2)} s at a fixed ${FIXED_RATE} req/s, reading the server's main-thread CPU time from /proc: the SDK's cost per request on the app's thread is the difference of the two servers' figures.`);
  out.emit();
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
