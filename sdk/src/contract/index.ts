/**
 * The Hindsight contract: event schemas, derived types, validation and shared names. Imported by the
 * SDK and, as `@hindsight/sdk/contract`, by the collector. docs/contract.md describes every field.
 */
export {
  TOPICS,
  ATTR,
  HEADERS,
  LIMITS,
  SCHEMA_NAMES,
  CURRENT_SCHEMA_VERSION,
  IDENTIFIER_PATTERN,
  IDENTIFIER_MAX_LENGTH,
  UUID_V7_PATTERN,
  TIMESTAMP_PATTERN,
  isIdentifier,
  type SchemaName,
} from './constants';
export {
  AuditEventSchema,
  JournalEventSchema,
  EnvelopeSchema,
  ActorSchema,
  SchemaRefSchema,
  DetailsSchema,
  PointersSchema,
  SEVERITIES,
  OUTCOMES,
  ACTOR_TYPES,
  JOURNAL_SCOPES,
} from './schema';
export {
  AuditRecordInputSchema,
  JournalEmitInputSchema,
  type Severity,
  type Outcome,
  type ActorType,
  type Actor,
  type SchemaRef,
  type Envelope,
  type AuditEvent,
  type JournalEvent,
  type ContractEvent,
  type ContractViolation,
  type ValidationResult,
  type SerializedEvent,
  type AuditRecordInput,
  type JournalEmitInput,
} from './types';
export { validateAuditEvent, validateJournalEvent, validateContractEvent, serializeAuditEvent, serializeJournalEvent, formatViolations } from './validate';
export { parseContractEvent, encodeContractEvent } from './parse';
export { newEventId, nowTimestamp, nowMicros, nowEpochMicros, formatTimestampMicros, parseTimestampMicros } from './ids';
export { CONTRACT_FIELDS, fieldPaths } from './fields';
export { exampleAuditEvent, exampleJournalEvent } from './examples';
