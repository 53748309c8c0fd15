import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { listMigrationFiles, loadQuery, renderTemplate, splitStatements, templateValues } from './sql-files';

describe('SQL files', () => {
  it('splits statements at line-ending semicolons and drops comment lines', () => {
    assert.deepEqual(splitStatements('-- c;\nCREATE A;\n\nCREATE B\n  (x);\n'), ['CREATE A', 'CREATE B\n  (x)']);
  });

  it('refuses unknown template tokens', () => {
    assert.throws(() => renderTemplate('x {{nope}}', {}), /unknown template token/);
  });

  it('renders every migration for both generations with no token left', () => {
    const files = listMigrationFiles();
    assert.ok(files.length >= 6);
    assert.deepEqual(files.map((f) => f.version), [...files.map((f) => f.version)].sort((a, b) => a - b));
    for (const lowCardinality of [false, true]) {
      for (const f of files) {
        const sql = renderTemplate(f.text, templateValues({ lowCardinality }));
        assert.ok(!sql.includes('{{'), f.name);
        assert.equal(sql.includes('LowCardinality'), lowCardinality && f.text.includes('{{lc_string}}'), f.name);
        for (const stmt of splitStatements(sql)) assert.match(stmt, /IF NOT EXISTS/, `${f.name} must be idempotent`);
      }
    }
  });

  it('query files hold one statement each', () => {
    for (const q of ['spans-by-correlation', 'spans-by-trace', 'logs-by-correlation', 'span-rollup', 'archive-spans', 'archive-logs']) {
      assert.ok(loadQuery(q).length > 20, q);
    }
  });
});
