import { formatTimestampMicros, parseTimestampMicros } from '@hindsight/sdk/contract';
import { auditByCorrelation } from './audit';
import { buildCausationTree, type CausationInput, type CausationNode } from './causation-tree';
import { logsOfCorrelation, spansOfCorrelation, type ClickHouseReader, type DrilldownLog, type DrilldownSpan } from './clickhouse-drilldown';
import { journalByCorrelation } from './journal';
import type { AuditEventView, JournalEventView, PgQueryable } from './rows';
import type { TenantScope } from './tenant-scope';

/** Fields every timeline entry has, whatever its kind. */
interface EntryBase {
  /** Contract timestamp, microseconds: the event time, a span's start, a log record's time. */
  ts: string;
  /** Event id, `trace_id/span_id` for spans, the log id for logs. */
  id: string;
  tenant: string;
  service: string;
  traceId: string | null;
  spanId: string | null;
  /** One line for humans (the terminal and the UI print it as is). */
  summary: string;
}

/** A span as the timeline shows it. */
export interface SpanView {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  operation: string;
  kind: number;
  /** OTel status: 0 unset, 1 ok, 2 error. */
  statusCode: number;
  statusMessage: string;
  startNs: string;
  endNs: string;
  durationNs: string;
  runId: string | null;
  attributes: unknown;
}

/** A log record as the timeline shows it. */
export interface LogView {
  logId: string;
  severityNumber: number;
  severityText: string;
  body: string;
  runId: string | null;
}

/** One entry of a correlation's timeline. */
export type TimelineEntry =
  | (EntryBase & { kind: 'audit'; audit: AuditEventView })
  | (EntryBase & { kind: 'journal'; journal: JournalEventView })
  | (EntryBase & { kind: 'span'; span: SpanView })
  | (EntryBase & { kind: 'log'; log: LogView });

/** Everything known about one correlation id, readable by the caller. */
export interface Timeline {
  correlationId: string;
  /** In the order of {@link orderTimelineEntries}. */
  entries: TimelineEntry[];
  /** Which event caused which (see causation-tree.ts). */
  causation: CausationNode[];
  counts: { audit: number; journal: number; span: number; log: number };
  /** True when a source returned its row limit: older or newer rows may be missing. */
  truncated: boolean;
  /** `unavailable` when ClickHouse could not be read (spans and logs are then missing, the rest is shown). */
  clickhouse: 'ok' | 'unavailable' | 'not-configured';
}

/** Options of {@link loadCorrelationTimeline}. */
export interface TimelineQuery {
  /** Postgres, as a SELECT-only role (hindsight_reader). */
  pg: PgQueryable;
  /** Spans and logs come from here; without it the timeline has audit and journal events only. */
  clickhouse?: ClickHouseReader;
  /** Tenants the caller may read (`['*']` = all): rows of other tenants are never returned. */
  tenants: TenantScope;
  correlationId: string;
  /** Rows read per source at most (default 5000). */
  limitPerSource?: number;
  /** Told when ClickHouse fails, so the detail reaches the logs (it never reaches the result). */
  onClickHouseError?: (err: unknown) => void;
}

const KIND_ORDER = { audit: 0, journal: 1, span: 2, log: 3 } as const;

const nsToTs = (ns: string): string => formatTimestampMicros(BigInt(ns) / 1000n);
const orNull = (s: string): string | null => (s === '' ? null : s);

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function spanEntry(s: DrilldownSpan): TimelineEntry {
  const ms = Number(BigInt(s.duration_ns) / 1000n) / 1000;
  const status = s.status_code === 2 ? ` ERROR${s.status_message ? `: ${s.status_message}` : ''}` : '';
  return {
    kind: 'span',
    ts: nsToTs(s.start_time_ns),
    id: `${s.trace_id}/${s.span_id}`,
    tenant: s.tenant,
    service: s.service,
    traceId: s.trace_id,
    spanId: s.span_id,
    summary: `${s.service} ${s.operation} ${ms} ms${status}`,
    span: {
      traceId: s.trace_id,
      spanId: s.span_id,
      parentSpanId: orNull(s.parent_span_id),
      operation: s.operation,
      kind: Number(s.kind),
      statusCode: Number(s.status_code),
      statusMessage: s.status_message,
      startNs: s.start_time_ns,
      endNs: s.end_time_ns,
      durationNs: s.duration_ns,
      runId: orNull(s.run_id),
      attributes: parseJson(s.attributes),
    },
  };
}

function logEntry(l: DrilldownLog): TimelineEntry {
  const body = l.body.length > 200 ? `${l.body.slice(0, 199)}…` : l.body;
  return {
    kind: 'log',
    ts: nsToTs(l.time_ns),
    id: l.log_id,
    tenant: l.tenant,
    service: l.service,
    traceId: orNull(l.trace_id),
    spanId: orNull(l.span_id),
    summary: `[${l.severity_text || l.severity_number}] ${body.replace(/[\r\n]+/g, ' ')}`,
    log: { logId: l.log_id, severityNumber: Number(l.severity_number), severityText: l.severity_text, body: l.body, runId: orNull(l.run_id) },
  };
}

