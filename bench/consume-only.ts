/**
 * Consume-only: the collector runtime with the `discard` sink against a bare kafkajs `eachBatch`
 * consumer, over the same pre-filled topic (contract journal events) in the same run. Both are timed
 * from their first batch to the last expected message. Target ≥ 0.9×.
 *
 * The bare consumer reads with the collector's own kafkajs settings (partitions consumed concurrently,
 * bytes per partition), so the two differ only by what the collector does per message. The topic is
 * large enough (200 000 messages, ~130 MB) for the clocks to cover many fetches: both start at the
 * first batch, after kafkajs has decoded the first fetch, and on a topic of a few fetches the window
 * measured little more than a loop over data already in memory (docs/benchmarks.md, eleventh round).
 */
import { discardSinkFactory } from '@hindsight/collector';
import { exampleJournalEvent, newEventId, parseContractEvent } from '@hindsight/sdk/contract';
import { PARTITIONS_CONSUMED_CONCURRENTLY } from '../collector/src/sources/kafka/sink-consumer';
import { runCollector } from './lib/collector-run';
import { ResultBuilder, parseBenchArgs, progress } from './lib/result';
import { fill, freshTopic, kafkaClient, partitionsFor, uniqueName } from './lib/stack';

/**
 * A bare kafkajs consumer. With `decode`, it also parses and validates each message with the contract
 * (the work the collector cannot skip), which isolates the collector runtime's own overhead.
 */
async function bareConsume(topic: string, expected: number, decode = false, timeoutMs = 120_000): Promise<number> {
  const consumer = kafkaClient('bench-bare-consumer').consumer({ groupId: uniqueName('bench-bare'), maxBytesPerPartition: 1024 * 1024, maxWaitTimeInMs: 200 });
  let seen = 0;
  let first = 0;
  let last = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: PARTITIONS_CONSUMED_CONCURRENTLY,
    eachBatch: async ({ batch, resolveOffset }) => {
      if (seen === 0) first = performance.now();
      for (const m of batch.messages) {
        // Same per-message work the collector cannot skip: touch the bytes and mark the offset.
        if (m.value !== null && (!decode || parseContractEvent(m.value).ok)) seen++;
        resolveOffset(m.offset);
      }
      await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(batch.lastOffset()) + 1n).toString() }]);
      last = performance.now();
      if (seen >= expected) done();
    },
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([finished, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`bare consumer saw ${seen}/${expected} in ${timeoutMs} ms`)), timeoutMs)))]);
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
  return expected / ((last - first) / 1000);
}

async function main(): Promise<void> {
  const args = parseBenchArgs();
  const out = new ResultBuilder('consume', 'Consume-only: collector with the discard sink vs bare kafkajs eachBatch', args);
  const i = process.argv.indexOf('--messages');
  const n = i >= 0 ? Number(process.argv[i + 1]) : args.quick ? 5_000 : 200_000;
  const values = Array.from({ length: n }, () => Buffer.from(JSON.stringify({ ...exampleJournalEvent(), event_id: newEventId() })));
  // The mock keeps at most 5 MiB per partition: 200 000 messages need ~35 (fill() checks it).
  const partitions = Math.max(8, partitionsFor(n, values[0]!.length));
  const producer = kafkaClient('bench-fill').producer();
  await producer.connect();
  for (let run = 1; run <= args.runs; run++) {
    const topic = await freshTopic('bench-consume', partitions);
    await fill(producer, topic, values, partitions);
    // Alternate which side goes first so cache and JIT warmth favour neither.
    const sides = run % 2 === 0 ? ['bare', 'bare+decode', 'collector'] : ['collector', 'bare+decode', 'bare'];
    const rate: Record<string, number> = {};
    for (const side of sides) {
      rate[side] = side === 'bare'
        ? await bareConsume(topic, n)
        : side === 'bare+decode'
          ? await bareConsume(topic, n, true)
          : (await runCollector({ factory: discardSinkFactory, sinkOptions: {}, topic, kind: 'journal', expected: n, maxRecords: 1000, timeoutMs: 120_000 })).perSecond;
    }
    out.metric('collector + discard sink', 'msg/s', rate['collector']!);
    out.metric('bare kafkajs eachBatch', 'msg/s', rate['bare']!);
    out.metric('bare kafkajs eachBatch + contract decode', 'msg/s', rate['bare+decode']!);
    out.ratio('consume', 'collector (discard sink) / bare kafkajs eachBatch, messages/s', rate['collector']! / rate['bare']!, { op: '>=', value: 0.9 });
    out.ratio('consume-runtime', 'collector (discard sink) / bare kafkajs eachBatch that also parses and validates each message (parseContractEvent), messages/s', rate['collector']! / rate['bare+decode']!, { op: '>=', value: 0.9 });
    progress(`run ${run}/${args.runs}: collector ${rate['collector']!.toFixed(0)}/s, bare ${rate['bare']!.toFixed(0)}/s, bare+decode ${rate['bare+decode']!.toFixed(0)}/s`);
  }
  out.note(`${n} contract journal messages (~${values[0]!.length} B) per run on a ${partitions}-partition topic of the mock cluster (it keeps at most 5 MiB per partition); the collector decodes and validates each one, the bare consumer only counts them, the bare+decode consumer runs the same parseContractEvent on each.`);
  await producer.disconnect();
  out.emit();
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
