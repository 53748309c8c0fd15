/**
 * Reads the SDK's options from environment variables. Values are parsed leniently here (a number
 * that is not a number stays a string) so that validation names the variable and the option together.
 */

/** Which environment variable feeds which option path; used to name the source of a bad value. */
export const ENV_VARS: Readonly<Record<string, string>> = {
  serviceName: 'HINDSIGHT_SERVICE_NAME',
  tenant: 'HINDSIGHT_TENANT',
  'kafka.brokers': 'HINDSIGHT_KAFKA_BROKERS',
  'kafka.clientId': 'HINDSIGHT_KAFKA_CLIENT_ID',
  'kafka.tls': 'HINDSIGHT_KAFKA_TLS',
  'kafka.sasl.mechanism': 'HINDSIGHT_KAFKA_SASL_MECHANISM',
  'kafka.sasl.username': 'HINDSIGHT_KAFKA_SASL_USERNAME',
  'kafka.sasl.password': 'HINDSIGHT_KAFKA_SASL_PASSWORD',
  'kafka.producerThread': 'HINDSIGHT_KAFKA_PRODUCER_THREAD',
  'kafka.producerThreadFile': 'HINDSIGHT_KAFKA_PRODUCER_THREAD_FILE',
  'queues.spans': 'HINDSIGHT_QUEUE_SPANS',
  'queues.logs': 'HINDSIGHT_QUEUE_LOGS',
  'queues.journal': 'HINDSIGHT_QUEUE_JOURNAL',
  'queues.maxBatchSize': 'HINDSIGHT_MAX_BATCH_SIZE',
  'queues.flushIntervalMs': 'HINDSIGHT_FLUSH_INTERVAL_MS',
  'queues.auditLingerMs': 'HINDSIGHT_AUDIT_LINGER_MS',
  logLevel: 'HINDSIGHT_LOG_LEVEL',
  auditAckTimeoutMs: 'HINDSIGHT_AUDIT_ACK_TIMEOUT_MS',
  shutdownTimeoutMs: 'HINDSIGHT_SHUTDOWN_TIMEOUT_MS',
  'prometheus.port': 'HINDSIGHT_PROMETHEUS_PORT',
  'prometheus.host': 'HINDSIGHT_PROMETHEUS_HOST',
  runtimeMetrics: 'HINDSIGHT_RUNTIME_METRICS',
  instrumentHttp: 'HINDSIGHT_INSTRUMENT_HTTP',
  diagLevel: 'HINDSIGHT_DIAG_LEVEL',
};

const LIST = new Set(['kafka.brokers']);
const NUMBERS = new Set([
  'queues.spans', 'queues.logs', 'queues.journal', 'queues.maxBatchSize', 'queues.flushIntervalMs', 'queues.auditLingerMs',
  'auditAckTimeoutMs', 'shutdownTimeoutMs', 'prometheus.port',
]);
const BOOLEANS = new Set(['kafka.tls', 'kafka.producerThread', 'runtimeMetrics', 'instrumentHttp']);

function parse(path: string, raw: string): unknown {
  if (LIST.has(path)) return raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (NUMBERS.has(path)) {
    const n = Number(raw);
    return raw.trim() !== '' && Number.isFinite(n) ? n : raw;
  }
  if (BOOLEANS.has(path)) {
    const v = raw.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    return raw;
  }
  return raw;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1] as string] = value;
}

/** Options found in `env`, as a nested object shaped like the options (only the variables set). */
export function optionsFromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [path, name] of Object.entries(ENV_VARS)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    setPath(out, path, parse(path, raw));
  }
  return out;
}

/** Deep merge where `over` wins; arrays and non-plain objects are replaced, not merged. */
export function mergeOptions(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const prev = out[key];
    const plain = (v: unknown): v is Record<string, unknown> =>
      typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
    out[key] = plain(prev) && plain(value) ? mergeOptions(prev, value) : value;
  }
  return out;
}
