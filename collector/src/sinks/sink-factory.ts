import type { TSchema } from '@sinclair/typebox';
import type { Registry } from 'prom-client';
import type { Logger } from '../telemetry/logger';
import type { RecordKind } from './records';
import type { Sink } from './sink';

/** What a sink factory is given to build one configured sink. */
export interface SinkContext {
  /** The sink's name in the config (`sinks.<name>`); use it as the `sink` label of metrics. */
  name: string;
  /** `sinks.<name>.options`, already validated against {@link SinkFactory.optionsSchema} and frozen. */
  options: Readonly<Record<string, unknown>>;
  /** The collector's metrics registry, served on /metrics; sinks add their own series here. */
  metrics: Registry;
  logger: Logger;
}

/**
 * Builds sinks of one type. A sink folder (`sinks/<type>/index.ts`) exports one as `sinkFactory`; the
 * registry picks it up by type name, so adding a sink never touches the runtime.
 */
export interface SinkFactory {
  /** The `type` value in config, e.g. `postgres`. */
  readonly type: string;
  /** Record kinds sinks of this type store; pipelines feeding them anything else are refused at startup. */
  readonly accepts: readonly RecordKind[];
  /**
   * Schema of `options` (TypeBox, closed objects, defaults). When absent, `options` must be empty.
   * Validation errors name the key as `sinks.<name>.options.<key>`.
   */
  readonly optionsSchema?: TSchema;
  /**
   * Name of the option that holds the store's connection URL, if any. `HINDSIGHT_<TYPE>_URL` (e.g.
   * `HINDSIGHT_POSTGRES_URL`) overrides it for every sink of this type.
   */
  readonly urlOption?: string;
  create(context: SinkContext): Sink | Promise<Sink>;
}
