import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { SpanStatusCode } from '@opentelemetry/api';
import { ATTR, UUID_V7_PATTERN } from '../contract';
import { runJob } from './job';
import { getContext, withContext } from './store';
import { setupTracing } from './otel-test-setup';

const exporter = setupTracing();

test('runJob opens a context with a new correlation id, caused by the scheduling request', async () => {
  const seen = await withContext({ correlationId: 'req-1', tenant: 'acme', actor: { id: 'ada', type: 'user' } }, () =>
    runJob({ name: 'reindex' }, async () => {
      await sleep(2);
      return { ...getContext() };
    }));
  assert.match(seen.correlationId ?? '', new RegExp(UUID_V7_PATTERN));
  assert.notEqual(seen.correlationId, 'req-1');
  assert.equal(seen.causationId, 'req-1');
  assert.equal(seen.tenant, 'acme');
  assert.deepEqual(seen.actor, { id: 'ada', type: 'user' });
});

test('runJob takes explicit fields, defaults the actor to the job, and records a span', async () => {
  exporter.reset();
  const seen = await runJob({ name: 'nightly-import', correlationId: 'import-1', tenant: 't1' }, () => ({ ...getContext() }));
  assert.deepEqual(seen, { correlationId: 'import-1', tenant: 't1', actor: { id: 'nightly-import', type: 'system' } });
  const [span] = exporter.getFinishedSpans();
  assert.equal(span?.name, 'job nightly-import');
  assert.equal(span?.attributes[ATTR.correlationId], 'import-1');
});

test('runJob rejects with the job error and marks the span as failed', async () => {
  exporter.reset();
  await assert.rejects(runJob({ name: 'broken' }, async () => {
    throw new Error('disk full');
  }), /disk full/);
  const [span] = exporter.getFinishedSpans();
  assert.equal(span?.status.code, SpanStatusCode.ERROR);
  assert.equal(span?.status.message, 'disk full');
});
