import { createHash } from 'node:crypto';
import { ATTR } from '@hindsight/sdk/contract';
import { PermanentError } from '../errors/hindsight-error';
import { ERROR_CODES } from '../errors/codes';
import type { LogRow, SpanRow } from '../sinks/records';
import { attributesToJs, anyValueToJs, hex, longToString, stringAttr, type AnyValueMsg, type KeyValueMsg, type LongLike } from './any-value';
import { otlpTypes } from './otlp-proto';
import { readSpanRows } from './otlp-span-reader';

type Long = number | LongLike;
interface ResourceMsg { attributes?: KeyValueMsg[] }
interface ScopeMsg { name?: string }
interface SpanMsg {
  traceId?: Uint8Array; spanId?: Uint8Array; parentSpanId?: Uint8Array; name?: string; kind?: number;
  startTimeUnixNano?: Long; endTimeUnixNano?: Long; attributes?: KeyValueMsg[];
  events?: Array<{ timeUnixNano?: Long; name?: string; attributes?: KeyValueMsg[] }>;
  status?: { code?: number; message?: string } | null;
}
interface LogMsg {
  timeUnixNano?: Long; observedTimeUnixNano?: Long; severityNumber?: number; severityText?: string;
  body?: AnyValueMsg | null; attributes?: KeyValueMsg[]; traceId?: Uint8Array; spanId?: Uint8Array;
}
interface TraceRequest { resourceSpans?: Array<{ resource?: ResourceMsg | null; scopeSpans?: Array<{ scope?: ScopeMsg | null; spans?: SpanMsg[] }> }> }
interface LogsRequest { resourceLogs?: Array<{ resource?: ResourceMsg | null; scopeLogs?: Array<{ scope?: ScopeMsg | null; logRecords?: LogMsg[] }> }> }

/** The attribute an SDK may set on a log record to give it a stable id across redeliveries. */
export const LOG_ID_ATTRIBUTE = 'hindsight.log_id';

function decodeOrThrow<T>(decode: () => unknown, what: string): T {
  try {
    return decode() as T;
  } catch (err) {
    throw new PermanentError(ERROR_CODES.otlpDecodeFailed, `not an OTLP ${what}: ${(err as Error).message}`, err);
  }
}

function checkId(bytes: Uint8Array | undefined, size: number, field: string, optional: boolean): void {
  const n = bytes?.length ?? 0;
  if ((optional && n === 0) || n === size) return;
  throw new PermanentError(ERROR_CODES.otlpDecodeFailed, `${field} has ${n} bytes, expected ${size}`);
}

/** Decodes an ExportTraceServiceRequest into one row per span. Throws PermanentError. */
export function decodeSpans(bytes: Uint8Array): SpanRow[] {
  return readSpanRows(bytes);
}

/**
 * The same rows by decoding the whole message with protobufjs and flattening it: what `decodeSpans`
 * did before it read the bytes directly, kept as the reference its tests compare it with.
 */
export function decodeSpansViaMessage(bytes: Uint8Array): SpanRow[] {
  const request = decodeOrThrow<TraceRequest>(() => otlpTypes().traceRequest.decode(bytes), 'ExportTraceServiceRequest');
  const rows: SpanRow[] = [];
  for (const rs of request.resourceSpans ?? []) {
    const resourceAttributes = attributesToJs(rs.resource?.attributes);
    const serviceName = stringAttr('service.name', resourceAttributes, {});
    for (const ss of rs.scopeSpans ?? []) {
      for (const span of ss.spans ?? []) {
        const i = rows.length;
        checkId(span.traceId, 16, `span ${i} trace_id`, false);
        checkId(span.spanId, 8, `span ${i} span_id`, false);
        checkId(span.parentSpanId, 8, `span ${i} parent_span_id`, true);
        const attributes = attributesToJs(span.attributes);
        rows.push({
          traceId: hex(span.traceId),
          spanId: hex(span.spanId),
          parentSpanId: hex(span.parentSpanId),
          name: span.name ?? '',
          kind: span.kind ?? 0,
          startTimeUnixNano: longToString(span.startTimeUnixNano),
          endTimeUnixNano: longToString(span.endTimeUnixNano),
          statusCode: span.status?.code ?? 0,
          statusMessage: span.status?.message ?? '',
          serviceName,
          correlationId: stringAttr(ATTR.correlationId, attributes, resourceAttributes),
          tenant: stringAttr(ATTR.tenant, attributes, resourceAttributes),
          attributes,
          resourceAttributes,
          scopeName: ss.scope?.name ?? '',
          events: (span.events ?? []).map((e) => ({
            name: e.name ?? '',
            timeUnixNano: longToString(e.timeUnixNano),
            attributes: attributesToJs(e.attributes),
          })),
        });
      }
    }
  }
  return rows;
}

/** Decodes an ExportLogsServiceRequest and flattens it into one row per log record. Throws PermanentError. */
export function decodeLogs(bytes: Uint8Array): LogRow[] {
  const request = decodeOrThrow<LogsRequest>(() => otlpTypes().logsRequest.decode(bytes), 'ExportLogsServiceRequest');
  const rows: LogRow[] = [];
  for (const rl of request.resourceLogs ?? []) {
    const resourceAttributes = attributesToJs(rl.resource?.attributes);
    const serviceName = stringAttr('service.name', resourceAttributes, {});
    for (const sl of rl.scopeLogs ?? []) {
      for (const log of sl.logRecords ?? []) {
        const i = rows.length;
        checkId(log.traceId, 16, `log ${i} trace_id`, true);
        checkId(log.spanId, 8, `log ${i} span_id`, true);
        const attributes = attributesToJs(log.attributes);
        const rawBody = anyValueToJs(log.body);
        const row: Omit<LogRow, 'logId'> = {
          timeUnixNano: longToString(log.timeUnixNano),
          observedTimeUnixNano: longToString(log.observedTimeUnixNano),
          severityNumber: log.severityNumber ?? 0,
          severityText: log.severityText ?? '',
          body: typeof rawBody === 'string' ? rawBody : rawBody === null ? '' : JSON.stringify(rawBody),
          traceId: hex(log.traceId),
          spanId: hex(log.spanId),
          serviceName,
          correlationId: stringAttr(ATTR.correlationId, attributes, resourceAttributes),
          tenant: stringAttr(ATTR.tenant, attributes, resourceAttributes),
          attributes,
          resourceAttributes,
        };
        const given = attributes[LOG_ID_ATTRIBUTE];
        rows.push({ logId: typeof given === 'string' && given !== '' ? given : logHash(row), ...row });
      }
    }
  }
  return rows;
}

// Redelivery must produce the same id, so the id is derived from content only (never from offsets).
function logHash(row: Omit<LogRow, 'logId'>): string {
  return createHash('sha256').update(JSON.stringify(row)).digest('hex').slice(0, 32);
}
