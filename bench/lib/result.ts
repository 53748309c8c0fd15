/**
 * What one benchmark reports to the runner: raw figures of every run (never pre-aggregated, so the
 * report can show median, min and max of the same samples) and the ratios measured side by side.
 */

/** A figure measured once per run, for the subject or for the bare baseline. */
export interface Metric {
  name: string;
  unit: string;
  runs: number[];
}

/** subject / baseline per run; `target` says which side of the bound passes. */
export interface Ratio {
  name: string;
  /** Human-readable description of the comparison, e.g. "SDK logger.info / bare pino". */
  compares: string;
  runs: number[];
  target: { op: '<=' | '>='; value: number };
}

/** One benchmark's whole output, printed by the child as a single JSON line. */
export interface BenchResult {
  id: string;
  title: string;
  quick: boolean;
  metrics: Metric[];
  ratios: Ratio[];
  notes: string[];
}

/** Prefix of the line a benchmark child prints its result on, so other output may share stdout. */
export const RESULT_PREFIX = 'BENCH_RESULT ';

/** Options every benchmark child receives from the runner. */
export interface BenchArgs {
  runs: number;
  quick: boolean;
  /** `--events N`: events per run, for benchmarks that take it (default: the benchmark's own). */
  events?: number | undefined;
}

/** Reads `--runs N`, `--quick` and `--events N` from a child's argv. */
export function parseBenchArgs(argv: string[] = process.argv.slice(2)): BenchArgs {
  const i = argv.indexOf('--runs');
  const runs = i >= 0 ? Number(argv[i + 1]) : 5;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${argv[i + 1]}`);
  const e = argv.indexOf('--events');
  const events = e >= 0 ? Number(argv[e + 1]) : undefined;
  if (events !== undefined && (!Number.isInteger(events) || events < 1)) throw new Error(`--events must be a positive integer, got ${argv[e + 1]}`);
  return { runs, quick: argv.includes('--quick'), events };
}

/** Collects a benchmark's figures run by run. */
export class ResultBuilder {
  private readonly metrics = new Map<string, Metric>();
  private readonly ratios = new Map<string, Ratio>();
  private readonly notes: string[] = [];

  constructor(private readonly id: string, private readonly title: string, private readonly args: BenchArgs) {}

  metric(name: string, unit: string, value: number): void {
    const m = this.metrics.get(name) ?? { name, unit, runs: [] };
    m.runs.push(value);
    this.metrics.set(name, m);
  }

  ratio(name: string, compares: string, value: number, target: Ratio['target']): void {
    const r = this.ratios.get(name) ?? { name, compares, runs: [], target };
    r.runs.push(value);
    this.ratios.set(name, r);
  }

  note(text: string): void {
    this.notes.push(text);
  }

  build(): BenchResult {
    return { id: this.id, title: this.title, quick: this.args.quick, metrics: [...this.metrics.values()], ratios: [...this.ratios.values()], notes: this.notes };
  }

  /** Prints the result line the runner parses; progress goes to stderr so stdout stays parseable. */
  emit(): void {
    process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(this.build())}\n`);
  }
}

/** Progress output of a benchmark child (stderr: the runner passes it through). */
export function progress(message: string): void {
  process.stderr.write(`  ${message}\n`);
}
