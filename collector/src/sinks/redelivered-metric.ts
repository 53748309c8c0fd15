import { Counter, type Registry } from 'prom-client';

export type RedeliveredCounter = Counter<'sink' | 'kind'>;

const NAME = 'hindsight_sink_redelivered_skipped_total';

/**
 * The counter of records a sink skipped because it had stored them already (redelivered after a crash,
 * a consumer restart or a rebalance). One series per registry, shared by every sink that skips.
 */
export function redeliveredSkippedCounter(metrics: Registry): RedeliveredCounter {
  return (
    (metrics.getSingleMetric(NAME) as RedeliveredCounter | undefined) ??
    new Counter({
      name: NAME,
      help: 'Records skipped because the sink already stored them (redelivered after a crash or rebalance), per sink and kind.',
      labelNames: ['sink', 'kind'],
      registers: [metrics],
    })
  );
}
