import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors/hindsight-error';

/** Prefix of the generic override form: `HINDSIGHT_CONFIG__kafka__groupPrefix=analytics`. */
export const GENERIC_ENV_PREFIX = 'HINDSIGHT_CONFIG__';

/** Tells which sink types take their connection URL from `HINDSIGHT_<TYPE>_URL`, and under which option. */
export type UrlOptionLookup = (sinkType: string) => string | undefined;

/** A configuration tree with the overrides applied, and which variable set which path. */
export interface OverrideResult {
  tree: Record<string, unknown>;
  origins: Map<string, string>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function setPath(tree: Record<string, unknown>, path: string[], value: unknown, variable: string): void {
  let node = tree;
  for (const [i, key] of path.entries()) {
    if (i === path.length - 1) {
      node[key] = value;
      return;
    }
    const next = node[key];
    if (next === undefined) node[key] = {};
    else if (!isObject(next)) {
      throw new ConfigError(`${path.slice(0, i + 1).join('.')}: is not an object, cannot apply ${variable}`);
    }
    node = node[key] as Record<string, unknown>;
  }
}

/**
 * Applies environment overrides to a parsed (not yet validated) configuration tree, in this order:
 * 1. `HINDSIGHT_CONFIG__a__b__c=value` sets `a.b.c`; the value is read as YAML (`5`, `true`, `[a, b]`).
 * 2. `HINDSIGHT_KAFKA_BROKERS=h1:9092,h2:9092` sets `kafka.brokers`.
 * 3. `HINDSIGHT_<TYPE>_URL` (e.g. `HINDSIGHT_POSTGRES_URL`) sets the URL option of every sink of that type.
 * The specific variables win over the generic form because deployments set them deliberately.
 */
export function applyEnvOverrides(
  input: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  urlOptionOf: UrlOptionLookup,
): OverrideResult {
  const tree = structuredClone(input);
  const origins = new Map<string, string>();
  const generic = Object.keys(env)
    .filter((k) => k.startsWith(GENERIC_ENV_PREFIX))
    .sort();
  for (const variable of generic) {
    const path = variable.slice(GENERIC_ENV_PREFIX.length).split('__');
    if (path.some((p) => p === '')) throw new ConfigError(`${variable}: empty key segment in the variable name`);
    let value: unknown;
    try {
      value = parseYaml(env[variable] ?? '');
    } catch (err) {
      throw new ConfigError(`${variable}: value is not valid YAML (${(err as Error).message})`);
    }
    setPath(tree, path, value, variable);
    origins.set(path.join('.'), variable);
  }
  const brokers = env.HINDSIGHT_KAFKA_BROKERS;
  if (brokers !== undefined && brokers.trim() !== '') {
    setPath(tree, ['kafka', 'brokers'], brokers.split(',').map((b) => b.trim()).filter((b) => b !== ''), 'HINDSIGHT_KAFKA_BROKERS');
    origins.set('kafka.brokers', 'HINDSIGHT_KAFKA_BROKERS');
  }
  const sinks = tree.sinks;
  if (isObject(sinks)) {
    for (const [name, sink] of Object.entries(sinks)) {
      if (!isObject(sink) || typeof sink.type !== 'string') continue;
      const variable = `HINDSIGHT_${sink.type.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL`;
      const url = env[variable];
      const option = urlOptionOf(sink.type);
      if (url === undefined || url === '' || option === undefined) continue;
      setPath(tree, ['sinks', name, 'options', option], url, variable);
      origins.set(`sinks.${name}.options.${option}`, variable);
    }
  }
  return { tree, origins };
}
