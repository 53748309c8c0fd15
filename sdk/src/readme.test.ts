// Runs every `ts` block of sdk/README.md, so the documented API cannot drift from the real one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { transformSync } from 'esbuild';
import * as sdk from './index';
import * as testing from './testing';

const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);

const modules: Record<string, unknown> = { '@hindsight/sdk': sdk, '@hindsight/sdk/testing': testing, 'node:assert/strict': assert };

test('the README has examples', () => assert.ok(blocks.length >= 4));

for (const [i, source] of blocks.entries()) {
  test(`README example ${i + 1} runs`, async () => {
    const { code } = transformSync(`export default async function run(assert) {\n${source.replace(/^import .*$/gm, '')}\n}`, { loader: 'ts', format: 'cjs' });
    const imports = [...source.matchAll(/^import \{([^}]*)\} from '([^']+)';$/gm)];
    const scope: Record<string, unknown> = {};
    for (const [, names, from] of imports) {
      const mod = modules[from as string] as Record<string, unknown>;
      for (const n of (names as string).split(',').map((s) => s.trim()).filter(Boolean)) scope[n] = mod[n];
    }
    const module = { exports: {} as { default?: (a: typeof assert) => Promise<void> } };
    // The example's imports are provided as parameters; everything else is the example's own code.
    new Function('module', 'exports', ...Object.keys(scope), code)(module, module.exports, ...Object.values(scope));
    await module.exports.default?.(assert);
  });
}
