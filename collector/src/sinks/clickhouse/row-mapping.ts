import { ATTR } from '@hindsight/sdk/contract';
import { PermanentError } from '../../errors/hindsight-error';
import type { LogRow, SpanRow } from '../records';
import { encodeRowBinaryString, type RowBinaryWriter } from './row-binary';

/** Code of a record the ClickHouse sink can never store (it goes to the dead-letter topic). */
export const ROW_INVALID = 'CLICKHOUSE_ROW_INVALID';

/** A row of the `spans` table as values (UInt64 values as decimal strings), e.g. for a JSONEachRow insert. */
export interface SpansTableRow {
  correlation_id: string;
  trace_id: string;
  span_id: string;
  parent_span_id: string;
  start_time: number;
  start_time_ns: string;
  end_time_ns: string;
  duration_ns: string;
  service: string;
  operation: string;
  kind: number;
  status_code: number;
  status_message: string;
  tenant: string;
  run_id: string;
  scope_name: string;
  attributes: string;
  resource: string;
  events: string;
}

/** A row of the `logs` table as values, e.g. for a JSONEachRow insert. */
export interface LogsTableRow {
  correlation_id: string;
  trace_id: string;
  span_id: string;
  log_id: string;
  time: number;
  time_ns: string;
  observed_time_ns: string;
  severity_number: number;
  severity_text: string;
  body: string;
  service: string;
  tenant: string;
  run_id: string;
  attributes: string;
  resource: string;
}

/** The `spans` columns in the order spanToRowBinary writes them (an insert names them, so the table's own order does not matter). */
export const SPANS_COLUMNS = [
  'correlation_id', 'trace_id', 'span_id', 'parent_span_id', 'start_time', 'start_time_ns', 'end_time_ns', 'duration_ns',
  'service', 'operation', 'kind', 'status_code', 'status_message', 'tenant', 'run_id', 'scope_name', 'attributes', 'resource', 'events',
] as const satisfies readonly (keyof SpansTableRow)[];

/** The `logs` columns in the order logToRowBinary writes them. */
export const LOGS_COLUMNS = [
  'correlation_id', 'trace_id', 'span_id', 'log_id', 'time', 'time_ns', 'observed_time_ns', 'severity_number', 'severity_text',
  'body', 'service', 'tenant', 'run_id', 'attributes', 'resource',
] as const satisfies readonly (keyof LogsTableRow)[];

// DateTime is a UInt32 of seconds: anything past 2106-02-07 would wrap silently on insert.
const MAX_SECONDS = 4_294_967_295;

function invalid(message: string): PermanentError {
  return new PermanentError(ROW_INVALID, message);
}

const ZERO = 0x30;

/**
 * A nanosecond timestamp split at the second: both parts are exact doubles (at most 11 and 9 digits),
 * so seconds, ordering and most durations need no BigInt.
 */
interface Nanos {
  seconds: number;
  nanos: number;
  /** The timestamp as a canonical decimal string (the input itself when already canonical). */
  text: string;
}

/**
 * Parses an OTLP nanosecond timestamp (1 to 20 decimal digits) and checks it fits a DateTime. It runs
 * twice per row, so the digits are read one by one: no regex, and no substrings to parse again.
 */
function parseNanos(value: string, field: string): Nanos {
  if (typeof value !== 'string' || value.length === 0 || value.length > 20) throw invalid(`${field} is not a nanosecond timestamp: ${JSON.stringify(value)}`);
  const cut = value.length - 9;
  let seconds = 0; // at most 11 digits, exact in a double
  let nanos = 0;
  for (let i = 0; i < value.length; i++) {
    const digit = value.charCodeAt(i) - ZERO;
    if (!(digit >= 0 && digit <= 9)) throw invalid(`${field} is not a nanosecond timestamp: ${JSON.stringify(value)}`);
    if (i < cut) seconds = seconds * 10 + digit;
    else nanos = nanos * 10 + digit;
  }
  if (seconds > MAX_SECONDS) throw invalid(`${field} is past the DateTime range: ${value}`);
  // Leading zeros go: the text is its own canonical form, so `BigInt(text).toString() === text`.
  const text = value.length > 1 && value.charCodeAt(0) === ZERO ? value.replace(/^0+(?=\d)/, '') : value;
  return { seconds, nanos, text };
}

