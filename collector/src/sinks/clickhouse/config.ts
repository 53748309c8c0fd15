import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ConfigError } from '../../errors/hindsight-error';

/** Configuration of the `clickhouse` sink (the `sinks.<name>` block of the collector's YAML). */
export const ClickHouseSinkConfigSchema = Type.Object(
  {
    url: Type.String({ default: 'http://127.0.0.1:8123', description: 'HTTP endpoint of ClickHouse. Default http://127.0.0.1:8123.' }),
    database: Type.String({
      pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$',
      default: 'hindsight',
      description: 'Database holding the tables; created at start when missing. Default hindsight.',
    }),
    username: Type.String({ default: 'default', description: 'ClickHouse user. Default "default".' }),
    password: Type.String({ default: '', description: 'Password of the user. Default empty.' }),
    requestTimeoutMs: Type.Integer({ minimum: 100, default: 30_000, description: 'Per request; a timeout is retried. Default 30000.' }),
    migrate: Type.Boolean({ default: true, description: 'Apply the SQL migrations at start (idempotent). Default true.' }),
    minInsertIntervalMs: Type.Integer({
      minimum: 0,
      default: 1000,
      description:
        'Smallest gap between two inserts into one table: small batches wait, so at steady state a table gets about one insert per second (each insert makes a part to merge). Default 1000.',
    }),
    largeBatchRows: Type.Integer({
      minimum: 1,
      default: 5000,
      description: 'Inserts of at least this many rows skip the wait above (catching up after an outage). Default 5000.',
    }),
    unhealthyAfterFailures: Type.Integer({
      minimum: 1,
      default: 3,
      description: 'Consecutive failed writes after which health() reports not ready. Default 3.',
    }),
    retentionDays: Type.Integer({
      minimum: 1,
      default: 7,
      description: 'Days of raw spans and logs kept; older daily partitions are dropped by the retention job. Default 7.',
    }),
    rollupRetentionDays: Type.Integer({
      minimum: 1,
      default: 90,
      description: 'Days of per-minute rollups kept (a TTL on servers that have it, the retention job on all). Default 90.',
    }),
  },
  { additionalProperties: false },
);

/** Validated ClickHouse sink configuration, defaults applied. */
export type ClickHouseSinkConfig = Static<typeof ClickHouseSinkConfigSchema>;

/**
 * Applies defaults and validates; the result is frozen.
 * @throws ConfigError naming the first bad key.
 */
export function parseClickHouseSinkConfig(input: unknown): Readonly<ClickHouseSinkConfig> {
  if (input !== undefined && (typeof input !== 'object' || input === null || Array.isArray(input))) {
    throw new ConfigError('clickhouse sink config must be an object');
  }
  const value = Value.Default(ClickHouseSinkConfigSchema, structuredClone(input ?? {}));
  const first = Value.Errors(ClickHouseSinkConfigSchema, value).First();
  if (first) throw new ConfigError(`clickhouse sink config ${first.path || '/'}: ${first.message}`);
  return Object.freeze(value as ClickHouseSinkConfig);
}
