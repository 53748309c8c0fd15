import { parseTimestampMicros } from '@hindsight/sdk/contract';
import type { RecordKind, SinkRecord } from '../sinks/records';

/**
 * Which records a replay keeps. Every given criterion must hold (AND); within a list any entry may
 * match (OR). An empty filter keeps everything.
 */
export interface ReplayFilter {
  /** `event_id` of audit/journal events, span id of spans, log id of logs. */
  eventIds?: readonly string[];
  /** Record kinds: audit, journal, span, log. */
  kinds?: readonly RecordKind[];
  /** Journal `kind`, audit `action` or span name; a trailing `*` matches a prefix (`run.*`). */
  names?: readonly string[];
  correlationId?: string;
  /** Record time (event ts, span start, log time) at or after this. */
  from?: Date;
  /** Record time before this. */
  to?: Date;
}

/** The record's own time in milliseconds since the epoch (not the Kafka message's). */
export function recordTimeMs(record: SinkRecord): number {
  switch (record.kind) {
    case 'audit':
    case 'journal': {
      const micros = parseTimestampMicros(record.event.ts);
      return micros === undefined ? Number.NaN : Number(micros / 1000n);
    }
    case 'span':
      return Number(BigInt(record.span.startTimeUnixNano) / 1_000_000n);
    case 'log': {
      const ns = record.log.timeUnixNano !== '0' ? record.log.timeUnixNano : record.log.observedTimeUnixNano;
      return Number(BigInt(ns) / 1_000_000n);
    }
  }
}

/** The id a replay filters on and sinks deduplicate by. */
export function recordId(record: SinkRecord): string {
  switch (record.kind) {
    case 'audit':
    case 'journal':
      return record.event.event_id;
    case 'span':
      return record.span.spanId;
    case 'log':
      return record.log.logId;
  }
}

function recordName(record: SinkRecord): string | undefined {
  switch (record.kind) {
    case 'audit':
      return record.event.action;
    case 'journal':
      return record.event.kind;
    case 'span':
      return record.span.name;
    case 'log':
      return undefined;
  }
}

function correlationOf(record: SinkRecord): string {
  return record.kind === 'audit' || record.kind === 'journal' ? record.event.correlation_id
    : record.kind === 'span' ? record.span.correlationId : record.log.correlationId;
}

const nameMatches = (pattern: string, name: string): boolean =>
  pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern;

/** Builds the predicate of `filter` once (id lookups in a set). */
export function compileFilter(filter: ReplayFilter): (record: SinkRecord) => boolean {
  const ids = filter.eventIds && filter.eventIds.length > 0 ? new Set(filter.eventIds.map((s) => s.toLowerCase())) : undefined;
  const kinds = filter.kinds && filter.kinds.length > 0 ? new Set(filter.kinds) : undefined;
  const names = filter.names && filter.names.length > 0 ? filter.names : undefined;
  const from = filter.from?.getTime();
  const to = filter.to?.getTime();
  return (record) => {
    if (kinds && !kinds.has(record.kind)) return false;
    if (ids && !ids.has(recordId(record).toLowerCase())) return false;
    if (filter.correlationId !== undefined && correlationOf(record) !== filter.correlationId) return false;
    if (names) {
      const name = recordName(record);
      if (name === undefined || !names.some((p) => nameMatches(p, name))) return false;
    }
    if (from !== undefined || to !== undefined) {
      const t = recordTimeMs(record);
      if (Number.isNaN(t) || (from !== undefined && t < from) || (to !== undefined && t >= to)) return false;
    }
    return true;
  };
}

/** Keeps the `n` most recent records by record time (ties: later arrival wins). */
export function mostRecent<T extends SinkRecord>(records: readonly T[], n: number): T[] {
  return records
    .map((r, i) => ({ r, i, t: recordTimeMs(r) }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .slice(Math.max(0, records.length - n))
    .map((x) => x.r);
}
