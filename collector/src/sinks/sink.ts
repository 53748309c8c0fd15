import type { HindsightError } from '../errors/hindsight-error';
import type { RecordKind, SinkRecord } from './records';

/** What a write came to. Results are values: a sink never throws out of `write()`. */
export type WriteResult =
  /** Every record is durably stored (or was already: writes are idempotent). */
  | { status: 'written' }
  /** Nothing may be assumed stored; the caller retries the whole batch with backoff. */
  | { status: 'retry'; error: HindsightError }
  /**
   * The listed records can never be stored (the store refuses them); the rest are written.
   * The caller sends the rejected ones to the dead-letter topic and moves on.
   */
  | { status: 'partial'; rejected: Array<{ record: SinkRecord; error: HindsightError }> };

export interface SinkHealth {
  ready: boolean;
  /** Short, operator-facing; never contains credentials or query text. */
  detail: string;
}

/**
 * A destination for decoded records. One instance per configured sink; the pipeline feeds it batches
 * from its own consumer group and commits offsets only after `write` reports them durable.
 */
export interface Sink {
  readonly name: string;
  /** The record kinds this sink stores; the config is checked against it at startup. */
  readonly accepts: readonly RecordKind[];
  /** Connects and checks the store is usable; throws a ConfigError or TransientError when not. */
  start(): Promise<void>;
  /** Idempotent: writing the same records twice leaves one copy of each. */
  write(batch: readonly SinkRecord[]): Promise<WriteResult>;
  health(): SinkHealth;
  /** Flushes and releases connections. Safe to call more than once. */
  shutdown(): Promise<void>;
  /**
   * Told when a consumer writing to this sink joined its group (a rebalance, or a restarted consumer):
   * what the sink inferred from the offsets it saw no longer holds, since another member may have
   * written those partitions meanwhile. Optional: sinks that look nothing up by offset ignore it.
   */
  assignmentChanged?(): void;
}
