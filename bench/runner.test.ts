/**
 * Smoke run of the benchmark runner: it runs (the SDK benchmark needs no services) and writes
 * well-formed output. Timings are never asserted here: on a shared 2-core machine they are noise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BEGIN, END, spliceGenerated } from './lib/report';
import { quantile, summarize } from './lib/stats';

const root = resolve(__dirname, '..');

test('the runner runs the SDK benchmark in quick mode and writes markdown and JSON', () => {
  const out = mkdtempSync(join(tmpdir(), 'hindsight-bench-'));
  try {
    const run = spawnSync(process.execPath, ['--conditions=hindsight-source', '--import', 'tsx', 'bench/runner.ts', '--only', 'sdk', '--runs', '2', '--quick', '--out', out], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(run.status, 0, run.stderr);
    const json = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
      machine: { cores: number; node: string; cpuModel: string; memoryGiB: number };
      results: Array<{ id: string; ratios: Array<{ name: string; runs: number[]; summary: { median: number; min: number; max: number } }> }>;
    };
    assert.ok(json.machine.cores >= 1 && json.machine.node.startsWith('v') && json.machine.cpuModel.length > 0);
    const sdk = json.results.find((r) => r.id === 'sdk');
    assert.ok(sdk, 'sdk result present');
    assert.deepEqual(sdk.ratios.map((r) => r.name).sort(), ['audit', 'log', 'span']);
    for (const r of sdk.ratios) {
      assert.equal(r.runs.length, 2);
      assert.ok(r.runs.every((v) => Number.isFinite(v) && v > 0));
      assert.ok(r.summary.min <= r.summary.median && r.summary.median <= r.summary.max);
    }
    const md = readFileSync(join(out, 'benchmarks.md'), 'utf8');
    assert.ok(md.includes(BEGIN) && md.includes(END));
    assert.match(md, /\| sdk \| log \|/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('the generated section is replaced in place and the hand-written text kept', () => {
  const first = spliceGenerated('# Benchmarks\n\nintro\n', 'one');
  const second = spliceGenerated(`${first}\n## What changed\nkept\n`, 'two');
  assert.ok(second.includes('intro') && second.includes('kept') && second.includes('two'));
  assert.ok(!second.includes('one\n'));
  assert.equal(second.split(BEGIN).length, 2);
});

test('summaries use the median and nearest-rank quantiles', () => {
  assert.deepEqual(summarize([5, 1, 3]), { median: 3, min: 1, max: 5, n: 3 });
  assert.equal(summarize([1, 2, 3, 4]).median, 2.5);
  assert.equal(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.99), 10);
  assert.equal(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5), 5);
});
