import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { CONTRACT_FIELDS, exampleAuditEvent, exampleJournalEvent } from '@hindsight/sdk/contract';
import { AUDIT_INSERT_COLUMNS, JOURNAL_INSERT_COLUMNS, auditRow, columnOf, journalRow } from './rows';

test('every audit contract field is mapped to an inserted column', () => {
  const row = auditRow(exampleAuditEvent());
  for (const path of CONTRACT_FIELDS.audit) {
    const column = columnOf(path);
    assert.ok((AUDIT_INSERT_COLUMNS as readonly string[]).includes(column), `audit field ${path} has no insert column ${column}`);
    assert.ok(column in row, `auditRow() does not fill ${column}`);
  }
});

test('every journal contract field is mapped to an inserted column', () => {
  const row = journalRow(exampleJournalEvent());
  for (const path of CONTRACT_FIELDS.journal) {
    const column = columnOf(path);
    assert.ok((JOURNAL_INSERT_COLUMNS as readonly string[]).includes(column), `journal field ${path} has no insert column ${column}`);
    assert.ok(column in row, `journalRow() does not fill ${column}`);
  }
});

test('auditRow copies nested fields and turns absent optionals into null', () => {
  const e = exampleAuditEvent();
  delete e.client;
  delete e.details;
  const row = auditRow(e);
  assert.equal(row.actor_type, e.actor.type);
  assert.equal(row.resource_id, e.resource.id);
  assert.equal(row.schema_name, 'hindsight.audit');
  assert.equal(row.client_ip, null);
  assert.equal(row.client_user_agent, null);
  assert.equal(row.details, null);
});
