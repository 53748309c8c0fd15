import { Type } from '@sinclair/typebox';
import type { RecordKind, SinkRecord } from '../records';
import type { Sink, SinkHealth, WriteResult } from '../sink';
import type { SinkFactory } from '../sink-factory';

const ALL_KINDS: readonly RecordKind[] = ['audit', 'journal', 'span', 'log'];

/**
 * Accepts every record and stores nothing. Measures the pipeline without a store behind it
 * (benchmarks) and gives tests and example configs a sink that needs no service.
 */
export class DiscardSink implements Sink {
  readonly accepts = ALL_KINDS;
  /** Records seen so far; lets tests and benchmarks check the pipeline delivered. */
  written = 0;

  constructor(readonly name: string) {}

  async start(): Promise<void> {}

  async write(batch: readonly SinkRecord[]): Promise<WriteResult> {
    this.written += batch.length;
    return { status: 'written' };
  }

  health(): SinkHealth {
    return { ready: true, detail: `discarded ${this.written} records` };
  }

  async shutdown(): Promise<void> {}
}

/** Registered as sink type `discard`; takes no options. */
export const discardSinkFactory: SinkFactory = {
  type: 'discard',
  accepts: ALL_KINDS,
  optionsSchema: Type.Object({}, { additionalProperties: false }),
  create: (ctx) => new DiscardSink(ctx.name),
};
