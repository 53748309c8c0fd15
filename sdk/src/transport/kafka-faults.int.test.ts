// Overload shedding and a broker outage, on the local stack's mock Kafka, read back with kcat.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadStackEndpoints } from '../../../test/stack/endpoints';
import { kafkaControl } from '../../../test/stack/kafka-control';
import { init } from '..';
import { AuditError } from '../audit/audit-error';

const brokers = loadStackEndpoints().kafka.brokers;

function makeTopics() {
  const s = randomBytes(4).toString('hex');
  return { spans: `flt-spans-${s}`, logs: `flt-logs-${s}`, audit: `flt-audit-${s}`, journal: `flt-journal-${s}` };
}

/** Message values of a topic, read by kcat, one JSON or protobuf blob each. */
function readValues(topic: string): Buffer[] {
  const raw = execFileSync('kcat', ['-C', '-b', brokers.join(','), '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%R%s']);
  const out: Buffer[] = [];
  for (let i = 0; i < raw.length; ) {
    const n = raw.readInt32BE(i);
    out.push(raw.subarray(i + 4, i + 4 + n));
    i += 4 + n;
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('overload sheds INFO logs first, keeps every WARN, counts drops and journals start and stop', async () => {
  const topics = makeTopics();
  for (const t of Object.values(topics)) await kafkaControl(`create_topic ${t} 1`);
  const hs = init({ serviceName: 'sdk-overload', kafka: { brokers, topics }, queues: { logs: 64, flushIntervalMs: 100 }, env: {} });
  try {
    // One synchronous burst: the background flush cannot run until it ends, so the queue must shed.
    for (let i = 0; i < 1000; i++) {
      hs.logger.info({ i }, 'bulk info');
      if (i % 20 === 0) hs.logger.warn({ i }, 'important warn');
    }
    const stats = hs.stats();
    assert.equal(stats.shedding, true);
    const infoDropped = (stats.dropped['logs/INFO/queue_full'] ?? 0) + (stats.dropped['logs/INFO/evicted'] ?? 0);
    assert.ok(infoDropped >= 900, JSON.stringify(stats.dropped));
    assert.equal(stats.dropped['logs/WARN/queue_full'], undefined);
    const metrics = await hs.metricsText();
    assert.match(metrics, /hindsight_sdk_dropped_total\{[^}]*kind="logs"[^}]*level="INFO"[^}]*\} \d+/);
    assert.equal(await hs.flush(), true);
    // Shedding stops after a quiet interval with calm queues.
    for (let i = 0; i < 50 && hs.stats().shedding; i++) await sleep(100);
    assert.equal(hs.stats().shedding, false);
    await hs.flush();

    const logText = Buffer.concat(readValues(topics.logs)).toString('latin1');
    assert.equal(logText.split('important warn').length - 1, 50, 'every WARN reached Kafka');
    const infos = logText.split('bulk info').length - 1;
    assert.ok(infos > 0 && infos <= 64, `INFO kept: ${infos}`);
    const journal = readValues(topics.journal).map((v) => JSON.parse(v.toString()) as { kind: string; severity: string });
    assert.deepEqual(journal.filter((j) => j.kind.startsWith('sdk.shedding')).map((j) => [j.kind, j.severity]), [
      ['sdk.shedding.started', 'WARN'],
      ['sdk.shedding.stopped', 'INFO'],
    ]);
  } finally {
    await hs.shutdown();
  }
});

test('Kafka down: audit.record rejects with AUDIT_TIMEOUT after auditAckTimeoutMs, and succeeds again once it is back', async () => {
  const topics = makeTopics();
  for (const t of Object.values(topics)) await kafkaControl(`create_topic ${t} 1`);
  // Pin the audit partition on broker 3 and take only that broker down, to spare other tests' topics.
  await kafkaControl(`leader ${topics.audit} 0 3`);
  const hs = init({ serviceName: 'sdk-outage', kafka: { brokers, topics }, auditAckTimeoutMs: 1500, queues: { flushIntervalMs: 50 }, env: {} });
  try {
    const warm = await hs.audit.record({ action: 'doc.read', resource: { type: 'doc', id: 'warm' }, outcome: 'success' });
    assert.equal(warm.resource.id, 'warm');
    await kafkaControl('broker_down 3');
    const started = Date.now();
    await assert.rejects(
      hs.audit.record({ action: 'doc.read', resource: { type: 'doc', id: 'during' }, outcome: 'success' }),
      (e: unknown) => e instanceof AuditError && e.code === 'AUDIT_TIMEOUT',
    );
    const waited = Date.now() - started;
    assert.ok(waited >= 1400 && waited < 4000, `rejected after ${waited} ms`);
  } finally {
    await kafkaControl('broker_up 3');
  }
  try {
    const back = await hs.audit.record({ action: 'doc.read', resource: { type: 'doc', id: 'after' }, outcome: 'success' });
    assert.equal(back.resource.id, 'after');
    const ids = readValues(topics.audit).map((v) => (JSON.parse(v.toString()) as { resource: { id: string } }).resource.id);
    assert.ok(ids.includes('warm') && ids.includes('after'), ids.join(','));
    assert.equal(ids.indexOf('warm'), 0);
  } finally {
    await hs.shutdown();
  }
});

test('a batch the broker refuses for good (MESSAGE_TOO_LARGE) is rejected at once and does not hold its lane', async () => {
  const topics = makeTopics();
  for (const t of Object.values(topics)) await kafkaControl(`create_topic ${t} 1`);
  const hs = init({ serviceName: 'sdk-refused', kafka: { brokers, topics }, auditAckTimeoutMs: 8000, queues: { flushIntervalMs: 50 }, env: {} });
  try {
    await hs.audit.record({ action: 'doc.read', resource: { type: 'doc', id: 'warm' }, outcome: 'success' });
    await kafkaControl('push_errors Produce 1 MSG_SIZE_TOO_LARGE');
    const started = Date.now();
    await assert.rejects(
      hs.audit.record({ action: 'doc.read', resource: { type: 'doc', id: 'refused' }, outcome: 'success' }),
      (e: unknown) => e instanceof AuditError && e.code === 'AUDIT_REJECTED' && !e.retriable,
    );
    const waited = Date.now() - started;
    assert.ok(waited < 4000, `rejected after ${waited} ms, not at the ack deadline`);
    const next = await hs.audit.record({ action: 'doc.read', resource: { type: 'doc', id: 'next' }, outcome: 'success' });
    assert.equal(next.resource.id, 'next');
    const ids = readValues(topics.audit).map((v) => (JSON.parse(v.toString()) as { resource: { id: string } }).resource.id);
    assert.deepEqual(ids, ['warm', 'next'], 'the refused event is not in Kafka; the next one went through');
  } finally {
    await kafkaControl('clear_errors Produce').catch(() => undefined);
    await hs.shutdown();
  }
});
