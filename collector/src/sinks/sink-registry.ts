import { ConfigError } from '../errors/hindsight-error';
import type { SinkFactory } from './sink-factory';
import { discardSinkFactory } from './discard/discard-sink';

/** The sink folders that may be present in a build, each exporting `sinkFactory` from its index. */
const OPTIONAL_SINK_FOLDERS = ['postgres', 'clickhouse', 'prometheus'] as const;

/** Maps sink type names from the config to the factories that build them. */
export class SinkRegistry {
  private readonly factories = new Map<string, SinkFactory>();

  /** Adds a factory; a second factory for the same type is a programming error. */
  register(factory: SinkFactory): this {
    if (this.factories.has(factory.type)) {
      throw new Error(`sink type "${factory.type}" is registered twice`);
    }
    this.factories.set(factory.type, factory);
    return this;
  }

  get(type: string): SinkFactory | undefined {
    return this.factories.get(type);
  }

  /** The factory for `type`, or a ConfigError naming `path` and the known types. */
  require(type: string, path: string): SinkFactory {
    const factory = this.factories.get(type);
    if (factory === undefined) {
      throw new ConfigError(`${path}: unknown sink type "${type}" (known: ${this.types().join(', ')})`);
    }
    return factory;
  }

  types(): string[] {
    return [...this.factories.keys()].sort();
  }
}

/**
 * Loads a sink folder's module if this build has it. Only "this folder does not exist" is tolerated;
 * any other failure (a syntax error, a missing dependency of the sink) is a real error and is rethrown.
 */
export function loadOptionalModule(folder: string): Record<string, unknown> | undefined {
  const request = `${__dirname}/${folder}`;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(request) as Record<string, unknown>;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { requireStack?: unknown };
    if (e.code === 'MODULE_NOT_FOUND' && typeof e.message === 'string' && e.message.includes(request)) {
      return undefined;
    }
    throw err;
  }
}

/** A registry with `discard` and every sink folder present in this build. */
export function defaultSinkRegistry(): SinkRegistry {
  const registry = new SinkRegistry().register(discardSinkFactory);
  for (const folder of OPTIONAL_SINK_FOLDERS) {
    const mod = loadOptionalModule(folder);
    const factory = mod?.sinkFactory as SinkFactory | undefined;
    if (factory !== undefined) registry.register(factory);
  }
  return registry;
}
