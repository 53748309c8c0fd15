/**
 * Loads the vendored OTLP definitions (collector/proto, opentelemetry-proto v1.7.0) with protobufjs once
 * per process. Loading the .proto files at runtime keeps them the single source of truth: no generated
 * code to regenerate when they are updated.
 */
import { resolve } from 'node:path';
import * as protobuf from 'protobufjs';

/** collector/proto, from both src/decoding (tests) and dist/decoding (the built package). */
export const PROTO_DIR = resolve(__dirname, '..', '..', 'proto');

const FILES = [
  'opentelemetry/proto/collector/trace/v1/trace_service.proto',
  'opentelemetry/proto/collector/logs/v1/logs_service.proto',
];

interface OtlpTypes {
  traceRequest: protobuf.Type;
  logsRequest: protobuf.Type;
  /** Messages the span reader hands to their generated decoders (see otlp-span-reader.ts). */
  resource: protobuf.Type;
  scope: protobuf.Type;
  event: protobuf.Type;
  link: protobuf.Type;
}

let cached: OtlpTypes | undefined;

/** The request message types of the OTLP trace and logs services. */
export function otlpTypes(): OtlpTypes {
  if (cached === undefined) {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => resolve(PROTO_DIR, target);
    root.loadSync(FILES, { keepCase: false });
    root.resolveAll();
    cached = {
      traceRequest: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest'),
      logsRequest: root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest'),
      resource: root.lookupType('opentelemetry.proto.resource.v1.Resource'),
      scope: root.lookupType('opentelemetry.proto.common.v1.InstrumentationScope'),
      event: root.lookupType('opentelemetry.proto.trace.v1.Span.Event'),
      link: root.lookupType('opentelemetry.proto.trace.v1.Span.Link'),
    };
    // Generated decoders now, so that every call takes the full (reader, length, end, depth) signature.
    for (const type of Object.values(cached)) type.setup();
  }
  return cached;
}
