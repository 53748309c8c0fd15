import { test } from 'node:test';
import assert from 'node:assert/strict';
import { init } from './init';
import { InMemoryExporter, type ExportBatch, type Exporter } from '../testing';
import { withContext } from '../context';
import { REDACTION_CORPUS, findLeaks } from '../redaction';
import { AuditError } from '../audit/audit-error';
import { HindsightConfigError } from '../options/config-error';
import { ATTR } from '../contract';

const env = {};

test('logs, spans, audit and journal carry the context and reach the exporter', async () => {
  const exporter = new InMemoryExporter();
  const hs = init({ serviceName: 'unit-app', tenant: 'acme', exporter, env, runtimeMetrics: false });
  try {
    let auditPromise!: Promise<unknown>;
    withContext({ correlationId: 'corr-1', tenant: 'globex', actor: { id: 'u-7', type: 'user' } }, () => {
      hs.tracer.startActiveSpan('work', (span) => {
        hs.logger.info({ order: 42 }, 'working');
        auditPromise = hs.audit.record({ action: 'order.create', resource: { type: 'order', id: '42' }, outcome: 'success' });
        hs.journal.emit({ scope: 'run', runId: 'run-1', kind: 'run.started', severity: 'INFO', summary: 'started' });
        span.end();
      });
    });
    const event = (await auditPromise) as { tenant: string; correlation_id: string; trace_id: string; actor: { id: string } };
    assert.equal(event.tenant, 'globex');
    assert.equal(event.correlation_id, 'corr-1');
    assert.equal(event.actor.id, 'u-7');
    assert.equal(await hs.flush(), true);
    const [span] = exporter.spans;
    assert.ok(span);
    assert.equal(span.attributes[ATTR.correlationId], 'corr-1');
    assert.equal(span.attributes[ATTR.tenant], 'globex');
    assert.equal(event.trace_id, span.spanContext().traceId);
    const log = exporter.logs.find((l) => l.record['msg'] === 'working');
    assert.ok(log);
    assert.equal(log.record['trace_id'], span.spanContext().traceId);
    assert.equal(log.record['span_id'], span.spanContext().spanId);
    assert.equal(log.record['correlation_id'], 'corr-1');
    assert.equal(log.record['tenant'], 'globex');
    assert.match(log.logId, /^[0-9a-f-]{36}$/);
    const j = exporter.journal.find((e) => e.kind === 'run.started');
    assert.equal(j?.run_id, 'run-1');
    assert.equal(j?.correlation_id, 'corr-1');
    assert.equal(exporter.audit.length, 1);
  } finally {
    await hs.shutdown();
  }
});

test('an invalid audit event rejects naming the field, and nothing is exported', async () => {
  const exporter = new InMemoryExporter();
  const hs = init({ serviceName: 'unit-app', exporter, env, runtimeMetrics: false });
  try {
    await assert.rejects(
      hs.audit.record({ action: 'x', resource: { type: 'doc', id: '1' }, outcome: 'maybe' as never }),
      (e: unknown) => e instanceof AuditError && e.code === 'AUDIT_INVALID' && /outcome/.test(e.message),
    );
    assert.equal(exporter.audit.length, 0);
  } finally {
    await hs.shutdown();
  }
});

test('audit and journal events are what the input was at the call, whatever the app changes afterwards', async () => {
  const exporter = new InMemoryExporter();
  const hs = init({ serviceName: 'unit-app', exporter, env, runtimeMetrics: false });
  try {
    const input = { action: 'doc.read', resource: { type: 'doc', id: '1' }, outcome: 'success' as const, details: { rows: [1] } };
    const recorded: Array<Promise<unknown>> = [];
    for (const id of ['1', '2', '3']) {
      input.resource.id = id;
      input.details.rows.push(Number(id));
      recorded.push(hs.audit.record(input));
    }
    (input.details as Record<string, unknown>)['ssn'] = 'added later';
    await Promise.all(recorded);
    assert.deepEqual(exporter.audit.map((e) => [e.resource.id, (e.details as { rows: number[] }).rows]), [['1', [1, 1]], ['2', [1, 1, 2]], ['3', [1, 1, 2, 3]]]);
    assert.ok(exporter.audit.every((e) => !('ssn' in (e.details ?? {}))));
    const journalInput = { scope: 'run' as const, kind: 'step', severity: 'INFO' as const, summary: 'first', details: { n: 1 } };
    hs.journal.emit(journalInput);
    journalInput.summary = 'changed';
    journalInput.details.n = 2;
    await hs.flush();
    assert.deepEqual(exporter.journal.map((e) => [e.summary, e.details]), [['first', { n: 1 }]]);
  } finally {
    await hs.shutdown();
  }
});