/** The second a span's row is kept under (`start_time`); undefined when no row can hold its start. */
export function spanStartSeconds(span: Pick<SpanRow, 'startTimeUnixNano'>): number | undefined {
  try {
    return parseNanos(span.startTimeUnixNano, 'startTimeUnixNano').seconds;
  } catch {
    return undefined;
  }
}

/**
 * `end - start` in nanoseconds; a span that ends before it starts (clock step) counts as zero length
 * rather than wrapping. Exact in a double below 2^53 ns (~104 days); a longer span is a bigint.
 */
function durationNanos(start: Nanos, end: Nanos): number | bigint {
  const diff = (end.seconds - start.seconds) * 1e9 + (end.nanos - start.nanos);
  if (diff <= 0) return 0;
  return diff < Number.MAX_SAFE_INTEGER ? diff : BigInt(end.text) - BigInt(start.text);
}

// Every span of one OTLP resource shares one resourceAttributes object (decodeSpans/decodeLogs build it
// once per resource): its JSON is made once per resource, not once per row.
let lastResource: unknown;
let lastResourceJson = '';

function json(value: unknown, field: string): string {
  try {
    return JSON.stringify(value ?? {});
  } catch (err) {
    throw invalid(`${field} cannot be written as JSON: ${(err as Error).message}`);
  }
}

function resourceJson(value: unknown, field: string): string {
  if (value !== undefined && value === lastResource) return lastResourceJson;
  const text = json(value, field);
  lastResource = value;
  lastResourceJson = text;
  return text;
}

function eventsJson(events: readonly unknown[] | undefined): string {
  return events === undefined || events.length === 0 ? '[]' : json(events, 'events');
}

function runIdOf(attributes: Record<string, unknown>): string {
  const v = attributes[ATTR.runId];
  return typeof v === 'string' ? v : '';
}

function checkByte(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 255) throw invalid(`${field} is not a small unsigned integer: ${value}`);
  return value;
}

/**
 * Maps a decoded span to its table row.
 * @throws PermanentError (CLICKHOUSE_ROW_INVALID) for a span no retry could store.
 */
export function spanToRow(span: SpanRow): SpansTableRow {
  if (!span.spanId || !span.traceId) throw invalid('span without trace id or span id');
  const start = parseNanos(span.startTimeUnixNano, 'startTimeUnixNano');
  const end = parseNanos(span.endTimeUnixNano, 'endTimeUnixNano');
  return {
    correlation_id: span.correlationId,
    trace_id: span.traceId,
    span_id: span.spanId,
    parent_span_id: span.parentSpanId,
    start_time: start.seconds,
    start_time_ns: start.text,
    end_time_ns: end.text,
    duration_ns: String(durationNanos(start, end)),
    service: span.serviceName,
    operation: span.name,
    kind: checkByte(span.kind, 'kind'),
    status_code: checkByte(span.statusCode, 'statusCode'),
    status_message: span.statusMessage,
    tenant: span.tenant,
    run_id: runIdOf(span.attributes),
    scope_name: span.scopeName,
    attributes: json(span.attributes, 'attributes'),
    resource: resourceJson(span.resourceAttributes, 'resourceAttributes'),
    events: eventsJson(span.events),
  };
}

// The same resource's JSON as RowBinary bytes, for the RowBinary rows of its spans.
let lastResourceBinary: unknown;
let lastResourceBinaryBytes: Buffer = Buffer.alloc(0);

function resourceBinary(value: unknown, field: string): Buffer {
  if (value !== undefined && value === lastResourceBinary) return lastResourceBinaryBytes;
  const bytes = encodeRowBinaryString(resourceJson(value, field));
  lastResourceBinary = value;
  lastResourceBinaryBytes = bytes;
  return bytes;
}

/**
 * Appends the span's row to `out` in RowBinary, in the column order of SPANS_COLUMNS: the same
 * values as `spanToRow`. Nothing is appended when the span is invalid.
 * @throws PermanentError (CLICKHOUSE_ROW_INVALID) for a span no retry could store.
 */
