import type { Registry } from 'prom-client';
import type { SinkFactory } from '../sink-factory';
import { ClickHouseSink } from './clickhouse-sink';
import { ClickHouseSinkConfigSchema, parseClickHouseSinkConfig, type ClickHouseSinkConfig } from './config';

export { ClickHouseSink } from './clickhouse-sink';
export { ClickHouseSinkConfigSchema, parseClickHouseSinkConfig, type ClickHouseSinkConfig } from './config';
export { CLICKHOUSE_UNAVAILABLE, describeFailure as describeClickHouseFailure } from './clickhouse-errors';
export { createClickHouseClient, type ClickHouseConnection } from './client';
export { ROW_INVALID } from './row-mapping';
export { capabilitiesFor, detectCapabilities, parseServerVersion, type ServerCapabilities } from './server-capabilities';
export { sqlString, sqlIdentifier, sqlUnsigned, sqlStringArray } from './sql-literal';
export { bindQuery, type BoundQuery, type QueryParams } from './bound-query';
export { applyMigrations, ensureDatabase, type MigrationReport } from './migrations';
export { runQuery, spansByCorrelation, spansByTrace, logsByCorrelation, spanRollup, type StoredSpan, type StoredLog, type SpanRollupRow } from './queries';
export { runClickHouseRetention, type RetentionOptions, type RetentionReport, type PinMode } from './retention';
export { rebuildSpanRollup } from './rollup-rebuild';

/**
 * Builds a ClickHouse sink from its options (validated, defaults applied).
 * @throws ConfigError on bad options.
 */
export function createClickHouseSink(config: Partial<ClickHouseSinkConfig> = {}, name = 'clickhouse', metrics?: Registry): ClickHouseSink {
  return new ClickHouseSink(parseClickHouseSinkConfig(config), name, metrics);
}

/** Registry entry: `type: clickhouse` in the collector's config. */
export const sinkFactory: SinkFactory = {
  type: 'clickhouse',
  accepts: ['span', 'log'],
  optionsSchema: ClickHouseSinkConfigSchema,
  urlOption: 'url',
  create: (ctx) => createClickHouseSink(ctx.options as Partial<ClickHouseSinkConfig>, ctx.name, ctx.metrics),
};
