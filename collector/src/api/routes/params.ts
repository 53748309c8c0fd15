import { Type } from '@sinclair/typebox';
import { IDENTIFIER_PATTERN } from '@hindsight/sdk/contract';

/**
 * Parameter schemas shared by the routes. Each is as tight as the contract field it filters on, so
 * most malformed or hostile input is refused with a 400 naming the parameter before any query runs.
 */
export const Identifier = Type.String({ minLength: 1, maxLength: 128, pattern: IDENTIFIER_PATTERN });
export const Scope = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z][a-z0-9_.-]*$' });
export const Severity = Type.Union([Type.Literal('DEBUG'), Type.Literal('INFO'), Type.Literal('WARN'), Type.Literal('ERROR')]);
export const Cursor = Type.String({ minLength: 1, maxLength: 400, pattern: '^[A-Za-z0-9_-]+$' });
/** Free text of one line (actor ids, resource ids): bound as a parameter, never part of SQL text. */
export const OneLine = Type.String({ minLength: 1, maxLength: 256, pattern: '^[^\\u0000-\\u001f\\u007f]+$' });
export const ActionLike = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z][A-Za-z0-9_.:/-]*$' });
/** RFC 3339 with an explicit zone, seconds and up to 6 fractional digits. */
export const Rfc3339 = Type.String({
  maxLength: 40,
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?(Z|[+-]\\d{2}:\\d{2})$',
});

/** `limit` of a page; the server's maxPageSize caps it. */
export const limitSchema = (max: number) => Type.Integer({ minimum: 1, maximum: max, default: Math.min(100, max) });

/** Journal filters, shared by `GET /api/journal` and `GET /api/stream`. */
export const journalFilterProperties = {
  tenant: Type.Optional(Identifier),
  scope: Type.Optional(Scope),
  runId: Type.Optional(Identifier),
  correlationId: Type.Optional(Identifier),
  /** Repeat for several: `severity=WARN&severity=ERROR`. */
  severity: Type.Optional(Type.Array(Severity, { minItems: 1, maxItems: 4 })),
  errorsOnly: Type.Optional(Type.Boolean()),
};
