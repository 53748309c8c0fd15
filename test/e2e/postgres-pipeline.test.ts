// Collector issue 7 on the local stack: SDK → Kafka → `hindsight-collector run` → Postgres.
// Drilldown by correlation id, a poison corpus next to good events, and the audit log's protections.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { Producer } from 'kafkajs';
import { withContext, type Hindsight } from '@hindsight/sdk';
import { HEADERS, exampleAuditEvent, exampleJournalEvent, newEventId, nowTimestamp } from '@hindsight/sdk/contract';
import { CollectorProcess, writeCollectorConfig } from './harness/collector';
import { encodeOtlpSpan, kafkaClient, produceOne, readTopic } from './harness/kafka';
import { startSdk } from './harness/sdk';
import {
  clickHouseDatabase, collectorCli, createPostgres, createTopics, figures, sleep, uniqueSuffix, waitFor,
  type E2eClickHouse, type E2ePostgres, type E2eTopics,
} from './harness/stack';

let topics: E2eTopics;
let pg: E2ePostgres;
let ch: E2eClickHouse;
let collector: CollectorProcess;
let hs: Hindsight;
let producer: Producer;

before(async () => {
  topics = await createTopics('pgp');
  pg = await createPostgres('pgp');
  ch = clickHouseDatabase('pgp');
  const { path } = writeCollectorConfig({ topics, postgresUrl: pg.writerUrl, clickhouse: { url: ch.url, database: ch.database } });
  collector = await CollectorProcess.start(path);
  hs = startSdk('e2e-billing', topics);
  producer = kafkaClient().producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
});

after(async () => {
  await hs?.shutdown();
  await producer?.disconnect();
  const code = await collector?.stop();
  await pg?.drop();
  await ch?.drop();
  assert.equal(code, 0, `collector exit code; logs:\n${collector?.logs.slice(-2000)}`);
});

const count = async (sql: string, params: unknown[]): Promise<number> => Number((await pg.admin.query<{ n: string }>(sql, params)).rows[0]?.n ?? 0);

test('SQL drilldown by correlationId returns the audit and journal events of one request, in order', async () => {
  const correlationId = `req-${uniqueSuffix()}`;
  const tenant = `drill-${uniqueSuffix()}`;
  const expected: Array<{ source: 'audit' | 'journal'; event_id: string }> = [];
  const journal = (kind: string, severity: 'INFO' | 'WARN'): void => {
    const id = hs.journal.emit({ scope: 'component', kind, severity, summary: kind });
    assert.ok(id, 'journal event queued');
    expected.push({ source: 'journal', event_id: id });
  };
  const audit = async (action: string, outcome: 'success' | 'denied'): Promise<void> => {
    const e = await hs.audit.record({ action, actor: { id: 'u-1', type: 'user' }, resource: { type: 'invoice', id: 'inv-9' }, outcome });
    expected.push({ source: 'audit', event_id: e.event_id });
  };
  await withContext({ correlationId, tenant, actor: { id: 'u-1', type: 'user' } }, async () => {
    journal('request.received', 'INFO');
    await sleep(2); // work of the handler between the steps
    await audit('invoice.read', 'success');
    await sleep(2);
    journal('approval.checked', 'WARN');
    await sleep(2);
    await audit('invoice.approve', 'denied');
    await sleep(2);
    await audit('invoice.comment', 'success');
    await sleep(2);
    journal('request.finished', 'INFO');
  });
  // Another request's events in the same tables must not show up in the drilldown.
  await withContext({ correlationId: `other-${uniqueSuffix()}`, tenant }, async () => {
    hs.journal.emit({ scope: 'component', kind: 'noise', severity: 'INFO', summary: 'noise' });
    await hs.audit.record({ action: 'invoice.read', resource: { type: 'invoice', id: 'inv-1' }, outcome: 'success' });
  });
  assert.equal(await hs.flush(), true, 'the SDK flushed everything');

  const reader = new Client({ connectionString: pg.readerUrl });
  await reader.connect();
  try {
    const drilldown = async () =>
      (
        await reader.query<{ source: 'audit' | 'journal'; event_id: string; what: string; seq: string | null }>(
          `SELECT 'audit' AS source, event_id::text, action AS what, seq::text, ts FROM hindsight.audit_event WHERE correlation_id = $1
           UNION ALL
           SELECT 'journal', event_id::text, kind, NULL, ts FROM hindsight.journal_event WHERE correlation_id = $1
           ORDER BY ts, event_id`,
          [correlationId],
        )
      ).rows;
    const rows = await waitFor('the request\'s 6 events in Postgres', async () => {
      const r = await drilldown();
      return r.length >= expected.length ? r : undefined;
    });
    assert.deepEqual(rows.map((r) => ({ source: r.source, event_id: r.event_id })), expected, 'every event once, in the order the request produced them');
    assert.deepEqual(rows.map((r) => r.what), ['request.received', 'invoice.read', 'approval.checked', 'invoice.approve', 'invoice.comment', 'request.finished']);
    assert.deepEqual(rows.filter((r) => r.source === 'audit').map((r) => r.seq), ['1', '2', '3'], 'the tenant\'s chain in request order');
    figures('drilldown', { sent: expected.length, stored: rows.length, duplicates: rows.length - new Set(rows.map((r) => r.event_id)).size });
  } finally {
    await reader.end();
  }
  const verified = await collectorCli(['verify-audit', '--url', pg.readerUrl, '--tenant', tenant]);
  assert.equal(verified.code, 0, verified.stdout + verified.stderr);
  assert.match(verified.stdout, new RegExp(`${tenant}: ok, 4 rows`));
});

