import { readFileSync } from 'node:fs';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { Type, type TSchema } from '@sinclair/typebox';
import { parseDocument } from 'yaml';
import { ConfigError } from '../errors/hindsight-error';
import type { SinkRegistry } from '../sinks/sink-registry';
import { applyEnvOverrides } from './env-overrides';
import { formatConfigErrors } from './format-errors';
import { CollectorConfigSchema, type CollectorConfig } from './schema';

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
addFormats(ajv);
const validateTop = ajv.compile(CollectorConfigSchema);
const EMPTY_OPTIONS = Type.Object({}, { additionalProperties: false });
const optionValidators = new WeakMap<TSchema, ValidateFunction>();

function optionsValidator(schema: TSchema): ValidateFunction {
  let fn = optionValidators.get(schema);
  if (fn === undefined) {
    fn = ajv.compile(schema);
    optionValidators.set(schema, fn);
  }
  return fn;
}

/** Freezes every nested object and array, so no component can change the config another reads. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Where the configuration comes from. */
export interface LoadConfigInput {
  /** YAML text; read from `path` when absent. */
  text?: string;
  /** File name, used in messages and to read `text`. */
  path?: string;
  env?: NodeJS.ProcessEnv;
  /** Resolves sink types to factories, whose option schemas validate `sinks.<name>.options`. */
  registry: SinkRegistry;
}

function parseYamlText(text: string, source: string): Record<string, unknown> {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(`${source}: invalid YAML:\n  ${doc.errors.map((e) => e.message).join('\n  ')}`);
  }
  const tree: unknown = doc.toJS();
  if (typeof tree !== 'object' || tree === null || Array.isArray(tree)) {
    throw new ConfigError(`${source}: the top level must be a mapping (service, kafka, sources, sinks, pipelines)`);
  }
  return tree as Record<string, unknown>;
}

/**
 * Reads, overrides (environment), validates and freezes the configuration. Throws one ConfigError
 * listing every problem, each line naming the key path. Cross-references (pipelines naming sources and
 * sinks, record kinds a sink accepts) are checked by `buildTopology`.
 */
export function loadConfig(input: LoadConfigInput): CollectorConfig {
  const source = input.path ?? '(config)';
  let text = input.text;
  if (text === undefined) {
    if (input.path === undefined) throw new ConfigError('no configuration given: pass --config <file>');
    try {
      text = readFileSync(input.path, 'utf8');
    } catch (err) {
      throw new ConfigError(`${input.path}: cannot read (${(err as Error).message})`, err);
    }
  }
  const parsed = parseYamlText(text, source);
  const { tree, origins } = applyEnvOverrides(parsed, input.env ?? process.env, (type) => {
    const factory = input.registry.get(type);
    const option = factory?.urlOption ?? 'url';
    const props = (factory?.optionsSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
    return props !== undefined && Object.hasOwn(props, option) ? option : undefined;
  });
  if (!validateTop(tree)) {
    const lines = formatConfigErrors(validateTop.errors ?? [], '', origins);
    throw new ConfigError(`${source}: invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const config = tree as unknown as CollectorConfig;
  const problems: string[] = [];
  for (const [name, sink] of Object.entries(config.sinks)) {
    const factory = input.registry.get(sink.type);
    if (factory === undefined) {
      problems.push(`sinks.${name}.type: unknown sink type "${sink.type}" (known: ${input.registry.types().join(', ')})`);
      continue;
    }
    const validate = optionsValidator(factory.optionsSchema ?? EMPTY_OPTIONS);
    if (!validate(sink.options)) {
      problems.push(...formatConfigErrors(validate.errors ?? [], `sinks.${name}.options`, origins));
    }
  }
  if (problems.length > 0) {
    throw new ConfigError(`${source}: invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return deepFreeze(config);
}
