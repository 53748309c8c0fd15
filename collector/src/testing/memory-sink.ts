import type { RecordKind, SinkRecord } from '../sinks/records';
import type { Sink, SinkHealth, WriteResult } from '../sinks/sink';
import type { SinkFactory } from '../sinks/sink-factory';
import { PermanentError, TransientError } from '../errors/hindsight-error';

const ALL_KINDS: readonly RecordKind[] = ['audit', 'journal', 'span', 'log'];

/**
 * An in-memory Sink for tests of the runtime: stores records, can be told to fail (`retry` results),
 * to refuse chosen records (`partial`), or to report not ready.
 */
export class MemorySink implements Sink {
  readonly accepts = ALL_KINDS;
  readonly records: SinkRecord[] = [];
  writeCalls = 0;
  failing = false;
  ready = true;
  /** Records for which this returns true are refused for good. */
  reject: (record: SinkRecord) => boolean = () => false;

  constructor(readonly name: string) {}

  async start(): Promise<void> {}

  async write(batch: readonly SinkRecord[]): Promise<WriteResult> {
    this.writeCalls++;
    if (this.failing) return { status: 'retry', error: new TransientError('SINK_UNAVAILABLE', 'memory sink told to fail') };
    const rejected = batch.filter((r) => this.reject(r));
    this.records.push(...batch.filter((r) => !this.reject(r)));
    if (rejected.length === 0) return { status: 'written' };
    return { status: 'partial', rejected: rejected.map((record) => ({ record, error: new PermanentError('SINK_REJECTED', 'refused by test') })) };
  }

  health(): SinkHealth {
    return { ready: this.ready, detail: this.ready ? `${this.records.length} records` : 'told to be not ready' };
  }

  async shutdown(): Promise<void> {}
}

/** A `memory` sink factory whose instances are handed to `onCreate` (so a test can drive them). */
export function memorySinkFactory(onCreate: (sink: MemorySink) => void): SinkFactory {
  return {
    type: 'memory',
    accepts: ALL_KINDS,
    create: (ctx) => {
      const sink = new MemorySink(ctx.name);
      onCreate(sink);
      return sink;
    },
  };
}
