/**
 * Event types, derived from the schemas in schema.ts (never written twice), and the input shapes the
 * SDK's `audit.record()` and `journal.emit()` take from app code, built from the same field schemas.
 */
import { Type, type Static } from '@sinclair/typebox';
import {
  ActorSchema,
  ActorTypeSchema,
  AuditEventSchema,
  EnvelopeSchema,
  JournalEventSchema,
  OutcomeSchema,
  SchemaRefSchema,
  SeveritySchema,
} from './schema';

export type Severity = Static<typeof SeveritySchema>;
export type Outcome = Static<typeof OutcomeSchema>;
export type ActorType = Static<typeof ActorTypeSchema>;
export type Actor = Static<typeof ActorSchema>;
/** Any known schema name with a version; a concrete event narrows both to literals. */
export type SchemaRef = Static<typeof SchemaRefSchema>;
/** The fields every event carries. */
export type Envelope = Static<typeof EnvelopeSchema>;
/** `hindsight.audit` v1: who did what to which resource, with what outcome. */
export type AuditEvent = Static<typeof AuditEventSchema>;
/** `hindsight.journal` v1: a notable step of a run, component or the system, with a severity. */
export type JournalEvent = Static<typeof JournalEventSchema>;
/** Any event the contract defines. */
export type ContractEvent = AuditEvent | JournalEvent;

/** One reason an event was refused. `message` starts with the path, e.g. `actor.type: must be one of …`. */
export interface ContractViolation {
  /** Dotted field path (`actor.type`), or the empty string for the event as a whole. */
  path: string;
  message: string;
}

/** Validation results are values: `ok` with the typed event, or the list of violations. */
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: ContractViolation[] };

/** A valid event and its JSON text, serialized once while it was validated (the Kafka message value). */
export interface SerializedEvent<T> {
  event: T;
  json: string;
}

const A = AuditEventSchema.properties;
const J = JournalEventSchema.properties;

/**
 * What app code passes to `audit.record()`. The SDK fills the envelope (id, ts, tenant, service,
 * correlation, trace, and the actor from context when omitted).
 */
export const AuditRecordInputSchema = Type.Object(
  {
    action: A.action,
    actor: Type.Optional(ActorSchema),
    resource: A.resource,
    outcome: A.outcome,
    reason: A.reason,
    details: A.details,
    client: A.client,
  },
  { additionalProperties: false },
);
export type AuditRecordInput = Static<typeof AuditRecordInputSchema>;

/** What app code passes to `journal.emit()`; `runId` defaults to the context's run id. */
export const JournalEmitInputSchema = Type.Object(
  {
    scope: J.scope,
    runId: J.run_id,
    kind: J.kind,
    severity: J.severity,
    summary: J.summary,
    details: J.details,
    pointers: J.pointers,
  },
  { additionalProperties: false },
);
export type JournalEmitInput = Static<typeof JournalEmitInputSchema>;
