// Scenario 11: the redaction corpus (JWTs, bearer tokens, AWS keys, card numbers, passwords in URLs,
// private keys) sent through the SDK in log messages, log fields (as keys, nested objects, arrays),
// span attributes, audit details and journal details and summaries. Reading every Kafka topic raw (kcat),
// Postgres and ClickHouse must find none of the secrets, while the text around them and the MUST_SURVIVE
// strings arrive (so the data really went through).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withContext } from '@hindsight/sdk';
import { MUST_SURVIVE, REDACTION_CORPUS, findLeaks } from '../../sdk/src/redaction';
import { readTopic } from '../e2e/harness/kafka';
import { recordFigures } from './figures';
import { chNumber, clickHouseDatabase, CollectorProcess, createPostgres, createTopics, printDiagnostics, startStream, uniqueSuffix, waitUntil, writeCollectorConfig } from './harness';

test('redaction corpus: no secret on the Kafka topics, in Postgres or in ClickHouse', { timeout: 240_000 }, async () => {
  const s = uniqueSuffix();
  const topics = await createTopics('f11');
  const pg = await createPostgres('f11');
  const ch = clickHouseDatabase('f11');
  const { path: config } = writeCollectorConfig({ topics, postgresUrl: pg.writerUrl, clickhouse: { url: ch.url, database: ch.database } });
  const stream = await startStream({ topics, service: `redact-${s}`, auditPerS: 0, logsPerS: 0 });
  const { hs } = stream;
  let collector: CollectorProcess | undefined;
  try {
    collector = await CollectorProcess.start(config);
    const corr = `redact-${s}`;
    let logs = 0;
    let audits = 0;
    let journals = 0;
    await withContext({ correlationId: corr, tenant: `redact-${s}` }, async () => {
      for (const [i, e] of REDACTION_CORPUS.entries()) {
        // free text, a sensitive key, nested objects, arrays
        hs.logger.info(e.text);
        hs.logger.warn({ password: e.secret, authorization: e.secret, nested: { deeper: { note: e.text } }, list: [e.text, { inner: e.text }] }, `fields ${i}`);
        logs += 2;
        await hs.span(`redact-${i}`, { 'http.url': e.text }, async () => {
          hs.tracer.startActiveSpan(`child-${i}`, (sp) => {
            sp.setAttribute('note', e.text);
            sp.setAttribute('list', [e.text, 'plain']);
            sp.addEvent('event', { detail: e.text });
            sp.end();
          });
        });
        await hs.audit.record({
          action: 'secret.use',
          resource: { type: 'doc', id: `d-${i}` },
          outcome: 'failure',
          reason: e.text,
          details: { note: e.text, token: e.secret, nested: { list: [e.text, { api_key: e.secret }] } },
        });
        audits++;
        hs.journal.emit({ scope: 'run', runId: `run-${s}`, kind: 'secret.seen', severity: 'WARN', summary: e.text, details: { note: e.text, arr: [e.text] } });
        journals++;
      }
      for (const text of MUST_SURVIVE) {
        hs.logger.info(text);
        logs++;
      }
    });
    assert.ok(await hs.flush(), 'everything acknowledged by Kafka');

    // Kafka, raw, through kcat.
    const rawTopics = [topics.spans, topics.logs, topics.audit, topics.journal];
    const kafkaLeaks: string[] = [];
    let kafkaBytes = 0;
    let kafkaText = '';
    for (const t of rawTopics) {
      const msgs = await readTopic(t, 1);
      for (const m of msgs) {
        kafkaBytes += m.value.length;
        const text = m.value.toString('latin1') + (m.key ?? '') + JSON.stringify(m.headers);
        kafkaText += text;
        kafkaLeaks.push(...findLeaks(text).map((x) => `${t}: ${x}`));
      }
    }

    // The stores, once the collector wrote everything.
    await waitUntil('stores to hold everything', async () => {
      const a = Number((await pg.admin.query<{ n: string }>('SELECT count(*) AS n FROM hindsight.audit_event')).rows[0]?.n);
      const j = Number((await pg.admin.query<{ n: string }>('SELECT count(*) AS n FROM hindsight.journal_event')).rows[0]?.n);
      const l = await chNumber(ch, 'SELECT count() AS n FROM logs');
      return a >= audits && j >= journals && l >= logs;
    }, 120_000).catch(() => undefined); // on timeout the assertions below report the figures
    const pgText = (
      await pg.admin.query<{ t: string }>(
        `SELECT string_agg(t, E'\\n') AS t FROM (SELECT row_to_json(a)::text AS t FROM hindsight.audit_event a UNION ALL SELECT row_to_json(j)::text FROM hindsight.journal_event j UNION ALL SELECT row_to_json(r)::text FROM hindsight.journal_run r) x`,
      )
    ).rows[0]?.t ?? '';
    const chText = (
      await Promise.all(
        ['spans', 'logs'].map(async (table) => (await ch.client.query({ query: `SELECT * FROM ${table}`, format: 'JSONEachRow' })).text()),
      )
    )
      .join('\n')
      .replace(/\\\//g, '/'); // ClickHouse's JSON output escapes '/' as '\/'
    const pgLeaks = findLeaks(pgText);
    const chLeaks = findLeaks(chText);
    // Proof the data arrived: the surrounding text and the look-alikes made it, unchanged.
    const missingContext = REDACTION_CORPUS.flatMap((e) => e.context.filter((c) => c.trim().length > 3 && !pgText.includes(JSON.stringify(c).slice(1, -1)))).slice(0, 5);
    const chMissing = MUST_SURVIVE.filter((t) => !chText.includes(t));
    const spans = await chNumber(ch, 'SELECT count() AS n FROM spans');
    const pass = kafkaLeaks.length === 0 && pgLeaks.length === 0 && chLeaks.length === 0 && chMissing.length === 0 && missingContext.length === 0 && kafkaBytes > 0 && spans > 0;
    recordFigures({
      id: 11,
      scenario: `redaction corpus (${REDACTION_CORPUS.length} secrets in text, keys, nested objects, arrays, span attributes/events, audit, journal)`,
      sent: `${logs} logs, ${spans} spans, ${audits} audit, ${journals} journal`,
      acked: audits,
      stored: `${audits} audit, ${journals} journal, ${logs} CH logs, ${spans} CH spans`,
      duplicates: 0,
      lost: 0,
      criterion: 'findLeaks finds nothing in raw Kafka messages (kcat), Postgres rows, ClickHouse rows; context and MUST_SURVIVE strings stored unchanged',
      notes: `leaks: Kafka ${kafkaLeaks.length}, Postgres ${pgLeaks.length}, ClickHouse ${chLeaks.length}; ${kafkaBytes} Kafka bytes read`,
      pass,
    });
    if (!pass && collector !== undefined) await printDiagnostics(collector, 'scenario 11');
    assert.deepEqual(kafkaLeaks, [], 'no secret on the Kafka topics');
    assert.deepEqual(pgLeaks, [], 'no secret in Postgres');
    assert.deepEqual(chLeaks, [], 'no secret in ClickHouse');
    assert.deepEqual(chMissing, [], `look-alike text stored unchanged in ClickHouse (missing: ${JSON.stringify(chMissing)})`);
    assert.deepEqual(missingContext, [], 'text around the secrets stored in Postgres');
    assert.ok(spans > 0 && kafkaText.length > 0);
  } finally {
    await stream.stop();
    await hs.shutdown();
    await collector?.stop();
    await ch.drop().catch(() => undefined);
    await pg.drop().catch(() => undefined);
  }
});
