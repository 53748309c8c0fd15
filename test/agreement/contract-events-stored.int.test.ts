/**
 * What the SDK accepts, the audit log and the journal store as it was sent. Generated audit and journal
 * inputs (free text and `details` of any Unicode, NUL and lone surrogates included, JSON numbers of
 * any size) go through the real SDK (`init` with an in-memory exporter, so redaction and validation run
 * as in an app), and every event it accepts is decoded by the collector and written by the Postgres
 * sink to the stack's Postgres. An accepted event must be stored whole (never refused by the server),
 * read back equal, and keep its tenant's hash chain verifiable; an event the SDK refuses must be
 * refused with a message naming the field. Without this, an app's `audit.record()` could resolve for
 * an event the collector then dead-letters, or store one whose chain no longer verifies.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { init, withContext, type Hindsight } from '@hindsight/sdk';
import { InMemoryExporter } from '@hindsight/sdk/testing';
import type { AuditRecordInput, JournalEmitInput } from '@hindsight/sdk/contract';
import { decodeMessage } from '../../collector/src/decoding/decode-message';
import type { SinkRecord } from '../../collector/src/sinks/records';
import { createPostgresSink, type PostgresSink } from '../../collector/src/sinks/postgres/postgres-sink';
import { createTestDatabase, uniqueId, type TestDatabase } from '../../collector/src/sinks/postgres/test-database';
import { verifyAudit } from '../../collector/src/sinks/postgres/verify-audit';

/**
 * Any code point but controls, with the characters storage most often mishandles drawn often; now and
 * then one the contract must refuse (NUL, an unpaired surrogate, a control character).
 */
const storableUnit = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => !/[\u0000-\u001f\u007f]/.test(c)) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
  { weight: 3, arbitrary: fc.constantFrom('\\', '"', "'", ',', '\u2028', '\u0085', 'é', '😀', '\ufeff', '\ud83d\ude00') },
);
const unit = fc.oneof(
  { weight: 120, arbitrary: storableUnit },
  { weight: 1, arbitrary: fc.constantFrom('\u0000', '\ud800', '\udfff', '\u0007', '\t', '\n', '\u007f') },
);
const text = (maxLength: number) => fc.string({ unit, minLength: 1, maxLength });
const details = fc.dictionary(fc.string({ unit, maxLength: 12 }), fc.jsonValue({ stringUnit: unit, maxDepth: 3 }), { maxKeys: 6 });

const auditInput: fc.Arbitrary<AuditRecordInput> = fc.record(
  {
    action: fc.constant('invoice.approve'),
    actor: fc.record({ id: text(40), type: fc.constant('user' as const) }),
    resource: fc.record({ type: fc.constant('invoice'), id: text(40) }),
    outcome: fc.constantFrom('success' as const, 'failure' as const, 'denied' as const),
    reason: fc.option(text(80), { nil: null }),
    details,
    client: fc.record({ user_agent: fc.option(text(60), { nil: null }) }),
  },
  { requiredKeys: ['action', 'actor', 'resource', 'outcome'] },
);

const journalInput: fc.Arbitrary<JournalEmitInput> = fc.record(
  {
    scope: fc.constant('run'),
    runId: fc.constant('run-property'),
    kind: fc.constant('run.step'),
    severity: fc.constantFrom('DEBUG' as const, 'INFO' as const, 'WARN' as const, 'ERROR' as const),
    summary: text(80),
    details,
    pointers: fc.dictionary(fc.constantFrom('logs', 'trace', 'dashboard'), text(60), { maxKeys: 2 }),
  },
  { requiredKeys: ['scope', 'kind', 'severity', 'summary'] },
);

/** The Kafka message an SDK event becomes (its JSON text), decoded by the collector as a consumer would. */
function consumed(event: object, kind: 'audit' | 'journal', offset: number): SinkRecord {
  const decoded = decodeMessage(Buffer.from(JSON.stringify(event)), { kind, maxMessageBytes: 1 << 20 }, { topic: `hindsight.${kind}`, partition: 0, offset: String(offset) });
  assert.ok(decoded.ok, `the collector refused an event the SDK accepted: ${decoded.ok ? '' : decoded.error.message}\n${JSON.stringify(event)}`);
  return decoded.records[0]!;
}