function auditEntry(a: AuditEventView): TimelineEntry {
  const reason = a.reason ? ` (${a.reason.replace(/[\r\n]+/g, ' ')})` : '';
  return {
    kind: 'audit', ts: a.ts, id: a.eventId, tenant: a.tenant, service: a.service, traceId: a.traceId, spanId: a.spanId,
    summary: `${a.actor.id} ${a.action} ${a.resource.type}/${a.resource.id}: ${a.outcome}${reason}`,
    audit: a,
  };
}

function journalEntry(j: JournalEventView): TimelineEntry {
  return {
    kind: 'journal', ts: j.ts, id: j.eventId, tenant: j.tenant, service: j.service, traceId: j.traceId, spanId: j.spanId,
    summary: `[${j.severity}] ${j.kind}: ${j.summary}`,
    journal: j,
  };
}

/** How many ancestors each span has among the timeline's spans (a cycle counts as no further ancestor). */
function spanDepths(entries: readonly TimelineEntry[]): Map<string, number> {
  const parentOf = new Map<string, string | undefined>();
  for (const e of entries) if (e.kind === 'span') parentOf.set(e.id, e.span.parentSpanId === null ? undefined : `${e.span.traceId}/${e.span.parentSpanId}`);
  const depths = new Map<string, number>();
  for (const id of parentOf.keys()) {
    let depth = 0;
    const seen = new Set([id]);
    for (let parent = parentOf.get(id); parent !== undefined && parentOf.has(parent) && !seen.has(parent); parent = parentOf.get(parent)) {
      seen.add(parent);
      depth++;
    }
    depths.set(id, depth);
  }
  return depths;
}

/**
 * Sorts a timeline's entries in place, oldest first. At equal timestamps (microseconds): audit, journal,
 * span, log; spans by their start in nanoseconds, then a parent before its children (a job and its
 * first step often start in the same microsecond, or the same millisecond when the app's clock has no
 * finer grain); last by id, so the order never depends on the stores' row order.
 */
export function orderTimelineEntries(entries: TimelineEntry[]): TimelineEntry[] {
  const depths = spanDepths(entries);
  return entries.sort((a, b) => {
    const ta = parseTimestampMicros(a.ts) ?? 0n;
    const tb = parseTimestampMicros(b.ts) ?? 0n;
    if (ta !== tb) return ta < tb ? -1 : 1;
    if (a.kind !== b.kind) return KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
    if (a.kind === 'span' && b.kind === 'span') {
      const na = BigInt(a.span.startNs);
      const nb = BigInt(b.span.startNs);
      if (na !== nb) return na < nb ? -1 : 1;
      const byDepth = (depths.get(a.id) ?? 0) - (depths.get(b.id) ?? 0);
      if (byDepth !== 0) return byDepth;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}

function causationInputs(entries: readonly TimelineEntry[]): CausationInput[] {
  const out: CausationInput[] = [];
  for (const e of entries) {
    if (e.kind === 'audit') out.push({ id: e.id, kind: 'audit', ts: e.ts, summary: e.summary, causeId: e.audit.causationId });
    else if (e.kind === 'journal') out.push({ id: e.id, kind: 'journal', ts: e.ts, summary: e.summary, causeId: e.journal.causationId });
    else if (e.kind === 'span') {
      const parent = e.span.parentSpanId === null ? null : `${e.span.traceId}/${e.span.parentSpanId}`;
      out.push({ id: e.id, kind: 'span', ts: e.ts, summary: e.summary, causeId: parent });
    }
  }
  return out;
}

/**
 * One ordered timeline of a correlation id: audit and journal events (Postgres, live and archived),
 * spans and logs (ClickHouse, raw and archived), plus the causation tree. Only rows of the caller's
 * tenants are read. Used by `GET /api/correlations/:id` and the `hindsight trace` command.
 */
export async function loadCorrelationTimeline(q: TimelineQuery): Promise<Timeline> {
  const limit = q.limitPerSource ?? 5000;
  const [audit, journal] = await Promise.all([
    auditByCorrelation(q.pg, q.tenants, q.correlationId, limit),
    journalByCorrelation(q.pg, q.tenants, q.correlationId, limit),
  ]);
  let spans: DrilldownSpan[] = [];
  let logs: DrilldownLog[] = [];
  let clickhouse: Timeline['clickhouse'] = 'not-configured';
  if (q.clickhouse !== undefined) {
    try {
      [spans, logs] = await Promise.all([
        spansOfCorrelation(q.clickhouse, q.tenants, q.correlationId, limit),
        logsOfCorrelation(q.clickhouse, q.tenants, q.correlationId, limit),
      ]);
      clickhouse = 'ok';
    } catch (err) {
      q.onClickHouseError?.(err);
      clickhouse = 'unavailable';
    }
  }
  const entries = [...audit.map(auditEntry), ...journal.map(journalEntry), ...spans.map(spanEntry), ...logs.map(logEntry)];
  orderTimelineEntries(entries);
  return {
    correlationId: q.correlationId,
    entries,
    causation: buildCausationTree(causationInputs(entries)),
    counts: { audit: audit.length, journal: journal.length, span: spans.length, log: logs.length },
    truncated: [audit.length, journal.length, spans.length, logs.length].some((n) => n >= limit),
    clickhouse,
  };
}
