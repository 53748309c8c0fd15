/**
 * The `api` section of the collector's configuration: the operator HTTP API. Closed objects, so a
 * misspelt key fails at startup with its path. docs/api.md shows a complete example.
 */
import { Type, type Static } from '@sinclair/typebox';

const closed = { additionalProperties: false } as const;

/** One bearer token and what it may read. */
export const ApiTokenSchema = Type.Object(
  {
    /** Name of the token, shown in logs and recorded as `requested_by` of pins (never the secret). */
    name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' }),
    /** sha256 of the token, lowercase hex: the config file then holds no secret. */
    sha256: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
    /** Alternatively, the name of an environment variable holding the token itself. */
    env: Type.Optional(Type.String({ pattern: '^[A-Z_][A-Z0-9_]{0,127}$' })),
    /** Tenants whose rows the token reads; `['*']` (every tenant) is allowed for admin tokens only. */
    tenants: Type.Array(Type.String({ minLength: 1, maxLength: 128, pattern: '^(\\*|[A-Za-z0-9][A-Za-z0-9._:@/+=-]*)$' }), {
      minItems: 1,
      maxItems: 1000,
      uniqueItems: true,
    }),
    /** Admin scope: run metadata, pin and unpin (and replay, served by the CLI). */
    admin: Type.Boolean({ default: false }),
  },
  closed,
);

/** The live tail (`GET /api/stream`). */
export const ApiStreamSchema = Type.Object(
  {
    /** How often each stream asks Postgres for rows newer than the last one it sent. */
    pollIntervalMs: Type.Integer({ minimum: 50, maximum: 60_000, default: 500 }),
    /** A comment line this often keeps proxies from closing an idle stream. */
    heartbeatMs: Type.Integer({ minimum: 1000, maximum: 300_000, default: 15_000 }),
    /** Open streams at most, over all clients; more get 503 `STREAM_LIMIT`. */
    maxConnections: Type.Integer({ minimum: 1, maximum: 10_000, default: 32 }),
    /**
     * Open streams at most per token, so one client (one tenant's reader, say) cannot take every slot
     * and lock the others out; more get 429 `STREAM_LIMIT`.
     */
    maxPerToken: Type.Integer({ minimum: 1, maximum: 10_000, default: 8 }),
    /** Rows sent per poll at most: a burst is spread over several polls instead of one huge write. */
    maxRowsPerPoll: Type.Integer({ minimum: 1, maximum: 10_000, default: 500 }),
    /** A stream is closed after this long (clients reconnect with Last-Event-ID and lose nothing). */
    maxDurationMs: Type.Integer({ minimum: 1000, maximum: 86_400_000, default: 3_600_000 }),
  },
  { ...closed, default: {} },
);

/** The whole `api` section. */
export const ApiConfigSchema = Type.Object(
  {
    /** Serve the API from the collector process (`hindsight-collector api` serves it regardless). */
    enabled: Type.Boolean({ default: true }),
    host: Type.String({ minLength: 1, default: '127.0.0.1' }),
    /** Its own port, apart from /metrics; 0 picks a free one (tests). */
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 9470 }),
    postgres: Type.Object(
      {
        /** Login of the SELECT-only role `hindsight_reader`: every GET reads through it. */
        readerUrl: Type.String({ minLength: 1 }),
        /** Login of `hindsight_operator` (run metadata, pin/unpin). Without it those endpoints answer 503. */
        operatorUrl: Type.Optional(Type.String({ minLength: 1 })),
        /** Connections per pool. */
        poolSize: Type.Integer({ minimum: 1, maximum: 100, default: 5 }),
        /** Statement timeout of API queries, so one heavy request cannot hold a connection for long. */
        statementTimeoutMs: Type.Integer({ minimum: 100, maximum: 600_000, default: 15_000 }),
      },
      closed,
    ),
    /** Spans and logs for the correlation drilldown; without it timelines hold audit and journal only. */
    clickhouse: Type.Optional(
      Type.Object(
        {
          url: Type.String({ minLength: 1 }),
          database: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,127}$', default: 'hindsight' }),
          username: Type.String({ default: 'default' }),
          password: Type.String({ default: '' }),
        },
        closed,
      ),
    ),
    tokens: Type.Array(ApiTokenSchema, { minItems: 1, maxItems: 1000 }),
    /** Largest `limit` of a page. */
    maxPageSize: Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 }),
    stream: ApiStreamSchema,
  },
  closed,
);

/** A validated, defaulted `api` section. */
export type ApiConfig = Static<typeof ApiConfigSchema>;
/** One configured token. */
export type ApiTokenConfig = Static<typeof ApiTokenSchema>;
