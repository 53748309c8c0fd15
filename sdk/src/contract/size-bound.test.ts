import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LIMITS } from './constants';
import { exampleAuditEvent } from './examples';
import { parseContractEvent, serializedSizeBound } from './parse';
import { validateContractEvent } from './validate';

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

test('property: parsing from bytes gives the verdict of validating the parsed value, near the size limits too', () => {
  // Text as producers other than the SDK may write it: escapes, short exponents, spaces, repeated keys.
  const unit = fc.oneof(
    { weight: 60, arbitrary: fc.constantFrom('a', 'é', '東', '😀', '\\"', '\\n', '\\u0001', '\\ud83d\\ude00', '\\/', ' ') },
    // Now and then an escaped unpaired surrogate: refused for what it is, by both paths.
    { weight: 1, arbitrary: fc.constant('\\ud800') },
  );
  const number = fc.constantFrom('1e20', '1E5', '-0', '1.0', '5e-324', '123456789012345678901234', '0.1');
  const member = fc.oneof(
    fc.tuple(fc.string({ unit, minLength: 1, maxLength: 6 }), fc.string({ unit, maxLength: 400 })).map(([k, v]) => `"${k}":"${v}"`),
    fc.tuple(fc.string({ unit, minLength: 1, maxLength: 6 }), fc.array(number, { maxLength: 300 })).map(([k, ns]) => `"${k}" : [ ${ns.join(' , ')} ]`),
  );
  const verdicts = { accepted: 0, refused: 0 };
  fc.assert(
    fc.property(fc.array(member, { minLength: 1, maxLength: 8 }), fc.nat({ max: LIMITS.detailsMaxBytes + 600 }), (members, pad) => {
      // A filler sized to put details anywhere around its limit.
      const details = `{${[...members, `"pad":"${'x'.repeat(pad)}"`].join(',')}}`;
      const base = JSON.stringify({ ...exampleAuditEvent(), details: { n: 0 } });
      const text = base.replace('{"n":0}', details);
      const fromBytes = parseContractEvent(Buffer.from(text));
      let reference;
      try {
        reference = validateContractEvent(JSON.parse(text));
      } catch {
        return; // not JSON: both refuse it, checked elsewhere
      }
      const paths = (r: typeof reference) => (r.ok ? [] : r.errors.map((e) => e.path).sort());
      assert.equal(fromBytes.ok, reference.ok, `${fromBytes.ok ? 'accepted' : JSON.stringify(fromBytes.errors)} from bytes, ${reference.ok ? 'accepted' : JSON.stringify(reference.errors)} validated`);
      assert.deepEqual(paths(fromBytes), paths(reference));
      verdicts[reference.ok ? 'accepted' : 'refused']++;
    }),
    { numRuns: 300 },
  );
  assert.ok(verdicts.accepted > 30 && verdicts.refused > 30, JSON.stringify(verdicts));
});
