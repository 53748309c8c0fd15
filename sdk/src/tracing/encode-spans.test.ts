// encodeSpans: one message per trace until the partition count is known, then one per partition that
// the traces' ids pick, split above the size limit; decoded with protobufjs from the official .proto files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { decodeTraceRequest } from '../../../test/stack/otlp-protos';
import { MAX_OTLP_MESSAGE_BYTES } from '../transport/kafka-message';
import { partitionOfKey } from '../transport/partitioner';
import { encodeSpans } from './encode-spans';
import { endedSpans } from './span-fixtures';

const idOf = (s: ReadableSpan) => `${s.spanContext().traceId}/${s.spanContext().spanId}`;

/** Every span of `spans` is in exactly one of `messages`. */
function assertEachSpanOnce(messages: Array<{ value: Buffer }>, spans: readonly ReadableSpan[]): void {
  const sent = messages.flatMap((m) => decodeTraceRequest(m.value).map((d) => `${d.traceId}/${d.spanId}`));
  assert.deepEqual([...sent].sort(), spans.map(idOf).sort());
}

test('before the partition count is known, each trace is one message keyed by its trace id', () => {
  const spans = endedSpans(30, 3);
  const { messages, failed } = encodeSpans(spans);
  assert.equal(failed, 0);
  assert.equal(messages.length, 30);
  for (const m of messages) assert.deepEqual(new Set(decodeTraceRequest(m.value).map((d) => d.traceId)), new Set([m.key]));
  assertEachSpanOnce(messages, spans);
});

test('with the partition count, traces that pick one partition share a message whose key picks it too', () => {
  const spans = endedSpans(200, 2);
  for (const partitions of [1, 4, 12]) {
    const { messages, failed } = encodeSpans(spans, partitions);
    assert.equal(failed, 0);
    const usedPartitions = new Set(spans.map((s) => partitionOfKey(s.spanContext().traceId, partitions)));
    assert.equal(messages.length, usedPartitions.size, `${partitions} partitions`);
    for (const m of messages) {
      const keyPartition = partitionOfKey(m.key, partitions);
      for (const { traceId } of decodeTraceRequest(m.value)) assert.equal(partitionOfKey(traceId, partitions), keyPartition, `trace ${traceId} in the message keyed ${m.key}`);
    }
    assertEachSpanOnce(messages, spans);
  }
});

test('a partition group larger than the message limit is split, each part under it and on the same partition', () => {
  const spans = endedSpans(8, 8, 10_000);
  const { messages, failed } = encodeSpans(spans, 1);
  assert.equal(failed, 0);
  assert.ok(messages.length > 1, `${messages.length} messages`);
  for (const m of messages) assert.ok(m.value.byteLength <= MAX_OTLP_MESSAGE_BYTES, `${m.value.byteLength} bytes`);
  assertEachSpanOnce(messages, spans);
});

test('no spans is no message', () => {
  assert.deepEqual(encodeSpans([], 4), { messages: [], failed: 0 });
});