describe('events the SDK accepts are stored as sent', () => {
  let db: TestDatabase;
  let sink: PostgresSink;
  let hs: Hindsight;
  const exporter = new InMemoryExporter();
  let offset = 0;
  before(async () => {
    db = await createTestDatabase('sdkprop');
    sink = createPostgresSink({ url: db.writerUrl }, 'pg-property');
    await sink.start();
    hs = init({ serviceName: 'property-app', tenant: 'acme', exporter, env: {}, runtimeMetrics: false });
  });
  after(async () => {
    await hs?.shutdown();
    await sink?.shutdown();
    await db?.drop();
  });

  it('audit events: accepted ones are stored whole with a verifiable chain, refused ones name their field', async () => {
    let accepted = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(auditInput, { minLength: 1, maxLength: 6 }), async (inputs) => {
        exporter.reset();
        const tenant = uniqueId('t');
        const outcomes = await Promise.allSettled(inputs.map((input) => withContext({ tenant }, () => hs.audit.record(input))));
        for (const o of outcomes) {
          if (o.status === 'fulfilled') continue;
          refused++;
          const error = o.reason as { code?: string; message: string };
          assert.equal(error.code, 'AUDIT_INVALID', error.message);
          assert.match(error.message, /\b(actor\.id|resource\.id|reason|details|client\.user_agent)\b/);
        }
        const records = exporter.audit.map((event) => consumed(event, 'audit', ++offset));
        accepted += records.length;
        if (records.length === 0) return;
        assert.deepEqual(await sink.write(records), { status: 'written' });
        const { rows } = await db.admin.query(
          'SELECT event_id::text, actor_id, resource_id, reason, details, client_user_agent FROM hindsight.audit_event WHERE tenant = $1 ORDER BY seq', [tenant]);
        assert.deepEqual(rows, exporter.audit.map((e) => {
          const sent = JSON.parse(JSON.stringify(e)) as typeof e;
          return { event_id: sent.event_id, actor_id: sent.actor.id, resource_id: sent.resource.id, reason: sent.reason ?? null, details: sent.details ?? null, client_user_agent: sent.client?.user_agent ?? null };
        }));
        const verdict = await verifyAudit({ connectionString: db.readerUrl, tenant });
        assert.ok(verdict.ok, JSON.stringify(verdict.tenants));
      }),
      { numRuns: 150 },
    );
    // Both branches ran: the generator reaches what the contract refuses and what it takes.
    assert.ok(accepted > 50 && refused > 10, `accepted ${accepted}, refused ${refused}`);
  });

  it('journal events: accepted ones are stored whole', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(journalInput, { minLength: 1, maxLength: 6 }), async (inputs) => {
        exporter.reset();
        const correlationId = uniqueId('corr');
        withContext({ correlationId }, () => inputs.forEach((input) => hs.journal.emit(input)));
        assert.equal(await hs.flush(), true);
        const records = exporter.journal.map((event) => consumed(event, 'journal', ++offset));
        accepted += records.length;
        if (records.length === 0) return;
        assert.deepEqual(await sink.write(records), { status: 'written' });
        const { rows } = await db.admin.query(
          'SELECT event_id::text, summary, details, pointers FROM hindsight.journal_event WHERE correlation_id = $1 ORDER BY ts, event_id', [correlationId]);
        const sent = exporter.journal.map((e) => JSON.parse(JSON.stringify(e)) as typeof e);
        assert.deepEqual(
          [...rows].sort((a, b) => a.event_id.localeCompare(b.event_id)),
          sent.map((e) => ({ event_id: e.event_id, summary: e.summary, details: e.details ?? null, pointers: e.pointers ?? null })).sort((a, b) => a.event_id.localeCompare(b.event_id)),
        );
      }),
      { numRuns: 150 },
    );
    assert.ok(accepted > 50, `accepted ${accepted}`);
  });
});