test('journal pointers are redacted, and an invalid severity is counted under one label, not its own', async () => {
  const exporter = new InMemoryExporter();
  const hs = init({ serviceName: 'unit-app', exporter, env, runtimeMetrics: false });
  try {
    hs.journal.emit({ scope: 'run', kind: 'step', severity: 'INFO', summary: 's', pointers: { report: 'https://reports.example/r/1?access_token=SECRETTOKEN123456', grafana: 'https://grafana.example/d/x' } });
    for (const typo of ['Warn', 'warning', 'FATAL']) hs.journal.emit({ scope: 'run', kind: 'step', severity: typo as never, summary: 's' });
    await hs.flush();
    assert.deepEqual(exporter.journal[0]?.pointers, { report: 'https://reports.example/r/1?access_token=[REDACTED]', grafana: 'https://grafana.example/d/x' });
    const dropped = Object.keys(hs.stats().dropped).filter((k) => k.startsWith('journal/'));
    assert.deepEqual(dropped, ['journal/INVALID/invalid']);
  } finally {
    await hs.shutdown();
  }
});

test('details are redacted and validated as JSON sends them: toJSON results, not the object', async () => {
  const exporter = new InMemoryExporter();
  const hs = init({ serviceName: 'unit-app', exporter, env, runtimeMetrics: false });
  try {
    const body = { toJSON: () => ({ password: 'hunter2-S3cret', note: 'ok' }) };
    await hs.audit.record({ action: 'x', resource: { type: 'doc', id: '1' }, outcome: 'success', details: { body } });
    assert.deepEqual(exporter.audit[0]?.details, { body: { password: '[REDACTED]', note: 'ok' } });
    const nul = { toJSON: () => ({ x: 'a\u0000b' }) };
    await assert.rejects(
      hs.audit.record({ action: 'x', resource: { type: 'doc', id: '2' }, outcome: 'success', details: { nul } }),
      (e: unknown) => e instanceof AuditError && e.code === 'AUDIT_INVALID' && /NUL/.test(e.message),
    );
  } finally {
    await hs.shutdown();
  }
});

test('input no audit event can be built from is refused as invalid at once, not left to time out', async () => {
  const exporter = new InMemoryExporter();
  const hs = init({ serviceName: 'unit-app', exporter, env, runtimeMetrics: false, auditAckTimeoutMs: 10_000 });
  try {
    const started = Date.now();
    await assert.rejects(hs.audit.record(undefined as never), (e: unknown) => e instanceof AuditError && e.code === 'AUDIT_INVALID' && !e.retriable);
    const throwing = { get boom(): never { throw new Error('getter failed'); } };
    await assert.rejects(
      hs.audit.record({ action: 'x', resource: { type: 'doc', id: '1' }, outcome: 'success', details: throwing as never }),
      (e: unknown) => e instanceof AuditError && e.code === 'AUDIT_INVALID' && /getter failed/.test(e.message),
    );
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    await assert.rejects(
      hs.audit.record({ action: 'x', resource: { type: 'doc', id: '1' }, outcome: 'success', details: cyclic }),
      (e: unknown) => e instanceof AuditError && e.code === 'AUDIT_INVALID' && /cycle/.test(e.message),
    );
    assert.ok(Date.now() - started < 2000, `refused after ${Date.now() - started} ms`);
  } finally {
    await hs.shutdown();
  }
});

