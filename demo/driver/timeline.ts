/**
 * One correlation's timeline: from the operator API (`GET /api/correlations/:id`) when the collector
 * serves it, else from the same query layer the API and `hindsight trace` use, read as the SELECT-only
 * role. Printed oldest first, one line per audit event, journal event, span and log record.
 */
import { loadCorrelationTimeline, type Timeline, type TimelineEntry } from '../../collector/src/api';
import { detectCapabilities } from '../../collector/src/sinks/clickhouse';
import type { StoreReader } from './store-counts';

export async function fetchTimeline(correlationId: string, source: { api?: { url: string; token: string }; stores: StoreReader }): Promise<Timeline> {
  if (source.api !== undefined) {
    const res = await fetch(`${source.api.url}/api/correlations/${encodeURIComponent(correlationId)}`, {
      headers: { authorization: `Bearer ${source.api.token}` },
    });
    if (!res.ok) throw new Error(`GET /api/correlations/${correlationId} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as Timeline;
  }
  const caps = await detectCapabilities(source.stores.clickhouse).catch(() => ({ queryParams: false }));
  return loadCorrelationTimeline({
    pg: source.stores.pg,
    clickhouse: { client: source.stores.clickhouse, caps },
    tenants: ['*'],
    correlationId,
  });
}

/** True when the timeline holds every kind the demo's run produces. */
export const timelineComplete = (t: Timeline, journalEvents: number): boolean =>
  t.counts.audit >= 1 && t.counts.journal >= journalEvents && t.counts.span > 0 && t.counts.log > 0;

const KIND_LABEL: Record<TimelineEntry['kind'], string> = { audit: 'audit  ', journal: 'journal', span: 'span   ', log: 'log    ' };

/** Span depth from the causation of parent span ids, so the trace reads as a tree. */
function depths(entries: readonly TimelineEntry[]): Map<string, number> {
  const parents = new Map<string, string | null>();
  for (const e of entries) if (e.kind === 'span') parents.set(e.span.spanId, e.span.parentSpanId);
  const depth = new Map<string, number>();
  const of = (id: string, seen = 0): number => {
    const parent = parents.get(id);
    if (parent === undefined || parent === null || !parents.has(parent) || seen > 32) return 0;
    return 1 + of(parent, seen + 1);
  };
  for (const id of parents.keys()) depth.set(id, of(id));
  return depth;
}

/** Lines of the timeline, at most `max` entries (the rest summarized). */
export function formatTimeline(t: Timeline, max = 40): string[] {
  const depth = depths(t.entries);
  const lines = t.entries.slice(0, max).map((e) => {
    const time = e.ts.slice(11, 26);
    const indent = e.kind === 'span' ? '  '.repeat(depth.get(e.span.spanId) ?? 0) : '';
    return `  ${time}  ${KIND_LABEL[e.kind]}  ${indent}${e.summary}`;
  });
  if (t.entries.length > max) lines.push(`  … ${t.entries.length - max} more entries`);
  return lines;
}
