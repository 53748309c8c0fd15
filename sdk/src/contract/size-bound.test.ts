import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LIMITS } from './constants';
import { exampleAuditEvent } from './examples';
import { parseContractEvent, serializedSizeBound } from './parse';

const reserialized = (text: string) => Buffer.byteLength(JSON.stringify(JSON.parse(text)), 'utf8');

test('serializedSizeBound is never below the size of the re-serialized value', () => {
  const texts = [
    '{"a":1e20,"b":[9e20,-1e20,1e-6,1e9,1.5e300,1E5,-0,1.0]}',
    '[' + Array.from({ length: 2000 }, () => '1e20').join(',') + ']',
    '{"s":"\\u0001\\b\\"\\\\\\ud800\\u00e9\\/","k":"\\ud83d\\ude00 é ✓ 東京"}',
    '{"a":1,"a":2,  "b" : [ 1 , 2 ] }',
    JSON.stringify({ x: 'e'.repeat(5000), y: '1e1e1e'.repeat(500) }),
  ];
  for (const text of texts) {
    const bytes = Buffer.from(text);
    for (const limit of [0, LIMITS.detailsMaxBytes]) {
      assert.ok(serializedSizeBound(bytes, limit) >= reserialized(text), text.slice(0, 40));
    }
  }
});

test('details grown past the limit by exponent numbers are still refused when parsed from bytes', () => {
  // 2 000 × "1e20" is ~10 KB of text but ~44 KB serialized.
  const event = { ...exampleAuditEvent(), details: { n: 0 } };
  const text = JSON.stringify(event).replace('{"n":0}', `{"n":[${Array.from({ length: 2000 }, () => '1e20').join(',')}]}`);
  const result = parseContractEvent(Buffer.from(text));
  assert.equal(result.ok, false);
  if (!result.ok) assert.match(result.errors[0]!.message, /^details: is \d+ bytes serialized; the limit is 16384$/);
});
