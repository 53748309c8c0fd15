import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LIMITS } from './constants';
import { exampleAuditEvent, exampleJournalEvent } from './examples';
import { encodeContractEvent, parseContractEvent } from './parse';

function firstError(result: ReturnType<typeof parseContractEvent>): { path: string; message: string } {
  assert.equal(result.ok, false);
  if (result.ok) throw new Error('unreachable');
  return result.errors[0] as { path: string; message: string };
}

test('parses valid audit and journal events from bytes and strings', () => {
  const audit = parseContractEvent(Buffer.from(JSON.stringify(exampleAuditEvent())));
  assert.deepEqual(audit, { ok: true, value: exampleAuditEvent() });
  const journal = parseContractEvent(JSON.stringify(exampleJournalEvent()));
  assert.deepEqual(journal, { ok: true, value: exampleJournalEvent() });
});

test('invalid JSON is reported, not thrown', () => {
  const e = firstError(parseContractEvent('{"event_id": '));
  assert.equal(e.path, '');
  assert.match(e.message, /^\(event\): invalid JSON/);
});

test('JSON that is not an object is rejected', () => {
  for (const text of ['[]', '"audit"', '42', 'null']) {
    assert.match(firstError(parseContractEvent(text)).message, /must be a JSON object/, text);
  }
});

test('oversized messages are refused before parsing', () => {
  // Not even JSON: proves the size check runs first.
  const e = firstError(parseContractEvent(Buffer.alloc(LIMITS.eventMaxBytes + 1, 0x7b)));
  assert.match(e.message, new RegExp(`${LIMITS.eventMaxBytes + 1} bytes; the limit is ${LIMITS.eventMaxBytes}`));
});

test('unknown schema name or version names schema.name or schema.version', () => {
  const v9 = { ...exampleJournalEvent(), schema: { name: 'hindsight.journal', version: 9 } };
  assert.equal(firstError(parseContractEvent(JSON.stringify(v9))).path, 'schema.version');
  const other = { ...exampleJournalEvent(), schema: { name: 'hindsight.unknown', version: 1 } };
  assert.equal(firstError(parseContractEvent(JSON.stringify(other))).path, 'schema.name');
  const noSchema: Record<string, unknown> = { ...exampleJournalEvent() };
  delete noSchema['schema'];
  assert.equal(firstError(parseContractEvent(JSON.stringify(noSchema))).path, 'schema');
});

test('validation violations come through with their paths', () => {
  const bad = { ...exampleAuditEvent(), actor: { id: 'u', type: 'robot' }, extra: true };
  const result = parseContractEvent(JSON.stringify(bad));
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.deepEqual(result.errors.map((e) => e.path).sort(), ['actor.type', 'extra']);
});

test('encodeContractEvent serializes only valid events', () => {
  const good = encodeContractEvent(exampleAuditEvent());
  assert.equal(good.ok, true);
  if (good.ok) assert.deepEqual(JSON.parse(good.value), exampleAuditEvent());
  const bad = encodeContractEvent({ ...exampleAuditEvent(), outcome: 'maybe' as 'success' });
  assert.equal(bad.ok, false);
});

test('invalid UTF-8 is refused as invalid JSON instead of being decoded to U+FFFD and accepted', () => {
  const template = Buffer.from(JSON.stringify({ ...exampleAuditEvent(), reason: '@@@' }));
  const at = template.indexOf('@@@');
  const bytes = Buffer.concat([template.subarray(0, at), Buffer.from([0xc3, 0x28, 0xff]), template.subarray(at + 3)]);
  const e = firstError(parseContractEvent(bytes));
  assert.equal(e.path, '');
  assert.match(e.message, /invalid JSON \(the bytes are not valid UTF-8\)/);
  // Valid multi-byte UTF-8 still parses.
  assert.equal(parseContractEvent(Buffer.from(JSON.stringify({ ...exampleAuditEvent(), reason: 'Zürich ✓ 東京' }))).ok, true);
});
