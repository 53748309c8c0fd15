/**
 * App overhead: requests/s of an HTTP service whose handler burns ~250 µs of CPU, with the SDK (one
 * span, one log line, one audit event per request, exporting to Kafka) and without, driven by
 * autocannon. Each run measures both servers back to back (order alternating). Target ≥ 0.95×.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { ResultBuilder, parseBenchArgs, progress } from './lib/result';

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

async function measure(mode: 'bare' | 'sdk', seconds: number): Promise<number> {
  const { child, port } = await startServer(mode);
  try {
    // Short warm-up so JIT and the SDK's Kafka connection are settled before the measured window.
    await autocannon({ url: `http://127.0.0.1:${port}/work`, connections: 10, duration: 1 });
    const result = await autocannon({ url: `http://127.0.0.1:${port}/work`, connections: 10, duration: seconds });
    return result.requests.average;
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
    const rps: Record<string, number> = {};
    for (const mode of order) rps[mode] = await measure(mode, seconds);
    out.metric('with SDK', 'req/s', rps['sdk']!);
    out.metric('without SDK', 'req/s', rps['bare']!);
    out.ratio('app', 'req/s with SDK / req/s without', rps['sdk']! / rps['bare']!, { op: '>=', value: 0.95 });
    progress(`run ${run}/${args.runs}: with SDK ${rps['sdk']!.toFixed(0)} req/s, without ${rps['bare']!.toFixed(0)} req/s`);
  }
  out.note(`autocannon, 10 connections, ${seconds} s per side per run after a 1 s warm-up; the load generator shares the 2 cores with the server.`);
  out.emit();
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
