#!/usr/bin/env node
// Runs the project's tests on node's test runner, by tier:
//   unit         *.test.ts beside the code (no services needed)
//   integration  *.int.test.ts beside the code and test/smoke (need the local stack: `npm run stack -- up`)
//   e2e          test/e2e/**/*.test.ts (SDK → Kafka → collector → stores, on the local stack)
//   faults       test/faults/**/*.test.ts (outages, kills, overload, bad input; runs last, restores what it breaks)
// Usage: node test/run-tests.mjs [--tier unit|integration|e2e|faults]... [substring filter]...
// Files run one at a time: integration tests share one stack, and the machine has two cores.
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log('usage: node test/run-tests.mjs [--tier unit|integration|e2e|faults]... [filter]...\n' +
    'Runs every tier when none is named; a filter keeps files whose path contains it.');
  process.exit(0);
}
const tiers = new Set();
const filters = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--tier') tiers.add(args[++i]);
  else filters.push(args[i]);
}
for (const t of tiers) {
  if (!['unit', 'integration', 'e2e', 'faults'].includes(t)) {
    console.error(`unknown tier "${t}": expected unit, integration, e2e or faults`);
    process.exit(2);
  }
}
const want = (t) => tiers.size === 0 || tiers.has(t);

function walk(dir) {
  // A folder with nothing tracked yet does not exist in a fresh clone.
  if (!existsSync(dir)) return [];
  let out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out = out.concat(walk(p));
    else if (entry.name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const tierOf = (file) => {
  const rel = relative(root, file);
  if (rel.startsWith(join('test', 'e2e'))) return 'e2e';
  if (rel.startsWith(join('test', 'faults'))) return 'faults';
  if (rel.endsWith('.int.test.ts') || rel.startsWith(join('test', 'smoke'))) return 'integration';
  return 'unit';
};
const order = { unit: 0, integration: 1, e2e: 2, faults: 3 };
const files = ['sdk', 'collector', 'test', 'bench']
  .flatMap((d) => walk(join(root, d)))
  .filter((f) => want(tierOf(f)))
  .filter((f) => filters.length === 0 || filters.some((s) => relative(root, f).includes(s)))
  .sort((a, b) => order[tierOf(a)] - order[tierOf(b)] || a.localeCompare(b));

if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
console.log(`running ${files.length} test files`);
// A hung test fails after TEST_TIMEOUT_MS, naming itself, instead of holding the run until CI's limit
// (the longest test takes about two minutes). A file whose tests are done ends even if something it
// opened is still open; open-handles.mjs reports what was.
const TEST_TIMEOUT_MS = 15 * 60 * 1000;
const child = spawn(process.execPath,
  ['--conditions=hindsight-source', '--import', 'tsx', '--import', './test/open-handles.mjs',
    '--test', '--test-concurrency=1', `--test-timeout=${TEST_TIMEOUT_MS}`, '--test-force-exit', '--test-reporter=spec',
    ...files.map((f) => relative(root, f))],
  { cwd: root, stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
