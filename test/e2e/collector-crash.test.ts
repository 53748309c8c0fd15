// Collector issue 7: kill -9 of `hindsight-collector run` in the middle of a stream of audit events,
// then a restart. Every audit event whose record() resolved is stored exactly once, the chain verifies,
// and the restart really re-read messages the first run had already written (the idempotent path ran).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Hindsight } from '@hindsight/sdk';
import { CollectorProcess, writeCollectorConfig } from './harness/collector';
import { kafkaClient } from './harness/kafka';
import { recordAudits, startSdk } from './harness/sdk';
import { collectorCli, createPostgres, createTopics, figures, sleep, uniqueSuffix, waitFor, type E2ePostgres, type E2eTopics } from './harness/stack';
import { kafkaControl } from '../stack/kafka-control';

let topics: E2eTopics;
let pg: E2ePostgres;
let hs: Hindsight;
const collectors: CollectorProcess[] = [];

before(async () => {
  topics = await createTopics('crash');
  pg = await createPostgres('crash');
  hs = startSdk('e2e-crash', topics);
});

after(async () => {
  await hs?.shutdown();
  for (const c of collectors) await c.stop();
  await pg?.drop();
});

test('kill -9 of the collector mid-stream, then restart: every acked audit event is stored exactly once', async () => {
  const tenant = `crash-${uniqueSuffix()}`;
  const { path, groupPrefix } = writeCollectorConfig({ topics, postgresUrl: pg.writerUrl });
  const first = await CollectorProcess.start(path);
  collectors.push(first);
  const stored = async (): Promise<number> =>
    Number((await pg.admin.query<{ n: string }>('SELECT count(*) AS n FROM hindsight.audit_event WHERE tenant = $1', [tenant])).rows[0]?.n);

  // 1,500 audit events at 250/s; the kill lands in the middle of the stream.
  const load = recordAudits(hs, 1500, { perSecond: 250, concurrency: 8, tenant });
  await waitFor('the first run to store 300 events', async () => ((await stored()) >= 300 ? true : undefined), 30_000, 50);
  // Offset commits fail for a moment (the group coordinator times out), so the kill lands between
  // "written to Postgres" and "offset committed": the window every crash can hit.
  await kafkaControl('push_errors OffsetCommit 64 REQUEST_TIMED_OUT');
  let storedAtKill: number;
  let committedAtKill: number;
  const admin = kafkaClient().admin();
  await admin.connect();
  try {
    await sleep(1500);
    await first.kill9();
    await kafkaControl('clear_errors OffsetCommit');
    storedAtKill = await stored();
    const [offsets] = await admin.fetchOffsets({ groupId: `${groupPrefix}.postgres`, topics: [topics.audit] });
    committedAtKill = (offsets?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
  } finally {
    await kafkaControl('clear_errors OffsetCommit').catch(() => undefined);
    await admin.disconnect();
  }
  assert.equal(first.child.signalCode, 'SIGKILL');
  await sleep(1000); // the stream goes on with no collector running

  const second = await CollectorProcess.start(path);
  collectors.push(second);
  const { acked, rejected } = await load;
  assert.equal(rejected, 0, 'Kafka was up: every record() resolved');
  await waitFor(`all ${acked.length} acked events stored`, async () => ((await stored()) >= acked.length ? true : undefined), 60_000);
  await sleep(1000); // a late duplicate would show up now

  const rows = (await pg.admin.query<{ id: string; n: string }>(
    'SELECT event_id::text AS id, count(*) OVER (PARTITION BY event_id) AS n FROM hindsight.audit_event WHERE tenant = $1',
    [tenant],
  )).rows;
  const ids = new Set(rows.map((r) => r.id));
  const lost = acked.filter((id) => !ids.has(id));
  const duplicates = rows.length - ids.size;
  const unexpected = [...ids].filter((id) => !acked.includes(id));
  const consumedSecond = CollectorProcess.sum(await second.metrics(), 'hindsight_consumer_messages_total', { topic: topics.audit });
  // Messages the second run read that the first had already stored: redelivered, skipped by the sink.
  const redelivered = consumedSecond - (acked.length - storedAtKill);
  figures('kill-9', {
    sent: 1500, acked: acked.length, stored_at_kill: storedAtKill, committed_at_kill: committedAtKill,
    consumed_after_restart: consumedSecond, redelivered, stored: rows.length, duplicates, lost: lost.length,
  });
  assert.deepEqual(lost, [], 'no acked event lost');
  assert.equal(duplicates, 0, 'no event stored twice');
  assert.deepEqual(unexpected, [], 'nothing stored that was not acked');
  assert.ok(storedAtKill < acked.length, 'the kill happened mid-stream');
  assert.ok(storedAtKill > committedAtKill, `events were written but not committed at the kill (${storedAtKill} > ${committedAtKill})`);
  assert.equal(consumedSecond, acked.length - committedAtKill, 'the restart resumed from the committed offsets');
  assert.ok(redelivered > 0, 'the restart re-read events already stored: redelivery happened');
  const seqs = (await pg.admin.query<{ min: string; max: string; n: string }>('SELECT min(seq) AS min, max(seq) AS max, count(*) AS n FROM hindsight.audit_event WHERE tenant = $1', [tenant])).rows[0];
  assert.deepEqual(seqs, { min: '1', max: String(acked.length), n: String(acked.length) }, 'seq 1..n without gaps');
  const verified = await collectorCli(['verify-audit', '--url', pg.readerUrl, '--tenant', tenant]);
  assert.equal(verified.code, 0, verified.stdout + verified.stderr);
});
