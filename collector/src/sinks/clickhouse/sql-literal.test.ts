import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { sqlIdentifier, sqlString, sqlStringArray, sqlUnsigned } from './sql-literal';

describe('sqlString', () => {
  it('escapes quotes and backslashes so the literal cannot be closed early', () => {
    assert.equal(sqlString("it's"), "'it\\'s'");
    assert.equal(sqlString('a\\b'), "'a\\\\b'");
    assert.equal(sqlString("\\'"), "'\\\\\\''");
    assert.equal(sqlString("x' OR 1=1 --"), "'x\\' OR 1=1 --'");
  });

  it('writes control characters and NUL as \\xHH, keeping the literal on one line', () => {
    assert.equal(sqlString('a\nb\r\tc\0d\x7f'), "'a\\x0ab\\x0d\\x09c\\x00d\\x7f'");
    assert.ok(!/[\x00-\x1f]/.test(sqlString('\x01\x1f\n')));
  });

  it('keeps non-ASCII text as is', () => {
    assert.equal(sqlString('ñ 日本 😀'), "'ñ 日本 😀'");
  });

  it('refuses lone surrogates and non-strings', () => {
    assert.throws(() => sqlString('a\uD800b'), /surrogate/);
    assert.throws(() => sqlString('\uDC00'), /surrogate/);
    assert.throws(() => sqlString(42 as unknown as string), TypeError);
  });
});

describe('sqlIdentifier', () => {
  it('quotes plain names', () => assert.equal(sqlIdentifier('hindsight_1'), '`hindsight_1`'));
  it('refuses anything else', () => {
    for (const bad of ['', '1abc', 'a-b', 'a`b', 'a b', 'db; DROP TABLE x', 'a.b', 'x'.repeat(200)]) {
      assert.throws(() => sqlIdentifier(bad), TypeError, bad);
    }
  });
});

describe('sqlUnsigned', () => {
  it('writes integers up to UInt64', () => {
    assert.equal(sqlUnsigned(0), '0');
    assert.equal(sqlUnsigned(20260101), '20260101');
    assert.equal(sqlUnsigned('18446744073709551615'), '18446744073709551615');
    assert.equal(sqlUnsigned(5n), '5');
  });
  it('refuses negatives, fractions, overflow and text', () => {
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 60, '18446744073709551616', '1 OR 1', '-3', '', -1n]) {
      assert.throws(() => sqlUnsigned(bad as number), TypeError, String(bad));
    }
  });
});

describe('sqlStringArray', () => {
  it('writes each element through sqlString', () => {
    assert.equal(sqlStringArray([]), '[]');
    assert.equal(sqlStringArray(["a'", 'b']), "['a\\'', 'b']");
  });
});
