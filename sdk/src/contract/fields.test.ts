import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONTRACT_FIELDS } from './fields';
import { exampleAuditEvent, exampleJournalEvent } from './examples';

/** Leaf paths of a concrete event, treating details and pointers as single fields. */
function pathsOf(value: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(value).flatMap(([k, v]) => {
    const path = prefix === '' ? k : `${prefix}.${k}`;
    const opaque = path === 'details' || path === 'pointers';
    return v !== null && typeof v === 'object' && !opaque ? pathsOf(v as Record<string, unknown>, path) : [path];
  });
}

test('CONTRACT_FIELDS lists every field of the example events, and only those', () => {
  // The examples fill every optional field, so their paths are the whole contract.
  assert.deepEqual([...CONTRACT_FIELDS.audit].sort(), pathsOf(exampleAuditEvent()).sort());
  assert.deepEqual([...CONTRACT_FIELDS.journal].sort(), pathsOf(exampleJournalEvent()).sort());
  assert.ok(CONTRACT_FIELDS.audit.includes('actor.type'));
  assert.ok(CONTRACT_FIELDS.journal.includes('schema.version'));
});
