import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { encodeContractEvent, formatTimestampMicros } from '@hindsight/sdk/contract';
import { createTestDatabase as createPgDatabase, journalRecord, auditRecord, type TestDatabase as PgDatabase } from '../sinks/postgres/test-database';
import { createTestDatabase as createChDatabase, type TestDatabase as ChDatabase } from '../sinks/clickhouse/test-database';
import { kafkaControl, stackEndpoints, uniqueName } from '../testing/local-stack';
import { replayCommand } from './replay-command';
import type { ReplayReport } from './replay-runner';

/** Runs `hindsight-collector replay <args> --json` in process and returns its report. */
async function replay(args: string[]): Promise<ReplayReport> {
  const out: string[] = [];
  const log = console.log;
  console.log = (line: unknown) => void out.push(String(line));
  try {
    await replayCommand().parseAsync([...args, '--json'], { from: 'user' });
  } finally {
    console.log = log;
  }
  return JSON.parse(out.join('\n')) as ReplayReport;
}

function spanMessage(correlationId: string, names: string[]): Buffer {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'replay-test' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('replay-test');
  for (const name of names) tracer.startSpan(name, { attributes: { 'hindsight.correlation_id': correlationId } }).end();
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans())!);
}

describe('replay from Kafka into Postgres and ClickHouse (local stack)', () => {
  let pg: PgDatabase;
  let ch: ChDatabase;
  let dir: string;
  let config: string;
  const topics = { journal: uniqueName('rp.journal'), audit: uniqueName('rp.audit'), spans: uniqueName('rp.spans') };
  const corrA = uniqueName('corr-a');
  const corrB = uniqueName('corr-b');
  const run = uniqueName('run');
  const old = formatTimestampMicros(BigInt(Date.now() - 3 * 86_400_000) * 1000n);
  const journal = [
    journalRecord(run, 1, { correlation_id: corrA, kind: 'step.started' }),
    journalRecord(run, 2, { correlation_id: corrA, kind: 'step.done' }),
    journalRecord(run, 3, { correlation_id: corrB, kind: 'run.note' }),
    journalRecord(run, 4, { correlation_id: corrB, kind: 'step.old', ts: old }),
  ];
  const audit = [auditRecord(uniqueName('tenant'), 1, { correlation_id: corrA }), auditRecord(uniqueName('tenant'), 2, { correlation_id: corrB })];

  before(async () => {
    const { kafka } = stackEndpoints();
    for (const t of Object.values(topics)) await kafkaControl(`create_topic ${t} 2`);
    pg = await createPgDatabase('replay');
    ch = await createChDatabase('replay');
    const client = new Kafka({ clientId: 'replay-test', brokers: kafka.brokers, logLevel: logLevel.NOTHING });
    const producer = client.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const value = (r: (typeof journal)[number]): Buffer => {
      const encoded = r.kind === 'journal' || r.kind === 'audit' ? encodeContractEvent(r.event) : undefined;
      if (!encoded?.ok) throw new Error('test events must encode');
      return Buffer.from(encoded.value);
    };
    await producer.send({ topic: topics.journal, acks: -1, messages: journal.map((r, i) => ({ key: `k${i}`, value: value(r) })) });
    await producer.send({ topic: topics.audit, acks: -1, messages: audit.map((r, i) => ({ key: `k${i}`, value: value(r) })) });
    await producer.send({
      topic: topics.spans,
      acks: -1,
      messages: [
        { key: 'a', value: spanMessage(corrA, ['GET /a', 'db.query']) },
        { key: 'b', value: spanMessage(corrB, ['GET /b']) },
        { key: 'x', value: Buffer.from('not protobuf at all \u0000\u00ff') },
      ],
    });
    await producer.disconnect();
    dir = mkdtempSync(join(tmpdir(), 'hindsight-replay-'));
    config = join(dir, 'collector.yaml');
    writeFileSync(config, JSON.stringify({
      kafka: { brokers: kafka.brokers, groupPrefix: uniqueName('replay-test'), createTopics: false },
      sources: {
        journal: { topic: topics.journal, kind: 'journal' },
        audit: { topic: topics.audit, kind: 'audit' },
        spans: { topic: topics.spans, kind: 'span' },
      },
      sinks: {
        pg: { type: 'postgres', options: { url: pg.writerUrl, role: '' } },
        ch: { type: 'clickhouse', options: { url: ch.url, database: ch.name, minInsertIntervalMs: 0 } },
      },
      pipelines: { store: { sources: ['journal', 'audit'], sink: 'pg' }, capture: { sources: ['spans'], sink: 'ch' } },
    }));
  });
  after(async () => {
    await pg?.drop();
    await ch?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const pgCount = async (table: string) => Number((await pg.admin.query<{ n: string }>(`SELECT count(*) AS n FROM hindsight.${table}`)).rows[0]?.n);
  const chCount = async () => {
    const rs = await ch.client.query({ query: 'SELECT count() AS n FROM spans FINAL', format: 'JSONEachRow' });
    return Number((await rs.json<{ n: string }>())[0]?.n);
  };

  it('a dry run counts per sink what filters keep, and writes nothing', async () => {
    const all = await replay(['--config', config, '--dry-run']);
    assert.equal(all.messages, 9);
    assert.equal(all.undecodable, 1);
    assert.deepEqual(all.sinks, { pg: { matched: 6, written: 0, rejected: 0 }, ch: { matched: 3, written: 0, rejected: 0 } });
    const byCorr = await replay(['--config', config, '--dry-run', '--correlation-id', corrA]);
    assert.deepEqual([byCorr.sinks['pg']?.matched, byCorr.sinks['ch']?.matched], [3, 2]);
    const byName = await replay(['--config', config, '--dry-run', '--sinks', 'pg', '--name', 'step.*', '--kind', 'journal']);
    assert.deepEqual(Object.keys(byName.sinks), ['pg']);
    assert.equal(byName.sinks['pg']?.matched, 3);
    const byId = await replay(['--config', config, '--dry-run', '--sinks', 'postgres', '--event-id', `${audit[1]!.kind === 'audit' ? audit[1]!.event.event_id : ''}`]);
    assert.equal(byId.sinks['pg']?.matched, 1);
    const recent = await replay(['--config', config, '--dry-run', '--sinks', 'pg', '--from', '1d']);
    assert.equal(recent.sinks['pg']?.matched, 5, 'the journal event of three days ago is left out');
    const lastTwo = await replay(['--config', config, '--dry-run', '--sinks', 'pg', '--kind', 'journal', '--last', '2']);
    assert.equal(lastTwo.sinks['pg']?.matched, 2);
    assert.equal(await pgCount('journal_event'), 0);
    const tables = await ch.client.query({ query: 'SELECT count() AS n FROM system.tables WHERE database = currentDatabase()', format: 'JSONEachRow' });
    assert.equal(Number((await tables.json<{ n: string }>())[0]?.n), 0, 'a dry run does not even start the ClickHouse sink');
  });

  it('replaying twice leaves exactly the rows of replaying once', async () => {
    const first = await replay(['--config', config, '--sinks', 'pg,ch']);
    assert.deepEqual(first.sinks, { pg: { matched: 6, written: 6, rejected: 0 }, ch: { matched: 3, written: 3, rejected: 0 } });
    const once = { journal: await pgCount('journal_event'), audit: await pgCount('audit_event'), spans: await chCount() };
    assert.deepEqual(once, { journal: 4, audit: 2, spans: 3 });
    const runRow = async () => (await pg.admin.query<{ event_count: string }>('SELECT event_count FROM hindsight.journal_run WHERE run_id = $1', [run])).rows[0]?.event_count;
    assert.equal(Number(await runRow()), 4);

    await replay(['--config', config, '--sinks', 'pg,ch']);
    assert.deepEqual({ journal: await pgCount('journal_event'), audit: await pgCount('audit_event'), spans: await chCount() }, once);
    assert.equal(Number(await runRow()), 4, 'run counts are not inflated by the second replay');
    const seqs = await pg.admin.query<{ seq: string }>('SELECT seq FROM hindsight.audit_event ORDER BY tenant, seq');
    assert.deepEqual(seqs.rows.map((r) => Number(r.seq)), [1, 1], 'no audit event chained twice');
  });
});
