import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unitLengthsOnlyStricter } from './ajv';
import { exampleJournalEvent } from './examples';
import { parseContractEvent } from './parse';
import { AuditEventSchema, JournalEventSchema } from './schema';
import { validateJournalEvent } from './validate';

test('the contract schemas qualify for the code-unit length pre-check', () => {
  assert.equal(unitLengthsOnlyStricter(AuditEventSchema), true);
  assert.equal(unitLengthsOnlyStricter(JournalEventSchema), true);
});

test('schemas where code-unit lengths could accept more do not qualify', () => {
  assert.equal(unitLengthsOnlyStricter({ type: 'string', minLength: 2 }), false);
  assert.equal(unitLengthsOnlyStricter({ type: 'object', properties: { a: { not: { type: 'string', maxLength: 3 } } } }), false);
  assert.equal(unitLengthsOnlyStricter({ oneOf: [{ type: 'string', maxLength: 3 }, { type: 'string' }] }), false);
  assert.equal(unitLengthsOnlyStricter({ if: { maxLength: 3 }, then: { pattern: '^a' } }), false);
  assert.equal(unitLengthsOnlyStricter({ type: 'array', items: [{ type: 'string', minLength: 1, maxLength: 3 }], enum: [{ not: 1 }] }), true);
});

test('string limits count code points, also where the pre-check counts more code units', () => {
  const astral = '🎉'; // one code point, two UTF-16 code units
  const at = (summary: string) => ({ ...exampleJournalEvent(), summary });
  // 1024 code points in 2048 code units: over the limit for the pre-check, within it for the contract.
  assert.equal(validateJournalEvent(at(astral.repeat(1024))).ok, true);
  assert.equal(parseContractEvent(Buffer.from(JSON.stringify(at(astral.repeat(1024))))).ok, true);
  assert.equal(parseContractEvent(JSON.stringify(at(`${'x'.repeat(1000)}${astral.repeat(24)}`))).ok, true);
  const over = validateJournalEvent(at(astral.repeat(1025)));
  assert.equal(over.ok, false);
  if (!over.ok) assert.deepEqual(over.errors.map((e) => e.message), ['summary: must be at most 1024 characters']);
  // Unpaired surrogates are refused whatever their count (they have no UTF-8 encoding to store).
  assert.equal(validateJournalEvent(at('\ud800'.repeat(1024))).ok, false);
});
