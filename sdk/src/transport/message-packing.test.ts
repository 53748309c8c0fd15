import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packMessages, unpackMessages } from './message-packing';

test('messages cross packed in one buffer of their own and come back byte for byte', () => {
  // Small Buffer.from(string) values are slices of Node's shared pool: packing must not take the pool along.
  const messages = [
    { key: 'tenant-a', value: Buffer.from('{"event":"one"}') },
    { key: '', value: Buffer.alloc(0) },
    { key: 'tenant-b', value: Buffer.from('ünïcödé ✓') },
    { key: 'trace', value: Buffer.from([0, 1, 2, 255]) },
  ];
  assert.ok(messages[0]!.value.buffer.byteLength > messages[0]!.value.byteLength, 'the test value is a pool slice');
  const packed = packMessages(messages);
  const total = messages.reduce((n, m) => n + m.value.byteLength, 0);
  assert.equal(packed.bytes.buffer.byteLength, total, 'the transferred buffer holds the values and nothing else');
  // What postMessage with a transfer list does to it: the receiver gets the bytes, the sender a detached buffer.
  const received = structuredClone(packed, { transfer: [packed.bytes.buffer] });
  assert.equal(packed.bytes.byteLength, 0, 'transferred, not copied');
  const back = unpackMessages(received);
  assert.equal(back.length, messages.length);
  back.forEach((m, i) => {
    assert.equal(m.key, messages[i]!.key);
    assert.ok(Buffer.isBuffer(m.value));
    assert.deepEqual(m.value, messages[i]!.value);
  });
});

test('JSON text packs as its UTF-8 bytes, next to Buffer values', () => {
  const messages = [
    { key: 'tenant-a', value: '{"event":"one"}' },
    { key: 'tenant-b', value: Buffer.from([0, 1, 2, 255]) },
    { key: 'tenant-c', value: '{"who":"ünïcödé ✓ 𝄞"}' },
    { key: '', value: '' },
  ];
  const packed = packMessages(messages);
  const expected = messages.map((m) => (typeof m.value === 'string' ? Buffer.from(m.value, 'utf8') : m.value));
  assert.equal(packed.bytes.byteLength, expected.reduce((n, b) => n + b.byteLength, 0));
  const back = unpackMessages(packed);
  back.forEach((m, i) => {
    assert.equal(m.key, messages[i]!.key);
    assert.deepEqual(m.value, expected[i]);
  });
});

test('an empty batch packs to an empty buffer', () => {
  const packed = packMessages([]);
  assert.equal(packed.bytes.byteLength, 0);
  assert.deepEqual(unpackMessages(packed), []);
});
