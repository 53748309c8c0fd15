// PLACEHOLDER: the agreed public surface of the contract module. To be replaced by the schema-derived
// implementation (TypeBox/JSON Schema + Ajv); names and shapes below are the agreement.
export type Severity = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
export type Outcome = 'success' | 'failure' | 'denied';
export type ActorType = 'user' | 'service' | 'system' | 'api';
export interface Actor { id: string; type: ActorType }
export interface SchemaRef { name: 'hindsight.audit' | 'hindsight.journal'; version: number }
export interface Envelope {
  event_id: string;
  schema: SchemaRef;
  /** RFC 3339 UTC with microseconds, e.g. 2026-11-22T10:00:00.123456Z */
  ts: string;
  tenant: string;
  service: string;
  correlation_id: string;
  causation_id?: string | null;
  trace_id?: string | null;
  span_id?: string | null;
  actor: Actor;
}
export interface AuditEvent extends Envelope {
  action: string;
  resource: { type: string; id: string };
  outcome: Outcome;
  reason?: string | null;
  details?: Record<string, unknown>;
  client?: { ip?: string | null; user_agent?: string | null };
}
export interface JournalEvent extends Envelope {
  scope: string;
  run_id?: string | null;
  kind: string;
  severity: Severity;
  summary: string;
  details?: Record<string, unknown>;
  pointers?: Record<string, string>;
}
export type ContractEvent = AuditEvent | JournalEvent;
export interface ContractViolation { path: string; message: string }
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: ContractViolation[] };
export declare function validateAuditEvent(value: unknown): ValidationResult<AuditEvent>;
export declare function validateJournalEvent(value: unknown): ValidationResult<JournalEvent>;
/** Parses bytes from Kafka: size limit, JSON, dispatch on schema name, known version, validation. */
export declare function parseContractEvent(bytes: Buffer | string): ValidationResult<ContractEvent>;
export declare function newEventId(): string;
export declare const TOPICS: { spans: 'otlp_spans'; logs: 'otlp_logs'; audit: 'hindsight.audit'; journal: 'hindsight.journal'; dlq: 'hindsight.dlq' };
export declare const ATTR: { correlationId: string; causationId: string; tenant: string; actorId: string; actorType: string; runId: string };
export declare const LIMITS: { eventMaxBytes: number; detailsMaxBytes: number };
