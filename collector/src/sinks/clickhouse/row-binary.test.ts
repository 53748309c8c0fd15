import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { readRowBinary } from '../../testing/row-binary-reader';
import { encodeRowBinaryString, RowBinaryWriter } from './row-binary';

describe('RowBinaryWriter', () => {
  it('writes strings as a LEB128 byte length and their UTF-8, at every length boundary', () => {
    const texts = ['', 'a', 'x'.repeat(42), 'x'.repeat(43), 'x'.repeat(127), 'x'.repeat(128), 'x'.repeat(16_383), 'x'.repeat(16_384), 'é'.repeat(42), '🙂'.repeat(21), '🙂'.repeat(40), 'ü'.repeat(70_000), 'lone \ud800 surrogate', 'ascii first, then ünïcödé', 'x'.repeat(41) + 'é', 'id-42 🙂'];
    const w = new RowBinaryWriter(8); // small, so that it has to grow
    for (const t of texts) w.string(t);
    const rows = readRowBinary(w.bytes(), [['s', 'String']]);
    assert.deepEqual(rows.map((r) => r.s), texts.map((t) => Buffer.from(t, 'utf8').toString('utf8')));
    // The length prefix is the byte length: 'é' is 2 bytes, so 42 of them need 84.
    const one = new RowBinaryWriter();
    one.string('é'.repeat(42));
    assert.equal(one.bytes()[0], 84);
    assert.equal(one.length, 85);
    const two = new RowBinaryWriter();
    two.string('x'.repeat(300));
    assert.deepEqual([...two.bytes().subarray(0, 2)], [0xac, 0x02]); // 300 = 0b10_0101100
  });

  it('writes integers little-endian', () => {
    const w = new RowBinaryWriter();
    w.uint8(255);
    w.uint32(4_294_967_295);
    w.uint64(Number.MAX_SAFE_INTEGER);
    w.uint64Big(18_446_744_073_709_551_615n);
    assert.deepEqual(readRowBinary(w.bytes(), [['a', 'UInt8'], ['b', 'UInt32'], ['c', 'UInt64'], ['d', 'UInt64']]), [
      { a: 255, b: 4_294_967_295, c: '9007199254740991', d: '18446744073709551615' },
    ]);
  });

  it('uint64Nanos gives seconds * 1e9 + nanos exactly, compared with BigInt', () => {
    let seed = 99;
    const rand = (n: number) => {
      seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const cases: Array<[number, number]> = [[0, 0], [0, 999_999_999], [1, 0], [65_535, 999_999_999], [65_536, 0], [4_294_967_295, 999_999_999], [1_763_800_000, 123_456_789]];
    for (let i = 0; i < 5000; i++) cases.push([rand(65_536) * 65_536 + rand(65_536), rand(1_000_000_000)]);
    const w = new RowBinaryWriter();
    for (const [s, n] of cases) w.uint64Nanos(s, n);
    const rows = readRowBinary(w.bytes(), [['v', 'UInt64']]);
    rows.forEach((r, i) => {
      const [s, n] = cases[i]!;
      assert.equal(r.v, (BigInt(s) * 1_000_000_000n + BigInt(n)).toString(), `${s}.${n}`);
    });
  });

  it('encodeRowBinaryString gives the bytes string() writes, for raw() to copy', () => {
    const w = new RowBinaryWriter();
    w.string('first');
    w.raw(encodeRowBinaryString('ünï'));
    w.raw(encodeRowBinaryString('x'.repeat(200)));
    assert.deepEqual(readRowBinary(w.bytes(), [['s', 'String']]).map((r) => r.s), ['first', 'ünï', 'x'.repeat(200)]);
  });
});