test('an audit promise nobody awaits never surfaces as an unhandled rejection', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  const exporter = new InMemoryExporter();
  const hs = init({ serviceName: 'unit-app', exporter, env, runtimeMetrics: false });
  try {
    void hs.audit.record({ action: 'x', resource: { type: 'doc', id: '1' }, outcome: 'maybe' as never });
    await hs.flush();
    await hs.shutdown();
    void hs.audit.record({ action: 'x', resource: { type: 'doc', id: '1' }, outcome: 'success' });
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
    await hs.shutdown();
  }
});

test('audit rejects after auditAckTimeoutMs when the exporter keeps failing, and reports it', async () => {
  const exporter = new InMemoryExporter();
  exporter.failWith(new Error('broker down'));
  const failures: string[] = [];
  const hs = init({ serviceName: 'unit-app', exporter, env, runtimeMetrics: false, auditAckTimeoutMs: 300, queues: { flushIntervalMs: 20 }, errorHandler: (_e, src) => failures.push(src) });
  try {
    const started = Date.now();
    await assert.rejects(hs.audit.record({ action: 'doc.read', resource: { type: 'doc', id: '1' }, outcome: 'success' }), (e: unknown) => e instanceof AuditError && e.code === 'AUDIT_TIMEOUT');
    const waited = Date.now() - started;
    assert.ok(waited >= 290 && waited < 2000, `waited ${waited} ms`);
    assert.ok(failures.includes('audit'));
    exporter.recover();
    const ok = await hs.audit.record({ action: 'doc.read', resource: { type: 'doc', id: '2' }, outcome: 'success' });
    assert.equal(ok.resource.id, '2');
    assert.deepEqual(exporter.audit.map((a) => a.resource.id), ['2']);
  } finally {
    await hs.shutdown();
  }
});

test('redaction applies to log fields, log text, span names, attributes and events, audit and journal details', async () => {
  const exporter = new InMemoryExporter();
  const hs = init({ serviceName: 'unit-app', exporter, env, runtimeMetrics: false });
  try {
    for (const entry of REDACTION_CORPUS) {
      hs.logger.info({ note: entry.text, password: 'pw-12345' }, entry.text);
      const span = hs.tracer.startSpan(entry.text, { attributes: { note: entry.text } });
      span.addEvent(entry.text, { note: entry.text });
      span.end();
      hs.journal.emit({ scope: 'system', kind: 'leak.check', severity: 'INFO', summary: 'check', details: { note: entry.text } });
      await hs.audit.record({ action: 'leak.check', resource: { type: 'doc', id: '1' }, outcome: 'success', details: { note: entry.text } });
    }
    await hs.flush();
    const spans = exporter.spans.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events.map((e) => [e.name, e.attributes]) }));
    const out = JSON.stringify([exporter.logs, spans, exporter.audit, exporter.journal]);
    assert.equal(exporter.spans.length, REDACTION_CORPUS.length);
    assert.equal(exporter.logs.length, REDACTION_CORPUS.length);
    assert.deepEqual(findLeaks(out), []);
    assert.ok(!out.includes('pw-12345'));
  } finally {
    await hs.shutdown();
  }
});

test('bad options throw at init naming the option; init twice is refused', async () => {
  assert.throws(() => init({ serviceName: 'x', env }), (e: unknown) => e instanceof HindsightConfigError && e.option === 'kafka.brokers');
  const hs = init({ serviceName: 'x', exporter: new InMemoryExporter(), env, runtimeMetrics: false });
  assert.throws(() => init({ serviceName: 'y', exporter: new InMemoryExporter(), env }), HindsightConfigError);
  await hs.shutdown();
});

