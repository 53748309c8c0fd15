import { parseTimestampMicros } from '@hindsight/sdk/contract';
import type { CausationNode } from '../../api/queries/causation-tree';
import type { Timeline, TimelineEntry } from '../../api/queries/timeline';

/** How an entry's severity is shown (and coloured on a terminal). */
export type Severity = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

const COLOURS: Record<Severity, string> = { DEBUG: '\x1b[2m', INFO: '', WARN: '\x1b[33m', ERROR: '\x1b[31m' };
const RESET = '\x1b[0m';

/** One severity scale for every kind: journal as is, audit by outcome, spans by status, logs by OTel number. */
export function severityOf(entry: TimelineEntry): Severity {
  switch (entry.kind) {
    case 'journal':
      return (['DEBUG', 'INFO', 'WARN', 'ERROR'] as const).find((s) => s === entry.journal.severity) ?? 'INFO';
    case 'audit':
      return entry.audit.outcome === 'failure' ? 'ERROR' : entry.audit.outcome === 'denied' ? 'WARN' : 'INFO';
    case 'span':
      return entry.span.statusCode === 2 ? 'ERROR' : 'INFO';
    case 'log': {
      const n = entry.log.severityNumber;
      return n >= 17 ? 'ERROR' : n >= 13 ? 'WARN' : n >= 9 || n === 0 ? 'INFO' : 'DEBUG';
    }
  }
}

/** Milliseconds with up to three decimals: `12.345 ms`, `1.2 s` past a second. */
export function formatDuration(micros: bigint): string {
  const ms = Number(micros) / 1000;
  return Math.abs(ms) >= 1000 ? `${(ms / 1000).toFixed(3).replace(/\.?0+$/, '')} s` : `${Number(ms.toFixed(3))} ms`;
}

/** Options of {@link renderTimeline}. */
export interface RenderOptions {
  /** ANSI colours by severity; only for a terminal. */
  colour?: boolean;
}

const micros = (ts: string | undefined): bigint => (ts === undefined ? 0n : (parseTimestampMicros(ts) ?? 0n));

/**
 * The timeline as text: a header, then the causation forest (children indented under their cause,
 * logs under the span they were written in), each line with the time, the offset from the first
 * entry, the kind, the severity, the summary and, for spans, the duration.
 */
export function renderTimeline(timeline: Timeline, options: RenderOptions = {}): string[] {
  const { entries, counts } = timeline;
  if (entries.length === 0) return [`correlation ${timeline.correlationId}: no events found`];
  const byId = new Map(entries.map((e) => [e.id, e]));
  const t0 = micros(entries[0]?.ts);
  const last = entries.reduce((m, e) => {
    const end = e.kind === 'span' ? micros(e.ts) + BigInt(e.span.durationNs) / 1000n : micros(e.ts);
    return end > m ? end : m;
  }, t0);
  const lines = [
    `correlation ${timeline.correlationId}: ${entries.length} entries (${counts.audit} audit, ${counts.journal} journal, ${counts.span} spans, ${counts.log} logs) ` +
      `from ${entries[0]?.ts} over ${formatDuration(last - t0)}`,
  ];
  if (timeline.truncated) lines.push('note: a source hit its row limit; the timeline may be incomplete');
  if (timeline.clickhouse === 'unavailable') lines.push('note: ClickHouse could not be read; spans and logs are missing');

  // Logs have no causation of their own: they hang under their span, or stand alone.
  const logsBySpan = new Map<string, TimelineEntry[]>();
  const looseLogs: TimelineEntry[] = [];
  for (const e of entries) {
    if (e.kind !== 'log') continue;
    const spanKey = e.traceId && e.spanId ? `${e.traceId}/${e.spanId}` : undefined;
    if (spanKey && byId.has(spanKey)) logsBySpan.set(spanKey, [...(logsBySpan.get(spanKey) ?? []), e]);
    else looseLogs.push(e);
  }

  const line = (e: TimelineEntry): string => {
    const sev = severityOf(e);
    const offset = `+${formatDuration(micros(e.ts) - t0)}`;
    const text = `${e.ts}  ${offset.padStart(12)}  ${e.kind.padEnd(7)} ${sev.padEnd(5)} ${e.summary}`;
    return options.colour === true && COLOURS[sev] !== '' ? `${COLOURS[sev]}${text}${RESET}` : text;
  };
  type Item = { ts: bigint; text: (prefix: string) => string[] };
  const itemOf = (node: CausationNode): Item => ({ ts: micros(node.ts), text: (p) => walk(node, p) });
  const logItem = (e: TimelineEntry): Item => ({ ts: micros(e.ts), text: () => [line(e)] });
  const children = (items: Item[], prefix: string): string[] => {
    items.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
    return items.flatMap((item, i) => {
      const lastChild = i === items.length - 1;
      const [first = '', ...rest] = item.text(prefix + (lastChild ? '   ' : '│  '));
      return [`${prefix}${lastChild ? '└─ ' : '├─ '}${first}`, ...rest];
    });
  };
  function walk(node: CausationNode, prefix: string): string[] {
    const e = byId.get(node.id);
    const head = e ? line(e) : `(caused by ${node.id}, not in this timeline)`;
    const kids = [...node.children.map(itemOf), ...(logsBySpan.get(node.id) ?? []).map(logItem)];
    return [head, ...children(kids, prefix)];
  }
  const roots: Item[] = [...timeline.causation.map(itemOf), ...looseLogs.map(logItem)];
  // An external cause has no time of its own: it sorts by its first child.
  for (const [i, node] of timeline.causation.entries()) {
    if (node.ts === undefined) (roots[i] as Item).ts = micros(node.children[0]?.ts);
  }
  roots.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
  for (const r of roots) lines.push(...r.text(''));
  return lines;
}
