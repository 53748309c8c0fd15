/** Raw Kafka access for end-to-end tests: produce bytes the SDK never would, read topics back. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import protobuf from 'protobufjs';
import { endpoints, REPO, waitFor } from './stack';

export function kafkaClient(clientId = 'hindsight-e2e'): Kafka {
  return new Kafka({ clientId, brokers: endpoints().kafka.brokers, logLevel: logLevel.NOTHING });
}

/** Sends one message and returns where it landed (partition, offset). */
export async function produceOne(
  producer: Producer,
  topic: string,
  key: string,
  value: Buffer | string,
): Promise<{ partition: number; offset: string }> {
  const [meta] = await producer.send({ topic, acks: -1, messages: [{ key, value }] });
  if (meta === undefined || meta.baseOffset === undefined) throw new Error(`no metadata for the send to ${topic}`);
  return { partition: meta.partition, offset: meta.baseOffset };
}

export interface ReadMessage {
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
}

interface KcatJson {
  partition: number;
  offset: number;
  key: string | null;
  headers?: string[] | null;
}

/**
 * Reads a whole topic with kcat (librdkafka: an independent client) until at least `count` messages are
 * there: headers from its JSON output, exact value bytes from a length-prefixed pass.
 */
export async function readTopic(topic: string, count: number, timeoutMs = 30_000): Promise<ReadMessage[]> {
  const base = ['-C', '-b', endpoints().kafka.brokers.join(','), '-t', topic, '-o', 'beginning', '-e', '-q'];
  const read = (): ReadMessage[] => {
    const meta = execFileSync('kcat', [...base, '-J'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as KcatJson);
    const raw = execFileSync('kcat', [...base, '-f', '%p %o %S\n%s'], { maxBuffer: 64 * 1024 * 1024 });
    const values = new Map<string, Buffer>();
    for (let i = 0; i < raw.length; ) {
      const nl = raw.indexOf(0x0a, i);
      const [p, o, n] = raw.subarray(i, nl).toString().split(' ');
      const len = Math.max(0, Number(n));
      values.set(`${p}@${o}`, raw.subarray(nl + 1, nl + 1 + len));
      i = nl + 1 + len;
    }
    return meta.map((m) => {
      const h = m.headers ?? [];
      const headers: Record<string, string> = {};
      for (let i = 0; i + 1 < h.length; i += 2) headers[h[i] as string] = h[i + 1] as string;
      return { partition: m.partition, offset: String(m.offset), key: m.key, value: values.get(`${m.partition}@${m.offset}`) ?? Buffer.alloc(0), headers };
    });
  };
  let got: ReadMessage[] = [];
  await waitFor(`${count} messages on ${topic}`, () => {
    got = read();
    return got.length >= count ? true : undefined;
  }, timeoutMs, 500);
  await new Promise((r) => setTimeout(r, 500)); // then once more, so a message that should not exist is seen too
  return read();
}

let traceRequest: protobuf.Type | undefined;
/** Encodes an OTLP ExportTraceServiceRequest with one span, from the collector's vendored .proto files. */
export function encodeOtlpSpan(span: { traceId: string; spanId: string; name: string; correlationId: string; service: string }): Buffer {
  if (traceRequest === undefined) {
    const protoRoot = join(REPO, 'collector', 'proto');
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => join(protoRoot, target);
    traceRequest = root.loadSync(['opentelemetry/proto/collector/trace/v1/trace_service.proto']).resolveAll()
      .lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
  }
  const now = BigInt(Date.now()) * 1_000_000n;
  const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
  const message = traceRequest.fromObject({
    resourceSpans: [
      {
        resource: { attributes: [str('service.name', span.service)] },
        scopeSpans: [
          {
            scope: { name: 'e2e' },
            spans: [
              {
                traceId: Buffer.from(span.traceId, 'hex'),
                spanId: Buffer.from(span.spanId, 'hex'),
                name: span.name,
                kind: 2,
                startTimeUnixNano: String(now - 1_000_000n),
                endTimeUnixNano: String(now),
                attributes: [str('hindsight.correlation_id', span.correlationId)],
              },
            ],
          },
        ],
      },
    ],
  });
  return Buffer.from(traceRequest.encode(message).finish());
}
