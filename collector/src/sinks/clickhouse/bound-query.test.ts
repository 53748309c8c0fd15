import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { bindQuery } from './bound-query';

const legacy = { queryParams: false };
const modern = { queryParams: true };

describe('bindQuery', () => {
  const sql = 'SELECT * FROM spans WHERE correlation_id = {cid:String} AND day = {day:UInt32} AND has({ids: Array(String)}, run_id)';

  it('inlines escaped literals on servers without query parameters', () => {
    const b = bindQuery(sql, { cid: "a'b", day: 20260101, ids: ['x', "y\\"] }, legacy);
    assert.equal(b.query, "SELECT * FROM spans WHERE correlation_id = 'a\\'b' AND day = 20260101 AND has(['x', 'y\\\\'], run_id)");
    assert.equal(b.query_params, undefined);
  });

  it('passes placeholders and values separately on current servers', () => {
    const b = bindQuery(sql, { cid: "a'b", day: 20260101, ids: ['x'] }, modern);
    assert.equal(b.query, sql);
    assert.deepEqual(b.query_params, { cid: "a'b", day: 20260101, ids: ['x'] });
  });

  it('substitutes a parameter used twice', () => {
    const b = bindQuery('SELECT {s:String} = {s:String}', { s: 'q' }, legacy);
    assert.equal(b.query, "SELECT 'q' = 'q'");
  });

  it('fails on missing, unused, mistyped or unsupported parameters (on both generations)', () => {
    for (const caps of [legacy, modern]) {
      assert.throws(() => bindQuery('SELECT {a:String}', {}, caps), /no value/);
      assert.throws(() => bindQuery('SELECT {a:String}', { a: 'x', b: 'y' }, caps), /no placeholder/);
      assert.throws(() => bindQuery('SELECT {a:String}', { a: 1 }, caps), /String/);
      assert.throws(() => bindQuery('SELECT {a:UInt32}', { a: '1 OR 1' }, caps), TypeError);
      assert.throws(() => bindQuery('SELECT {a:Float64}', { a: 1 }, caps), /no literal writer/);
      assert.throws(() => bindQuery('SELECT {a:Array(String)}', { a: 'x' }, caps), /Array/);
    }
  });
});
