/**
 * The committed dashboards/*.json are what the generator (dashboards/src) produces, and their
 * structure is what Grafana 11 needs: fixed unique uids, datasources by provisioned uid, a query on
 * every panel in the shape its datasource stores, and links that point at dashboards that exist.
 * Run `npm run dashboards` after changing the generator.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { allDashboards, renderDashboard, UID } from '../../dashboards/src/index';
import { unknownDatasourceRefs, type ProvisionedDatasource } from '../compose/datasource-refs';
import { extractQueries } from './query-extract';

const dir = resolve(__dirname, '..', '..', 'dashboards');
const generated = allDashboards();

test('committed dashboards match the generator (run `npm run dashboards` after changing dashboards/src)', () => {
  const committed = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  assert.deepEqual(committed, Object.keys(generated).sort(), 'dashboards/*.json and the generator list different files');
  for (const [file, dashboard] of Object.entries(generated)) {
    const path = join(dir, file);
    assert.ok(existsSync(path), `${file} is not committed`);
    assert.equal(readFileSync(path, 'utf8'), renderDashboard(dashboard), `${file} differs from the generator's output`);
  }
});

test('dashboard and panel ids are fixed and unique, every panel has a query', () => {
  const uids = Object.values(generated).map((d) => d.uid);
  assert.deepEqual([...uids].sort(), Object.values(UID).sort());
  for (const [file, d] of Object.entries(generated)) {
    const panels = d.panels as Array<Record<string, unknown>>;
    assert.ok(panels.length > 0, `${file}: no panels`);
    const ids = panels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, `${file}: duplicate panel ids`);
    for (const p of panels) {
      assert.ok(['timeseries', 'table', 'stat'].includes(String(p.type)), `${file}: panel type ${String(p.type)}`);
      const targets = p.targets as unknown[];
      assert.ok(Array.isArray(targets) && targets.length > 0, `${file}: panel "${String(p.title)}" has no query`);
      const grid = p.gridPos as { x: number; w: number };
      assert.ok(grid.x + grid.w <= 24, `${file}: panel "${String(p.title)}" is wider than the grid`);
    }
  }
});

test('every datasource uid used is provisioned', () => {
  const file = resolve(__dirname, '..', '..', 'grafana', 'provisioning', 'datasources', 'hindsight.yaml');
  const provisioned = (parseYaml(readFileSync(file, 'utf8')) as { datasources: ProvisionedDatasource[] }).datasources;
  for (const [name, d] of Object.entries(generated)) {
    assert.deepEqual(unknownDatasourceRefs(d, provisioned), [], `${name} names an unknown datasource`);
  }
  // The check itself must see the references: a dashboard with a misspelt uid is caught.
  const broken = JSON.parse(JSON.stringify(generated['journal.json']).replace(/hindsight-postgres/g, 'hindsight-pg')) as unknown;
  assert.ok(unknownDatasourceRefs(broken, provisioned).length > 0);
});

test('queries are extracted from every panel, annotation and query variable, each in its datasource shape', () => {
  const queries = Object.entries(generated).flatMap(([file, d]) => extractQueries(file, d));
  const panelCount = Object.values(generated).reduce((n, d) => n + (d.panels as Array<{ targets: unknown[] }>).reduce((m, p) => m + p.targets.length, 0), 0);
  assert.equal(queries.filter((q) => q.source === 'panel').length, panelCount);
  assert.equal(queries.filter((q) => q.source === 'annotation').length, 3);
  assert.equal(queries.filter((q) => q.source === 'variable').length, 2);
  for (const q of queries) {
    assert.ok(q.text.trim().length > 0, `${q.where}: empty query`);
    if (q.datasource !== 'hindsight-prometheus') assert.doesNotMatch(q.text, /;\s*$/, `${q.where}: trailing semicolon`);
  }
});

test('drilldown links pass the clicked value to the drilldown and to the API', () => {
  const text = JSON.stringify(generated['journal.json']);
  assert.ok(text.includes(`/d/${UID.drilldown}?var-correlationId=\${__value.raw}`), 'journal table links to the drilldown');
  assert.match(text, /http:\/\/localhost:\d+\/api\/correlations\/\$\{__value\.raw\}/, 'journal table links to the API');
  // Every /d/<uid> link names a dashboard that exists.
  const all = JSON.stringify(generated);
  for (const m of all.matchAll(/\/d\/([a-z0-9-]+)/g)) {
    assert.ok(Object.values(UID).includes(m[1] as never), `link to unknown dashboard ${m[1]}`);
  }
});