export function spanToRowBinary(span: SpanRow, out: RowBinaryWriter): void {
  if (!span.spanId || !span.traceId) throw invalid('span without trace id or span id');
  const start = parseNanos(span.startTimeUnixNano, 'startTimeUnixNano');
  const end = parseNanos(span.endTimeUnixNano, 'endTimeUnixNano');
  const kind = checkByte(span.kind, 'kind');
  const statusCode = checkByte(span.statusCode, 'statusCode');
  const attributes = json(span.attributes, 'attributes');
  const resource = resourceBinary(span.resourceAttributes, 'resourceAttributes');
  const events = eventsJson(span.events);
  // Every check is above: from here on the row is written whole.
  out.string(span.correlationId);
  out.string(span.traceId);
  out.string(span.spanId);
  out.string(span.parentSpanId);
  out.uint32(start.seconds);
  out.uint64Nanos(start.seconds, start.nanos);
  out.uint64Nanos(end.seconds, end.nanos);
  const duration = durationNanos(start, end);
  if (typeof duration === 'bigint') out.uint64Big(duration);
  else out.uint64(duration);
  out.string(span.serviceName);
  out.string(span.name);
  out.uint8(kind);
  out.uint8(statusCode);
  out.string(span.statusMessage);
  out.string(span.tenant);
  out.string(runIdOf(span.attributes));
  out.string(span.scopeName);
  out.string(attributes);
  out.raw(resource);
  out.string(events);
}

/**
 * A log record's time (its own timestamp, else the time the SDK observed it: OTLP allows either to be
 * 0) and observed time, after the checks every log row needs.
 */
function logTimes(log: LogRow): { time: Nanos; observed: Nanos } {
  if (!log.logId) throw invalid('log record without log id');
  const observed = parseNanos(log.observedTimeUnixNano || '0', 'observedTimeUnixNano');
  const own = parseNanos(log.timeUnixNano || '0', 'timeUnixNano');
  return { time: own.seconds > 0 || own.nanos > 0 ? own : observed, observed };
}

/**
 * Maps a decoded log record to its table row (times as logTimes picks them).
 * @throws PermanentError (CLICKHOUSE_ROW_INVALID) for a record no retry could store.
 */
export function logToRow(log: LogRow): LogsTableRow {
  const { time, observed } = logTimes(log);
  return {
    correlation_id: log.correlationId,
    trace_id: log.traceId,
    span_id: log.spanId,
    log_id: log.logId,
    time: time.seconds,
    time_ns: time.text,
    observed_time_ns: observed.text,
    severity_number: checkByte(log.severityNumber, 'severityNumber'),
    severity_text: log.severityText,
    body: log.body,
    service: log.serviceName,
    tenant: log.tenant,
    run_id: runIdOf(log.attributes),
    attributes: json(log.attributes, 'attributes'),
    resource: resourceJson(log.resourceAttributes, 'resourceAttributes'),
  };
}

/**
 * Appends the log record's row to `out` in RowBinary, in the column order of LOGS_COLUMNS: the same
 * values as `logToRow`. Nothing is appended when the record is invalid.
 * @throws PermanentError (CLICKHOUSE_ROW_INVALID) for a record no retry could store.
 */
export function logToRowBinary(log: LogRow, out: RowBinaryWriter): void {
  const { time, observed } = logTimes(log);
  const severity = checkByte(log.severityNumber, 'severityNumber');
  const attributes = json(log.attributes, 'attributes');
  const resource = resourceBinary(log.resourceAttributes, 'resourceAttributes');
  // Every check is above: from here on the row is written whole.
  out.string(log.correlationId);
  out.string(log.traceId);
  out.string(log.spanId);
  out.string(log.logId);
  out.uint32(time.seconds);
  out.uint64Nanos(time.seconds, time.nanos);
  out.uint64Nanos(observed.seconds, observed.nanos);
  out.uint8(severity);
  out.string(log.severityText);
  out.string(log.body);
  out.string(log.serviceName);
  out.string(log.tenant);
  out.string(runIdOf(log.attributes));
  out.string(attributes);
  out.raw(resource);
}
