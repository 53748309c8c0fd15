/** Argument parsing shared by every benchmark child. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBenchArgs } from './result';

test('parseBenchArgs reads --runs, --quick and --events, with defaults', () => {
  assert.deepEqual(parseBenchArgs([]), { runs: 5, quick: false, events: undefined });
  assert.deepEqual(parseBenchArgs(['--runs', '3', '--quick', '--events', '80000']), { runs: 3, quick: true, events: 80_000 });
});

test('parseBenchArgs refuses a --runs or --events that is not a positive integer, naming it', () => {
  assert.throws(() => parseBenchArgs(['--runs', '0']), /--runs must be a positive integer, got 0/);
  assert.throws(() => parseBenchArgs(['--events', '1.5']), /--events must be a positive integer, got 1.5/);
  assert.throws(() => parseBenchArgs(['--events']), /--events must be a positive integer, got undefined/);
});
