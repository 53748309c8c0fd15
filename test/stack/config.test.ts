import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadStackConfig, recordPortOffset } from './config';

const defaults = JSON.parse(readFileSync(join(__dirname, 'stack-config.json'), 'utf8')) as { ports: { postgres: number } };

describe('stack port offset', () => {
  const dirs: string[] = [];
  const freshDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-stack-config-'));
    dirs.push(dir);
    return dir;
  };
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('is 0 for a folder no stack was brought up in, and the environment value when given', () => {
    const dir = freshDir();
    assert.equal(loadStackConfig({ HINDSIGHT_STACK_DIR: dir }).ports.postgres, defaults.ports.postgres);
    const moved = loadStackConfig({ HINDSIGHT_STACK_DIR: dir, HINDSIGHT_STACK_PORT_OFFSET: '100' });
    assert.deepEqual([moved.portOffset, moved.ports.postgres], [100, defaults.ports.postgres + 100]);
  });

  it('is the recorded one when the environment names none, so later commands reach the same ports', () => {
    const dir = freshDir();
    recordPortOffset(dir, 3000);
    const cfg = loadStackConfig({ HINDSIGHT_STACK_DIR: dir });
    assert.deepEqual([cfg.portOffset, cfg.ports.postgres], [3000, defaults.ports.postgres + 3000]);
  });

  it('refuses an environment offset that differs from the one of a stack that is up', () => {
    const dir = freshDir();
    recordPortOffset(dir, 3000);
    writeFileSync(join(dir, 'endpoints.json'), '{}');
    assert.throws(
      () => loadStackConfig({ HINDSIGHT_STACK_DIR: dir, HINDSIGHT_STACK_PORT_OFFSET: '0' }),
      /is up with port offset 3000, but HINDSIGHT_STACK_PORT_OFFSET is 0/,
    );
    assert.equal(loadStackConfig({ HINDSIGHT_STACK_DIR: dir, HINDSIGHT_STACK_PORT_OFFSET: '3000' }).portOffset, 3000);
  });

  it('takes a new environment offset for a stack that is down (the next `up` records it)', () => {
    const dir = freshDir();
    recordPortOffset(dir, 3000);
    assert.equal(loadStackConfig({ HINDSIGHT_STACK_DIR: dir, HINDSIGHT_STACK_PORT_OFFSET: '200' }).portOffset, 200);
  });

  it('names the file when the recorded offset is not a number', () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'port-offset'), 'three thousand\n');
    assert.throws(() => loadStackConfig({ HINDSIGHT_STACK_DIR: dir }), /port-offset must be an integer between -20000 and 30000, got "three thousand"/);
  });
});
