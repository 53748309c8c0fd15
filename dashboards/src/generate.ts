/**
 * `npm run dashboards`: writes every dashboard of ./index to dashboards/<name>.json and removes JSON
 * files there that no longer have a generator (Grafana would keep loading them otherwise).
 */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { allDashboards, renderDashboard } from './index';

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log('usage: npm run dashboards\n' +
    'Regenerates dashboards/*.json from dashboards/src (commit the result: a test fails when they differ).');
  process.exit(0);
}
if (args.length > 0) {
  console.error(`unknown argument ${args[0]}: npm run dashboards takes none (see --help)`);
  process.exit(2);
}

const dir = resolve(__dirname, '..');
const dashboards = allDashboards();
for (const [file, dashboard] of Object.entries(dashboards)) {
  writeFileSync(join(dir, file), renderDashboard(dashboard));
  console.log(`wrote dashboards/${file}`);
}
for (const file of readdirSync(dir).filter((f) => f.endsWith('.json') && !(f in dashboards) && f !== 'tsconfig.json')) {
  rmSync(join(dir, file));
  console.log(`removed dashboards/${file} (no generator)`);
}
