/**
 * The contract's JSON Schemas, written once with TypeBox; every event type is derived from them with
 * `Static<>`. Every object rejects unknown fields, except `details`, which is free-form JSON bounded by
 * size, depth and key count (checked in validate.ts, since JSON Schema cannot measure serialized size).
 */
import { Type, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox';
import {
  IDENTIFIER_MAX_LENGTH,
  IDENTIFIER_PATTERN,
  LIMITS,
  SCHEMA_NAMES,
  TIMESTAMP_PATTERN,
  UUID_V7_PATTERN,
} from './constants';

/** A string restricted to `values`; a plain `enum` keeps validation messages readable. */
function stringEnum<const T extends readonly string[]>(values: T, description: string): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], description });
}

/** Allows `null` besides the schema's own type (`type: [t, 'null']`), without anyOf noise in errors. */
function nullable<T extends TSchema>(schema: T): TUnsafe<Static<T> | null> {
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [schema['type'] as string, 'null'] });
}

/**
 * No control characters (text lands in logs, terminals and SQL tools; Postgres refuses NUL) and no
 * unpaired UTF-16 surrogate: it has no UTF-8 encoding, so it would be stored as U+FFFD, not as sent,
 * and an audit row's hash (taken over what was sent) would no longer verify. Ajv compiles patterns
 * with the `u` flag, where a surrogate pair is one code point outside the surrogate range.
 */
const TEXT_PATTERN = '^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f\\ud800-\\udfff]*$';
/** Like TEXT_PATTERN, and on one line. */
const LINE_PATTERN = '^[^\\u0000-\\u001f\\u007f\\ud800-\\udfff]*$';

/** What a refused string of each text pattern must be, for violation messages. */
export const TEXT_PATTERN_MEANINGS: ReadonlyMap<string, string> = new Map([
  [TEXT_PATTERN, 'text without control characters (tab and line breaks allowed) or unpaired UTF-16 surrogates'],
  [LINE_PATTERN, 'one line of text without control characters or unpaired UTF-16 surrogates'],
]);

const identifier = (description: string) =>
  Type.String({ minLength: 1, maxLength: IDENTIFIER_MAX_LENGTH, pattern: IDENTIFIER_PATTERN, description });
const name = (description: string) =>
  Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z][A-Za-z0-9_.:/-]*$', description });
const line = (maxLength: number, description: string) =>
  Type.String({ minLength: 1, maxLength, pattern: LINE_PATTERN, description });

export const SEVERITIES = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export const OUTCOMES = ['success', 'failure', 'denied'] as const;
export const ACTOR_TYPES = ['user', 'service', 'system', 'api'] as const;
/** Journal scopes with an agreed meaning; others matching the scope pattern are allowed. */
export const JOURNAL_SCOPES = ['system', 'run', 'component', 'job', 'request'] as const;

export const SeveritySchema = stringEnum(SEVERITIES, 'a severity');
export const OutcomeSchema = stringEnum(OUTCOMES, 'an outcome');
export const ActorTypeSchema = stringEnum(ACTOR_TYPES, 'an actor type');

export const ActorSchema = Type.Object(
  {
    id: line(256, 'the actor id (user id, service name, API key id)'),
    type: ActorTypeSchema,
  },
  { additionalProperties: false },
);

export const SchemaRefSchema = Type.Object(
  {
    name: stringEnum([SCHEMA_NAMES.audit, SCHEMA_NAMES.journal], 'a schema name'),
    version: Type.Integer({ minimum: 1, maximum: 1000 }),
  },
  { additionalProperties: false },
);

/** Free-form JSON object; bounded in validate.ts by LIMITS.detailsMaxBytes / detailsMaxDepth. */
export const DetailsSchema = Type.Unsafe<Record<string, unknown>>({
  type: 'object',
  maxProperties: LIMITS.detailsMaxKeys,
  description: 'a JSON object',
});

