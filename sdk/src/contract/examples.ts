/**
 * Valid example events, the ones docs/contract.md shows. Tests across the project start from these and
 * change one field at a time, so each test says exactly what it breaks.
 */
import type { AuditEvent, JournalEvent } from './types';

/** A complete, valid `hindsight.audit` v1 event (a fresh copy on each call). */
export function exampleAuditEvent(): AuditEvent {
  return {
    event_id: '0190b5a4-6f1e-7c3a-9b2d-4e5f6a7b8c9d',
    schema: { name: 'hindsight.audit', version: 1 },
    ts: '2026-01-15T10:00:00.123456Z',
    tenant: 'acme',
    service: 'billing-api',
    correlation_id: '0190b5a4-6f00-7000-8000-000000000001',
    causation_id: null,
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    span_id: '00f067aa0ba902b7',
    actor: { id: 'user-42', type: 'user' },
    action: 'invoice.approve',
    resource: { type: 'invoice', id: 'INV-2026-0001' },
    outcome: 'success',
    reason: null,
    details: { amount: 1250, currency: 'EUR', approvers: ['user-42'] },
    client: { ip: '203.0.113.7', user_agent: 'Mozilla/5.0' },
  };
}

/** A complete, valid `hindsight.journal` v1 event (a fresh copy on each call). */
export function exampleJournalEvent(): JournalEvent {
  return {
    event_id: '0190b5a4-6f1e-7c3a-9b2d-4e5f6a7b8c9e',
    schema: { name: 'hindsight.journal', version: 1 },
    ts: '2026-01-15T10:00:01.000001Z',
    tenant: 'acme',
    service: 'nightly-import',
    correlation_id: 'import-2026-01-15',
    causation_id: 'schedule-2026-01-15',
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    span_id: '00f067aa0ba902b7',
    actor: { id: 'scheduler', type: 'system' },
    scope: 'run',
    run_id: 'run-2026-01-15-001',
    kind: 'run.step.failed',
    severity: 'WARN',
    summary: 'Retrying batch 7 of 12 after a timeout',
    details: { batch: 7, attempt: 2 },
    pointers: { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', logs: 'correlation_id=import-2026-01-15' },
  };
}
