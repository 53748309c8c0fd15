/**
 * A nightly-style reconciliation job, run on demand by `POST /runs/reconcile`. It is the demo's run:
 * its journal has the lifecycle an operator looks for (run started, step progress, a WARN about stale
 * input, an ERROR from a failed step that is then retried, run finished), and everything it does shares
 * one correlation id, so `hindsight trace` shows audit, journal, spans and logs on one timeline.
 */
import { randomBytes } from 'node:crypto';
import { getContext, runJob, type Hindsight, type JournalEmitInput } from '@hindsight/sdk';

export interface ReconcileResult {
  runId: string;
  correlationId: string;
  matched: number;
  unmatched: number;
  /** Journal events accepted by the SDK (the demo waits for this many in Postgres). */
  journalEvents: number;
  auditEvents: number;
}

const STEPS = ['load-payments', 'match-ledger', 'check-refunds', 'post-adjustments'] as const;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runReconciliation(hs: Hindsight, input: { tenants: string[]; orders: number }): Promise<ReconcileResult> {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15);
  const runId = `reconcile-${stamp}-${randomBytes(2).toString('hex')}`;
  let journalEvents = 0;
  const emit = (e: Omit<JournalEmitInput, 'scope'>) => {
    if (hs.journal.emit({ scope: 'run', ...e }) !== undefined) journalEvents++;
  };

  return runJob({ name: 'reconcile', runId, actor: { id: 'scheduler', type: 'system' } }, async () => {
    const correlationId = getContext()?.correlationId ?? runId;
    const payments = Math.max(input.orders, 1);
    emit({ kind: 'run.started', severity: 'INFO', summary: `reconciling ${payments} payments for ${input.tenants.length} tenants`, details: { tenants: input.tenants, steps: STEPS.length } });
    hs.logger.info({ runId, payments }, 'reconciliation started');
    let matched = 0;
    // A handful of payments stay unmatched in any run large enough to have them, as in real ledgers.
    const unmatched = payments >= 10 ? 3 : 0;
    for (const [i, step] of STEPS.entries()) {
      await hs.span(`reconcile.${step}`, { step }, async () => {
        await sleep(20);
        if (step === 'load-payments') {
          // Stale input is worth a WARN: the run goes on, but someone should know.
          emit({ kind: 'input.stale', severity: 'WARN', summary: 'payment feed is 42 s behind; using the last snapshot', details: { lagSeconds: 42 } });
          hs.logger.warn({ runId, lagSeconds: 42 }, 'payment feed lagging, using last snapshot');
        }
        if (step === 'match-ledger') matched = await matchLedger(hs, runId, payments - unmatched, emit);
      });
      emit({ kind: 'step.progress', severity: 'INFO', summary: `step ${i + 1}/${STEPS.length} ${step} done`, details: { step, matched } });
    }
    await hs.audit.record({
      action: 'ledger.reconcile',
      resource: { type: 'run', id: runId },
      outcome: unmatched > 0 ? 'failure' : 'success',
      reason: unmatched > 0 ? `${unmatched} payments could not be matched` : null,
      details: { matched, unmatched },
    });
    emit({ kind: 'run.finished', severity: 'INFO', summary: `reconciliation finished: ${matched} matched, ${unmatched} unmatched`, details: { matched, unmatched } });
    hs.logger.info({ runId, matched, unmatched }, 'reconciliation finished');
    return { runId, correlationId, matched, unmatched, journalEvents, auditEvents: 1 };
  });
}

/** The step that fails once (an ERROR in the journal and a failed span) and succeeds on retry. */
async function matchLedger(hs: Hindsight, runId: string, toMatch: number, emit: (e: Omit<JournalEmitInput, 'scope'>) => void): Promise<number> {
  try {
    await hs.span('ledger.lookup', { attempt: 1 }, async () => {
      await sleep(10);
      throw new Error('ledger connection reset by peer');
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    emit({ kind: 'step.failed', severity: 'ERROR', summary: `match-ledger failed: ${message}; retrying`, details: { step: 'match-ledger', attempt: 1 } });
    hs.logger.error({ runId, err }, 'ledger lookup failed, retrying the step');
  }
  return hs.span('ledger.lookup', { attempt: 2 }, async () => {
    await sleep(15);
    return toMatch;
  });
}
