import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ConfigError } from '../../errors/hindsight-error';

/** Configuration of the `prometheus` sink (RED metrics derived from spans). */
export const RedMetricsSinkConfigSchema = Type.Object(
  {
    maxServices: Type.Integer({
      minimum: 1,
      default: 50,
      description: 'Distinct `service` label values; later services are counted as "__other__". Default 50.',
    }),
    maxOperationsPerService: Type.Integer({
      minimum: 1,
      default: 100,
      description: 'Distinct `operation` values per service; later ones are counted as "__other__". Default 100.',
    }),
    maxLabelLength: Type.Integer({
      minimum: 8,
      default: 128,
      description: 'Longer service and operation names are cut to this many characters. Default 128.',
    }),
    durationBuckets: Type.Array(Type.Number({ exclusiveMinimum: 0 }), {
      minItems: 1,
      default: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      description: 'Upper bounds (seconds) of the duration histogram. Default 1 ms … 10 s.',
    }),
  },
  { additionalProperties: false },
);

/** Validated RED metrics sink configuration, defaults applied. */
export type RedMetricsSinkConfig = Static<typeof RedMetricsSinkConfigSchema>;

/**
 * Applies defaults and validates; the result is frozen.
 * @throws ConfigError naming the first bad key.
 */
export function parseRedMetricsSinkConfig(input: unknown): Readonly<RedMetricsSinkConfig> {
  if (input !== undefined && (typeof input !== 'object' || input === null || Array.isArray(input))) {
    throw new ConfigError('prometheus sink config must be an object');
  }
  const value = Value.Default(RedMetricsSinkConfigSchema, structuredClone(input ?? {}));
  const first = Value.Errors(RedMetricsSinkConfigSchema, value).First();
  if (first) throw new ConfigError(`prometheus sink config ${first.path || '/'}: ${first.message}`);
  const buckets = (value as RedMetricsSinkConfig).durationBuckets;
  if (buckets.some((b, i) => i > 0 && b <= buckets[i - 1]!)) throw new ConfigError('prometheus sink config /durationBuckets: must be increasing');
  return Object.freeze(value as RedMetricsSinkConfig);
}