function schemaRef<N extends string, V extends number>(schemaName: N, version: V) {
  return Type.Object(
    { name: Type.Literal(schemaName), version: Type.Literal(version) },
    { additionalProperties: false },
  );
}

/** The envelope's fields, shared by every event kind; `schema` is fixed per kind and version. */
function envelopeProperties<S extends TSchema>(schema: S) {
  return {
    event_id: Type.String({ maxLength: 36, pattern: UUID_V7_PATTERN, description: 'a lowercase UUIDv7' }),
    schema,
    ts: Type.String({
      maxLength: 27,
      pattern: TIMESTAMP_PATTERN,
      format: 'date-time',
      description: 'an RFC 3339 UTC timestamp with 6 fractional digits, e.g. 2026-01-02T03:04:05.123456Z',
    }),
    tenant: identifier('the tenant'),
    service: identifier('the emitting service'),
    correlation_id: identifier('the correlation id'),
    causation_id: Type.Optional(nullable(identifier('the id of the event or request that caused this one'))),
    trace_id: Type.Optional(nullable(Type.String({ pattern: '^(?!0{32}$)[0-9a-f]{32}$', maxLength: 32, description: '32 lowercase hex digits, not all zero' }))),
    span_id: Type.Optional(nullable(Type.String({ pattern: '^(?!0{16}$)[0-9a-f]{16}$', maxLength: 16, description: '16 lowercase hex digits, not all zero' }))),
    actor: ActorSchema,
  };
}

/** The envelope of any known event kind and version (as read before dispatching on `schema`). */
export const EnvelopeSchema = Type.Object(envelopeProperties(SchemaRefSchema), { additionalProperties: false });

export const ResourceSchema = Type.Object(
  { type: name('the resource type, e.g. invoice'), id: line(256, 'the resource id') },
  { additionalProperties: false },
);

export const ClientSchema = Type.Object(
  {
    ip: Type.Optional(nullable(Type.String({ maxLength: 45, format: 'ip', description: 'an IPv4 or IPv6 address' }))),
    user_agent: Type.Optional(nullable(Type.String({ maxLength: 512, pattern: LINE_PATTERN }))),
  },
  { additionalProperties: false },
);

/** `hindsight.audit` version 1. */
export const AuditEventSchema = Type.Object(
  {
    ...envelopeProperties(schemaRef(SCHEMA_NAMES.audit, 1)),
    action: name('the action, e.g. invoice.approve'),
    resource: ResourceSchema,
    outcome: OutcomeSchema,
    reason: Type.Optional(nullable(Type.String({ maxLength: 1024, pattern: TEXT_PATTERN }))),
    details: Type.Optional(DetailsSchema),
    client: Type.Optional(ClientSchema),
  },
  { $id: 'https://hindsight.dev/schemas/hindsight.audit/1', additionalProperties: false },
);

export const JournalScopeSchema = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[a-z][a-z0-9_.-]*$',
  description: 'a lowercase scope such as system, run or component',
});

/** Links from a journal event to traces, logs or dashboards; keys are lowercase names. */
export const PointersSchema = Type.Record(
  Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' }),
  Type.String({ minLength: 1, maxLength: 2048, pattern: LINE_PATTERN }),
  { additionalProperties: false, maxProperties: LIMITS.pointersMaxEntries },
);

/** `hindsight.journal` version 1. */
export const JournalEventSchema = Type.Object(
  {
    ...envelopeProperties(schemaRef(SCHEMA_NAMES.journal, 1)),
    scope: JournalScopeSchema,
    run_id: Type.Optional(nullable(identifier('the run id'))),
    kind: name('what happened, e.g. run.started'),
    severity: SeveritySchema,
    summary: line(1024, 'a one-line summary'),
    details: Type.Optional(DetailsSchema),
    pointers: Type.Optional(PointersSchema),
  },
  { $id: 'https://hindsight.dev/schemas/hindsight.journal/1', additionalProperties: false },
);
