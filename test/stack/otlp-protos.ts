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
