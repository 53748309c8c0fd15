/**
 * `npm run demo` in a short mode, as a newcomer runs it: a child process on the local stack (the real
 * collector and sample service), which must exit 0, print a non-zero count for every store, and print
 * the reconciliation run's timeline with its audit event, WARN and ERROR journal events, spans and logs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { loadStackEndpoints } from '../stack/endpoints';

const REPO = resolve(__dirname, '..', '..');

/** The number after `label` in the demo's count lines (`Stores (...)` block, lines `label N | ...`). */
function countAfter(output: string, label: string): number {
  const block = output.slice(output.indexOf('Stores ('), output.indexOf('Timeline of correlation'));
  const match = new RegExp(`[ |]${label} (\\d+)`).exec(block);
  assert.ok(match, `no "${label} N" in the demo's counts:\n${block}`);
  return Number(match[1]);
}

test('npm run demo -- --requests 100 fills every store and prints a run timeline', { timeout: 240_000 }, async () => {
  loadStackEndpoints(); // fails naming `npm run stack -- up` when the stack is not up
  const started = Date.now();
  const child = spawn(process.execPath, ['--conditions=hindsight-source', '--import', 'tsx', 'demo/driver/main.ts', '--requests', '100', '--concurrency', '4'], {
    cwd: REPO,
    env: { ...process.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
  const seconds = (Date.now() - started) / 1000;

  assert.equal(code, 0, `the demo exited with ${code}; output:\n${output.slice(-4000)}`);
  for (const step of ['[1/7] local stack up', '[2/7] collector', '[3/7] sample service', '[4/7] traffic', '[5/7] waiting for the stores', '[7/7] done']) {
    assert.ok(output.includes(step), `step "${step}" missing from the output:\n${output.slice(-4000)}`);
  }
  for (const label of ['audit_event', 'journal_event', 'journal_run', 'spans', 'logs', 'collector series', 'RED series', 'service series']) {
    assert.ok(countAfter(output, label) > 0, `${label} is 0:\n${output.slice(-4000)}`);
  }
  assert.ok(countAfter(output, 'journal_event') >= 8, 'the run wrote its lifecycle events');

  const timeline = output.slice(output.indexOf('Timeline of correlation'), output.indexOf('URLs:'));
  assert.ok(timeline.startsWith('Timeline of correlation'), `no timeline printed:\n${output.slice(-4000)}`);
  assert.match(timeline, /journal\s+\[INFO\] run\.started/);
  assert.match(timeline, /journal\s+\[WARN\]/);
  assert.match(timeline, /journal\s+\[ERROR\] step\.failed/);
  assert.match(timeline, /journal\s+\[INFO\] run\.finished/);
  assert.match(timeline, /audit\s+scheduler ledger\.reconcile/);
  assert.match(timeline, /span\s+.*reconcile\./);
  assert.match(timeline, /log\s+\[(INFO|WARN|ERROR)\]/);
  assert.match(output, /Prometheus\s+http:\/\/127\.0\.0\.1:\d+\/graph/);
  assert.match(output, /The local stack is still up/);
  assert.ok(seconds < 120, `the short demo took ${seconds.toFixed(0)} s`);
});
