import { ATTR } from '@hindsight/sdk/contract';
import { PermanentError } from '../../errors/hindsight-error';
import type { LogRow, SpanRow } from '../records';

/** Code of a record the ClickHouse sink can never store (it goes to the dead-letter topic). */
export const ROW_INVALID = 'CLICKHOUSE_ROW_INVALID';

/** A row of the `spans` table as sent in JSONEachRow (UInt64 values as decimal strings). */
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

/** A row of the `logs` table as sent in JSONEachRow. */
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

// DateTime is a UInt32 of seconds: anything past 2106-02-07 would wrap silently on insert.
const MAX_SECONDS = 4_294_967_295;

function invalid(message: string): PermanentError {
  return new PermanentError(ROW_INVALID, message);
}

const NANOS = /^\d{1,20}$/;
/** Decimal without leading zeros: its own canonical form, so `BigInt(v).toString() === v`. */
const CANONICAL = /^(?:0|[1-9]\d*)$/;

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

/** Parses an OTLP nanosecond timestamp (decimal string) and checks it fits a DateTime. */
function parseNanos(value: string, field: string): Nanos {
  if (typeof value !== 'string' || !NANOS.test(value)) throw invalid(`${field} is not a nanosecond timestamp: ${JSON.stringify(value)}`);
  const text = CANONICAL.test(value) ? value : value.replace(/^0+(?=\d)/, '');
  const cut = text.length - 9;
  const seconds = cut > 0 ? Number(text.slice(0, cut)) : 0;
  if (seconds > MAX_SECONDS) throw invalid(`${field} is past the DateTime range: ${value}`);
  return { seconds, nanos: Number(cut > 0 ? text.slice(cut) : text), text };
}

/** `end - start` in nanoseconds as a decimal string; a span that ends before it starts counts as zero. */
function durationText(start: Nanos, end: Nanos): string {
  const seconds = end.seconds - start.seconds;
  const diff = seconds * 1e9 + (end.nanos - start.nanos);
  if (diff <= 0) return '0';
  // Exact in a double below 2^53 ns (~104 days); a longer span is subtracted as BigInt.
  return diff < Number.MAX_SAFE_INTEGER ? String(diff) : (BigInt(end.text) - BigInt(start.text)).toString();
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

// The same resource's JSON as a JSON string literal, for the JSONEachRow lines of its spans.
let lastResourceLine: unknown;
let lastResourceLineText = '';

function resourceLiteral(value: unknown, field: string): string {
  if (value !== undefined && value === lastResourceLine) return lastResourceLineText;
  const text = JSON.stringify(resourceJson(value, field));
  lastResourceLine = value;
  lastResourceLineText = text;
  return text;
}

/** A string as a JSON literal (quoted and escaped). */
const literal: (value: string) => string = JSON.stringify;

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
    // A span that ends before it starts (clock step) counts as zero length rather than wrapping.
    duration_ns: durationText(start, end),
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

/**
 * The span's row as one JSONEachRow line (no newline), the same text as `JSON.stringify(spanToRow(span))`
 * written in one pass: no row object, and the resource's JSON is escaped once per resource instead of
 * once per span.
 * @throws PermanentError (CLICKHOUSE_ROW_INVALID) for a span no retry could store.
 */
export function spanToLine(span: SpanRow): string {
  if (!span.spanId || !span.traceId) throw invalid('span without trace id or span id');
  const start = parseNanos(span.startTimeUnixNano, 'startTimeUnixNano');
  const end = parseNanos(span.endTimeUnixNano, 'endTimeUnixNano');
  // Nanosecond texts are validated digits and the numbers are integers: only strings need escaping.
  return '{"correlation_id":' + literal(span.correlationId) +
    ',"trace_id":' + literal(span.traceId) +
    ',"span_id":' + literal(span.spanId) +
    ',"parent_span_id":' + literal(span.parentSpanId) +
    ',"start_time":' + start.seconds +
    ',"start_time_ns":"' + start.text +
    '","end_time_ns":"' + end.text +
    '","duration_ns":"' + durationText(start, end) +
    '","service":' + literal(span.serviceName) +
    ',"operation":' + literal(span.name) +
    ',"kind":' + checkByte(span.kind, 'kind') +
    ',"status_code":' + checkByte(span.statusCode, 'statusCode') +
    ',"status_message":' + literal(span.statusMessage) +
    ',"tenant":' + literal(span.tenant) +
    ',"run_id":' + literal(runIdOf(span.attributes)) +
    ',"scope_name":' + literal(span.scopeName) +
    ',"attributes":' + literal(json(span.attributes, 'attributes')) +
    ',"resource":' + resourceLiteral(span.resourceAttributes, 'resourceAttributes') +
    ',"events":' + literal(eventsJson(span.events)) +
    '}';
}

/**
 * Maps a decoded log record to its table row. The record's time is its own timestamp, else the time
 * the SDK observed it (OTLP allows either to be 0).
 * @throws PermanentError (CLICKHOUSE_ROW_INVALID) for a record no retry could store.
 */
export function logToRow(log: LogRow): LogsTableRow {
  if (!log.logId) throw invalid('log record without log id');
  const observed = parseNanos(log.observedTimeUnixNano || '0', 'observedTimeUnixNano');
  const own = parseNanos(log.timeUnixNano || '0', 'timeUnixNano');
  const time = own.seconds > 0 || own.nanos > 0 ? own : observed;
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

/** The log record's row as one JSONEachRow line: `JSON.stringify(logToRow(log))`. */
export function logToLine(log: LogRow): string {
  return JSON.stringify(logToRow(log));
}