test('a poison corpus lands in the DLQ with origin headers while the good events around it are stored', async () => {
  const tenant = `poison-${uniqueSuffix()}`;
  const correlationId = `poison-${uniqueSuffix()}`;
  const good = (): string => JSON.stringify({ ...exampleAuditEvent(), event_id: newEventId(), ts: nowTimestamp(), tenant, correlation_id: correlationId });
  const withoutTenant = (() => {
    const e: Record<string, unknown> = { ...exampleAuditEvent(), event_id: newEventId(), correlation_id: correlationId };
    delete e['tenant'];
    return JSON.stringify(e);
  })();
  // A valid event whose reason holds the bytes C3 28 FF, which are not UTF-8 (JSON text must be UTF-8).
  const template = Buffer.from(JSON.stringify({ ...exampleAuditEvent(), event_id: newEventId(), tenant, correlation_id: correlationId, reason: '@@@' }));
  const at = template.indexOf('@@@');
  const invalidUtf8 = Buffer.concat([template.subarray(0, at), Buffer.from([0xc3, 0x28, 0xff]), template.subarray(at + 3)]);
  const audit: Array<{ name: string; value: Buffer | string; code: string }> = [
    { name: 'malformed JSON', value: '{"event_id": "0190', code: 'JSON_INVALID' },
    { name: 'unknown schema version', value: JSON.stringify({ ...exampleAuditEvent(), event_id: newEventId(), tenant, schema: { name: 'hindsight.audit', version: 99 } }), code: 'CONTRACT_UNKNOWN_VERSION' },
    { name: 'oversized payload', value: JSON.stringify({ ...exampleAuditEvent(), event_id: newEventId(), tenant, reason: 'x'.repeat(70_000) }), code: 'MESSAGE_OVERSIZED' },
    { name: 'invalid UTF-8', value: invalidUtf8, code: 'JSON_INVALID' },
    { name: 'missing tenant', value: withoutTenant, code: 'CONTRACT_INVALID' },
    { name: 'wrong types', value: JSON.stringify({ ...exampleAuditEvent(), event_id: newEventId(), tenant, outcome: 42, actor: { id: 7, type: 'user' } }), code: 'CONTRACT_INVALID' },
  ];
  const sent: Array<{ name: string; topic: string; partition: number; offset: string; value: Buffer; code: string }> = [];
  const goodIds: string[] = [];
  const sendGood = async (): Promise<void> => {
    const text = good();
    goodIds.push((JSON.parse(text) as { event_id: string }).event_id);
    await produceOne(producer, topics.audit, tenant, text);
  };
  await sendGood();
  for (const p of audit) {
    const where = await produceOne(producer, topics.audit, tenant, p.value);
    sent.push({ name: p.name, topic: topics.audit, ...where, value: Buffer.from(p.value), code: p.code });
    await sendGood();
  }
  // Journal topic: an audit event (wrong kind) and a journal event of an unknown schema name.
  const journalGood = { ...exampleJournalEvent(), event_id: newEventId(), ts: nowTimestamp(), tenant, correlation_id: correlationId };
  for (const [name, value, code] of [
    ['audit event on the journal topic', good(), 'CONTRACT_KIND_MISMATCH'],
    ['unknown schema name', JSON.stringify({ ...journalGood, event_id: newEventId(), schema: { name: 'hindsight.metric', version: 1 } }), 'CONTRACT_UNKNOWN_SCHEMA'],
  ] as const) {
    const where = await produceOne(producer, topics.journal, tenant, value);
    sent.push({ name, topic: topics.journal, ...where, value: Buffer.from(value), code });
  }
  await produceOne(producer, topics.journal, tenant, JSON.stringify(journalGood));
  // Spans topic: a truncated OTLP protobuf request between two good ones.
  const spanIds = [randomBytes(8).toString('hex'), randomBytes(8).toString('hex')];
  const span = (spanId: string) => encodeOtlpSpan({ traceId: randomBytes(16).toString('hex'), spanId, name: 'GET /poison', correlationId, service: 'e2e-raw' });
  await produceOne(producer, topics.spans, 'k', span(spanIds[0] as string));
  const full = span(randomBytes(8).toString('hex'));
  const truncated = full.subarray(0, full.length - 7);
  sent.push({ name: 'truncated protobuf', topic: topics.spans, ...(await produceOne(producer, topics.spans, 'k', truncated)), value: truncated, code: 'OTLP_DECODE_FAILED' });
  await produceOne(producer, topics.spans, 'k', span(spanIds[1] as string));

  const dlq = await readTopic(topics.dlq, sent.length);
  const problems: string[] = [];
  for (const s of sent) {
    const letter = dlq.find(
      (m) => m.headers[HEADERS.dlqOriginTopic] === s.topic && m.headers[HEADERS.dlqOriginPartition] === String(s.partition) && m.headers[HEADERS.dlqOriginOffset] === s.offset,
    );
    if (letter === undefined) {
      problems.push(`${s.name}: not in the DLQ (${s.topic}/${s.partition}@${s.offset})`);
      continue;
    }
    if (letter.headers[HEADERS.dlqErrorCode] !== s.code) problems.push(`${s.name}: error code ${letter.headers[HEADERS.dlqErrorCode]}, expected ${s.code} (${letter.headers[HEADERS.dlqErrorMessage]})`);
    if (!letter.value.equals(s.value)) problems.push(`${s.name}: DLQ value differs from the bytes sent`);
    if ((letter.headers[HEADERS.dlqErrorMessage] ?? '') === '') problems.push(`${s.name}: no error message header`);
  }
  assert.deepEqual(problems, [], `DLQ letters:\n${dlq.map((m) => JSON.stringify(m.headers)).join('\n')}`);
  assert.equal(dlq.length, sent.length, 'nothing but the poison messages in the DLQ');

  // The good events interleaved with the poison are stored, each once.
  const stored = await waitFor('the good audit events', async () => {
    const n = await count('SELECT count(*) AS n FROM hindsight.audit_event WHERE tenant = $1', [tenant]);
    return n >= goodIds.length ? n : undefined;
  });
  const ids = (await pg.admin.query<{ id: string }>('SELECT event_id::text AS id FROM hindsight.audit_event WHERE tenant = $1 ORDER BY seq', [tenant])).rows.map((r) => r.id);
  assert.deepEqual(ids, goodIds, 'exactly the good events, in the order they were produced');
  assert.equal(await waitFor('the good journal event', async () => ((await count('SELECT count(*) AS n FROM hindsight.journal_event WHERE event_id = $1', [journalGood.event_id])) === 1 ? 1 : undefined)), 1);
  const spansStored = await waitFor('the good spans in ClickHouse', async () => {
    const r = await ch.client.query({ query: `SELECT span_id FROM spans FINAL WHERE correlation_id = '${correlationId}' ORDER BY span_id`, format: 'JSONEachRow' });
    const rows = (await r.json()) as Array<{ span_id: string }>;
    return rows.length >= 2 ? rows.map((x) => x.span_id) : undefined;
  });
  assert.deepEqual(spansStored, [...spanIds].sort());
  const m = await collector.metrics();
  figures('poison', { poison_sent: sent.length, dlq: dlq.length, good_sent: goodIds.length + 1 + spanIds.length, good_stored: stored + 1 + spansStored.length, dlq_metric: CollectorProcess.sum(m, 'hindsight_dlq_messages_total') });
});

