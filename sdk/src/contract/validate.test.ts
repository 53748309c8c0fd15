import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LIMITS } from './constants';
import { exampleAuditEvent, exampleJournalEvent } from './examples';
import { serializeAuditEvent, serializeContractEvent, serializeJournalEvent, validateAuditEvent, validateContractEvent, validateJournalEvent } from './validate';
import { parseContractEvent } from './parse';
import type { ValidationResult } from './types';

/** Asserts a refusal that names `path`, and returns the matching message for further checks. */
function rejectedAt(result: ValidationResult<unknown>, path: string): string {
  assert.equal(result.ok, false, `expected a violation at ${path}`);
  if (result.ok) return '';
  const hit = result.errors.find((e) => e.path === path);
  assert.ok(hit, `no violation at ${path}; got ${JSON.stringify(result.errors)}`);
  assert.ok(hit.message.startsWith(`${path === '' ? '(event)' : path}: `), hit.message);
  return hit.message;
}

const audit = (patch: (e: Record<string, any>) => void) => {
  const e = exampleAuditEvent() as unknown as Record<string, any>;
  patch(e);
  return validateAuditEvent(e);
};
const journal = (patch: (e: Record<string, any>) => void) => {
  const e = exampleJournalEvent() as unknown as Record<string, any>;
  patch(e);
  return validateJournalEvent(e);
};

test('valid audit and journal events pass', () => {
  assert.deepEqual(validateAuditEvent(exampleAuditEvent()), { ok: true, value: exampleAuditEvent() });
  assert.deepEqual(validateJournalEvent(exampleJournalEvent()), { ok: true, value: exampleJournalEvent() });
});

test('optional fields may be absent or null', () => {
  const r = audit((e) => {
    delete e['details'];
    delete e['client'];
    delete e['causation_id'];
    e['trace_id'] = null;
    e['span_id'] = null;
  });
  assert.equal(r.ok, true, JSON.stringify(r));
});

test('unknown top-level and nested fields are rejected', () => {
  rejectedAt(audit((e) => (e['colour'] = 'red')), 'colour');
  rejectedAt(audit((e) => (e['actor'].role = 'admin')), 'actor.role');
  rejectedAt(audit((e) => (e['client'].port = 443)), 'client.port');
  rejectedAt(audit((e) => (e['schema'].minor = 0)), 'schema.minor');
  rejectedAt(journal((e) => (e['pointers'].BadKey = 'x')), 'pointers.BadKey');
});

test('wrong types, bad enums and missing fields name the path', () => {
  assert.match(rejectedAt(audit((e) => (e['tenant'] = 7)), 'tenant'), /must be string/);
  assert.equal(
    rejectedAt(audit((e) => (e['actor'].type = 'robot')), 'actor.type'),
    'actor.type: must be one of user, service, system, api',
  );
  assert.match(rejectedAt(audit((e) => (e['outcome'] = 'ok')), 'outcome'), /success, failure, denied/);
  assert.match(rejectedAt(journal((e) => (e['severity'] = 'info')), 'severity'), /DEBUG, INFO, WARN, ERROR/);
  assert.match(rejectedAt(audit((e) => delete e['resource'].id), 'resource.id'), /is required/);
  assert.match(rejectedAt(journal((e) => delete e['summary']), 'summary'), /is required/);
  assert.match(rejectedAt(audit((e) => (e['reason'] = 5)), 'reason'), /must be string or null/);
});