test('audit and journal batches hand the exporter the JSON each event was validated as', async () => {
  const exporter = new InMemoryExporter();
  const batches: ExportBatch[] = [];
  const capturing: Exporter = {
    export: (batch) => {
      batches.push(batch);
      return exporter.export(batch);
    },
    forceFlush: () => exporter.forceFlush(),
    shutdown: () => exporter.shutdown(),
  };
  const hs = init({ serviceName: 'unit-app', exporter: capturing, env, runtimeMetrics: false });
  try {
    await hs.audit.record({ action: 'order.create', resource: { type: 'order', id: '42' }, outcome: 'success', details: { note: 'ünïcödé' } });
    hs.journal.emit({ scope: 'run', runId: 'run-1', kind: 'run.started', severity: 'INFO', summary: 'started' });
    assert.equal(await hs.flush(), true);
    for (const kind of ['audit', 'journal'] as const) {
      const sent = batches.filter((b) => b.kind === kind) as Array<Extract<ExportBatch, { kind: 'audit' | 'journal' }>>;
      assert.equal(sent.length, 1, `one ${kind} batch`);
      const [batch] = sent;
      assert.equal(batch!.items.length, 1);
      assert.deepEqual(batch!.json, batch!.items.map((e) => JSON.stringify(e)), `${kind} batch carries each event's JSON`);
    }
    assert.equal(exporter.audit.length, 1);
    assert.equal(exporter.journal.length, 1);
  } finally {
    await hs.shutdown();
  }
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for shedding to stop, flushes, and returns the shedding journal events. */
async function sheddingEvents(hs: ReturnType<typeof init>, exporter: InMemoryExporter) {
  for (let i = 0; i < 300 && hs.stats().shedding; i++) await sleep(10);
  assert.equal(hs.stats().shedding, false, 'shedding stopped');
  assert.equal(await hs.flush(), true);
  const events = exporter.journal.filter((j) => j.kind.startsWith('sdk.shedding.'));
  assert.deepEqual(events.map((j) => j.kind), ['sdk.shedding.started', 'sdk.shedding.stopped']);
  return events;
}

/** A shedding event as the service's own: its tenant and actor, a correlation id of its own, no run or trace. */
function assertServiceOwn(j: { tenant: string; actor: unknown; correlation_id: string; causation_id?: string | null; run_id?: string | null; trace_id?: string | null; span_id?: string | null; kind: string }, foreign: string[]) {
  assert.equal(j.tenant, 'acme', j.kind);
  assert.deepEqual(j.actor, { id: 'unit-app', type: 'service' }, j.kind);
  assert.ok(!foreign.includes(j.correlation_id), `${j.kind} correlation_id ${j.correlation_id}`);
  assert.equal(j.causation_id, null, j.kind);
  assert.equal(j.run_id, null, j.kind);
  assert.equal(j.trace_id, null, j.kind);
  assert.equal(j.span_id, null, j.kind);
}

test('shedding journal events tripped inside a request carry the service identity, not the request context', async () => {
  const exporter = new InMemoryExporter();
  const hs = init({ serviceName: 'unit-app', tenant: 'acme', exporter, env, runtimeMetrics: false, queues: { logs: 16, flushIntervalMs: 10 } });
  try {
    withContext({ correlationId: 'req-corr', causationId: 'req-cause', tenant: 'globex', actor: { id: 'u-7', type: 'user' }, runId: 'req-run' }, () => {
      hs.tracer.startActiveSpan('request', (span) => {
        // One synchronous burst: the queue sheds before the background flush can run.
        for (let i = 0; i < 100; i++) hs.logger.info({ i }, 'bulk info');
        span.end();
      });
    });
    assert.equal(hs.stats().shedding, true);
    for (const j of await sheddingEvents(hs, exporter)) assertServiceOwn(j, ['req-corr']);
  } finally {
    await hs.shutdown();
  }
});

test('shedding journal events carry the service identity when init() itself ran inside a context', async () => {
  const exporter = new InMemoryExporter();
  const hs = withContext({ correlationId: 'init-corr', causationId: 'init-cause', tenant: 'initco', actor: { id: 'deployer', type: 'user' }, runId: 'init-run' }, () =>
    init({ serviceName: 'unit-app', tenant: 'acme', exporter, env, runtimeMetrics: false, queues: { logs: 16, flushIntervalMs: 10 } }));
  try {
    for (let i = 0; i < 100; i++) hs.logger.info({ i }, 'bulk info');
    assert.equal(hs.stats().shedding, true);
    for (const j of await sheddingEvents(hs, exporter)) assertServiceOwn(j, ['init-corr']);
  } finally {
    await hs.shutdown();
  }
});