test('audit_event is append-only for the writer role, and a tampered row is found by verify-audit', async () => {
  const tenant = `tamper-${uniqueSuffix()}`;
  for (let i = 0; i < 5; i++) {
    await withContext({ correlationId: `t-${i}`, tenant }, () =>
      hs.audit.record({ action: 'invoice.approve', actor: { id: `u-${i}`, type: 'user' }, resource: { type: 'invoice', id: `inv-${i}` }, outcome: 'success', details: { amount: 10 * i } }),
    );
  }
  await waitFor('5 audit rows', async () => ((await count('SELECT count(*) AS n FROM hindsight.audit_event WHERE tenant = $1', [tenant])) === 5 ? true : undefined));
  const ok = await collectorCli(['verify-audit', '--url', pg.readerUrl, '--tenant', tenant]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);

  const writer = new Client({ connectionString: pg.writerUrl });
  await writer.connect();
  try {
    for (const sql of [
      `UPDATE hindsight.audit_event SET outcome = 'failure' WHERE tenant = '${tenant}' AND seq = 2`,
      `DELETE FROM hindsight.audit_event WHERE tenant = '${tenant}' AND seq = 5`,
      'TRUNCATE hindsight.audit_event',
      'ALTER TABLE hindsight.audit_event DISABLE TRIGGER USER',
    ]) {
      await assert.rejects(writer.query(sql), (e: { code?: string }) => e.code === '42501', `as hindsight_writer: ${sql}`);
    }
  } finally {
    await writer.end();
  }
  // Even a superuser is stopped by the triggers...
  await assert.rejects(pg.admin.query(`UPDATE hindsight.audit_event SET outcome = 'failure' WHERE tenant = $1 AND seq = 3`, [tenant]), /append-only/);
  assert.equal(await count('SELECT count(*) AS n FROM hindsight.audit_event WHERE tenant = $1', [tenant]), 5);
  // ...unless it skips them; the hash chain is what catches that.
  const admin = await pg.admin.connect();
  try {
    await admin.query('SET session_replication_role = replica');
    await admin.query(`UPDATE hindsight.audit_event SET details = '{"amount": 9999}' WHERE tenant = $1 AND seq = 3`, [tenant]);
    await admin.query('SET session_replication_role = origin');
  } finally {
    admin.release();
  }
  const broken = await collectorCli(['verify-audit', '--url', pg.readerUrl, '--tenant', tenant]);
  assert.equal(broken.code, 1, broken.stdout + broken.stderr);
  assert.match(broken.stdout, new RegExp(`${tenant}: BROKEN at seq 3 `));
  figures('tamper', { rows: 5, writer_statements_refused: 4, broken_seq: 3 });
});
