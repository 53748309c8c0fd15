import { createHash } from 'node:crypto';
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { GENESIS_HASH, canonicalAuditDocument, canonicalJson, chainHash, type AuditChainFields } from './audit-chain';

function fields(overrides: Partial<AuditChainFields> = {}): AuditChainFields {
  return {
    event_id: '0190a5b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b', schema_name: 'hindsight.audit', schema_version: 1,
    ts: '2026-01-02T03:04:05.123456Z', tenant: 'acme', service: 'billing', correlation_id: 'req-1',
    causation_id: null, trace_id: null, span_id: null, actor_id: 'u1', actor_type: 'user',
    action: 'invoice.approve', resource_type: 'invoice', resource_id: 'inv-9', outcome: 'success',
    reason: null, details: { b: 1, a: [true, null, 'x'] }, client_ip: '10.0.0.1', client_user_agent: null, seq: '1',
    ...overrides,
  };
}

test('canonicalJson sorts keys at every depth and drops undefined members', () => {
  assert.equal(canonicalJson({ b: { d: 1, c: 2 }, a: undefined, z: [{ y: 1, x: 'é' }] }), '{"b":{"c":2,"d":1},"z":[{"x":"é","y":1}]}');
});

test('canonicalJson gives the same text for a value and its JSON round trip', () => {
  const value = { n: 0.1 + 0.2, big: 1e21, tiny: 5e-324, s: 'line\nbreak "q"', nested: { k: [1.5, -0] } };
  assert.equal(canonicalJson(JSON.parse(JSON.stringify(value))), canonicalJson(value));
});

test('canonicalJson refuses what JSON cannot carry', () => {
  assert.throws(() => canonicalJson({ x: Number.NaN }), /non-finite/);
  assert.throws(() => canonicalJson({ x: () => 1 }), /cannot serialize a function/);
});

test('the canonical document is exactly the documented spelling', () => {
  assert.equal(
    canonicalAuditDocument(fields()),
    '{"action":"invoice.approve","actor_id":"u1","actor_type":"user","causation_id":null,"chain_version":1,' +
      '"client_ip":"10.0.0.1","client_user_agent":null,"correlation_id":"req-1","details":{"a":[true,null,"x"],"b":1},' +
      '"event_id":"0190a5b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b","outcome":"success","reason":null,"resource_id":"inv-9",' +
      '"resource_type":"invoice","schema_name":"hindsight.audit","schema_version":1,"seq":"1","service":"billing",' +
      '"span_id":null,"tenant":"acme","trace_id":null,"ts":"2026-01-02T03:04:05.123456Z"}',
  );
});

test('chainHash is sha256 of prev_hash followed by the canonical document', () => {
  const f = fields();
  const expected = createHash('sha256').update(Buffer.concat([GENESIS_HASH, Buffer.from(canonicalAuditDocument(f))])).digest();
  assert.deepEqual(chainHash(GENESIS_HASH, f), expected);
  assert.equal(chainHash(GENESIS_HASH, f).length, 32);
});

test('chainHash changes with any field, the seq and the previous hash', () => {
  const base = chainHash(GENESIS_HASH, fields());
  assert.notDeepEqual(chainHash(GENESIS_HASH, fields({ details: { b: 2, a: [true, null, 'x'] } })), base);
  assert.notDeepEqual(chainHash(GENESIS_HASH, fields({ seq: '2' })), base);
  assert.notDeepEqual(chainHash(GENESIS_HASH, fields({ client_ip: null })), base);
  assert.notDeepEqual(chainHash(Buffer.alloc(32, 1), fields()), base);
  // key order of details is irrelevant: jsonb stores keys in its own order
  assert.deepEqual(chainHash(GENESIS_HASH, fields({ details: { a: [true, null, 'x'], b: 1 } })), base);
});
