/**
 * The SDK as apps run it: its compiled `sdk/dist` (tsc's CommonJS), not the TypeScript sources through
 * tsx. Benchmarks run under tsx with the `hindsight-source` condition, which would hand them the
 * sources transformed by esbuild, whose `keepNames` wrapper runs on every closure the SDK creates
 * per call; the bare tools they are compared with (pino, OpenTelemetry) are plain compiled JS.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** The SDK's compiled entry point; throws when `npm run build` is older than the sources. */
export function sdkDist(): typeof import('@hindsight/sdk') {
  const entry = join(ROOT, 'sdk', 'dist', 'index.js');
  let built = 0;
  try {
    // tsc rewrites only the outputs that changed, but always its build info.
    statSync(entry);
    built = statSync(join(ROOT, 'sdk', 'dist', '.tsbuildinfo')).mtimeMs;
  } catch {
    // not built at all
  }
  if (built < newestSource(join(ROOT, 'sdk', 'src'))) {
    throw new Error('sdk/dist is missing or older than sdk/src: run `npm run build` before the sdk and app benchmarks');
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(entry) as typeof import('@hindsight/sdk');
}
