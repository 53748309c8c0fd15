/**
 * `journal.emit()`: notable steps of runs, components and the system, with a severity. Like logs, the
 * call only captures context and queues; the event is built, redacted and validated in the background.
 * Journal events go through a bounded queue: INFO/DEBUG are shed under overload, WARN/ERROR kept.
 * An event that breaks the contract is dropped (counted as `invalid`) and reported to the error handler.
 */
import { CURRENT_SCHEMA_VERSION, SCHEMA_NAMES, formatViolations, newEventId, nowTimestamp, validateJournalEvent, type JournalEmitInput, type JournalEvent } from '../contract';
import type { Redactor } from '../redaction';
import type { Exporter } from '../exporter/exporter';
import type { Diagnostics } from '../diagnostics/diagnostics';
import { activeSpanIds, currentContext, type ContextFields } from '../pipeline/context-fields';
import { Lane, type LanePolicy } from '../pipeline/lane';
import type { Pipeline } from '../pipeline/pipeline';

interface RawJournal {
  input: JournalEmitInput;
  ctx: ContextFields | undefined;
  traceId: string | undefined;
  spanId: string | undefined;
  eventId: string;
  ts: string;
}

/** Settings of the journal. */
export interface JournalConfig {
  serviceName: string;
  tenant: string;
  capacity: number;
  maxBatchSize: number;
  redactor: Redactor;
  diagnostics: Diagnostics;
  onDrop: LanePolicy<RawJournal, JournalEvent>['onDrop'];
}

/** Emits journal events. */
export interface Journal {
  /** Queues an event; returns its event id (usable in pointers), or undefined if it was shed. */
  emit(input: JournalEmitInput): string | undefined;
}

/** Builds the journal lane and emitter. */
export function createJournal(config: JournalConfig, exporter: Exporter, pipeline: Pipeline): { journal: Journal; lane: Lane<RawJournal, JournalEvent> } {
  const build = (r: RawJournal): JournalEvent | undefined => {
    const { input, ctx } = r;
    const candidate: Record<string, unknown> = {
      event_id: r.eventId,
      schema: { name: SCHEMA_NAMES.journal, version: CURRENT_SCHEMA_VERSION.journal },
      ts: r.ts,
      tenant: ctx?.tenant ?? config.tenant,
      service: config.serviceName,
      correlation_id: ctx?.correlationId ?? input.runId ?? ctx?.runId ?? r.eventId,
      causation_id: ctx?.causationId ?? null,
      trace_id: r.traceId ?? null,
      span_id: r.spanId ?? null,
      actor: ctx?.actor ?? { id: config.serviceName, type: 'service' },
      scope: input.scope,
      run_id: input.runId ?? ctx?.runId ?? null,
      kind: input.kind,
      severity: input.severity,
      summary: typeof input.summary === 'string' ? config.redactor.redactValue(input.summary) : input.summary,
    };
    if (input.details !== undefined) candidate['details'] = config.redactor.redactObject(input.details);
    if (input.pointers !== undefined) candidate['pointers'] = input.pointers;
    const checked = validateJournalEvent(candidate);
    if (!checked.ok) {
      config.diagnostics.report(new Error(`journal event refused: ${formatViolations(checked.errors)}`), 'journal');
      return undefined;
    }
    return checked.value;
  };
  const isHigh = (r: RawJournal) => r.input.severity === 'WARN' || r.input.severity === 'ERROR';
  const lane = new Lane<RawJournal, JournalEvent>(
    {
      kind: 'journal',
      capacity: config.capacity,
      maxBatchSize: config.maxBatchSize,
      isHighPriority: isHigh,
      levelOf: (r) => (typeof r.input?.severity === 'string' ? r.input.severity : 'INFO'),
      prepare: build,
      onDrop: config.onDrop,
      onFailure: (error) => config.diagnostics.report(error, 'export.journal'),
    },
    exporter,
  );
  const journal: Journal = {
    emit(input: JournalEmitInput): string | undefined {
      try {
        if (pipeline.isStopped) return undefined;
        const ids = activeSpanIds();
        const raw: RawJournal = { input, ctx: currentContext(), traceId: ids?.traceId, spanId: ids?.spanId, eventId: newEventId(), ts: nowTimestamp() };
        if (!lane.queue.offer(raw)) return undefined;
        if (isHigh(raw) || lane.queue.size >= config.maxBatchSize) pipeline.nudge();
        return raw.eventId;
      } catch (error) {
        config.diagnostics.report(error, 'journal');
        return undefined;
      }
    },
  };
  return { journal, lane };
}
