import type { Registry } from 'prom-client';
import type { SinkFactory } from '../sink-factory';
import { parseRedMetricsSinkConfig, RedMetricsSinkConfigSchema, type RedMetricsSinkConfig } from './config';
import { RedMetricsSink } from './red-metrics-sink';

export { RedMetricsSink, isRequestSpan } from './red-metrics-sink';
export { RedMetricsSinkConfigSchema, parseRedMetricsSinkConfig, type RedMetricsSinkConfig } from './config';
export { LabelBounder, OVERFLOW, statusLabel } from './label-bounds';

/**
 * Builds the RED metrics sink over `registry` (the collector's /metrics registry).
 * @throws ConfigError on bad options or a registry that already has RED metrics.
 */
export function createRedMetricsSink(config: Partial<RedMetricsSinkConfig>, registry: Registry, name = 'prometheus'): RedMetricsSink {
  return new RedMetricsSink(parseRedMetricsSinkConfig(config), registry, name);
}

/** Registry entry: `type: prometheus` in the collector's config. */
export const sinkFactory: SinkFactory = {
  type: 'prometheus',
  accepts: ['span'],
  optionsSchema: RedMetricsSinkConfigSchema,
  create: (ctx) => createRedMetricsSink(ctx.options as Partial<RedMetricsSinkConfig>, ctx.metrics, ctx.name),
};
