import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withContext } from '../context';
import { captureCallSite, stampEnvelope, type CallSite } from './event-envelope';

const source = { serviceName: 'billing-api', tenant: 'acme' };
const parts = { kind: 'audit', eventId: 'e-1', ts: '2024-05-01T10:00:00.000000Z', correlationFallback: 'fallback' } as const;

test('outside any context: configured tenant, the fallback correlation id, the service as actor, nulls', () => {
  const site: CallSite = { ctx: undefined, traceId: undefined, spanId: undefined };
  assert.deepEqual(stampEnvelope(site, source, parts), {
    event_id: 'e-1',
    schema: { name: 'hindsight.audit', version: 1 },
    ts: '2024-05-01T10:00:00.000000Z',
    tenant: 'acme',
    service: 'billing-api',
    correlation_id: 'fallback',
    causation_id: null,
    trace_id: null,
    span_id: null,
    actor: { id: 'billing-api', type: 'service' },
  });
});

test('the context wins over the defaults; an actor the caller names wins over the context', () => {
  const site = withContext({ correlationId: 'c-1', causationId: 'c-0', tenant: 'globex', actor: { id: 'u-7', type: 'user' } }, captureCallSite);
  const stamped = stampEnvelope(site, source, { ...parts, kind: 'journal' });
  assert.equal(stamped['tenant'], 'globex');
  assert.equal(stamped['correlation_id'], 'c-1');
  assert.equal(stamped['causation_id'], 'c-0');
  assert.deepEqual(stamped['schema'], { name: 'hindsight.journal', version: 1 });
  assert.deepEqual(stamped['actor'], { id: 'u-7', type: 'user' });
  const named = stampEnvelope(site, source, { ...parts, actor: { id: 'ops', type: 'system' } });
  assert.deepEqual(named['actor'], { id: 'ops', type: 'system' });
});