test('malformed ids, timestamps and addresses are rejected', () => {
  assert.match(rejectedAt(audit((e) => (e['event_id'] = 'not-a-uuid')), 'event_id'), /UUIDv7/);
  // A valid UUIDv4 is still not a v7.
  rejectedAt(audit((e) => (e['event_id'] = '9b2d4e5f-6a7b-4c3a-9b2d-4e5f6a7b8c9d')), 'event_id');
  rejectedAt(audit((e) => (e['ts'] = '2026-01-15T10:00:00.123Z')), 'ts');
  rejectedAt(audit((e) => (e['ts'] = '2026-01-15T10:00:00.123456+01:00')), 'ts');
  rejectedAt(audit((e) => (e['ts'] = '2026-13-45T10:00:00.123456Z')), 'ts');
  rejectedAt(audit((e) => (e['trace_id'] = '0'.repeat(32))), 'trace_id');
  rejectedAt(audit((e) => (e['span_id'] = 'ABCDEF0123456789')), 'span_id');
  rejectedAt(audit((e) => (e['client'].ip = '300.1.1.1')), 'client.ip');
  rejectedAt(audit((e) => (e['correlation_id'] = 'a\r\nSet-Cookie: x')), 'correlation_id');
  rejectedAt(journal((e) => (e['scope'] = 'Run Scope')), 'scope');
});

test('every string is bounded', () => {
  assert.match(rejectedAt(audit((e) => (e['tenant'] = 'a'.repeat(129))), 'tenant'), /at most 128/);
  rejectedAt(audit((e) => (e['actor'].id = 'a'.repeat(257))), 'actor.id');
  rejectedAt(journal((e) => (e['summary'] = 'a'.repeat(1025))), 'summary');
  rejectedAt(audit((e) => (e['tenant'] = '')), 'tenant');
});

test('oversized or too deep details are rejected', () => {
  const big = audit((e) => (e['details'] = { blob: 'x'.repeat(LIMITS.detailsMaxBytes) }));
  assert.match(rejectedAt(big, 'details'), new RegExp(`limit is ${LIMITS.detailsMaxBytes}`));
  let deep: Record<string, unknown> = { leaf: 1 };
  for (let i = 0; i < LIMITS.detailsMaxDepth; i++) deep = { next: deep };
  rejectedAt(journal((e) => (e['details'] = deep)), 'details');
  rejectedAt(audit((e) => (e['details'] = { n: 10n })), 'details');
  rejectedAt(audit((e) => (e['details'] = [1, 2])), 'details');
  const cyclic: Record<string, unknown> = {};
  cyclic['self'] = cyclic;
  rejectedAt(audit((e) => (e['details'] = cyclic)), 'details');
});

test('text Postgres cannot store as sent is refused where it is, with what is wrong', () => {
  // NUL and unpaired surrogates: jsonb refuses both, and a text column would hold U+FFFD instead.
  assert.match(rejectedAt(audit((e) => (e['details'] = { note: 'nul\u0000inside' })), 'details.note'), /NUL \(U\+0000\)/);
  assert.match(rejectedAt(journal((e) => (e['details'] = { rows: [1, { why: 'half \ud83d' }] })), 'details.rows.1.why'), /unpaired UTF-16 surrogate/);
  assert.match(rejectedAt(audit((e) => (e['details'] = { nested: { ['k\udc00']: 1 } })), 'details.nested'), /key "k\\udc00" must not contain an unpaired/);
  assert.match(rejectedAt(audit((e) => (e['reason'] = 'lone \udfff')), 'reason'), /must be text without control characters .* unpaired UTF-16 surrogates/);
  assert.match(rejectedAt(audit((e) => (e['actor'].id = 'u\ud800')), 'actor.id'), /one line of text without control characters or unpaired/);
  rejectedAt(journal((e) => (e['summary'] = '\ud800')), 'summary');
  rejectedAt(journal((e) => (e['pointers'] = { logs: 'x\u0000' })), 'pointers.logs');
  // A pair is one code point, stored as four UTF-8 bytes: accepted everywhere.
  const emoji = '\ud83d\ude00 ü \u2028';
  assert.equal(audit((e) => ((e['reason'] = emoji), (e['actor'].id = emoji), (e['details'] = { [emoji]: [emoji] }))).ok, true);
  // The collector reads the same rules from the wire, where JSON.stringify escaped the surrogate.
  const wire = JSON.stringify({ ...exampleAuditEvent(), reason: 'lone \ud800' });
  assert.ok(wire.includes('lone \\ud800'));
  const refused = parseContractEvent(Buffer.from(wire));
  rejectedAt(refused, 'reason');
});

