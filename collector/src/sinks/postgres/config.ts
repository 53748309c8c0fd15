import { Type, type Static } from '@sinclair/typebox';
import Ajv from 'ajv';
import { ConfigError } from '../../errors/hindsight-error';

/** Settings of one Postgres sink (`sinks.<name>` with `type: postgres` in the collector's config). */
export const PostgresSinkConfigSchema = Type.Object(
  {
    /**
     * Connection URL the sink connects with, e.g. `postgres://hindsight_writer@db:5432/hindsight`.
     * `HINDSIGHT_POSTGRES_URL` overrides it. A password may also come from PGPASSWORD.
     */
    url: Type.String({ minLength: 1 }),
    /**
     * Role the sink acts as (`SET ROLE` on every new connection), so a login that is a member of
     * several roles still writes with the writer's rights only. Empty string: keep the login's role.
     */
    role: Type.String({ default: 'hindsight_writer' }),
    /** Most connections the sink holds open. */
    poolSize: Type.Integer({ minimum: 1, maximum: 64, default: 4 }),
    /** How long to wait for a new connection before the write is retried. */
    connectTimeoutMs: Type.Integer({ minimum: 100, maximum: 600_000, default: 5_000 }),
    /** Server-side limit per statement; a timed-out write is retried. */
    statementTimeoutMs: Type.Integer({ minimum: 100, maximum: 3_600_000, default: 30_000 }),
    /** Daily journal partitions kept created ahead of today (UTC). */
    partitionDaysAhead: Type.Integer({ minimum: 1, maximum: 366, default: 7 }),
    /** Daily journal partitions created behind today, for late events. */
    partitionDaysBehind: Type.Integer({ minimum: 0, maximum: 366, default: 1 }),
    /** How often the sink re-runs partition creation while it runs. */
    partitionCheckIntervalMs: Type.Integer({ minimum: 1_000, maximum: 86_400_000, default: 3_600_000 }),
    /** `application_name` of the sink's connections, visible in pg_stat_activity. */
    applicationName: Type.String({ minLength: 1, maxLength: 63, default: 'hindsight-collector' }),
  },
  { additionalProperties: false },
);

/** A validated Postgres sink config with every default filled in. */
export type PostgresSinkConfig = Static<typeof PostgresSinkConfigSchema>;

/** What a caller may pass: the URL, anything else optional. */
export type PostgresSinkConfigInput = Partial<PostgresSinkConfig> & { url: string };

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
const validate = ajv.compile<PostgresSinkConfig>(PostgresSinkConfigSchema);

/**
 * Validates `input`, fills defaults, and returns a frozen config. Throws a ConfigError naming the
 * offending key (the config is checked at startup, before anything connects).
 */
export function parsePostgresSinkConfig(input: unknown, path = 'sinks.postgres.options'): Readonly<PostgresSinkConfig> {
  const copy: unknown = input !== null && typeof input === 'object' ? structuredClone(input) : input;
  if (!validate(copy)) {
    const problems = (validate.errors ?? []).map((e) => {
      const where = e.keyword === 'additionalProperties'
        ? `${path}${e.instancePath.replace(/\//g, '.')}.${String(e.params['additionalProperty'])}`
        : `${path}${e.instancePath.replace(/\//g, '.')}`;
      return e.keyword === 'additionalProperties' ? `${where}: unknown key` : `${where}: ${e.message ?? 'invalid'}`;
    });
    throw new ConfigError(`invalid Postgres sink config: ${problems.join('; ')}`);
  }
  return Object.freeze(copy);
}
