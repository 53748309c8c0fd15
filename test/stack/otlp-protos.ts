/**
 * The OTLP request types, loaded with protobufjs from the collector's vendored official .proto files:
 * tests read what the SDK sends (and write what the collector reads) with a decoder that is not ours.
 */
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { REPO_ROOT } from './config';

let loaded: { traceRequest: protobuf.Type; logsRequest: protobuf.Type } | undefined;

/** `ExportTraceServiceRequest` and `ExportLogsServiceRequest` (loaded once). */
export function otlpRequestTypes(): { traceRequest: protobuf.Type; logsRequest: protobuf.Type } {
  if (loaded !== undefined) return loaded;
  const protoRoot = join(REPO_ROOT, 'collector', 'proto');
  const root = new protobuf.Root();
  // The protos import each other by root-relative path; resolve them against the proto folder.
  root.resolvePath = (_origin, target) => join(protoRoot, target);
  root.loadSync(['opentelemetry/proto/collector/trace/v1/trace_service.proto', 'opentelemetry/proto/collector/logs/v1/logs_service.proto']).resolveAll();
  loaded = {
    traceRequest: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest'),
    logsRequest: root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest'),
  };
  return loaded;
}

/** A span as a test reads it back: ids in hex, name and attributes (string values). */
export interface DecodedSpan {
  traceId: string;
  spanId: string;
  name: string;
  attributes: Array<{ key: string; value: { stringValue?: string } }>;
}

/** The spans of one `ExportTraceServiceRequest` message, in order. */
export function decodeTraceRequest(value: Uint8Array): DecodedSpan[] {
  const { traceRequest } = otlpRequestTypes();
  type Raw = { resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: Array<{ traceId: number[]; spanId: number[]; name: string; attributes?: DecodedSpan['attributes'] }> }> }> };
  const req = traceRequest.toObject(traceRequest.decode(value), { bytes: Array }) as Raw;
  const hex = (b: number[]) => Buffer.from(b).toString('hex');
  return (req.resourceSpans ?? []).flatMap((rs) =>
    (rs.scopeSpans ?? []).flatMap((ss) => (ss.spans ?? []).map((s) => ({ traceId: hex(s.traceId), spanId: hex(s.spanId), name: s.name, attributes: s.attributes ?? [] }))),
  );
}