test('an event over the size limit is rejected even when each part is within its own', () => {
  // Length limits count characters; multi-byte text makes the serialized event outgrow them.
  const pointers: Record<string, string> = {};
  for (let i = 0; i < LIMITS.pointersMaxEntries; i++) pointers[`p${i}`] = '€'.repeat(2048);
  const r = journal((e) => (e['pointers'] = pointers));
  assert.match(rejectedAt(r, ''), new RegExp(`limit is ${LIMITS.eventMaxBytes}`));
  delete pointers['p0'];
  for (let i = 1; i < LIMITS.pointersMaxEntries; i++) pointers[`p${i}`] = 'x'.repeat(2048);
  assert.equal(journal((e) => (e['pointers'] = pointers)).ok, true);
});

test('validateContractEvent dispatches on schema name and version', () => {
  assert.equal(validateContractEvent(exampleAuditEvent()).ok, true);
  assert.equal(validateContractEvent(exampleJournalEvent()).ok, true);
  const v2 = { ...exampleAuditEvent(), schema: { name: 'hindsight.audit', version: 2 } };
  assert.match(rejectedAt(validateContractEvent(v2), 'schema.version'), /unsupported version 2/);
  assert.match(rejectedAt(validateAuditEvent(v2), 'schema.version'), /must be 1/);
  const other = { ...exampleAuditEvent(), schema: { name: 'hindsight.metrics', version: 1 } };
  assert.match(rejectedAt(validateContractEvent(other), 'schema.name'), /unknown schema "hindsight.metrics"/);
  rejectedAt(validateContractEvent({ ...exampleAuditEvent(), schema: undefined }), 'schema');
  // A journal event sent as audit is judged by the audit schema.
  rejectedAt(validateAuditEvent(exampleJournalEvent()), 'schema.name');
});

test('serializing while validating gives the same verdict and messages as validating, and the JSON that is sent', () => {
  const cyclic: Record<string, unknown> = {};
  cyclic['self'] = cyclic;
  const multiByte: Record<string, string> = {};
  for (let i = 0; i < LIMITS.pointersMaxEntries; i++) multiByte[`p${i}`] = '€'.repeat(2048);
  const audits: Array<(e: Record<string, any>) => void> = [
    () => {},
    (e) => (e['details'] = { nested: { list: [1, 'two', null], text: 'ünïcödé 🎉' } }),
    (e) => (e['details'] = { blob: 'x'.repeat(LIMITS.detailsMaxBytes) }),
    (e) => (e['details'] = { blob: '€'.repeat(Math.floor(LIMITS.detailsMaxBytes / 3) + 10) }),
    (e) => (e['details'] = { n: 10n }),
    (e) => (e['details'] = cyclic),
    (e) => (e['outcome'] = 'maybe'),
    (e) => (e['reason'] = 'x'.repeat(100_000)),
  ];
  for (const patch of audits) {
    const e = exampleAuditEvent() as unknown as Record<string, any>;
    patch(e);
    const validated = validateAuditEvent(e);
    const serialized = serializeAuditEvent(e);
    assert.equal(serialized.ok, validated.ok, JSON.stringify(validated.ok ? 'valid' : validated.errors));
    if (serialized.ok) {
      assert.equal(serialized.value.event, e);
      assert.equal(serialized.value.json, JSON.stringify(e));
    } else if (!validated.ok) {
      assert.deepEqual(serialized.errors, validated.errors);
    }
  }
  // The whole event over its size limit while each part is within its own (multi-byte text).
  const e = exampleJournalEvent() as unknown as Record<string, any>;
  e['pointers'] = multiByte;
  const refused = serializeJournalEvent(e);
  assert.match(rejectedAt(refused, ''), new RegExp(`limit is ${LIMITS.eventMaxBytes}`));
  assert.deepEqual(refused, validateJournalEvent(e));
  const ok = serializeContractEvent(exampleJournalEvent());
  assert.ok(ok.ok);
  assert.equal(ok.value.json, JSON.stringify(exampleJournalEvent()));
});
