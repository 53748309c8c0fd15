/** Command-line options of `npm run demo`. */
import { parseArgs } from 'node:util';

export interface DemoOptions {
  /** Requests to send; ignored when `durationSeconds` is set. */
  requests: number;
  /** Drive traffic for this long instead of a fixed number of requests. */
  durationSeconds: number | undefined;
  concurrency: number;
  /** Leave the service and collector running (with light traffic) until Ctrl-C. */
  keep: boolean;
  /** Port of the sample service; a free one is used when it is taken. */
  port: number;
  /** How long to wait for the stores to hold everything that was sent. */
  waitTimeoutSeconds: number;
}

export const HELP = `Usage: npm run demo -- [options]

Runs Hindsight end to end on the local stack (no Docker): brings the stack up, runs the collector
(migrate, then run) and a sample instrumented HTTP service, drives traffic for several tenants and
users (audited actions, denied refunds, payment failures and retries, one reconciliation run with
journal events), then prints what each store holds, one correlation's timeline and the URLs.

Options:
  --requests N         requests to send (default 1000)
  --duration SECONDS   send traffic for this long instead of a fixed number of requests
  --concurrency N      requests in flight at once (default 8)
  --keep               leave the service and the collector running with light traffic until Ctrl-C
  --port N             port of the sample service (default HINDSIGHT_DEMO_PORT or 8081; a free port
                       is used when it is taken)
  --wait-timeout SECS  how long to wait for the data to reach the stores (default 60)
  -h, --help           show this help

Ctrl-C stops the service and the collector cleanly. The local stack stays up either way
(stop it with \`npm run stack -- down\`).

Environment: HINDSIGHT_STACK_DIR and HINDSIGHT_STACK_PORT_OFFSET select the stack, as for
\`npm run stack\` (e.g. HINDSIGHT_STACK_DIR=/tmp/my-stack HINDSIGHT_STACK_PORT_OFFSET=2000 npm run demo).
`;

/** Thrown for a bad command line; main prints the message and the usage hint, exit code 2. */
export class UsageError extends Error {}

function positiveInt(name: string, raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`--${name} must be a whole number from 1 to ${max}, got "${raw}"`);
  return n;
}

/** Parses argv (without node and the script); returns undefined when --help was asked for. */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): DemoOptions | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      options: {
        requests: { type: 'string' },
        duration: { type: 'string' },
        concurrency: { type: 'string' },
        keep: { type: 'boolean', default: false },
        port: { type: 'string' },
        'wait-timeout': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const v = parsed.values;
  if (v.help === true) return undefined;
  return {
    requests: positiveInt('requests', v.requests, 1000, 1_000_000),
    durationSeconds: v.duration === undefined ? undefined : positiveInt('duration', v.duration, 0, 86_400),
    concurrency: positiveInt('concurrency', v.concurrency, 8, 256),
    keep: v.keep === true,
    port: positiveInt('port', v.port ?? env.HINDSIGHT_DEMO_PORT, 8081, 65_535),
    waitTimeoutSeconds: positiveInt('wait-timeout', v['wait-timeout'], 60, 3600),
  };
}
