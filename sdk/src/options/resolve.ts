/**
 * Turns `init()` options plus environment variables into one validated, frozen configuration.
 * Options passed in code win over the environment. A bad value throws a {@link HindsightConfigError}
 * naming the option (and the variable it came from): this is the only place the SDK throws.
 */
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { compile, toViolations } from '../contract/ajv';
import { TOPICS } from '../contract';
import type { RedactorOptions } from '../redaction';
import type { ErrorHandler } from '../diagnostics/diagnostics';
import type { Exporter } from '../exporter/exporter';
import { HindsightConfigError } from './config-error';
import { ENV_VARS, mergeOptions, optionsFromEnv } from './env';
import { JsonOptionsSchema, type JsonOptions, type KafkaOptions, type PrometheusOptions } from './schema';

/** Options of {@link init}. Every JSON-shaped option can also come from a HINDSIGHT_* variable. */
export interface HindsightOptions extends Partial<JsonOptions> {
  /** Replaces the Kafka exporter, e.g. with `InMemoryExporter` from `@hindsight/sdk/testing`. */
  exporter?: Exporter;
  /** Receives the SDK's internal failures; by default they only reach the diagnostic logger. */
  errorHandler?: ErrorHandler;
  /** Extra OpenTelemetry instrumentations to register (http is enabled by `instrumentHttp`). */
  instrumentations?: Instrumentation[];
  /** Redaction rules, passed to the redaction module's `createRedactor`. */
  redaction?: RedactorOptions;
  /** Environment to read HINDSIGHT_* variables from; `process.env` by default. */
  env?: NodeJS.ProcessEnv;
}

/** The configuration every component reads; complete and frozen. */
export interface ResolvedOptions {
  serviceName: string;
  tenant: string;
  kafka: (KafkaOptions & { clientId: string; topics: Required<NonNullable<KafkaOptions['topics']>> }) | undefined;
  exporter: Exporter | undefined;
  queues: { spans: number; logs: number; journal: number; maxBatchSize: number; flushIntervalMs: number; auditLingerMs: number };
  logLevel: NonNullable<JsonOptions['logLevel']>;
  auditAckTimeoutMs: number;
  shutdownTimeoutMs: number;
  prometheus: PrometheusOptions | undefined;
  runtimeMetrics: boolean;
  instrumentHttp: boolean;
  diagLevel: JsonOptions['diagLevel'];
  errorHandler: ErrorHandler | undefined;
  instrumentations: Instrumentation[];
  redaction: RedactorOptions | undefined;
}

const validateJson = compile<JsonOptions>(JsonOptionsSchema);

const KNOWN_KEYS = new Set([
  ...Object.keys(JsonOptionsSchema.properties),
  'exporter', 'errorHandler', 'instrumentations', 'redaction', 'env',
]);

function fail(path: string, message: string, fromEnv: Record<string, unknown>): never {
  const envName = ENV_VARS[path];
  const envValue = path.split('.').reduce<unknown>((n, k) => (n as Record<string, unknown> | undefined)?.[k], fromEnv);
  const source = envName !== undefined && envValue !== undefined ? ` (from ${envName})` : '';
  throw new HindsightConfigError(path, `${message}${source}`);
}

function checkObjects(options: HindsightOptions): void {
  const e = options.exporter;
  if (e !== undefined && (typeof e !== 'object' || e === null || typeof e.export !== 'function' || typeof e.shutdown !== 'function' || typeof e.forceFlush !== 'function')) {
    throw new HindsightConfigError('exporter', 'must implement export(), forceFlush() and shutdown()');
  }
  if (options.errorHandler !== undefined && typeof options.errorHandler !== 'function') {
    throw new HindsightConfigError('errorHandler', 'must be a function');
  }
  if (options.instrumentations !== undefined && !Array.isArray(options.instrumentations)) {
    throw new HindsightConfigError('instrumentations', 'must be an array');
  }
  if (options.redaction !== undefined && (typeof options.redaction !== 'object' || options.redaction === null)) {
    throw new HindsightConfigError('redaction', 'must be an object');
  }
}

/** Validates and completes the options; throws {@link HindsightConfigError} naming the bad option. */
export function resolveOptions(options: HindsightOptions = {}): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new HindsightConfigError('(options)', 'must be an object');
  for (const key of Object.keys(options)) {
    if (!KNOWN_KEYS.has(key)) throw new HindsightConfigError(key, 'unknown option');
  }
  checkObjects(options);
  const { exporter, errorHandler, instrumentations, redaction, env, ...json } = options;
  const fromEnv = optionsFromEnv(env ?? process.env);
  const merged = mergeOptions(fromEnv, json as Record<string, unknown>);
  if (!validateJson(merged)) {
    const first = toViolations(validateJson.errors)[0];
    fail(first?.path ?? '(options)', first?.message.replace(/^[^:]*: /, '') ?? 'invalid', fromEnv);
  }
  const o = merged as JsonOptions;
  if (o.kafka === undefined && exporter === undefined) {
    fail('kafka.brokers', 'is required (or pass an exporter)', fromEnv);
  }
  const q = o.queues ?? {};
  const resolved: ResolvedOptions = {
    serviceName: o.serviceName,
    tenant: o.tenant ?? 'default',
    kafka: o.kafka && {
      ...o.kafka,
      clientId: o.kafka.clientId ?? o.serviceName,
      topics: {
        spans: o.kafka.topics?.spans ?? TOPICS.spans,
        logs: o.kafka.topics?.logs ?? TOPICS.logs,
        audit: o.kafka.topics?.audit ?? TOPICS.audit,
        journal: o.kafka.topics?.journal ?? TOPICS.journal,
      },
    },
    exporter,
    queues: {
      spans: q.spans ?? 8192,
      logs: q.logs ?? 8192,
      journal: q.journal ?? 1024,
      maxBatchSize: q.maxBatchSize ?? 512,
      flushIntervalMs: q.flushIntervalMs ?? 200,
      auditLingerMs: q.auditLingerMs ?? 5,
    },
    logLevel: o.logLevel ?? 'info',
    auditAckTimeoutMs: o.auditAckTimeoutMs ?? 10_000,
    shutdownTimeoutMs: o.shutdownTimeoutMs ?? 5_000,
    prometheus: o.prometheus,
    runtimeMetrics: o.runtimeMetrics ?? true,
    instrumentHttp: o.instrumentHttp ?? false,
    diagLevel: o.diagLevel,
    errorHandler,
    instrumentations: instrumentations ?? [],
    redaction,
  };
  return Object.freeze(resolved);
}
