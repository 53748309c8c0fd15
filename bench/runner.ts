/**
 * `npm run bench [-- --only sdk,app,...] [--runs N] [--quick] [--out DIR]`: runs each benchmark in its
 * own child process (isolation: one benchmark's heap, JIT state and open sockets never affect the next),
 * collects their per-run figures and writes docs/benchmarks.md's figures section and a JSON file.
 * `e2e` (issue item 6) searches the maximum sustained rate and measures emit→queryable latency at 5 % and
 * 50 % of it in every run: several minutes per run.
 * Benchmarks other than `sdk` need the local stack (`npm run stack -- up`; HINDSIGHT_STACK_DIR selects one).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { machineFacts } from './lib/machine';
import { RESULT_PREFIX, type BenchResult } from './lib/result';
import { reportJson, reportMarkdown, spliceGenerated, type Report } from './lib/report';

const root = resolve(__dirname, '..');

/** Benchmark id → file, in the order they run (cheapest first, so a broken stack shows late). */
export const BENCHMARKS: Record<string, string> = {
  sdk: 'sdk-hot-path.ts',
  app: 'app-overhead.ts',
  consume: 'consume-only.ts',
  postgres: 'collector-postgres.ts',
  clickhouse: 'collector-clickhouse.ts',
  e2e: 'e2e.ts',
};

interface RunnerArgs {
  only: string[];
  runs: number;
  quick: boolean;
  out: string | undefined;
}

function parseArgs(argv: string[]): RunnerArgs {
  const args: RunnerArgs = { only: Object.keys(BENCHMARKS), runs: 5, quick: false, out: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--only') args.only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (a === '--runs') args.runs = Number(argv[++i]);
    else if (a === '--quick') args.quick = true;
    else if (a === '--out') args.out = argv[++i];
    else if (a === '--help' || a === '-h') {
      console.log(`usage: npm run bench -- [--only ${Object.keys(BENCHMARKS).join(',')}] [--runs N] [--quick] [--out DIR]\n` +
        'Writes docs/benchmarks.md and bench/results/latest.json, or DIR/benchmarks.md and DIR/results.json with --out.');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  for (const id of args.only) if (!(id in BENCHMARKS)) throw new Error(`unknown benchmark "${id}"; known: ${Object.keys(BENCHMARKS).join(', ')}`);
  if (!Number.isInteger(args.runs) || args.runs < 1) throw new Error('--runs must be a positive integer');
  return args;
}

/** Runs one benchmark child; resolves with its result line, rejects with its exit status and last stderr. */
function runChild(id: string, args: RunnerArgs): Promise<BenchResult> {
  const childArgs = ['--conditions=hindsight-source', '--import', 'tsx', '--expose-gc', join(__dirname, BENCHMARKS[id]!), '--runs', String(args.runs)];
  if (args.quick) childArgs.push('--quick');
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, childArgs, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderrTail = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      process.stderr.write(d);
      stderrTail = (stderrTail + d.toString()).slice(-2000);
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code === 0 && line !== undefined) resolvePromise(JSON.parse(line.slice(RESULT_PREFIX.length)) as BenchResult);
      else reject(new Error(`exit ${code ?? signal}: ${stderrTail.trim().split('\n').slice(-3).join(' ')}`));
    });
  });
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const report: Report = {
    startedAt: new Date().toISOString(),
    finishedAt: '',
    command: `npm run bench -- --only ${args.only.join(',')} --runs ${args.runs}${args.quick ? ' --quick' : ''}`,
    runs: args.runs,
    quick: args.quick,
    machine: machineFacts(),
    results: [],
    failures: [],
  };
  for (const id of args.only) {
    console.error(`bench ${id}: ${BENCHMARKS[id]}`);
    try {
      report.results.push(await runChild(id, args));
    } catch (error) {
      console.error(`bench ${id} failed: ${(error as Error).message}`);
      report.failures.push({ id, error: (error as Error).message });
    }
  }
  report.finishedAt = new Date().toISOString();
  const markdown = reportMarkdown(report);
  const docPath = args.out ? join(args.out, 'benchmarks.md') : join(root, 'docs', 'benchmarks.md');
  const jsonPath = args.out ? join(args.out, 'results.json') : join(root, 'bench', 'results', 'latest.json');
  mkdirSync(args.out ?? join(root, 'bench', 'results'), { recursive: true });
  const doc = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '# Benchmarks\n';
  writeFileSync(docPath, spliceGenerated(doc, markdown));
  writeFileSync(jsonPath, `${JSON.stringify(reportJson(report), null, 2)}\n`);
  console.log(markdown);
  console.error(`wrote ${docPath} and ${jsonPath}`);
  process.exitCode = report.failures.length > 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
});
